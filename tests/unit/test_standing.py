"""A registration's standing is decided once: the aggregate and its read row always agree.

Any sequence of what can happen to a place — payments by cheque or card (also after a
cancellation, or after the refund: a late card payment), cancellation under the policy,
refunds, invoicing and its cancellation, substitution, check-in — is applied to the
aggregate, and its recorded events are folded into a read row by the projection's
reducers; both must give the same status, attending, balance due and refund owed.
"""

from __future__ import annotations

from contextlib import suppress
from datetime import UTC, datetime, timedelta
from decimal import Decimal
from itertools import count
from typing import Any
from uuid import uuid4

from hypothesis import given
from hypothesis import strategies as st

from domain.edition_document import parse_edition
from domain.errors import DomainError
from domain.money import Money
from domain.registration import Attendee, Registration
from domain.standing import standing
from registration.projections import attendance
from tests.support import editions

CONFIG = parse_edition(editions.edition())
AT = datetime(2019, 3, 20, 14, tzinfo=UTC)
references = count()


def cad(amount: str) -> Money:
    return Money(Decimal(amount), "CAD")


def new_registration(kind: str) -> Registration:
    return Registration.register(
        edition_id=uuid4(), attendee=Attendee(**editions.attendee(1)), registration_type=kind,
        delegation="QC", quote=CONFIG.quote(kind, None, AT), manage_token_hash="h",
        checkin_secret="S", holds=[])


def pay(r: Registration, method: str, share: str) -> None:
    amount = r.total.times(Decimal(share)).rounded()
    if amount.amount > 0:
        r.record_payment(amount, method, f"{method}-{next(references)}")


def refund_what_is_owed(r: Registration) -> None:
    owed = r.standing.refund_owed
    if not owed.is_zero:
        r.record_refund(owed, f"re_{next(references)}")


ACTIONS: dict[str, Any] = {
    "cheque in full": lambda r: pay(r, "cheque", "1"),
    "card in full": lambda r: pay(r, "card", "1"),
    "half by transfer": lambda r: pay(r, "bank_transfer", "0.5"),
    "cancel early": lambda r: r.cancel(CONFIG.cancellation_policy, AT),
    "cancel late": lambda r: r.cancel(CONFIG.cancellation_policy, AT + timedelta(days=70)),
    "refund what is owed": refund_what_is_owed,
    "invoice": lambda r: r.mark_invoiced(f"INV-{next(references)}", r.quote.total),
    "cancel the invoice": lambda r: r.unmark_invoiced(),
    "substitute": lambda r: r.substitute(Attendee(**editions.attendee(2)), "T"),
    "check in": lambda r: r.check_in("desk", AT),
}


@given(kind=st.sampled_from(["delegate", "speaker"]),
       actions=st.lists(st.sampled_from(sorted(ACTIONS)), max_size=12))
def test_the_read_row_and_the_aggregate_always_agree_on_where_a_registration_stands(
    kind: str, actions: list[str],
) -> None:
    registration = new_registration(kind)
    for action in actions:
        with suppress(DomainError):  # refused (e.g. invoicing a cancelled place): no event
            ACTIONS[action](registration)
    row = attendance.fold({}, registration.collect_events())[str(registration.id)]
    decided = registration.standing
    assert (row.status, row.attending) == (decided.status, decided.attending)
    assert row.money("balance_due") == decided.balance_due
    assert row.money("refund_owed") == decided.refund_owed
    assert row.contribution()["cancelled"] == int(registration.is_cancelled)


def test_a_card_payment_after_the_refund_is_owed_back_and_the_place_stays_cancelled() -> None:
    registration = new_registration("delegate")
    pay(registration, "cheque", "1")
    registration.cancel(CONFIG.cancellation_policy, AT)
    refund_what_is_owed(registration)
    assert registration.status == "refunded"
    pay(registration, "card", "1")  # Stripe's notice arrives late
    decided = registration.standing
    assert (decided.status, decided.attending) == ("cancelled", False)
    assert decided.refund_owed == registration.total
    row = attendance.fold({}, registration.collect_events())[str(registration.id)]
    assert (row.status, row.attending, row.money("refund_owed")) == (
        "cancelled", False, registration.total)
    assert row.contribution() == {"registered": 1, "cancelled": 1, "paid": 0,
                                  "substituted": 0, "checked_in": 0}


def test_money_received_beyond_what_a_cancellation_retains_is_owed_back() -> None:
    kept = standing(total=cad("100.00"), paid=cad("100.00"), refunded=cad("0"),
                    cancelled=True, retained=cad("50.00"))
    assert (kept.status, kept.refund_owed, kept.balance_due) == ("cancelled", cad("50.00"),
                                                                cad("0"))
    settled = standing(total=cad("100.00"), paid=cad("100.00"), refunded=cad("50.00"),
                       cancelled=True, retained=cad("50.00"))
    assert (settled.status, settled.refund_owed) == ("refunded", cad("0"))
    unpaid = standing(total=cad("100.00"), paid=cad("0"), refunded=cad("0"), cancelled=True,
                      retained=cad("50.00"))
    assert (unpaid.status, unpaid.refund_owed, unpaid.attending) == ("cancelled", cad("0"),
                                                                     False)


def test_an_active_place_is_paid_when_what_was_received_covers_its_total() -> None:
    assert standing(total=cad("10"), paid=cad("4"), refunded=cad("0"), cancelled=False,
                    invoiced=True).status == "invoiced"
    assert standing(total=cad("10"), paid=cad("4"), refunded=cad("0"),
                    cancelled=False).balance_due == cad("6")
    assert standing(total=cad("10"), paid=cad("12"), refunded=cad("0"),
                    cancelled=False).status == "paid"
    assert standing(total=cad("0"), paid=cad("0"), refunded=cad("0"),
                    cancelled=False).status == "confirmed"
