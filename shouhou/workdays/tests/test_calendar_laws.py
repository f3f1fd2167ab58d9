"""Laws of the pure calendar arithmetic, checked with hypothesis against brute force (no DB)."""

import datetime as dt
from decimal import Decimal
from zoneinfo import ZoneInfo

import pytest
from hypothesis import assume, given, settings
from hypothesis import strategies as st

from shouhou.workdays.calendar import Calendar, OfficeHours
from shouhou.workdays.package import package_year, package_years

SH = ZoneInfo("Asia/Shanghai")
UTC = dt.UTC
ONE = dt.timedelta(days=1)

FIRST, LAST = dt.date(2024, 1, 1), dt.date(2028, 12, 31)
# no per-example deadline: the brute-force references are slow on a busy machine
RELAXED = settings(deadline=None)
MANY = settings(max_examples=300, deadline=None)


def _package_calendar(**kw):
    exceptions = {}
    for year in package_years():
        exceptions.update(package_year(year))
    return Calendar(exceptions=exceptions, covered_years=frozenset(package_years()), **kw)


PACKAGE = _package_calendar()

dates = st.dates(min_value=FIRST, max_value=LAST)
office_hours = st.builds(
    lambda o, c, om, cm: OfficeHours(dt.time(o, om), dt.time(c, cm)),
    st.integers(0, 11),
    st.integers(12, 23),
    st.sampled_from([0, 15, 30, 59]),
    st.sampled_from([0, 30, 45, 59]),
)


@st.composite
def calendars(draw):
    """Random holidays (weekdays and weekends) and make-up days (weekends) in 2024-2028."""
    holidays = draw(st.lists(dates, max_size=60))
    # runs of holidays like the Spring Festival week
    for start in draw(st.lists(dates, max_size=4)):
        holidays += [start + dt.timedelta(days=i) for i in range(draw(st.integers(3, 12)))]
    makeups = [d for d in draw(st.lists(dates, max_size=20)) if d.weekday() >= 5]
    exceptions = dict.fromkeys(holidays, (False, "节"))
    exceptions.update(dict.fromkeys(makeups, (True, "调休上班")))
    oh = draw(st.one_of(st.just(OfficeHours()), office_hours))
    return Calendar(exceptions=exceptions, covered_years=frozenset({2025, 2026}), office_hours=oh)


any_calendar = st.one_of(st.just(PACKAGE), calendars())


def moments(tz_choices=(SH, UTC)):
    return st.builds(
        lambda d, seconds, us, tz: (
            dt.datetime.combine(d, dt.time(0), tzinfo=SH)
            + dt.timedelta(seconds=seconds, microseconds=us)
        ).astimezone(tz),
        dates,
        st.integers(0, 86399),
        st.sampled_from([0, 0, 1, 999_999]),
        st.sampled_from(tz_choices),
    )


# -- brute-force references ------------------------------------------------------------------
def brute_add(cal, d, n):
    if n == 0:
        while not cal.is_working_day(d):
            d += ONE
        return d
    step = ONE if n > 0 else -ONE
    left = abs(n)
    while left:
        d += step
        if cal.is_working_day(d):
            left -= 1
    return d


def brute_count(cal, a, b):
    sign = 1
    if b < a:
        a, b, sign = b, a, -1
    n, d = 0, a + ONE
    while d <= b:
        n += cal.is_working_day(d)
        d += ONE
    return sign * n


def brute_working_time(cal, a, b):
    la, lb = a.astimezone(SH).replace(tzinfo=None), b.astimezone(SH).replace(tzinfo=None)
    total = dt.timedelta(0)
    d = la.date()
    while d <= lb.date():
        if cal.is_working_day(d):
            lo = max(la, dt.datetime.combine(d, cal.office_hours.opens))
            hi = min(lb, dt.datetime.combine(d, cal.office_hours.closes))
            if hi > lo:
                total += hi - lo
        d += ONE
    return total


def local_time(cal, moment):
    return moment.astimezone(cal.tz).time()


# -- dates -----------------------------------------------------------------------------------
@MANY
@given(cal=any_calendar, d=dates, n=st.integers(-40, 60))
def test_adding_working_days_to_a_date_matches_counting_day_by_day(cal, d, n):
    assert cal.add_working_days(d, n) == brute_add(cal, d, n)


@MANY
@given(cal=any_calendar, a=dates, b=dates)
def test_working_days_between_counts_the_working_days_of_a_to_b_excluding_a(cal, a, b):
    assert cal.working_days_between(a, b) == brute_count(cal, a, b)


@RELAXED
@given(cal=any_calendar, d=dates, n=st.integers(1, 400))
def test_adding_n_working_days_then_counting_back_gives_n(cal, d, n):
    due = cal.add_working_days(d, n)
    assert cal.working_days_between(d, due) == n
    assert cal.is_working_day(due)
    assert due > d


@RELAXED
@given(cal=any_calendar, d=dates, n=st.integers(1, 400))
def test_going_back_n_working_days_lands_on_a_working_day_n_steps_before(cal, d, n):
    earlier = cal.add_working_days(d, -n)
    assert cal.is_working_day(earlier) and earlier < d
    assert cal.working_days_between(earlier, d - ONE) == n - 1


@RELAXED
@given(cal=any_calendar, d=dates, n=st.integers(1, 200))
def test_adding_working_days_to_a_date_is_increasing_in_n(cal, d, n):
    assert cal.add_working_days(d, n) < cal.add_working_days(d, n + 1)
    assert cal.add_working_days(d, 0) <= cal.add_working_days(d, 1)


@RELAXED
@given(cal=any_calendar, d=dates)
def test_zero_working_days_is_the_day_itself_if_working_else_the_next_working_day(cal, d):
    r = cal.add_working_days(d, 0)
    assert cal.is_working_day(r)
    assert (r == d) if cal.is_working_day(d) else (r == cal.next_working_day(d))
    assert cal.next_working_day(d) == cal.add_working_days(d, 1) > d


# -- datetimes -------------------------------------------------------------------------------
@MANY
@given(cal=any_calendar, start=moments(), n=st.integers(0, 30))
def test_adding_working_days_to_a_moment_gives_a_working_moment_at_the_rolled_time(cal, start, n):
    due = cal.add_working_days(start, n)
    rolled = cal.roll_forward(start)
    assert due.tzinfo is not None and cal.is_working_moment(due)
    assert local_time(cal, due) == local_time(cal, rolled)
    assert cal.working_days_between(rolled, due) == n
    assert due >= start


@RELAXED
@given(cal=any_calendar, start=moments(), n=st.integers(0, 30))
def test_adding_working_days_to_a_moment_is_monotonic_in_n(cal, start, n):
    assert cal.add_working_days(start, n) < cal.add_working_days(start, n + 1)


@RELAXED
@given(cal=any_calendar, start=moments())
def test_rolling_forward_reaches_the_first_working_moment_without_office_time_between(cal, start):
    rolled = cal.roll_forward(start)
    assert cal.is_working_moment(rolled) and rolled >= start
    assert cal.roll_forward(rolled) == rolled
    assert cal.working_time_between(start, rolled) == dt.timedelta(0)
    assert (rolled == start) == cal.is_working_moment(start)


@MANY
@given(
    cal=any_calendar,
    start=moments(),
    hours=st.one_of(
        st.integers(0, 300),
        st.decimals(min_value=0, max_value=200, places=4),
        st.timedeltas(min_value=dt.timedelta(0), max_value=dt.timedelta(days=20)),
    ),
)
def test_adding_working_hours_then_measuring_gives_back_the_hours(cal, start, hours):
    due = cal.add_working_hours(start, hours)
    expected = (
        hours
        if isinstance(hours, dt.timedelta)
        else dt.timedelta(hours=int(hours))
        + (dt.timedelta(microseconds=round((Decimal(hours) - int(hours)) * 3_600_000_000)))
    )
    assert cal.working_time_between(start, due) == expected
    assert cal.working_seconds_between(start, due) == pytest.approx(
        expected.total_seconds(), abs=1e-6
    )
    local = due.astimezone(cal.tz)
    assert cal.is_working_day(local.date())
    if expected:
        # earliest instant: inside (opens, closes] of a working day
        assert cal.office_hours.opens < local.time() or local.time() == cal.office_hours.closes
        assert local.time() <= cal.office_hours.closes
    else:
        assert due == cal.roll_forward(start)


@RELAXED
@given(cal=any_calendar, start=moments(), a=st.integers(0, 200), b=st.integers(0, 200))
def test_adding_working_hours_is_monotonic(cal, start, a, b):
    assume(a != b)
    lo, hi = sorted((a, b))
    assert cal.add_working_hours(start, lo) < cal.add_working_hours(start, hi)


@MANY
@given(cal=any_calendar, a=moments(), span=st.timedeltas(dt.timedelta(0), dt.timedelta(days=25)))
def test_working_time_between_is_the_overlap_with_office_hours_of_working_days(cal, a, span):
    b = a + span
    assert cal.working_time_between(a, b) == brute_working_time(cal, a, b)
    assert cal.working_time_between(b, a) == dt.timedelta(0)


@RELAXED
@given(
    cal=any_calendar,
    a=moments(),
    x=st.timedeltas(dt.timedelta(0), dt.timedelta(days=9)),
    y=st.timedeltas(dt.timedelta(0), dt.timedelta(days=9)),
)
def test_working_time_adds_up_over_consecutive_intervals(cal, a, x, y):
    b, c = a + x, a + x + y
    assert cal.working_time_between(a, b) + cal.working_time_between(
        b, c
    ) == cal.working_time_between(a, c)


def test_naive_datetimes_are_refused():
    with pytest.raises(ValueError):
        PACKAGE.add_working_days(dt.datetime(2026, 2, 13, 16), 1)
    with pytest.raises(ValueError):
        PACKAGE.working_seconds_between(
            dt.datetime(2026, 2, 13), dt.datetime(2026, 2, 14, tzinfo=SH)
        )
    with pytest.raises(ValueError):
        PACKAGE.add_working_hours(dt.datetime(2026, 2, 13, 16, tzinfo=SH), -1)
    with pytest.raises(ValueError):
        PACKAGE.add_working_days(dt.datetime(2026, 2, 13, 16, tzinfo=SH), -1)
    with pytest.raises(TypeError):
        PACKAGE.add_working_days(dt.date(2026, 2, 13), 1.5)


def test_office_hours_must_open_before_they_close():
    with pytest.raises(ValueError):
        OfficeHours(dt.time(18), dt.time(9))
