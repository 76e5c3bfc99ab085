"""A staff member's own page: change their password, and enrol a second factor (TOTP)."""

from __future__ import annotations

from typing import Any

import segno
from flask import flash, get_flashed_messages, redirect, render_template, request, session, url_for
from markupsafe import Markup
from marshmallow import fields, validate

from registration.web.common import i18n
from registration.web.common.forms import Errors
from registration.web.common.forms import validate as validate_form
from registration.web.common.http import services
from registration.web.common.schemas import StrictSchema
from registration.web.common.staff_session import (
    current_session_id,
    signed_in_page,
    signed_in_staff,
)
from registration.web.staff.accounts import MIN_PASSWORD
from registration.web.staff.sign_in import staff_pages

PENDING_SECRET = "second_factor_pending"


class ChangePasswordSchema(StrictSchema):
    current = fields.String(required=True, validate=validate.Length(max=1000))
    password = fields.String(required=True, validate=validate.Length(min=MIN_PASSWORD, max=200))


@staff_pages.route("/me", methods=["GET", "POST"])
@signed_in_page(enrolled=True)
def own_account() -> Any:
    member = signed_in_staff()
    assert member is not None
    errors: Errors = {}
    if request.method == "POST":
        data, errors = validate_form(ChangePasswordSchema(), {
            "current": request.form.get("current", ""),
            "password": request.form.get("password", "")})
        if not errors and member.email is None:
            errors = {"current": i18n.gettext("This member signs in with tokens only.")}
        if not errors:
            if services().staff.change_password(member.id, data["current"], data["password"],
                                                current_session_id()):
                flash(i18n.gettext("Your password is changed; your other sessions have ended."))
                return redirect(url_for("staff_pages.own_account"))
            errors = {"current": i18n.gettext("That is not your current password.")}
    return render_template("staff/own_account.html", member=member, errors=errors,
                           min_password=MIN_PASSWORD, notices=get_flashed_messages()), \
        422 if errors else 200


@staff_pages.route("/me/second-factor", methods=["GET", "POST"])
@signed_in_page()
def second_factor() -> Any:
    """Enrol: the secret as a QR code (inline SVG) and as text; a code from the app confirms."""
    member = signed_in_staff()
    assert member is not None
    if member.second_factor:
        return redirect(url_for("staff_pages.own_account"))
    access = services().staff_access
    secret = access.seal.unseal(str(session.get(PENDING_SECRET, "")))
    if secret is None:
        secret = access.new_second_factor()
        session[PENDING_SECRET] = access.seal.seal(secret)
    error = None
    if request.method == "POST":
        if access.enrol(member.id, secret, request.form.get("code", "")[:20]):
            session.pop(PENDING_SECRET, None)
            flash(i18n.gettext("Your second factor is on: from now on, signing in asks for a "
                               "code from your app."))
            return redirect(url_for("staff_pages.own_account"))
        error = i18n.gettext("That code is not right, or was already used. Wait for the next "
                             "code in your app and try again.")
    uri = access.provisioning_uri(member, secret)
    qr = Markup(segno.make_qr(uri).svg_inline(scale=5, title=i18n.gettext("QR code to scan")))
    grouped = " ".join(secret[i:i + 4] for i in range(0, len(secret), 4))
    return render_template("staff/second_factor.html", member=member, qr=qr, secret=grouped,
                           error=error), 422 if error else 200
