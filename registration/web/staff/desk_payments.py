"""Taking a payment at the desk, from the attendee's card: the card terminal or cash."""

from __future__ import annotations

from typing import Any

from flask import Blueprint, redirect, render_template, request, url_for

from domain.errors import DomainError
from registration.web.common.desk_schemas import DeskPaymentSchema
from registration.web.common.forms import Errors, refusal, validate
from registration.web.common.http import services
from registration.web.common.idempotency import claim, desk_payment_outcome, replays
from registration.web.common.pages import protect, registration_key
from registration.web.common.staff_session import staff_page
from registration.web.staff.context import registration_for_page
from registration.web.staff.desk import names

desk_payment_pages = protect(Blueprint("desk_payment_pages", __name__,
                                       url_prefix="/staff/desk"))


def back_to_card(registration_id: str) -> Any:
    return redirect(url_for("desk_pages.card", registration_id=registration_id, done="paid"),
                    303)


@desk_payment_pages.post("/attendees/<registration_id>/payments")
@staff_page("desk")
@replays(lambda outcome: back_to_card(outcome.ids[0]))
def take_payment(registration_id: str) -> Any:
    key = registration_key(registration_id)
    data, errors = validate(DeskPaymentSchema(), {
        name: request.form.get(name, "") or None for name in ("amount", "method", "reference")})
    if not errors:
        try:
            services().desk_payments.take_payment(
                key, data["amount"], data["method"], data["reference"],
                claim(desk_payment_outcome))
            return back_to_card(str(key))
        except DomainError as error:
            errors = refusal(error)
    return card_with(registration_id, errors)


def card_with(registration_id: str, errors: Errors) -> Any:
    registration = registration_for_page(registration_id)
    config = registration.edition
    return render_template("staff/desk/card.html", registration=registration, config=config,
                           payment_form=request.form, payment_errors=errors,
                           **names(config)), 422
