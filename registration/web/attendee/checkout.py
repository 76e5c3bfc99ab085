"""The page where an attendee pays their registration by card (Stripe.js, server confirmation).

It opens with the registration's manage link and speaks the language the other pages do.
"""

from __future__ import annotations

from typing import Any

from flask import Blueprint

from registration.web.attendee.holder import holder_registration, page
from registration.web.common.headers import use_stripe_js
from registration.web.common.http import services
from registration.web.common.pages import protect

checkout = protect(Blueprint("checkout", __name__))


@checkout.get("/pay/<registration_id>")
def pay(registration_id: str) -> Any:
    registration, token = holder_registration(registration_id)
    gateway = services().payments.gateway
    use_stripe_js()
    return page("public/checkout.html", registration, token,
                stripe_js=gateway.js_url, publishable_key=gateway.publishable_key)
