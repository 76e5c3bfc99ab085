"""The journal: one row per movement of money — a card payment (a group's counts once), a
payment taken at the desk, a transfer or cheque recorded against an invoice, a refund.

Money a registration receives against an invoice — a transfer or cheque shared out over the
places it bills, or a card payment of places invoices bill — is taken once, from the
invoices' records of it: a card payment that paid a supplementary invoice and the invoice
it supplements is a row under each, for what each recorded, so that the journal's totals by
invoice are the payments each invoice lists. Other card payments are taken from their places
(one row per payment). Card rows carry the charge, for the reconciliation, which adds the
rows of one charge up. Refunds are negative, and name the invoice billing the place. A
transfer or cheque is dated by the day it was received, beside the time it was recorded. Rows
are keyed so that a movement replayed, or reported twice, is written once.
"""

from __future__ import annotations

import json
from collections.abc import Sequence
from dataclasses import asdict, dataclass, fields, replace
from decimal import Decimal
from typing import Any

from domain.actor import Actor
from domain.invoice import Invoice
from domain.money import round_cents
from domain.payment_details import value_date
from domain.registration import Registration
from registration.projections.store import Cursor, ReadModelStore, upsert_statement

KINDS = ("payment", "refund")
METHODS = ("card", "card_terminal", "cash", "bank_transfer", "cheque")


@dataclass(frozen=True)
class JournalRow:
    entry: str  # "payment:<reference>", "refund:<reference>", "invoice:<number>:<reference>"
    edition_id: str
    kind: str  # one of KINDS
    method: str  # one of METHODS ("card" for a refund to the card)
    at: str  # ISO time it was recorded
    received_on: str | None  # ISO day a transfer or cheque was received: its date in the books
    payer: str  # who paid (or is paid back): the attendee, a group's first, the bill-to
    reference: str  # the PaymentIntent, refund, terminal, bank or cheque reference
    charge: str | None  # the card processor's charge id, for reconciliation
    amount: str  # signed: a refund is negative
    currency: str
    registrations: str  # JSON list of the registration ids it concerns
    invoice: str | None
    recorded_by: str  # the staff member's name, or "stripe", "attendee", "system"

    @classmethod
    def from_mapping(cls, row: Any) -> JournalRow:
        return cls(**{f.name: row[f.name] for f in fields(cls)})

    def as_dict(self) -> dict[str, Any]:
        return asdict(self)

    @property
    def money(self) -> Decimal:
        return Decimal(self.amount)

    @property
    def registration_ids(self) -> list[str]:
        return list(json.loads(self.registrations))


def recorder(actor: Actor) -> str:
    return actor.name if actor.kind == "staff" and actor.name else actor.kind


def from_registration(e: Any, edition_id: str, payer: str, invoice: str | None) -> JournalRow:
    """A card or desk payment no invoice records (see `on_the_journal`), or a refund, on one
    place; a refund names the invoice billing the place (whose paid amount it lowers in the
    ledger), so that an invoice's rows add up to what it shows as paid."""
    refund = isinstance(e, Registration.RefundIssued)
    kind = "refund" if refund else "payment"
    details = None if refund else e.details
    return JournalRow(
        entry=f"{kind}:{e.reference}", edition_id=edition_id, kind=kind,
        method=e.method, at=e.timestamp.isoformat(), received_on=None, payer=payer,
        reference=e.reference, charge=details.charge if details else None,
        amount=str(round_cents(-e.amount.amount if refund else e.amount.amount)),
        currency=e.amount.currency, registrations=json.dumps([str(e.originator_id)]),
        invoice=invoice if refund else None, recorded_by=recorder(e.actor))


def joined(row: JournalRow, other: JournalRow) -> JournalRow:
    """One movement over several places (a group's card payment): amounts and places add."""
    if other.registration_ids[0] in row.registration_ids:
        return row  # the same share again: written once
    return replace(row, amount=str(round_cents(row.money + other.money)),
                   registrations=json.dumps(row.registration_ids + other.registration_ids))


def from_invoice_payment(e: Invoice.PaymentRecorded, edition_id: str, number: str,
                         payer: str, registrations: list[str]) -> JournalRow:
    return JournalRow(
        entry=f"invoice:{number}:{e.reference}", edition_id=edition_id, kind="payment",
        method=e.method, at=e.timestamp.isoformat(),
        received_on=value_date(e.method, e.received_on), payer=payer, reference=e.reference,
        charge=e.charge, amount=str(round_cents(e.amount.amount)), currency=e.amount.currency,
        registrations=json.dumps(registrations), invoice=number, recorded_by=recorder(e.actor))


def on_the_journal(e: Any) -> bool:
    """Money that moved, and is not a place's share of a payment an invoice records (the
    invoice carries it)."""
    if isinstance(e, Registration.PaymentReceived):
        return not e.details.against_invoice
    return isinstance(e, Invoice.PaymentRecorded | Registration.RefundIssued)


class JournalProjection:
    """Applies a page of events to the journal (within the runner's transaction, after the
    registration rows and the ledger, whose names it reads)."""

    topics: tuple[type, ...] = (Registration.PaymentReceived, Registration.RefundIssued,
                                Invoice.PaymentRecorded)

    def __init__(self, store: ReadModelStore) -> None:
        self.store = store

    def apply(self, cursor: Cursor, events: Sequence[Any]) -> None:
        rows: dict[str, JournalRow] = {}
        for event in events:
            row = self._row(cursor, event)
            if row is None:
                continue
            known = rows.get(row.entry) or self._stored(cursor, row.entry)
            rows[row.entry] = joined(known, row) if known is not None else row
        self._save(cursor, list(rows.values()))

    def _row(self, cursor: Cursor, event: Any) -> JournalRow | None:
        if not on_the_journal(event):
            return None
        if isinstance(event, Invoice.PaymentRecorded):
            found = self._query(cursor, "SELECT number, edition_id, bill_to, document "
                                "FROM ledger WHERE invoice_id = :id",
                                {"id": str(event.originator_id)})
            if not found:
                return None
            lines = json.loads(found[0]["document"])["lines"]
            places = [line["registration_id"] for line in lines if line.get("registration_id")]
            return from_invoice_payment(event, found[0]["edition_id"], found[0]["number"],
                                        found[0]["bill_to"], places)
        found = self._query(cursor, "SELECT edition_id, first_name, last_name, organisation "
                            "FROM registrations WHERE registration_id = :id",
                            {"id": str(event.originator_id)})
        if not found:
            return None
        person = found[0]
        payer = f"{person['first_name']} {person['last_name']}"
        if person["organisation"]:
            payer += f" ({person['organisation']})"
        billed = self._query(cursor, "SELECT number FROM ledger_links WHERE registration_id = :id",
                             {"id": str(event.originator_id)})
        return from_registration(event, person["edition_id"], payer,
                                 billed[0]["number"] if billed else None)

    def _stored(self, cursor: Cursor, entry: str) -> JournalRow | None:
        found = self._query(cursor, "SELECT * FROM journal WHERE entry = :entry",
                            {"entry": entry})
        return JournalRow.from_mapping(found[0]) if found else None

    def _query(self, cursor: Cursor, sql: str, params: dict[str, Any]) -> list[Any]:
        return list(self.store.execute(cursor, sql, params, fetch=True))

    def _save(self, cursor: Cursor, rows: list[JournalRow]) -> None:
        statement = upsert_statement("journal", [f.name for f in fields(JournalRow)])
        self.store.execute_many(cursor, statement, (row.as_dict() for row in rows))
