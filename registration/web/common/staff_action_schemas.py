"""What finance staff's actions on a registration accept (its page's forms and the API)."""

from __future__ import annotations

from marshmallow import fields, validate

from domain.staff_actions import REFUND_METHODS
from registration.web.common.amounts import Amount
from registration.web.common.schemas import StrictSchema
from registration.web.common.text_fields import MultilineText, Text


class ReasonSchema(StrictSchema):
    reason = MultilineText(required=True, validate=validate.Length(min=1, max=500), metadata={
        "description": "Why: kept in the registration's history (never shown to the "
                       "attendee)."})


class StaffCancellationSchema(ReasonSchema):
    waive_fee = fields.Boolean(load_default=False, metadata={
        "description": "Waive the policy's fixed cancellation fee (its refund schedule "
                       "still applies)."})


class PlaceChangeSchema(ReasonSchema):
    registration_type = Text(required=True, validate=validate.Length(min=1, max=50))
    delegation = Text(load_default=None, allow_none=True, validate=validate.Length(min=1, max=20),
                      metadata={"description": "The delegation's code; null: none."})


class RefundByHandSchema(ReasonSchema):
    amount = Amount(required=True, metadata={
        "type": "string", "example": "125.00",
        "description": "In the place's currency: `125.00`, or as typed in the person's "
                       "language (`125,00` in French); at most what was paid and not yet "
                       "refunded."})
    method = Text(required=True, validate=validate.OneOf(REFUND_METHODS))
    reference = Text(required=True, validate=validate.Length(min=1, max=100), metadata={
        "description": "The transfer's or cheque's number; one already recorded is "
                       "refused (409)."})
