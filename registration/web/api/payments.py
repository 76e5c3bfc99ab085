"""Card payments in the JSON API: open a payment (alone or for a group) and pay it by card."""

from __future__ import annotations

from typing import Any
from uuid import UUID

from flask import Blueprint
from marshmallow import fields, validate

from domain.errors import Invalid, WrongToken
from domain.outcome import Outcome
from registration.services.payments import Checkout
from registration.services.views import RegistrationView
from registration.web.api.access import registration_for_caller
from registration.web.common.auth import current_staff, holder_or_staff
from registration.web.common.errors import ApiError
from registration.web.common.http import body, services
from registration.web.common.idempotency import claim, replays
from registration.web.common.ratelimit import budget
from registration.web.common.schemas import StrictSchema, load_json
from registration.web.common.text_fields import Text

payments = Blueprint("payments", __name__, url_prefix="/api")


class GroupMemberSchema(StrictSchema):
    id = fields.UUID(required=True)
    token = Text(load_default=None, allow_none=True,
                 metadata={"description": "The registration's manage token "
                                          "(not needed with a staff token)."})


class GroupPaymentSchema(StrictSchema):
    registrations = fields.List(fields.Nested(GroupMemberSchema), required=True,
                                validate=validate.Length(min=1, max=200))


class CardPaymentSchema(StrictSchema):
    client_secret = Text(required=True, validate=validate.Length(min=10, max=200))
    token = Text(required=True, validate=validate.Length(min=4, max=200), metadata={
        "description": "The card token Stripe.js made (`stripe.createToken(card)`)."})


def checkout_json(checkout: Checkout) -> dict[str, Any]:
    gateway = services().payments.gateway
    return {
        "payment": checkout.reference,
        "client_secret": checkout.client_secret,
        "status": checkout.status,
        "amount": str(checkout.amount.amount),
        "currency": checkout.amount.currency,
        "shares": {str(rid): str(share.amount) for rid, share in checkout.shares.items()},
        "publishable_key": gateway.publishable_key,
        "stripe_js": gateway.js_url,
    }


def payment_outcome(checkout: Checkout | None) -> Outcome | None:
    return Outcome("payment", (checkout.reference,)) if checkout is not None else None


def payment_answered(outcome: Outcome) -> Any:
    return checkout_json(services().payments.checkout_of(outcome.ids[0]))


@payments.post("/registrations/<registration_id>/payment")
@holder_or_staff()
@budget("payments")
@replays(payment_answered)
def open_payment(registration_id: str) -> Any:
    """Open the card payment of the amount due (or return the one already open).

    The amount is the frozen quote's balance, in the edition's currency: the client never
    sends an amount. Pay it with Stripe.js and the `client_secret`, or through
    `/api/payments/{payment}/card`.
    ---
    responses:
      200:
        content: {application/json: {schema: Checkout}}
        x-links: {reference: $response.body#/payment}
        x-body-links:
          payments_pay_by_card: {client_secret: $response.body#/client_secret}
        description: >-
          The `payment` (a Stripe PaymentIntent id), its `client_secret`, `amount`,
          `currency`, each registration's share, and the Stripe.js URL and publishable key.
      409: {description: "Already paid, or cancelled."}
      503: {description: "Stripe is unreachable: nothing was recorded; try again."}
    """
    registration = registration_for_caller(registration_id)
    return checkout_json(services().payments.checkout(
        [registration.id], idempotency=claim(payment_outcome)))


@payments.post("/editions/<slug>/group-payments")
@holder_or_staff(tokens_in_body=True)
@budget("payments")
@replays(payment_answered)
def open_group_payment(slug: str) -> Any:
    """Open one card payment for several registrations of an edition (a delegation's lead).

    Each registration is named with its manage token (or the caller is staff); each records
    its own share when the payment succeeds.
    ---
    requestBody: {required: true, content: {application/json: {schema: GroupPaymentSchema}}}
    responses:
      200:
        description: "As for one registration, with every registration's share."
        content: {application/json: {schema: Checkout}}
        x-links: {reference: $response.body#/payment}
      409: {description: "One of them is already paid, or cancelled."}
      503: {description: "Stripe is unreachable: nothing was recorded; try again."}
    """
    data = load_json(GroupPaymentSchema(), body())
    services().editions.config(slug)  # 404 for an unknown edition
    ids = [group_member(member["id"], member["token"], slug).id
           for member in data["registrations"]]
    return checkout_json(services().payments.checkout(ids, idempotency=claim(payment_outcome)))


def group_member(registration_id: UUID, token: str | None, slug: str) -> RegistrationView:
    """A registration of the group: opened by its token (unless staff pays), of the edition."""
    try:
        registration = services().registrations.view(registration_id) if current_staff() \
            else services().registrations.for_holder(registration_id, token or "")
    except WrongToken:
        raise ApiError(403, f"The token for registration {registration_id} does not give "
                            "access to it.") from None
    if registration.edition.slug != slug:
        raise Invalid(f"Registration {registration_id} is not for {slug}.")
    return registration


@payments.post("/payments/<reference>/card")
@budget("payments")
def pay_by_card(reference: str) -> Any:
    """Pay an open payment with a card token from Stripe.js; the server confirms it.

    Possession of the payment's client secret authorises the call, as with Stripe.js.
    The payment is recorded when Stripe's webhook confirms it; a declined card is
    recorded now and answered with 402 and Stripe's message.
    ---
    requestBody: {required: true, content: {application/json: {schema: CardPaymentSchema}}}
    responses:
      200:
        content: {application/json: {schema: CardOutcome}}
        description: >-
          `status`: `succeeded` or `processing` (the webhook will record it), or
          `requires_action` with the `client_secret` to finish authentication in Stripe.js.
      402: {description: "Declined: `error` is Stripe's message, `details.reason` its code."}
      422: {description: "Invalid fields, or Stripe knows no card by this token."}
      503: {description: "Stripe is unreachable: nothing was charged; try again."}
    """
    data = load_json(CardPaymentSchema(), body())
    outcome = services().payments.pay_with_card(reference, data["client_secret"], data["token"])
    if outcome.status == "declined":
        raise ApiError(402, outcome.message or "The card was declined.",
                       {"code": "card_declined", "reason": outcome.reason})
    return {"status": outcome.status, "client_secret": outcome.client_secret}


def payment_status(registration: RegistrationView) -> dict[str, Any]:
    return {"status": registration.status,
            "balance_due": str(registration.balance_due.amount),
            "payment": registration.payment_reference}


@payments.get("/registrations/<registration_id>/payment")
@holder_or_staff()
def show_payment(registration_id: str) -> Any:
    """Show where the registration's payment stands (the checkout page polls this).
    ---
    responses:
      200: {description: "`status`, `balance_due` and the open `payment`, if any.",
            content: {application/json: {schema: PaymentStatus}}}
    """
    return payment_status(registration_for_caller(registration_id))
