"""Card payment rules in the domain: amounts in minor units, who may pay, refunds claimed once."""

from __future__ import annotations

from datetime import datetime
from decimal import Decimal
from uuid import uuid4

import pytest

from domain.errors import AlreadyCancelled, AlreadyPaid, Invalid
from domain.money import Money
from domain.payment import (
    PaymentOrder,
    ProcessedNotice,
    RefundAttempt,
    from_minor_units,
    minor_units,
    payable_shares,
)
from domain.policy import CancellationPolicy
from domain.pricing import PriceQuote
from domain.registration import Attendee, Registration
from tests.support.money import cad


def quote(total: str) -> PriceQuote:
    zero = cad("0.00")
    return PriceQuote(
        registration_type="delegate", tier="regular", list_price=cad(total),
        early_bird_discount=zero, code=None, code_discount=zero, tax_lines=(),
        quoted_at=datetime.fromisoformat("2019-03-20T10:00:00-04:00"))


def registration(total: str = "454.15", edition_id=None) -> Registration:
    return Registration.register(
        edition_id=edition_id or EDITION, registration_type="delegate", delegation=None,
        attendee=Attendee("Ana", "Roy", "ana@example.com", "Hydro", "Engineer"),
        quote=quote(total), manage_token_hash="h", checkin_secret="s", holds=[])


EDITION = uuid4()


def test_amounts_go_to_stripe_in_cents_and_come_back_exactly():
    assert minor_units(cad("454.15")) == 45415
    assert minor_units(cad("0.10")) == 10
    assert from_minor_units(17708, "cad") == cad("177.08")
    assert minor_units(Money(Decimal("5000"), "JPY")) == 5000


def test_each_registration_pays_its_own_balance_and_only_within_one_edition():
    a, b = registration("454.15"), registration("100.00")
    assert payable_shares([a, b]) == {a.id: cad("454.15"), b.id: cad("100.00")}
    with pytest.raises(Invalid):
        payable_shares([a, registration(edition_id=uuid4())])
    with pytest.raises(Invalid):
        payable_shares([])


def test_a_paid_or_cancelled_registration_cannot_be_paid_again():
    done = registration()
    done.record_payment(cad("454.15"), "card", "pi_1")
    with pytest.raises(AlreadyPaid):
        payable_shares([done])
    gone = registration()
    gone.cancel(CancellationPolicy(steps=()), datetime.fromisoformat("2019-05-01T00:00+00:00"))
    with pytest.raises(AlreadyCancelled):
        payable_shares([gone])
    with pytest.raises(AlreadyCancelled):
        gone.request_payment("pi_2", cad("1.00"))


def test_a_payment_order_knows_each_share_and_its_total():
    a, b = registration(), registration("100.00")
    order = PaymentOrder.open("pi_group", EDITION, payable_shares([a, b]))
    assert order.id == PaymentOrder.create_id("pi_group")
    assert order.total == cad("554.15")
    assert order.share_of(b.id) == cad("100.00")
    assert order.registration_ids == [a.id, b.id]


def test_the_same_declined_attempt_is_recorded_once():
    place = registration()
    assert place.record_payment_failure("ch_1", "Your card was declined.")
    assert not place.record_payment_failure("ch_1", "Your card was declined.")
    assert place.record_payment_failure("ch_2", "Your card was declined.")
    assert place.status == "pending_payment"


def test_a_refund_attempt_is_claimed_once_and_again_only_after_it_failed():
    rid = uuid4()
    attempt = RefundAttempt(registration_id=rid, payment_reference="pi_1",
                            amount=cad("177.08").to_dict())
    assert attempt.id == RefundAttempt.create_id(rid) and attempt.key == str(attempt.id)
    assert not attempt.reopen()  # in flight: nobody else sends it
    attempt.fail("Stripe is unreachable")
    assert attempt.reopen()
    assert not attempt.reopen()
    attempt.complete("re_1")
    attempt.complete("re_1")
    assert attempt.state == "completed" and attempt.refund_reference == "re_1"
    assert not attempt.reopen()


def test_a_processed_notice_is_keyed_by_the_processors_event_id():
    notice = ProcessedNotice(notice_id="evt_1", kind="payment_intent")
    assert notice.id == ProcessedNotice.create_id("evt_1") != ProcessedNotice.create_id("evt_2")
