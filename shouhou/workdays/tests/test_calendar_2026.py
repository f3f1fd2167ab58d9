"""Examples on the official 2026 schedule (from the installed chinesecalendar package), no DB."""

import datetime as dt
from zoneinfo import ZoneInfo

import chinese_calendar
import pytest

from shouhou.workdays.calendar import Calendar, Holiday, OfficeHours
from shouhou.workdays.package import package_year, package_years

SH = ZoneInfo("Asia/Shanghai")
D = dt.date


def at(y, m, d, h=0, mi=0):
    return dt.datetime(y, m, d, h, mi, tzinfo=SH)


@pytest.fixture(scope="module")
def cal():
    exceptions = {}
    for year in package_years():
        exceptions.update(package_year(year))
    return Calendar(exceptions=exceptions, covered_years=frozenset(package_years()))


def test_the_package_has_the_2026_spring_festival_and_national_day_as_we_expect():
    # verified against the installed package rather than assumed
    for d in (D(2026, 2, 15) + dt.timedelta(days=i) for i in range(9)):
        assert chinese_calendar.is_holiday(d), d
    assert chinese_calendar.is_workday(D(2026, 2, 14)) and chinese_calendar.is_workday(
        D(2026, 2, 28)
    )
    for d in (D(2026, 10, 1) + dt.timedelta(days=i) for i in range(7)):
        assert chinese_calendar.is_holiday(d), d
    assert chinese_calendar.is_workday(D(2026, 9, 20)) and chinese_calendar.is_workday(
        D(2026, 10, 10)
    )
    # In 2026 the Mid-Autumn Festival (25-27 Sep) is not joined to National Day.
    assert chinese_calendar.get_holiday_detail(D(2026, 9, 25))[1] == "Mid-autumn Festival"


def test_spring_festival_2026_is_nine_days_off_with_two_saturday_make_up_days(cal):
    for i in range(9):
        d = D(2026, 2, 15) + dt.timedelta(days=i)
        assert not cal.is_working_day(d) and cal.day_name(d) == "春节"
    assert cal.is_working_day(D(2026, 2, 14)) and D(2026, 2, 14).weekday() == 5
    assert cal.is_working_day(D(2026, 2, 28)) and D(2026, 2, 28).weekday() == 5
    assert cal.day_name(D(2026, 2, 14)) == "调休上班（春节）"
    assert cal.is_working_day(D(2026, 2, 24))


def test_national_day_2026_with_its_sunday_and_saturday_make_up_days(cal):
    assert all(not cal.is_working_day(D(2026, 10, d)) for d in range(1, 8))
    assert cal.is_working_day(D(2026, 9, 20)) and D(2026, 9, 20).weekday() == 6
    assert cal.is_working_day(D(2026, 10, 10)) and D(2026, 10, 10).weekday() == 5
    assert cal.day_name(D(2026, 10, 3)) == "国庆节"


def test_a_dispatch_on_friday_before_the_spring_festival_is_due_on_the_make_up_saturday(cal):
    assert cal.add_working_days(at(2026, 2, 13, 16), 1) == at(2026, 2, 14, 16)
    assert cal.add_working_days(D(2026, 2, 13), 1) == D(2026, 2, 14)
    # from the make-up Saturday the next working day is after the whole holiday
    assert cal.add_working_days(at(2026, 2, 14, 10), 1) == at(2026, 2, 24, 10)
    assert cal.add_working_days(at(2026, 2, 13, 16), 2) == at(2026, 2, 24, 16)


def test_two_working_days_from_the_day_before_national_day_end_on_the_ninth(cal):
    assert cal.add_working_days(at(2026, 9, 30, 10), 2) == at(2026, 10, 9, 10)
    assert cal.add_working_days(at(2026, 9, 30, 10), 1) == at(2026, 10, 8, 10)
    # the make-up Saturday after the holiday is a working day
    assert cal.add_working_days(at(2026, 10, 9, 10), 1) == at(2026, 10, 10, 10)
    # and the make-up Sunday before it
    assert cal.add_working_days(at(2026, 9, 18, 10), 1) == at(2026, 9, 20, 10)


def test_a_moment_outside_office_hours_rolls_to_the_next_opening_first(cal):
    # Friday after closing: the clock starts on the make-up Saturday at 09:00
    assert cal.add_working_days(at(2026, 2, 13, 19), 1) == at(2026, 2, 24, 9)
    assert cal.roll_forward(at(2026, 2, 13, 19)) == at(2026, 2, 14, 9)
    # closing time itself is outside office hours
    assert cal.roll_forward(at(2026, 2, 13, 18)) == at(2026, 2, 14, 9)
    # before opening: the same day's opening
    assert cal.roll_forward(at(2026, 3, 2, 7, 30)) == at(2026, 3, 2, 9)
    # on a holiday: the first working day after it
    assert cal.add_working_days(at(2026, 10, 3, 11), 0) == at(2026, 10, 8, 9)
    # a UTC input is read in Shanghai time: 2026-02-13 08:00 UTC is 16:00 in Shanghai
    assert cal.add_working_days(dt.datetime(2026, 2, 13, 8, tzinfo=dt.UTC), 1) == at(
        2026, 2, 14, 16
    )


def test_working_days_between_counts_the_holiday_as_nothing(cal):
    assert cal.working_days_between(D(2026, 2, 13), D(2026, 2, 24)) == 2  # 14th and 24th
    assert cal.working_days_between(D(2026, 9, 30), D(2026, 10, 9)) == 2
    assert cal.working_days_between(D(2026, 10, 9), D(2026, 9, 30)) == -2
    assert cal.working_days_between(D(2026, 2, 13), D(2026, 2, 13)) == 0


def test_working_hours_stop_at_closing_and_skip_the_holiday(cal):
    # 4 working hours from Friday 16:00: 2 h on Friday, 2 h on the make-up Saturday
    assert cal.add_working_hours(at(2026, 2, 13, 16), 4) == at(2026, 2, 14, 11)
    # 11 h from the make-up Saturday 16:00: 2 h there, the holiday skipped, 9 h on the 24th
    assert cal.add_working_hours(at(2026, 2, 14, 16), 11) == at(2026, 2, 24, 18)
    assert cal.add_working_hours(at(2026, 2, 14, 16), 12) == at(2026, 2, 25, 10)
    # a budget ending exactly at closing time is due at closing, not the next morning
    assert cal.add_working_hours(at(2026, 3, 2, 14), 4) == at(2026, 3, 2, 18)
    assert cal.add_working_hours(at(2026, 3, 2, 14), 0) == at(2026, 3, 2, 14)


def test_working_seconds_between_ignores_nights_weekends_and_holidays(cal):
    hours = cal.working_seconds_between(at(2026, 2, 13, 16), at(2026, 2, 24, 10)) / 3600
    assert hours == 2 + 9 + 1
    # a pause over the National Day holiday removes no working time
    assert cal.working_seconds_between(at(2026, 9, 30, 18), at(2026, 10, 8, 9)) == 0
    assert cal.working_seconds_between(at(2026, 9, 30, 17), at(2026, 10, 8, 10)) == 2 * 3600
    assert cal.working_seconds_between(at(2026, 3, 2, 10), at(2026, 3, 2, 9)) == 0


def test_holidays_between_lists_named_days_including_weekend_holiday_days(cal):
    got = cal.holidays_between(D(2026, 9, 1), D(2026, 10, 31))
    assert got[0] == Holiday("中秋节", D(2026, 9, 25))
    assert Holiday("国庆节", D(2026, 10, 4)) in got  # a Sunday
    assert len(got) == 3 + 7
    name, date = got[-1]
    assert (name, date) == ("国庆节", D(2026, 10, 7))
    assert D(2026, 9, 20) not in {h.date for h in got}  # make-up days are not holidays
    assert cal.holidays_between(D(2026, 1, 1), D(2026, 1, 3)) == [
        Holiday("元旦", D(2026, 1, d)) for d in (1, 2, 3)
    ]


def test_a_year_that_is_not_covered_falls_back_to_monday_to_friday(cal):
    assert not cal.covers(2027) and cal.covers(2026)
    assert cal.is_working_day(D(2027, 2, 8))  # a Monday (would be Spring Festival)
    assert not cal.is_working_day(D(2027, 2, 6))  # a Saturday
    assert cal.add_working_days(at(2027, 1, 1, 10), 1) == at(2027, 1, 4, 10)  # Friday -> Monday
    assert cal.holidays_between(D(2027, 1, 1), D(2027, 12, 31)) == []
    # crossing from a covered into an uncovered year works without a crash
    assert cal.add_working_days(D(2026, 12, 31), 1) == D(2027, 1, 1)
    assert cal.working_days_between(D(2026, 12, 25), D(2027, 1, 8)) == 10


def test_office_hours_of_the_organisation_are_used():
    early = Calendar(office_hours=OfficeHours(dt.time(8, 30), dt.time(17, 30)))
    assert early.roll_forward(at(2027, 3, 1, 8, 45)) == at(2027, 3, 1, 8, 45)
    assert early.roll_forward(at(2027, 3, 1, 17, 30)) == at(2027, 3, 2, 8, 30)
    assert early.add_working_hours(at(2027, 3, 1, 17), 1) == at(2027, 3, 2, 9)
