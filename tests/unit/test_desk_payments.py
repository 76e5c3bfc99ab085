"""Money handed over at the desk: what is due, once per reference, never on an invoiced or
cancelled place."""

from __future__ import annotations

from datetime import date

import pytest

from domain.errors import (
    AlreadyCancelled,
    AlreadyInvoiced,
    AlreadyPaid,
    Invalid,
    MoreThanDue,
    ReferenceAlreadyUsed,
)
from tests.unit.test_registration_rules import AT, CONFIG, cad, place

TODAY = date(2019, 6, 3)


def test_a_desk_payment_of_part_then_the_rest_settles_the_place() -> None:
    registration = place()
    due = registration.balance_due
    registration.take_payment_at_desk(cad("100.00"), "cash", "cash-1", TODAY)
    assert registration.balance_due == due - cad("100.00")
    registration.take_payment_at_desk(registration.balance_due, "card_terminal", "T-8841", TODAY)
    assert registration.balance_due.is_zero and registration.status == "paid"
    received = [e for e in registration.collect_events() if type(e).__name__ == "PaymentReceived"]
    assert [(e.method, e.reference, e.details.received_on) for e in received] == [
        ("cash", "cash-1", "2019-06-03"), ("card_terminal", "T-8841", "2019-06-03")]


@pytest.mark.parametrize(("amount", "method", "refused"), [
    ("9999.00", "cash", MoreThanDue), ("0.00", "cash", Invalid), ("-5.00", "cash", Invalid),
    ("10.00", "bitcoin", Invalid)])
def test_a_desk_payment_that_makes_no_sense_is_refused_and_records_nothing(
        amount: str, method: str, refused: type[Exception]) -> None:
    registration = place()
    version = registration.version
    with pytest.raises(refused):
        registration.take_payment_at_desk(cad(amount), method, "R-1", TODAY)
    assert registration.version == version


def test_a_reference_typed_twice_is_pointed_out() -> None:
    registration = place()
    registration.take_payment_at_desk(cad("10.00"), "card_terminal", "T-1", TODAY)
    with pytest.raises(ReferenceAlreadyUsed):
        registration.take_payment_at_desk(cad("10.00"), "card_terminal", "T-1", TODAY)


def test_a_paid_invoiced_or_cancelled_place_takes_no_desk_payment() -> None:
    paid = place()
    paid.take_payment_at_desk(paid.balance_due, "cash", "cash-1", TODAY)
    with pytest.raises(AlreadyPaid):
        paid.take_payment_at_desk(cad("1.00"), "cash", "cash-2", TODAY)
    invoiced = place()
    invoiced.mark_invoiced("SEUS19-0001", invoiced.total)
    with pytest.raises(AlreadyInvoiced, match="SEUS19-0001"):
        invoiced.take_payment_at_desk(cad("1.00"), "cash", "cash-1", TODAY)
    cancelled = place()
    cancelled.cancel(CONFIG.cancellation_policy, AT)
    with pytest.raises(AlreadyCancelled):
        cancelled.take_payment_at_desk(cad("1.00"), "cash", "cash-1", TODAY)


def test_the_payment_an_invoice_was_issued_on_is_recorded_against_it() -> None:
    """The desk payment that settles a place gets the invoice issued on payment first (see
    InvoiceService.on_desk_payment): the place then records its payment against that
    invoice, and only that one."""
    registration = place()
    registration.mark_invoiced("SEUS19-0007", registration.total)
    with pytest.raises(AlreadyInvoiced):
        registration.take_payment_at_desk(registration.balance_due, "cash", "cash-1", TODAY,
                                          "SEUS19-0001")
    registration.take_payment_at_desk(registration.balance_due, "cash", "cash-1", TODAY,
                                      "SEUS19-0007")
    [received] = [e for e in registration.collect_events()
                  if type(e).__name__ == "PaymentReceived"]
    assert received.details.invoice == "SEUS19-0007" and registration.status == "paid"
