"""The staff dashboard (attendance per delegation, as of any date) and registration history."""

from __future__ import annotations

from typing import Any

from flask import Blueprint, render_template, request

from domain.edition_config import EditionConfig
from registration.web.common import i18n
from registration.web.common.errors import ApiError
from registration.web.common.history_text import describe, who
from registration.web.common.http import parse_as_of, services
from registration.web.common.pages import protect
from registration.web.common.staff_session import staff_page
from registration.web.staff.charts import attendance_chart
from registration.web.staff.context import chosen_edition, registration_for_page

dashboard = protect(Blueprint("dashboard", __name__, url_prefix="/staff"))
RECENT = 12


def localised(report: dict[str, Any], config: EditionConfig) -> dict[str, Any]:
    """Delegation names in the page's language."""
    language = i18n.current_language()
    names = {d.code: d.name(language) for d in config.delegations}
    for row in report["delegations"]:
        row["name"] = names.get(row["code"]) or row["code"] or i18n.gettext("No delegation")
    return report


@dashboard.get("/")
@staff_page()
def home() -> Any:
    config, documents = chosen_edition()
    if config is None:
        return render_template("staff/dashboard.html", config=None, documents=documents)
    as_of_text = request.args.get("as_of", "")
    try:
        as_of = parse_as_of(as_of_text, config)
        error = None
    except ApiError:
        as_of, error = None, i18n.gettext("Pick a date such as 2019-05-01.")
    report = localised(services().queries.attendance(config, as_of), config)
    rows = services().queries.registrations(config)
    recent = sorted(rows, key=lambda r: r.registered_at, reverse=True)[:RECENT]
    return render_template(
        "staff/dashboard.html", config=config, documents=documents, report=report,
        chart=attendance_chart(report), as_of=as_of_text if as_of else "", error=error,
        as_of_day=as_of.date() if as_of else None,
        recent=recent, today=config.day_of(services().clock()))


@dashboard.get("/registrations/<registration_id>/history")
@staff_page()
def history(registration_id: str) -> Any:
    registration = registration_for_page(registration_id)
    config = registration.edition
    entries = [{"event": item.event, "at": item.at, "text": describe(item, config),
                "by": who(item.actor)}
               for item in services().registrations.history(registration.id)]
    return render_template("staff/history.html", registration=registration, config=config,
                           entries=entries)
