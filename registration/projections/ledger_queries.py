"""Reads of the finance ledger: one document, an edition's documents, and its CSV export."""

from __future__ import annotations

import json
from collections.abc import Iterable
from dataclasses import dataclass
from decimal import Decimal
from typing import Any

from domain.invoice_lines import cancels_whole, lines_total
from domain.money import Money
from registration.adapters.spreadsheet import csv_document
from registration.projections.ledger import LedgerRow
from registration.projections.store import ReadModelStore

STATUSES = ("unpaid", "partially_paid", "paid", "overpaid", "cancelled", "credit_note")


@dataclass(frozen=True)
class InvoiceView:
    """An issued document with where its money stands: what templates and JSON are made from."""

    document: dict[str, Any]
    paid: Decimal
    credited: Decimal
    balance: Decimal
    status: str
    credit_notes: tuple[str, ...] = ()

    @classmethod
    def from_row(cls, row: LedgerRow, credit_notes: tuple[str, ...] = ()) -> InvoiceView:
        return cls(document=json.loads(row.document), paid=row.amount("paid"),
                   credited=row.amount("credited"), balance=row.amount("balance"),
                   status=row.status, credit_notes=credit_notes)

    @property
    def total(self) -> Money:
        return lines_total(self.document["lines"], "total", self.document["currency"])

    def bills(self, registration_id: str) -> bool:
        return any(line.get("registration_id") == registration_id
                   for line in self.document["lines"])


class Ledger:
    def __init__(self, store: ReadModelStore) -> None:
        self.store = store

    def view(self, number: str) -> InvoiceView | None:
        found = self.store.query("SELECT * FROM ledger WHERE number = :number",
                                 {"number": number})
        if not found:
            return None
        notes = self.store.query(
            "SELECT number FROM ledger WHERE refers_to_number = :number "
            "AND kind = 'credit_note' ORDER BY issued_at",
            {"number": number})
        return InvoiceView.from_row(LedgerRow.from_mapping(found[0]),
                                    tuple(n["number"] for n in notes))

    def cancels_whole(self, note: InvoiceView) -> bool:
        """Whether a credit note cancels the whole document it refers to (domain rule), or
        only credits part of it."""
        referred = self.view(note.document["refers_to_number"])
        return referred is not None and cancels_whole(note.total, referred.total)

    def billing(self, registration_id: str, invoices: Iterable[str]) -> list[InvoiceView]:
        """The `invoices` that billed a place, oldest first, each followed by its credit notes
        crediting that place; a document the ledger does not show yet is left out."""
        found: list[InvoiceView] = []
        for number in invoices:
            view = self.view(number)
            if view is None:
                continue
            found.append(view)
            notes = (self.view(n) for n in view.credit_notes)
            found.extend(note for note in notes if note is not None and note.bills(registration_id))
        return found

    def rows(
        self, edition_id: str, *, delegation: str | None = None, status: str | None = None,
        unpaid: bool = False,
    ) -> list[LedgerRow]:
        conditions, params = ["edition_id = :edition_id"], {"edition_id": edition_id}
        if delegation:
            conditions.append("delegation = :delegation")
            params["delegation"] = delegation
        if status:
            conditions.append("status = :status")
            params["status"] = status
        if unpaid:
            conditions.append("status IN ('unpaid', 'partially_paid')")
        rows = self.store.query(
            f"SELECT * FROM ledger WHERE {' AND '.join(conditions)} ORDER BY issued_at, number",
            params)
        return [LedgerRow.from_mapping(r) for r in rows]


CSV_HEAD = ["number", "type", "refers_to", "issue_date", "due_date", "bill_to", "delegation",
            "po_number", "currency", "subtotal"]
CSV_TAIL = ["total", "paid", "balance", "status"]


def tax_columns(rows: list[LedgerRow]) -> list[tuple[str, str]]:
    """(code, rate) of every tax in the rows, in first-seen order: one column each."""
    seen: dict[tuple[str, str], None] = {}
    for row in rows:
        for tax in json.loads(row.taxes):
            seen[(tax["code"], tax["rate"])] = None
    return list(seen)


def ledger_csv(rows: list[LedgerRow]) -> bytes:
    """One row per document, each tax (and rate) in its own column, amounts as plain numbers
    (`-395.00`); the file for spreadsheets (see registration.adapters.spreadsheet)."""
    columns = tax_columns(rows)
    header = [*CSV_HEAD, *(f"{code} {rate}%" for code, rate in columns), *CSV_TAIL]
    lines = []
    for row in rows:
        taxes = {(t["code"], t["rate"]): t["amount"] for t in json.loads(row.taxes)}
        lines.append([
            row.number, row.kind, row.refers_to_number or "", row.issued_on, row.due_on,
            row.bill_to, row.delegation or "", row.po_number or "", row.currency, row.subtotal,
            *(taxes.get(column, "0.00") for column in columns),
            row.total, row.paid, row.balance, row.status,
        ])
    return csv_document(header, lines)
