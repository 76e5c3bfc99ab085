"""The attendee's secret manage link: see the registration, correct it, hand it on, cancel."""

from __future__ import annotations

from typing import Any

from flask import Blueprint, redirect, request, url_for

from domain.attendee import Attendee
from domain.errors import DomainError
from domain.money import Money
from domain.questions import AnswersRefused
from registration.services.history import for_holder
from registration.services.views import RegistrationView
from registration.web.attendee.holder import drop_grant, holder_registration, page
from registration.web.common import i18n
from registration.web.common.answers import (
    answer_errors,
    form_answers,
    form_values,
    readable_answers,
)
from registration.web.common.forms import Errors, attendee_payload, refusal, validate
from registration.web.common.history_text import describe, who
from registration.web.common.http import services
from registration.web.common.lookups import ledger
from registration.web.common.pages import protect
from registration.web.common.schemas import AttendeeSchema

attendee = protect(Blueprint("attendee", __name__, url_prefix="/r"))


def history(registration: RegistrationView) -> list[dict[str, Any]]:
    """What happened, as the holder may read it (see services.history.for_holder)."""
    config = registration.edition
    return [{"event": item.event, "at": item.at, "text": describe(item, config),
             "by": who(item.actor)}
            for item in for_holder(services().registrations.history(registration.id))]


def payments(registration: RegistrationView) -> list[dict[str, Any]]:
    """Money received and refunded, from the registration's events."""
    lines = []
    for item in services().registrations.history(registration.id):
        if item.event in {"PaymentReceived", "RefundIssued"}:
            lines.append({"at": item.at, "refund": item.event == "RefundIssued",
                          "amount": Money.from_dict(item.details["amount"]),
                          "method": item.details.get("method", "")})
    return lines


@attendee.get("/<registration_id>/confirmation")
def confirmation(registration_id: str) -> Any:
    registration = holder_registration(registration_id)
    return page("attendee/confirmation.html", registration)


@attendee.get("/<registration_id>")
def manage(registration_id: str) -> Any:
    registration = holder_registration(registration_id)
    return page("attendee/manage.html", registration,
                payments=payments(registration), notice=request.args.get("done"),
                history=history(registration), ticket=services().desk.e_ticket(registration.id),
                documents=ledger().billing(str(registration.id), registration.invoices),
                answers=readable_answers(registration.edition, registration.registration_type,
                                         registration.answers, i18n.current_language()))


def back_to_manage(registration: RegistrationView, done: str) -> Any:
    return redirect(url_for("attendee.manage", registration_id=registration.id, done=done))


@attendee.route("/<registration_id>/details", methods=["GET", "POST"])
def details(registration_id: str) -> Any:
    registration = holder_registration(registration_id)
    errors: Errors = {}
    form: Any = registration.attendee.to_dict()
    if request.method == "POST":
        form = request.form
        # The page shows every field: an emptied required one is refused beside it (422),
        # as the API refuses it, instead of being left as it was.
        data, errors = validate(AttendeeSchema(), attendee_payload(form))
        current = registration.attendee.to_dict()
        changes = {key: value for key, value in data.items() if value != current.get(key)}
        if not errors and changes:
            try:
                services().registrations.correct_details(registration.id, changes)
                return back_to_manage(registration, "corrected")
            except DomainError as error:
                errors = refusal(error)
        elif not errors:
            return back_to_manage(registration, "corrected")
    return page("attendee/details.html", registration, 422 if errors else 200,
                form=form, errors=errors)


@attendee.route("/<registration_id>/answers", methods=["GET", "POST"])
def answers(registration_id: str) -> Any:
    """The edition's questions, answered again (all at once, as the API takes them)."""
    registration = holder_registration(registration_id)
    config, type_code = registration.edition, registration.registration_type
    errors: Errors = {}
    form: Any = form_values(registration.answers)
    if request.method == "POST":
        form = request.form
        try:
            services().registrations.answer_questions(
                registration.id, form_answers(config, type_code, form))
            return back_to_manage(registration, "answered")
        except AnswersRefused as refused:
            errors = answer_errors(config, refused)
        except DomainError as error:
            errors = refusal(error)
    return page("attendee/answers.html", registration, 422 if errors else 200, form=form,
                errors=errors, questions=config.questions_for(type_code))


@attendee.route("/<registration_id>/substitute", methods=["GET", "POST"])
def substitute(registration_id: str) -> Any:
    registration = holder_registration(registration_id)
    errors: Errors = {}
    form: Any = {"organisation": registration.attendee.organisation,
                 "language": registration.attendee.language}
    if request.method == "POST":
        form = request.form
        data, errors = validate(AttendeeSchema(), attendee_payload(form))
        if not errors:
            try:
                handed = services().registrations.substitute(registration.id, Attendee(**data))
                drop_grant(registration.id)  # this session's link has ended
                return page("attendee/handed_on.html", handed)
            except DomainError as error:
                errors = refusal(error)
    return page("attendee/substitute.html", registration,
                422 if errors else 200, form=form, errors=errors)


@attendee.route("/<registration_id>/cancel", methods=["GET", "POST"])
def cancel(registration_id: str) -> Any:
    """GET shows what would be refunded now (nothing recorded); POST cancels."""
    registration = holder_registration(registration_id)
    if request.method == "POST" and not registration.is_cancelled:
        services().cancellations.cancel(registration.id)  # refunds what the policy owes
        return back_to_manage(registration, "cancelled")
    terms = services().registrations.refund_preview(registration.id)
    return page("attendee/cancel.html", registration, terms=terms)

