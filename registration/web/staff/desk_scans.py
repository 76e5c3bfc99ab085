"""The desk's scanning screens: check-in (entries and exits on a list), print on scan, and
who is present now per list and delegation.

The check-in screen scans for one list in one direction — the station — which each staff
member chooses once per edition and finds again on any device (`StaffPreferences`).
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from flask import render_template, request

from domain.checkin_lists import DIRECTIONS, CheckinList
from domain.edition_config import EditionConfig
from domain.errors import (
    AlreadyCancelled,
    BadgeReplaced,
    MistypedCheckinCode,
    NotFound,
    NotInside,
    NotOnList,
)
from registration.services.views import RegistrationView
from registration.web.common import i18n
from registration.web.common.desk_schemas import CheckInRequestSchema
from registration.web.common.errors import ApiError
from registration.web.common.forms import validate
from registration.web.common.headers import use_camera
from registration.web.common.http import parse_as_of, pdf_response, services
from registration.web.common.pages import list_name
from registration.web.common.staff_session import signed_in_staff, staff_page
from registration.web.staff.context import edition_for_staff_page
from registration.web.staff.desk import desk_pages, names, staff_name


@dataclass(frozen=True)
class Answer:
    """What the check-in screen shows after a scan: a colour, a headline, who it is."""

    tone: str  # "ok" (green), "warn" (amber) or "bad" (red)
    headline: str
    registration: RegistrationView | None = None
    detail: str = ""


@dataclass(frozen=True)
class Station:
    """The list this screen scans, and in which direction."""

    checkin_list: CheckinList
    direction: str


SCAN_REFUSALS = (AlreadyCancelled, BadgeReplaced, MistypedCheckinCode, NotFound, NotInside,
                 NotOnList)


def refused(error: Exception, config: EditionConfig, station: Station | None = None) -> Answer:
    """Why a scanned code admits nobody (nor prints a badge), in red."""
    if isinstance(error, BadgeReplaced):
        return Answer("bad", i18n.gettext("Badge replaced: the place was handed to someone else."))
    if isinstance(error, AlreadyCancelled):
        return Answer("bad", i18n.gettext("Cancelled registration: do not admit."))
    if isinstance(error, MistypedCheckinCode):
        return Answer("bad", i18n.gettext(
            "Unknown code: badge codes never use O, I, L, S, Z, B, 0, 1, 2, 5 or 8. Check the "
            "code printed under the QR code."))
    if isinstance(error, NotOnList | NotInside) and station is not None:
        return Answer("bad", list_refusal(error, config, station.checkin_list))
    return Answer("bad", i18n.gettext(
        "Unknown code: no badge of this conference has it. Check the code under the QR "
        "code, or find the person by name."))


def list_refusal(error: Exception, config: EditionConfig, checkin_list: CheckinList) -> str:
    named = {"list": list_name(config, checkin_list.code)}
    if isinstance(error, NotInside):
        return i18n.gettext("Not inside: no entry was scanned for this person on "
                            "%(list)s, so no exit is recorded.") % named
    if isinstance(error, NotOnList) and error.reason == "day" and checkin_list.day:
        return i18n.gettext("Not admitted today: %(list)s admits on %(day)s only.") % {
            **named, "day": i18n.day(checkin_list.day)}
    if checkin_list.extras:
        return i18n.gettext("Not on this list: %(list)s does not admit this registration "
                            "type, and no ticket for it was bought.") % named
    return i18n.gettext("Not on this list: %(list)s does not admit this registration "
                        "type.") % named


def scan(config: EditionConfig, code: str, station: Station) -> Answer:
    try:
        result = services().desk.check_in(config.slug, code, staff_name(),
                                          list_code=station.checkin_list.code,
                                          direction=station.direction)
    except SCAN_REFUSALS as error:
        return refused(error, config, station)
    registration, at = result.registration, i18n.time_of_day(result.at)
    if result.direction == "exit":
        return Answer("ok", i18n.gettext("Out at %(time)s") % {"time": at}, registration)
    if not result.first_scan:
        return Answer("warn", i18n.gettext("Already inside since %(time)s") % {"time": at},
                      registration)
    due = registration.balance_due
    if not due.is_zero:
        return Answer("warn", i18n.gettext("Checked in — payment due"), registration,
                      i18n.gettext("%(amount)s is still to pay.") % {"amount": i18n.money(due)})
    return Answer("ok", i18n.gettext("Checked in"), registration)


def station_for(config: EditionConfig, form: Any) -> tuple[Station, str | None]:
    """The station the request names (then remembered), else the one this member chose
    last, else the first list's entries; and what was wrong with the one named, if any."""
    member = signed_in_staff()
    assert member is not None  # staff_page ran first
    asked, direction = form.get("list"), form.get("direction", "entry")
    if asked is not None:
        try:
            checkin_list = config.checkin_list(str(asked)[:63])
        except NotFound:
            checkin_list = None
        if checkin_list is None or direction not in DIRECTIONS:
            return Station(config.checkin_list(None), "entry"), i18n.gettext(
                "Choose a list and a direction from the choices.")
        services().preferences.choose_checkin_list(member.id, config.slug, checkin_list.code,
                                                   direction)
        return Station(checkin_list, direction), None
    chosen = services().preferences.of(member.id).checkin.get(config.slug)
    if chosen is not None and chosen[0] in {c.code for c in config.checkin_lists}:
        return Station(config.checkin_list(chosen[0]), chosen[1]), None
    return Station(config.checkin_list(None), "entry"), None


@desk_pages.route("/<slug>/check-in", methods=["GET", "POST"])
@staff_page("desk")
def check_in(slug: str) -> Any:
    """One input a USB scanner types into (then Enter); the answer in large colours."""
    config = edition_for_staff_page(slug)
    use_camera()
    station, wrong = station_for(config, request.form if request.method == "POST"
                                 else request.args)
    answer, status = (Answer("bad", wrong), 422) if wrong else (None, 200)
    if not wrong and request.method == "POST" and request.form.get("code", "").strip():
        scanned, errors = validate(CheckInRequestSchema(), {"code": request.form["code"]})
        answer = Answer("bad", errors["code"]) if errors else scan(config, scanned["code"],
                                                                   station)
    inside = services().queries.presence(config)
    present = next(item["present"] for item in inside["lists"]
                   if item["code"] == station.checkin_list.code)
    return render_template("staff/desk/check_in.html", config=config, answer=answer,
                           station=station, present=present, list_name=lambda code:
                           list_name(config, code), **names(config)), status


@desk_pages.get("/<slug>/presence")
@staff_page("desk")
def presence(slug: str) -> Any:
    """Who is inside now (or as of a moment), per list and delegation."""
    config = edition_for_staff_page(slug)
    as_of_text = request.args.get("as_of", "")[:40]
    try:
        as_of, error = parse_as_of(as_of_text, config), None
    except ApiError:
        as_of, error = None, i18n.gettext("Pick a date and a time of day.")
    report = services().queries.presence(config, as_of)
    return render_template("staff/desk/presence.html", config=config, report=report,
                           as_of=as_of, as_of_text=as_of_text if as_of else "", error=error,
                           list_name=lambda code: list_name(config, code),
                           **names(config)), 422 if error else 200


@desk_pages.route("/<slug>/print-on-scan", methods=["GET", "POST"])
@staff_page("desk")
def print_on_scan(slug: str) -> Any:
    """Scan a badge's QR code (or type its short code): that person's badge opens as a PDF,
    its print recorded. Separate from the entrance: nobody is checked in here."""
    config = edition_for_staff_page(slug)
    use_camera()
    answer, status = None, 200
    if request.method == "POST" and request.form.get("code", "").strip():
        scanned, errors = validate(CheckInRequestSchema(), {"code": request.form["code"]})
        if errors:
            answer, status = Answer("bad", errors["code"]), 422
        else:
            try:
                printed = services().desk.badge_on_scan(config.slug, scanned["code"],
                                                        staff_name())
            except SCAN_REFUSALS as error:
                answer = refused(error, config)
                status = 409 if isinstance(error, AlreadyCancelled | BadgeReplaced) else 404
            else:
                return pdf_response(printed.pdf,
                                    f"badge-{printed.registration.attendee.last_name}")
    return render_template("staff/desk/print_on_scan.html", config=config, answer=answer,
                           **names(config)), status
