"""HTML forms to the API's marshmallow schemas, and refusals back to messages beside fields."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from marshmallow import Schema, ValidationError
from werkzeug.datastructures import MultiDict

from domain.errors import DomainError
from domain.registration import CORRECTABLE
from registration.web.i18n import N_, gettext

Errors = dict[str, str]

# Messages from the schemas and the domain, translated where they are shown.
MESSAGES = {
    "Missing data for required field.": N_("Required."),
    "Not a valid email address.": N_("Enter an e-mail address like name@example.com."),
    "Not a phone number.": N_("Enter a phone number, e.g. +1 514 555 0100."),
}
# Which field a refusal belongs beside, and what it says.
REFUSALS = {
    "duplicate_email": ("email", N_("This e-mail address is already registered for this "
                                     "edition.")),
    "code_invalid": ("discount_code", N_("This discount code is unknown, expired or not valid "
                                         "for this registration type.")),
    "code_exhausted": ("discount_code", N_("This discount code has been used up.")),
    "sold_out": ("registration_type", N_("There are no places left for this registration "
                                         "type.")),
    "allotment_exhausted": ("delegation", N_("This delegation has no places left.")),
    "unknown_delegation": ("delegation", N_("Choose a delegation from the list.")),
    "unknown_registration_type": ("registration_type", N_("Choose a registration type.")),
    "registration_closed": ("", N_("Registration is not open for this edition.")),
    "already_cancelled": ("", N_("This registration is cancelled.")),
}


def attendee_payload(form: MultiDict[str, str], prefix: str = "") -> dict[str, str]:
    """The attendee's fields as typed, leaving blanks out (so they read as "required")."""
    values = {key: form.get(prefix + key, "").strip() for key in CORRECTABLE}
    return {key: value for key, value in values.items() if value}


def validate(schema: Schema, payload: Mapping[str, Any]) -> tuple[dict[str, Any], Errors]:
    try:
        return schema.load(dict(payload)), {}
    except ValidationError as error:
        return {}, flatten(error.messages)


def flatten(messages: Any, into: Errors | None = None) -> Errors:
    """`{"attendee": {"email": ["…"]}}` → `{"email": "…"}`, translated."""
    errors: Errors = {} if into is None else into
    if not isinstance(messages, Mapping):
        errors[""] = translate(_first(messages))
        return errors
    for field, value in messages.items():
        if isinstance(value, Mapping):
            flatten(value, errors)
        else:
            errors["" if field == "_schema" else str(field)] = translate(_first(value))
    return errors


def _first(value: Any) -> str:
    return str(value[0]) if isinstance(value, list | tuple) and value else str(value)


def translate(message: str) -> str:
    return gettext(MESSAGES.get(message, message))


def refusal(error: DomainError) -> Errors:
    """A domain refusal as a message beside its field ("" for the whole form)."""
    field, message = REFUSALS.get(error.code, ("", error.message))
    return {field: gettext(message)}
