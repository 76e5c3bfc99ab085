"""Group payments, refunds on cancellation (exactly once) and Stripe being down.

On SQLite and PostgreSQL, against localstripe, with webhooks landing over HTTP.
"""

from __future__ import annotations

import json
import socket
import threading
import time
from concurrent.futures import ThreadPoolExecutor
from decimal import Decimal
from uuid import UUID

import pytest
import requests

from registration.adapters.stripe_gateway import GatewayUnavailable, StripeGateway
from registration.services.container import Services
from tests.integration.test_card_payments import (
    VISA,
    events,
    paid,
    pay,
    registered,
    status,
)
from tests.support.localstripe import eventually, signed

SLUG = "test-montreal"


@pytest.fixture
def app_overrides(stripe_settings: dict[str, str]) -> dict[str, str]:
    return stripe_settings


def test_a_delegation_lead_pays_several_registrations_in_one_payment(
        client, edition, webhook_server, localstripe, services: Services):
    members = [registered(client, n) for n in (1, 2, 3)]
    body = {"registrations": [{"id": rid, "token": h["Authorization"][7:]}
                              for rid, h in members]}
    group = client.post(f"/api/editions/{SLUG}/group-payments", json=body)
    assert group.status_code == 200, group.json
    assert group.json["amount"] == "1362.45"  # 3 x 454.15
    assert set(group.json["shares"]) == {rid for rid, _ in members}
    intent = services.payments.gateway.intent(group.json["payment"])
    assert intent.amount == 136245
    assert pay(client, localstripe, group.json, VISA).json["status"] == "succeeded"
    for rid, headers in members:
        eventually(lambda rid=rid, headers=headers: status(client, rid, headers) == "paid")
        assert services.registrations.get(UUID(rid)).paid.amount == Decimal("454.15")


def test_a_group_payment_needs_every_members_token_and_one_edition(
        client, edition, staff_headers, services: Services):
    (a, ha), (b, _) = registered(client, 1), registered(client, 2)
    wrong = {"registrations": [{"id": a, "token": ha["Authorization"][7:]},
                               {"id": b, "token": ha["Authorization"][7:]}]}
    services.editions.load({**edition, "slug": "test-other", "names": {"en": "Other"}})
    before = services.app.recorder.max_notification_id()
    assert client.post(f"/api/editions/{SLUG}/group-payments", json=wrong).status_code == 403
    other = client.post("/api/editions/test-other/group-payments",
                        json={"registrations": [{"id": a}]}, headers=staff_headers["finance"])
    assert other.status_code == 422
    assert services.app.recorder.max_notification_id() == before


def test_cancelling_a_paid_registration_refunds_the_policy_share_exactly_once(
        client, edition, webhook_server, localstripe, clock, app, services: Services):
    rid, headers, intent_id = paid(client, localstripe)
    clock.set("2019-05-10T12:00:00-04:00")  # 50 % back, less the 50.00 fee
    with ThreadPoolExecutor(4) as pool:  # a double click, a retry and two tabs at once
        answers = list(pool.map(lambda _: client.post(
            f"/api/registrations/{rid}/cancellation", headers=headers), range(4)))
    assert sorted(a.status_code for a in answers).count(200) >= 1
    assert {a.status_code for a in answers} <= {200, 409}
    refunds = services.payments.gateway.refunds(intent_id)
    assert [(r.amount, r.metadata["registration_id"]) for r in refunds] == [(17708, rid)]
    assert status(client, rid, headers) == "refunded"
    assert services.registrations.get(UUID(rid)).refunded.amount == Decimal("177.08")
    # Stripe's charge.refunded, delivered (and replayed), records nothing more.
    body = json.dumps({"id": "evt_refund_1", "type": "charge.refunded", "data": {"object": {
        "id": "ch_x", "object": "charge", "payment_intent": intent_id}}}).encode()
    secret = app.config["SETTINGS"].stripe_webhook_secret
    for _ in range(2):
        answer = requests.post(f"{webhook_server}/webhooks/stripe", data=body,
                               headers=signed(body, secret), timeout=10)
        assert answer.status_code == 200
    assert events(client, rid, headers).count("RefundIssued") == 1
    again = client.post(f"/api/registrations/{rid}/cancellation", headers=headers)
    assert again.status_code == 409
    assert len(services.payments.gateway.refunds(intent_id)) == 1


def dead_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


def test_when_stripe_is_down_the_api_says_so_quickly_and_records_nothing(
        client, edition, services: Services):
    rid, headers = registered(client)
    services.payments.gateway = StripeGateway(
        "sk_test_local", f"http://127.0.0.1:{dead_port()}", "pk_test_local", timeout=2)
    before = services.app.recorder.max_notification_id()
    started = time.monotonic()
    answer = client.post(f"/api/registrations/{rid}/payment", headers=headers)
    assert answer.status_code == 503 and time.monotonic() - started < 3
    assert "not reachable" in answer.json["error"]
    assert services.app.recorder.max_notification_id() == before


def test_when_stripe_is_slow_the_api_gives_up_within_its_timeout(
        client, edition, services: Services):
    rid, headers = registered(client)
    with socket.socket() as silent:  # accepts connections and never answers
        silent.bind(("127.0.0.1", 0))
        silent.listen()
        services.payments.gateway = StripeGateway(
            "sk_test_local", f"http://127.0.0.1:{silent.getsockname()[1]}", "pk_test_local",
            timeout=1)
        started = time.monotonic()
        answer = client.post(f"/api/registrations/{rid}/payment", headers=headers)
    assert answer.status_code == 503 and time.monotonic() - started < 3
    assert services.registrations.get(UUID(rid)).payment_request is None


def test_a_refund_that_failed_is_sent_by_the_next_attempt_and_only_once(
        client, edition, webhook_server, localstripe, clock, services: Services):
    rid, headers, intent_id = paid(client, localstripe)
    live = services.payments.gateway
    services.registrations.cancel(UUID(rid))  # cancelled; its refund not sent yet
    services.payments.gateway = StripeGateway(
        "sk_test_local", f"http://127.0.0.1:{dead_port()}", "pk_test_local", timeout=1)
    with pytest.raises(GatewayUnavailable):
        services.cancellations.refund(UUID(rid))
    services.payments.gateway = live
    results = []
    threads = [threading.Thread(target=lambda: results.append(
        client.post(f"/api/registrations/{rid}/cancellation", headers=headers).status_code))
        for _ in range(3)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert 200 in results
    assert [r.amount for r in live.refunds(intent_id)] == [40415]  # all but the 50.00 fee
    assert events(client, rid, headers).count("RefundIssued") == 1
