"""What the desk accepts, in the API and on its pages: badge filters, scanned codes, searches."""

from __future__ import annotations

from marshmallow import RAISE, Schema, fields, validate

from domain.edition_config import BADGE_STOCKS
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
        "description": "The text of the badge's QR code, as scanned."})


class AttendeeQuerySchema(Schema):
    q = Text(load_default="", validate=validate.Length(max=200), metadata={
        "description": "Words to find in a name, e-mail, organisation or delegation."})


class BadgeBatchRequestSchema(BadgeBatchQuerySchema):
    """The badges a background batch prints (every field optional: all of the edition's)."""
