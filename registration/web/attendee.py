"""The attendee's secret manage link: see the registration, correct it, hand it on, cancel."""

from __future__ import annotations

from typing import Any
from uuid import UUID

from flask import Blueprint, abort, redirect, render_template, request, url_for

from domain.actor import Actor
from domain.edition import Edition
from domain.edition_config import EditionConfig
from domain.errors import DomainError
from domain.money import Money
from domain.policy import cancellation_terms
from domain.registration import Attendee, Registration
from registration.application import same_secret
from registration.web import i18n
from registration.web.acting import act_as
from registration.web.forms import Errors, attendee_payload, refusal, validate
from registration.web.history import display_name
from registration.web.pages import protect, services, use_edition
from registration.web.schemas import AttendeeSchema, CorrectionSchema

attendee = protect(Blueprint("attendee", __name__, url_prefix="/r"))


def holder_registration(registration_id: str) -> tuple[Registration, EditionConfig, str]:
    """The registration, if the request carries its manage token (else 404/403)."""
    try:
        key = UUID(registration_id)
    except ValueError:
        abort(404)
    registration = services().registrations.get(key)
    token = request.values.get("token", "")
    if not same_secret(token, registration.manage_token_hash):
        abort(403, description=i18n.gettext(
            "This link does not open this registration. Use the link from your confirmation."))
    act_as(Actor.attendee(registration.id))
    config = services().app.load(registration.edition_id, Edition, "edition").config
    use_edition(config)
    return registration, config, token


def payments(registration: Registration) -> list[dict[str, Any]]:
    """Money received and refunded, from the registration's events."""
    lines = []
    for item in services().registrations.history(registration.id):
        if item.event in {"PaymentReceived", "RefundIssued"}:
            lines.append({"at": item.at, "refund": item.event == "RefundIssued",
                          "amount": Money.from_dict(item.details["amount"]),
                          "method": item.details.get("method", "")})
    return lines


def page(template: str, registration: Registration, config: EditionConfig, token: str,
         status: int = 200, **context: Any) -> Any:
    names = {"type_name": display_name(config, "type", registration.registration_type),
             "delegation_name": registration.delegation and display_name(
                 config, "delegation", registration.delegation)}
    return render_template(template, registration=registration, config=config, token=token,
                           **names, **context), status


@attendee.get("/<registration_id>/confirmation")
def confirmation(registration_id: str) -> Any:
    registration, config, token = holder_registration(registration_id)
    link = url_for("attendee.manage", registration_id=registration.id, token=token,
                   _external=True)
    return page("attendee/confirmation.html", registration, config, token, manage_link=link)


@attendee.get("/<registration_id>")
def manage(registration_id: str) -> Any:
    registration, config, token = holder_registration(registration_id)
    return page("attendee/manage.html", registration, config, token,
                payments=payments(registration), notice=request.args.get("done"))


def back_to_manage(registration: Registration, token: str, done: str) -> Any:
    return redirect(url_for("attendee.manage", registration_id=registration.id, token=token,
                            done=done))


@attendee.route("/<registration_id>/details", methods=["GET", "POST"])
def details(registration_id: str) -> Any:
    registration, config, token = holder_registration(registration_id)
    errors: Errors = {}
    form: Any = registration.attendee.to_dict()
    if request.method == "POST":
        form = request.form
        changes, errors = validate(CorrectionSchema(), attendee_payload(form))
        if not errors:
            try:
                services().registrations.correct_details(registration.id, changes)
                return back_to_manage(registration, token, "corrected")
            except DomainError as error:
                errors = refusal(error)
    return page("attendee/details.html", registration, config, token, 422 if errors else 200,
                form=form, errors=errors)


@attendee.route("/<registration_id>/substitute", methods=["GET", "POST"])
def substitute(registration_id: str) -> Any:
    registration, config, token = holder_registration(registration_id)
    errors: Errors = {}
    form: Any = {"organisation": registration.attendee.organisation,
                 "language": registration.attendee.language}
    if request.method == "POST":
        form = request.form
        data, errors = validate(AttendeeSchema(), attendee_payload(form))
        if not errors:
            try:
                services().registrations.substitute(registration.id, Attendee(**data))
                return back_to_manage(registration, token, "substituted")
            except DomainError as error:
                errors = refusal(error)
    return page("attendee/substitute.html", registration, config, token,
                422 if errors else 200, form=form, errors=errors)


@attendee.route("/<registration_id>/cancel", methods=["GET", "POST"])
def cancel(registration_id: str) -> Any:
    """GET shows what would be refunded now (nothing recorded); POST cancels."""
    registration, config, token = holder_registration(registration_id)
    if request.method == "POST" and not registration.is_cancelled:
        services().cancellations.cancel(registration.id)  # refunds what the policy owes
        return back_to_manage(registration, token, "cancelled")
    terms = None if registration.is_cancelled else cancellation_terms(
        config.cancellation_policy, total=registration.total, paid=registration.paid,
        at=services().clock())
    return page("attendee/cancel.html", registration, config, token, terms=terms)
