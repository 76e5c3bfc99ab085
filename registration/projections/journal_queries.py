"""Reads of the journal: an edition's movements for a period, with totals by method and day."""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Sequence
from dataclasses import dataclass, field, replace
from datetime import date, datetime
from decimal import Decimal

from domain.edition_config import EditionConfig
from domain.identifiers import edition_id
from domain.money import Money
from domain.reconciliation import CardMovement
from registration.projections.journal import JournalRow
from registration.projections.store import ReadModelStore


@dataclass(frozen=True)
class JournalFilter:
    method: str | None = None
    kind: str | None = None
    since: date | None = None  # the first day shown, in the edition's time zone
    until: date | None = None  # the last day shown (included)


@dataclass(frozen=True)
class Movement:
    """A journal row with the time it was recorded where the edition takes place, and the
    day it is booked on: a transfer's or cheque's received date, else that time's day."""

    row: JournalRow
    at: datetime  # when it was recorded

    @classmethod
    def of(cls, row: JournalRow, config: EditionConfig) -> Movement:
        return cls(row, datetime.fromisoformat(row.at).astimezone(config.zone))

    @property
    def day(self) -> date:
        received = self.row.received_on
        return date.fromisoformat(received) if received is not None else self.at.date()

    @property
    def by_hand(self) -> bool:
        """Recorded by hand, days after the money came (a transfer or cheque)."""
        return self.row.received_on is not None

    @property
    def order(self) -> tuple[date, datetime, str]:
        return self.day, self.at, self.row.entry


@dataclass(frozen=True)
class Journal:
    movements: list[Movement]  # oldest first
    currency: str
    by_method: dict[str, Decimal] = field(default_factory=dict)
    by_day: list[tuple[date, Decimal]] = field(default_factory=list)
    received: Decimal = Decimal(0)
    refunded: Decimal = Decimal(0)  # negative

    @property
    def net(self) -> Decimal:
        return self.received + self.refunded


def journal(store: ReadModelStore, config: EditionConfig, which: JournalFilter) -> Journal:
    found = store.query("SELECT * FROM journal WHERE edition_id = :edition_id",
                        {"edition_id": str(edition_id(config.slug))})
    movements = sorted((Movement.of(row, config) for row in map(JournalRow.from_mapping, found)),
                       key=lambda m: m.order)
    return summed([m for m in movements if shown(m, which)], config.currency)


def shown(movement: Movement, which: JournalFilter) -> bool:
    row = movement.row
    return ((which.method is None or row.method == which.method)
            and (which.kind is None or row.kind == which.kind)
            and (which.since is None or movement.day >= which.since)
            and (which.until is None or movement.day <= which.until))


def summed(movements: Sequence[Movement], currency: str) -> Journal:
    by_method: dict[str, Decimal] = defaultdict(Decimal)
    by_day: dict[date, Decimal] = defaultdict(Decimal)
    received = refunded = Decimal(0)
    for movement in movements:
        amount = movement.row.money
        by_method[movement.row.method] += amount
        by_day[movement.day] += amount
        if amount >= 0:
            received += amount
        else:
            refunded += amount
    return Journal(list(movements), currency, dict(sorted(by_method.items())),
                   sorted(by_day.items()), received, refunded)


def card_movements(store: ReadModelStore) -> list[CardMovement]:
    """Every card payment (by its charge) and card refund of every edition: the journal's
    side of a reconciliation with the card processor's balance, which is one account's."""
    found = store.query("SELECT * FROM journal WHERE method = 'card' ORDER BY at", {})
    movements: dict[str, CardMovement] = {}
    for row in map(JournalRow.from_mapping, found):
        source = row.reference if row.kind == "refund" else row.charge
        if not source:
            continue
        amount = Money(row.money, row.currency)
        known = movements.get(source)  # one charge paying several invoices: its rows add up
        movements[source] = (
            replace(known, amount=known.amount + amount) if known is not None
            else CardMovement(source, amount, datetime.fromisoformat(row.at), row.reference))
    return list(movements.values())


def invoice_movements(store: ReadModelStore, config: EditionConfig,
                      number: str) -> list[Movement]:
    """The payments recorded against an invoice, by the day each was received."""
    found = store.query("SELECT * FROM journal WHERE invoice = :number", {"number": number})
    return sorted((Movement.of(row, config) for row in map(JournalRow.from_mapping, found)),
                  key=lambda m: m.order)
