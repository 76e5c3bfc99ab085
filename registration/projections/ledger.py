"""The finance ledger: a row per invoice and credit note, with what was paid and credited.

An invoice's balance follows every way money arrives: payments finance records against it,
card payments on the registrations it bills (found through `ledger_links`), refunds, and the
credit notes that refer to it. The reducers are pure; `LedgerProjection` applies them to a
page of events inside the runner's transaction.
"""

from __future__ import annotations

import json
from collections.abc import Iterable, Sequence
from dataclasses import asdict, dataclass, fields, replace
from decimal import Decimal
from typing import Any

from domain.invoice import Invoice
from domain.invoice_lines import lines_total, summed_taxes
from domain.money import Money, round_cents
from domain.registration import Registration
from registration.projections.store import Cursor, ReadModelStore, upsert_statement

LEDGER_TABLES = ("ledger", "ledger_links")


@dataclass(frozen=True)
class LedgerRow:
    number: str
    invoice_id: str
    edition_id: str
    kind: str
    refers_to_number: str | None
    issued_on: str
    due_on: str
    issued_at: str
    bill_to: str
    delegation: str | None
    po_number: str | None
    currency: str
    subtotal: str
    taxes: str  # JSON: [{"code", "rate", "amount"}], one per tax and rate
    total: str
    paid: str
    credited: str
    balance: str
    status: str
    document: str  # JSON: the document as issued

    @classmethod
    def from_mapping(cls, row: Any) -> LedgerRow:
        return cls(**{f.name: row[f.name] for f in fields(cls)})

    def as_dict(self) -> dict[str, Any]:
        return asdict(self)

    def amount(self, name: str) -> Decimal:
        return Decimal(getattr(self, name))


def settled(row: LedgerRow, *, paid: Decimal | None = None,
            credited: Decimal | None = None) -> LedgerRow:
    """The row with new paid/credited figures, its balance and status following."""
    paid = row.amount("paid") if paid is None else paid
    credited = row.amount("credited") if credited is None else credited
    total = row.amount("total")
    balance = total + credited - paid
    if row.kind == "credit_note":  # what it credits shows in its invoice's balance
        status, balance = "credit_note", Decimal(0)
    elif total + credited <= 0 and paid == 0:
        status = "cancelled"
    elif balance <= 0:
        status = "paid" if balance == 0 else "overpaid"
    else:
        status = "partially_paid" if paid > 0 else "unpaid"
    return replace(row, paid=str(round_cents(paid)), credited=str(round_cents(credited)),
                   balance=str(round_cents(balance)), status=status)


def on_issued(e: Invoice.Issued) -> LedgerRow:
    currency = e.currency
    lines = [line.to_dict() for line in e.lines]
    taxes = [{"code": t.code, "rate": str(t.rate), "amount": str(t.amount.amount)}
             for t in summed_taxes(lines)]
    document = {"number": e.number, "kind": e.kind, "refers_to_number": e.refers_to_number,
                "edition_id": str(e.edition_id), "edition": e.edition.to_dict(),
                "issuer": e.issuer.to_dict(), "bill_to": e.bill_to.to_dict(), "lines": lines,
                "currency": currency,
                "languages": e.languages, "issued_on": e.issued_on, "due_on": e.due_on,
                "po_number": e.po_number, "delegation": e.delegation, "reason": e.reason,
                "paid_by": e.paid_by, "paid_with": e.paid_with}
    row = LedgerRow(
        number=e.number, invoice_id=str(e.originator_id), edition_id=str(e.edition_id),
        kind=e.kind,
        refers_to_number=e.refers_to_number, issued_on=e.issued_on, due_on=e.due_on,
        issued_at=e.timestamp.isoformat(), bill_to=e.bill_to.name, delegation=e.delegation,
        po_number=e.po_number, currency=currency,
        subtotal=str(lines_total(lines, "amount", currency).amount), taxes=json.dumps(taxes),
        total=str(lines_total(lines, "total", currency).amount), paid="0", credited="0",
        balance="0", status="", document=json.dumps(document, default=str),
    )
    return settled(row, paid=lines_total(lines, "prepaid", currency).amount)


def with_payment(row: LedgerRow, amount: Money) -> LedgerRow:
    return settled(row, paid=row.amount("paid") + amount.amount)


def with_credit(row: LedgerRow, e: Invoice.Credited) -> LedgerRow:
    return settled(row, credited=row.amount("credited") + e.amount.amount)


def paid_by_card(e: Registration.PaymentReceived) -> bool:
    """Money on a registration that no invoice payment already counted."""
    return not e.details.against_invoice


TOPICS: tuple[type, ...] = (Invoice.Issued, Invoice.PaymentRecorded, Invoice.Credited,
          Registration.Invoiced, Registration.InvoiceCancelled,
          Registration.PaymentReceived, Registration.RefundIssued)


class LedgerProjection:
    """Applies a page of events to the ledger tables (within the runner's transaction)."""

    topics = TOPICS

    def __init__(self, store: ReadModelStore) -> None:
        self.store = store

    def apply(self, cursor: Cursor, events: Sequence[Any]) -> None:
        rows: dict[str, LedgerRow] = {}
        for event in events:
            if isinstance(event, Invoice.Issued):
                rows[event.number] = on_issued(event)
            elif isinstance(event, Invoice.PaymentRecorded | Invoice.Credited):
                row = self._by_invoice_id(cursor, event.originator_id, rows)
                if row is not None:
                    rows[row.number] = (with_credit(row, event)
                                    if isinstance(event, Invoice.Credited)
                                    else with_payment(row, event.amount))
            elif isinstance(event, Registration.Invoiced | Registration.InvoiceCancelled):
                self._link(cursor, event)
            elif isinstance(event, Registration.RefundIssued) or (
                    isinstance(event, Registration.PaymentReceived) and paid_by_card(event)):
                self._registration_money(cursor, event, rows)
        self._save(cursor, rows.values())

    def _registration_money(self, cursor: Cursor, event: Any, rows: dict[str, LedgerRow]) -> None:
        found = self.store.execute(
            cursor, "SELECT number FROM ledger_links WHERE registration_id = :id",
            {"id": str(event.originator_id)}, fetch=True)
        row = self._row(cursor, found[0]["number"], rows) if found else None
        if row is None:
            return
        amount = event.amount.amount
        sign = -1 if isinstance(event, Registration.RefundIssued) else 1
        rows[row.number] = settled(row, paid=row.amount("paid") + sign * amount)

    def _link(self, cursor: Cursor, event: Any) -> None:
        params = {"id": str(event.originator_id), "number": event.invoice_number}
        if isinstance(event, Registration.Invoiced):
            self.store.execute(cursor, (
                "INSERT INTO ledger_links (registration_id, number) VALUES (:id, :number) "
                "ON CONFLICT (registration_id) DO UPDATE SET number = excluded.number"), params)
        else:
            self.store.execute(cursor, "DELETE FROM ledger_links WHERE registration_id = :id "
                               "AND number = :number", params)

    def _by_invoice_id(self, cursor: Cursor, invoice_id: Any,
                       rows: dict[str, LedgerRow]) -> LedgerRow | None:
        key = str(invoice_id)
        for row in rows.values():
            if row.invoice_id == key:
                return row
        found = self.store.execute(cursor, "SELECT * FROM ledger WHERE invoice_id = :id",
                                   {"id": key}, fetch=True)
        return LedgerRow.from_mapping(found[0]) if found else None

    def _row(self, cursor: Cursor, number: str, rows: dict[str, LedgerRow]) -> LedgerRow | None:
        if number in rows:
            return rows[number]
        found = self.store.execute(cursor, "SELECT * FROM ledger WHERE number = :number",
                                   {"number": number}, fetch=True)
        return LedgerRow.from_mapping(found[0]) if found else None

    def _save(self, cursor: Cursor, rows: Iterable[LedgerRow]) -> None:
        statement = upsert_statement("ledger", [f.name for f in fields(LedgerRow)])
        self.store.execute_many(cursor, statement, (row.as_dict() for row in rows))
