"""HTML forms to the API's marshmallow schemas, and refusals back to messages beside fields."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from marshmallow import Schema, ValidationError
from werkzeug.datastructures import MultiDict

from domain.errors import DomainError
from domain.registration import CORRECTABLE
from registration.web.i18n import N_, gettext
from registration.web.refusals import refusal_field, refusal_message

Errors = dict[str, str]

# Messages from the schemas, translated where they are shown.
MESSAGES = {
    "Missing data for required field.": N_("Required."),
    "Not a valid email address.": N_("Enter an e-mail address like name@example.com."),
    "Not a phone number.": N_("Enter a phone number, e.g. +1 514 555 0100."),
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
    return {refusal_field(error): refusal_message(error)}
