"""Reads of the ledger that the API and the pages share, which must show what was just
written; and an invoice's PDF."""

from __future__ import annotations

from flask import Response

from domain.text import text_problem
from registration.adapters.invoice_document import render_invoice
from registration.projections.ledger_queries import InvoiceView, Ledger
from registration.web.common.freshness import wait_for_the_log_head
from registration.web.common.http import services


def ledger() -> Ledger:
    return Ledger(services().read_models.store)


def invoice_view(number: str) -> InvoiceView | None:
    """The invoice or credit note as the ledger shows it; None if there is no such document.

    A document issued a moment ago (by another request) that the ledger does not show yet
    is waited for, rather than answered 404.
    """
    if text_problem(number):  # nothing unprintable reaches the SQL
        return None
    view = ledger().view(number)
    if view is None and services().invoices.exists(number):
        wait_for_the_log_head()
        view = ledger().view(number)
    return view


def invoice_pdf(view: InvoiceView) -> Response:
    """The document as a PDF, in its bill-to's language."""
    number = view.document["number"]
    return Response(render_invoice(services().documents, view), mimetype="application/pdf",
                    headers={"Content-Disposition": f'inline; filename="{number}.pdf"'})
