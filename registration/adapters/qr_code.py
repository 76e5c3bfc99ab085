"""The check-in QR code as SVG, drawn in as few strokes as WeasyPrint needs to parse; and as
a PNG for e-mail, where clients show images but not inline SVG."""

from __future__ import annotations

import struct
import zlib
from collections.abc import Iterator, Sequence
from dataclasses import dataclass
from functools import lru_cache
from itertools import groupby

import segno
from markupsafe import Markup

QR_MASK = 1  # see qr_svg
QUIET_ZONE = 2  # modules of white around the code (the badge adds its own margin)
PNG_QUIET_ZONE = 4  # the standard's, in an e-mail where nothing else frames the code
PNG_SCALE = 8  # pixels a module: one byte of a 1-bit row (see qr_png)
DARK_TO_BLACK = bytes.maketrans(b"\x00\x01", b"\xff\x00")  # segno's 1 is dark; grey 0 is black


@dataclass(frozen=True)
class Line:
    """A straight run of dark modules: `length` of them from column x, row y, across or down."""

    x: int
    y: int
    length: int
    vertical: bool

    def modules(self, size: int) -> slice:
        """Where the run's modules are in a QR code's row-by-row list of its `size`² modules."""
        start, step = self.y * size + self.x, size if self.vertical else 1
        return slice(start, start + self.length * step, step)

    def stroke(self) -> str:
        """Path commands drawing the run: a 1-unit-wide stroke along the middle of its modules."""
        x, y = self.x + QUIET_ZONE, self.y + QUIET_ZONE
        return f"M{x + 0.5} {y}v{self.length}" if self.vertical else \
            f"M{x} {y + 0.5}h{self.length}"


def row_runs(rows: Sequence[Sequence[int]]) -> Iterator[tuple[int, int, int]]:
    """(column, row, length) of every maximal run of dark modules within a row."""
    for y, row in enumerate(rows):
        x = 0
        for dark, group in groupby(row):
            length = sum(1 for _ in group)
            if dark:
                yield x, y, length
            x += length


def covering_lines(matrix: Sequence[Sequence[int]]) -> list[Line]:
    """Horizontal and vertical runs, longest first, until every dark module is covered.

    WeasyPrint's cost for a path grows with its commands (a QR code was a quarter of a
    badge's rendering time). This way a finder pattern takes 7 lines instead of 15 row runs:
    about 25 % fewer lines in all.
    """
    size = len(matrix)
    runs = [Line(x, y, length, False) for x, y, length in row_runs(matrix)]
    runs += [Line(x, y, length, True) for y, x, length in row_runs(list(zip(*matrix, strict=True)))]
    covered = bytearray(size * size)
    lines = []
    for line in sorted(runs, key=lambda run: -run.length):
        modules = line.modules(size)
        if 0 in covered[modules]:
            lines.append(line)
            covered[modules] = b"\x01" * line.length
    return lines


@lru_cache(maxsize=1024)
def qr_svg(secret: str) -> Markup:
    """The check-in QR code (always a full QR code, never Micro QR) as inline SVG: one path.

    The mask is fixed: choosing it by penalty score was 80 % of making the code (2 ms a
    badge), and the secret is random, so no mask draws a better pattern than another.
    """
    code = segno.make_qr(secret, error="m", mask=QR_MASK)
    d = "".join(line.stroke() for line in covering_lines(code.matrix))
    size = len(code.matrix) + 2 * QUIET_ZONE
    return Markup(f'<svg viewBox="0 0 {size} {size}"><path stroke="#000" d="{d}"/></svg>')


def qr_png(secret: str) -> bytes:
    """The check-in QR code as a 1-bit PNG: 8 pixels a module, with the standard quiet zone.

    Written directly with zlib: at 8 pixels a module, each module is one byte of a 1-bit
    row (0x00 dark, 0xFF light), so a row of modules, 8 times, is 8 rows of pixels. Pillow's
    writer took 40 % of this (segno's own, pure Python, before it: two thirds of a
    confirmation mail's CPU); the pixels are the same.
    """
    matrix = segno.make_qr(secret, error="m", mask=QR_MASK).matrix
    side = len(matrix) + 2 * PNG_QUIET_ZONE
    quiet, margin = [b"\x00" * side] * PNG_QUIET_ZONE, b"\x00" * PNG_QUIET_ZONE  # segno's 0
    rows = [*quiet, *(margin + bytes(row) + margin for row in matrix), *quiet]
    pixels = b"".join((b"\x00" + row.translate(DARK_TO_BLACK)) * PNG_SCALE  # filter: none
                      for row in rows)
    width = side * PNG_SCALE
    return b"".join((b"\x89PNG\r\n\x1a\n",
                     png_chunk(b"IHDR", struct.pack(">IIBBBBB", width, width, 1, 0, 0, 0, 0)),
                     png_chunk(b"IDAT", zlib.compress(pixels, 1)), png_chunk(b"IEND", b"")))


def png_chunk(kind: bytes, data: bytes) -> bytes:
    return struct.pack(">I", len(data)) + kind + data + struct.pack(">I", zlib.crc32(kind + data))
