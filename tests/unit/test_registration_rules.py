"""The rules the pages used to decide for themselves, now decided once in the domain: whether
one may register now, what cancelling now would refund, what may be billed, and when an
attendee may ask for an invoice instead of paying by card."""

from __future__ import annotations

from datetime import datetime, timedelta
from decimal import Decimal
from uuid import uuid4

import pytest

from domain.attendee import Attendee
from domain.billing import billable, may_request_invoice
from domain.edition_document import parse_edition
from domain.errors import (
    AlreadyCancelled,
    AlreadyInvoiced,
    AlreadyPaid,
    InvoicesNotOffered,
    RegistrationClosed,
)
from domain.money import Money
from domain.registration import Registration
from tests.support import editions

CONFIG = parse_edition(editions.edition())
OPENS, CLOSES = CONFIG.registration_opens, CONFIG.registration_closes
AT = datetime.fromisoformat("2019-03-20T10:00:00-04:00")


def cad(amount: str) -> Money:
    return Money(Decimal(amount), "CAD")


def place() -> Registration:
    return Registration.register(
        edition_id=uuid4(), attendee=Attendee(**editions.attendee()), registration_type="delegate",
        delegation="QC", quote=CONFIG.quote("delegate", None, AT), manage_token_hash="h",
        checkin_secret="S", holds=[])


@pytest.mark.parametrize("moment, open_", [
    (OPENS - timedelta(seconds=1), False), (OPENS, True), (AT, True), (CLOSES, True),
    (CLOSES + timedelta(seconds=1), False)])
def test_registration_is_open_from_its_opening_to_its_closing_moment_both_included(
        moment, open_):
    assert CONFIG.is_open(moment) is open_


def test_registering_outside_the_window_is_refused_exactly_when_it_is_not_open():
    CONFIG.check_open(OPENS)
    with pytest.raises(RegistrationClosed, match="opens on 2019-01-15 09:00"):
        CONFIG.check_open(OPENS - timedelta(seconds=1))
    with pytest.raises(RegistrationClosed, match="closed"):
        CONFIG.check_open(CLOSES + timedelta(seconds=1))


def test_the_refund_shown_before_cancelling_is_what_cancelling_then_records():
    registration = place()
    registration.record_payment(registration.total, "cheque", "CHQ-1")
    later = datetime.fromisoformat("2019-05-10T12:00:00-04:00")  # 50 %, and the fee kept
    recorded = len(registration.pending_events)
    preview = registration.terms_if_cancelled(CONFIG.cancellation_policy, later)
    assert len(registration.pending_events) == recorded and not registration.is_cancelled
    assert preview is not None and preview.refund_percent == Decimal("50")
    assert preview.refund_owed == cad("177.08")
    assert registration.cancel(CONFIG.cancellation_policy, later) == preview


def test_a_cancelled_registration_shows_no_refund_to_come_and_cannot_be_cancelled_again():
    registration = place()
    registration.cancel(CONFIG.cancellation_policy, AT)
    assert registration.terms_if_cancelled(CONFIG.cancellation_policy, AT) is None
    with pytest.raises(AlreadyCancelled):
        registration.cancel(CONFIG.cancellation_policy, AT)


@pytest.mark.parametrize("cancelled, invoiced, expected", [
    (False, False, True), (True, False, False), (False, True, False), (True, True, False)])
def test_only_a_place_neither_cancelled_nor_billed_by_a_live_invoice_may_be_billed(
        cancelled, invoiced, expected):
    assert billable(cancelled=cancelled, invoiced=invoiced) is expected


def test_a_place_billed_by_a_live_invoice_is_refused_a_second_one_until_it_is_cancelled():
    registration = place()
    registration.mark_invoiced("SEUS19-0001", registration.total)
    with pytest.raises(AlreadyInvoiced, match="SEUS19-0001"):
        registration.mark_invoiced("SEUS19-0002", registration.total)
    registration.unmark_invoiced()
    registration.mark_invoiced("SEUS19-0003", registration.total)
    assert registration.billed_by == ["SEUS19-0001", "SEUS19-0003"]


def test_a_cancelled_place_is_refused_an_invoice():
    registration = place()
    registration.cancel(CONFIG.cancellation_policy, AT)
    with pytest.raises(AlreadyCancelled):
        registration.mark_invoiced("SEUS19-0001", registration.total)


def test_an_attendee_may_ask_for_an_invoice_only_when_offered_billable_and_something_is_due():
    due, nothing = cad("454.15"), cad("0")
    assert may_request_invoice(offered=True, cancelled=False, invoiced=False, balance_due=due)
    assert not may_request_invoice(offered=False, cancelled=False, invoiced=False,
                                   balance_due=due)
    assert not may_request_invoice(offered=True, cancelled=True, invoiced=False,
                                   balance_due=due)
    assert not may_request_invoice(offered=True, cancelled=False, invoiced=True,
                                   balance_due=due)
    assert not may_request_invoice(offered=True, cancelled=False, invoiced=False,
                                   balance_due=nothing)


def test_asking_for_an_invoice_is_refused_with_the_reason_the_page_would_not_offer_it():
    registration = place()
    registration.check_invoice_request(offered=True)
    with pytest.raises(InvoicesNotOffered):
        registration.check_invoice_request(offered=False)
    registration.record_payment(registration.total, "card", "pi_1")
    with pytest.raises(AlreadyPaid):
        registration.check_invoice_request(offered=True)
    invoiced = place()
    invoiced.mark_invoiced("SEUS19-0001", invoiced.total)
    with pytest.raises(AlreadyInvoiced):
        invoiced.check_invoice_request(offered=True)
    cancelled = place()
    cancelled.cancel(CONFIG.cancellation_policy, AT)
    with pytest.raises(AlreadyCancelled):
        cancelled.check_invoice_request(offered=True)
