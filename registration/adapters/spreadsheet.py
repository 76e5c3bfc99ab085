"""Files for spreadsheets, CSV and XLSX; no cell read as a formula.

CSV is UTF-8 with a byte-order mark.

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

Days and moments stay days and moments: a `date` is an XLSX date cell (`yyyy-mm-dd`), a
`datetime` a date-and-time cell in its own zone's clock time (XLSX has no time zones); in CSV
both are ISO 8601, the moment with its UTC offset.

The byte-order mark tells Excel the file is UTF-8 (otherwise `Québec` shows as `QuÃ©bec`).
defusedcsv (pretix's) escapes the four signs but not a tab, a carriage return or a sign
after spaces or quotes, hence this module.
"""

from __future__ import annotations

import csv
import io
import re
from collections.abc import Iterable, Sequence
from datetime import date, datetime
from decimal import Decimal
from typing import Any

from openpyxl import Workbook
from openpyxl.styles import Font
from openpyxl.utils import get_column_letter

BOM = "\ufeff"
FORMULA = re.compile(r"^[\s\"']*[=+\-@\uff1d\uff0b\uff0d\uff20]|^[\t\r\n]")
NUMBER = re.compile(r"^-?\d+(\.\d+)?$")
DAY_FORMAT, MOMENT_FORMAT = "yyyy-mm-dd", "yyyy-mm-dd hh:mm:ss"


def neutralised(value: Any) -> str:
    """The cell as text a spreadsheet shows as typed, never as a formula."""
    if isinstance(value, datetime):
        return value.isoformat(timespec="seconds")
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


def xlsx_document(title: str, header: Sequence[str], rows: Iterable[Sequence[Any]]) -> bytes:
    """An Excel workbook of one sheet: a bold, frozen header; text always stored as text.

    openpyxl stores a string that starts with `=` as a formula, so every text cell is
    typed as a string explicitly; numbers (int, Decimal) stay numbers, days and moments
    date cells.
    """
    book = Workbook()
    sheet = book.active
    assert sheet is not None  # a new workbook has one sheet
    sheet.title = _sheet_title(title)
    sheet.append(list(header))
    for cell in sheet[1]:
        cell.font = Font(bold=True)
    for row, values in enumerate(rows, start=2):  # (sheet.max_row reads every cell)
        for column, value in enumerate(values, start=1):
            cell = sheet.cell(row=row, column=column)
            if isinstance(value, (int, Decimal)) and not isinstance(value, bool):
                cell.value = value
            elif isinstance(value, datetime):
                cell.value, cell.number_format = value.replace(tzinfo=None), MOMENT_FORMAT
            elif isinstance(value, date):
                cell.value, cell.number_format = value, DAY_FORMAT
            else:
                cell.value = "" if value is None else str(value)
                cell.data_type = "s"
    sheet.freeze_panes = "A2"
    for column, name in enumerate(header, start=1):
        widest = max([len(str(name))] + [len(str(c.value or "")) for c in sheet[
            get_column_letter(column)]])
        sheet.column_dimensions[get_column_letter(column)].width = min(widest + 2, 60)
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()


def _sheet_title(title: str) -> str:
    """Excel refuses `[]:*?/\\` in a sheet title and more than 31 characters."""
    return re.sub(r"[\[\]:*?/\\]", " ", title)[:31].strip() or "Sheet"
