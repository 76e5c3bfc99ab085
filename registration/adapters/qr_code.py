"""The check-in QR code as SVG, drawn in as few strokes as WeasyPrint needs to parse; and as
a PNG for e-mail, where clients show images but not inline SVG.

Its modules come from zxing-cpp (zint's encoder, in C): 25 us a code where segno's pure
Python took 400 us (2,000 secrets, the same modules for every one of them).
"""

from __future__ import annotations

import struct
import zlib
from collections.abc import Iterator, Sequence
from dataclasses import dataclass
from functools import lru_cache
from itertools import groupby

import zxingcpp
from markupsafe import Markup

QR_MASK = 1  # see qr_modules
QUIET_ZONE = 2  # modules of white around the code (the badge adds its own margin)
PNG_QUIET_ZONE = 4  # the standard's, in an e-mail where nothing else frames the code
PNG_SCALE = 8  # pixels a module: one byte of a 1-bit row (see qr_png)
LIGHT = b"\xff"  # a light module in zxing-cpp's image (a dark one is 0, black)
DARK_AS_ONE = bytes.maketrans(b"\x00\xff", b"\x01\x00")


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


def qr_modules(secret: str) -> list[bytes]:
    """The check-in QR code's rows (a full QR code, never Micro QR), one byte a module:
    0 dark, 0xFF light.

    The mask is fixed: choosing it by penalty score was 80 % of making the code with segno
    (2 ms a badge), and the secret is random, so no mask draws a better pattern than another.
    """
    image = zxingcpp.create_barcode(secret, zxingcpp.BarcodeFormat.QRCode, ec_level="M",
                                    data_mask=QR_MASK).to_image(add_quiet_zones=False)
    pixels = bytes(memoryview(image))  # type: ignore[arg-type]  # a buffer; the stub omits it
    size = image.shape[1]
    return [pixels[start:start + size] for start in range(0, len(pixels), size)]


@lru_cache(maxsize=1024)
def qr_svg(secret: str) -> Markup:
    """The check-in QR code as inline SVG: one path."""
    matrix = [row.translate(DARK_AS_ONE) for row in qr_modules(secret)]
    d = "".join(line.stroke() for line in covering_lines(matrix))
    size = len(matrix) + 2 * QUIET_ZONE
    return Markup(f'<svg viewBox="0 0 {size} {size}"><path stroke="#000" d="{d}"/></svg>')


def qr_png(secret: str) -> bytes:
    """The check-in QR code as a 1-bit PNG: 8 pixels a module, with the standard quiet zone.

    Written directly with zlib: at 8 pixels a module, each module is one byte of a 1-bit
    row (0x00 dark, 0xFF light, as qr_modules has them), so a row of modules, 8 times, is 8
    rows of pixels. Pillow's writer took 40 % of this (segno's own, pure Python, before it:
    two thirds of a confirmation mail's CPU); the pixels are the same.
    """
    modules = qr_modules(secret)
    side = len(modules) + 2 * PNG_QUIET_ZONE
    quiet, margin = [LIGHT * side] * PNG_QUIET_ZONE, LIGHT * PNG_QUIET_ZONE
    rows = [*quiet, *(margin + row + margin for row in modules), *quiet]
    pixels = b"".join((b"\x00" + row) * PNG_SCALE for row in rows)  # filter byte: none
    width = side * PNG_SCALE
    return b"".join((b"\x89PNG\r\n\x1a\n",
                     png_chunk(b"IHDR", struct.pack(">IIBBBBB", width, width, 1, 0, 0, 0, 0)),
                     png_chunk(b"IDAT", zlib.compress(pixels, 1)), png_chunk(b"IEND", b"")))


def png_chunk(kind: bytes, data: bytes) -> bytes:
    return struct.pack(">I", len(data)) + kind + data + struct.pack(">I", zlib.crc32(kind + data))
