"""Overdue invoices: finance's list of them, and the reminders e-mailed to their bill-to.

`remind_unpaid` runs from `flask mail remind-unpaid` (a daily cron job, or by hand): each
overdue invoice with an e-mail to send to gets a reminder recorded with its `Mail` in one
save, so running it twice a day sends nothing twice (domain.reminders).
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from datetime import date
from decimal import Decimal
from functools import partial
from uuid import UUID

from eventsourcing.domain import Aggregate

from domain.identifiers import edition_id
from domain.mail import Mail
from domain.money import Money
from domain.reminders import EVERY_DAYS, InvoiceReminders, days_overdue
from registration.application import Conference
from registration.clock import Clock
from registration.projections.ledger import LedgerRow
from registration.projections.ledger_queries import Ledger


@dataclass(frozen=True)
class OverdueInvoice:
    row: LedgerRow
    days: int  # past the due date

    @property
    def email(self) -> str | None:
        return json.loads(self.row.document)["bill_to"].get("email")

    @property
    def registration_id(self) -> UUID:
        lines = json.loads(self.row.document)["lines"]
        return UUID(lines[0]["registration_id"])


class ReminderService:
    def __init__(self, app: Conference, ledger: Ledger, clock: Clock) -> None:
        self.app, self.ledger, self.clock = app, ledger, clock

    def overdue(self, slug: str, today: date) -> list[OverdueInvoice]:
        """The edition's invoices still unpaid after their due date, longest overdue first."""
        found = [OverdueInvoice(row, days_overdue(date.fromisoformat(row.due_on), today))
                 for row in self.ledger.rows(str(edition_id(slug)), unpaid=True)
                 if row.kind == "invoice"]
        return sorted((o for o in found if o.days > 0), key=lambda o: (-o.days, o.row.number))

    def remind_unpaid(self, slug: str, today: date,
                      every_days: int = EVERY_DAYS) -> list[str]:
        """Remind each overdue invoice's bill-to (once every `every_days` days); the numbers
        reminded."""
        return [invoice.row.number for invoice in self.overdue(slug, today)
                if invoice.email and self.app.decide(partial(self._remind, invoice, today,
                                                             every_days))]

    def _remind(self, invoice: OverdueInvoice, today: date,
                every_days: int) -> tuple[list[Aggregate], bool]:
        number = invoice.row.number
        reminders = self.app.find(InvoiceReminders.create_id(number), InvoiceReminders)
        reminders = reminders or InvoiceReminders(number=number)
        balance = Money(Decimal(invoice.row.balance), invoice.row.currency)
        if not reminders.remind(today, date.fromisoformat(invoice.row.due_on), balance,
                                every_days):
            return [], False
        mail = Mail.queue("reminder", invoice.registration_id,
                          about=f"{number}/{reminders.sent}")
        return [reminders, mail], True
