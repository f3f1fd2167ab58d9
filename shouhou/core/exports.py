"""The one way to write an Excel sheet: every export goes through `write_row` / `write_cell`.

- Text that a spreadsheet would read as a formula or a DDE command (a cell that starts with
  `=`, `+`, `-`, `@`, a tab or a carriage return) is written as explicit string data with
  Excel's quote prefix, so it shows as typed and never runs (OWASP "CSV injection"). Text from
  customers (a feedback comment, an address) reaches these files, so this is not optional.
- Characters that the XML of an .xlsx cannot hold (control characters) are dropped instead of
  making openpyxl raise.
- Money is a number cell from the `Decimal` itself (never a float), with a yuan format; wrap
  it in `money(value)`. Other `Decimal` values stay exact numbers.
"""

from __future__ import annotations

import datetime as dt
import io
from dataclasses import dataclass
from decimal import Decimal

from django.http import HttpResponse

XLSX_CONTENT_TYPE = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
MONEY_FORMAT = '"¥"#,##0.00'
FORMULA_TRIGGERS = ("=", "+", "-", "@", "\t", "\r")


@dataclass(frozen=True)
class Money:
    """A yuan amount to be written as a number cell with the money format."""

    amount: Decimal | None


def money(value) -> Money:
    if value is None or value == "":
        return Money(None)
    if isinstance(value, float):
        raise TypeError("money in an export must be a Decimal, not a float")
    return Money(value if isinstance(value, Decimal) else Decimal(str(value)))


def is_dangerous(text: str) -> bool:
    return text.startswith(FORMULA_TRIGGERS)


def _clean(text: str) -> str:
    from openpyxl.cell.cell import ILLEGAL_CHARACTERS_RE

    return ILLEGAL_CHARACTERS_RE.sub("", text)


def write_cell(ws, row: int, column: int, value, *, bold: bool = False):
    """Write one value into `ws` at (row, column) safely; returns the cell."""
    return _fill(ws.cell(row=row, column=column), value, bold=bold)


def _fill(cell, value, *, bold: bool = False):
    number_format = None
    if isinstance(value, Money):
        value, number_format = value.amount, MONEY_FORMAT
    elif isinstance(value, float):
        # Floats lose fen; callers pass Decimal. Keep the value exact as far as it goes.
        value = Decimal(repr(value))
    elif value is not None and not isinstance(
        value, str | int | Decimal | dt.date | dt.datetime | dt.time | dt.timedelta
    ):
        value = str(value)  # lazy translations, model instances, enum labels
    if isinstance(value, str):
        value = _clean(value)
        cell.value = value
        if is_dangerous(value):
            cell.data_type = "s"
            cell.quotePrefix = True
    else:
        cell.value = value
    if number_format:
        cell.number_format = number_format
    if bold:
        from openpyxl.styles import Font

        cell.font = Font(bold=True)
    return cell


def write_row(ws, values, *, bold: bool = False) -> int:
    """Append `values` as the next row of `ws`; returns the row number."""
    from openpyxl.cell.cell import Cell

    ws.append([_fill(Cell(ws), value, bold=bold) for value in values])
    return ws._current_row


def new_workbook(title: str | None = None):
    from openpyxl import Workbook

    wb = Workbook()
    if title is not None:
        wb.active.title = safe_title(title)
    return wb


def safe_title(title) -> str:
    """A sheet title Excel accepts: at most 31 characters, none of []:*?/\\."""
    text = str(title)
    for ch in "[]:*?/\\":
        text = text.replace(ch, "-")
    return text[:31] or "Sheet"


def workbook_bytes(wb) -> bytes:
    buf = io.BytesIO()
    wb.save(buf)
    return buf.getvalue()


def xlsx_response(content: bytes, filename: str) -> HttpResponse:
    resp = HttpResponse(content, content_type=XLSX_CONTENT_TYPE)
    resp["Content-Disposition"] = f'attachment; filename="{filename}"'
    return resp
