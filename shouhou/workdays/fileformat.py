"""Reading a year's schedule from a CSV or Excel file, or from lines typed into a form.

File format (CSV, UTF-8 or GB18030 as Excel saves it, or .xlsx, first sheet), one row per day:

    date,is_working,name
    2027-02-06,0,春节
    2027-02-07,1,调休上班

* `date`: YYYY-MM-DD (also YYYY/MM/DD; an Excel date cell works too);
* `is_working`: 0 for a holiday (a day off, weekends of the holiday included), 1 for a make-up
  working day (调休上班, a Saturday or Sunday); also accepted: true/false, yes/no, y/n, 是/否,
  上班/休息, 班/休;
* `name`: the holiday's name (required for holidays, e.g. 春节); optional for make-up days.

A first row whose first cell is "date" or "日期" is a header and skipped; blank rows are skipped.

Typed lines (the page's form): one entry per line, `YYYY-MM-DD name` or a range
`YYYY-MM-DD~YYYY-MM-DD name` (also `..` or `至` between the dates).
"""

from __future__ import annotations

import csv
import datetime as dt
import io
import re
from collections.abc import Iterable, Sequence
from typing import Any

from django.utils.translation import gettext as _

from shouhou.core.errors import ValidationFailed

FORMAT_HELP = (
    "CSV (UTF-8 or GB18030) or Excel .xlsx with the columns date,is_working,name; one row per "
    "holiday (is_working 0, name required, weekend days of a holiday included) or make-up "
    "working day (is_working 1, a Saturday or Sunday). Dates as YYYY-MM-DD. A header row "
    "'date,is_working,name' is optional."
)

_TRUE = {"1", "true", "t", "yes", "y", "是", "上班", "班", "working", "workday"}
_FALSE = {"0", "false", "f", "no", "n", "否", "休息", "休", "holiday", "off"}
_HEADER = {"date", "日期"}
MAX_ROWS = 1000


def parse_date(value: object) -> dt.date:
    if isinstance(value, dt.datetime):
        return value.date()
    if isinstance(value, dt.date):
        return value
    text = str(value).strip().replace("/", "-")
    if re.fullmatch(r"\d{8}", text):
        text = f"{text[:4]}-{text[4:6]}-{text[6:]}"
    m = re.fullmatch(r"(\d{4})-(\d{1,2})-(\d{1,2})(?:[ T]00:00(?::00)?)?", text)
    if not m:
        raise ValueError(text)
    return dt.date(int(m[1]), int(m[2]), int(m[3]))


def parse_flag(value: object) -> bool:
    if isinstance(value, bool):
        return value
    if isinstance(value, int | float) and value in (0, 1):
        return bool(value)
    text = str(value).strip().lower()
    if text in _TRUE:
        return True
    if text in _FALSE:
        return False
    raise ValueError(text)


def parse_rows(rows: Iterable[Sequence[Any]]) -> list[tuple[dt.date, bool, str]]:
    """Rows of cells -> [(date, is_working, name)]; `ValidationFailed(fields={"file": ...})`."""
    out: list[tuple[dt.date, bool, str]] = []
    errors: list[str] = []
    for number, row in enumerate(rows, start=1):
        cells = ["" if c is None else c for c in (row or [])]
        cells = [c.strip() if isinstance(c, str) else c for c in cells]
        if not any(str(c) for c in cells):
            continue
        if number == 1 and str(cells[0]).strip().lower().lstrip("\ufeff") in _HEADER:
            continue
        if len(out) >= MAX_ROWS:
            errors.append(_("The file has more than %(max)s rows.") % {"max": MAX_ROWS})
            break
        cells += [""] * (3 - len(cells))
        try:
            d = parse_date(cells[0])
        except ValueError:
            errors.append(
                _("Row %(row)s: %(value)s is not a date (YYYY-MM-DD).")
                % {"row": number, "value": cells[0]}
            )
            continue
        try:
            working = parse_flag(cells[1])
        except ValueError:
            errors.append(
                _("Row %(row)s: is_working must be 1 (make-up working day) or 0 (holiday).")
                % {"row": number}
            )
            continue
        out.append((d, working, str(cells[2]).strip()))
    if errors:
        raise ValidationFailed(fields={"file": errors})
    if not out:
        raise ValidationFailed(fields={"file": [_("The file has no days.")]})
    return out


def _decode(data: bytes) -> str:
    for encoding in ("utf-8-sig", "gb18030"):
        try:
            return data.decode(encoding)
        except UnicodeDecodeError:
            continue
    raise ValidationFailed(fields={"file": [_("The file is not UTF-8 or GB18030 text.")]})


def read_file(data: bytes, filename: str) -> list[tuple[dt.date, bool, str]]:
    """Parse an uploaded file's bytes; the format is chosen by the file name (.csv or .xlsx)."""
    name = (filename or "").lower()
    if name.endswith((".xlsx", ".xlsm")):
        from openpyxl import load_workbook

        try:
            book = load_workbook(io.BytesIO(data), read_only=True, data_only=True)
        except Exception:  # noqa: BLE001 - any broken workbook is the user's input error
            raise ValidationFailed(fields={"file": [_("The Excel file cannot be read.")]}) from None
        try:
            sheet = book.worksheets[0]
            rows = [list(row) for row in sheet.iter_rows(values_only=True, max_col=3)]
        finally:
            book.close()
        return parse_rows(rows)
    if name.endswith((".csv", ".txt")):
        return parse_rows(csv.reader(io.StringIO(_decode(data))))
    raise ValidationFailed(fields={"file": [_("Upload a .csv or .xlsx file.")]})


def split_rows(
    rows: Iterable[tuple[dt.date, bool, str]],
) -> tuple[list[tuple[dt.date, str]], list[tuple[dt.date, str]]]:
    """[(date, is_working, name)] -> (holidays, workdays) as the services take them."""
    holidays = [(d, n) for d, w, n in rows if not w]
    workdays = [(d, n) for d, w, n in rows if w]
    return holidays, workdays


_LINE = re.compile(
    r"^(?P<a>\d{4}[-/]\d{1,2}[-/]\d{1,2})"
    r"(?:\s*(?:~|～|\.\.|至|—|--)\s*(?P<b>\d{4}[-/]\d{1,2}[-/]\d{1,2}))?"
    r"(?:[\s,，:：]+(?P<name>.*))?$"
)


def parse_lines(text: str, field: str) -> list[tuple[dt.date, str]]:
    """Typed lines `YYYY-MM-DD name` / `YYYY-MM-DD~YYYY-MM-DD name` -> [(date, name)]."""
    out: list[tuple[dt.date, str]] = []
    errors: list[str] = []
    for number, line in enumerate((text or "").splitlines(), start=1):
        line = line.strip()
        if not line:
            continue
        m = _LINE.match(line)
        try:
            if not m:
                raise ValueError(line)
            a = parse_date(m["a"])
            b = parse_date(m["b"]) if m["b"] else a
        except ValueError:
            errors.append(
                _("Line %(line)s: write YYYY-MM-DD name or YYYY-MM-DD~YYYY-MM-DD name.")
                % {"line": number}
            )
            continue
        if b < a or (b - a).days > 31:
            errors.append(_("Line %(line)s: the range is not valid.") % {"line": number})
            continue
        name = (m["name"] or "").strip()
        out += [(a + dt.timedelta(days=i), name) for i in range((b - a).days + 1)]
    if errors:
        raise ValidationFailed(fields={field: errors})
    return out
