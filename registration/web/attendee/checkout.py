"""The page where an attendee pays their registration by card (Stripe.js, server confirmation).

It opens with the registration's manage link (the session's grant: see holder) and speaks
the language the other pages do. Its script opens the payment and polls its status through
the two JSON addresses below, authorised by the same session (and the page's CSRF token
for opening), so no manage token is ever written into the page.
"""

from __future__ import annotations

from typing import Any

from flask import Blueprint

from registration.services.views import RegistrationView
from registration.web.attendee.holder import holder_registration, page
from registration.web.common.headers import use_stripe_js
from registration.web.common.http import services
from registration.web.common.pages import protect
from registration.web.common.ratelimit import budget

checkout = protect(Blueprint("checkout", __name__))


@checkout.get("/pay/<registration_id>")
def pay(registration_id: str) -> Any:
    registration = holder_registration(registration_id)
    gateway = services().payments.gateway
    use_stripe_js()
    return page("public/checkout.html", registration,
                stripe_js=gateway.js_url, publishable_key=gateway.publishable_key)


@checkout.post("/pay/<registration_id>/payment")
@budget("payments")
def open_payment(registration_id: str) -> Any:
    """Open the card payment of the balance due (or the one already open), for the script."""
    registration = holder_registration(registration_id)
    opened = services().payments.checkout([registration.id])
    return {"payment": opened.reference, "client_secret": opened.client_secret,
            "status": opened.status}


@checkout.get("/pay/<registration_id>/payment")
def payment_status(registration_id: str) -> Any:
    """Where the payment stands (the script polls this until the webhook recorded it)."""
    return payment_state(holder_registration(registration_id))


def payment_state(registration: RegistrationView) -> dict[str, str | None]:
    return {"status": registration.status,
            "balance_due": str(registration.balance_due.amount),
            "payment": registration.payment_reference}
