"""When a plan's visits fall: pure date arithmetic on the working-day calendar (no ORM).

* every N months: the first visit N months after the start; the next one N months after the
  real visit (or after the due date of a visit that was skipped), month-end rule of
  `core.dates.add_months`;
* fixed dates: the first fixed date after the last visit;
* a date that is not a working day moves to the next working day;
* nothing after the plan's end: the plan ends with the warranty or the contract.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable

from shouhou.core.dates import add_months


def parse_fixed_dates(values: Iterable) -> list[dt.date]:
    """ISO strings (or dates) to sorted unique dates; ValueError names the bad one."""
    out = set()
    for v in values or []:
        if isinstance(v, dt.date):
            out.add(v)
            continue
        try:
            out.add(dt.date.fromisoformat(str(v).strip()))
        except ValueError:
            raise ValueError(str(v)) from None
    return sorted(out)


def first_due(*, starts_on, ends_on, interval_months, fixed_dates, cal) -> dt.date | None:
    if fixed_dates:
        return _fixed_after(starts_on - dt.timedelta(days=1), ends_on, fixed_dates, cal)
    return _within(cal.working_day_on_or_after(add_months(starts_on, interval_months)), ends_on)


def next_due(*, after, ends_on, interval_months, fixed_dates, cal) -> dt.date | None:
    """The visit after one made (or skipped) on `after`."""
    if fixed_dates:
        return _fixed_after(after, ends_on, fixed_dates, cal)
    return _within(cal.working_day_on_or_after(add_months(after, interval_months)), ends_on)


def _fixed_after(after, ends_on, fixed_dates, cal) -> dt.date | None:
    for d in parse_fixed_dates(fixed_dates):
        if d > after:
            return _within(cal.working_day_on_or_after(d), ends_on)
    return None


def _within(d: dt.date, ends_on: dt.date) -> dt.date | None:
    return d if d <= ends_on else None


def issue_from(due_on: dt.date, lead_working_days: int, cal) -> dt.date:
    """The day the order of a visit due on `due_on` is issued (提前派单)."""
    return cal.add_working_days(cal.working_day_on_or_after(due_on), -lead_working_days)


def issue_horizon(today: dt.date, lead_working_days: int, cal) -> dt.date:
    """Visits due up to this day get their order today."""
    return cal.add_working_days(today, lead_working_days)
