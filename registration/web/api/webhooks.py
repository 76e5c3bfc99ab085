"""Stripe's webhook: verify the signature, then let the payment service re-read and record.

A body with a valid signature is still checked before use: it must be a Stripe event (an
object with a string `id` and `type`, and `data.object` an object naming the payment by a
string id). Anything else is refused with 400, never a server error.
"""

from __future__ import annotations

from typing import Any

import stripe
from flask import Blueprint, current_app, request

from domain.actor import Actor
from domain.text import TextRefused, clean_text
from registration.services.payments import INTENT_EVENTS
from registration.web.common.acting import act_as
from registration.web.common.errors import ApiError
from registration.web.common.http import services
from registration.web.common.request_limits import loads_bounded

webhooks = Blueprint("webhooks", __name__, url_prefix="/webhooks")
MAX_ID = 255  # Stripe's ids are far shorter


@webhooks.post("/stripe")
def stripe_webhook() -> Any:
    settings = current_app.config["SETTINGS"]
    try:
        payload = request.get_data().decode("utf-8")
    except UnicodeDecodeError:
        raise ApiError(400, "The webhook body is not UTF-8 text.") from None
    try:
        stripe.WebhookSignature.verify_header(payload, request.headers.get("Stripe-Signature"),
                                              settings.stripe_webhook_secret,
                                              stripe.Webhook.DEFAULT_TOLERANCE)  # 5 minutes
    except stripe.SignatureVerificationError as error:
        raise ApiError(400, f"The Stripe signature does not verify: {error}") from error
    try:
        document = loads_bounded(payload)
    except ValueError:
        raise ApiError(400, "The webhook body is not JSON.") from None
    event_id, kind, obj = stripe_event(document)
    act_as(Actor.stripe(event_id))
    outcome = services().payments.handle_notice(event_id, kind, obj)
    if kind == "payment_intent.succeeded":  # for a place that ended meanwhile: sent back
        services().cancellations.refund_late_payment(str(obj["id"]))
    return {"received": event_id, "outcome": outcome}


def stripe_event(event: Any) -> tuple[str, str, dict[str, Any]]:
    """The event's id, type and object, if the body is the Stripe event it claims to be."""
    if not isinstance(event, dict):
        raise not_an_event("the body is not a JSON object")
    event_id, kind = identifier(event, "id"), identifier(event, "type")
    data = event.get("data")
    obj = data.get("object") if isinstance(data, dict) else None
    if not isinstance(obj, dict):
        raise not_an_event("data.object is not an object")
    if kind in INTENT_EVENTS:
        identifier(obj, "id", "data.object.")
    elif kind == "charge.refunded" and obj.get("payment_intent") is not None:
        identifier(obj, "payment_intent", "data.object.")
    return event_id, kind, obj


def identifier(where: dict[str, Any], name: str, prefix: str = "") -> str:
    value = where.get(name)
    if not isinstance(value, str) or not 0 < len(value) <= MAX_ID:
        raise not_an_event(f"{prefix}{name} is not a string of 1 to {MAX_ID} characters")
    try:
        return clean_text(value, multiline=False)
    except TextRefused as refused:
        raise not_an_event(f"{prefix}{name}: {refused.message}") from None


def not_an_event(problem: str) -> ApiError:
    return ApiError(400, f"The webhook body is not a Stripe event: {problem}.",
                    {"code": "not_a_stripe_event"})
