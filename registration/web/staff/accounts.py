"""The admin's pages for staff accounts: create them, require a second factor by role, and
for each member reset the password, remove a lost second factor, list and revoke bearer
tokens, disable or enable."""

from __future__ import annotations

from typing import Any
from uuid import UUID

from flask import abort, flash, get_flashed_messages, redirect, render_template, request, url_for
from marshmallow import fields, validate

from domain.actor import ROLES
from domain.errors import DuplicateEmail
from registration.web.common import i18n
from registration.web.common.forms import Errors
from registration.web.common.forms import validate as validate_form
from registration.web.common.http import services
from registration.web.common.schemas import StrictSchema
from registration.web.common.staff_session import staff_page
from registration.web.common.text_fields import EmailAddress, Text
from registration.web.staff.sign_in import staff_pages

MIN_PASSWORD = 10


class StaffAccountSchema(StrictSchema):
    """A new staff account. The name and e-mail are recorded, so they follow the text rule;
    the password is only hashed, and is kept exactly as typed."""

    name = Text(required=True, validate=validate.Length(min=1, max=100))
    email = EmailAddress(required=True, validate=validate.Length(max=254))
    role = Text(required=True, validate=validate.OneOf(ROLES))
    password = fields.String(required=True, validate=validate.Length(min=MIN_PASSWORD, max=200))


class NewPasswordSchema(StrictSchema):
    password = fields.String(required=True, validate=validate.Length(min=MIN_PASSWORD, max=200))


class RemovalReasonSchema(StrictSchema):
    reason = Text(required=True, validate=validate.Length(min=1, max=500))


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
                           min_password=MIN_PASSWORD,
                           second_factor_roles=services().staff.second_factor_roles(),
                           notices=get_flashed_messages()), 422 if errors else 200


@staff_pages.post("/accounts/second-factor")
@staff_page("admin")
def second_factor_policy() -> Any:
    roles = [r for r in request.form.getlist("role") if r in ROLES]
    services().staff.require_second_factor(roles)
    flash(i18n.gettext("Saved: who must sign in with a code."))
    return redirect(url_for("staff_pages.accounts"))


def member_or_404(member_id: str) -> Any:
    try:
        member = services().staff.get(UUID(member_id))
    except ValueError:
        member = None
    if member is None:
        abort(404, description=i18n.gettext("There is no such staff member."))
    return member


@staff_pages.route("/accounts/<member_id>", methods=["GET"])
@staff_page("admin")
def member_page(member_id: str, errors: Errors | None = None) -> Any:
    member = member_or_404(member_id)
    return render_template("staff/member.html", member=member,
                           tokens=services().staff.tokens(member.id), errors=errors or {},
                           min_password=MIN_PASSWORD, now=services().clock(),
                           notices=get_flashed_messages()), 422 if errors else 200


@staff_pages.post("/accounts/<member_id>/password")
@staff_page("admin")
def reset_password(member_id: str) -> Any:
    member = member_or_404(member_id)
    if member.email is None:
        abort(409, description=i18n.gettext("This member signs in with tokens only."))
    data, errors = validate_form(NewPasswordSchema(),
                                 {"password": request.form.get("password", "")})
    if errors:
        return member_page(member_id, errors)
    services().staff.reset_password(member.id, data["password"])
    flash(i18n.gettext("New password set: every session of %(name)s has ended.")
          % {"name": member.name})
    return redirect(url_for("staff_pages.member_page", member_id=member_id))


@staff_pages.post("/accounts/<member_id>/second-factor/remove")
@staff_page("admin")
def remove_second_factor(member_id: str) -> Any:
    member = member_or_404(member_id)
    if not member.second_factor:
        abort(409, description=i18n.gettext("%(name)s has no second factor to remove.")
              % {"name": member.name})
    data, errors = validate_form(RemovalReasonSchema(),
                                 {"reason": request.form.get("reason", "")})
    if errors:
        return member_page(member_id, errors)
    services().staff.remove_second_factor(member.id, data["reason"])
    flash(i18n.gettext("The second factor of %(name)s is removed and their sessions have "
                       "ended: they sign in with their password and enrol a new app.")
          % {"name": member.name})
    return redirect(url_for("staff_pages.member_page", member_id=member_id))


@staff_pages.post("/accounts/<member_id>/tokens/<prefix>/revoke")
@staff_page("admin")
def revoke_token(member_id: str, prefix: str) -> Any:
    member = member_or_404(member_id)
    if not services().staff.revoke_token(member.id, prefix[:100]):
        abort(404, description=i18n.gettext("There is no such token, or it is already revoked."))
    flash(i18n.gettext("The token was revoked."))
    return redirect(url_for("staff_pages.member_page", member_id=member_id))


@staff_pages.post("/accounts/<member_id>/access")
@staff_page("admin")
def set_access(member_id: str) -> Any:
    member = member_or_404(member_id)
    disable = request.form.get("action") == "disable"
    services().staff.set_disabled(member.id, disable)
    flash(i18n.gettext("%(name)s is disabled: every token and session has ended.")
          % {"name": member.name} if disable else
          i18n.gettext("%(name)s may sign in again.") % {"name": member.name})
    return redirect(url_for("staff_pages.member_page", member_id=member_id))
