"""The staff dashboard (attendance per delegation, as of any date) and registration history."""

from __future__ import annotations

from typing import Any
from uuid import UUID

from flask import Blueprint, abort, render_template, request

from domain.edition import Edition
from domain.edition_config import EditionConfig
from domain.registration import Registration
from registration.web import i18n
from registration.web.api import parse_as_of
from registration.web.charts import attendance_chart
from registration.web.errors import ApiError
from registration.web.history import describe, who
from registration.web.pages import protect, services, use_edition
from registration.web.staff_session import staff_page

dashboard = protect(Blueprint("dashboard", __name__, url_prefix="/staff"))
RECENT = 12


def chosen_edition() -> tuple[EditionConfig | None, list[dict[str, Any]]]:
    documents = services().queries.edition_documents()
    slugs = [doc["slug"] for doc in documents]
    slug = request.args.get("edition")
    if slug not in slugs:
        slug = slugs[-1] if slugs else None
    config = services().editions.config(slug) if slug else None
    if config is not None:
        use_edition(config)
    return config, documents


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
        recent=recent, today=services().clock().astimezone(config.zone).date())


def registration_and_config(registration_id: str) -> tuple[Registration, EditionConfig]:
    """The registration a staff page names (404 if none), its edition speaking."""
    try:
        key = UUID(registration_id)
    except ValueError:
        abort(404)
    registration = services().registrations.get(key)
    config = services().app.load(registration.edition_id, Edition, "edition").config
    use_edition(config)
    return registration, config


@dashboard.get("/registrations/<registration_id>/history")
@staff_page()
def history(registration_id: str) -> Any:
    registration, config = registration_and_config(registration_id)
    entries = [{"event": item.event, "at": item.at, "text": describe(item, config),
                "by": who(item.actor)}
               for item in services().registrations.history(registration.id)]
    return render_template("staff/history.html", registration=registration, config=config,
                           entries=entries)
