"""What every HTML page shares: CSRF tokens, languages, error pages, cookie settings.

Each page blueprint is wrapped with `protect` when defined: the CSRF check on every POST
and HTML error pages (the JSON API keeps its JSON errors). Templates get only globals and
filters that read the request, never a store: a view computes what its page shows.
"""

from __future__ import annotations

import secrets
from pathlib import Path
from typing import Any
from urllib.parse import urlencode
from uuid import UUID

from flask import Blueprint, Flask, abort, render_template, request, session
from flask.sessions import SecureCookieSessionInterface
from werkzeug.exceptions import (
    HTTPException,
    MethodNotAllowed,
    NotFound,
    RequestEntityTooLarge,
    TooManyRequests,
)

from domain.edition_config import EditionConfig
from domain.errors import DomainError
from domain.money import Money
from registration.web.common import i18n
from registration.web.common.amounts import amount_example, amount_typed
from registration.web.common.declines import decline_messages
from registration.web.common.errors import ERROR_PAGE, own_headers, status_of
from registration.web.common.http import services
from registration.web.common.idempotency import new_form_key
from registration.web.common.refusals import refusal_message
from registration.web.common.staff_session import signed_in_staff
from registration.web.common.statuses import status_label, status_tone

CSRF_FIELD = "csrf_token"


def csrf_token() -> str:
    if CSRF_FIELD not in session:
        session[CSRF_FIELD] = secrets.token_urlsafe(32)
    return str(session[CSRF_FIELD])


def check_csrf() -> None:
    """Refuse a POST whose form (or X-CSRF-Token header) lacks this session's token."""
    if request.method in {"GET", "HEAD", "OPTIONS"}:
        return
    sent = request.form.get(CSRF_FIELD) or request.headers.get("X-CSRF-Token") or ""
    expected = session.get(CSRF_FIELD)
    if not expected or not secrets.compare_digest(
            sent.encode("utf-8", "surrogatepass"), str(expected).encode()):
        abort(400, description=i18n.gettext(
            "This form has expired or did not come from this site. Go back, reload the page "
            "and try again."))


def error_page(error: Exception) -> Any:
    headers: list[tuple[str, str]] = []
    if isinstance(error, HTTPException):
        status, message = error.code or 500, error.description or error.name
        headers = own_headers(error)
        if isinstance(error, TooManyRequests):
            wait = error.retry_after if isinstance(error.retry_after, int) else 60
            message = i18n.gettext("Too many requests from your address. Please wait "
                                   "%(wait)s and try again.") % {"wait": i18n.duration(wait)}
        elif isinstance(error, RequestEntityTooLarge):
            message = i18n.gettext("What you sent is too large for this site (over 1 MiB).")
        elif isinstance(error, MethodNotAllowed):
            message = i18n.gettext("This page cannot be used that way (%(method)s).") % {
                "method": request.method}
        elif isinstance(error, NotFound) and error.description == NotFound.description:
            message = i18n.gettext("There is no page at this address.")
    elif isinstance(error, DomainError):
        status, message = status_of(error), refusal_message(error)
    else:  # pragma: no cover - Flask only routes the registered types here
        raise error
    return render_template("error.html", status=status, message=message), status, headers


def protect(blueprint: Blueprint) -> Blueprint:
    """CSRF on every POST and HTML error pages: wrap every page blueprint when defining it."""
    blueprint.before_request(check_csrf)
    blueprint.register_error_handler(HTTPException, error_page)
    blueprint.register_error_handler(DomainError, error_page)
    return blueprint


def switch_language_url(language: str) -> str:
    """This page in `language` (never repeating a manage token or an access code the address
    may carry)."""
    args = {k: v for k, v in request.args.items() if k not in ("token", "access_code")}
    args["lang"] = language
    return f"{request.path}?{urlencode(args)}"


def page_context() -> dict[str, Any]:
    return {
        "site_name": i18n.gettext("Conference registration"),
        "staff_member": signed_in_staff(),
        "role_names": {"admin": i18n.gettext("Administrator"), "finance": i18n.gettext("Finance"),
                       "desk": i18n.gettext("Registration desk")},
    }


class SessionCookies(SecureCookieSessionInterface):
    """The session cookie is Secure unless SESSION_COOKIE_SECURE says otherwise, or (when it
    is unset) the app runs in debug or under tests, on plain HTTP."""

    def get_cookie_secure(self, app: Flask) -> bool:  # type: ignore[override]
        configured = app.config["SESSION_COOKIE_SECURE"]
        if configured is None:
            return not (app.debug or app.testing)
        return bool(configured)


def install_pages(app: Flask, translations_folder: Path, secure_cookies: bool | None) -> None:
    """Cookies, languages and what every template may call (the blueprints come apart)."""
    app.config.update(SESSION_COOKIE_HTTPONLY=True, SESSION_COOKIE_SAMESITE="Lax",
                      SESSION_COOKIE_SECURE=secure_cookies)
    app.session_interface = SessionCookies()
    i18n.install(app, translations_folder)
    app.jinja_env.globals.update(csrf_token=csrf_token, switch_language_url=switch_language_url,
                                 money_of=Money, new_form_key=new_form_key,
                                 status_label=status_label, status_tone=status_tone,
                                 amount_typed=amount_typed, amount_example=amount_example,
                                 decline_messages=decline_messages)
    app.context_processor(page_context)
    app.extensions[ERROR_PAGE] = error_page  # for URLs no page blueprint answers


def use_edition(config: EditionConfig) -> None:
    """Speak the edition's languages, and format money for its country."""
    i18n.set_language(i18n.choose_language(config.languages), config.host.split("-")[0])


def edition_for_page(slug: str) -> EditionConfig:
    config = services().editions.config(slug)
    use_edition(config)
    return config


def registration_key(registration_id: str) -> UUID:
    """The registration a page's path names (a 404 page if it names none)."""
    try:
        return UUID(registration_id)
    except ValueError:
        abort(404)


def display_name(config: EditionConfig, kind: str, code: str) -> str:
    """A type's or delegation's name today (its code if the edition no longer has it)."""
    try:
        found = config.registration_type(code) if kind == "type" else config.delegation(code)
    except DomainError:
        return code
    return found.name(i18n.current_language())


def list_name(config: EditionConfig, code: str) -> str:
    """A check-in list's name today: a day list without names is named by its day."""
    try:
        found = config.checkin_list(code)
    except DomainError:
        return code
    name = found.name(i18n.current_language())
    if name is None and found.day is not None:
        return i18n.day(found.day)
    return name or code
