"""Where a registration stands: decided once, from its money and its cancellation.

The aggregate and every read model ask this one function, so a status, "attending",
what is still to pay and what is owed back can never disagree between them.
"""

from __future__ import annotations

from dataclasses import dataclass

from domain.money import Money

STATUSES = ("awaiting_approval", "pending_payment", "invoiced", "paid", "confirmed", "cancelled",
            "refunded")


@dataclass(frozen=True)
class Standing:
    status: str
    attending: bool  # holds a place: not cancelled
    balance_due: Money  # what is still to pay (nothing once cancelled)
    refund_owed: Money  # what is owed back and not yet sent


def standing(*, total: Money, paid: Money, refunded: Money, cancelled: bool,
             retained: Money | None = None, invoiced: bool = False,
             awaiting_approval: bool = False) -> Standing:
    """`paid` and `refunded` are everything received and sent back; `retained` is what a
    cancellation let the organiser keep. Money that arrives after a cancellation (a late
    card payment) is owed back like any other beyond what is retained. A place awaiting
    the organisers' approval holds its seat, and is not to be paid until approved.
    """
    zero = Money.zero(total.currency)
    net = paid - refunded
    if cancelled:
        owed = net - (retained or zero)
        owed = owed if owed.amount > 0 else zero
        status = "cancelled" if not owed.is_zero or refunded.is_zero else "refunded"
        return Standing(status, attending=False, balance_due=zero, refund_owed=owed)
    due = total - net
    settled = due.amount <= 0
    due = zero if settled else due
    if awaiting_approval:
        status = "awaiting_approval"
    elif settled:
        status = "confirmed" if total.is_zero else "paid"
    else:
        status = "invoiced" if invoiced else "pending_payment"
    return Standing(status, attending=True, balance_due=due, refund_owed=zero)
