"""The inputs an attacker found answering 500, each replayed: every one now gets a clear 4xx.

Control characters in the desk search; non-ASCII or garbled client secrets, payment ids and
card tokens; Stripe webhooks with a valid signature around a body that is no Stripe event;
a garbled row count; JSON nested a thousand deep; a non-ASCII CSRF token; a log position far
beyond the log. And every 405, API or page, says which methods are allowed.
On SQLite with localstripe (card payments): nothing here depends on the database.
"""

from __future__ import annotations

import json
import re
import time
from typing import Any

import pytest
from flask import Flask
from flask.testing import FlaskClient

from registration.services.container import Services
from registration.web.api.openapi import PATH_VARIABLE
from tests.support import editions
from tests.support.localstripe import signed

SLUG = "test-montreal"
API = f"/api/editions/{SLUG}"
DEEP = "[" * 1000 + "]" * 1000


@pytest.fixture
def database_url() -> None:
    return None


@pytest.fixture
def app_overrides(stripe_settings: dict[str, str]) -> dict[str, str]:
    return stripe_settings


def registered(client: FlaskClient, n: int = 1) -> tuple[str, dict[str, str]]:
    answer = client.post(f"{API}/registrations", json={
        "attendee": editions.attendee(n), "registration_type": "delegate"})
    assert answer.status_code == 201, answer.json
    return answer.json["id"], {"Authorization": f"Bearer {answer.json['manage_token']}"}


def csrf(client: FlaskClient, url: str) -> str:
    page = client.get(url).get_data(as_text=True)
    return re.search(r'name="csrf_token" value="([^"]+)"', page).group(1)  # type: ignore[union-attr]


# --- the desk search ---


@pytest.mark.parametrize("query", ["\x00", "a\x00b", "\x01", "\x1b[2J", "\x7f", "\u202eevil"])
def test_control_characters_in_the_desk_search_are_refused_with_422(
        client, edition, staff_headers, query):
    answer = client.get(f"{API}/attendees", query_string={"q": query},
                        headers=staff_headers["desk"])
    assert answer.status_code == 422
    assert answer.json["details"]["q"]


def test_a_nul_in_the_desk_search_page_is_refused_on_the_page(client, edition, services):
    services.staff.create_account("Dana", "dana@example.com", "a long enough password", "desk")
    client.post("/staff/sign-in", data={"csrf_token": csrf(client, "/staff/sign-in"),
                                        "email": "dana@example.com",
                                        "password": "a long enough password"})
    answer = client.get(f"/staff/desk/?edition={SLUG}&q=%00")
    assert answer.status_code in {200, 422} and answer.mimetype == "text/html"


def test_undecodable_bytes_in_the_search_are_no_server_error(client, edition, staff_headers):
    answer = client.get(f"{API}/attendees?q=%ED%A0%80%FF", headers=staff_headers["desk"])
    assert answer.status_code in {200, 422}


# --- payments ---


@pytest.fixture
def payment(client: FlaskClient, edition: Any) -> dict[str, Any]:
    rid, headers = registered(client)
    answer = client.post(f"/api/registrations/{rid}/payment", headers=headers)
    assert answer.status_code == 200, answer.json
    return answer.json


@pytest.mark.parametrize("secret", ["é" * 12, "garbage-garbage", "秘密" * 6, "{secret}é"])
def test_a_non_ascii_or_garbled_client_secret_is_a_404(client, payment, secret):
    sent = secret.format(secret=payment["client_secret"])
    answer = client.post(f"/api/payments/{payment['payment']}/card",
                         json={"client_secret": sent, "token": "tok_visa"})
    assert answer.status_code == 404, answer.json
    assert "client secret" in answer.json["error"]


@pytest.mark.parametrize("reference", ["pi_é", "é" * 30, "%00", "x" * 600, "pi_" + "a" * 20,
                                       "{payment}é"])
def test_a_garbled_payment_id_is_a_404(client, payment, reference):
    sent = reference.format(payment=payment["payment"])
    answer = client.post(f"/api/payments/{sent}/card",
                         json={"client_secret": payment["client_secret"], "token": "tok_visa"})
    assert answer.status_code == 404, answer.json


def test_a_card_token_stripe_does_not_know_is_a_422(client, payment, services: Services):
    answer = client.post(f"/api/payments/{payment['payment']}/card", json={
        "client_secret": payment["client_secret"], "token": "tok_é_made_up"})
    assert answer.status_code == 422, answer.json
    assert "token" in answer.json["details"]


# --- Stripe webhooks, signed but not Stripe events ---


NOT_EVENTS = [
    [], "a string", 1, None, {}, {"id": 1}, {"id": "evt_1"}, {"id": "evt_1", "type": 5},
    {"id": "evt_1", "type": "payment_intent.succeeded"},
    {"id": "evt_1", "type": "payment_intent.succeeded", "data": []},
    {"id": "evt_1", "type": "payment_intent.succeeded", "data": {"object": []}},
    {"id": "evt_1", "type": "payment_intent.succeeded", "data": {"object": {}}},
    {"id": "evt_1", "type": "payment_intent.succeeded", "data": {"object": {"id": None}}},
    {"id": "evt_1", "type": "payment_intent.succeeded", "data": {"object": {"id": ["pi"]}}},
    {"id": "evt_1", "type": "charge.refunded", "data": {"object": {"payment_intent": 7}}},
    {"id": "e" * 10_000, "type": "payment_intent.succeeded", "data": {"object": {"id": "p"}}},
    {"id": "evt\x00", "type": "payment_intent.succeeded", "data": {"object": {"id": "pi"}}},
]


def post_signed(client: FlaskClient, app: Flask, body: bytes) -> Any:
    secret = app.config["SETTINGS"].stripe_webhook_secret
    return client.post("/webhooks/stripe", data=body, headers=signed(body, secret))


@pytest.mark.parametrize("event", NOT_EVENTS, ids=[json.dumps(e)[:40] for e in NOT_EVENTS])
def test_a_signed_body_that_is_no_stripe_event_is_a_400(client, app, services, event):
    before = services.app.recorder.max_notification_id()
    answer = post_signed(client, app, json.dumps(event).encode())
    assert answer.status_code == 400, answer.json
    assert answer.json["details"] == {"code": "not_a_stripe_event"}
    assert services.app.recorder.max_notification_id() == before


@pytest.mark.parametrize("body", [b"\xff\xfe{}", b"not json", DEEP.encode()])
def test_a_signed_body_that_is_not_json_is_a_400(client, app, body):
    assert post_signed(client, app, body).status_code == 400


def test_a_signed_event_about_a_payment_that_is_not_ours_changes_nothing(client, app):
    body = json.dumps({"id": "evt_x", "type": "payment_intent.succeeded",
                       "data": {"object": {"id": "pi_someone_elses"}}}).encode()
    answer = post_signed(client, app, body)
    assert answer.status_code == 200 and answer.json["outcome"] == "not ours"


# --- forms, bodies, headers ---


@pytest.mark.parametrize("rows", ["x", "-1", "1e9", "9" * 40, "%00"])
def test_a_garbled_row_count_shows_the_group_form(client, edition, rows):
    assert client.get(f"/e/{SLUG}/group?rows={rows}").status_code == 200


@pytest.mark.parametrize("path", [f"{API}/quotes", f"{API}/registrations"])
def test_json_nested_a_thousand_deep_is_a_400(client, edition, path):
    answer = client.post(path, data=DEEP, content_type="application/json")
    assert answer.status_code == 400 and "nested" in answer.json["error"]


def test_a_non_ascii_csrf_token_is_refused_with_400(client, edition):
    client.get(f"/e/{SLUG}/register")  # a session with its own token
    answer = client.post(f"/e/{SLUG}/register", data={"csrf_token": "jeton-été"})
    assert answer.status_code == 400 and answer.mimetype == "text/html"


def test_a_log_position_beyond_the_log_is_answered_at_once(client, edition):
    started = time.monotonic()
    answer = client.get(f"{API}/attendance", headers={"X-Wait-For-Position": "9" * 18})
    assert answer.status_code == 401  # (staff only) — but answered, not held 10 s then 503
    answer = client.get(API, headers={"X-Wait-For-Position": "9" * 18})
    assert answer.status_code == 200
    assert time.monotonic() - started < 5


# --- 405: Allow on every one ---


def sample_path(rule_path: str) -> str:
    return PATH_VARIABLE.sub(lambda m: "x.css" if m["name"] == "filename" else "x", rule_path)


def test_every_405_says_which_methods_are_allowed(app, client):
    """Generic over the URL map: any route added later is checked too."""
    adapter = app.url_map.bind("localhost")
    for rule_path in {rule.rule for rule in app.url_map.iter_rules()}:
        # Every rule the address matches (`/staff/accounts/<id>` matches a fixed path too).
        methods = set(adapter.allowed_methods(sample_path(rule_path)))
        wrong = next(m for m in ("DELETE", "PUT", "PATCH", "POST") if m not in methods)
        answer = client.open(sample_path(rule_path), method=wrong)
        assert answer.status_code == 405, (wrong, rule_path)
        assert set(answer.headers["Allow"].split(", ")) == methods, rule_path
        if rule_path.startswith(("/api/", "/webhooks/")):
            assert answer.json["error"] and "details" in answer.json
        else:
            assert answer.mimetype == "text/html"


def test_a_page_that_cannot_be_used_that_way_says_so_in_french(client, edition):
    answer = client.delete(f"/e/{SLUG}/register?lang=fr")
    assert answer.status_code == 405
    assert "Cette page ne s\u2019utilise pas de cette façon (DELETE)." in answer.get_data(
        as_text=True).replace("&#39;", "'")
