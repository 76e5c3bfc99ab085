"""Stripe's webhook: verify the signature, then let the payment service re-read and record."""

from __future__ import annotations

import json
from typing import Any

import stripe
from flask import Blueprint, current_app, request

from domain.actor import Actor
from registration.web.common.acting import act_as
from registration.web.common.errors import ApiError
from registration.web.common.http import services

webhooks = Blueprint("webhooks", __name__, url_prefix="/webhooks")


@webhooks.post("/stripe")
def stripe_webhook() -> Any:
    settings = current_app.config["SETTINGS"]
    payload = request.get_data()
    try:
        stripe.Webhook.construct_event(payload, request.headers.get("Stripe-Signature"),
                                       settings.stripe_webhook_secret)
    except stripe.SignatureVerificationError as error:
        raise ApiError(400, f"The Stripe signature does not verify: {error}") from error
    except ValueError:
        raise ApiError(400, "The webhook body is not JSON.") from None
    event = json.loads(payload)
    act_as(Actor.stripe(str(event["id"])))
    obj = event.get("data", {}).get("object") or {}
    outcome = services().payments.handle_notice(str(event["id"]), str(event["type"]), obj)
    return {"received": event["id"], "outcome": outcome}
