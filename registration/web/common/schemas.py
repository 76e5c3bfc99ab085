"""What the JSON API accepts: marshmallow schemas, so nothing unvalidated reaches an event."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from marshmallow import (
    RAISE,
    Schema,
    ValidationError,
    fields,
    validate,
    validates_schema,
)

from domain.attendee import CORRECTABLE, Attendee
from domain.edition_document import LANGUAGES
from registration.web.common.text_fields import EmailAddress, MultilineText, Text

NAME = validate.Length(min=1, max=100)
PHONE = validate.Regexp(r"^\+?[0-9 ()./-]{6,25}$", error="Not a phone number.")
FIRST_YEAR, LAST_YEAR = 1970, 2199  # far years overflow time-zone arithmetic


def plausible_moment(moment: datetime) -> None:
    if not FIRST_YEAR <= moment.year <= LAST_YEAR:
        raise ValidationError(f"Give a moment between {FIRST_YEAR} and {LAST_YEAR}.")


class StrictSchema(Schema):
    class Meta:
        unknown = RAISE


class AttendeeSchema(StrictSchema):
    """Every text is cleaned (NFC, trimmed) before its length is checked: a blank name fails."""

    first_name = Text(required=True, validate=NAME)
    last_name = Text(required=True, validate=NAME)
    email = EmailAddress(required=True, validate=validate.Length(max=254))
    organisation = Text(required=True, validate=validate.Length(min=1, max=200))
    job_title = Text(required=True, validate=validate.Length(min=1, max=200))
    language = Text(load_default="en", validate=validate.OneOf(LANGUAGES))
    phone = Text(load_default=None, allow_none=True, validate=PHONE)

    def load_attendee(self, data: Any) -> Attendee:
        return Attendee(**self.load(data))


def staff_reason() -> MultilineText:
    """Why staff act on someone's registration: required from staff, as on their pages."""
    return MultilineText(load_default=None, validate=validate.Length(min=1, max=500), metadata={
        "description": "Staff only, and required from them: why (kept in the registration's "
                       "history, never shown to the attendee). The holder gives none."})


class CorrectionSchema(AttendeeSchema):
    """Only the fields being corrected; at least one."""

    reason = staff_reason()

    def __init__(self, **kwargs: Any) -> None:
        super().__init__(partial=True, **kwargs)  # so the OpenAPI document requires none

    @validates_schema
    def at_least_one(self, data: dict, **kwargs: Any) -> None:
        if not set(data) - {"reason"}:
            raise ValidationError(f"Give at least one of: {', '.join(CORRECTABLE)}.")


def answers_field(**kwargs: Any) -> fields.Dict:
    """Answers by question code: text or an option's code (a string), or true/false."""
    return fields.Dict(keys=fields.String(validate=validate.Length(min=1, max=40)),
                       values=AnswerValue(), validate=validate.Length(max=50), metadata={
                           "description": "Answers to the edition's `questions`, by code: a "
                           "text or an option's code, or true/false for yes/no and consent."},
                       **kwargs)


def extras_field(**kwargs: Any) -> fields.Dict:
    """Add-ons bought with the place, by code: how many of each (domain.extras)."""
    return fields.Dict(keys=fields.String(validate=validate.Length(min=1, max=40)),
                       values=fields.Integer(strict=True, validate=validate.Range(0, 20)),
                       validate=validate.Length(max=20), metadata={
                           "description": "Add-ons (the edition's `extras`) bought with the "
                           "place: how many of each, by code."}, **kwargs)


class AnswerValue(fields.Field):
    """A string or a boolean, left to the edition's questions to accept (domain.questions)."""

    def _deserialize(self, value: Any, attr: Any, data: Any, **kwargs: Any) -> Any:
        if isinstance(value, bool) or (isinstance(value, str) and len(value) <= 2000):
            return value
        raise ValidationError("An answer is a text (up to 2,000 characters) or true/false.")


class RegistrationRequestSchema(StrictSchema):
    attendee = fields.Nested(AttendeeSchema, required=True)
    registration_type = Text(required=True, validate=validate.Length(min=1, max=50))
    delegation = Text(load_default=None, allow_none=True, validate=validate.Length(min=1, max=20))
    discount_code = Text(load_default=None, allow_none=True,
                         validate=validate.Length(min=1, max=50))
    access_code = Text(load_default=None, allow_none=True, validate=validate.Length(
        min=1, max=50), metadata={"description": "The access code of an invitation-only "
                                                 "registration type (needed for it)."})
    answers = answers_field(load_default=dict)
    extras = extras_field(load_default=dict)
    offer = fields.UUID(load_default=None, allow_none=True, metadata={
        "description": "A waiting-list entry whose offer this registration takes one held "
                       "place of (same type and delegation); send the entry's link token as "
                       "`Authorization: Bearer <token>`."})


class LeadMemberSchema(StrictSchema):
    """A person a delegation lead adds (their delegation is the lead's)."""

    attendee = fields.Nested(AttendeeSchema, required=True)
    registration_type = Text(required=True, validate=validate.Length(min=1, max=50))
    discount_code = Text(load_default=None, allow_none=True,
                         validate=validate.Length(min=1, max=50))
    access_code = Text(load_default=None, allow_none=True, validate=validate.Length(
        min=1, max=50), metadata={"description": "The delegation's access code, for an "
                                                 "invitation-only type."})
    answers = answers_field(load_default=dict)


class AnswersSchema(StrictSchema):
    """Every answer to the questions asked of the registration's type (replacing earlier
    ones: an optional question left out is unanswered)."""

    answers = answers_field(required=True)


class EditionQuerySchema(StrictSchema):
    access_code = Text(load_default=None, validate=validate.Length(min=1, max=50), metadata={
        "description": "An access code: the invitation-only types it opens are listed too."})


class LinkRequestSchema(StrictSchema):
    """"Send me my link again": the address the registration uses."""

    email = EmailAddress(required=True, metadata={
        "description": "The e-mail address of the registration (its current holder's)."})


class QuoteRequestSchema(StrictSchema):
    registration_type = Text(required=True, validate=validate.Length(min=1, max=50))
    discount_code = Text(load_default=None, allow_none=True,
                         validate=validate.Length(min=1, max=50))
    access_code = Text(load_default=None, allow_none=True, validate=validate.Length(
        min=1, max=50), metadata={"description": "The access code of an invitation-only "
                                                 "registration type (its price is quoted "
                                                 "only with it)."})
    extras = extras_field(load_default=dict)
    at = fields.DateTime(load_default=None, allow_none=True, validate=plausible_moment,
                         metadata={"description": "Quote as of this moment (default: now); "
                                                  "without an offset, in the edition's zone."})


class SubstitutionSchema(StrictSchema):
    attendee = fields.Nested(AttendeeSchema, required=True)
    reason = staff_reason()


class AttendanceQuerySchema(Schema):
    as_of = Text(load_default=None, metadata={
        "description": "Answer for this past moment: a date (the end of that day in the "
                       "edition's zone) or a date-time.", "example": "2019-05-01"})


def load_json(schema: Schema, payload: Any) -> dict:
    if not isinstance(payload, dict):
        raise ValidationError({"_schema": ["Send a JSON object."]})
    return schema.load(payload)


class ApprovalDecisionSchema(StrictSchema):
    """The organisers' decision on a place awaiting approval; turning one down needs the
    reason the person is told."""

    decision = fields.String(required=True, validate=validate.OneOf(("approve", "refuse")),
                             metadata={"description": "approve, or refuse (turn it down)."})
    note = MultilineText(load_default="", validate=validate.Length(max=1000), metadata={
        "description": "For the person: a note with an approval; the reason of a refusal."})

    @validates_schema
    def reason_for_a_refusal(self, data: dict[str, Any], **kwargs: Any) -> None:
        if data.get("decision") == "refuse" and not (data.get("note") or "").strip():
            raise ValidationError("Say why: the person is told.", "note")
