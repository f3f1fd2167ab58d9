"""The schedule rules as pure date arithmetic over the official 2026 calendar (no database).

2026 (chinesecalendar): Mid-Autumn 25-27 Sep; National Day 1-7 Oct with make-up working days
Sunday 20 Sep and Saturday 10 Oct; Spring Festival 15-23 Feb with make-up working days Saturday
14 Feb and Saturday 28 Feb. 2027 is not in the bundled data: Monday to Friday.
"""

import datetime as dt

import pytest
from hypothesis import given
from hypothesis import strategies as st

from shouhou.callbacks import schedule
from shouhou.workdays.calendar import Calendar, Holiday
from shouhou.workdays.package import package_year

D = dt.date
CAL = Calendar(exceptions=package_year(2026), covered_years={2026})


def test_the_after_delivery_schedule_crosses_the_national_day_week():
    delivered = D(2026, 9, 30)
    got = {o: schedule.after_delivery(delivered, o, CAL) for o in ("3d", "1m", "3m", "6m")}
    # 1-7 Oct are holidays: 8 Oct (Thu) is the first working day, 9 Oct (Fri) the second and
    # the make-up Saturday 10 Oct the third.
    assert got["3d"] == (D(2026, 10, 8), D(2026, 10, 10))
    assert got["1m"] == (None, D(2026, 10, 30))  # a Friday
    assert got["3m"] == (None, D(2026, 12, 30))  # a Wednesday
    assert got["6m"] == (None, D(2027, 3, 30))  # a Tuesday


def test_a_month_that_ends_on_a_holiday_moves_to_the_next_working_day():
    # 1 Sep + 1 month = 1 Oct (National Day) -> Thursday 8 Oct.
    assert schedule.after_delivery(D(2026, 9, 1), "1m", CAL).due_on == D(2026, 10, 8)
    # 31 Jan + 1 month: 28 Feb, a make-up Saturday, is a working day.
    assert schedule.after_delivery(D(2026, 1, 31), "1m", CAL).due_on == D(2026, 2, 28)


def test_an_unknown_offset_is_refused_and_parsing_skips_it():
    with pytest.raises(ValueError):
        schedule.after_delivery(D(2026, 9, 1), "2w", CAL)
    assert schedule.parse_offsets("3d， 1m,2w,,6m ") == ["3d", "1m", "6m"]


def test_after_a_service_within_three_working_days_from_the_next_working_day():
    # Completed Wednesday 30 Sep: callable from 8 Oct, due on the make-up Saturday 10 Oct.
    assert schedule.after_service(D(2026, 9, 30), 3, CAL) == (D(2026, 10, 8), D(2026, 10, 10))
    # Completed on a Saturday (3 Oct, a holiday): the first working day counts as day one.
    assert schedule.after_service(D(2026, 10, 3), 3, CAL) == (D(2026, 10, 8), D(2026, 10, 10))
    # An ordinary Monday.
    assert schedule.after_service(D(2026, 3, 9), 3, CAL) == (D(2026, 3, 10), D(2026, 3, 12))
    # Zero days: the day itself (or the next working day).
    assert schedule.after_service(D(2026, 10, 3), 0, CAL) == (None, D(2026, 10, 8))


def test_after_an_appointment_one_working_day_after_the_date():
    assert schedule.after_appointment(D(2026, 9, 30), 1, CAL) == (None, D(2026, 10, 8))
    assert schedule.after_appointment(D(2026, 2, 13), 1, CAL) == (None, D(2026, 2, 14))


def test_the_first_day_of_each_holiday_is_found_across_weekends():
    holidays = CAL.holidays_between(D(2026, 9, 1), D(2026, 10, 31))
    assert schedule.holiday_starts(holidays) == [
        Holiday("中秋节", D(2026, 9, 25)),
        Holiday("国庆节", D(2026, 10, 1)),
    ]
    spring = CAL.holidays_between(D(2026, 2, 1), D(2026, 2, 28))
    assert schedule.holiday_starts(spring) == [Holiday("春节", D(2026, 2, 15))]


def test_greetings_are_due_on_the_first_day_and_may_start_the_lead_days_before():
    names = ["春节", "中秋节", "国庆节"]
    assert schedule.greetings_due(D(2026, 9, 21), 3, names, CAL) == []
    assert schedule.greetings_due(D(2026, 9, 22), 3, names, CAL) == [
        (Holiday("中秋节", D(2026, 9, 25)), (D(2026, 9, 22), D(2026, 9, 25)))
    ]
    # During Mid-Autumn its start is behind; National Day is within 3 days from 28 Sep.
    assert schedule.greetings_due(D(2026, 9, 26), 3, names, CAL) == []
    assert [h.name for h, _d in schedule.greetings_due(D(2026, 9, 28), 3, names, CAL)] == ["国庆节"]
    # A holiday that is not configured is not greeted.
    assert schedule.greetings_due(D(2026, 9, 28), 3, ["春节"], CAL) == []
    # The first day itself still finds it (the job may run late in the morning).
    assert schedule.greetings_due(D(2026, 2, 15), 3, names, CAL) == [
        (Holiday("春节", D(2026, 2, 15)), (D(2026, 2, 12), D(2026, 2, 15)))
    ]


def test_29_february_is_greeted_on_28_february_in_other_years():
    born = D(1992, 2, 29)
    assert schedule.birthday_in(2027, born) == D(2027, 2, 28)
    assert schedule.birthday_in(2028, born) == D(2028, 2, 29)
    assert schedule.birthday_greeting(born, 2027, 3) == (D(2027, 2, 25), D(2027, 2, 28))
    window = schedule.birthdays_in_window(D(2027, 2, 27), 2)
    assert window[D(2027, 2, 28)] == [(2, 28), (2, 29)]
    assert window[D(2027, 3, 1)] == [(3, 1)]
    assert schedule.birthdays_in_window(D(2028, 2, 28), 0) == {D(2028, 2, 28): [(2, 28)]}


def test_no_lead_days_means_the_greeting_is_made_on_the_day():
    assert schedule.greeting(D(2026, 9, 25), 0) == (None, D(2026, 9, 25))


@given(
    day=st.dates(min_value=D(2026, 1, 1), max_value=D(2026, 12, 31)),
    n=st.integers(min_value=1, max_value=10),
)
def test_after_a_service_the_due_day_is_n_working_days_later_and_callable_before(day, n):
    dates = schedule.after_service(day, n, CAL)
    assert CAL.working_days_between(day, dates.due_on) == n
    assert CAL.is_working_day(dates.due_on)
    assert day < dates.call_from <= dates.due_on
