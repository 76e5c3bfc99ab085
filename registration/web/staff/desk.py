"""Registration desk pages: find an attendee, their card, badges (the scanning screens are
in desk_scans, the kiosk in kiosk).

Everything goes through `DeskService`; the search answers the same page's fragment to the
small script that searches as one types, and the whole page without it.
"""

from __future__ import annotations

from typing import Any

from flask import Blueprint, redirect, render_template, request, url_for

from domain.actor import current_actor
from domain.edition_config import EditionConfig
from domain.errors import (
    NothingToPrint,
)
from registration.adapters.batch_store import Batch
from registration.projections.desk import BadgeFilter
from registration.services.badge_batches import (
    NOTHING_LEFT,
    RENDER_FAILED,
    WORKER_LOST,
    BatchNotReady,
)
from registration.web.common import i18n
from registration.web.common.answers import readable_answers
from registration.web.common.desk_schemas import AttendeeQuerySchema
from registration.web.common.forms import validate
from registration.web.common.http import pdf_response, services
from registration.web.common.i18n import N_
from registration.web.common.pages import (
    display_name,
    protect,
    registration_key,
)
from registration.web.common.staff_session import signed_in_staff, staff_page
from registration.web.staff.context import (
    chosen_edition,
    edition_for_staff_page,
    registration_for_page,
)
from registration.web.staff.desk_scan_history import scans_by_list

desk_pages = protect(Blueprint("desk_pages", __name__, url_prefix="/staff/desk"))


def staff_name() -> str:
    member = signed_in_staff()
    assert member is not None  # staff_page ran first
    return member.name


def names(config: EditionConfig) -> dict[str, Any]:
    """Template helpers: a type's or delegation's name in the page's language, and the
    answers the desk is shown."""
    return {"type_name": lambda code: display_name(config, "type", code),
            "delegation_name": lambda code: display_name(config, "delegation", code)
            if code else "—",
            "desk_answers": lambda registration: readable_answers(
                config, registration.registration_type, registration.answers,
                i18n.current_language(), desk=True),
            "open_person": lambda registration_id: url_for(
                "desk_pages.card", registration_id=registration_id)}


@desk_pages.get("/")
@staff_page("desk")
def search() -> Any:
    config, documents = chosen_edition()
    searched, errors = validate(AttendeeQuerySchema(), {"q": request.args.get("q", "")[:200]})
    query = "" if errors else searched["q"]
    if config is None:
        return render_template("staff/desk/search.html", config=None, query=query)
    found = services().desk.attendees(config.slug, query) if query else []
    template = "staff/desk/_results.html" if request.args.get("partial") else \
        "staff/desk/search.html"
    return render_template(template, config=config, documents=documents, query=query,
                           found=found, error=errors.get("q"), **names(config)), \
        422 if errors else 200


@desk_pages.get("/attendees/<registration_id>")
@staff_page("desk")
def card(registration_id: str) -> Any:
    registration = registration_for_page(registration_id)
    config = registration.edition
    scans = scans_by_list(services().registrations.history(registration.id), config)
    return render_template("staff/desk/card.html", registration=registration, config=config,
                           notice=request.args.get("done"), scans=scans, **names(config))


@desk_pages.get("/attendees/<registration_id>/badge.pdf")
@staff_page("desk")
def badge(registration_id: str) -> Any:
    registration = registration_for_page(registration_id)
    document = services().desk.badge(registration.id, staff_name())
    return pdf_response(document, f"badge-{registration.attendee.last_name}")


@desk_pages.post("/attendees/<registration_id>/check-in")
@staff_page("desk")
def check_in_attendee(registration_id: str) -> Any:
    key = registration_key(registration_id)
    services().desk.check_in_registration(key, staff_name())
    return redirect(url_for("desk_pages.card", registration_id=key, done="checked_in"))


@desk_pages.get("/<slug>/badges")
@staff_page("desk")
def badges(slug: str) -> Any:
    config = edition_for_staff_page(slug)
    return render_template("staff/desk/badges.html", config=config, chosen=BadgeFilter(),
                           error=None, **names(config))


def badge_filter(config: EditionConfig, form: Any) -> BadgeFilter:
    """The batch form's filters; a code not of this edition is refused (422) when used."""
    def chosen(name: str) -> str | None:
        return str(form.get(name, ""))[:50].strip() or None

    return BadgeFilter(chosen("delegation"), chosen("registration_type"),
                       bool(form.get("not_printed")), bool(form.get("only_paid")))


@desk_pages.post("/<slug>/badge-batches")
@staff_page("desk")
def queue_badges(slug: str) -> Any:
    """Queue the batch for a render worker and show its page (which follows its progress)."""
    config = edition_for_staff_page(slug)
    which = badge_filter(config, request.form)
    try:
        batch = services().batches.queue_batch(config.slug, which, None, current_actor())
    except NothingToPrint:
        return render_template("staff/desk/badges.html", config=config, chosen=which,
                               error=i18n.gettext("No badge to print with these filters: "
                                                  "every badge they select is already "
                                                  "printed, or nobody matches them."),
                               **names(config)), 422
    return redirect(url_for("desk_pages.badge_batch", batch_id=batch.id), 303)


def batch_for_page(batch_id: str) -> tuple[Batch, EditionConfig]:
    batch = services().batches.get(batch_id[:64])
    return batch, edition_for_staff_page(batch.edition)


@desk_pages.get("/badge-batches/<batch_id>")
@staff_page("desk")
def badge_batch(batch_id: str) -> Any:
    batch, config = batch_for_page(batch_id)
    return render_template("staff/desk/batch.html", batch=batch, config=config,
                           view=batch_view(batch), **names(config))


@desk_pages.get("/badge-batches/<batch_id>/status")
@staff_page("desk")
def badge_batch_status(batch_id: str) -> Any:
    """What the batch page's script polls: the batch and its sentence, in the page's language."""
    batch, _ = batch_for_page(batch_id)
    view = batch_view(batch)
    return {"id": batch.id, "status": batch.status, "done": batch.done, "total": batch.total,
            "running": batch.running, "label": view["label"],
            "download": url_for("desk_pages.badge_batch_pdf", batch_id=batch.id)
            if batch.status == "done" else None}


@desk_pages.post("/badge-batches/<batch_id>/cancel")
@staff_page("desk")
def cancel_badge_batch(batch_id: str) -> Any:
    batch, _ = batch_for_page(batch_id)
    services().batches.cancel(batch.id)
    return redirect(url_for("desk_pages.badge_batch", batch_id=batch.id), 303)


@desk_pages.get("/badge-batches/<batch_id>/badges.pdf")
@staff_page("desk")
def badge_batch_pdf(batch_id: str) -> Any:
    batch, _ = batch_for_page(batch_id)
    try:
        pdf = services().batches.document(batch.id)
    except BatchNotReady:
        return redirect(url_for("desk_pages.badge_batch", batch_id=batch.id), 303)
    delegation = batch.filters.get("delegation") or "all"
    return pdf_response(pdf, f"badges-{batch.edition}-{delegation}")


def batch_view(batch: Batch) -> dict[str, Any]:
    """The batch's state in a sentence, in the page's language."""
    counts = {"done": batch.done, "total": batch.total}
    labels = {
        "queued": i18n.gettext("In the queue: a render worker will take it in a moment…"),
        "rendering": i18n.gettext("%(done)s of %(total)s badges rendered…") % counts,
        "done": i18n.ngettext("%(total)s badge ready to print.", "%(total)s badges ready to "
                              "print.", batch.total) % counts,
        "cancelled": i18n.gettext("Cancelled: nothing was recorded as printed."),
        "failed": i18n.gettext(BATCH_ERRORS.get(batch.error or "", BATCH_ERRORS[RENDER_FAILED])),
    }
    return {"label": labels[batch.status]}


BATCH_ERRORS = {
    RENDER_FAILED: N_("The badges could not be rendered. Try again; if it fails again, print "
                      "smaller batches (per delegation) and tell the organisers."),
    NOTHING_LEFT: N_("No badge to print with these filters any more: they were printed or "
                     "cancelled meanwhile."),
    WORKER_LOST: N_("The render worker stopped answering: nothing was recorded as printed. "
                    "Ask for the batch again."),
}
