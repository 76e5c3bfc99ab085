"""What the desk accepts, in the API and on its pages: badge filters, scanned codes, searches."""

from __future__ import annotations

from typing import Any

from marshmallow import RAISE, Schema, ValidationError, fields, validate, validates_schema

from domain.checkin_lists import DIRECTIONS
from domain.edition_config import BADGE_STOCKS
from domain.payment_details import DESK_PAYMENT_METHODS
from registration.web.common import i18n
from registration.web.common.amounts import Amount
from registration.web.common.schemas import StrictSchema
from registration.web.common.text_fields import Text


class BadgeQuerySchema(Schema):
    class Meta:
        unknown = RAISE

    stock = Text(load_default=None, validate=validate.OneOf(BADGE_STOCKS), metadata={
        "description": "Print on this stock instead of the edition's (4x3 or letter-6)."})


class BadgeBatchQuerySchema(BadgeQuerySchema):
    delegation = Text(load_default=None, validate=validate.Length(min=1, max=20))
    registration_type = Text(load_default=None, validate=validate.Length(min=1, max=50))
    not_printed = fields.Boolean(load_default=False, metadata={
        "description": "Only badges never printed yet."})
    only_paid = fields.Boolean(load_default=False, metadata={
        "description": "Only places paid for (or with nothing to pay)."})


class CheckInRequestSchema(StrictSchema):
    code = Text(required=True, validate=validate.Length(min=1, max=200), metadata={
        "description": "The text of the badge's QR code, as scanned, or the short code "
                       "printed under it (K7M-4QX-9RT: case, spaces and dashes do not matter)."})
    checkin_list = Text(load_default=None, data_key="list",
                        validate=validate.Length(min=1, max=63), metadata={
                            "description": "The check-in list's code (default: the edition's "
                                           "first list, the conference entry)."})
    direction = Text(load_default="entry", validate=validate.OneOf(DIRECTIONS), metadata={
        "description": "`entry` (default) or `exit`."})


class PresenceQuerySchema(Schema):
    as_of = Text(load_default=None, metadata={
        "description": "Answer for this past moment: a date (the end of that day in the "
                       "edition's zone) or a date-time.", "example": "2019-06-03T10:30"})


class AttendeeQuerySchema(Schema):
    q = Text(load_default="", validate=validate.Length(max=200), metadata={
        "description": "Words to find in a name, e-mail, organisation or delegation."})


class DeskPaymentSchema(StrictSchema):
    amount = Amount(required=True, metadata={
        "type": "string", "example": "125.00",
        "description": "In the place's currency; `125.00`, or as typed in the person's "
                       "language (`125,00` in French)."})
    method = Text(required=True, validate=validate.OneOf(DESK_PAYMENT_METHODS), metadata={
        "description": "`card_terminal` (the desk's card terminal) or `cash`."})
    reference = Text(load_default=None, validate=validate.Length(max=100), metadata={
        "description": "The terminal's transaction number (required for `card_terminal`); "
                       "made up for cash when not given. A reference already recorded on "
                       "the place is refused (409)."})

    @validates_schema
    def terminal_needs_reference(self, data: dict[str, Any], **_: Any) -> None:
        if data.get("method") == "card_terminal" and not data.get("reference"):
            raise ValidationError(i18n.gettext(
                "Type the transaction number the card terminal printed."), "reference")


class BadgeBatchRequestSchema(BadgeBatchQuerySchema):
    """The badges a background batch prints (every field optional: all of the edition's)."""
