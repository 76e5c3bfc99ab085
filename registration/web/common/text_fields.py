"""Marshmallow fields for typed text, built on the domain's rule (`domain.text`).

`Text` takes one line (names, codes, references, search words), `MultilineText` several
(a reason, a note), `EmailAddress` an e-mail address. Each cleans the value (NFC, trimmed)
before the field's validators run, or refuses it with a message naming the character; the
JSON API answers that message in English, the pages translate it (`translate_refusal`).
"""

from __future__ import annotations

from typing import Any

from marshmallow import ValidationError, fields

from domain.text import TextRefused, clean_text
from registration.web.common.i18n import N_, gettext

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


def cleaned(value: str, multiline: bool) -> str:
    try:
        return clean_text(value, multiline=multiline)
    except TextRefused as refused:
        raise ValidationError(RefusalMessage(refused)) from None


class Text(fields.String):
    """One line of text: cleaned by the domain's rule, then validated."""

    multiline = False

    def _deserialize(self, value: Any, attr: str | None, data: Any, **kwargs: Any) -> Any:
        return cleaned(super()._deserialize(value, attr, data, **kwargs), self.multiline)


class MultilineText(Text):
    """Text meant for several lines: line breaks are kept, written as LF."""

    multiline = True


class EmailAddress(fields.Email):
    """An e-mail address: cleaned by the text rule, then checked as an address."""

    def _deserialize(self, value: Any, attr: str | None, data: Any, **kwargs: Any) -> Any:
        return cleaned(super()._deserialize(value, attr, data, **kwargs), multiline=False)
