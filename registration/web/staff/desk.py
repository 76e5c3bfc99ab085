"""Registration desk pages: find an attendee, their card, badges, and the check-in screen.

Everything goes through `DeskService`; the search answers the same page's fragment to the
small script that searches as one types, and the whole page without it.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from flask import Blueprint, redirect, render_template, request, url_for

from domain.edition_config import EditionConfig
from domain.errors import AlreadyCancelled, BadgeReplaced, MistypedCheckinCode, NotFound
from registration.projections.desk import BadgeFilter
from registration.services.views import RegistrationView
from registration.web.common import i18n
from registration.web.common.desk_schemas import AttendeeQuerySchema, CheckInRequestSchema
from registration.web.common.forms import validate
from registration.web.common.http import pdf_response, services
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

desk_pages = protect(Blueprint("desk_pages", __name__, url_prefix="/staff/desk"))


def staff_name() -> str:
    member = signed_in_staff()
    assert member is not None  # staff_page ran first
    return member.name


def names(config: EditionConfig) -> dict[str, Any]:
    """Template helpers: a type's or delegation's name in the page's language."""
    return {"type_name": lambda code: display_name(config, "type", code),
            "delegation_name": lambda code: display_name(config, "delegation", code)
            if code else "—"}


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
    return render_template("staff/desk/card.html", registration=registration, config=config,
                           notice=request.args.get("done"), **names(config))


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
    return render_template("staff/desk/badges.html", config=config, **names(config))


@desk_pages.get("/<slug>/badges.pdf")
@staff_page("desk")
def badges_pdf(slug: str) -> Any:
    config = edition_for_staff_page(slug)
    args = request.args
    which = BadgeFilter(args.get("delegation") or None, args.get("registration_type") or None,
                        bool(args.get("not_printed")), bool(args.get("only_paid")))
    printed = services().desk.badges(config.slug, which, staff_name())
    response = pdf_response(printed.pdf, f"badges-{slug}-{which.delegation or 'all'}")
    response.headers["X-Badge-Count"] = str(printed.count)
    return response


@dataclass(frozen=True)
class Answer:
    """What the check-in screen shows after a scan: a colour, a headline, who it is."""

    tone: str  # "ok" (green), "warn" (amber) or "bad" (red)
    headline: str
    registration: RegistrationView | None = None
    detail: str = ""


def scan(config: EditionConfig, code: str) -> Answer:
    try:
        result = services().desk.check_in(config.slug, code, staff_name())
    except (AlreadyCancelled, BadgeReplaced) as error:
        refused = (i18n.gettext("Badge replaced: the place was handed to someone else.")
                   if isinstance(error, BadgeReplaced)
                   else i18n.gettext("Cancelled registration: do not admit."))
        return Answer("bad", refused)
    except MistypedCheckinCode:
        return Answer("bad", i18n.gettext(
            "Unknown code: badge codes never use O, I, L, S, Z, B, 0, 1, 2, 5 or 8. Check the "
            "code printed under the QR code."))
    except NotFound:
        return Answer("bad", i18n.gettext(
            "Unknown code: no badge of this conference has it. Check the code under the QR "
            "code, or find the person by name."))
    registration, at = result.registration, f"{result.at:%H:%M}"
    if not result.first_scan:
        return Answer("warn", i18n.gettext("Already checked in at %(time)s") % {"time": at},
                      registration)
    due = registration.balance_due
    if not due.is_zero:
        return Answer("warn", i18n.gettext("Checked in — payment due"), registration,
                      i18n.gettext("%(amount)s is still to pay.") % {"amount": i18n.money(due)})
    return Answer("ok", i18n.gettext("Checked in"), registration)


@desk_pages.route("/<slug>/check-in", methods=["GET", "POST"])
@staff_page("desk")
def check_in(slug: str) -> Any:
    """One input a USB scanner types into (then Enter); the answer in large colours."""
    config = edition_for_staff_page(slug)
    answer = None
    if request.method == "POST" and request.form.get("code", "").strip():
        scanned, errors = validate(CheckInRequestSchema(), {"code": request.form["code"]})
        answer = Answer("bad", errors["code"]) if errors else scan(config, scanned["code"])
    return render_template("staff/desk/check_in.html", config=config, answer=answer,
                           **names(config))
