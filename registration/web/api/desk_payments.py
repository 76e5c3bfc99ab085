"""Payments taken at the desk through the API: a card terminal or cash (desk role)."""

from __future__ import annotations

from typing import Any

from flask import Blueprint

from domain.outcome import Outcome
from registration.web.api.presenters import registration_json
from registration.web.common.auth import staff_required
from registration.web.common.desk_schemas import DeskPaymentSchema
from registration.web.common.http import body, parse_id, services
from registration.web.common.idempotency import claim, desk_payment_outcome, replays
from registration.web.common.schemas import load_json

desk_payments = Blueprint("desk_payments", __name__, url_prefix="/api")


def paid_again(outcome: Outcome) -> Any:
    return registration_json(services().registrations.view(parse_id(outcome.ids[0]))), 201


@desk_payments.post("/registrations/<registration_id>/desk-payments")
@staff_required("desk")
@replays(paid_again)
def take_payment(registration_id: str) -> Any:
    """Record money handed over at the desk, on the card terminal or in cash.
    ---
    requestBody: {required: true, content: {application/json: {schema: DeskPaymentSchema}}}
    responses:
      201:
        description: "The registration with its new balance; the payment is in its history,
          with its method and reference, and a receipt is e-mailed."
        content: {application/json: {schema: Registration}}
      404: {description: "No registration with this id."}
      409: {description: "The place is cancelled, already paid, billed by an invoice (record
            the payment there), the amount is more than what is due, or the reference is
            already recorded."}
      422: {description: "An amount, method or reference that is not valid."}
    """
    data = load_json(DeskPaymentSchema(), body())
    registration = services().desk_payments.take_payment(
        parse_id(registration_id), data["amount"], data["method"], data["reference"],
        claim(desk_payment_outcome))
    return registration_json(registration), 201
