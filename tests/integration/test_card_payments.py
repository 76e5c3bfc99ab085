"""Paying by card against localstripe, with its signed webhooks landing on the app over HTTP.

Each test runs on SQLite and on PostgreSQL. Nothing is mocked: the card step is what
Stripe.js does in the browser (a token from localstripe), the rest is the app's own API.
"""

from __future__ import annotations

import json
from typing import Any
from uuid import UUID

import pytest
import requests
import stripe
from flask.testing import FlaskClient

from registration.services.container import Services
from tests.support import editions
from tests.support.localstripe import card_token, eventually, signed

SLUG = "test-montreal"
VISA = "4242424242424242"
ALWAYS_DECLINED = "4000000000000002"
DECLINED_ON_CHARGE = "4000000000000341"


@pytest.fixture
def app_overrides(stripe_settings: dict[str, str]) -> dict[str, str]:
    return stripe_settings


def registered(client: FlaskClient, n: int = 1, slug: str = SLUG) -> tuple[str, dict[str, str]]:
    answer = client.post(f"/api/editions/{slug}/registrations", json={
        "attendee": editions.attendee(n), "registration_type": "delegate"})
    assert answer.status_code == 201, answer.json
    return answer.json["id"], {"Authorization": f"Bearer {answer.json['manage_token']}"}


def open_payment(client: FlaskClient, rid: str, headers: dict[str, str]) -> dict[str, Any]:
    answer = client.post(f"/api/registrations/{rid}/payment", headers=headers)
    assert answer.status_code == 200, answer.json
    return answer.json


def pay(client: FlaskClient, localstripe: str, payment: dict[str, Any], card: str) -> Any:
    return client.post(f"/api/payments/{payment['payment']}/card", json={
        "client_secret": payment["client_secret"], "token": card_token(localstripe, card)})


def status(client: FlaskClient, rid: str, headers: dict[str, str]) -> str:
    return client.get(f"/api/registrations/{rid}", headers=headers).json["status"]


def events(client: FlaskClient, rid: str, headers: dict[str, str]) -> list[str]:
    answer = client.get(f"/api/registrations/{rid}/history", headers=headers)
    return [e["event"] for e in answer.json["events"]]


def paid(client: FlaskClient, localstripe: str, n: int = 1) -> tuple[str, dict[str, str], str]:
    """A registration paid by card, once the webhook has recorded it."""
    rid, headers = registered(client, n)
    payment = open_payment(client, rid, headers)
    assert pay(client, localstripe, payment, VISA).json["status"] == "succeeded"
    eventually(lambda: status(client, rid, headers) == "paid")
    return rid, headers, payment["payment"]


def test_paying_by_card_is_recorded_when_the_signed_webhook_lands(
        client, edition, webhook_server, localstripe, services: Services):
    rid, headers = registered(client)
    payment = open_payment(client, rid, headers)
    assert (payment["amount"], payment["currency"]) == ("454.15", "CAD")
    assert payment["shares"] == {rid: "454.15"}
    assert payment["stripe_js"] == f"{localstripe}/js.stripe.com/v3/"
    intent = services.payments.gateway.intent(payment["payment"])
    assert (intent.amount, intent.currency, intent.metadata["registration_id"]) == (
        45415, "CAD", rid)
    assert status(client, rid, headers) == "pending_payment"

    assert pay(client, localstripe, payment, VISA).json == {
        "status": "succeeded", "client_secret": None}
    eventually(lambda: status(client, rid, headers) == "paid")
    history = client.get(f"/api/registrations/{rid}/history", headers=headers).json["events"]
    received = [e for e in history if e["event"] == "PaymentReceived"]
    assert len(received) == 1 and received[0]["details"]["reference"] == payment["payment"]
    assert received[0]["details"]["amount"] == {"amount": "454.15", "currency": "CAD"}
    assert received[0]["actor"]["kind"] == "stripe"  # its webhook told us
    assert received[0]["actor"]["id"] is None  # the holder is shown no Stripe event id
    recorded = [e for e in services.registrations.history(UUID(rid))
                if e.event == "PaymentReceived"]
    assert (recorded[0].actor.id or "").startswith("evt_")  # staff see it
    totals = services.queries.attendance(services.editions.config(SLUG))["totals"]
    assert totals["paid"] == 1


def test_the_open_payment_is_returned_again_and_a_paid_one_is_refused(
        client, edition, webhook_server, localstripe):
    rid, headers = registered(client)
    first = open_payment(client, rid, headers)
    assert open_payment(client, rid, headers)["payment"] == first["payment"]
    assert pay(client, localstripe, first, VISA).status_code == 200
    eventually(lambda: status(client, rid, headers) == "paid")
    again = client.post(f"/api/registrations/{rid}/payment", headers=headers)
    assert again.status_code == 409 and again.json["details"]["code"] == "already_paid"


def test_a_cancelled_registration_cannot_be_paid_and_its_open_payment_is_cancelled(
        client, edition, localstripe, services: Services):
    rid, headers = registered(client)
    payment = open_payment(client, rid, headers)
    assert client.post(f"/api/registrations/{rid}/cancellation",
                       headers=headers).status_code == 200
    assert services.payments.gateway.intent(payment["payment"]).status == "canceled"
    refused = client.post(f"/api/registrations/{rid}/payment", headers=headers)
    assert refused.status_code == 409 and refused.json["details"]["code"] == "already_cancelled"


def test_a_declined_card_is_recorded_once_and_leaves_the_registration_unpaid(
        client, edition, webhook_server, localstripe):
    rid, headers = registered(client)
    payment = open_payment(client, rid, headers)
    declined = pay(client, localstripe, payment, ALWAYS_DECLINED)
    assert declined.status_code == 402
    assert declined.json == {"error": "Your card was declined.",  # Stripe's words, for the API
                             "details": {"code": "card_declined", "reason": "card_declined"}}
    # A card refused when charged also fires payment_intent.payment_failed: same attempt,
    # recorded once whether the API answer or the webhook comes first.
    assert pay(client, localstripe, payment, DECLINED_ON_CHARGE).status_code == 402
    eventually(lambda: events(client, rid, headers).count("PaymentFailed") == 2)
    assert status(client, rid, headers) == "pending_payment"
    # Another card pays; after a declined charge, opening the payment again gives a new one.
    retry = open_payment(client, rid, headers)
    assert retry["payment"] != payment["payment"]
    assert pay(client, localstripe, retry, VISA).json["status"] == "succeeded"
    eventually(lambda: status(client, rid, headers) == "paid")
    assert events(client, rid, headers).count("PaymentFailed") == 2


def stripe_events(localstripe: str, kind: str, intent: str) -> list[dict[str, Any]]:
    client = stripe.StripeClient("sk_test_local", base_addresses={"api": localstripe})
    listed = client.v1.events.list(params={"type": kind, "limit": 100}).auto_paging_iter()
    return [e.to_dict() for e in listed if e.data.object["id"] == intent]


def test_replayed_and_out_of_order_webhooks_change_nothing_twice(
        client, edition, webhook_server, localstripe, app):
    rid, headers = registered(client)
    payment = open_payment(client, rid, headers)
    pay(client, localstripe, payment, DECLINED_ON_CHARGE)
    retry = open_payment(client, rid, headers)
    pay(client, localstripe, retry, VISA)
    eventually(lambda: status(client, rid, headers) == "paid")
    before = events(client, rid, headers)
    secret = app.config["SETTINGS"].stripe_webhook_secret
    succeeded = stripe_events(localstripe, "payment_intent.succeeded", retry["payment"])
    failed = stripe_events(localstripe, "payment_intent.payment_failed", payment["payment"])
    assert len(succeeded) == 1 and len(failed) == 1
    for event in (succeeded[0], failed[0], succeeded[0]):  # a replay, then one out of order
        body = json.dumps(event).encode()
        answer = requests.post(f"{webhook_server}/webhooks/stripe", data=body,
                               headers=signed(body, secret), timeout=10)
        assert answer.status_code == 200
        assert answer.json()["outcome"] == "duplicate"
    assert events(client, rid, headers) == before
    assert before.count("PaymentReceived") == 1


def test_unsigned_wrongly_signed_or_stale_webhooks_are_refused(
        client, edition, webhook_server, app, services: Services):
    secret = app.config["SETTINGS"].stripe_webhook_secret
    body = json.dumps({"id": "evt_forged", "type": "payment_intent.succeeded",
                       "data": {"object": {"id": "pi_forged"}}}).encode()
    before = services.app.recorder.max_notification_id()
    for headers in ({"Content-Type": "application/json"},
                    signed(body, "whsec_someone_else"),
                    signed(body, secret, at=1_500_000_000)):
        answer = requests.post(f"{webhook_server}/webhooks/stripe", data=body, headers=headers,
                               timeout=10)
        assert answer.status_code == 400, answer.text
        assert "signature" in answer.json()["error"]
    assert services.app.recorder.max_notification_id() == before


def test_opening_a_payment_again_with_its_idempotency_key_gives_the_same_payment(
        client, edition, localstripe, services: Services):
    rid, headers = registered(client)
    retry = {**headers, "Idempotency-Key": "open-payment-1234"}
    first = client.post(f"/api/registrations/{rid}/payment", headers=retry)
    again = client.post(f"/api/registrations/{rid}/payment", headers=retry)
    assert first.status_code == again.status_code == 200
    assert (again.json["payment"], again.json["client_secret"]) == (
        first.json["payment"], first.json["client_secret"])
    assert len([e for e in events(client, rid, headers) if e == "PaymentRequested"]) == 1
