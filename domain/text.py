"""Text that people and organisers type: cleaned, or refused before it can reach an event.

One rule for every text the system records — attendee details, codes, references, reasons,
staff names and e-mails, edition documents — and for free text it searches with.

Refused everywhere, because no person means them and each breaks something downstream:

- C0 controls U+0000 to U+001F and DEL U+007F. NUL cannot be stored in PostgreSQL TEXT at all
  (one NUL in a name used to stop every read model); the others are invisible and corrupt
  CSV exports, e-mail headers, badges and PDFs. The tab is one of them.
- C1 controls U+0080 to U+009F: never typed; they come from text decoded with the wrong
  encoding (NEL U+0085 included).
- Bidirectional embeddings, overrides and isolates U+202A to U+202E and U+2066 to U+2069:
  invisible, they reorder the text after them, so a name could make what follows it on a
  badge, an invoice, a CSV row or a staff screen read backwards ("Trojan Source"). The plain
  marks LRM U+200E, RLM U+200F and ALM U+061C stay: they reorder nothing, they only settle
  the direction of a neutral character (a digit, a parenthesis) beside them, and names in
  Arabic or Hebrew written next to Latin text need them.
- Surrogates U+D800 to U+DFFF: a string decoded from JSON can hold half a UTF-16 pair
  ("\\ud800"), which no UTF-8 encoder accepts, so it could be stored nowhere.
- Noncharacters U+FDD0 to U+FDEF and the last two code points of every plane (U+FFFE, U+FFFF,
  U+1FFFE, …, U+10FFFF): reserved by Unicode for programs' own use, never text.

Line breaks (LF, CR, and the Unicode separators U+2028/U+2029) are refused in a one-line
field — a name, a code, a reference. A field meant for several lines (a reason, a note, an
address block) takes them, each written as LF (CR LF and CR too).

A text that holds something but nothing visible — only zero-width or other invisible format
characters (U+200B, U+2060, U+FEFF…) among spaces — is refused too: it would record a blank
reference, name or reason that passes for filled in.

What passes is normalised to NFC (so "é" typed as e + combining accent is the same name as
a precomposed "é") and trimmed of surrounding white space. Cleaning clean text changes
nothing. Everything else (letters of any script, emoji, zero-width joiners, non-breaking
spaces) stays as typed.
"""

from __future__ import annotations

import re
import unicodedata

from domain.errors import Invalid

_NONCHARACTERS = "\ufdd0-\ufdef" + "".join(
    chr(plane + 0xFFFE) + chr(plane + 0xFFFF) for plane in range(0, 0x110000, 0x10000))
_BIDI_CONTROLS = "\u202a-\u202e\u2066-\u2069"
_CONTROLS_BUT_LF = "\x00-\x09\x0b-\x1f\x7f-\x9f"
_MULTILINE_REFUSED = re.compile(
    f"[{_CONTROLS_BUT_LF}{_BIDI_CONTROLS}\ud800-\udfff{_NONCHARACTERS}]")
_ONE_LINE_REFUSED = re.compile(
    f"[\n\u2028\u2029{_CONTROLS_BUT_LF}{_BIDI_CONTROLS}\ud800-\udfff{_NONCHARACTERS}]")
_LINE_BREAK = re.compile("\r\n|[\r\n\u2028\u2029]")

# What each kind of refusal says; `%(code_point)s` is the character, e.g. U+0000.
MESSAGES = {
    "control": "Contains an invisible control character (%(code_point)s), which is not allowed.",
    "tab": "Contains a tab; use a space instead.",
    "line_break": "Must fit on one line: remove the line break.",
    "direction": "Contains an invisible text-direction control (%(code_point)s), which is not "
                 "allowed.",
    "surrogate": "Contains a broken character (an unpaired surrogate, %(code_point)s), which is "
                 "not allowed.",
    "noncharacter": "Contains a character reserved for programs' internal use "
                    "(%(code_point)s), which is not allowed.",
    "invisible": "Holds only invisible characters (%(code_point)s): type the text itself.",
}


class TextRefused(Invalid):
    """A text holds a character no field accepts (or a line break where one line is asked)."""

    code = "text_refused"

    def __init__(self, problem: str, character: str) -> None:
        self.problem = problem  # a key of MESSAGES
        self.character = character
        self.code_point = f"U+{ord(character):04X}"
        super().__init__(MESSAGES[problem] % {"code_point": self.code_point})


def clean_text(text: str, *, multiline: bool = False) -> str:
    """The text as it may be recorded: NFC, trimmed; or `TextRefused` saying why not."""
    refused = text_problem(text, multiline=multiline)
    if refused is not None:
        raise refused
    return normalized(_LINE_BREAK.sub("\n", text) if multiline else text)


def normalized(text: str) -> str:
    """NFC and trimmed, nothing refused: for a text whose refusal is reported elsewhere."""
    return unicodedata.normalize("NFC", text).strip()


def text_problem(text: str, *, multiline: bool = False) -> TextRefused | None:
    """Why `text` is refused (its first offending character), or None if it is acceptable."""
    if multiline:
        found = _MULTILINE_REFUSED.search(_LINE_BREAK.sub("\n", text))
    else:
        found = _ONE_LINE_REFUSED.search(text)
    if found is not None:
        return TextRefused(_kind(found.group()), found.group())
    if text.strip() and all(c.isspace() or unicodedata.category(c) == "Cf" for c in text):
        return TextRefused("invisible", next(c for c in text if not c.isspace()))
    return None


def split_lines(text: str) -> list[str]:
    """The lines of a block (CR LF, CR, LF, U+2028 and U+2029 end a line; nothing else does)."""
    return _LINE_BREAK.split(text)


def _kind(character: str) -> str:
    point = ord(character)
    if character == "\t":
        return "tab"
    if character in "\r\n\u2028\u2029":
        return "line_break"
    if point < 0x20 or 0x7F <= point <= 0x9F:
        return "control"
    if 0x202A <= point <= 0x202E or 0x2066 <= point <= 0x2069:
        return "direction"
    if 0xD800 <= point <= 0xDFFF:
        return "surrogate"
    return "noncharacter"
