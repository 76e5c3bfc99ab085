"""Finance staff's actions on a registration, decided in the domain: a change of type or
delegation re-quoted at the original moment, a cancellation with a reason and perhaps
without the fee, a refund sent by hand; and how often an overdue invoice is reminded."""

from __future__ import annotations

from datetime import date, datetime
from decimal import Decimal
from uuid import uuid4

import pytest

from domain.attendee import Attendee
from domain.edition_document import parse_edition
from domain.errors import (
    AlreadyCancelled,
    Invalid,
    MoreThanPaid,
    NothingChanged,
    ReasonRequired,
    ReferenceAlreadyUsed,
)
from domain.money import Money
from domain.registration import Registration
from domain.reminders import InvoiceReminders, ReminderSpacingInvalid
from domain.staff_actions import requote
from tests.support import editions

CONFIG = parse_edition(editions.edition())
EARLY = datetime.fromisoformat("2019-03-20T10:00:00-04:00")  # early-bird prices
LATE = datetime.fromisoformat("2019-05-10T12:00:00-04:00")  # regular prices, 50 % refund


def cad(amount: str) -> Money:
    return Money(Decimal(amount), "CAD")


def place(type_code: str = "delegate", code: str | None = None) -> Registration:
    return Registration.register(
        edition_id=uuid4(), attendee=Attendee(**editions.attendee()),
        registration_type=type_code, delegation="QC", quote=CONFIG.quote(type_code, code, EARLY),
        manage_token_hash="h", checkin_secret="S", holds=[])


def test_a_change_of_type_is_priced_at_the_moment_the_place_was_registered():
    speaker = place("speaker")
    quote = requote(CONFIG, speaker.quote, "delegate")
    assert quote.quoted_at == EARLY and quote.tier == "early_bird"
    assert quote.subtotal == cad("395.00")


def test_a_discount_code_is_kept_when_it_is_valid_for_the_new_type_and_dropped_otherwise():
    assert requote(CONFIG, place("delegate", "PARTNER20").quote, "speaker").code == "PARTNER20"
    assert requote(CONFIG, place("delegate", "GOV50").quote, "speaker").code is None


def test_moving_to_a_cheaper_type_leaves_what_was_paid_beyond_the_new_total_owed_back():
    registration = place()
    registration.record_payment(registration.total, "cheque", "CHQ-1")
    registration.change_place("speaker", "QC", requote(CONFIG, registration.quote, "speaker"),
                              [], "Invited to speak by the programme committee")
    assert registration.registration_type == "speaker" and registration.total == cad("0.00")
    assert registration.standing.refund_owed == cad("454.15")
    assert registration.status == "confirmed"  # a free place, nothing left to pay


def test_moving_to_a_dearer_type_leaves_the_difference_to_pay():
    registration = place("speaker")
    registration.change_place("delegate", "GA", requote(CONFIG, registration.quote, "delegate"),
                              [], "Not speaking after all")
    assert registration.delegation == "GA"
    assert registration.balance_due == cad("454.15")


def test_a_change_needs_a_reason_and_a_difference_and_a_place_no_invoice_bills():
    registration = place()
    quote = registration.quote
    with pytest.raises(ReasonRequired):
        registration.change_place("delegate", "ON", quote, [], "  ")
    with pytest.raises(NothingChanged):
        registration.change_place("delegate", "QC", quote, [], "No change")
    billed = registration.total
    registration.mark_invoiced("SEUS19-0001", billed)
    registration.change_place("delegate", "ON", quote, [], "Moved")  # billed beside it
    registration.adjust_invoiced("SEUS19-0002", "invoice", "SEUS19-0001", cad("100.00"),
                                 "Moved")
    registration.adjust_invoiced("SEUS19-0003", "credit_note", "SEUS19-0002", cad("-30.00"),
                                 "Moved back")
    assert registration.billed == {"SEUS19-0001": billed, "SEUS19-0002": cad("70.00")}
    assert registration.total == billed + cad("70.00")
    registration.cancel(CONFIG.cancellation_policy, LATE)
    with pytest.raises(AlreadyCancelled):
        registration.change_place("delegate", "ON", quote, [], "Moved")


def test_staff_may_waive_the_cancellation_fee_and_their_reason_is_recorded():
    with_fee, without = place(), place()
    for registration in (with_fee, without):
        registration.record_payment(registration.total, "cheque", "CHQ-1")
    kept = with_fee.cancel(CONFIG.cancellation_policy, LATE, "Asked by phone")
    waived = without.cancel(CONFIG.cancellation_policy, LATE, "Flight cancelled", True)
    assert waived.refund_owed - kept.refund_owed == cad("50.00")
    recorded = without.collect_events()[-1]
    assert recorded.reason == "Flight cancelled" and recorded.fee_waived is True


def test_a_refund_by_hand_is_at_most_what_was_paid_and_not_yet_refunded_once_per_reference():
    registration = place()
    registration.record_payment(cad("100.00"), "cheque", "CHQ-1")
    with pytest.raises(MoreThanPaid):
        registration.refund_by_hand(cad("100.01"), "bank_transfer", "VIR-1", "Overpaid")
    with pytest.raises(Invalid):
        registration.refund_by_hand(cad("10.00"), "card", "VIR-1", "Overpaid")
    with pytest.raises(ReasonRequired):
        registration.refund_by_hand(cad("10.00"), "cheque", "CHQ-9", "")
    registration.refund_by_hand(cad("60.00"), "bank_transfer", "VIR-1", "Overpaid")
    with pytest.raises(ReferenceAlreadyUsed):
        registration.refund_by_hand(cad("10.00"), "bank_transfer", "VIR-1", "Again")
    with pytest.raises(MoreThanPaid):
        registration.refund_by_hand(cad("40.01"), "cheque", "CHQ-2", "Rest")
    assert registration.refunded == cad("60.00")
    recorded = registration.collect_events()[-1]
    assert (recorded.method, recorded.reason) == ("bank_transfer", "Overpaid")


def test_an_overdue_invoice_is_reminded_at_most_once_every_seven_days():
    reminders = InvoiceReminders(number="SEUS19-0002")
    due, owed = date(2019, 5, 1), cad("684.10")
    assert not reminders.remind(date(2019, 5, 1), due, owed)  # due today: not late yet
    assert reminders.remind(date(2019, 5, 2), due, owed)
    assert not reminders.remind(date(2019, 5, 8), due, owed)  # six days later
    assert reminders.remind(date(2019, 5, 9), due, owed)
    assert not reminders.remind(date(2019, 6, 9), due, cad("0.00"))  # paid since
    assert reminders.sent == 2


@pytest.mark.parametrize("every_days", [0, -1])
def test_reminders_less_than_a_day_apart_are_refused_rather_than_sent_on_every_run(
        every_days: int) -> None:
    reminders = InvoiceReminders(number="SEUS19-0002")
    assert reminders.remind(date(2019, 5, 2), date(2019, 5, 1), cad("684.10"))
    with pytest.raises(ReminderSpacingInvalid):
        reminders.remind(date(2019, 5, 2), date(2019, 5, 1), cad("684.10"), every_days)
    assert reminders.sent == 1
