"""One registration as finance and administrators see it, and what they may do to it:
correct the details, hand the place to someone else, change its type or delegation,
cancel it (with or without the fee) and record a refund sent by hand.

Each form carries its CSRF token and an idempotency key; each action records a reason
in the history. The desk has its own card for a registration (badge, check-in, payment
at the desk) and no access here.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any
from uuid import UUID

from flask import Blueprint, redirect, render_template, request, url_for
from marshmallow import Schema
from werkzeug.datastructures import MultiDict

from domain.attendee import Attendee
from domain.errors import DomainError
from domain.money import Money
from domain.outcome import Outcome
from registration.idempotency import Claim
from registration.services.views import RegistrationView
from registration.web.common import i18n
from registration.web.common.desk_schemas import AttendeeQuerySchema
from registration.web.common.forms import Errors, attendee_payload, refusal, typed, validate
from registration.web.common.history_text import METHODS, describe, who
from registration.web.common.http import services
from registration.web.common.idempotency import claim, replays
from registration.web.common.lookups import ledger
from registration.web.common.pages import display_name, protect
from registration.web.common.schemas import AttendeeSchema
from registration.web.common.staff_action_schemas import (
    PlaceChangeSchema,
    ReasonSchema,
    RefundByHandSchema,
    StaffCancellationSchema,
)
from registration.web.common.staff_session import staff_page
from registration.web.staff.context import chosen_edition, registration_for_page
from registration.web.staff.desk import names

registration_pages = protect(Blueprint("registration_pages", __name__,
                                       url_prefix="/staff/registrations"))
NEW_HOLDER = "new_"  # the substitution form's field prefix (the details form has the same fields)
MONEY_EVENTS = ("PaymentReceived", "RefundIssued")


def back(registration_id: object, done: str) -> Any:
    """To the page, saying what was done (read-your-writes: the page waits for it)."""
    return redirect(url_for("registration_pages.show", registration_id=registration_id,
                            done=done), 303)


def done_with(key: UUID) -> Callable[[Any], Outcome]:
    """The outcome an idempotency key keeps: the registration acted on."""
    return lambda _result: Outcome("staff_action", (str(key),))


def page(registration: RegistrationView, form_name: str = "",
         form: MultiDict[str, str] | None = None, errors: Errors | None = None) -> Any:
    config = registration.edition
    language = i18n.current_language()
    history = services().registrations.history(registration.id)
    entries = [{"event": item.event, "at": item.at, "text": describe(item, config),
                "by": who(item.actor)} for item in history]
    money = [{"at": item.at, "refund": item.event == "RefundIssued", "by": who(item.actor),
              "amount": Money.from_dict(item.details["amount"]),
              "reference": item.details["reference"],
              "method": i18n.gettext(METHODS.get(item.details.get("method", "card"), "card"))}
             for item in history if item.event in MONEY_EVENTS]
    attendee = registration.attendee.to_dict()
    forms: dict[str, Any] = {
        "details": attendee, "substitute": {NEW_HOLDER + "language": attendee["language"]},
        "place": {"registration_type": registration.registration_type,
                  "delegation": registration.delegation or ""},
        "cancel": {}, "refund": {"method": "bank_transfer"}}
    if form is not None:
        forms[form_name] = form
    return render_template(
        "staff/registration.html", registration=registration, config=config, entries=entries,
        money=money, forms=forms, new_holder=NEW_HOLDER,
        errors={name: errors or {} if name == form_name else {} for name in forms},
        documents=ledger().billing(str(registration.id), registration.invoices),
        terms=services().registrations.refund_preview(registration.id),
        types=[(t.code, t.name(language)) for t in config.registration_types],
        delegations=[(d.code, d.name(language)) for d in config.delegations],
        refund_methods=[(m, i18n.gettext(METHODS[m])) for m in ("bank_transfer", "cheque",
                                                                  "cash")],
        type_name=display_name(config, "type", registration.registration_type),
        delegation_name=registration.delegation and display_name(
            config, "delegation", registration.delegation),
        notice=request.args.get("done"),
    ), 422 if errors else 200


def checked(schema: Schema, fields: tuple[str, ...]) -> tuple[dict[str, Any], Errors]:
    """The form's `fields` (blanks left out), through `schema`."""
    return validate(schema, {name: value for name in fields
                             if (value := typed(request.form, name)) is not None})


@registration_pages.get("/")
@staff_page("finance")
def search() -> Any:
    """Find a registration by name, e-mail, organisation or delegation (the desk's search)."""
    config, documents = chosen_edition()
    searched, errors = validate(AttendeeQuerySchema(), {"q": request.args.get("q", "")[:200]})
    query = "" if errors else searched["q"]
    found = services().desk.attendees(config.slug, query) if config and query else []
    helpers = {**names(config), "open_person": lambda registration_id: url_for(
        "registration_pages.show", registration_id=registration_id)} if config else {}
    return render_template("staff/finance/registrations.html", config=config,
                           documents=documents, query=query, found=found,
                           error=errors.get("q"), **helpers), 422 if errors else 200


@registration_pages.get("/<registration_id>")
@staff_page("finance")
def show(registration_id: str) -> Any:
    return page(registration_for_page(registration_id))


def person_and_reason(prefix: str = "") -> tuple[dict[str, Any], Errors]:
    """The attendee's fields (with `prefix`) and the reason, each checked."""
    person, errors = validate(AttendeeSchema(), attendee_payload(request.form, prefix))
    reason, reason_errors = checked(ReasonSchema(), ("reason",))
    return {"attendee": person, **reason}, {**errors, **reason_errors}


def act(registration: RegistrationView, form_name: str, done: str,
        form: tuple[dict[str, Any], Errors],
        command: Callable[[dict[str, Any], Claim | None], Any]) -> Any:
    """Run `command` with the form's data and the request's idempotency claim, then back to
    the page saying what was `done`; a refusal shows beside its field (422), nothing done."""
    data, errors = form
    if not errors:
        try:
            command(data, claim(done_with(registration.id)))
            return back(registration.id, done)
        except DomainError as error:
            errors = refusal(error)
    return page(registration, form_name, request.form, errors)


@registration_pages.post("/<registration_id>/details")
@staff_page("finance")
@replays(lambda outcome: back(outcome.ids[0], "corrected"))
def correct(registration_id: str) -> Any:
    registration = registration_for_page(registration_id)
    current = registration.attendee.to_dict()
    return act(registration, "details", "corrected", person_and_reason(),
               lambda data, once: services().registrations.correct_details(
                   registration.id, {k: v for k, v in data["attendee"].items()
                                     if v != current.get(k)}, data["reason"], once))


@registration_pages.post("/<registration_id>/substitution")
@staff_page("finance")
@replays(lambda outcome: back(outcome.ids[0], "substituted"))
def substitute(registration_id: str) -> Any:
    registration = registration_for_page(registration_id)
    return act(registration, "substitute", "substituted", person_and_reason(NEW_HOLDER),
               lambda data, once: services().registrations.substitute(
                   registration.id, Attendee(**data["attendee"]), data["reason"], once))


@registration_pages.post("/<registration_id>/place")
@staff_page("finance")
@replays(lambda outcome: back(outcome.ids[0], "moved"))
def change_place(registration_id: str) -> Any:
    registration = registration_for_page(registration_id)
    form = checked(PlaceChangeSchema(), ("registration_type", "delegation", "reason"))
    return act(registration, "place", "moved", form,
               lambda data, once: services().staff_actions.change_place(
                   registration.id, data["registration_type"], data["delegation"],
                   data["reason"], once))


@registration_pages.post("/<registration_id>/cancellation")
@staff_page("finance")
@replays(lambda outcome: back(outcome.ids[0], "cancelled"))
def cancel(registration_id: str) -> Any:
    registration = registration_for_page(registration_id)
    form = checked(StaffCancellationSchema(), ("reason", "waive_fee"))
    return act(registration, "cancel", "cancelled", form,
               lambda data, once: services().cancellations.cancel(
                   registration.id, data["reason"], data["waive_fee"], once))


@registration_pages.post("/<registration_id>/refunds")
@staff_page("finance")
@replays(lambda outcome: back(outcome.ids[0], "refunded"))
def refund(registration_id: str) -> Any:
    registration = registration_for_page(registration_id)
    form = checked(RefundByHandSchema(), ("amount", "method", "reference", "reason"))
    return act(registration, "refund", "refunded", form,
               lambda data, once: services().staff_actions.refund_by_hand(
                   registration.id, data["amount"], data["method"], data["reference"],
                   data["reason"], once))
