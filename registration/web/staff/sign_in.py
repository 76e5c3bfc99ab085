"""Staff sign-in (password, then the second-factor code when the member has one) and
sign-out. Failed attempts slow down per account and per address (sign_in_throttle)."""

from __future__ import annotations

import unicodedata
from typing import Any
from urllib.parse import urlsplit

from flask import Blueprint, abort, current_app, redirect, render_template, request, url_for
from marshmallow import fields, validate

from registration.web.common import i18n
from registration.web.common.forms import validate as validate_form
from registration.web.common.http import services
from registration.web.common.pages import protect
from registration.web.common.schemas import StrictSchema
from registration.web.common.sign_in_throttle import keys_for, throttle
from registration.web.common.staff_session import await_code, pending_member, signed_in_staff
from registration.web.common.staff_session import sign_in as start_session
from registration.web.common.staff_session import sign_out as end_session
from registration.web.common.text_fields import Text

staff_pages = protect(Blueprint("staff_pages", __name__, url_prefix="/staff"))


class SignInSchema(StrictSchema):
    email = Text(required=True, validate=validate.Length(max=254))
    password = fields.String(required=True, validate=validate.Length(max=1000))


def safe_next(target: str | None) -> str:
    """Only a path on this site, else the dashboard: no `//elsewhere`, no scheme or host, no
    backslash (browsers read `/\\elsewhere` as `//elsewhere`), no control or invisible
    characters (a tab inside `/\\t/elsewhere` is dropped by browsers)."""
    if not target or len(target) > 2000 or not target.startswith("/") or "\\" in target:
        return url_for("dashboard.home")
    if target.startswith("//") or any(unicodedata.category(c)[0] in "CZ" and c != " "
                                      for c in target) or " " in target:
        return url_for("dashboard.home")
    parts = urlsplit(target)
    if parts.scheme or parts.netloc or not parts.path.startswith("/") \
            or parts.path.startswith("//"):
        return url_for("dashboard.home")
    return target


def spend_budget() -> None:
    """Every sign-in post spends the address's sign-in budget (RATE_LIMIT_SIGN_IN)."""
    if not current_app.extensions["rate_limiter"].allow(f"sign-in/{request.remote_addr}"):
        abort(429, description=i18n.gettext("Too many attempts; wait a minute."))


def too_many_failures(wait: int, email: str = "") -> Any:
    message = i18n.gettext("Too many failed sign-ins. For your security, try again in "
                           "%(wait)s.") % {"wait": i18n.duration(wait)}
    return render_template("staff/sign_in.html", error=message, email_error=None, email=email,
                           next=request.values.get("next", "")), 429, {"Retry-After": str(wait)}


@staff_pages.route("/sign-in", methods=["GET", "POST"])
def sign_in() -> Any:
    error = email_error = None
    if request.method == "POST":
        spend_budget()
        credentials, errors = validate_form(SignInSchema(), {
            "email": request.form.get("email", ""), "password": request.form.get("password", "")})
        email = request.form.get("email", "")
        wait = throttle().wait(keys_for(email))
        if wait is not None:
            return too_many_failures(wait, email)
        member = None if errors else services().staff.sign_in(credentials["email"],
                                                               credentials["password"])
        if member is not None:
            throttle().succeeded(email)
            next_page = safe_next(request.form.get("next"))
            if services().staff_access.needs_code(member.id):
                await_code(member, next_page)
                return redirect(url_for("staff_pages.code"))
            session_id = services().staff_access.open_session(member.id)
            if session_id is not None:
                start_session(member, session_id)
                return redirect(url_for("staff_pages.second_factor")
                                if member.must_enrol else next_page)
        elif not errors:
            wait = throttle().failed(keys_for(email))
            if wait is not None:
                return too_many_failures(wait, email)
        email_error = errors.get("email")
        error = None if email_error else i18n.gettext(
            "That e-mail and password do not match a staff account.")
    elif signed_in_staff() is not None:
        return redirect(safe_next(request.args.get("next")))
    return render_template("staff/sign_in.html", error=error, email_error=email_error,
                           email=request.form.get("email", ""),
                           next=request.values.get("next", "")), \
        422 if email_error else 401 if error else 200


@staff_pages.route("/sign-in/code", methods=["GET", "POST"])
def code() -> Any:
    """The second step: the six-digit code from the member's authenticator app."""
    pending = pending_member()
    if pending is None:
        return redirect(url_for("staff_pages.sign_in"))
    member_id, next_page = pending
    error = None
    if request.method == "POST":
        spend_budget()
        member = services().staff.get(member_id)
        keys = keys_for(member.email or member.name if member else str(member_id))
        wait = throttle().wait(keys)
        if wait is not None:
            return too_many_failures(wait)
        session_id = services().staff_access.open_session(
            member_id, request.form.get("code", "")[:20])
        if session_id is not None and member is not None:
            throttle().succeeded(member.email or member.name)
            start_session(member, session_id)
            return redirect(next_page)
        wait = throttle().failed(keys)
        if wait is not None:
            return too_many_failures(wait)
        error = i18n.gettext("That code is not right, or was already used. Wait for the next "
                             "code in your app and try again.")
    return render_template("staff/sign_in_code.html", error=error), 401 if error else 200


@staff_pages.post("/sign-out")
def sign_out() -> Any:
    """Ends the session, and clears what this browser kept for the desk offline (its copy
    of the edition, the service worker's cache)."""
    end_session()
    response = redirect(url_for("staff_pages.sign_in"))
    response.headers["Clear-Site-Data"] = '"cache", "storage"'
    return response
