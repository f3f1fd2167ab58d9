"""Parsing schedule files and typed lines (no DB)."""

import datetime as dt

import pytest

from shouhou.core.errors import ValidationFailed
from shouhou.workdays.fileformat import parse_lines, read_file, split_rows

D = dt.date


def test_typed_lines_take_single_days_and_ranges():
    got = parse_lines(
        "2027-02-06~2027-02-08 春节\n\n2027-01-01 元旦\n2027/10/01至2027/10/02 国庆节", "h"
    )
    assert got == [
        (D(2027, 2, 6), "春节"),
        (D(2027, 2, 7), "春节"),
        (D(2027, 2, 8), "春节"),
        (D(2027, 1, 1), "元旦"),
        (D(2027, 10, 1), "国庆节"),
        (D(2027, 10, 2), "国庆节"),
    ]
    assert parse_lines("2027-02-20", "w") == [(D(2027, 2, 20), "")]


@pytest.mark.parametrize("text", ["soon 春节", "2027-02-30 春节", "2027-02-08~2027-02-01 春节"])
def test_typed_lines_that_are_wrong_name_the_line(text):
    with pytest.raises(ValidationFailed) as err:
        parse_lines("2027-01-01 元旦\n" + text, "holidays")
    assert "2" in err.value.fields["holidays"][0]


def test_a_csv_is_split_into_holidays_and_make_up_days():
    rows = read_file(
        "date,is_working,name\r\n2027-01-01,0,元旦\r\n2027-01-09,yes,\r\n".encode(), "x.csv"
    )
    assert split_rows(rows) == ([(D(2027, 1, 1), "元旦")], [(D(2027, 1, 9), "")])


def test_an_empty_file_or_another_format_is_refused():
    with pytest.raises(ValidationFailed):
        read_file(b"date,is_working,name\n", "x.csv")
    with pytest.raises(ValidationFailed):
        read_file(b"whatever", "x.pdf")
    with pytest.raises(ValidationFailed):
        read_file(b"not a workbook", "x.xlsx")
