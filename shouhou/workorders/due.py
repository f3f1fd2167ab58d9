"""What the lists say about time: the due filters over `WorkOrder.next_due_at` and, for the rows
of one page, which limit is next, how much working time is left and the badge to show.

`next_due_at` is a stored generated column (the earliest time limit still open, see
`models.OPEN_LIMITS`), so the filters and the `due` sort are ranges over the index
`wo_list_due`. The remaining working time is computed in Python for the page's rows only, with
the organisation's calendar loaded once per page (`workdays.services.calendar_for`, cached).
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from typing import Any

from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from shouhou.workdays.services import Calendar, calendar_for

from . import config
from .models import SlaTarget, WorkOrderSettings

OVERDUE = "overdue"
TODAY = "today"
SOON = "soon"
DUE_FILTERS = (OVERDUE, TODAY, SOON)
DUE_FILTER_LABELS = {
    OVERDUE: gettext_lazy("Overdue"),
    TODAY: gettext_lazy("Due today"),
    SOON: gettext_lazy("Due soon"),
}
SORT_DUE = "due"
SORTS = (SORT_DUE,)

# The limit each due column stands for (the unreachable customer's report has no SLA target).
TARGET_LABELS = {
    "arrange_due_at": SlaTarget.Target.ARRANGE.label,
    "contact_due_at": SlaTarget.Target.CONTACT.label,
    "reply_due_at": SlaTarget.Target.REPLY.label,
    "onsite_due_at": SlaTarget.Target.ONSITE.label,
    "fixed_due_at": SlaTarget.Target.FIXED.label,
    "unreachable_report_due_at": gettext_lazy("Report the unreachable customer"),
}
TARGET_CODES = {
    "arrange_due_at": "arrange",
    "contact_due_at": "contact",
    "reply_due_at": "reply",
    "onsite_due_at": "onsite",
    "fixed_due_at": "fixed",
    "unreachable_report_due_at": "unreachable_report",
}
# The columns a list row needs to name its next limit (added to the summary's `only`).
ROW_FIELDS = (
    "next_due_at",
    *TARGET_CODES,
    "dispatched_at",
    "contacted_at",
    "replied_at",
    "arrived_at",
    "completed_at",
    "unreachable_since",
    "unreachable_reason",
)


def _soon_hours(organisation_id: int | None) -> int:
    if organisation_id is None:
        return int(WorkOrderSettings._meta.get_field("due_soon_working_hours").get_default())
    # The per-process work-order configuration (core.orgcache): no query per page.
    return config.ensure_defaults(organisation_id).due_soon_working_hours


def soon_limit(organisation_id: int | None, now: dt.datetime) -> dt.datetime:
    """The moment before which a limit is "due soon": the organisation's
    `due_soon_working_hours` of working time from now (wall-clock hours without an
    organisation: a superuser's list across organisations)."""
    hours = _soon_hours(organisation_id)
    if organisation_id is None:
        return now + dt.timedelta(hours=hours)
    return calendar_for(organisation_id).add_working_hours(now, hours)


def end_of_today(now: dt.datetime) -> dt.datetime:
    """The end of the local (Asia/Shanghai) day of `now`."""
    day = timezone.localtime(now).date() + dt.timedelta(days=1)
    return timezone.make_aware(dt.datetime.combine(day, dt.time.min))


def due_q(due: str, *, organisation_id: int | None, now: dt.datetime) -> Q:
    """The rows of a due filter: `overdue` (the next limit has passed), `today` (still to come
    today), `soon` (within the organisation's due-soon working hours)."""
    if due == OVERDUE:
        return Q(next_due_at__lt=now)
    if due == TODAY:
        return Q(next_due_at__gte=now, next_due_at__lt=end_of_today(now))
    if due == SOON:
        return Q(next_due_at__gte=now, next_due_at__lt=soon_limit(organisation_id, now))
    raise ValueError(due)


# When each limit is still open: the Python twin of `models.OPEN_LIMITS` (the generated
# column's conditions), to name the row's next limit without another query.
STILL_OPEN: dict[str, Callable[[Any], bool]] = {
    "arrange_due_at": lambda o: o.dispatched_at is None,
    "contact_due_at": lambda o: o.contacted_at is None,
    "reply_due_at": lambda o: o.replied_at is None,
    "onsite_due_at": lambda o: o.arrived_at is None,
    "fixed_due_at": lambda o: o.completed_at is None,
    "unreachable_report_due_at": lambda o: (
        o.unreachable_since is not None and o.unreachable_reason == ""
    ),
}


def next_due_field(order: Any) -> str | None:
    """The due column whose limit is the order's next one (None: nothing due)."""
    due = getattr(order, "next_due_at", None)
    if due is None:
        return None
    for field, still_open in STILL_OPEN.items():
        if getattr(order, field) == due and still_open(order):
            return field
    return None


@dataclass(frozen=True)
class DueInfo:
    """What a list row shows in its due column."""

    at: dt.datetime | None
    target: str  # the limit's name ("" when nothing is due)
    state: str  # "overdue", "soon" or ""
    left: str  # remaining (or, when overdue, exceeded) working time, in words


def format_working(seconds: float, day_seconds: float) -> str:
    """Working time in words: "2 working days 3 h", "3 h 20 min", "45 min"."""
    minutes = int(seconds // 60)
    day_minutes = max(1, int(day_seconds // 60))
    days, rest = divmod(minutes, day_minutes)
    hours, mins = divmod(rest, 60)
    if days:
        return _("%(days)d working days %(hours)d h") % {"days": days, "hours": hours}
    if hours:
        return _("%(hours)d h %(minutes)d min") % {"hours": hours, "minutes": mins}
    return _("%(minutes)d min") % {"minutes": mins}


class DueReader:
    """The due column of a page's rows: one calendar and one setting per organisation, read
    once for the page, no query per row."""

    def __init__(self, *, now: dt.datetime | None = None) -> None:
        self.now = now or timezone.now()
        self._calendars: dict[int, Calendar] = {}
        self._soon: dict[int, dt.datetime] = {}

    def _calendar(self, organisation_id: int) -> Calendar:
        if organisation_id not in self._calendars:
            self._calendars[organisation_id] = calendar_for(organisation_id)
        return self._calendars[organisation_id]

    def _soon_limit(self, organisation_id: int) -> dt.datetime:
        if organisation_id not in self._soon:
            hours = _soon_hours(organisation_id)
            cal = self._calendar(organisation_id)
            self._soon[organisation_id] = cal.add_working_hours(self.now, hours)
        return self._soon[organisation_id]

    def info(self, order: Any) -> DueInfo:
        due = getattr(order, "next_due_at", None)
        if due is None:
            return DueInfo(None, "", "", "")
        field = next_due_field(order)
        target = str(TARGET_LABELS[field]) if field else ""
        cal = self._calendar(order.organisation_id)
        day = cal.office_hours.length.total_seconds()
        if due <= self.now:
            seconds = cal.working_seconds_between(due, self.now)
            if seconds < 60:  # passed outside office hours: no working time lost yet
                return DueInfo(due, target, OVERDUE, _("late, no working time lost yet"))
            late = format_working(seconds, day)
            return DueInfo(due, target, OVERDUE, _("%(time)s late") % {"time": late})
        state = SOON if due < self._soon_limit(order.organisation_id) else ""
        seconds = cal.working_seconds_between(self.now, due)
        if seconds < 60:  # a clock limit (hours, minutes) ending outside office hours
            return DueInfo(due, target, SOON, _("due outside working hours"))
        left = format_working(seconds, day)
        return DueInfo(due, target, state, _("%(time)s left") % {"time": left})

    def annotate(self, rows: Iterable[Any]) -> None:
        """Set `row.due` (a `DueInfo`) on each row."""
        for row in rows:
            row.due = self.info(row)
