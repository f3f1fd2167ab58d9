import datetime as dt
from zoneinfo import ZoneInfo

from hypothesis import given
from hypothesis import strategies as st

from shouhou.core.dates import add_months, month_bounds, month_last_day, month_start

D = dt.date


def test_31_january_plus_one_month_is_the_last_day_of_february():
    assert add_months(D(2026, 1, 31), 1) == D(2026, 2, 28)
    assert add_months(D(2028, 1, 31), 1) == D(2028, 2, 29)  # a leap year


def test_29_february_plus_a_year_is_28_february_and_plus_four_years_is_29_february():
    assert add_months(D(2028, 2, 29), 12) == D(2029, 2, 28)
    assert add_months(D(2028, 2, 29), 48) == D(2032, 2, 29)


def test_months_cross_the_year_both_ways():
    assert add_months(D(2026, 11, 15), 3) == D(2027, 2, 15)
    assert add_months(D(2026, 1, 15), -1) == D(2025, 12, 15)
    assert add_months(D(2026, 3, 31), -1) == D(2026, 2, 28)
    assert add_months(D(2026, 5, 9), 0) == D(2026, 5, 9)


def test_month_start_and_last_day():
    assert month_start(D(2026, 2, 17)) == D(2026, 2, 1)
    assert month_last_day(D(2026, 2, 17)) == D(2026, 2, 28)
    assert month_last_day(D(2028, 2, 1)) == D(2028, 2, 29)
    assert month_last_day(D(2026, 12, 3)) == D(2026, 12, 31)


def test_month_bounds_are_local_midnights():
    shanghai = ZoneInfo("Asia/Shanghai")
    start, end = month_bounds(D(2026, 12, 20), shanghai)
    assert start == dt.datetime(2026, 12, 1, tzinfo=shanghai)
    assert end == dt.datetime(2027, 1, 1, tzinfo=shanghai)
    assert month_bounds(D(2026, 12, 20))[0].tzinfo is not None


@given(st.dates(D(1990, 1, 1), D(2090, 12, 31)), st.integers(-240, 240))
def test_adding_months_keeps_the_day_unless_the_month_is_shorter(day, n):
    out = add_months(day, n)
    assert (out.year * 12 + out.month) - (day.year * 12 + day.month) == n
    assert out.day == min(day.day, month_last_day(out).day)


@given(st.dates(D(1990, 1, 1), D(2090, 12, 31)).map(month_start), st.integers(-240, 240))
def test_on_first_days_adding_and_subtracting_months_gives_back_the_month(month, n):
    assert add_months(add_months(month, n), -n) == month
