"""The desk's lists for the day: attendees per delegation or type as CSV or XLSX, and
sign-in sheets as a PDF (a page per delegation, a signature column), in reading order."""

from __future__ import annotations

import json
from itertools import groupby
from typing import Any

from flask import Blueprint, Response, abort, render_template, request

from domain.edition_config import EditionConfig
from domain.errors import DomainError
from registration.adapters.spreadsheet import csv_document, xlsx_document
from registration.projections.attendance import NO_DELEGATION, RegistrationRow
from registration.projections.desk import BadgeFilter
from registration.services.desk import AttendeeList
from registration.web.common import i18n
from registration.web.common.answers import answer_texts
from registration.web.common.extras import bought_extras
from registration.web.common.http import pdf_response, services
from registration.web.common.pages import display_name, protect
from registration.web.common.staff_session import staff_page
from registration.web.common.statuses import status_label
from registration.web.staff.context import edition_for_staff_page

desk_lists = protect(Blueprint("desk_lists", __name__, url_prefix="/staff/desk"))
FORMATS = ("csv", "xlsx", "pdf")
SPREADSHEET_TYPES = {"csv": "text/csv; charset=utf-8",
                     "xlsx": "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"}


@desk_lists.get("/<slug>/lists")
@staff_page("desk")
def lists(slug: str) -> Any:
    config = edition_for_staff_page(slug)
    return render_template("staff/desk/lists.html", config=config)


@desk_lists.get("/<slug>/lists/attendees")
@staff_page("desk")
def attendees(slug: str) -> Any:
    config = edition_for_staff_page(slug)
    kind = request.args.get("format", "csv")
    if kind not in FORMATS:
        abort(422, description=i18n.gettext("Choose CSV, XLSX or PDF."))
    which = BadgeFilter(known(config, "delegation"), known(config, "registration_type"))
    listed = services().desk.attendee_list(slug, which, i18n.current_language())
    if not listed.rows:
        return render_template("staff/desk/lists.html", config=config, nobody=True), 404
    name = "-".join(["attendees", slug, which.delegation or which.registration_type or "all"])
    if kind == "pdf":
        return pdf_response(sign_in_sheets(listed), name.replace("attendees", "sign-in"))
    header, rows = spreadsheet(listed)
    document = csv_document(header, rows) if kind == "csv" else xlsx_document(
        config.name(i18n.current_language()), header, rows)
    return Response(document, mimetype=SPREADSHEET_TYPES[kind], headers={
        "Content-Disposition": f'attachment; filename="{name}.{kind}"',
        "Cache-Control": "no-store"})


def known(config: EditionConfig, field: str) -> str | None:
    """The delegation or type the list asks for (None: all); an unknown one is refused."""
    code = request.args.get(field) or None
    if code is None:
        return None
    try:
        if field == "delegation":
            return config.delegation(code).code
        return config.registration_type(code).code
    except DomainError:
        abort(422, description=i18n.gettext("There is no such delegation or registration type."))


def delegation_of(config: EditionConfig, row: RegistrationRow) -> str:
    if row.delegation == NO_DELEGATION:
        return i18n.gettext("No delegation")
    return display_name(config, "delegation", row.delegation)


def spreadsheet(listed: AttendeeList) -> tuple[list[str], list[list[Any]]]:
    """A row per person; a column per question of the edition (blank where not asked), and
    one per add-on: how many the person bought (blank: none)."""
    config, _, language = listed.config, i18n.gettext, i18n.current_language()
    header = [_("Last name"), _("First name"), _("Organisation"), _("Delegation"),
              _("Registration type"), _("E-mail"), _("Language"), _("Status"),
              _("Checked in"), _("Badges printed"),
              *(q.label(language) for q in config.questions),
              *(e.name(language) for e in config.extras)]
    rows = [[r.last_name, r.first_name, r.organisation, delegation_of(config, r),
             display_name(config, "type", r.registration_type), r.email, r.language,
             status_label(r.status), _("Yes") if r.checked_in_at else _("No"), r.badge_prints,
             *answer_cells(config, r, language), *extra_cells(config, r)]
            for r in listed.rows]
    return header, rows


def answer_cells(config: EditionConfig, row: RegistrationRow, language: str) -> list[str]:
    return answer_texts(config.questions, json.loads(row.answers), language)


def extra_cells(config: EditionConfig, row: RegistrationRow) -> list[int | str]:
    bought = bought_extras(row)
    return [bought.get(e.code) or "" for e in config.extras]


def sign_in_sheets(listed: AttendeeList) -> bytes:
    config, language = listed.config, i18n.current_language()
    groups = [{"name": delegation_of(config, rows[0]), "rows": rows}
              for rows in (list(g) for _, g in groupby(listed.rows, key=lambda r: r.delegation))]
    return services().documents.pdf("documents/sign_in_sheet.html", {
        "language": language, "edition_name": config.name(language), "groups": groups,
        "printed_on": i18n.day(services().clock(), zone=config.zone),
        "type_name": lambda code: display_name(config, "type", code),
        "_": i18n.gettext, "ngettext": i18n.ngettext,
    }, ["documents/sign_in_sheet.css"])
