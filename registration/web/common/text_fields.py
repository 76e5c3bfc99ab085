"""Marshmallow fields for typed text, built on the domain's rule (`domain.text`).

`Text` takes one line (names, codes, references, search words), `MultilineText` several
(a reason, a note), `EmailAddress` an e-mail address. Each cleans the value (NFC, trimmed)
before the field's validators run, or refuses it with a message naming the character; the
JSON API answers that message in English, the pages translate it (`translate_refusal`).
Every one is bounded: a field declared without a maximum length (or a list of choices)
gets `DEFAULT_MAX` (a line) or `MULTILINE_MAX` characters.
"""

from __future__ import annotations

from typing import Any

from marshmallow import ValidationError, fields, validate

from domain.text import TextRefused, clean_text
from registration.web.common.i18n import N_, gettext

DEFAULT_MAX = 500
MULTILINE_MAX = 5000

# The domain's messages (domain.text.MESSAGES), marked here for the French catalog.
MESSAGES = {
    "control": N_("Contains an invisible control character (%(code_point)s), which is not "
                  "allowed."),
    "tab": N_("Contains a tab; use a space instead."),
    "line_break": N_("Must fit on one line: remove the line break."),
    "direction": N_("Contains an invisible text-direction control (%(code_point)s), which is "
                    "not allowed."),
    "surrogate": N_("Contains a broken character (an unpaired surrogate, %(code_point)s), "
                    "which is not allowed."),
    "noncharacter": N_("Contains a character reserved for programs' internal use "
                       "(%(code_point)s), which is not allowed."),
    "invisible": N_("Holds only invisible characters (%(code_point)s): type the text itself."),
}


class RefusalMessage(str):
    """A field's refusal in English (what the API answers), with what a page translates."""

    refused: TextRefused

    def __new__(cls, refused: TextRefused) -> RefusalMessage:
        message = super().__new__(cls, refused.message)
        message.refused = refused
        return message


def translate_refusal(refused: TextRefused) -> str:
    """The refusal in the page's language."""
    return gettext(MESSAGES[refused.problem]) % {"code_point": refused.code_point}


def bounded(field: fields.Field, maximum: int) -> None:
    """Give `field` a maximum length unless its validators already bound it."""
    if not any(bounds(v) for v in field.validators):
        field.validators.append(validate.Length(max=maximum))


def bounds(validator: Any) -> bool:
    if isinstance(validator, validate.Length):
        return validator.max is not None or validator.equal is not None
    return isinstance(validator, validate.OneOf)


def cleaned(value: str, multiline: bool) -> str:
    try:
        return clean_text(value, multiline=multiline)
    except TextRefused as refused:
        raise ValidationError(RefusalMessage(refused)) from None


class Text(fields.String):
    """One line of text: cleaned by the domain's rule, then validated."""

    multiline = False
    maximum = DEFAULT_MAX

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        bounded(self, self.maximum)

    def _deserialize(self, value: Any, attr: str | None, data: Any, **kwargs: Any) -> Any:
        return cleaned(super()._deserialize(value, attr, data, **kwargs), self.multiline)


class MultilineText(Text):
    """Text meant for several lines: line breaks are kept, written as LF."""

    multiline = True
    maximum = MULTILINE_MAX


class EmailAddress(fields.Email):
    """An e-mail address: cleaned by the text rule, then checked as an address (at most
    254 characters, as SMTP allows)."""

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        bounded(self, 254)

    def _deserialize(self, value: Any, attr: str | None, data: Any, **kwargs: Any) -> Any:
        return cleaned(super()._deserialize(value, attr, data, **kwargs), multiline=False)
