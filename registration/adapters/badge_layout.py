"""What goes on a badge, and at what size: the template gets text that already fits.

WeasyPrint has no fit-to-width, so each line is measured here with the font's own advance
widths and given the largest size that fits its box, down to a floor; below the floor the
text wraps onto a second line, and beyond two lines it is shortened with an ellipsis. A
long name can therefore never run off the badge or under the QR code.

The edition's title is fitted the same way onto at most two lines of its box, cut where
the two come out even. The type band
takes one line when the names fit it at a readable size, else two (one language a line for
a bilingual edition, a long name cut where the lines come out even), each at least
BAND_FLOOR points.
"""

from __future__ import annotations

import math
import re
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path
from typing import Any

from fontTools.ttLib import TTFont
from markupsafe import Markup

from registration.adapters.qr_code import qr_svg

FONT_DIRS = (Path("/usr/share/fonts"), Path("/usr/local/share/fonts"))
FONT_FILES = {False: "DejaVuSans.ttf", True: "DejaVuSans-Bold.ttf"}  # fonts-dejavu-core
AVERAGE_ADVANCE = 0.62  # em per character, when the font file is not where Debian puts it
SAFETY = 0.96  # kerning and rounding: keep a little room
MAX_LINES = 2
BREAK_AFTER = re.compile(r"(?<=[\s\-/])")  # where a line may break: after a space or dash

# The boxes of templates/documents/badge.css, in points (72 pt = 1 in).
CONTENT_WIDTH = 4 * 72 - 2 * 13
DETAILS_WIDTH = CONTENT_WIDTH - 72 - 10  # beside the 1 in QR code and its gap
BAND_WIDTH = CONTENT_WIDTH - 12
BAND_TRACKING = 0.04  # the band's letter-spacing, in em
BAND_ONE_LINE_FLOOR = 10.0  # smaller than this on one line, the band takes two lines
BAND_TWO_LINES_LARGEST = 12.0  # two lines of 12 pt at 1.1 fill the 30 pt band
BAND_FLOOR = 8.0
TITLE_FLOOR = 7.0


@dataclass(frozen=True)
class Badge:
    """Everything printed on one badge (a DTO: no aggregate reaches the template)."""

    registration_id: str
    first_name: str
    last_name: str
    organisation: str
    delegation_code: str | None
    delegation_names: tuple[str, ...]
    type_names: tuple[str, ...]
    color: str
    edition_name: str
    checkin_secret: str
    languages: tuple[str, ...]
    checkin_code: str | None = None  # the short code printed under the QR (K7M-4QX-9RT)

    @property
    def full_name(self) -> str:
        return f"{self.first_name} {self.last_name}"


@dataclass(frozen=True)
class Fitted:
    text: str
    size: float
    wrap: bool

    def style(self) -> Markup:
        return Markup(f"font-size: {self.size:.1f}pt")


@lru_cache(maxsize=2)
def _advances(bold: bool) -> tuple[dict[int, float], float]:
    """Advance widths in em per code point, and the width of a missing glyph."""
    for folder in FONT_DIRS:
        for path in folder.rglob(FONT_FILES[bold]):
            with TTFont(path) as font:
                per_em = font["head"].unitsPerEm
                metrics = font["hmtx"].metrics
                widths = {code: metrics[name][0] / per_em
                          for code, name in font.getBestCmap().items()}
                return widths, metrics[".notdef"][0] / per_em
    return {}, AVERAGE_ADVANCE


@dataclass(frozen=True)
class Band:
    """The registration type band's text: one line, or two, at one size."""

    lines: tuple[str, ...]
    size: float

    @property
    def text(self) -> str:
        return " · ".join(self.lines)

    def style(self) -> Markup:
        return Markup(f"font-size: {self.size:.1f}pt")


def text_width(text: str, size: float, bold: bool, tracking: float = 0.0) -> float:
    """The width of `text` at `size` points; `tracking`: letter-spacing in em."""
    widths, missing = _advances(bold)
    return (sum(widths.get(ord(c), missing) for c in text) + tracking * len(text)) * size


def fit(text: str, width: float, largest: float, smallest: float, bold: bool = False,
        tracking: float = 0.0) -> Fitted:
    """The largest size (in half points) at which `text` fits `width`, else two lines."""
    room = width * SAFETY
    at_one_point = text_width(text, 1, bold, tracking) or 1
    size = math.floor(min(largest, room / at_one_point) * 2) / 2
    if size >= smallest:
        return Fitted(text, size, wrap=False)
    return Fitted(_shorten(text, room, smallest, bold), smallest, wrap=True)


def lines_needed(text: str, room: float, size: float, bold: bool) -> int:
    """How many lines the text takes when broken as the badge's CSS breaks it."""
    lines, line = 1, 0.0
    for word in BREAK_AFTER.split(text):
        visible, width = text_width(word.rstrip(), size, bold), text_width(word, size, bold)
        if line and line + visible > room:
            lines, line = lines + 1, 0.0
        while visible > room:  # a word longer than the line breaks anywhere
            lines, visible, width = lines + 1, visible - room, width - room
        line += width
    return lines


def _shorten(text: str, room: float, size: float, bold: bool) -> str:
    """The text, or as much of it as fits the lines, with an ellipsis."""
    if lines_needed(text, room, size, bold) <= MAX_LINES:
        return text
    while text and lines_needed(text + "…", room, size, bold) > MAX_LINES:
        text = text[:-1]
    return text.rstrip() + "…"


def band(names: tuple[str, ...], width: float = BAND_WIDTH) -> Band:
    """The type band: one line if it fits at BAND_ONE_LINE_FLOOR or more, else two lines."""
    names = tuple(name.upper() for name in dict.fromkeys(names))
    one = fit(" · ".join(names), width, 14, BAND_ONE_LINE_FLOOR, True, BAND_TRACKING)
    if not one.wrap:
        return Band((one.text,), one.size)
    lines = names if len(names) == 2 else _halves(" · ".join(names), bold=True)
    room = width * SAFETY
    size = min(math.floor(min(BAND_TWO_LINES_LARGEST, room / (
        text_width(line, 1, True, BAND_TRACKING) or 1)) * 2) / 2 for line in lines)
    if size < BAND_FLOOR:
        size = BAND_FLOOR
        lines = tuple(_cut(line, room, size) for line in lines)
    return Band(lines, size)


def _halves(text: str, bold: bool, after: str = " -/") -> tuple[str, ...]:
    """`text` as two lines broken (after one of `after`) where the longer is shortest.

    A line never starts with a dash or a middle dot.
    """
    breaks = [i for i in range(1, len(text))
              if text[i - 1] in after and text[i] not in " \u2014\u2013·,:"]
    if not breaks:
        return (text,)
    at = min(breaks, key=lambda i: max(text_width(text[:i].rstrip(" ·"), 1, bold),
                                       text_width(text[i:], 1, bold)))
    return text[:at].rstrip(" ·"), text[at:]


def fit_title(text: str, width: float = CONTENT_WIDTH) -> Fitted:
    """The edition's title: one line from 9 pt down to 7 pt, else two even lines at 7 pt."""
    one = fit(text, width, 9, TITLE_FLOOR)
    if not one.wrap:
        return one
    lines = _halves(text, bold=False, after=" ")
    if len(lines) == 2 and all(text_width(line, TITLE_FLOOR, False) <= width * SAFETY
                               for line in lines):
        return Fitted("\n".join(lines), TITLE_FLOOR, wrap=True)
    return one


def _cut(line: str, room: float, size: float) -> str:
    """The line, or as much of it as fits `room` at `size`, with an ellipsis."""
    if text_width(line, size, True, BAND_TRACKING) <= room:
        return line
    while line and text_width(line + "…", size, True, BAND_TRACKING) > room:
        line = line[:-1]
    return line.rstrip() + "…"


def ink_for(color: str) -> str:
    """Black or white text, whichever reads better on the band's colour."""
    red, green, blue = (int(color[i:i + 2], 16) / 255 for i in (1, 3, 5))
    luminance = 0.2126 * red + 0.7152 * green + 0.0722 * blue
    return "#111111" if luminance > 0.55 else "#ffffff"


def badge_context(badge: Badge) -> dict[str, Any]:
    """The template's view of one badge, every text already fitted to its box."""
    delegation = " / ".join(dict.fromkeys(badge.delegation_names))
    if badge.delegation_code:
        delegation = f"{delegation} · {badge.delegation_code}" if delegation else \
            badge.delegation_code
    return {
        "edition": fit_title(badge.edition_name),
        "first_name": fit(badge.first_name, CONTENT_WIDTH, 40, 18, bold=True),
        "full_name": fit(badge.full_name, DETAILS_WIDTH, 14, 8.5, bold=True),
        "organisation": fit(badge.organisation, DETAILS_WIDTH, 12, 8),
        "delegation": fit(delegation, DETAILS_WIDTH, 10, 7) if delegation else None,
        "type": band(badge.type_names),
        "color": badge.color,
        "ink": ink_for(badge.color),
        "qr": qr_svg(badge.checkin_secret),
        "checkin_code": badge.checkin_code,
    }
