"""The self-service kiosk: an unattended screen where attendees find themselves (by name or
by scanning their e-ticket), confirm their details and get their badge printed.

A desk member signs in on the screen and starts kiosk mode for one edition. From then on the
session is locked to the kiosk's pages: every other page sends the screen back to the kiosk
(a form elsewhere is refused), nothing else can be done with it, and the attendee's actions
are recorded with the kiosk as their actor (`Actor.kiosk`, naming who opened it). Leaving
kiosk mode takes that member's password (throttled like signing in). The screen shows only
names and organisations, never an e-mail address, and a name is searched from 3 letters.
"""

from __future__ import annotations

from collections.abc import Callable
from functools import wraps
from typing import Any, TypeVar

from flask import Blueprint, Flask, abort, redirect, render_template, request, session, url_for

from domain.actor import BY_KIOSK, Actor
from domain.edition_config import EditionConfig
from domain.errors import AlreadyCancelled, BadgeReplaced, MistypedCheckinCode, NotFound
from registration.projections.attendance import searchable
from registration.web.common import i18n
from registration.web.common.acting import act_as
from registration.web.common.desk_schemas import CheckInRequestSchema
from registration.web.common.forms import validate
from registration.web.common.headers import use_camera
from registration.web.common.http import pdf_response, services
from registration.web.common.pages import display_name, protect, registration_key
from registration.web.common.sign_in_throttle import keys_for, throttle
from registration.web.common.staff_session import signed_in_staff, staff_page
from registration.web.staff.context import speak_about

kiosk = protect(Blueprint("kiosk", __name__, url_prefix="/staff/kiosk"))
F = TypeVar("F", bound=Callable[..., Any])
KIOSK = "kiosk"  # the session key: the edition this screen is a kiosk for
LANGUAGE = "kiosk_lang"  # the language the attendee at the screen chose
MINIMUM = 3  # letters of a name before anyone is shown
SHOWN = 8  # people listed at most


def kiosk_page(view: F) -> F:
    """A desk member's session in kiosk mode for this edition; the attendee acts."""

    @wraps(view)
    def checked(slug: str, *args: Any, **kwargs: Any) -> Any:
        if session.get(KIOSK) != slug:
            abort(403, description=i18n.gettext("Kiosk mode is not started on this screen."))
        member = signed_in_staff()
        assert member is not None  # staff_page ran first
        act_as(Actor.kiosk(member.id, member.name))
        config = services().editions.config(slug)
        asked = request.args.get("lang")
        if asked in i18n.LANGUAGES:
            session[LANGUAGE] = asked
        i18n.set_language(str(session.get(LANGUAGE) or config.languages[0]))
        speak_about(config)
        return view(config, *args, **kwargs)

    return staff_page("desk")(checked)  # type: ignore[return-value]


def install_kiosk_lock(app: Flask) -> None:
    """A screen in kiosk mode reaches nothing but the kiosk (and static files)."""

    @app.before_request
    def locked_to_kiosk() -> Any:
        slug = session.get(KIOSK)
        if not slug or request.blueprint == "kiosk" or request.endpoint == "static":
            return None
        if signed_in_staff() is None:  # the staff session ended: so did the kiosk
            session.pop(KIOSK, None)
            return None
        if request.method != "GET":
            abort(403)
        return redirect(url_for("kiosk.home", slug=slug), 303)


@kiosk.post("/<slug>/start")
@staff_page("desk")
def start(slug: str) -> Any:
    services().editions.config(slug)  # a 404 page for an edition that does not exist
    session[KIOSK] = slug
    session.pop(LANGUAGE, None)
    return redirect(url_for("kiosk.home", slug=slug), 303)


@kiosk.get("/<slug>/")
@kiosk_page
def home(config: EditionConfig) -> Any:
    query = request.args.get("q", "")[:100].strip()
    error, found = None, []
    if query:
        words = searchable(query).split()
        if sum(len(w) for w in words) < MINIMUM:
            error = i18n.gettext("Type at least 3 letters of your name.")
        else:
            found = [row for row in services().desk.attendees(config.slug, query)
                     if row.attending and all(w in searchable(row.first_name, row.last_name)
                                              for w in words)][:SHOWN]
    use_camera()
    return render_template("staff/kiosk/home.html", config=config, query=query, found=found,
                           error=error, kiosk=True, done=request.args.get("done")), \
        422 if error else 200


@kiosk.post("/<slug>/scan")
@kiosk_page
def scan(config: EditionConfig) -> Any:
    scanned, errors = validate(CheckInRequestSchema(), {"code": request.form.get("code", "")})
    if not errors:
        try:
            registration_id = services().desk.holder_of(config.slug, scanned["code"])
        except (AlreadyCancelled, BadgeReplaced, MistypedCheckinCode, NotFound):
            errors = {"code": i18n.gettext("This code is not a ticket for this conference. "
                                           "Find yourself by name, or ask at the desk.")}
        else:
            return redirect(url_for("kiosk.confirm", slug=config.slug,
                                    registration_id=registration_id), 303)
    use_camera()
    return render_template("staff/kiosk/home.html", config=config, query="", found=[],
                           error=None, scan_error=errors["code"], kiosk=True, done=None), 422


def registration_for_kiosk(config: EditionConfig, registration_id: str) -> Any:
    registration = services().registrations.view(registration_key(registration_id))
    if registration.edition.slug != config.slug or registration.is_cancelled:
        abort(404)
    return registration


@kiosk.get("/<slug>/attendees/<registration_id>")
@kiosk_page
def confirm(config: EditionConfig, registration_id: str) -> Any:
    registration = registration_for_kiosk(config, registration_id)
    return render_template(
        "staff/kiosk/confirm.html", config=config, registration=registration, kiosk=True,
        type_name=display_name(config, "type", registration.registration_type),
        delegation_name=display_name(config, "delegation", registration.delegation)
        if registration.delegation else None)


@kiosk.post("/<slug>/attendees/<registration_id>/badge.pdf")
@kiosk_page
def print_badge(config: EditionConfig, registration_id: str) -> Any:
    """The badge opens for the printer; its print is recorded (by the kiosk), reprints too."""
    registration = registration_for_kiosk(config, registration_id)
    document = services().desk.badge(registration.id, BY_KIOSK)
    return pdf_response(document, f"badge-{registration.attendee.last_name}")


@kiosk.route("/<slug>/leave", methods=["GET", "POST"])
@kiosk_page
def leave(config: EditionConfig) -> Any:
    """Back to the desk's pages, with the password of the member signed in on the screen."""
    member = signed_in_staff()
    assert member is not None and member.email is not None  # signed in on the pages
    error = None
    if request.method == "POST":
        wait = throttle().wait(keys_for(member.email))
        if wait is None and services().staff.sign_in(member.email,
                                                     request.form.get("password", "")[:200]):
            throttle().succeeded(member.email)
            session.pop(KIOSK, None)
            return redirect(url_for("desk_pages.print_on_scan", slug=config.slug), 303)
        if wait is None:
            throttle().failed(keys_for(member.email))
        error = i18n.gettext("That is not the password of the staff member who opened the "
                             "kiosk.")
    return render_template("staff/kiosk/leave.html", config=config, error=error,
                           kiosk=True), 422 if error else 200
