"""Shift rosters: a week's shifts set or copied from last week, and a written pattern
("做五休二") parsed and applied; a shift never lands on an approved leave day."""

from __future__ import annotations

import datetime as dt
import re
from typing import TYPE_CHECKING, Any

from django.db import transaction
from django.utils.translation import gettext as _

from shouhou.core.audit import audit_record, snapshot
from shouhou.core.errors import (
    ValidationFailed,
)
from shouhou.staff.models import ServiceStaff
from shouhou.workdays.services import is_working_day

from ..models import (
    LeaveRequest,
    Shift,
)
from .common import _require_planner, _same_org

if TYPE_CHECKING:
    from shouhou.org.models import User


# Shifts ---------------------------------------------------------------------------------------
def _check_times(
    kind: str, starts: dt.time | None, ends: dt.time | None, field_name: str = "starts"
) -> None:
    if (starts is None) != (ends is None):
        raise ValidationFailed(fields={field_name: [_("Give both times or neither.")]})
    if starts is not None and ends is not None and ends <= starts:
        raise ValidationFailed(fields={field_name: [_("The shift must end after it starts.")]})
    if kind in (Shift.Kind.OFF, Shift.Kind.LEAVE) and starts is not None:
        raise ValidationFailed(fields={field_name: [_("A day off or on leave has no hours.")]})


def _approved_leave_days(staff: ServiceStaff, first: dt.date, last: dt.date) -> set[dt.date]:
    out: set[dt.date] = set()
    for leave in LeaveRequest.objects.filter(
        staff=staff, status=LeaveRequest.Status.APPROVED, first_day__lte=last, last_day__gte=first
    ):
        d = max(first, leave.first_day)
        while d <= min(last, leave.last_day):
            out.add(d)
            d += dt.timedelta(days=1)
    return out


def _put_shift(
    staff: ServiceStaff,
    d: dt.date,
    kind: str,
    *,
    by: User,
    starts: dt.time | None = None,
    ends: dt.time | None = None,
    note: str = "",
) -> Shift | None:
    """Write one day's shift (approved leave is never overwritten); None if unchanged."""
    old = Shift.objects.filter(staff=staff, date=d).first()
    if old is not None and (old.kind, old.starts, old.ends, old.note) == (kind, starts, ends, note):
        return None
    before = snapshot(old) if old else None
    if old is None:
        old = Shift(organisation_id=staff.organisation_id, staff=staff, date=d)
    old.kind, old.starts, old.ends, old.note, old.by = kind, starts, ends, note, by
    old.save()
    audit_record(
        actor=by, action="shouhou.roster.shift_set", obj=old, before=before, after=snapshot(old)
    )
    return old


def shift_week_set(
    *, by: User, staff: ServiceStaff, week: dt.date, days: list[dict[str, Any] | None]
) -> list[Shift]:
    """Enter a person's week (Monday first): seven entries of {kind, starts, ends, note}; an entry
    of None or kind "" leaves the day as it is."""
    _require_planner(by)
    _same_org(by, staff)
    if week.weekday() != 0:
        raise ValidationFailed(fields={"week": [_("A week starts on a Monday.")]})
    if len(days) != 7:
        raise ValidationFailed(fields={"days": [_("Give seven days, Monday to Sunday.")]})
    for i, entry in enumerate(days):
        if not entry or not entry.get("kind"):
            continue
        if entry["kind"] not in Shift.Kind.values:
            raise ValidationFailed(fields={f"days.{i}.kind": [_("Unknown shift.")]})
        _check_times(entry["kind"], entry.get("starts"), entry.get("ends"), f"days.{i}.starts")
    with transaction.atomic():
        leave = _approved_leave_days(staff, week, week + dt.timedelta(days=6))
        out = []
        for i, entry in enumerate(days):
            d = week + dt.timedelta(days=i)
            if not entry or not entry.get("kind"):
                continue
            if d in leave and entry["kind"] != Shift.Kind.LEAVE:
                raise ValidationFailed(
                    fields={f"days.{i}.kind": [_("Approved leave covers %(date)s.") % {"date": d}]}
                )
            _put_shift(
                staff,
                d,
                entry["kind"],
                by=by,
                starts=entry.get("starts"),
                ends=entry.get("ends"),
                note=entry.get("note", ""),
            )
        out = list(Shift.objects.filter(staff=staff, date__range=(week, week + dt.timedelta(6))))
        return out


def shift_copy_last_week(*, by: User, week: dt.date, staff: ServiceStaff | None = None) -> int:
    """Copy the week before into `week` (one person or everyone); leave is not copied and
    approved leave in the target week stays. Returns the number of days written."""
    _require_planner(by)
    if week.weekday() != 0:
        raise ValidationFailed(fields={"week": [_("A week starts on a Monday.")]})
    if staff is not None:
        _same_org(by, staff)
    prev = week - dt.timedelta(days=7)
    qs = Shift.objects.filter(date__range=(prev, prev + dt.timedelta(days=6))).exclude(
        kind=Shift.Kind.LEAVE
    )
    if staff is not None:
        qs = qs.filter(staff=staff)
    n = 0
    with transaction.atomic():
        leave_cache: dict[int, set[dt.date]] = {}
        for s in qs.select_related("staff"):
            if s.staff_id not in leave_cache:
                leave_cache[s.staff_id] = _approved_leave_days(
                    s.staff, week, week + dt.timedelta(days=6)
                )
            d = s.date + dt.timedelta(days=7)
            if d in leave_cache[s.staff_id]:
                continue
            if _put_shift(s.staff, d, s.kind, by=by, starts=s.starts, ends=s.ends, note=s.note):
                n += 1
    return n


_CN = {"一": 1, "二": 2, "两": 2, "三": 3, "四": 4, "五": 5, "六": 6, "七": 7, "八": 8, "九": 9}


def parse_pattern(text: str) -> tuple[int, int]:
    """ "做六休一" / "做5休2" / "6-1" / "6/1" → (working days, days off)."""
    t = (text or "").strip()
    m = re.fullmatch(r"做\s*(\S)\s*休\s*(\S)", t) or re.fullmatch(r"(\d+)\s*[-/:]\s*(\d+)", t)
    if not m:
        raise ValidationFailed(
            fields={"pattern": [_("Write the pattern as 做六休一 or 6-1.")]}, code="bad_pattern"
        )

    def num(x: str) -> int:
        return int(x) if x.isdigit() else _CN.get(x, 0)

    on, off = num(m.group(1)), num(m.group(2))
    if not (1 <= on <= 14 and 0 <= off <= 7):
        raise ValidationFailed(
            fields={"pattern": [_("Between 1 and 14 working days, 0 to 7 off.")]}
        )
    return on, off


def shift_pattern_apply(
    *,
    by: User,
    staff: ServiceStaff,
    first_day: dt.date,
    days: int,
    pattern: str,
    holidays_off: bool = True,
) -> int:
    """Fill `days` days from `first_day` with a rotation such as 做六休一 (six on, one off); with
    `holidays_off` the official holidays of the working-day calendar are days off."""
    _require_planner(by)
    _same_org(by, staff)
    on, off = parse_pattern(pattern)
    if not 1 <= days <= 92:
        raise ValidationFailed(fields={"days": [_("Between 1 and 92 days.")]})
    n = 0
    with transaction.atomic():
        last = first_day + dt.timedelta(days=days - 1)
        leave = _approved_leave_days(staff, first_day, last)
        for i in range(days):
            d = first_day + dt.timedelta(days=i)
            if d in leave:
                continue
            kind = Shift.Kind.WORKING if i % (on + off) < on else Shift.Kind.OFF
            if (
                holidays_off
                and kind == Shift.Kind.WORKING
                and d.weekday() < 5
                and not is_working_day(d, staff.organisation_id)
            ):
                kind = Shift.Kind.OFF
            if _put_shift(staff, d, kind, by=by, note=pattern if i == 0 else ""):
                n += 1
    return n
