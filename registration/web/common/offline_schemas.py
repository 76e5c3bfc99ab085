"""What a desk device sends back when its network returns, and how it asks for its copy."""

from __future__ import annotations

from marshmallow import Schema, fields, validate

from domain.checkin_lists import DIRECTIONS
from registration.web.common.schemas import StrictSchema
from registration.web.common.text_fields import Text

TOKEN = validate.Regexp(r"^[A-Za-z0-9_-]{8,64}$", error="8 to 64 letters, digits, _ or -.")
QUEUE_UP_TO = 500


class OfflineScanSchema(StrictSchema):
    nonce = Text(required=True, validate=TOKEN, metadata={
        "description": "Chosen by the device (a random UUID): the same nonce twice records once."})
    code = Text(required=True, validate=validate.Length(min=1, max=200), metadata={
        "description": "The QR code's text or the short code, as scanned."})
    checkin_list = Text(required=True, data_key="list", validate=validate.Length(min=1, max=63))
    direction = Text(required=True, validate=validate.OneOf(DIRECTIONS))
    scanned_at = fields.AwareDateTime(required=True, metadata={
        "description": "The device's clock when scanned, with its offset."})


class OfflineSyncSchema(StrictSchema):
    device = Text(required=True, validate=TOKEN, metadata={
        "description": "The device's own id (kept in its browser)."})
    scans = fields.List(fields.Nested(OfflineScanSchema), required=True,
                        validate=validate.Length(max=QUEUE_UP_TO))


class DeskCopyQuerySchema(Schema):
    since = fields.Integer(load_default=None, validate=validate.Range(min=0), metadata={
        "description": "The `position` of the copy the device holds: only what changed since."})
