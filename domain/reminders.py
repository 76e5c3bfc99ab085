"""Reminding whoever an invoice bills that it is still unpaid after its due date.

At most one reminder per invoice every `every_days` days, each one recorded (`Reminded`,
with what was still due that day, which is what its e-mail tells).
"""

from __future__ import annotations

from datetime import date
from uuid import UUID, uuid5

from eventsourcing.domain import event

from domain.base import ConferenceAggregate
from domain.errors import Invalid
from domain.identifiers import NAMESPACE
from domain.money import Money

EVERY_DAYS = 7  # by default, a week between two reminders of one invoice


class ReminderSpacingInvalid(Invalid):
    code = "reminder_spacing_invalid"
    default_message = "Reminders of one invoice are at least a day apart (every 1 day or more)."


def days_overdue(due_on: date, today: date) -> int:
    """How many days past its due date an invoice is (0: not yet overdue)."""
    return max(0, (today - due_on).days)


class InvoiceReminders(ConferenceAggregate):
    """The reminders sent for one invoice."""

    class Started(ConferenceAggregate.Created):
        number: str

    class Reminded(ConferenceAggregate.Event):
        on: str  # the ISO day the reminder was decided
        balance: Money  # what was still due that day

    @staticmethod
    def create_id(number: str) -> UUID:
        return uuid5(NAMESPACE, f"reminders/{number}")

    @event(Started)
    def __init__(self, number: str) -> None:
        self.number = number
        self.last_on: date | None = None
        self.sent = 0

    def remind(self, today: date, due_on: date, balance: Money,
               every_days: int = EVERY_DAYS) -> bool:
        """Record a reminder if one is owed today (False: not overdue, nothing due, or
        reminded less than `every_days` days ago). Fewer than a day apart (0, or a negative
        number typed by mistake) would remind on every run: refused."""
        if every_days < 1:
            raise ReminderSpacingInvalid()
        if days_overdue(due_on, today) == 0 or not balance.amount > 0:
            return False
        if self.last_on is not None and (today - self.last_on).days < every_days:
            return False
        self._reminded(today.isoformat(), balance)
        return True

    @event(Reminded)
    def _reminded(self, on: str, balance: Money) -> None:
        self.last_on = date.fromisoformat(on)
        self.sent += 1
