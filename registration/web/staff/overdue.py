"""Finance's overdue invoices: unpaid after their due date, longest overdue first, with the
balance still due; as a page and as CSV. Reminders go out with `flask mail remind-unpaid`."""

from __future__ import annotations

from decimal import Decimal
from typing import Any

from flask import Blueprint, Response, render_template, url_for

from domain.money import Money
from registration.adapters.spreadsheet import csv_document
from registration.services.reminders import OverdueInvoice
from registration.web.common.http import services
from registration.web.common.pages import protect
from registration.web.common.staff_session import staff_page
from registration.web.staff.context import chosen_edition, edition_for_staff_page

overdue_pages = protect(Blueprint("overdue_pages", __name__, url_prefix="/staff/finance"))
CSV_HEADER = ["number", "bill_to", "delegation", "issue_date", "due_date", "days_overdue",
              "currency", "total", "paid", "balance"]


def overdue_of(slug: str) -> list[OverdueInvoice]:
    config = services().editions.config(slug)
    return services().reminders.overdue(slug, config.day_of(services().clock()))


@overdue_pages.get("/overdue")
@staff_page("finance")
def overdue() -> Any:
    config, documents = chosen_edition()
    if config is None:
        return render_template("staff/finance/overdue.html", config=None)
    found = overdue_of(config.slug)
    due = sum((Decimal(o.row.balance) for o in found), Decimal(0))
    return render_template(
        "staff/finance/overdue.html", config=config, documents=documents, found=found,
        total=Money(due, config.currency),
        csv_url=url_for("overdue_pages.export", slug=config.slug))


@overdue_pages.get("/<slug>/overdue.csv")
@staff_page("finance")
def export(slug: str) -> Any:
    edition_for_staff_page(slug)
    rows = [[o.row.number, o.row.bill_to, o.row.delegation or "", o.row.issued_on,
             o.row.due_on, o.days, o.row.currency, o.row.total, o.row.paid, o.row.balance]
            for o in overdue_of(slug)]
    return Response(csv_document(CSV_HEADER, rows), mimetype="text/csv; charset=utf-8",
                    headers={"Content-Disposition": f'attachment; filename="{slug}-overdue.csv"'})
