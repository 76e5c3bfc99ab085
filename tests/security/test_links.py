"""The attacks of the security issue's manage-link part, each replayed against the app.

A link that was handed on, or renewed, must stop working everywhere at once (pages, API,
and a browser session opened with it before); "send me my link again" must tell nobody
who is registered; the event store must not give a link to whoever reads it; the token
must never sit in a page, an address or a Location header; the development secret key must
not run in production; and the holder's history must not show the organiser's staff or the
previous holder. E-mails go through a real SMTP server on loopback, as in test_mail.
These run on SQLite: the links do not depend on the database (the services under them are
tested on both).
"""

from __future__ import annotations

import base64
import hashlib
import json
import re
import sys
from collections.abc import Iterator
from email.message import EmailMessage
from pathlib import Path
from typing import Any
from uuid import UUID

import pytest
from cryptography.fernet import Fernet, InvalidToken
from flask import Flask
from flask.testing import FlaskClient
from playwright.sync_api import Browser, Page, expect

from registration.app import create_app
from registration.config import DEVELOPMENT_SECRET_KEY, Settings, UnsafeSettings
from registration.links import ManageLinks
from registration.mail.outbox import LinkSeal
from registration.services.container import Services
from tests.conftest import bearer
from tests.e2e.browser.conftest import DESKTOP, PHONE
from tests.support import editions
from tests.support.smtp import Inbox, free_port, smtp_server

SLUG = "test-montreal"
API = f"/api/editions/{SLUG}"
BASE_URL = "http://localhost"
SHOTS = Path("/tmp/shots-links")


@pytest.fixture
def database_url() -> None:
    return None


@pytest.fixture
def smtp_port() -> int:
    return free_port()


@pytest.fixture
def extra_settings() -> dict[str, str]:
    """More settings for one test (parametrized where a test needs the rate limits)."""
    return {}


@pytest.fixture
def app_overrides(smtp_port: int, extra_settings: dict[str, str]) -> dict[str, str]:
    return {"SMTP_URL": f"smtp://127.0.0.1:{smtp_port}", "BASE_URL": BASE_URL,
            "MAIL_FROM": "Alliance <registration@example.org>", **extra_settings}


@pytest.fixture
def inbox(smtp_port: int) -> Iterator[Inbox]:
    with smtp_server(smtp_port, Inbox()) as received:
        yield received


def settled(services: Services) -> None:
    """Sending happens off-request: wait until the background sender has caught up."""
    assert services.mail_sender is not None and services.mail_sender.wait_idle()


def register(client: FlaskClient, n: int = 1, **person: Any) -> tuple[str, str]:
    """A registration through the API: its id and manage token."""
    answer = client.post(f"{API}/registrations", json={
        "attendee": editions.attendee(n, **person), "registration_type": "delegate",
        "delegation": "QC"})
    assert answer.status_code == 201, answer.json
    return answer.json["id"], answer.json["manage_token"]


def text_of(message: EmailMessage) -> str:
    body = message.get_body(("plain",))
    assert body is not None
    return str(body.get_content())


def html_of(message: EmailMessage) -> str:
    body = message.get_body(("html",))
    assert body is not None
    return str(body.get_content())


def link_in(message: EmailMessage) -> str:
    """The manage link's path (with its token) in a mail."""
    found = re.search(rf"{re.escape(BASE_URL)}(/r/\S+)", text_of(message))
    assert found, text_of(message)
    return found.group(1)


def token_of(link: str) -> str:
    return link.rsplit("token=", 1)[1]


def csrf(client: FlaskClient, url: str) -> str:
    page = client.get(url).get_data(as_text=True)
    found = re.search(r'name="csrf_token" value="([^"]+)"', page)
    assert found, page
    return found.group(1)


def opened(app: Flask, link: str) -> FlaskClient:
    """A browser session that opened the manage link (the token traded for the session)."""
    session = app.test_client()
    answer = session.get(link)
    assert answer.status_code == 303, answer.get_data(as_text=True)
    assert "token" not in answer.headers["Location"]
    return session


def hand_on(session: FlaskClient, rid: str, n: int = 2, **person: Any) -> None:
    """The holder hands their place on through the substitution form."""
    form = {"csrf_token": csrf(session, f"/r/{rid}/substitute"),
            **editions.attendee(n, **person)}
    answer = session.post(f"/r/{rid}/substitute", data=form)
    assert answer.status_code == 200, answer.get_data(as_text=True)


@pytest.fixture
def handed_on(app: Flask, client: FlaskClient, services: Services, edition: dict,
              inbox: Inbox) -> dict[str, Any]:
    """François (French) registered, opened his link, and handed his place to Mary (English)."""
    rid, token = register(client, 1)
    session = opened(app, f"/r/{rid}?token={token}")
    hand_on(session, rid, 2, first_name="Mary", last_name="Smith", language="en")
    settled(services)
    return {"id": rid, "old_token": token, "old_session": session}


def test_the_old_link_is_refused_by_the_pages_after_a_substitution(app, handed_on) -> None:
    rid, token = handed_on["id"], handed_on["old_token"]
    stranger = app.test_client()
    answer = stranger.get(f"/r/{rid}?token={token}&lang=fr")
    assert answer.status_code == 403
    page = answer.get_data(as_text=True)
    assert "un lien plus récent" in page and "demandez à recevoir votre lien" in page
    assert token not in page  # not even in the language switch
    assert f"/e/{SLUG}/my-link" in page  # and offers to send the link again
    assert stranger.get(f"/r/{rid}").status_code == 403


def test_the_old_token_is_refused_by_the_api_after_a_substitution(client, handed_on) -> None:
    rid, old = handed_on["id"], bearer(handed_on["old_token"])
    for answer in (client.get(f"/api/registrations/{rid}", headers=old),
                   client.get(f"/api/registrations/{rid}/history", headers=old),
                   client.post(f"/api/registrations/{rid}/cancellation", headers=old)):
        assert answer.status_code == 403
        assert answer.json["error"] == "This token does not give access to this registration."


def test_a_session_opened_with_the_old_link_ends_with_the_substitution(handed_on) -> None:
    session, rid = handed_on["old_session"], handed_on["id"]
    for url in (f"/r/{rid}", f"/r/{rid}/details", f"/r/{rid}/cancel", f"/pay/{rid}",
                f"/pay/{rid}/payment"):
        assert session.get(url).status_code == 403, url
    form = {"csrf_token": csrf(session, f"/e/{SLUG}/my-link")}
    refused = session.post(f"/r/{rid}/cancel", data=form)
    assert refused.status_code == 403


def test_the_new_holder_gets_a_new_link_and_the_previous_one_a_notice_without_a_link(
        app, services, handed_on, inbox) -> None:
    rid = handed_on["id"]
    [notice] = [m for m in inbox.to("person1@example.com") if "cédée" in m["Subject"]]
    assert notice["Subject"] == "Votre place à la Conférence de l\u2019Alliance (essai) a été cédée"
    assert "Bonjour François," in text_of(notice) and "Mary Smith" in text_of(notice)
    for body in (text_of(notice), html_of(notice)):
        assert "/r/" not in body and "token" not in body and "person2@" not in body
    [new_link] = [m for m in inbox.to("person2@example.com") if "link" in m["Subject"]]
    assert new_link["Subject"] == "Your personal link for Alliance Conference (test)"
    assert "Hello Mary," in text_of(new_link)
    assert "François Tremblay1 handed their place" in text_of(new_link)  # who, never a link
    link = link_in(new_link)
    assert token_of(link) != handed_on["old_token"]
    session = opened(app, link)
    page = session.get(f"/r/{rid}").get_data(as_text=True)
    assert "Mary Smith" in page and token_of(link) not in page


def test_asking_for_the_link_again_mails_a_fresh_one_and_ends_the_previous_one(
        app, client, services, edition, inbox) -> None:
    rid, token = register(client, 1)  # French
    before = opened(app, f"/r/{rid}?token={token}")
    asker = app.test_client()
    answer = asker.post(f"/e/{SLUG}/my-link?lang=fr", data={
        "csrf_token": csrf(asker, f"/e/{SLUG}/my-link?lang=fr"), "email": "PERSON1@example.com"})
    assert answer.status_code == 200
    assert "son lien personnel à cette adresse" in answer.get_data(as_text=True)
    settled(services)
    [mail] = [m for m in inbox.to("person1@example.com") if "lien personnel" in m["Subject"]]
    assert mail["Subject"] == "Votre lien personnel pour la Conférence de l\u2019Alliance (essai)"
    assert "Bonjour François," in text_of(mail)
    fresh = link_in(mail)
    assert client.get(f"/api/registrations/{rid}", headers=bearer(token)).status_code == 403
    assert before.get(f"/r/{rid}").status_code == 403
    assert opened(app, fresh).get(f"/r/{rid}").status_code == 200
    # The API does the same, and ends the link just mailed.
    again = client.post(f"{API}/manage-links", json={"email": "person1@example.com"})
    assert again.status_code == 202
    settled(services)
    assert client.get(f"/api/registrations/{rid}",
                      headers=bearer(token_of(fresh))).status_code == 403
    newest = [m for m in inbox.to("person1@example.com") if "lien personnel" in m["Subject"]]
    assert len(newest) == 2
    assert client.get(f"/api/registrations/{rid}",
                      headers=bearer(token_of(link_in(newest[-1])))).status_code == 200


def test_an_unknown_address_gets_the_same_answer_and_nothing_happens(
        app, client, services, edition, inbox) -> None:
    register(client, 1)
    settled(services)
    mails = len(inbox.messages)
    known = client.post(f"{API}/manage-links", json={"email": "person1@example.com"})
    settled(services)
    before = services.app.recorder.max_notification_id()
    unknown = client.post(f"{API}/manage-links", json={"email": "nobody@example.com"})
    assert (unknown.status_code, unknown.json) == (known.status_code, known.json)
    page = app.test_client()
    pages = [page.post(f"/e/{SLUG}/my-link", data={
        "csrf_token": csrf(page, f"/e/{SLUG}/my-link"), "email": email}).get_data(as_text=True)
        for email in ("nobody@example.com", "person1@example.com")]
    notices = [re.search(r'<div class="notice ok" role="status">([^<]+)</div>', p) for p in pages]
    assert notices[0] and notices[1] and notices[0].group(1) == notices[1].group(1)
    settled(services)
    assert len(inbox.messages) == mails + 2  # the two for person1, none for nobody
    assert services.app.recorder.max_notification_id() > before  # only person1's renewal


def test_a_garbled_address_is_refused_in_the_persons_language(app, client, edition) -> None:
    answer = client.post(f"{API}/manage-links", json={"email": "not an address"})
    assert answer.status_code == 422 and "email" in answer.json["details"]
    page = app.test_client()
    refused = page.post(f"/e/{SLUG}/my-link?lang=fr", data={
        "csrf_token": csrf(page, f"/e/{SLUG}/my-link?lang=fr"), "email": "pas une adresse"})
    assert refused.status_code == 422
    assert 'id="email-error"' in refused.get_data(as_text=True)
    assert "Veuillez corriger" in refused.get_data(as_text=True)


@pytest.mark.parametrize("extra_settings", [{"RATE_LIMIT_ENABLED": "true",
                                             "RATE_LIMIT_LINKS": "2/minute"}])
def test_asking_for_links_is_rate_limited(client, edition) -> None:
    answers = [client.post(f"{API}/manage-links", json={"email": f"x{n}@example.com"})
               for n in range(3)]
    assert [a.status_code for a in answers] == [202, 202, 429]
    assert answers[2].headers["Retry-After"]


@pytest.mark.parametrize("extra_settings", [{"RATE_LIMIT_ENABLED": "true",
                                             "RATE_LIMIT_LINKS": "2/minute"}])
def test_one_address_gets_few_links_whoever_asks_and_the_answer_does_not_say_so(
        client, services, edition, inbox) -> None:
    rid, _ = register(client, 1)
    answers = [client.post(f"{API}/manage-links", json={"email": "person1@example.com"},
                           environ_base={"REMOTE_ADDR": f"192.0.2.{n}"}) for n in range(4)]
    assert [a.status_code for a in answers] == [202] * 4  # every caller: the same answer
    assert len({json.dumps(a.json) for a in answers}) == 1
    settled(services)
    assert services.registrations.get(UUID(rid)).link_generation == 2
    links = [m for m in inbox.to("person1@example.com") if "lien" in m["Subject"]]
    assert len(links) == 2  # the per-address budget, whoever asked


def stored_states(services: Services) -> list[bytes]:
    """Every stored event's state, as the database holds it."""
    recorder = services.app.recorder
    top = recorder.max_notification_id() or 0
    return [n.state for n in recorder.select_notifications(start=1, limit=top + 1)]


def test_no_stored_event_holds_or_opens_a_manage_token(app, client, services, edition,
                                                       inbox) -> None:
    rid, token = register(client, 1)
    client.post(f"{API}/manage-links", json={"email": "person1@example.com"})
    settled(services)
    tokens = [token, *[token_of(link_in(m)) for m in inbox.messages if "/r/" in text_of(m)]]
    session = opened(app, link_in(inbox.messages[-1]))
    hand_on(session, rid, 2)
    settled(services)
    tokens += [token_of(link_in(m)) for m in inbox.to("person2@example.com")]
    # Given at registration (and in the confirmation), resent, and the new holder's.
    assert len(set(tokens)) == 3
    states = stored_states(services)
    assert states and all(isinstance(state, bytes) for state in states)
    for state in states:
        for secret in set(tokens):
            assert secret.encode() not in state
            assert base64.b64encode(secret.encode()) not in state
    # Nothing stored decrypts without SECRET_KEY (no sealed link is kept any more) ...
    for state in states:
        document = json.loads(state)
        assert document.get("sealed_link") is None
        assert not document.get("outcome", {}).get("sealed")
    # ... and what is derived needs it: another key derives other tokens.
    registration = services.registrations.get(UUID(rid))
    assert ManageLinks("any other key").current(registration) not in tokens
    assert ManageLinks(DEVELOPMENT_SECRET_KEY).current(registration) == tokens[-1]  # tests' key
    with pytest.raises(InvalidToken):
        LinkSeal("any other key").unseal(Fernet(Fernet.generate_key()).encrypt(b"x").decode())
    assert hashlib.sha256(tokens[-1].encode()).hexdigest().encode() not in b"".join(states)


def test_the_development_secret_key_is_refused_in_production(tmp_path, monkeypatch) -> None:
    monkeypatch.delenv("SECRET_KEY", raising=False)
    with pytest.raises(UnsafeSettings, match="SECRET_KEY is the development value"):
        create_app({"APP_ENV": "production", "INSTANCE_PATH": str(tmp_path)})
    with pytest.raises(UnsafeSettings, match="shorter than 32 characters"):
        create_app({"APP_ENV": "production", "SECRET_KEY": "short",
                    "INSTANCE_PATH": str(tmp_path)})
    assert not list(tmp_path.iterdir())  # refused before anything was opened
    # Under gunicorn (the Procfile's server), production is the default.
    monkeypatch.delenv("APP_ENV")
    monkeypatch.setitem(sys.modules, "gunicorn", sys.modules[__name__])
    assert Settings.from_env(tmp_path).is_production
    settings = Settings.from_env(tmp_path, {"SECRET_KEY": "k" * 64})
    settings.check_safe()  # a real key starts


def attendee_pages(rid: str) -> list[str]:
    return [f"/r/{rid}", f"/r/{rid}/confirmation", f"/r/{rid}/details",
            f"/r/{rid}/substitute", f"/r/{rid}/cancel", f"/pay/{rid}", f"/pay/{rid}/payment",
            f"/r/{rid}?lang=fr", f"/r/{rid}?done=corrected"]


def test_no_page_address_or_location_carries_the_token(app, services, edition, inbox) -> None:
    browser = app.test_client()
    register_form = {"csrf_token": csrf(browser, f"/e/{SLUG}/register"),
                     **editions.attendee(1), "registration_type": "delegate",
                     "delegation": "QC"}
    made = browser.post(f"/e/{SLUG}/register", data=register_form)
    assert made.status_code == 302 and "token" not in made.headers["Location"]
    rid = made.headers["Location"].split("/")[2]
    settled(services)
    [confirmation] = inbox.to("person1@example.com")
    link = link_in(confirmation)
    token = token_of(link)
    answer = browser.get(link)
    assert answer.status_code == 303 and answer.headers["Location"] == f"/r/{rid}"
    answer = browser.get(f"{link}&lang=fr")
    assert answer.headers["Location"] == f"/r/{rid}?lang=fr"
    for url in attendee_pages(rid):
        page = browser.get(url)
        assert page.status_code == 200, url
        assert token not in page.get_data(as_text=True), url
        assert "token=" not in page.get_data(as_text=True), url
    corrected = browser.post(f"/r/{rid}/details", data={
        "csrf_token": csrf(browser, f"/r/{rid}/details"),
        **editions.attendee(1, job_title="Director")})
    assert corrected.status_code == 302
    assert token not in corrected.headers["Location"]


def test_the_holders_history_shows_the_organiser_and_not_the_previous_holder(
        app, client, services, edition, staff_headers, inbox) -> None:
    member, desk_token = services.staff.create("Staff desk", "desk")
    desk = bearer(desk_token)
    rid, token = register(client, 1)
    client.patch(f"/api/registrations/{rid}", json={"organisation": "Exo"}, headers=desk)
    assert client.get(f"/api/registrations/{rid}/badge.pdf", headers=desk).status_code == 200
    client.post(f"/api/registrations/{rid}/substitution", headers=bearer(token),
                json={"attendee": editions.attendee(2, first_name="Mary", last_name="Smith")})
    settled(services)
    new_token = token_of(link_in(inbox.to("person2@example.com")[-1]))
    seen = client.get(f"/api/registrations/{rid}/history", headers=bearer(new_token)).json
    text = json.dumps(seen, ensure_ascii=False)
    for secret in ("Staff desk", str(member.id), "person1@example.com",
                   "Tremblay1", "François"):
        assert secret not in text, secret
    actors = [e["actor"] for e in seen["events"]]
    assert {"kind": "staff", "id": None, "name": None, "role": "desk"} in actors
    handed = next(e for e in seen["events"] if e["event"] == "Substituted")
    assert handed["details"]["previous"] is None
    assert handed["details"]["attendee"]["email"] == "person2@example.com"
    holder_session = opened(app, f"/r/{rid}?token={new_token}")
    page = holder_session.get(f"/r/{rid}?lang=en").get_data(as_text=True)
    history = page.split("data-history", 1)[1]
    assert "the organiser" in history and "the previous holder" in history
    assert "Badge printed" in history and "Mary Smith" in history
    for secret in ("Staff desk", "person1@example.com", "Tremblay1", "François"):
        assert secret not in page, secret
    staff_view = json.dumps(client.get(f"/api/registrations/{rid}/history",
                                       headers=staff_headers["admin"]).json, ensure_ascii=False)
    assert "Staff desk" in staff_view and "person1@example.com" in staff_view


def test_a_replayed_registration_gives_its_token_only_while_its_link_is_in_force(
        client, services, edition, inbox) -> None:
    request = {"attendee": editions.attendee(1), "registration_type": "delegate",
               "delegation": "QC"}
    key = {"Idempotency-Key": "link-test-0001"}
    first = client.post(f"{API}/registrations", json=request, headers=key)
    again = client.post(f"{API}/registrations", json=request, headers=key)
    assert again.status_code == 201 and again.json["manage_token"] == first.json["manage_token"]
    client.post(f"{API}/manage-links", json={"email": "person1@example.com"})
    settled(services)
    late = client.post(f"{API}/registrations", json=request, headers=key)
    assert late.status_code == 409 and "manage_token" not in late.json
    assert first.json["manage_token"] not in late.get_data(as_text=True)


def shoot(page: Page, name: str) -> None:
    SHOTS.mkdir(parents=True, exist_ok=True)
    for label, size in (("1280", DESKTOP), ("390", PHONE)):
        page.set_viewport_size(size)
        page.screenshot(path=str(SHOTS / f"{name}-{label}.png"), full_page=True)
    page.set_viewport_size(DESKTOP)


@pytest.mark.parametrize(("language", "locale"), [("en", "en-CA"), ("fr", "fr-CA")])
def test_a_browser_opens_the_link_hands_the_place_on_and_the_old_link_is_refused(
        browser: Browser, live_server: str, client, services, edition, inbox,
        language: str, locale: str) -> None:
    rid, _ = register(client, 1, language=language)
    settled(services)
    [confirmation] = inbox.to("person1@example.com")
    old_link = link_in(confirmation)
    context = browser.new_context(base_url=live_server, locale=locale, viewport=DESKTOP)
    page = context.new_page()
    page.set_default_timeout(10_000)
    try:
        page.goto(old_link)
        assert page.url == f"{live_server}/r/{rid}"  # the token left the address bar
        shoot(page, f"{language}-1-manage")
        page.goto(f"/r/{rid}/substitute")
        colleague = editions.attendee(2, first_name="Mary", last_name="Smith",
                                      language=language)
        for name in ("first_name", "last_name", "email", "organisation", "job_title"):
            page.fill(f"#{name}", colleague[name])
        page.select_option("#language", language)
        shoot(page, f"{language}-2-substitute")
        page.locator("form button[type=submit]").click()
        page.wait_for_load_state()
        assert "Mary Smith" in page.content()
        shoot(page, f"{language}-3-handed-on")
        settled(services)
        new_link = link_in([m for m in inbox.to("person2@example.com")][-1])
        newcomer = browser.new_context(base_url=live_server, locale=locale, viewport=DESKTOP)
        their_page = newcomer.new_page()
        their_page.goto(new_link)
        assert their_page.url == f"{live_server}/r/{rid}"
        assert "Mary" in their_page.content()
        shoot(their_page, f"{language}-4-new-holder")
        newcomer.close()
        answer = page.goto(old_link)
        assert answer is not None and answer.status == 403
        expected = "a newer link has replaced it" if language == "en" else \
            "un lien plus récent"
        assert expected in page.content()
        shoot(page, f"{language}-5-old-link-refused")
        page.get_by_role("link", name="Send me my link again" if language == "en"
                         else "M\u2019envoyer mon lien de nouveau").click()
        shoot(page, f"{language}-6-send-link")
        page.fill("#email", "person2@example.com")
        page.locator("form button[type=submit]").click()
        expect(page.locator(".notice.ok")).to_be_visible()
        shoot(page, f"{language}-7-send-link-done")
    finally:
        context.close()


def test_a_link_given_before_links_were_derived_works_until_it_is_renewed(
        client, services, edition, inbox) -> None:
    """Registrations made before hold a random token of which only the hash is stored."""
    from domain.registration import Registration
    from registration.application import new_secret, secret_hash

    rid, _ = register(client, 1)
    made = services.registrations.get(UUID(rid))
    legacy_token = new_secret()
    legacy = Registration.register(
        edition_id=made.edition_id, attendee=made.attendee,
        registration_type=made.registration_type, delegation=made.delegation,
        quote=made.quote, manage_token_hash=secret_hash(legacy_token),
        checkin_secret=new_secret(), holds=[])
    services.app.save(legacy)
    url = f"/api/registrations/{legacy.id}"
    assert client.get(url, headers=bearer(legacy_token)).status_code == 200
    renewed = services.registrations.get(legacy.id)
    renewed.renew_manage_link("resent")
    services.app.save(renewed)
    assert client.get(url, headers=bearer(legacy_token)).status_code == 403
    fresh = services.registrations.current_token(legacy.id, 1)
    assert fresh is not None and client.get(url, headers=bearer(fresh)).status_code == 200
