"""The finance API: invoices and credit notes, payments against them, and the ledger."""

from __future__ import annotations

import json
from typing import Any
from uuid import UUID

from flask import Blueprint, Response, request

from domain.identifiers import edition_id
from domain.invoice_lines import lines_total, summed_taxes
from domain.money import Money
from domain.outcome import Outcome
from registration.projections.ledger import LedgerRow
from registration.projections.ledger_queries import InvoiceView, ledger_csv
from registration.services.invoices import InvoiceRef
from registration.web.api.access import require_holder_or_finance
from registration.web.common.auth import holder_or_staff, staff_required
from registration.web.common.errors import ApiError
from registration.web.common.finance_schemas import (
    BillToSchema,
    InvoiceCancellationSchema,
    InvoicePaymentSchema,
    InvoiceRequestSchema,
    LedgerQuerySchema,
    SelfInvoiceRequestSchema,
)
from registration.web.common.http import body, parse_id, services
from registration.web.common.idempotency import claim, replays
from registration.web.common.lookups import invoice_pdf, ledger
from registration.web.common.lookups import invoice_view as known_invoice
from registration.web.common.ratelimit import budget
from registration.web.common.schemas import load_json

finance = Blueprint("finance", __name__, url_prefix="/api")
FINANCE = ("finance",)  # admins too (staff_required lets them in everywhere)


def invoice_view(number: str) -> InvoiceView:
    view = known_invoice(number)
    if view is None:
        raise ApiError(404, f"There is no invoice {number}.")
    return view


def created(number: str) -> Any:
    view = invoice_view(number)
    return invoice_json(view), 201, {"Location": f"/api/invoices/{number}"}


def document_outcome(invoice: InvoiceRef) -> Outcome:
    return Outcome("invoice", (invoice.number,))


def created_again(outcome: Outcome) -> Any:
    return created(outcome.ids[0])


def invoice_again(outcome: Outcome) -> Any:
    return invoice_json(invoice_view(outcome.ids[0]))


@finance.post("/editions/<slug>/invoices")
@staff_required(*FINANCE)
@replays(created_again)
def issue(slug: str) -> Any:
    """Issue an invoice billing registrations of the edition (one, or a delegation's).

    The invoice takes the next number of the edition's series in the same save; each place it
    bills becomes `invoiced`. Taxes follow the earlier of payment and due date.
    ---
    requestBody: {required: true, content: {application/json: {schema: InvoiceRequestSchema}}}
    responses:
      201:
        description: "The invoice, as for GET /api/invoices/{number}."
        content: {application/json: {schema: Invoice}}
        x-links: {number: $response.body#/number}
      409: {description: "A registration is cancelled or already billed by a live invoice."}
    """
    payload = body()
    data = load_json(InvoiceRequestSchema(), payload)
    bill_to = BillToSchema().load_bill_to(payload["bill_to"])
    invoice = services().invoices.issue(slug, data["registrations"], bill_to, data["po_number"],
                                        idempotency=claim(document_outcome))
    return created(invoice.number)


@finance.post("/registrations/<registration_id>/invoice")
@holder_or_staff("finance")
@budget("payments")
@replays(created_again)
def request_invoice(registration_id: str) -> Any:
    """Ask for an invoice for one's own registration, instead of paying by card.

    Without a `bill_to`, the invoice is addressed to the attendee's organisation, in their
    language.
    ---
    requestBody: {content: {application/json: {schema: SelfInvoiceRequestSchema}}}
    responses:
      201:
        description: "The invoice, as for GET /api/invoices/{number}."
        content: {application/json: {schema: Invoice}}
        x-links: {number: $response.body#/number}
      409: {description: "The registration is cancelled, already billed or already paid."}
    """
    key = parse_id(registration_id)
    require_holder_or_finance([key])
    payload = request.get_json(silent=True) or {}
    data = load_json(SelfInvoiceRequestSchema(), payload)
    bill_to = BillToSchema().load_bill_to(payload["bill_to"]) if data["bill_to"] else None
    invoice = services().invoices.issue_for_holder(key, bill_to, data["po_number"],
                                                   idempotency=claim(document_outcome))
    return created(invoice.number)


@finance.get("/invoices/<number>")
@holder_or_staff("finance")
def show(number: str) -> Any:
    """Show an invoice or credit note: bill-to, lines, taxes, totals, paid and balance due.
    ---
    responses:
      200: {description: "The document, with `status`, `paid`, `balance_due`, `credit_notes`.",
            content: {application/json: {schema: Invoice}}}
    """
    view = invoice_view(number)
    require_holder_or_finance(billed_registrations(view))
    return invoice_json(view)


@finance.get("/invoices/<number>.pdf")
@holder_or_staff("finance")
def pdf(number: str) -> Any:
    """The invoice or credit note as a PDF, in the bill-to's language.
    ---
    responses:
      200: {description: The PDF document., content: {application/pdf: {}}}
    """
    view = invoice_view(number)
    require_holder_or_finance(billed_registrations(view))
    return invoice_pdf(view)


@finance.post("/invoices/<number>/payments")
@staff_required(*FINANCE)
@replays(invoice_again)
def record_payment(number: str) -> Any:
    """Record a bank transfer or cheque against an invoice (a reference once per invoice).
    ---
    requestBody: {required: true, content: {application/json: {schema: InvoicePaymentSchema}}}
    responses:
      200:
        description: "The invoice with its new balance."
        content: {application/json: {schema: Invoice}}
      409: {description: "The document is a credit note, the reference is already recorded
            on it, or the amount is more than what is due (send `overpayment: true`)."}
    """
    data = load_json(InvoicePaymentSchema(), body())
    amount = Money(data["amount"], services().invoices.currency(number))
    services().invoices.record_payment(number, amount, data["method"], data["reference"],
                                       data["received_on"], idempotency=claim(document_outcome),
                                       overpayment=data["overpayment"])
    return invoice_json(invoice_view(number))


@finance.post("/invoices/<number>/cancellation")
@staff_required(*FINANCE)
@replays(created_again)
def cancel(number: str) -> Any:
    """Cancel what an invoice still bills: a credit note, with its own number, refers to it.

    The places it billed may be billed again.
    ---
    requestBody: {content: {application/json: {schema: InvoiceCancellationSchema}}}
    responses:
      201:
        description: "The credit note, as for GET /api/invoices/{number}."
        content: {application/json: {schema: Invoice}}
        x-links: {number: $response.body#/number}
      409: {description: "Nothing is left to credit, or the document is a credit note."}
    """
    data = load_json(InvoiceCancellationSchema(), request.get_json(silent=True) or {})
    note = services().invoices.cancel(number, data["reason"] or None,
                                      idempotency=claim(document_outcome))
    return created(note.number)


@finance.get("/editions/<slug>/invoices")
@staff_required(*FINANCE)
def list_invoices(slug: str) -> Any:
    """The edition's ledger: every invoice and credit note, oldest first.
    ---
    parameters: [{in: query, schema: LedgerQuerySchema}]
    responses:
      200: {description: "`invoices`: one row per document with its totals and status.",
            content: {application/json: {schema: Ledger}}}
    """
    rows = ledger_rows(slug)
    return {"edition": slug, "invoices": [row_json(row) for row in rows]}


@finance.get("/editions/<slug>/invoices.csv")
@staff_required(*FINANCE)
def export_csv(slug: str) -> Any:
    """The ledger as CSV for the accountant: one row per document, one column per tax.
    ---
    parameters: [{in: query, schema: LedgerQuerySchema}]
    responses:
      200: {description: The CSV file., content: {text/csv: {}}}
    """
    return Response(ledger_csv(ledger_rows(slug)), mimetype="text/csv", headers={
        "Content-Disposition": f'attachment; filename="{slug}-ledger.csv"'})


def ledger_rows(slug: str) -> list[LedgerRow]:
    services().editions.config(slug)  # 404 for an unknown edition
    filters = load_json(LedgerQuerySchema(), request.args.to_dict())
    return ledger().rows(str(edition_id(slug)), **filters)


def billed_registrations(view: InvoiceView) -> list[UUID]:
    return [UUID(line["registration_id"]) for line in view.document["lines"]]


def row_json(row: LedgerRow) -> dict[str, Any]:
    data = row.as_dict()
    del data["document"], data["invoice_id"], data["edition_id"]
    data["taxes"] = json.loads(row.taxes)
    return data


def invoice_json(view: InvoiceView) -> dict[str, Any]:
    doc = view.document
    currency = doc["currency"]
    return {
        **{k: doc[k] for k in ("number", "kind", "refers_to_number", "currency", "languages",
                               "issued_on", "due_on", "po_number", "delegation", "reason",
                               "issuer", "bill_to")},
        "edition": doc["edition"]["slug"], "paid_by": doc.get("paid_by"),
        "lines": doc["lines"],
        "subtotal": str(lines_total(doc["lines"], "amount", currency).amount),
        "taxes": [{"code": t.code, "names": t.names, "rate": str(t.rate),
                   "base": str(t.base.amount), "amount": str(t.amount.amount),
                   "registration_number": t.registration_number}
                  for t in summed_taxes(doc["lines"])],
        "total": str(lines_total(doc["lines"], "total", currency).amount),
        "status": view.status, "paid": str(view.paid), "credited": str(view.credited),
        "balance_due": str(view.balance), "credit_notes": list(view.credit_notes),
        "pdf": f"/api/invoices/{doc['number']}.pdf",
    }
