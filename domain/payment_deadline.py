"""When an unpaid place must be paid, when its holder is reminded, and whether it may expire.

An edition (or one of its types) may give `payment_days`: a place neither paid nor billed by
an invoice must be paid by the end of the day that many days after registering (a date a
person can read: "pay by March 14"), and never later than the day before the event. A place
registered on the event's days has no deadline (it is paid at the desk). The holder is
reminded `REMINDER_BEFORE` the deadline.

A card payment the holder is in the middle of at the deadline holds the place
(`payment_holds_place`): one waiting on them (a card page open, a 3-D Secure check) for
`PAYMENT_GRACE` after the deadline, one the card network is processing until it settles (it
can no longer be stopped). Once the grace is over the payment is closed at the processor
before the place expires, so nothing can be paid for a place given back; money that still
arrives for an expired place is owed back in full and refunded at once (domain.standing).

Invoiced places follow the invoice's due date instead and never expire: an overdue invoice
is for finance to chase or cancel (its credit note makes the place unpaid again, and it then
expires at the next pass once its deadline has passed). Money received, even in part, or a
free place, never expires.
"""

from __future__ import annotations

from datetime import date, datetime, time, timedelta, tzinfo

from domain.money import Money

REMINDER_BEFORE = timedelta(days=3)
PAYMENT_GRACE = timedelta(hours=1)
WAITING_ON_THE_HOLDER = frozenset({"requires_payment_method", "requires_confirmation",
                                   "requires_action"})  # a card payment still open
MAX_PAYMENT_DAYS = 365


def payment_deadline(days: int | None, registered_at: datetime, starts_on: date,
                     zone: tzinfo) -> datetime | None:
    """The end of the day `days` after registering, in the edition's time zone, and at the
    latest the end of the day before the event (None: no days, or registered since)."""
    last_day = starts_on - timedelta(days=1)
    registered_on = registered_at.astimezone(zone).date()
    if days is None or registered_on > last_day:
        return None
    return datetime.combine(min(registered_on + timedelta(days=days), last_day), time.max, zone)


def reminder_due(deadline: datetime, registered_at: datetime) -> datetime:
    """When the holder is reminded: `REMINDER_BEFORE` the deadline, not before registering."""
    return max(deadline - REMINDER_BEFORE, registered_at)


def may_expire(*, cancelled: bool, invoiced: bool, paid: Money, balance_due: Money) -> bool:
    """Only a live place, billed by no invoice, with nothing received and something due."""
    return not cancelled and not invoiced and paid.is_zero and not balance_due.is_zero


def payment_holds_place(status: str, deadline: datetime, at: datetime) -> bool:
    """Whether a card payment in `status` (the processor's word) keeps a place past its
    deadline at `at`: processing, always; open, during the grace; otherwise (succeeded,
    cancelled) not — a succeeded one is recorded instead."""
    if status == "processing":
        return True
    return status in WAITING_ON_THE_HOLDER and at < deadline + PAYMENT_GRACE
