"""Working-day and working-time arithmetic on the official Chinese calendar (pure, no ORM).

A `Calendar` knows:

* **exceptions**: `{date: (is_working, name)}` -- statutory holidays (`is_working=False`,
  including holidays that fall on a weekend, so their names are known) and make-up working
  days (调休, `is_working=True`, always a Saturday or Sunday);
* **covered years**: the years whose official schedule has been entered. A day of a year that is
  not covered is a working day when it is Monday to Friday (the fallback; callers show a warning,
  see `shouhou.workdays.selectors.calendar_warnings`). Exceptions are honoured in any year;
* **office hours** (`OfficeHours`, default 09:00-18:00) and the **time zone** (Asia/Shanghai).

Rules used everywhere below:

* A *working day* is a date that is an exception with `is_working=True`, or that is not an
  exception and falls on Monday-Friday.
* A *working moment* is an instant whose local date is a working day and whose local time `t`
  satisfies `opens <= t < closes` (office hours are half-open: at closing time the office is shut).
* Datetimes must be timezone-aware (`ValueError` otherwise). They are converted to the calendar's
  time zone for all calendar logic; returned datetimes are aware, in the calendar's time zone.
  Wall-clock arithmetic is used inside a day (Asia/Shanghai has no daylight-saving time).

Everything is O(log E) per call (E = number of exceptions): the number of working days up to a
date is a closed formula for Monday-Friday plus a prefix sum over the sorted exceptions, found
with `bisect`; adding days is a short galloping binary search over that count.
"""

from __future__ import annotations

import bisect
import datetime as dt
from collections.abc import Mapping
from dataclasses import dataclass, field
from decimal import ROUND_HALF_EVEN, Decimal
from types import MappingProxyType
from typing import NamedTuple
from zoneinfo import ZoneInfo

SHANGHAI = ZoneInfo("Asia/Shanghai")
_US_PER_SECOND = 1_000_000
_US_PER_HOUR = 3600 * _US_PER_SECOND
_ONE_DAY = dt.timedelta(days=1)
_STEP_LIMIT = 8  # n up to this: step day by day; beyond: search on the working-day count


@dataclass(frozen=True)
class OfficeHours:
    """Daily office hours `[opens, closes)`, local wall-clock times; `opens < closes`."""

    opens: dt.time = dt.time(9, 0)
    closes: dt.time = dt.time(18, 0)

    def __post_init__(self) -> None:
        if self.opens.tzinfo is not None or self.closes.tzinfo is not None:
            raise ValueError("office hours are naive local times")
        if not self.opens < self.closes:
            raise ValueError("office hours must open before they close on the same day")

    @property
    def length(self) -> dt.timedelta:
        """Length of one working day's office hours."""
        return _combine(dt.date(2000, 1, 3), self.closes) - _combine(
            dt.date(2000, 1, 3), self.opens
        )


class Holiday(NamedTuple):
    """A non-working exception day with its name (unpacks as `(name, date)`)."""

    name: str
    date: dt.date


def _combine(d: dt.date, t: dt.time) -> dt.datetime:
    return dt.datetime.combine(d, t)


def _us(delta: dt.timedelta) -> int:
    return (delta.days * 86400 + delta.seconds) * _US_PER_SECOND + delta.microseconds


def _hours_to_us(hours: float | Decimal | int) -> int:
    """Hours (int, float, Decimal or a timedelta) as whole microseconds (rounded half-even)."""
    if isinstance(hours, dt.timedelta):
        return _us(hours)
    if isinstance(hours, bool):
        raise TypeError("hours must be a number or a timedelta")
    if isinstance(hours, int):
        return hours * _US_PER_HOUR
    if isinstance(hours, float):
        return round(hours * _US_PER_HOUR)
    if isinstance(hours, Decimal):
        if not hours.is_finite():
            raise ValueError("hours must be finite")
        return int((hours * _US_PER_HOUR).to_integral_value(rounding=ROUND_HALF_EVEN))
    raise TypeError("hours must be a number or a timedelta")


def _weekdays_upto(ordinal: int) -> int:
    """How many Monday-Friday dates have an ordinal in [1, ordinal] (ordinal 1 is a Monday)."""
    q, r = divmod(ordinal, 7)
    return 5 * q + min(r, 5)


def _weekday_inverse(k: int) -> int:
    """The smallest ordinal o with `_weekdays_upto(o) >= k`."""
    q, r = divmod(k, 5)
    return 7 * q + r if r else 7 * q - 2


def _is_weekday(d: dt.date) -> bool:
    return d.weekday() < 5


@dataclass(frozen=True, eq=False)
class Calendar:
    """A working-day calendar. See the module docstring for the rules.

    `Calendar(exceptions={date: (is_working, name)}, covered_years={2026}, office_hours=...,
    tz="Asia/Shanghai")`; every argument has a default (no exceptions, nothing covered:
    Monday-Friday, 09:00-18:00, Asia/Shanghai).
    """

    exceptions: Mapping[dt.date, tuple[bool, str]] = field(default_factory=dict)
    covered_years: frozenset[int] = frozenset()
    office_hours: OfficeHours = field(default_factory=OfficeHours)
    tz: ZoneInfo | str = SHANGHAI
    # From this month on next year's schedule is needed too (OrganisationSettings).
    next_year_from_month: int = 11
    # Derived in __post_init__ (not arguments).
    _zone: ZoneInfo = field(init=False, repr=False, compare=False)
    _exc: dict[dt.date, tuple[bool, str]] = field(init=False, repr=False, compare=False)
    _ordinals: list[int] = field(init=False, repr=False, compare=False)
    _prefix: list[int] = field(init=False, repr=False, compare=False)
    _day_us: int = field(init=False, repr=False, compare=False)

    def __post_init__(self) -> None:
        tz = ZoneInfo(self.tz) if isinstance(self.tz, str) else self.tz
        exceptions: dict[dt.date, tuple[bool, str]] = {}
        for d, value in self.exceptions.items():
            if isinstance(d, dt.datetime) or not isinstance(d, dt.date):
                raise TypeError("exception keys must be dates")
            is_working, name = value
            exceptions[d] = (bool(is_working), name or "")
        ordinals = sorted(d.toordinal() for d in exceptions)
        prefix = [0]
        for o in ordinals:
            d = dt.date.fromordinal(o)
            delta = int(exceptions[d][0]) - int(_is_weekday(d))
            prefix.append(prefix[-1] + delta)
        set_ = object.__setattr__
        set_(self, "tz", tz)
        set_(self, "_zone", tz)
        # shared by every caller in the process (cached): read-only from the outside
        set_(self, "exceptions", MappingProxyType(exceptions))
        set_(self, "_exc", exceptions)
        set_(self, "covered_years", frozenset(self.covered_years))
        set_(self, "_ordinals", ordinals)
        set_(self, "_prefix", prefix)
        length = _us(self.office_hours.length)
        set_(self, "_day_us", length)

    def __repr__(self) -> str:
        years = sorted(self.covered_years)
        span = f"{years[0]}-{years[-1]}" if years else "none"
        return (
            f"<Calendar {len(self.exceptions)} exceptions, covered {span} ({len(years)} years), "
            f"{self.office_hours.opens:%H:%M}-{self.office_hours.closes:%H:%M}, {self.tz}>"
        )

    # -- coverage ---------------------------------------------------------------------------
    def covers(self, year: int) -> bool:
        """True if the official schedule of `year` is known (else Monday-Friday is assumed)."""
        return year in self.covered_years

    # -- days -------------------------------------------------------------------------------
    def local_date(self, value: dt.date | dt.datetime) -> dt.date:
        """A date as is; an aware datetime as its date in the calendar's time zone."""
        if isinstance(value, dt.datetime):
            return self._local(value).date()
        if isinstance(value, dt.date):
            return value
        raise TypeError("expected a date or an aware datetime")

    def is_working_day(self, d: dt.date | dt.datetime) -> bool:
        """Is the (local) date a working day: a make-up day, or Mon-Fri and not a holiday."""
        return self._working(self.local_date(d))

    def _working(self, d: dt.date) -> bool:
        exc = self._exc.get(d)
        if exc is not None:
            return exc[0]
        return d.weekday() < 5

    def day_name(self, d: dt.date | dt.datetime) -> str:
        """The exception's name ("春节", "调休上班"...) or "" for an ordinary day."""
        exc = self.exceptions.get(self.local_date(d))
        return exc[1] if exc else ""

    def _count(self, ordinal: int) -> int:
        """Working days with an ordinal <= `ordinal` (relative to an arbitrary origin)."""
        idx = bisect.bisect_right(self._ordinals, ordinal)
        return _weekdays_upto(ordinal) + self._prefix[idx]

    def working_days_between(self, a: dt.date | dt.datetime, b: dt.date | dt.datetime) -> int:
        """The number of working days in the half-open range (a, b] of (local) dates.

        `a` itself is not counted, `b` is. Datetimes count by their local date (the time of day
        is ignored). If b < a the result is negative: `-working_days_between(b, a)`. So
        `working_days_between(d, add_working_days(d, n)) == n` for every date d and n >= 1.
        """
        da, db = self.local_date(a), self.local_date(b)
        return self._count(db.toordinal()) - self._count(da.toordinal())

    def _prefix_at(self, ordinal: int) -> int:
        return self._prefix[bisect.bisect_right(self._ordinals, ordinal)]

    def _first_reaching(self, target: int, near: int) -> int:
        """The smallest ordinal o with `_count(o) >= target` (a working day by construction).

        Guess with the Monday-Friday inverse, correcting for the exceptions on the way (a couple
        of bisects when no holiday is in between); verify; else gallop and bisect on the count.
        """
        p = self._prefix_at(near)
        guess = _weekday_inverse(target - p)
        for _ in range(3):
            p2 = self._prefix_at(guess)
            if p2 == p:
                break
            p = p2
            guess = _weekday_inverse(target - p)
        if self._count(guess) >= target and self._count(guess - 1) < target:
            return guess
        guess = max(1, guess)
        step = 8
        if self._count(guess) >= target:
            hi = guess
            lo = guess - step
            while lo > 0 and self._count(lo) >= target:
                hi = lo
                step *= 2
                lo = hi - step
            lo = max(lo, 0)
        else:
            lo = guess
            hi = guess + step
            while self._count(hi) < target:
                lo = hi
                step *= 2
                hi = lo + step
        # invariant: _count(lo) < target (or lo == 0) and _count(hi) >= target
        while hi - lo > 1:
            mid = (lo + hi) // 2
            if self._count(mid) >= target:
                hi = mid
            else:
                lo = mid
        return hi

    def _add_days(self, d: dt.date, n: int) -> dt.date:
        o = d.toordinal()
        if n == 0:
            return d if self._working(d) else self._add_days(d, 1)
        if 0 < n <= _STEP_LIMIT:
            # a few days ahead: stepping through the days is cheaper than searching
            one = _ONE_DAY
            working = self._working
            while n:
                d += one
                if working(d):
                    n -= 1
            return d
        if n > 0:
            target = self._count(o) + n
            return dt.date.fromordinal(self._first_reaching(target, o))
        # n < 0: the |n|-th working day before d
        target = self._count(o - 1) + n + 1
        return dt.date.fromordinal(self._first_reaching(target, o - 1))

    def add_working_days(self, start: dt.date | dt.datetime, n: int) -> dt.date | dt.datetime:
        """The deadline `n` working days after `start`.

        For a **date** `d` (returns a date):

        * `n >= 1`: the n-th working day after d (d itself never counts, whether working or not):
          Friday 2026-02-13 + 1 = Saturday 2026-02-14 (a make-up working day).
        * `n == 0`: d if it is a working day, else the next working day.
        * `n < 0`: the |n|-th working day before d.

        For an aware **datetime** (returns an aware datetime in the calendar's time zone; n >= 0):
        first roll forward to a working moment (`roll_forward`: on a non-working day or at/after
        closing -> the next working day at opening; before opening -> opening the same day),
        then move n working days keeping that time of day. Friday 2026-02-13 16:00 + 1 =
        Saturday 2026-02-14 16:00; Saturday 2026-02-07 10:00 + 1 = Tuesday 2026-02-10 09:00.
        The result is always a working moment and is non-decreasing in n.
        """
        if isinstance(n, bool) or not isinstance(n, int):
            raise TypeError("n must be an int")
        if isinstance(start, dt.datetime):
            if n < 0:
                raise ValueError("n must be >= 0 for a datetime")
            moment = self._roll_forward_local(self._local(start))
            day = self._add_days(moment.date(), n)
            return self._aware(_combine(day, moment.time()))
        if isinstance(start, dt.date):
            return self._add_days(start, n)
        raise TypeError("start must be a date or an aware datetime")

    def next_working_day(self, d: dt.date | dt.datetime) -> dt.date:
        """The first working day strictly after the (local) date of d; = add_working_days(d, 1)."""
        return self._add_days(self.local_date(d), 1)

    def working_day_on_or_after(self, d: dt.date | dt.datetime) -> dt.date:
        """d's (local) date if it is a working day, else the next one; = add_working_days(d, 0)."""
        return self._add_days(self.local_date(d), 0)

    # -- moments ----------------------------------------------------------------------------
    def _local(self, moment: dt.datetime) -> dt.datetime:
        """The naive local wall-clock time of an aware datetime."""
        if not isinstance(moment, dt.datetime):
            raise TypeError("expected an aware datetime")
        tzinfo = moment.tzinfo
        if tzinfo is self.tz:
            return moment.replace(tzinfo=None)
        if tzinfo is None or moment.utcoffset() is None:
            raise ValueError("an aware datetime is required (got a naive one)")
        return moment.astimezone(self._zone).replace(tzinfo=None)

    def _aware(self, local: dt.datetime) -> dt.datetime:
        return local.replace(tzinfo=self._zone)

    def _roll_forward_local(self, m: dt.datetime) -> dt.datetime:
        d, t = m.date(), m.time()
        oh = self.office_hours
        if self._working(d):
            if t < oh.opens:
                return _combine(d, oh.opens)
            if t < oh.closes:
                return m
        return _combine(self._add_days(d, 1), oh.opens)

    def is_working_moment(self, moment: dt.datetime) -> bool:
        """Is the instant inside office hours [opens, closes) of a working day?"""
        m = self._local(moment)
        oh = self.office_hours
        return self.is_working_day(m.date()) and oh.opens <= m.time() < oh.closes

    def roll_forward(self, moment: dt.datetime) -> dt.datetime:
        """The first working moment at or after `moment`.

        A working moment is returned unchanged (in the calendar's time zone); before opening on
        a working day -> opening that day; at/after closing or on a non-working day -> opening on
        the next working day.
        """
        return self._aware(self._roll_forward_local(self._local(moment)))

    def add_working_hours(self, start: dt.datetime, hours: float | Decimal | int) -> dt.datetime:
        """The instant when `hours` of office time have passed since `start`.

        `hours` is an int, float, Decimal or timedelta, >= 0 (rounded to whole microseconds).
        Only office hours of working days are consumed: 4 working hours from Friday 16:00 with
        09:00-18:00 office hours is the next working day at 11:00. The result is the *earliest*
        such instant, so a budget that ends exactly at closing time gives the closing time of
        that day (e.g. 14:00 + 4 h = 18:00 the same day), not the next opening. For hours > 0
        the local result lies in (opens, closes] of a working day; for hours == 0 it is
        `roll_forward(start)`. Law: `working_seconds_between(start, result) == hours * 3600`.
        """
        need = _hours_to_us(hours)
        if need < 0:
            raise ValueError("hours must be >= 0")
        m = self._roll_forward_local(self._local(start))
        if need == 0:
            return self._aware(m)
        oh = self.office_hours
        day = m.date()
        available = _us(_combine(day, oh.closes) - m)
        if need <= available:
            return self._aware(m + dt.timedelta(microseconds=need))
        rest = need - available
        full_days = (rest - 1) // self._day_us  # whole office days used before the last one
        last = rest - full_days * self._day_us  # in (0, day length]
        target = self._add_days(day, full_days + 1)
        return self._aware(_combine(target, oh.opens) + dt.timedelta(microseconds=last))

    def _office_overlap_us(
        self, d: dt.date, start: dt.datetime | None, end: dt.datetime | None
    ) -> int:
        """Microseconds of [start, end) (None = unbounded) inside d's office hours, if working."""
        if not self._working(d):
            return 0
        lo = _combine(d, self.office_hours.opens)
        hi = _combine(d, self.office_hours.closes)
        if start is not None and start > lo:
            lo = start
        if end is not None and end < hi:
            hi = end
        return max(0, _us(hi - lo))

    def _working_us(self, a: dt.datetime, b: dt.datetime) -> int:
        la, lb = self._local(a), self._local(b)
        if lb <= la:
            return 0
        da, db = la.date(), lb.date()
        if da == db:
            return self._office_overlap_us(da, la, lb)
        total = self._office_overlap_us(da, la, None) + self._office_overlap_us(db, None, lb)
        between = self._count(db.toordinal() - 1) - self._count(da.toordinal())
        return total + between * self._day_us

    def working_time_between(self, a: dt.datetime, b: dt.datetime) -> dt.timedelta:
        """The overlap of [a, b) with office hours of working days, exactly (a timedelta).

        Zero when b <= a. Time outside office hours, on weekends, holidays (and any non-working
        day) does not count; make-up working days count in full.
        """
        return dt.timedelta(microseconds=self._working_us(a, b))

    def working_seconds_between(self, a: dt.datetime, b: dt.datetime) -> float:
        """Seconds of office time in [a, b) (see `working_time_between`); 0.0 when b <= a.

        Exact to the microsecond: `add_working_hours(start, h)` then this gives back h * 3600.
        """
        return self._working_us(a, b) / _US_PER_SECOND

    # -- holidays ---------------------------------------------------------------------------
    def exceptions_between(self, a: dt.date, b: dt.date) -> list[tuple[dt.date, bool, str]]:
        """Exception days with a <= date <= b, by date: (date, is_working, name)."""
        a, b = self.local_date(a), self.local_date(b)
        lo = bisect.bisect_left(self._ordinals, a.toordinal())
        hi = bisect.bisect_right(self._ordinals, b.toordinal())
        out = []
        for o in self._ordinals[lo:hi]:
            d = dt.date.fromordinal(o)
            is_working, name = self.exceptions[d]
            out.append((d, is_working, name))
        return out

    def holidays_between(self, a: dt.date, b: dt.date) -> list[Holiday]:
        """Holidays (non-working exception days, weekends included) with a <= date <= b.

        A list of `Holiday(name, date)` by date, e.g. `Holiday("春节", date(2026, 2, 15))`. Only
        days of the entered schedule are listed: ordinary weekends are not holidays, and a year
        that is not covered has none.
        """
        return [
            Holiday(name, d) for d, working, name in self.exceptions_between(a, b) if not working
        ]
