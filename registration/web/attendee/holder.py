"""The attendee's secret manage link: which registration a page opens, and its pages' frame.

Opening `/r/<id>?token=…` (GET) exchanges the token for a grant in the signed session
cookie — the registration and the link generation the token belongs to — and redirects
(303) to the same address without the token, so it never stays in the address bar, the
history, a Referer or a server log. Every page, form and the checkout script then work
from the session. Each request checks the grant's generation against the registration's:
once the link is renewed or the place handed on, sessions opened with an earlier link end.
"""

from __future__ import annotations

from typing import Any, NoReturn
from urllib.parse import urlencode
from uuid import UUID

from flask import abort, g, redirect, render_template, request, session, url_for

from domain.actor import Actor
from domain.errors import DomainError, WrongToken
from registration.services.views import RegistrationView
from registration.web.common import i18n
from registration.web.common.acting import act_as
from registration.web.common.http import services
from registration.web.common.pages import display_name, registration_key, use_edition

GRANTS = "manage_links"  # in the session: {registration id: link generation}


def grant(registration_id: UUID, generation: int) -> None:
    """Let this browser session act as the registration's holder (link `generation`)."""
    grants = dict(session.get(GRANTS) or {})
    grants[str(registration_id)] = generation
    session[GRANTS] = grants


def granted(registration_id: UUID) -> int | None:
    generation = (session.get(GRANTS) or {}).get(str(registration_id))
    return generation if isinstance(generation, int) else None


def drop_grant(registration_id: UUID) -> None:
    grants = dict(session.get(GRANTS) or {})
    if grants.pop(str(registration_id), None) is not None:
        session[GRANTS] = grants


def offer_new_link(key: UUID) -> None:
    """The error page offers "send me my link again" for the registration's edition."""
    try:
        g.send_link_url = url_for("public.send_link",
                                  slug=services().registrations.view(key).edition.slug)
    except DomainError:  # no such registration: the page says so (404)
        g.send_link_url = None


def refuse_link(key: UUID) -> NoReturn:
    offer_new_link(key)
    abort(403, description=i18n.gettext(
        "This link no longer opens this registration: a newer link has replaced it. Use the "
        "latest link you received by e-mail, or ask for your link again."))


def exchange_token(key: UUID, token: str) -> None:
    """Check the link's token and keep a grant instead (403 if the link is not in force)."""
    try:
        generation = services().registrations.link_generation(key, token)
    except WrongToken:
        drop_grant(key)
        refuse_link(key)
    grant(key, generation)


def without_token() -> str:
    args = [(k, v) for k, v in request.args.items(multi=True) if k != "token"]
    return request.path + (f"?{urlencode(args)}" if args else "")


def holder_registration(registration_id: str) -> RegistrationView:
    """The registration, if this session holds its link in force (else 403)."""
    key = registration_key(registration_id)
    token = request.args.get("token") if request.method == "GET" else \
        request.values.get("token")
    if token is not None:
        exchange_token(key, token)
        if request.method == "GET":
            abort(redirect(without_token(), 303))
    generation = granted(key)
    if generation is None:
        offer_new_link(key)
        abort(403, description=i18n.gettext(
            "Open your registration with the personal link from your e-mail."))
    try:
        registration = services().registrations.for_grant(key, generation)
    except WrongToken:
        drop_grant(key)
        refuse_link(key)
    act_as(Actor.attendee(registration.id))
    use_edition(registration.edition)
    return registration


def page(template: str, registration: RegistrationView, status: int = 200,
         **context: Any) -> Any:
    """A page about the registration, with its type's and delegation's names."""
    config = registration.edition
    names = {"type_name": display_name(config, "type", registration.registration_type),
             "delegation_name": registration.delegation and display_name(
                 config, "delegation", registration.delegation)}
    return render_template(template, registration=registration, config=config,
                           **names, **context), status
