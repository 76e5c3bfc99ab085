"""When an unpaid place must be paid, when its holder is reminded, and whether it may expire.

An edition (or one of its types) may give `payment_days`: a place neither paid nor billed by
an invoice must be paid by the end of the day that many days after registering (a date a
person can read: "pay by March 14"), and never later than the day before the event. A place
registered on the event's days has no deadline (it is paid at the desk). The holder is
reminded `REMINDER_BEFORE` the deadline.

Invoiced places follow the invoice's due date instead and never expire: an overdue invoice
is for finance to chase or cancel (its credit note makes the place unpaid again, and it then
expires at the next pass once its deadline has passed). Money received, even in part, or a
free place, never expires.
"""

from __future__ import annotations

from datetime import date, datetime, time, timedelta, tzinfo

from domain.money import Money

REMINDER_BEFORE = timedelta(days=3)
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
