"""Reads that the API and the pages share, which must show what was just written."""

from __future__ import annotations

from flask import current_app

from domain.text import text_problem
from registration.projections.ledger_queries import InvoiceView, Ledger
from registration.web.freshness import wait_for_the_log_head


def invoice_view(number: str) -> InvoiceView | None:
    """The invoice or credit note as the ledger shows it; None if there is no such document.

    A document issued a moment ago (by another request) that the ledger does not show yet
    is waited for, rather than answered 404.
    """
    if text_problem(number):  # nothing unprintable reaches the SQL
        return None
    services = current_app.extensions["services"]
    ledger = Ledger(services.read_models.store)
    view = ledger.view(number)
    if view is None and services.invoices.exists(number):
        wait_for_the_log_head()
        view = ledger.view(number)
    return view
