"""The page where an attendee pays their registration by card (Stripe.js, server confirmation)."""

from __future__ import annotations

from typing import Any
from uuid import UUID

from flask import Blueprint, abort, current_app, render_template, request

from domain.edition import Edition
from registration.application import same_secret
from registration.services.container import Services

checkout = Blueprint("checkout", __name__)


@checkout.get("/pay/<registration_id>")
def pay(registration_id: str) -> Any:
    services: Services = current_app.extensions["services"]
    try:
        registration = services.registrations.get(UUID(registration_id))
    except ValueError:
        abort(404)
    token = request.args.get("token", "")
    if not same_secret(token, registration.manage_token_hash):
        abort(403, description="This link does not open this registration.")
    edition = services.app.load(registration.edition_id, Edition, "edition")
    gateway = services.payments.gateway
    return render_template(
        "public/checkout.html", registration=registration, token=token,
        edition_name=edition.config.name(registration.attendee.language),
        stripe_js=gateway.js_url, publishable_key=gateway.publishable_key)
