"""The attacks of the security issue's staff-access part, each replayed against the app.

A stolen or kept cookie replayed after sign-out, a password change or disabling; sessions
left idle or kept too long; expired and revoked tokens; a disabled member; a role that
requires a second factor; wrong and replayed codes; password guessing spread over many
addresses or many accounts; `next` pointing elsewhere. These run on SQLite (the services
under them run on both databases in tests/integration/test_staff_accounts.py).
"""

from __future__ import annotations

import re
import time
from collections.abc import Callable
from datetime import timedelta
from typing import Any

import pyotp
import pytest
from flask import Flask
from flask.testing import FlaskClient

from registration.services.container import Services
from tests.conftest import bearer
from tests.security.test_limits import redis_prefix  # noqa: F401  (a fixture)
from tests.support.clock import SettableClock

PASSWORD = "a long enough password"
NEW_PASSWORD = "another long password"


@pytest.fixture
def database_url() -> None:
    return None


def csrf(client: FlaskClient, url: str) -> str:
    page = client.get(url).get_data(as_text=True)
    return re.search(r'name="csrf_token" value="([^"]+)"', page).group(1)  # type: ignore[union-attr]


def sign_in(client: FlaskClient, email: str, password: str = PASSWORD, lang: str = "en",
            **data: str) -> Any:
    token = csrf(client, f"/staff/sign-in?lang={lang}")
    return client.post("/staff/sign-in", data={
        "csrf_token": token, "email": email, "password": password, **data})


def post(client: FlaskClient, url: str, page: str = "/staff/me", **data: str) -> Any:
    return client.post(url, data={"csrf_token": csrf(client, page), **data})


def cli(app: Flask, args: list[str]) -> Any:
    with app.app_context():
        return app.test_cli_runner().invoke(args=args)


def signed_in(client: FlaskClient, path: str = "/staff/") -> bool:
    answer = client.get(path)
    return answer.status_code == 200


def cookie(client: FlaskClient) -> str:
    found = client.get_cookie("session")
    assert found is not None
    return found.value


def replay(client: FlaskClient, value: str) -> None:
    client.set_cookie("session", value)


@pytest.fixture
def ada(services: Services) -> Any:
    return services.staff.create_account("Ada Admin", "ada@example.com", PASSWORD, "admin")


@pytest.fixture
def dana(services: Services) -> Any:
    return services.staff.create_account("Dana Desk", "desk@example.com", PASSWORD, "desk")


# --- sessions: ended on the server ---


def test_a_cookie_replayed_after_sign_out_is_refused(client: FlaskClient, ada: Any) -> None:
    assert sign_in(client, "ada@example.com").status_code == 302
    kept = cookie(client)
    assert signed_in(client)
    post(client, "/staff/sign-out")
    replay(client, kept)
    answer = client.get("/staff/")
    assert answer.status_code == 302 and "/staff/sign-in" in answer.headers["Location"]


def test_a_password_change_ends_the_other_sessions_not_this_one(
        app: Flask, client: FlaskClient, dana: Any) -> None:
    laptop, phone = client, app.test_client()
    sign_in(laptop, "desk@example.com")
    sign_in(phone, "desk@example.com")
    stolen = cookie(phone)
    refused = post(laptop, "/staff/me", current="not my password", password=NEW_PASSWORD)
    assert refused.status_code == 422 and "not your current password" in refused.text
    assert signed_in(phone)
    changed = post(laptop, "/staff/me", current=PASSWORD, password=NEW_PASSWORD)
    assert changed.status_code == 302
    assert signed_in(laptop)
    assert not signed_in(phone)
    replay(phone, stolen)
    assert not signed_in(phone)
    assert sign_in(phone, "desk@example.com").status_code == 401
    assert sign_in(phone, "desk@example.com", NEW_PASSWORD).status_code == 302


def test_an_admin_resetting_a_password_ends_every_session_of_that_member(
        app: Flask, client: FlaskClient, ada: Any, dana: Any) -> None:
    desk = app.test_client()
    sign_in(desk, "desk@example.com")
    sign_in(client, "ada@example.com")
    page = f"/staff/accounts/{dana.id}"
    assert client.get(page).status_code == 200
    short = post(client, f"{page}/password", page, password="short")
    assert short.status_code == 422
    assert post(client, f"{page}/password", page, password=NEW_PASSWORD).status_code == 302
    assert not signed_in(desk)
    assert sign_in(desk, "desk@example.com", NEW_PASSWORD).status_code == 302


def test_disabling_ends_every_session_and_token_and_sign_in_stays_refused(
        app: Flask, client: FlaskClient, services: Services, dana: Any, edition: dict) -> None:
    _, token = services.staff.create("Dana Desk", "desk")
    assert client.get("/api/editions/test-montreal/attendance",
                      headers=bearer(token)).status_code == 200
    sign_in(client, "desk@example.com")
    kept = cookie(client)
    result = cli(app, ["staff", "disable", "--name", "Dana Desk"])
    assert result.exit_code == 0, result.output
    assert not signed_in(client)
    replay(client, kept)
    assert not signed_in(client)
    assert client.get("/api/editions/test-montreal/attendance",
                      headers=bearer(token)).status_code == 401
    refused = sign_in(client, "desk@example.com")
    assert refused.status_code == 401 and "do not match" in refused.text

    result = cli(app, ["staff", "enable", "--name", "Dana Desk"])
    assert result.exit_code == 0, result.output
    assert sign_in(client, "desk@example.com").status_code == 302
    assert client.get("/api/editions/test-montreal/attendance",
                      headers=bearer(token)).status_code == 401  # old tokens stay revoked


def test_an_admin_disables_from_the_members_page(
        app: Flask, client: FlaskClient, ada: Any, dana: Any) -> None:
    desk = app.test_client()
    sign_in(desk, "desk@example.com")
    sign_in(client, "ada@example.com")
    page = f"/staff/accounts/{dana.id}"
    assert post(client, f"{page}/access", page, action="disable").status_code == 302
    assert "Disabled" in client.get(page).text
    assert not signed_in(desk)


def test_a_session_ends_after_two_idle_hours(
        client: FlaskClient, clock: SettableClock, ada: Any) -> None:
    sign_in(client, "ada@example.com")
    for _ in range(3):
        clock.current += timedelta(hours=1, minutes=59)
        assert signed_in(client)
    clock.current += timedelta(hours=2, minutes=1)
    assert not signed_in(client)


def test_a_session_ends_twelve_hours_after_sign_in_however_busy(
        client: FlaskClient, clock: SettableClock, ada: Any) -> None:
    sign_in(client, "ada@example.com")
    for _ in range(7):
        clock.current += timedelta(hours=1, minutes=40)
        assert signed_in(client)  # 11 h 40 after signing in
    clock.current += timedelta(minutes=21)
    assert not signed_in(client)


def test_lifetimes_are_settings(make_app: Callable[..., Flask], clock: SettableClock,
                                services: Services, ada: Any) -> None:
    other = make_app(STAFF_SESSION_IDLE_MINUTES="5", RATE_LIMIT_ENABLED="false")
    client = other.test_client()
    sign_in(client, "ada@example.com")
    clock.current += timedelta(minutes=4)
    assert signed_in(client)
    clock.current += timedelta(minutes=6)
    assert not signed_in(client)


def test_the_session_cookie_is_httponly_lax_not_permanent_and_secure_outside_tests(
        make_app: Callable[..., Flask], ada: Any) -> None:
    production = make_app(RATE_LIMIT_ENABLED="false")
    production.config["TESTING"] = False
    client = production.test_client()
    answer = sign_in(client, "ada@example.com")
    header = answer.headers["Set-Cookie"]
    assert "HttpOnly" in header and "SameSite=Lax" in header and "Secure" in header
    assert "Expires" not in header and "Max-Age" not in header
    plain = make_app(RATE_LIMIT_ENABLED="false", SESSION_COOKIE_SECURE="false")
    plain.config["TESTING"] = False
    assert "Secure" not in sign_in(plain.test_client(), "ada@example.com").headers["Set-Cookie"]


# --- bearer tokens ---


def test_an_expired_token_is_refused_with_401(
        client: FlaskClient, services: Services, clock: SettableClock, edition: dict) -> None:
    _, token, expires = services.staff.issue("api-finance", "finance")
    assert expires - clock.current > timedelta(days=89)
    url = "/api/editions/test-montreal/invoices"
    assert client.get(url, headers=bearer(token)).status_code == 200
    clock.set(expires + timedelta(seconds=1))
    refused = client.get(url, headers=bearer(token))
    assert refused.status_code == 401 and "expired or revoked" in refused.json["error"]


def test_a_revoked_token_is_refused_and_listed_as_revoked(
        app: Flask, client: FlaskClient, services: Services, ada: Any, edition: dict) -> None:
    member, token, _ = services.staff.issue("api-desk", "desk")
    _, kept, _ = services.staff.issue("api-desk", "desk")
    url = "/api/editions/test-montreal/attendees"
    client.get(url, headers=bearer(token))
    sign_in(client, "ada@example.com")
    page = f"/staff/accounts/{member.id}"
    listing = client.get(page).text
    assert token[:6] in listing and token not in listing and "Active" in listing
    assert post(client, f"{page}/tokens/{token[:6]}/revoke", page).status_code == 302
    assert client.get(url, headers=bearer(token)).status_code == 401
    assert client.get(url, headers=bearer(kept)).status_code == 200
    assert "Revoked" in client.get(page).text
    assert post(client, f"{page}/tokens/{token[:6]}/revoke", page).status_code == 404
    result = cli(app, ["staff", "revoke", "--name", "api-desk", "--token", kept[:6]])
    assert result.exit_code == 0, result.output
    assert client.get(url, headers=bearer(kept)).status_code == 401


def test_staff_create_prints_the_token_and_its_expiry(app: Flask, services: Services) -> None:
    result = cli(app, ["staff", "create", "--name", "Robo", "--role", "desk", "--days", "7"])
    assert result.exit_code == 0, result.output
    assert re.search(r"expires: 2019-03-27T", result.output)
    listed = cli(app, ["staff", "tokens", "--name", "Robo"])
    assert "active" in listed.output and "expires 2019-03-27" in listed.output


# --- the second factor ---


def enrol(client: FlaskClient) -> pyotp.TOTP:
    page = client.get("/staff/me/second-factor")
    assert page.status_code == 200 and "<svg" in page.text
    assert re.findall(r"<script[^>]*>", page.text) == [
        '<script src="/static/js/page.js" defer>']  # no inline script
    secret = re.search(r'id="secret">([A-Z2-7 ]+)<', page.text).group(1)  # type: ignore[union-attr]
    totp = pyotp.TOTP(secret.replace(" ", ""))
    wrong = post(client, "/staff/me/second-factor", "/staff/me/second-factor", code="000000")
    assert wrong.status_code == 422
    done = post(client, "/staff/me/second-factor", "/staff/me/second-factor",
                code=totp.now())
    assert done.status_code == 302
    return totp


def later_code(totp: pyotp.TOTP) -> str:
    return totp.at(time.time() + totp.interval)  # the next step: accepted once


def test_a_member_enrols_then_signs_in_with_a_code_that_counts_once(
        app: Flask, client: FlaskClient, services: Services, ada: Any) -> None:
    sign_in(client, "ada@example.com")
    totp = enrol(client)
    post(client, "/staff/sign-out")

    answer = sign_in(client, "ada@example.com", next="/staff/accounts")
    assert answer.headers["Location"] == "/staff/sign-in/code"
    assert not signed_in(client)  # the password alone opens nothing
    wrong = post(client, "/staff/sign-in/code", "/staff/sign-in/code", code="123456")
    assert wrong.status_code == 401 and "not right" in wrong.text
    code = later_code(totp)
    right = post(client, "/staff/sign-in/code", "/staff/sign-in/code", code=code)
    assert right.status_code == 302 and right.headers["Location"] == "/staff/accounts"
    assert signed_in(client)

    post(client, "/staff/sign-out")
    sign_in(client, "ada@example.com")
    reused = post(client, "/staff/sign-in/code", "/staff/sign-in/code", code=code)
    assert reused.status_code == 401
    older = post(client, "/staff/sign-in/code", "/staff/sign-in/code", code=totp.now())
    assert older.status_code == 401  # a code from before the last one used
    assert not signed_in(client)


def test_the_code_step_cannot_be_skipped_by_going_straight_to_the_pages(
        client: FlaskClient, ada: Any) -> None:
    sign_in(client, "ada@example.com")
    enrol(client)
    post(client, "/staff/sign-out")
    sign_in(client, "ada@example.com")
    for path in ("/staff/", "/staff/accounts", "/staff/me", "/staff/me/second-factor"):
        assert client.get(path).status_code == 302


def test_the_secret_is_not_readable_from_the_event_store(
        client: FlaskClient, services: Services, ada: Any) -> None:
    sign_in(client, "ada@example.com")
    totp = enrol(client)
    stored = b"".join(n.state for n in services.app.recorder.select_notifications(
        start=1, limit=10_000))
    assert totp.secret.encode() not in stored
    assert b"sealed_secret" in stored


def test_a_role_that_requires_a_code_sends_its_members_to_enrol_first(
        app: Flask, client: FlaskClient, ada: Any, dana: Any) -> None:
    sign_in(client, "ada@example.com")
    assert post(client, "/staff/accounts/second-factor", "/staff/accounts",
                role="desk").status_code == 302
    assert "Must set up a second factor" in client.get("/staff/accounts").text

    desk = app.test_client()
    answer = sign_in(desk, "desk@example.com", next="/staff/desk/")
    assert answer.headers["Location"] == "/staff/me/second-factor"
    for path in ("/staff/", "/staff/desk/", "/staff/me"):
        blocked = desk.get(path)
        assert blocked.status_code == 302
        assert blocked.headers["Location"] == "/staff/me/second-factor"
    enrol(desk)
    assert signed_in(desk, "/staff/desk/")
    assert signed_in(client, "/staff/accounts")  # admins were not required


def test_an_admin_removes_a_lost_second_factor_and_the_member_enrols_a_new_app(
        app: Flask, client: FlaskClient, services: Services, ada: Any, dana: Any) -> None:
    phone = app.test_client()
    sign_in(phone, "desk@example.com")
    enrol(phone)
    sign_in(client, "ada@example.com")
    page = f"/staff/accounts/{dana.id}"
    assert "Second factor on" in client.get(page).text
    unexplained = post(client, f"{page}/second-factor/remove", page, reason=" ")
    assert unexplained.status_code == 422 and services.staff_access.needs_code(dana.id)
    assert signed_in(phone)

    removed = post(client, f"{page}/second-factor/remove", page, reason="Phone lost")
    assert removed.status_code == 302
    assert "is removed" in client.get(page).text
    assert not signed_in(phone)  # the lost phone's session ended with it
    assert sign_in(phone, "desk@example.com").headers["Location"] == "/staff/"
    setup = phone.get("/staff/me/second-factor").text  # a new app, from their own page
    new_app = pyotp.TOTP(re.search(r'id="secret">([A-Z2-7 ]+)<', setup)  # type: ignore[union-attr]
                         .group(1).replace(" ", ""))
    assert post(phone, "/staff/me/second-factor", "/staff/me/second-factor",
                code=later_code(new_app)).status_code == 302
    assert services.staff_access.needs_code(dana.id)
    assert post(client, f"{page}/second-factor/remove", page, reason="twice").status_code == 302
    nothing = post(client, f"{page}/second-factor/remove", page, reason="thrice")
    assert nothing.status_code == 409 and "no second factor" in nothing.text


def test_removing_a_second_factor_in_french_explains_in_french(
        client: FlaskClient, ada: Any, dana: Any) -> None:
    sign_in(client, "ada@example.com", lang="fr")
    page = f"/staff/accounts/{dana.id}"
    answer = post(client, f"{page}/second-factor/remove", page, reason="perdu")
    assert answer.status_code == 409
    assert "pas de second facteur à retirer" in answer.text


# --- throttling ---


@pytest.fixture
def limited(make_app: Callable[..., Flask], ada: Any, dana: Any) -> Flask:
    return make_app(RATE_LIMIT_SIGN_IN="100/minute")


def from_address(app: Flask, address: str) -> FlaskClient:
    client = app.test_client()
    client.environ_base["REMOTE_ADDR"] = address
    return client


def test_guessing_one_account_from_many_addresses_is_slowed_down(limited: Flask) -> None:
    for n in range(4):
        assert sign_in(from_address(limited, f"198.51.100.{n}"), "desk@example.com",
                       "wrong guess").status_code == 401
    fifth = sign_in(from_address(limited, "198.51.100.4"), "desk@example.com", "wrong guess")
    assert fifth.status_code == 429 and 25 <= int(fifth.headers["Retry-After"]) <= 30
    # Even the right password, from a new address, waits; in French when asked.
    refused = sign_in(from_address(limited, "198.51.100.9"), "desk@example.com", lang="fr")
    assert refused.status_code == 429 and int(refused.headers["Retry-After"]) > 0
    assert "Trop de tentatives de connexion échouées" in refused.text
    assert "réessayez dans 30\u00a0secondes" in refused.text or "réessayez dans" in refused.text
    other = sign_in(from_address(limited, "198.51.100.9"), "ada@example.com")
    assert other.status_code == 302  # the address itself is not guilty


def test_guessing_many_accounts_from_one_address_is_slowed_down(limited: Flask) -> None:
    client = from_address(limited, "203.0.113.7")
    for n in range(4):
        assert sign_in(client, f"someone{n}@example.com", "wrong guess").status_code == 401
    assert sign_in(client, "someone9@example.com", "wrong guess").status_code == 429
    refused = sign_in(client, "ada@example.com")
    assert refused.status_code == 429 and "try again in" in refused.text
    assert sign_in(from_address(limited, "203.0.113.8"), "ada@example.com").status_code == 302


def test_each_failure_past_the_fifth_doubles_the_wait(limited: Flask) -> None:
    throttle = limited.extensions.get("sign_in_throttle")
    waits = []
    for n in range(7):
        client = from_address(limited, f"192.0.2.{n}")
        answer = sign_in(client, "desk@example.com", "wrong guess")
        if answer.status_code == 429:
            waits.append(int(answer.headers["Retry-After"]))
            throttle = limited.extensions["sign_in_throttle"]
            storage = throttle.budgets.limiter.storage
            for key in list(getattr(storage, "storage", {})):  # as if the wait were over
                if "/lock/" in key:
                    storage.clear(key)
    assert waits == [30, 60, 120]


def test_a_success_forgets_the_accounts_failures(limited: Flask) -> None:
    client = from_address(limited, "192.0.2.50")
    for _ in range(3):
        sign_in(from_address(limited, "192.0.2.51"), "desk@example.com", "wrong guess")
    assert sign_in(client, "desk@example.com").status_code == 302
    for n in range(4):
        assert sign_in(from_address(limited, f"192.0.2.{60 + n}"), "desk@example.com",
                       "wrong guess").status_code == 401


def test_failures_count_across_workers_sharing_redis(
        make_app: Callable[..., Flask], redis_prefix: str, ada: Any) -> None:  # noqa: F811
    settings = {"REDIS_URL": "redis://127.0.0.1:6379/0", "RATE_LIMIT_KEY_PREFIX": redis_prefix}
    one, two = make_app(**settings), make_app(**settings)
    for n in range(4):
        worker = one if n % 2 else two
        assert sign_in(from_address(worker, f"198.51.100.{n}"), "ada@example.com",
                       "wrong").status_code == 401
    assert sign_in(from_address(one, "198.51.100.20"), "ada@example.com",
                   "wrong").status_code == 429
    assert sign_in(from_address(two, "198.51.100.21"), "ada@example.com").status_code == 429


def test_wrong_codes_count_as_failed_sign_ins(limited: Flask) -> None:
    client = from_address(limited, "192.0.2.80")
    sign_in(client, "ada@example.com")
    enrol(client)
    post(client, "/staff/sign-out")
    sign_in(client, "ada@example.com")
    answers = [post(client, "/staff/sign-in/code", "/staff/sign-in/code",
                    code="000000").status_code for _ in range(5)]
    assert answers == [401, 401, 401, 401, 429]


# --- where signing in leads ---


@pytest.mark.parametrize("target", [
    "/\t/evil.example/", "//evil.example", "https://evil.example", "/\\evil.example",
    "\\\\evil.example", "/staff\\..\\evil", "/\x00/evil.example", "/\r\n/evil.example",
    "http:/evil.example", "javascript:alert(1)", "/\u2028/evil.example", " //evil.example",
    "evil.example", "///evil.example",
])
def test_next_only_leads_to_a_path_on_this_site(
        client: FlaskClient, ada: Any, target: str) -> None:
    answer = sign_in(client, "ada@example.com", next=target)
    assert answer.status_code == 302
    assert answer.headers["Location"] == "/staff/"


def test_next_percent_encoded_tab_from_the_query_goes_to_the_dashboard(
        client: FlaskClient, ada: Any) -> None:
    page = client.get("/staff/sign-in?next=/%09/evil.example/").text
    hidden = re.search(r'name="next" value="([^"]*)"', page).group(1)  # type: ignore[union-attr]
    answer = sign_in(client, "ada@example.com", next=hidden.replace("&#9;", "\t"))
    assert answer.headers["Location"] == "/staff/"
    again = client.get("/staff/sign-in?next=/%09/evil.example/")
    assert again.headers["Location"] == "/staff/"  # already signed in


def test_next_keeps_a_path_on_this_site(client: FlaskClient, ada: Any) -> None:
    answer = sign_in(client, "ada@example.com", next="/staff/accounts?tab=x")
    assert answer.headers["Location"] == "/staff/accounts?tab=x"



def test_tokens_are_listed_and_revoked_over_the_api_by_admins_only(
        client: FlaskClient, services: Services) -> None:
    _, admin = services.staff.create("api-admin", "admin")
    desk, token, _ = services.staff.issue("api-desk", "desk")
    mine = client.get("/api/staff/me", headers=bearer(token))
    assert mine.status_code == 200 and mine.json["tokens"][0]["prefix"] == token[:6]
    assert token not in mine.text and mine.json["tokens"][0]["expires_at"]
    assert client.get("/api/staff/members", headers=bearer(token)).status_code == 403
    listed = client.get("/api/staff/members", headers=bearer(admin)).json["members"]
    assert [m["name"] for m in listed] == ["api-admin", "api-desk"]
    url = f"/api/staff/members/{desk.id}/tokens/{token[:6]}"
    assert client.delete(url, headers=bearer(token)).status_code == 403
    assert client.delete(url, headers=bearer(admin)).status_code == 204
    assert client.get("/api/staff/me", headers=bearer(token)).status_code == 401
    assert client.delete(url, headers=bearer(admin)).status_code == 404
    assert client.delete("/api/staff/members/nobody/tokens/x",
                         headers=bearer(admin)).status_code == 404
