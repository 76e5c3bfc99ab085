"""What joining a waiting list accepts (the API's body and the page's form alike), and which
entries staff list."""

from __future__ import annotations

from typing import Any

from marshmallow import ValidationError, fields, validate, validates_schema

from domain.edition_config import MAX_WAITING_PLACES
from domain.edition_document import LANGUAGES
from registration.services.waiting_list import FILTERS
from registration.web.common.schemas import NAME, StrictSchema
from registration.web.common.text_fields import EmailAddress, Text


class WaitingListJoinSchema(StrictSchema):
    registration_type = Text(required=True, validate=validate.Length(min=1, max=50))
    delegation = Text(load_default=None, allow_none=True, validate=validate.Length(min=1, max=20))
    quantity = fields.Integer(load_default=1, strict=True, validate=validate.Range(
        min=1, max=MAX_WAITING_PLACES), metadata={"description": "How many places (a delegation "
                                                           "lead may wait for several)."})
    first_name = Text(required=True, validate=NAME)
    last_name = Text(required=True, validate=NAME)
    email = EmailAddress(required=True, validate=validate.Length(max=254))
    language = Text(load_default="en", validate=validate.OneOf(LANGUAGES))

    @validates_schema
    def several_for_a_delegation(self, data: dict[str, Any], **kwargs: Any) -> None:
        """Several places are a delegation lead's: they are registered with the group form."""
        if data.get("quantity", 1) > 1 and not data.get("delegation"):
            raise ValidationError("Several places are for a delegation: choose it.",
                                  "delegation")


class WaitingListQuerySchema(StrictSchema):
    status = Text(load_default="current", validate=validate.OneOf(FILTERS), metadata={
        "description": "`current` (waiting or offered, the default), `all`, or one status: "
                       "`waiting`, `offered`, `accepted`, `expired`, `left`."})
