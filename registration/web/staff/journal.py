"""Finance's journal: every movement of money of an edition, filtered by method, kind and
period, with totals by method and by day, exported as CSV or XLSX; and its reconciliation
with the card processor's balance."""

from __future__ import annotations

from typing import Any

from flask import Blueprint, Response, abort, render_template, request, url_for

from domain.reconciliation import period_bounds
from registration.adapters.spreadsheet import csv_document, xlsx_document
from registration.projections.journal_queries import Journal, JournalFilter
from registration.web.common import i18n
from registration.web.common.finance_schemas import JournalQuerySchema, PeriodSchema
from registration.web.common.forms import validate
from registration.web.common.http import services
from registration.web.common.i18n import N_
from registration.web.common.pages import protect
from registration.web.common.staff_session import staff_page
from registration.web.common.statuses import (
    METHODS,
    method_label,
    movement_label,
    recorder_label,
)
from registration.web.staff.context import chosen_edition, edition_for_staff_page

journal_pages = protect(Blueprint("journal_pages", __name__, url_prefix="/staff/finance"))
FILTERS = ("method", "kind", "from", "to")
SPREADSHEETS = {"csv": "text/csv; charset=utf-8",
                "xlsx": "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"}


def asked() -> tuple[JournalFilter, dict[str, Any]]:
    """The filters in the address; a wrong one is refused (422) in the person's language."""
    typed = {k: request.args[k] for k in FILTERS if request.args.get(k)}
    loaded, errors = validate(JournalQuerySchema(), typed)
    if errors:
        abort(422, description=" ".join(errors.values()))
    return JournalFilter(**loaded), typed


@journal_pages.get("/journal")
@staff_page("finance")
def journal() -> Any:
    config, documents = chosen_edition()
    if config is None:
        return render_template("staff/finance/journal.html", config=None)
    which, typed = asked()
    found = services().queries.journal(config, which)
    return render_template(
        "staff/finance/journal.html", config=config, documents=documents, journal=found,
        filters=typed, methods=METHODS, method_label=method_label,
        movement_label=movement_label, recorder_label=recorder_label,
        exports={extension: export_url(config.slug, extension, typed)
                 for extension in SPREADSHEETS})


def export_url(slug: str, extension: str, filters: dict[str, Any]) -> str:
    """The export's address; the filters keep their names (`kind` among them)."""
    return url_for("journal_pages.export", slug=slug, extension=extension, **filters)


@journal_pages.get("/<slug>/journal.<extension>")
@staff_page("finance")
def export(slug: str, extension: str) -> Any:
    if extension not in SPREADSHEETS:
        abort(404)
    config = edition_for_staff_page(slug)
    which, _typed = asked()
    header, rows = spreadsheet(services().queries.journal(config, which))
    document = csv_document(header, rows) if extension == "csv" else xlsx_document(
        i18n.gettext("Journal"), header, rows)
    return Response(document, mimetype=SPREADSHEETS[extension], headers={
        "Content-Disposition": f'attachment; filename="{slug}-journal.{extension}"',
        "Cache-Control": "no-store"})


def spreadsheet(found: Journal) -> tuple[list[str], list[list[Any]]]:
    _ = i18n.gettext
    header = [_("Date"), _("Time"), _("Movement"), _("Method"), _("Payer"), _("Reference"),
              _("Charge"), _("Amount"), _("Currency"), _("Invoice"), _("Places"),
              _("Recorded by"), _("Recorded at")]
    rows = [[m.day, "" if m.by_hand else m.at.strftime("%H:%M"),
             movement_label(m.row.kind), method_label(m.row.method), m.row.payer,
             m.row.reference, m.row.charge or "", m.row.money, m.row.currency,
             m.row.invoice or "", len(m.row.registration_ids), recorder_label(m.row.recorded_by),
             m.at] for m in found.movements]
    return header, rows


@journal_pages.get("/reconciliation")
@staff_page("finance")
def reconciliation() -> Any:
    """The journal's card movements against the processor's balance, for a period."""
    config, documents = chosen_edition()
    if config is None:
        return render_template("staff/finance/reconciliation.html", config=None)
    today = config.day_of(services().clock())
    typed = {"from": request.args.get("from") or today.replace(day=1).isoformat(),
             "to": request.args.get("to") or today.isoformat()}
    period, errors = validate(PeriodSchema(), typed)
    if errors:
        abort(422, description=" ".join(errors.values()))
    start, end = period_bounds(period["since"], period["until"], config.zone)
    found = services().reconciliation.reconcile(start, end)
    return render_template("staff/finance/reconciliation.html", config=config,
                           documents=documents, filters=typed, found=found,
                           difference_label=difference_label)


DIFFERENCES = {
    "not_in_journal": N_("At the processor, not in the journal"),
    "not_at_processor": N_("In the journal, not at the processor"),
    "amounts_differ": N_("Amounts differ"),
}


def difference_label(kind: str) -> str:
    return i18n.gettext(DIFFERENCES[kind])
