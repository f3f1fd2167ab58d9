"""Due times of a work order's targets, computed from its state history (pure, no ORM).

A target (contact, on site, reply, fixed) has a budget (1 working day, 24 hours, 30 minutes...)
that starts at an anchor (the request or the dispatch). The clock runs while the order is in an
*open* state and stops while it is *paused* (waiting for parts, customer asked for a later date,
customer not at home). The due time is therefore not a running counter: it is recomputed from the
history as "the moment the active time since the anchor reaches the budget", where active time is
the overlap of the open periods with working time (for working-day/-hour budgets) or with the
wall clock (for clock budgets). A pause that spans closing hours or a holiday only removes the
working time it really overlaps, so nothing is counted twice or lost.

`cal` is a working-day calendar with the methods of `shouhou.workdays.services.Calendar`:
`add_working_days(start, n)`, `add_working_hours(start, hours)`, `working_seconds_between(a, b)`.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from decimal import Decimal

from . import states

# Targets and units ----------------------------------------------------------------------------
CONTACT = "contact"
ONSITE = "onsite"
REPLY = "reply"
FIXED = "fixed"
ARRANGE = "arrange"  # the request arranged: given to a technician (范文2 四.1)
WRITTEN = "written"  # a written contact (seed 002 3.2.3), a record of its own
TARGETS = (CONTACT, ONSITE, REPLY, FIXED, ARRANGE, WRITTEN)

WORKING_DAYS = "working_days"
WORKING_HOURS = "working_hours"
WORKING_MINUTES = "working_minutes"  # the 30 minutes of a response tier, in office time
HOURS = "hours"  # wall clock
MINUTES = "minutes"  # wall clock
WORKING_UNITS = (WORKING_DAYS, WORKING_HOURS, WORKING_MINUTES)

ANCHOR_RECEIVED = "received"
ANCHOR_DISPATCHED = "dispatched"


@dataclass(frozen=True)
class TargetSpec:
    target: str
    amount: Decimal
    unit: str
    anchor: str = ANCHOR_DISPATCHED


Pause = tuple[dt.datetime, dt.datetime | None]  # [start, end); end None = still paused


# Measures -------------------------------------------------------------------------------------
def measure(cal, a: dt.datetime, b: dt.datetime, unit: str) -> float:
    """Seconds of [a, b) that count for a budget in `unit`."""
    if b <= a:
        return 0.0
    if unit in WORKING_UNITS:
        return float(cal.working_seconds_between(a, b))
    return (b - a).total_seconds()


def extend(cal, at: dt.datetime, seconds: float, unit: str) -> dt.datetime:
    """The moment `seconds` of counting time after `at`."""
    if seconds <= 0:
        return at
    if unit in WORKING_UNITS:
        return cal.add_working_hours(at, Decimal(str(seconds)) / Decimal(3600))
    return at + dt.timedelta(seconds=seconds)


def base_due(cal, start: dt.datetime, amount, unit: str) -> dt.datetime:
    """Due time of a budget with no pause."""
    amount = Decimal(str(amount))
    if unit == WORKING_DAYS:
        whole = int(amount)
        due = cal.add_working_days(start, whole)
        frac = amount - whole
        if frac:
            # a fraction of a working day: that share of the day's office hours
            day = measure(cal, due, cal.add_working_days(due, 1), unit)
            due = extend(cal, due, float(frac) * day, unit)
        return due
    if unit == WORKING_HOURS:
        return cal.add_working_hours(start, amount)
    if unit == WORKING_MINUTES:
        return cal.add_working_hours(start, amount / 60)
    if unit == HOURS:
        return start + dt.timedelta(seconds=float(amount) * 3600)
    if unit == MINUTES:
        return start + dt.timedelta(seconds=float(amount) * 60)
    raise ValueError(f"unknown unit {unit!r}")


# Pauses from the state history ----------------------------------------------------------------
def pauses_from_history(history: Iterable[tuple[dt.datetime, str]]) -> list[Pause]:
    """Paused periods from (time, status entered) pairs, oldest first.

    A pause starts when the order enters a paused-category state from a non-paused one and ends
    when it enters an open or resolved state. Moving between two paused states keeps one pause.
    """
    pauses: list[Pause] = []
    started: dt.datetime | None = None
    for at, status in sorted(history, key=lambda x: x[0]):
        paused = states.category(status) == states.PAUSED
        if paused and started is None:
            started = at
        elif not paused and started is not None:
            if at > started:
                pauses.append((started, at))
            started = None
    if started is not None:
        pauses.append((started, None))
    return pauses


def due_at(
    cal, start: dt.datetime, spec: TargetSpec, pauses: Sequence[Pause]
) -> dt.datetime | None:
    """When the active time since `start` reaches the budget; None while paused before that."""
    due = base_due(cal, start, spec.amount, spec.unit)
    for p_start, p_end in sorted(pauses, key=lambda p: p[0]):
        if p_end is not None and p_end <= start:
            continue
        p_start = max(p_start, start)
        # The budget was used up before the pause began: the pause changes nothing.
        if p_start >= due or measure(cal, p_start, due, spec.unit) == 0:
            break
        if p_end is None:
            return None  # the clock is stopped; recomputed when the order resumes
        due = extend(cal, due, measure(cal, p_start, p_end, spec.unit), spec.unit)
    return due


def active_seconds(
    cal, start: dt.datetime, end: dt.datetime, unit: str, pauses: Sequence[Pause]
) -> float:
    """Counting time in [start, end) outside the pauses (used by tests and reports)."""
    total = measure(cal, start, end, unit)
    for p_start, p_end in pauses:
        a = max(p_start, start)
        b = min(p_end or end, end)
        total -= measure(cal, a, b, unit)
    return total


@dataclass(frozen=True)
class Anchors:
    received_at: dt.datetime
    dispatched_at: dt.datetime | None


def due_times(
    cal, specs: Iterable[TargetSpec], anchors: Anchors, pauses: Sequence[Pause]
) -> dict[str, dt.datetime | None]:
    """Due time of every target (None: not started yet, or the clock is stopped)."""
    out: dict[str, dt.datetime | None] = dict.fromkeys(TARGETS)
    for spec in specs:
        start = anchors.received_at if spec.anchor == ANCHOR_RECEIVED else anchors.dispatched_at
        out[spec.target] = None if start is None else due_at(cal, start, spec, pauses)
    return out
