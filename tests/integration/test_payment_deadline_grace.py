"""A card payment in progress at the payment deadline (against localstripe): the place is
held for the grace hour while its holder pays, then the payment is cancelled at Stripe before
the place expires; money that still reaches an expired place is refunded at once."""

from __future__ import annotations

from typing import Any
from uuid import UUID

import pytest
from flask.testing import FlaskClient

from registration.services.container import Services
from registration.services.payment_deadlines import DeadlinePass
from tests.integration.test_card_payments import open_payment, pay, registered, status
from tests.support import editions
from tests.support.clock import SettableClock
from tests.support.localstripe import eventually

AFTER_DEADLINE = "2019-04-04T00:00:01-04:00"  # registered on March 20, 14 days to pay
IN_THE_GRACE_HOUR = "2019-04-04T00:59:00-04:00"
AFTER_THE_GRACE_HOUR = "2019-04-04T01:00:01-04:00"
THREE_D_SECURE = "4000002760003184"  # waits on the holder: requires_action
VISA = "4242424242424242"


@pytest.fixture
def app_overrides(stripe_settings: dict[str, str]) -> dict[str, str]:
    return stripe_settings


@pytest.fixture
def edition(services: Services) -> dict[str, Any]:
    """Fourteen days to pay, one delegate seat."""
    document = editions.edition(payment_days=14)
    document["registration_types"][0]["capacity"] = 1
    services.editions.load(document)
    return document


def places_left(client: FlaskClient) -> int:
    shown = client.get("/api/editions/test-montreal").json["registration_types"]
    return next(t["places_left"] for t in shown if t["code"] == "delegate")


def test_a_payment_waiting_on_its_holder_holds_the_place_for_the_grace_hour_then_is_closed(
        client: FlaskClient, services: Services, edition: dict, localstripe: str,
        clock: SettableClock) -> None:
    place, holder = registered(client)
    payment = open_payment(client, place, holder)
    assert pay(client, localstripe, payment, THREE_D_SECURE).json["status"] == \
        "requires_action"
    clock.set(AFTER_DEADLINE)
    assert services.deadlines.run() == DeadlinePass(reminded=0, expired=0)
    clock.set(IN_THE_GRACE_HOUR)
    assert services.deadlines.run().expired == 0
    assert status(client, place, holder) == "pending_payment" and places_left(client) == 0
    clock.set(AFTER_THE_GRACE_HOUR)
    assert services.deadlines.run().expired == 1
    assert services.payments.gateway.intent(payment["payment"]).status == "canceled"
    assert status(client, place, holder) == "cancelled" and places_left(client) == 1


def test_a_payment_that_went_through_at_the_deadline_is_recorded_instead_of_expiring(
        client: FlaskClient, services: Services, edition: dict, localstripe: str,
        clock: SettableClock) -> None:
    place, holder = registered(client)
    payment = open_payment(client, place, holder)
    assert pay(client, localstripe, payment, VISA).json["status"] == "succeeded"
    clock.set(AFTER_THE_GRACE_HOUR)  # before any webhook told us: Stripe is asked
    assert services.deadlines.run().expired == 0
    assert status(client, place, holder) == "paid" and places_left(client) == 0


def test_an_unpaid_payment_never_started_does_not_hold_the_place_past_the_grace_hour(
        client: FlaskClient, services: Services, edition: dict, localstripe: str,
        clock: SettableClock) -> None:
    place, holder = registered(client)
    payment = open_payment(client, place, holder)  # the card page opened, nothing typed
    clock.set(AFTER_THE_GRACE_HOUR)
    assert services.deadlines.run().expired == 1
    assert services.payments.gateway.intent(payment["payment"]).status == "canceled"


def test_money_reaching_a_place_that_expired_meanwhile_is_refunded_at_once(
        client: FlaskClient, services: Services, edition: dict, webhook_server: str,
        localstripe: str, clock: SettableClock) -> None:
    place, holder = registered(client)
    payment = open_payment(client, place, holder)
    clock.set(AFTER_THE_GRACE_HOUR)
    assert services.registrations.expire(UUID(place))  # as a pass that raced the payment
    assert pay(client, localstripe, payment, VISA).json["status"] == "succeeded"
    eventually(lambda: status(client, place, holder) == "refunded")
    [refund] = services.payments.gateway.refunds(payment["payment"])
    assert refund.status == "succeeded" and refund.amount == 45415  # all of it
