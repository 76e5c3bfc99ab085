"""HTML forms to the API's marshmallow schemas, and refusals back to messages beside fields."""

from __future__ import annotations

import re
from collections.abc import Mapping
from typing import Any

from marshmallow import Schema, ValidationError
from werkzeug.datastructures import MultiDict

from domain.attendee import CORRECTABLE
from domain.errors import DomainError
from registration.web.common.i18n import N_, gettext
from registration.web.common.refusals import refusal_field, refusal_message
from registration.web.common.text_fields import RefusalMessage, translate_refusal

Errors = dict[str, str]

# Messages from the schemas, translated where they are shown.
MESSAGES = {
    "Missing data for required field.": N_("Required."),
    "Not a valid email address.": N_("Enter an e-mail address like name@example.com."),
    "Not a phone number.": N_("Enter a phone number, e.g. +1 514 555 0100."),
    "Not a valid date.": N_("Enter a date like 2019-06-02."),
    "The period ends before it starts.": N_("The period ends before it starts."),
    "A period of a year at most.": N_("A period of a year at most."),
    "Say why: the person is told.": N_("Say why: the person is told."),
    "Must be one of: approve, refuse.": N_("Approve or turn down."),
    "Several places are for a delegation: choose it.": N_("Several places are for a "
                                                          "delegation: choose it."),
    "Must be greater than or equal to 1 and less than or equal to 30.": N_(
        "From 1 to 30 places."),
}
# Marshmallow's refusals that carry numbers or choices: lengths (a list's in lines), a choice.
PATTERNS = (
    (re.compile(r"^Longer than maximum length (?P<max>\d+)\.$"),
     N_("At most %(max)s characters.")),
    (re.compile(r"^Shorter than minimum length (?P<min>\d+)\.$"),
     N_("At least %(min)s characters.")),
    (re.compile(r"^Length must be between (?P<min>\d+) and (?P<max>\d+)\.$"),
     N_("Between %(min)s and %(max)s characters.")),
    (re.compile(r"^At most (?P<max>\d+) lines\.$"), N_("At most %(max)s lines.")),
    (re.compile(r"^Must be one of: .*\.$"), N_("Choose one of the options offered.")),
)


def attendee_payload(form: MultiDict[str, str], prefix: str = "") -> dict[str, str]:
    """The attendee's fields as typed, leaving blanks out (so they read as "required").

    The values go to the schema untouched: its text fields trim them, after refusing what
    the text rule refuses (a control character at the very end included).
    """
    values = {key: form.get(prefix + key, "") for key in CORRECTABLE}
    return {key: value for key, value in values.items() if value.strip()}


def typed(form: Mapping[str, str], key: str) -> str | None:
    """A field as typed, or None if left blank."""
    value = form.get(key) or ""
    return value if value.strip() else None


def validate(schema: Schema, payload: Mapping[str, Any]) -> tuple[dict[str, Any], Errors]:
    try:
        return schema.load(dict(payload)), {}
    except ValidationError as error:
        return {}, flatten(error.messages)


def flatten(messages: Any, into: Errors | None = None, field: str = "") -> Errors:
    """`{"attendee": {"email": ["…"]}}` → `{"email": "…"}`, translated.

    The refusal of a list's item (`{"address": {1: ["…"]}}`) goes beside the list's field.
    """
    errors: Errors = {} if into is None else into
    if not isinstance(messages, Mapping):
        errors.setdefault(field, translate(_first(messages)))
        return errors
    for key, value in messages.items():
        inner = field if isinstance(key, int) else "" if key == "_schema" else str(key)
        flatten(value, errors, inner)
    return errors


def _first(value: Any) -> Any:
    return value[0] if isinstance(value, list | tuple) and value else value


def translate(message: Any) -> str:
    if isinstance(message, RefusalMessage):
        return translate_refusal(message.refused)
    message = str(message)
    if message in MESSAGES:
        return gettext(MESSAGES[message])
    for pattern, translated in PATTERNS:
        found = pattern.match(message)
        if found:
            return gettext(translated) % found.groupdict()
    return gettext(message)


def refusal(error: DomainError) -> Errors:
    """A domain refusal as a message beside its field ("" for the whole form)."""
    return {refusal_field(error): refusal_message(error)}
