"""Finance's actions on a registration through the API: a change of type or delegation, a
cancellation with a reason (perhaps without the fee), a refund sent by hand."""

from __future__ import annotations

from typing import Any

from flask import Blueprint

from domain.outcome import Outcome
from registration.web.api.presenters import registration_json, terms_json
from registration.web.common.auth import staff_required
from registration.web.common.http import body, parse_id, services
from registration.web.common.idempotency import claim, replays
from registration.web.common.schemas import load_json
from registration.web.common.staff_action_schemas import (
    PlaceChangeSchema,
    RefundByHandSchema,
    StaffCancellationSchema,
)

staff_actions = Blueprint("staff_actions", __name__, url_prefix="/api")


def refund_outcome(registration_id: str) -> Any:
    """What a refund by hand keeps with its Idempotency-Key: the registration refunded."""
    return lambda _result: Outcome("refund", (registration_id,))


def refunded_again(outcome: Outcome) -> Any:
    return registration_json(services().registrations.view(parse_id(outcome.ids[0]))), 201


@staff_actions.post("/registrations/<registration_id>/place-change")
@staff_required("finance")
def change_place(registration_id: str) -> Any:
    """Move the registration to another type or delegation, re-quoted.

    The new price is the one in force when the place was first registered (an early-bird
    price is kept; a discount code too, when valid for the new type). The new type's and
    delegation's places are taken and the old ones given back in one save. The difference
    adjusts the balance: more to pay, or a refund owed. Where an invoice bills the place,
    the difference is billed in the same save: a supplementary invoice to the same bill-to
    (e-mailed, due under the payment terms) or credit notes, the newest document first
    (a supplementary invoice), up to what each still bills. The attendee is told by e-mail.
    ---
    requestBody: {required: true, content: {application/json: {schema: PlaceChangeSchema}}}
    responses:
      200:
        description: The registration with its new type, delegation, quote and balance.
        content: {application/json: {schema: Registration}}
      409: {description: "The place is cancelled, or the new type or delegation has no
            places left."}
      422: {description: "An unknown type or delegation, no reason, or nothing changed."}
    """
    data = load_json(PlaceChangeSchema(), body())
    return registration_json(services().staff_actions.change_place(
        parse_id(registration_id), data["registration_type"], data["delegation"],
        data["reason"]))


@staff_actions.post("/registrations/<registration_id>/staff-cancellation")
@staff_required("finance")
def cancel(registration_id: str) -> Any:
    """Cancel the registration for the attendee, with a reason, perhaps waiving the fee.

    Under the cancellation policy in force now (without its fixed fee with `waive_fee`);
    what was paid by card and is owed back is refunded to the card, once. The attendee is
    told by e-mail; the reason stays in the history.
    ---
    requestBody: {required: true, content: {application/json: {schema: StaffCancellationSchema}}}
    responses:
      200:
        content: {application/json: {schema: Cancellation}}
        description: The cancelled `registration`, and the `refund` owed under the policy.
      409: {description: This registration is already cancelled (and refunded).}
      503: {description: "Stripe is unreachable: retry (nothing is refunded twice)."}
    """
    data = load_json(StaffCancellationSchema(), body())
    updated = services().cancellations.cancel(parse_id(registration_id), data["reason"],
                                              data["waive_fee"])
    assert updated.cancellation is not None
    return {"registration": registration_json(updated),
            "refund": terms_json(updated.cancellation)}


@staff_actions.post("/registrations/<registration_id>/refunds")
@staff_required("finance")
@replays(refunded_again)
def refund(registration_id: str) -> Any:
    """Record money sent back by hand: a bank transfer, a cheque or cash.

    At most what was paid and not yet refunded; the attendee is told by e-mail. A card
    payment is refunded through the processor when the registration is cancelled.
    ---
    requestBody: {required: true, content: {application/json: {schema: RefundByHandSchema}}}
    responses:
      201:
        description: The registration with what it has been refunded.
        content: {application/json: {schema: Registration}}
      409: {description: "More than was paid and not yet refunded, or the reference is
            already recorded."}
    """
    data = load_json(RefundByHandSchema(), body())
    registration = services().staff_actions.refund_by_hand(
        parse_id(registration_id), data["amount"], data["method"], data["reference"],
        data["reason"], claim(refund_outcome(registration_id)))
    return registration_json(registration), 201
