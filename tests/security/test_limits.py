"""The attacks of the security issue's limits part, each replayed against the app.

Seats, codes and allotments used up from one address (pages and API alike, across workers);
bodies of megabytes; JSON nested a thousand deep; garbled row counts and text of any length;
formulas smuggled into the finance CSV; pages that could be framed or run injected script.
These run on SQLite: limits, headers and files do not depend on the database (the services
under them are tested on both).
"""

from __future__ import annotations

import csv
import importlib
import io
import json
import os
import pkgutil
import re
import secrets
import subprocess
import sys
import time
import uuid
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

import pytest
import redis
import requests
from flask.testing import FlaskClient
from marshmallow import Schema, fields
from playwright.sync_api import Browser, ConsoleMessage, Page, expect

import registration.web
from domain.invoice_lines import BillTo
from registration.adapters import localstripe_dev
from registration.adapters.spreadsheet import neutralised
from registration.services.container import Services
from registration.web.common.text_fields import bounds
from tests.conftest import IN_CI, bearer
from tests.e2e.browser.conftest import new_page
from tests.support import editions
from tests.support.serving import serving
from tests.support.topology import free_port

SLUG = "test-montreal"
API = f"/api/editions/{SLUG}"
REDIS_URL = os.environ.get("REDIS_URL_TEST", "redis://127.0.0.1:6379/0")
MiB = 1024 * 1024
PROJECT_ROOT = Path(__file__).resolve().parents[2]


@pytest.fixture
def database_url() -> None:
    return None


@pytest.fixture
def redis_prefix() -> Iterator[str]:
    """A key prefix of this test's own on the real Redis (its keys are deleted after)."""
    client = redis.Redis.from_url(REDIS_URL, socket_timeout=2, socket_connect_timeout=2)
    try:
        client.ping()
    except redis.RedisError as error:
        if IN_CI:
            pytest.fail(f"Redis is required in CI but {REDIS_URL} is unreachable: {error}")
        pytest.skip(f"Redis not reachable at {REDIS_URL}")
    prefix = f"test-{uuid.uuid4().hex}"
    yield prefix
    for key in client.scan_iter(f"LIMITER/{prefix}/*"):
        client.delete(key)
    client.close()



@contextmanager
def nothing_recorded(services: Services) -> Iterator[None]:
    before = services.app.recorder.max_notification_id()
    yield
    assert services.app.recorder.max_notification_id() == before


def csrf(client: FlaskClient, url: str) -> str:
    page = client.get(url).get_data(as_text=True)
    return re.search(r'name="csrf_token" value="([^"]+)"', page).group(1)  # type: ignore[union-attr]


def api_registration(client: FlaskClient, n: int) -> Any:
    return client.post(f"{API}/registrations", json={
        "attendee": editions.attendee(n), "registration_type": "delegate"})


def form_registration(client: FlaskClient, n: int, lang: str = "en") -> Any:
    token = csrf(client, f"/e/{SLUG}/register?lang={lang}")
    return client.post(f"/e/{SLUG}/register", data={
        **editions.attendee(n), "registration_type": "delegate", "delegation": "QC",
        "csrf_token": token})


def group_form(client: FlaskClient, people: list[int], **extra: str) -> dict[str, str]:
    data = {"csrf_token": csrf(client, f"/e/{SLUG}/group"), "rows": str(len(people)),
            "delegation": "QC", "lead_name": "Aminata Diallo",
            "lead_email": "aminata@example.com", **extra}
    for row, n in enumerate(people):
        data.update({f"p{row}-{k}": v for k, v in editions.attendee(n).items()})
        data[f"p{row}-registration_type"] = "delegate"
    return data


def refused_as_too_many(answer: Any) -> int:
    assert answer.status_code == 429
    wait = int(answer.headers["Retry-After"])
    assert 1 <= wait <= 60
    return wait


# --- rate limits ---


def test_the_registration_budget_holds_across_two_app_instances_sharing_redis(
        make_app, redis_prefix, services, edition):
    settings = {"REDIS_URL": REDIS_URL, "RATE_LIMIT_KEY_PREFIX": redis_prefix,
                "RATE_LIMIT_REGISTRATIONS": "4/minute"}
    one, two = make_app(**settings).test_client(), make_app(**settings).test_client()
    # The API and the form spend the same budget, whichever worker answers.
    assert api_registration(one, 1).status_code == 201
    assert form_registration(two, 2).status_code == 302
    assert api_registration(two, 3).status_code == 201
    assert form_registration(one, 4).status_code == 302
    with nothing_recorded(services):
        refused = api_registration(one, 5)
        refused_as_too_many(refused)
        assert set(refused.json) == {"error", "details"}
        assert "Too many requests from this address" in refused.json["error"]
        page = form_registration(two, 6, lang="fr")
        refused_as_too_many(page)
        assert page.mimetype == "text/html"
        assert "Trop de demandes viennent de votre adresse" in page.get_data(True)
    assert form_registration(two, 7).status_code == 429  # still spent on the other worker


def test_without_redis_each_process_counts_alone(make_app, services, edition):
    """The single-process default: a second process would have a budget of its own."""
    one = make_app(RATE_LIMIT_REGISTRATIONS="1/minute").test_client()
    two = make_app(RATE_LIMIT_REGISTRATIONS="1/minute").test_client()
    assert api_registration(one, 1).status_code == 201
    assert api_registration(one, 2).status_code == 429
    assert api_registration(two, 3).status_code == 201


def test_when_redis_does_not_answer_each_process_counts_in_memory(make_app, services, edition):
    client = make_app(REDIS_URL=f"redis://127.0.0.1:{free_port()}/0",  # nothing listens
                      RATE_LIMIT_REGISTRATIONS="1/minute",
                      RATE_LIMIT_SIGN_IN="1/minute").test_client()
    assert api_registration(client, 1).status_code == 201
    refused_as_too_many(api_registration(client, 2))
    token = csrf(client, "/staff/sign-in")
    wrong = {"csrf_token": token, "email": "nobody@example.com", "password": "not it at all"}
    assert [client.post("/staff/sign-in", data=wrong).status_code for _ in range(2)] == [
        401, 429]


def test_quotes_and_registrations_have_budgets_of_their_own(make_app, services, edition):
    client = make_app(RATE_LIMIT_QUOTES="3/minute",
                      RATE_LIMIT_REGISTRATIONS="1/minute").test_client()
    for _ in range(3):
        assert client.post(f"{API}/quotes", json={"registration_type": "delegate"}
                           ).status_code == 200
    refused_as_too_many(client.post(f"{API}/quotes", json={"registration_type": "delegate"}))
    assert api_registration(client, 1).status_code == 201
    refused_as_too_many(api_registration(client, 2))


def test_a_group_form_spends_one_registration_per_person(make_app, services, edition):
    client = make_app(RATE_LIMIT_REGISTRATIONS="5/minute").test_client()
    assert client.post(f"/e/{SLUG}/group", data=group_form(client, [1, 2, 3])
                       ).status_code == 303  # to the lead's page
    assert len(registered(services)) == 3
    with nothing_recorded(services):
        refused_as_too_many(client.post(f"/e/{SLUG}/group", data=group_form(client, [4, 5, 6])))
    assert api_registration(client, 7).status_code == 201  # 3 + 1 of 5
    assert api_registration(client, 8).status_code == 201  # 5 of 5
    refused_as_too_many(api_registration(client, 9))


def test_payments_and_invoice_requests_spend_the_payments_budget(make_app, services, edition):
    client = make_app(RATE_LIMIT_PAYMENTS="2/minute").test_client()
    created = services.registrations.register(SLUG, editions_attendee(1), "delegate", "QC")
    holder = bearer(created.manage_token)
    path = f"/api/registrations/{created.registration.id}"
    first = client.post(f"{path}/invoice", headers=holder)
    second = client.post(f"{path}/invoice", headers=holder)
    assert (first.status_code, second.status_code) == (201, 409)  # spent, even refused
    refused_as_too_many(client.post(f"{path}/payment", headers=holder))


def editions_attendee(n: int) -> Any:
    from domain.attendee import Attendee
    return Attendee(**editions.attendee(n))


def test_the_sign_in_page_keeps_its_budget_through_the_shared_limiter(make_app, services):
    client = make_app(RATE_LIMIT_SIGN_IN="2/minute").test_client()
    token = csrf(client, "/staff/sign-in")
    wrong = {"csrf_token": token, "email": "nobody@example.com", "password": "not it at all"}
    assert [client.post("/staff/sign-in", data=wrong).status_code for _ in range(3)] == [
        401, 401, 429]


# --- request size ---


def test_a_two_mebibyte_body_is_refused_with_413_and_records_nothing(
        make_app, services, edition):
    client = make_app().test_client()
    padded = json.dumps({"attendee": editions.attendee(1), "registration_type": "delegate"}
                        ) + " " * (2 * MiB)
    with nothing_recorded(services):
        answer = client.post(f"{API}/registrations", data=padded,
                             content_type="application/json")
        assert answer.status_code == 413
        assert answer.json == {"error": "The request is larger than the 1 MiB this service "
                                        "accepts.", "details": None}
        chunked = client.post(f"{API}/registrations", input_stream=io.BytesIO(padded.encode()),
                              headers={"Content-Type": "application/json",
                                       "Transfer-Encoding": "chunked"})
        assert chunked.status_code == 413
        token = csrf(client, f"/e/{SLUG}/register?lang=fr")
        page = client.post(f"/e/{SLUG}/register", data={
            **editions.attendee(2, organisation="x" * (2 * MiB)),
            "registration_type": "delegate", "csrf_token": token})
        assert page.status_code == 413 and page.mimetype == "text/html"
        assert "trop volumineux pour ce site" in page.get_data(True)
    small = client.post(f"{API}/registrations", input_stream=io.BytesIO(
        padded.strip().encode()), headers={"Content-Type": "application/json",
                                           "Transfer-Encoding": "chunked"})
    assert small.status_code == 201  # a chunked body within the limit is read whole


@pytest.fixture
def gunicorn(tmp_path: Path) -> Iterator[tuple[str, int]]:
    """The Procfile's web server (one worker) on a fresh SQLite instance with the edition."""
    env = {**os.environ, "INSTANCE_PATH": str(tmp_path / "instance"), "DATABASE_URL": "",
           "XDG_RUNTIME_DIR": str(tmp_path), "RATE_LIMIT_ENABLED": "false",
           "SECRET_KEY": secrets.token_hex(16),
           "CLOCK_START": "2019-03-20T10:00:00-04:00"}  # registration is open then
    document = tmp_path / "edition.json"
    document.write_text(json.dumps(editions.edition()), encoding="utf-8")
    bin_dir = Path(sys.executable).parent
    subprocess.run([bin_dir / "flask", "--app", "wsgi", "editions", "load", str(document)],
                   cwd=PROJECT_ROOT, env=env, check=True, capture_output=True)
    port = free_port()
    server = subprocess.Popen(
        [bin_dir / "gunicorn", "--workers", "1", "--bind", f"127.0.0.1:{port}", "wsgi:app"],
        cwd=PROJECT_ROOT, env=env, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL,
        start_new_session=True)
    base = f"http://127.0.0.1:{port}"
    try:
        deadline = time.monotonic() + 60
        while True:
            try:
                requests.get(f"{base}/api/health", timeout=10)
                break
            except requests.RequestException:
                if time.monotonic() > deadline or server.poll() is not None:
                    raise
                time.sleep(0.2)
        workers = subprocess.run(["pgrep", "-P", str(server.pid)], capture_output=True,
                                 text=True).stdout.split()
        yield base, int(workers[0])
    finally:
        server.terminate()
        server.wait(10)


def peak_memory_kib(pid: int) -> int:
    status = Path(f"/proc/{pid}/status").read_text()
    return int(re.search(r"VmHWM:\s+(\d+) kB", status).group(1))  # type: ignore[union-attr]


def test_gunicorn_refuses_a_chunked_body_past_the_limit_without_holding_it(gunicorn):
    base, worker = gunicorn
    head = requests.get(f"{base}/api/health").json()["log_head"]
    body = json.dumps({"attendee": editions.attendee(1), "registration_type": "delegate"}
                      ).encode()

    def chunks(padding: int) -> Iterator[bytes]:
        yield body
        for _ in range(padding // (64 * 1024)):
            yield b" " * (64 * 1024)

    before = peak_memory_kib(worker)
    for padding in (2 * MiB, 64 * MiB):  # a generator body goes chunked
        answer = requests.post(f"{base}{API}/registrations", data=chunks(padding),
                               headers={"Content-Type": "application/json"}, timeout=30)
        assert answer.status_code == 413 and answer.json()["error"].startswith(
            "The request is larger than the 1 MiB")
    assert peak_memory_kib(worker) - before < 16 * 1024  # it read 1 MiB, not 64
    assert requests.get(f"{base}/api/health").json()["log_head"] == head
    declared = requests.post(f"{base}{API}/registrations", data=body + b" " * (2 * MiB),
                             headers={"Content-Type": "application/json"}, timeout=30)
    assert declared.status_code == 413
    accepted = requests.post(f"{base}{API}/registrations", data=chunks(0),
                             headers={"Content-Type": "application/json"}, timeout=30)
    assert accepted.status_code == 201, accepted.text


# --- JSON depth, rows, text lengths ---


@pytest.mark.parametrize("body", [
    "[" * 1000 + "]" * 1000,
    '{"registration_type": ' + "[" * 1000 + "]" * 1000 + "}",
    '{"attendee": ' + '{"a": ' * 1000 + "1" + "}" * 1001,
    "[" * 33 + "]" * 33,
])
def test_json_nested_too_deep_is_refused_with_400(client, edition, services, body):
    with nothing_recorded(services):
        for path in (f"{API}/quotes", f"{API}/registrations"):
            answer = client.post(path, data=body, content_type="application/json",
                                 headers={"Idempotency-Key": "deeply-nested-1"})
            assert answer.status_code == 400
            assert "nested more than 32 levels deep" in answer.json["error"]


def test_json_nested_within_the_bound_reaches_the_schema(client, edition):
    answer = client.post(f"{API}/quotes", data='{"registration_type": ' + "[" * 31 + "]" * 31
                         + "}", content_type="application/json")
    assert answer.status_code == 422
    assert answer.json["details"] == {"registration_type": ["Not a valid string."]}


@pytest.mark.parametrize(("rows", "shown"), [
    ("x", 6), ("999", 30), ("-4", 1), ("", 6), ("1e9", 6), ("9" * 5000, 6), ("٣", 3),
    ("%00", 6),
])
def test_a_garbled_or_huge_row_count_shows_a_bounded_form(client, edition, rows, shown):
    page = client.get(f"/e/{SLUG}/group?rows={rows}")
    assert page.status_code == 200
    inputs = re.findall(r'name="p(\d+)-first_name"', page.get_data(True))
    assert len(inputs) == shown


def test_a_group_post_with_a_garbled_or_huge_row_count_registers_what_it_shows(
        client, services, edition):
    data = group_form(client, [1])
    assert client.post(f"/e/{SLUG}/group", data={**data, "rows": "x"}).status_code == 303
    data = group_form(client, [2])
    moved = {k.replace("p0-", "p29-"): v for k, v in data.items()}
    beyond = {f"p30-{k}": v for k, v in editions.attendee(3).items()}
    answer = client.post(f"/e/{SLUG}/group", data={**moved, **beyond, "rows": "999"})
    assert answer.status_code == 303
    assert registered(services) == {"person1@example.com", "person2@example.com"}


def registered(services: Services) -> set[str]:
    """The e-mail addresses registered for the edition (its read model)."""
    return {r.email for r in services.queries.registrations(services.editions.config(SLUG))}


@pytest.mark.parametrize(("path", "body", "field"), [
    (f"{API}/registrations", {"attendee": editions.attendee(1, first_name="É" * 101),
                              "registration_type": "delegate"}, "attendee"),
    (f"{API}/registrations", {"attendee": editions.attendee(1, organisation="x" * 100_000),
                              "registration_type": "delegate"}, "attendee"),
    (f"{API}/registrations", {"attendee": editions.attendee(1), "registration_type": "delegate",
                              "discount_code": "X" * 51}, "discount_code"),
    (f"{API}/quotes", {"registration_type": "d" * 10_000}, "registration_type"),
    (f"{API}/group-payments", {"registrations": [
        {"id": str(uuid.uuid4()), "token": "t" * 10_000}]}, "registrations"),
])
def test_over_long_text_is_refused_with_422_naming_the_field(client, services, edition, path,
                                                             body, field):
    with nothing_recorded(services):
        answer = client.post(path, json=body)
    assert answer.status_code == 422
    assert field in answer.json["details"]


def test_an_over_long_query_text_is_refused_with_422(client, edition, staff_headers):
    answer = client.get(f"{API}/attendance?as_of={'2' * 10_000}", headers=staff_headers["admin"])
    assert answer.status_code == 422


def test_an_over_long_group_organisation_is_refused_in_french_beside_it(client, services,
                                                                         edition):
    data = group_form(client, [1], organisation="Investissement " * 20)
    with nothing_recorded(services):
        page = client.post(f"/e/{SLUG}/group?lang=fr", data=data)
    assert page.status_code == 422
    assert re.search(r'id="organisation-error">Entre 1 et 200 caractères\.',
                     page.get_data(True))


def schemas_of_the_web() -> list[type[Schema]]:
    for module in pkgutil.walk_packages(registration.web.__path__, "registration.web."):
        importlib.import_module(module.name)
    found, queue = [], list(Schema.__subclasses__())
    while queue:
        schema = queue.pop()
        queue.extend(schema.__subclasses__())
        if schema.__module__.startswith("registration."):
            found.append(schema)
    return found


def text_fields(field: fields.Field, name: str) -> Iterator[tuple[str, fields.Field]]:
    if isinstance(field, fields.List):
        yield from text_fields(field.inner, f"{name}[]")
    elif isinstance(field, fields.String) and not isinstance(field, fields.UUID):
        yield name, field


def test_every_text_field_of_every_schema_has_a_maximum_length():
    schemas = schemas_of_the_web()
    assert len(schemas) > 15
    unbounded = [f"{schema.__module__}.{schema.__name__}.{name}"
                 for schema in schemas
                 for declared, field in schema._declared_fields.items()
                 for name, field in text_fields(field, declared)
                 if not any(bounds(v) for v in field.validators)]
    assert unbounded == []


@pytest.mark.parametrize(("path", "body", "headers", "status"), [
    (f"{API}/quotes", {"registration_type": "delegate", "at": "9999-12-31T23:59:59-23:59"},
     {}, 422),
    (f"{API}/quotes", {"registration_type": "delegate", "at": "0001-01-01T00:00:00+23:59"},
     {}, 422),
    (f"{API}/quotes", {"registration_type": "delegate"}, {"X-Wait-For-Position": "9" * 5000},
     200),
    (f"{API}/quotes", {"registration_type": "delegate"}, {"X-Wait-For-Position": "\u00b2"}, 200),
])
def test_far_moments_and_garbled_positions_are_refused_or_ignored_never_a_500(
        client, edition, path, body, headers, status):
    assert client.post(path, json=body, headers=headers).status_code == status


def test_an_as_of_beyond_the_calendar_is_refused_with_422(client, edition, staff_headers):
    answer = client.get(f"{API}/attendance?as_of=9999-12-31", headers=staff_headers["admin"])
    assert answer.status_code == 422 and "as_of" in answer.json["details"]


# --- CSV exports ---


@pytest.mark.parametrize(("cell", "written"), [
    ('=HYPERLINK("http://evil.example","Click")', '\'=HYPERLINK("http://evil.example","Click")'),
    ("+1+2", "'+1+2"), ("-2+3", "'-2+3"), ("@SUM(A1:A2)", "'@SUM(A1:A2)"),
    ("\t=1+1", "'\t=1+1"), ("\r=1+1", "'\r=1+1"), ("\tplain", "'\tplain"),
    ("  =1+1", "'  =1+1"), ('"=1+1', "'\"=1+1"), ("' =1+1", "'' =1+1"),
    ("\uff1d1+1", "'\uff1d1+1"),
    ("-12.50", "-12.50"), ("454.15", "454.15"), ("0.00", "0.00"), ("-", "'-"),
    ("Québec", "Québec"), ("a=b", "a=b"), ("", ""), (None, ""),
])
def test_a_cell_is_neutralised_unless_it_is_plain_text_or_a_number(cell, written):
    assert neutralised(cell) == written


def test_the_ledger_csv_neutralises_formulas_keeps_amounts_as_numbers_and_opens_with_a_bom(
        client, services, edition, staff_headers):
    formulas = ['=HYPERLINK("http://evil.example","Click")', "@SUM(1+1)", "-2+3"]
    for n, organisation in enumerate(formulas, start=1):
        created = services.registrations.register(
            SLUG, editions_attendee_with(n, organisation), "delegate", "QC")
        answer = client.post(f"/api/registrations/{created.registration.id}/invoice",
                             json={"po_number": "+1+1"}, headers=bearer(created.manage_token))
        assert answer.status_code == 201, answer.json
    finance = staff_headers["finance"]
    first = client.get(f"{API}/invoices", headers=finance).json["invoices"][0]["number"]
    assert client.post(f"/api/invoices/{first}/cancellation", json={},
                       headers=finance).status_code == 201
    sign_in_as_finance(client, services)
    for export in (client.get(f"{API}/invoices.csv", headers=finance),
                   client.get(f"/staff/finance/{SLUG}/ledger.csv")):
        assert export.status_code == 200
        assert export.headers["Content-Type"] == "text/csv; charset=utf-8"
        assert export.data.startswith(b"\xef\xbb\xbf")
        rows = list(csv.DictReader(io.StringIO(export.data.decode("utf-8-sig"))))
        assert [r["bill_to"] for r in rows[:3]] == ["'" + f for f in formulas]
        assert {r["po_number"] for r in rows[:3]} == {"'+1+1"}
        credit_note = rows[-1]
        assert credit_note["type"] == "credit_note" and credit_note["total"] == "-454.15"
        for row in rows:
            for cell in row.values():
                assert not re.match(r"^[\s\"']*[=+\-@]", cell) or \
                    re.fullmatch(r"-?\d+\.\d+", cell) or cell.startswith("'")


def editions_attendee_with(n: int, organisation: str) -> Any:
    from domain.attendee import Attendee
    return Attendee(**editions.attendee(n, organisation=organisation))


def sign_in_as_finance(client: FlaskClient, services: Services) -> None:
    password = "a long enough password"
    services.staff.create_account("Fiona", "fiona@example.com", password, "finance")
    client.post("/staff/sign-in", data={"csrf_token": csrf(client, "/staff/sign-in"),
                                        "email": "fiona@example.com", "password": password})


# --- security headers ---


def assert_secured(answer: Any) -> str:
    policy = answer.headers["Content-Security-Policy"]
    directives = dict(d.strip().split(" ", 1) for d in policy.split(";"))
    assert directives["script-src"] == "'self'"
    assert directives["frame-ancestors"] == "'none'"
    assert directives["object-src"] == "'none'" and directives["base-uri"] == "'none'"
    assert answer.headers["X-Frame-Options"] == "DENY"
    assert answer.headers["Referrer-Policy"] == "same-origin"
    assert answer.headers["X-Content-Type-Options"] == "nosniff"
    return policy


def test_pages_the_api_files_and_errors_carry_the_security_headers(client, edition):
    for path in (f"/e/{SLUG}/register", "/api/editions", "/static/js/page.js",
                 "/api/editions/nowhere", "/e/nowhere", "/api/openapi.json"):
        answer = client.get(path)
        assert_secured(answer)
        assert "Strict-Transport-Security" not in answer.headers  # plain HTTP here
        answer.close()


def test_hsts_is_sent_over_https_or_when_cookies_are_secure(client, edition, make_app):
    secure = client.get(f"/e/{SLUG}", base_url="https://register.example.org")
    assert secure.headers["Strict-Transport-Security"] == "max-age=31536000"
    behind_tls = make_app(SESSION_COOKIE_SECURE="true").test_client().get("/api/editions")
    assert behind_tls.headers["Strict-Transport-Security"] == "max-age=31536000"


def test_only_the_card_payment_page_lets_stripe_js_in(client, services, edition):
    created = services.registrations.register(SLUG, editions_attendee(1), "delegate", "QC")
    link = f"/pay/{created.registration.id}?token={created.manage_token}"
    answer = client.get(link, follow_redirects=True)
    assert answer.status_code == 200
    policy = answer.headers["Content-Security-Policy"]
    stripe = "http://127.0.0.1:8420"  # the default STRIPE_API_BASE: localstripe
    assert f"script-src 'self' {stripe}" in policy and f"connect-src 'self' {stripe}" in policy
    manage = client.get(f"/r/{created.registration.id}")  # the session opened with the link
    assert stripe not in manage.headers["Content-Security-Policy"]


def test_only_the_desk_scan_screens_may_use_the_camera_and_no_page_the_microphone(
        client, services, edition):
    password = "a long enough password"
    services.staff.create_account("Dana", "dana@example.com", password, "desk")
    client.post("/staff/sign-in", data={"csrf_token": csrf(client, "/staff/sign-in"),
                                        "email": "dana@example.com", "password": password})
    check_in = client.get(f"/staff/desk/{SLUG}/check-in")
    assert check_in.status_code == 200
    assert check_in.headers["Permissions-Policy"] == \
        "camera=(self), microphone=(), geolocation=()"
    assert assert_secured(check_in) == assert_secured(client.get("/staff/desk/"))  # same CSP
    for path in ("/staff/desk/", f"/e/{SLUG}/register", "/api/editions", "/static/js/page.js"):
        answer = client.get(path)
        assert answer.headers["Permissions-Policy"] == "camera=(), microphone=(), geolocation=()"
        answer.close()


def test_real_stripe_gets_what_stripes_guide_lists(make_app):
    from registration.web.common.headers import policy, stripe_sources
    written = policy(stripe_sources("https://api.stripe.com"))
    assert "script-src 'self' https://js.stripe.com https://*.js.stripe.com" in written
    assert "frame-src https://js.stripe.com https://*.js.stripe.com https://hooks.stripe.com" \
        in written
    assert "connect-src 'self' https://api.stripe.com" in written


def test_no_template_has_inline_script_or_event_handler_attributes():
    pages = [p for p in (PROJECT_ROOT / "templates").rglob("*.html")
             if "documents" not in p.parts and "mail" not in p.parts]
    assert len(pages) > 20
    for page in pages:
        text = page.read_text(encoding="utf-8")
        assert not re.search(r"<script(?![^>]*\bsrc=)[^>]*>", text), page
        assert not re.search(r"\son[a-z]+\s*=", text), page


# --- Chromium: no CSP violation on the pages ---


@pytest.fixture
def violations() -> list[str]:
    return []


def watched(page: Page, violations: list[str]) -> Page:
    def on_console(message: ConsoleMessage) -> None:
        if "Content Security Policy" in message.text:
            violations.append(message.text)

    page.on("console", on_console)
    return page


@pytest.mark.browser
def test_chromium_reports_no_csp_violation_on_register_manage_checkout_and_staff_pages(
        browser: Browser, make_app, services: Services, edition, localstripe: str,
        stripe_settings: dict[str, str], violations: list[str]) -> None:
    app = make_app(**stripe_settings, RATE_LIMIT_ENABLED="false")
    services.staff.create_account("Ada Admin", "ada@example.com", "a long enough password",
                                  "admin")
    other = services.registrations.register(SLUG, editions_attendee(9), "delegate", "ON")
    invoice = services.invoices.issue(SLUG, [other.registration.id], BillTo(name="Ontario"))
    with serving(app) as base:
        localstripe_dev.register_webhook(localstripe, f"{base}/webhooks/stripe",
                                         stripe_settings["STRIPE_WEBHOOK_SECRET"], "csp")
        page = watched(next(new_page(browser, base, "en-CA")), violations)
        # The detector works: an injected inline script is refused and reported.
        page.goto(f"/e/{SLUG}")
        page.evaluate("() => { const s = document.createElement('script');"
                      " s.textContent = 'window.ran = 1'; document.body.append(s); }")
        expect(page.locator("body")).to_be_visible()
        page.wait_for_timeout(200)
        assert violations and page.evaluate("() => window.ran") is None
        violations.clear()

        page.goto(f"/e/{SLUG}/register")
        page.fill("#first_name", "Élise")
        page.fill("#last_name", "Gagnon")
        page.fill("#email", "elise@example.ca")
        page.fill("#organisation", "Exo")
        page.fill("#job_title", "Planner")
        page.fill("[name=discount_code]", "PARTNER20")  # the live quote asks the API
        expect(page.locator("[data-quote]")).to_contain_text("316")
        page.get_by_role("button", name=re.compile("Register")).click()
        page.get_by_role("link", name="Open my registration").click()
        expect(page.locator("h1")).to_be_visible()
        registration_id = re.search(r"/r/([^/?]+)$", page.url).group(1)  # type: ignore[union-attr]
        page.goto(f"/pay/{registration_id}")  # the session holds the registration
        card = page.locator("#card")
        card.locator("input[placeholder=number]").fill("4242424242424242")
        card.locator("input[placeholder=exp_month]").fill("12")
        card.locator("input[placeholder=exp_year]").fill("30")
        card.locator("input[placeholder=cvc]").fill("123")
        card.locator("input[placeholder=postal_code]").fill("H2X1Y4")
        page.locator("#pay").click()
        expect(page.locator("#status")).to_have_attribute("data-status", "paid", timeout=15_000)

        page.goto("/staff/sign-in")
        page.fill("#email", "ada@example.com")
        page.fill("#password", "a long enough password")
        page.get_by_role("button", name="Sign in").click()
        expect(page).to_have_url(re.compile(r"/staff/$"))
        for path in ("/staff/", f"/staff/finance/?edition={SLUG}",
                     f"/staff/desk/{SLUG}/check-in", "/staff/accounts", "/api/docs"):
            page.goto(path)
            expect(page.locator("h1").first).to_be_visible()
        page.goto(f"/staff/desk/?edition={SLUG}")
        page.fill("#q", "Gagnon")  # desk-search.js fetches the results as one types
        expect(page).to_have_url(re.compile(r"q=Gagnon"))
        expect(page.locator("#results")).to_contain_text("Gagnon")
        page.goto(f"/staff/finance/invoices/{invoice.number}")
        page.once("dialog", lambda dialog: dialog.accept())  # page.js asks first
        page.get_by_role("button", name="Cancel with a credit note").click()
        expect(page.locator(".notice.ok")).to_have_text("The credit note is issued.")
        page.context.close()
    assert violations == []


def test_gunicorn_with_several_workers_will_not_start_counting_limits_each_in_its_memory(
        tmp_path: Path) -> None:
    env = {**os.environ, "INSTANCE_PATH": str(tmp_path / "instance"), "DATABASE_URL": "",
           "RATE_LIMIT_ENABLED": "true", "REDIS_URL": "", "SECRET_KEY": secrets.token_hex(16)}
    started = subprocess.run(
        [Path(sys.executable).parent / "gunicorn", "--workers", "2", "--bind",
         f"127.0.0.1:{free_port()}", "wsgi:app"],
        cwd=PROJECT_ROOT, env=env, capture_output=True, text=True, timeout=60)
    assert started.returncode != 0
    assert "2 web worker processes would each count the rate limits in their own memory: " \
           "set REDIS_URL" in started.stderr
