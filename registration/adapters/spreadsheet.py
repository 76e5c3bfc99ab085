"""CSV files for spreadsheets: UTF-8 with a byte-order mark, and no cell read as a formula.

Excel and LibreOffice read a cell that starts with `=`, `+`, `-` or `@` as a formula (and
a tab or carriage return can hide one), so text typed by anyone — an organisation named
`=HYPERLINK("http://…","Click")` — would run in the accountant's spreadsheet. Following
OWASP's CSV-injection rule, such a cell is written with a `'` in front, which spreadsheets
show as text; spaces and quotes before the sign do not hide it (spreadsheets skip them), and
the full-width signs some spreadsheets also accept are treated alike. Quoting of commas,
quotes and line breaks is left to the `csv` module.

Amounts stay numbers: a cell that is exactly a number (`-12.50`, `454.15`) cannot be a
formula and is written as it is, so the finance columns still add up. Every amount the
product writes is a plain decimal with a dot, negative with a leading minus.

The byte-order mark tells Excel the file is UTF-8 (otherwise `Québec` shows as `QuÃ©bec`).
defusedcsv (pretix's) escapes the four signs but not a tab, a carriage return or a sign
after spaces or quotes, hence this module.
"""

from __future__ import annotations

import csv
import io
import re
from collections.abc import Iterable
from typing import Any

BOM = "\ufeff"
FORMULA = re.compile(r"^[\s\"']*[=+\-@\uff1d\uff0b\uff0d\uff20]|^[\t\r\n]")
NUMBER = re.compile(r"^-?\d+(\.\d+)?$")


def neutralised(value: Any) -> str:
    """The cell as text a spreadsheet shows as typed, never as a formula."""
    text = "" if value is None else str(value)
    if FORMULA.match(text) and not NUMBER.match(text):
        return "'" + text
    return text


def csv_document(header: Iterable[Any], rows: Iterable[Iterable[Any]]) -> bytes:
    """The file: a BOM, then one line per row (CRLF, as RFC 4180 says), every cell neutralised."""
    out = io.StringIO()
    out.write(BOM)
    writer = csv.writer(out, lineterminator="\r\n")
    writer.writerow([neutralised(cell) for cell in header])
    writer.writerows([neutralised(cell) for cell in row] for row in rows)
    return out.getvalue().encode("utf-8")
