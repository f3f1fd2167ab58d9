"""Deadline arithmetic and the pause/overlap computation, without a database.

The calendar is the real pure `Calendar` with the official 2025-2026 schedule (Spring Festival
2026: holidays 15-23 Feb, make-up working days Saturday 14 Feb and Saturday 28 Feb).
"""

import datetime as dt
from decimal import Decimal
from zoneinfo import ZoneInfo

from hypothesis import given, settings
from hypothesis import strategies as st

from shouhou.workdays.calendar import Calendar
from shouhou.workdays.package import package_year
from shouhou.workorders import deadlines as dl
from shouhou.workorders import states

SH = ZoneInfo("Asia/Shanghai")
CAL = Calendar(exceptions={**package_year(2025), **package_year(2026)}, covered_years={2025, 2026})


def at(y, m, d, hh=10, mm=0):
    return dt.datetime(y, m, d, hh, mm, tzinfo=SH)


def spec(target=dl.CONTACT, amount="1", unit=dl.WORKING_DAYS, anchor=dl.ANCHOR_DISPATCHED):
    return dl.TargetSpec(target, Decimal(amount), unit, anchor)


# --- examples from seed 001 ---------------------------------------------------------------------
def test_contact_within_one_working_day_of_a_friday_dispatch_is_due_monday():
    assert dl.due_at(CAL, at(2026, 3, 6, 15), spec(), []) == at(2026, 3, 9, 15)


def test_contact_due_on_the_make_up_saturday_before_spring_festival():
    # Friday 13 Feb + 1 working day = Saturday 14 Feb (调休上班)
    assert dl.due_at(CAL, at(2026, 2, 13, 16), spec(), []) == at(2026, 2, 14, 16)


def test_reply_due_skips_the_spring_festival_holiday():
    # Saturday 14 Feb (working) + 2 working days: 15-23 Feb are holidays -> 24, 25 Feb
    assert dl.due_at(CAL, at(2026, 2, 14, 11), spec(dl.REPLY, "2"), []) == at(2026, 2, 25, 11)


def test_dispatch_after_closing_counts_from_the_next_opening():
    # Friday 20:00 rolls to Monday 09:00; + 1 working day = Tuesday 09:00
    assert dl.due_at(CAL, at(2026, 3, 6, 20), spec(), []) == at(2026, 3, 10, 9)


def test_on_site_within_24_hours_is_wall_clock():
    due = dl.due_at(CAL, at(2026, 3, 6, 15), spec(dl.ONSITE, "24", dl.HOURS), [])
    assert due == at(2026, 3, 7, 15)


def test_emergency_answer_in_30_minutes_even_at_night():
    due = dl.due_at(CAL, at(2026, 2, 16, 23, 50), spec(dl.CONTACT, "30", dl.MINUTES), [])
    assert due == at(2026, 2, 17, 0, 20)


def test_national_day_2025_with_the_make_up_sunday():
    # Sunday 28 Sep 2025 is a make-up working day: Friday 26 Sep + 1 = Sunday 28 Sep;
    # Saturday 27 Sep rolls to Sunday 09:00, + 1 = Monday 29 Sep 09:00;
    # Tuesday 30 Sep + 1 = Thursday 9 Oct (1-8 Oct are holidays)
    assert dl.due_at(CAL, at(2025, 9, 26, 10), spec(), []) == at(2025, 9, 28, 10)
    assert dl.due_at(CAL, at(2025, 9, 27, 10), spec(), []) == at(2025, 9, 29, 9)
    assert dl.due_at(CAL, at(2025, 9, 30, 10), spec(), []) == at(2025, 10, 9, 10)


# --- pauses -------------------------------------------------------------------------------------
def test_a_pause_inside_office_hours_moves_the_due_time_by_its_length():
    start = at(2026, 3, 9, 10)  # Monday
    pause = (at(2026, 3, 9, 11), at(2026, 3, 9, 14))
    assert dl.due_at(CAL, start, spec(), [pause]) == at(2026, 3, 10, 13)


def test_a_pause_over_closing_hours_counts_only_office_time():
    start = at(2026, 3, 9, 10)
    pause = (at(2026, 3, 9, 17), at(2026, 3, 10, 10))  # 1 h Monday + 1 h Tuesday
    assert dl.due_at(CAL, start, spec(), [pause]) == at(2026, 3, 10, 12)


def test_a_pause_entirely_at_night_changes_nothing():
    start = at(2026, 3, 9, 10)
    pause = (at(2026, 3, 9, 19), at(2026, 3, 10, 8))
    assert dl.due_at(CAL, start, spec(), [pause]) == dl.due_at(CAL, start, spec(), [])


def test_a_pause_over_the_spring_festival_holiday_is_not_counted_twice():
    start = at(2026, 2, 13, 10)  # Friday; 1 working day -> Saturday 14 Feb 10:00
    # paused from Saturday 12:00 to Tuesday 24 Feb 10:00: only Saturday 12-18 and Tuesday 9-10
    # are working time (7 h), whatever the holiday in between
    pause = (at(2026, 2, 14, 12), at(2026, 2, 24, 10))
    due = dl.due_at(CAL, start, spec(), [pause])
    assert due is not None
    active = dl.active_seconds(CAL, start, due, dl.WORKING_DAYS, [pause])
    assert active == CAL.working_seconds_between(start, at(2026, 2, 14, 10))
    # the pause started after the budget was used up (Saturday 10:00 < 12:00): nothing moves
    assert due == at(2026, 2, 14, 10)


def test_a_pause_starting_before_the_due_time_and_spanning_a_holiday():
    start = at(2026, 2, 13, 16)  # Friday 16:00 -> due Saturday 14 Feb 16:00
    pause = (at(2026, 2, 14, 9), at(2026, 2, 24, 9))  # all of Saturday's office hours (9 h)
    due = dl.due_at(CAL, start, spec(), [pause])
    # 2 h used Friday, 7 h left after the pause: Tuesday 24 Feb 16:00
    assert due == at(2026, 2, 24, 16)


def test_an_open_pause_before_the_due_time_stops_the_clock():
    start = at(2026, 3, 9, 10)
    assert dl.due_at(CAL, start, spec(), [(at(2026, 3, 9, 12), None)]) is None


def test_an_open_pause_after_the_due_time_keeps_it():
    start = at(2026, 3, 9, 10)
    assert dl.due_at(CAL, start, spec(), [(at(2026, 3, 11, 12), None)]) == at(2026, 3, 10, 10)


def test_a_pause_after_the_budget_was_used_on_a_friday_evening_is_ignored():
    # due Monday 18:00 is the same working moment as Tuesday 09:00: a pause from Monday 19:00
    # must not push the deadline.
    start = at(2026, 3, 6, 18)  # Friday 18:00 (closing) rolls to Monday 09:00
    due0 = dl.due_at(CAL, start, spec(), [])
    pause = (at(2026, 3, 9, 19), at(2026, 3, 10, 12))
    due = dl.due_at(CAL, start, spec(), [pause])
    assert CAL.working_seconds_between(min(due, due0), max(due, due0)) == 0


def test_wall_clock_budgets_pause_by_wall_clock():
    start = at(2026, 3, 9, 10)
    pause = (at(2026, 3, 9, 10, 30), at(2026, 3, 9, 11, 30))
    assert dl.due_at(CAL, start, spec(dl.ONSITE, "2", dl.HOURS), [pause]) == at(2026, 3, 9, 13)


def test_pauses_from_history_merge_consecutive_paused_states():
    h = [
        (at(2026, 3, 9, 9), states.NEW),
        (at(2026, 3, 9, 10), states.DISPATCHED),
        (at(2026, 3, 9, 11), states.POSTPONED),
        (at(2026, 3, 9, 12), states.APPOINTED),
        (at(2026, 3, 10, 9), states.ON_SITE),
        (at(2026, 3, 10, 10), states.WAITING_PARTS),
        (at(2026, 3, 11, 10), states.APPOINTED),
        (at(2026, 3, 11, 15), states.NOT_HOME),
    ]
    assert dl.pauses_from_history(h) == [
        (at(2026, 3, 9, 11), at(2026, 3, 9, 12)),
        (at(2026, 3, 10, 10), at(2026, 3, 11, 10)),
        (at(2026, 3, 11, 15), None),
    ]


def test_due_times_anchor_on_received_or_dispatched():
    specs = [
        spec(dl.CONTACT, "30", dl.MINUTES, dl.ANCHOR_RECEIVED),
        spec(dl.REPLY, "2", dl.WORKING_DAYS, dl.ANCHOR_DISPATCHED),
    ]
    out = dl.due_times(CAL, specs, dl.Anchors(at(2026, 3, 9, 9), None), [])
    assert out[dl.CONTACT] == at(2026, 3, 9, 9, 30)
    assert out[dl.REPLY] is None
    assert out[dl.ONSITE] is None


# --- properties ---------------------------------------------------------------------------------
moments = st.datetimes(min_value=dt.datetime(2025, 9, 1), max_value=dt.datetime(2026, 11, 30)).map(
    lambda d: d.replace(second=0, microsecond=0, tzinfo=SH)
)
budgets = st.one_of(
    st.tuples(st.integers(1, 5).map(str), st.just(dl.WORKING_DAYS)),
    st.tuples(st.integers(1, 40).map(str), st.just(dl.WORKING_HOURS)),
    st.tuples(st.integers(1, 72).map(str), st.just(dl.HOURS)),
)


@st.composite
def pause_lists(draw, start):
    n = draw(st.integers(0, 4))
    cursor = start - dt.timedelta(hours=draw(st.integers(0, 30)))
    out = []
    for _ in range(n):
        cursor += dt.timedelta(minutes=draw(st.integers(1, 5000)))
        length = dt.timedelta(minutes=draw(st.integers(1, 8000)))
        out.append((cursor, cursor + length))
        cursor += length
    return out


@settings(max_examples=300, deadline=None)
@given(data=st.data(), start=moments, budget=budgets)
def test_active_time_until_the_due_time_equals_the_budget(data, start, budget):
    amount, unit = budget
    pauses = data.draw(pause_lists(start))
    s = spec(amount=amount, unit=unit)
    due = dl.due_at(CAL, start, s, pauses)
    budget_seconds = dl.measure(CAL, start, dl.base_due(CAL, start, s.amount, unit), unit)
    assert abs(dl.active_seconds(CAL, start, due, unit, pauses) - budget_seconds) < 1e-3


@settings(max_examples=200, deadline=None)
@given(data=st.data(), start=moments, budget=budgets)
def test_pauses_never_bring_the_due_time_forward(data, start, budget):
    amount, unit = budget
    pauses = data.draw(pause_lists(start))
    s = spec(amount=amount, unit=unit)
    with_pauses = dl.due_at(CAL, start, s, pauses)
    without = dl.due_at(CAL, start, s, [])
    assert with_pauses >= without or dl.measure(CAL, with_pauses, without, unit) == 0


@settings(max_examples=200, deadline=None)
@given(data=st.data(), start=moments, budget=budgets)
def test_splitting_a_pause_in_two_changes_nothing(data, start, budget):
    """A pause that is recorded as two back-to-back pauses counts the same (no double count)."""
    amount, unit = budget
    pauses = data.draw(pause_lists(start))
    if not pauses:
        return
    a, b = pauses[0]
    cut = a + (b - a) / 2
    split = [(a, cut), (cut, b), *pauses[1:]]
    s = spec(amount=amount, unit=unit)
    one, two = dl.due_at(CAL, start, s, pauses), dl.due_at(CAL, start, s, split)
    assert dl.measure(CAL, min(one, two), max(one, two), unit) == 0


@settings(max_examples=200, deadline=None)
@given(start=moments, n=st.integers(1, 6))
def test_unpaused_working_day_budget_matches_add_working_days(start, n):
    assert dl.due_at(CAL, start, spec(amount=str(n)), []) == CAL.add_working_days(start, n)
