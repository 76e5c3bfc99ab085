"""The page where an attendee pays their registration by card (Stripe.js, server confirmation).

It opens with the registration's manage link and speaks the language the other pages do.
"""

from __future__ import annotations

from typing import Any

from flask import Blueprint

from registration.web.attendee import holder_registration, page
from registration.web.pages import protect, services

checkout = protect(Blueprint("checkout", __name__))


@checkout.get("/pay/<registration_id>")
def pay(registration_id: str) -> Any:
    registration, config, token = holder_registration(registration_id)
    gateway = services().payments.gateway
    return page("public/checkout.html", registration, config, token,
                stripe_js=gateway.js_url, publishable_key=gateway.publishable_key)
