"""Staff sign-in and sign-out, and the admin's page for staff accounts."""

from __future__ import annotations

from typing import Any

from flask import Blueprint, abort, current_app, redirect, render_template, request, url_for
from marshmallow import fields, validate

from domain.actor import ROLES
from domain.errors import DuplicateEmail
from registration.web.common import i18n
from registration.web.common.forms import Errors
from registration.web.common.forms import validate as validate_form
from registration.web.common.http import services
from registration.web.common.pages import protect
from registration.web.common.schemas import StrictSchema
from registration.web.common.staff_session import sign_in as start_session
from registration.web.common.staff_session import sign_out as end_session
from registration.web.common.staff_session import signed_in_staff, staff_page
from registration.web.common.text_fields import EmailAddress, Text

staff_pages = protect(Blueprint("staff_pages", __name__, url_prefix="/staff"))
MIN_PASSWORD = 10


class StaffAccountSchema(StrictSchema):
    """A new staff account. The name and e-mail are recorded, so they follow the text rule;
    the password is only hashed, and is kept exactly as typed."""

    name = Text(required=True, validate=validate.Length(min=1, max=100))
    email = EmailAddress(required=True, validate=validate.Length(max=254))
    role = Text(required=True, validate=validate.OneOf(ROLES))
    password = fields.String(required=True, validate=validate.Length(min=MIN_PASSWORD, max=200))


class SignInSchema(StrictSchema):
    email = Text(required=True, validate=validate.Length(max=254))
    password = fields.String(required=True, validate=validate.Length(max=1000))


def safe_next(target: str | None) -> str:
    """Only a path on this site (never `//elsewhere`), else the dashboard."""
    if target and target.startswith("/") and not target.startswith("//"):
        return target
    return url_for("dashboard.home")


@staff_pages.route("/sign-in", methods=["GET", "POST"])
def sign_in() -> Any:
    error = email_error = None
    if request.method == "POST":
        if not current_app.extensions["rate_limiter"].allow(f"sign-in/{request.remote_addr}"):
            abort(429, description=i18n.gettext("Too many attempts; wait a minute."))
        credentials, errors = validate_form(SignInSchema(), {
            "email": request.form.get("email", ""), "password": request.form.get("password", "")})
        member = None if errors else services().staff.sign_in(credentials["email"],
                                                               credentials["password"])
        if member is not None:
            start_session(member)
            return redirect(safe_next(request.form.get("next")))
        email_error = errors.get("email")
        error = None if email_error else i18n.gettext(
            "That e-mail and password do not match a staff account.")
    elif signed_in_staff() is not None:
        return redirect(safe_next(request.args.get("next")))
    return render_template("staff/sign_in.html", error=error, email_error=email_error,
                           email=request.form.get("email", ""),
                           next=request.values.get("next", "")), \
        422 if email_error else 401 if error else 200


@staff_pages.post("/sign-out")
def sign_out() -> Any:
    end_session()
    return redirect(url_for("staff_pages.sign_in"))


@staff_pages.route("/accounts", methods=["GET", "POST"])
@staff_page("admin")
def accounts() -> Any:
    errors: Errors = {}
    created = None
    form: Any = {}
    if request.method == "POST":
        form = request.form
        values = {k: form.get(k, "") for k in ("name", "email", "role", "password")}
        data, errors = validate_form(StaffAccountSchema(),
                                     {k: v for k, v in values.items() if v.strip()})
        if not errors:
            try:
                created = services().staff.create_account(**data)
                form = {}
            except DuplicateEmail:  # the name or the sign-in e-mail is taken
                errors = {"email": i18n.gettext(
                    "This name or e-mail address already belongs to a staff member.")}
    return render_template("staff/accounts.html", accounts=services().staff.accounts(),
                           roles=ROLES, form=form, errors=errors, created=created,
                           min_password=MIN_PASSWORD), 422 if errors else 200
