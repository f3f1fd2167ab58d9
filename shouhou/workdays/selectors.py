"""Reads of the working-day calendar: warnings for every page, the year view, the API lists."""

from __future__ import annotations

import calendar as pycalendar
import datetime as dt
from typing import Any

from django.db.models import Count, Prefetch, Q, QuerySet
from django.urls import reverse
from django.utils import timezone
from django.utils.dates import MONTHS, WEEKDAYS_ABBR
from django.utils.translation import gettext as _

from shouhou.core.errors import NotFoundError, PermissionDeniedError
from shouhou.org import roles as r

from .models import WorkCalendar, WorkCalendarDay
from .services import EDITOR_ROLES, OrgRef, calendar_for


def years_needed(today: dt.date, from_month: int = 11) -> list[int]:
    """The years whose schedule deadlines may need now: this year, and next year from the
    organisation's `calendar_next_year_from_month` (default November: deadlines reach into
    January)."""
    years = [today.year]
    if today.month >= from_month:
        years.append(today.year + 1)
    return years


def uncovered_warning(year: int) -> str:
    return _(
        "The official holiday schedule for %(year)s has not been entered yet; working days are "
        "counted as Monday to Friday for now."
    ) % {"year": str(year)}


def calendar_warnings(*, organisation: OrgRef, today: dt.date | None = None) -> list[str]:
    """Warnings shown on every page: a needed year (see `years_needed`) that is not covered.

    E.g. "2027年的法定节假日安排尚未录入，系统暂按周一至周五计算工作日。" Cheap: it reads the
    cached calendar.
    """
    if organisation is None:
        return []
    today = today or timezone.localdate()
    cal = calendar_for(organisation)
    return [
        uncovered_warning(y)
        for y in years_needed(today, cal.next_year_from_month)
        if not cal.covers(y)
    ]


def calendar_banners(*, user, today=None) -> list[dict]:
    """The warnings of `calendar_warnings` for the page frame, only for the people who can act
    on them (administration, cs_manager: `can_edit`), each with a link to the year's page."""
    if not can_edit(user):
        return []
    today = today or timezone.localdate()
    cal = calendar_for(user.organisation_id)
    url = reverse("workdays:calendar")
    return [
        {
            "text": uncovered_warning(y),
            "url": f"{url}?year={y}#notice",
            "link": _("Enter the schedule of %(year)s") % {"year": str(y)},
        }
        for y in years_needed(today, cal.next_year_from_month)
        if not cal.covers(y)
    ]


def can_view(user: Any) -> bool:
    return bool(getattr(user, "organisation_id", None)) and r.has_role(user, *r.OFFICE_ROLES)


def can_edit(user: Any) -> bool:
    return bool(getattr(user, "organisation_id", None)) and r.has_role(user, *EDITOR_ROLES)


def workcalendar_list(*, user: Any) -> QuerySet[WorkCalendar]:
    """The calendar years of the user's organisation with their days (API; any member)."""
    if user is None or not user.is_authenticated:
        return WorkCalendar.objects.none()
    qs = WorkCalendar.objects.all()
    if user.organisation_id:
        qs = qs.filter(organisation_id=user.organisation_id)
    elif not user.is_superuser:
        return WorkCalendar.objects.none()
    return (
        qs.select_related("entered_by")
        .prefetch_related(Prefetch("days", queryset=WorkCalendarDay.objects.order_by("date")))
        .annotate(
            holiday_count=Count("days", filter=Q(days__is_working=False)),
            workday_count=Count("days", filter=Q(days__is_working=True)),
        )
        .order_by("-year")
    )


def workcalendar_get(*, user: Any, year: int) -> WorkCalendar:
    row = workcalendar_list(user=user).filter(year=year).first()
    if row is None:
        raise NotFoundError()
    return row


def holiday_periods(holidays: list[tuple[dt.date, str]]) -> list[dict[str, Any]]:
    """Consecutive holiday days with the same name as one period: first, last, name, days."""
    periods: list[dict[str, Any]] = []
    for d, name in sorted(holidays):
        last = periods[-1] if periods else None
        if last and last["name"] == name and (d - last["last"]).days == 1:
            last["last"] = d
            last["days"].append(d)
        else:
            periods.append({"first": d, "last": d, "name": name, "days": [d]})
    return periods


def calendar_year(*, user: Any, year: int, today: dt.date | None = None) -> dict[str, Any]:
    """Everything the year page shows for the user's organisation (office roles only)."""
    if not can_view(user):
        raise PermissionDeniedError()
    today = today or timezone.localdate()
    organisation = user.organisation
    cal = calendar_for(organisation)
    row = WorkCalendar.objects.filter(organisation=organisation, year=year).first()
    first, last = dt.date(year, 1, 1), dt.date(year, 12, 31)
    exceptions = cal.exceptions_between(first, last)
    by_date = {d: (working, name) for d, working, name in exceptions}
    months = []
    weeks_of = pycalendar.Calendar(firstweekday=0)
    for month in range(1, 13):
        weeks = []
        for week in weeks_of.monthdatescalendar(year, month):
            cells: list[dict[str, object] | None] = []
            for d in week:
                if d.month != month:
                    cells.append(None)
                    continue
                working = cal.is_working_day(d)
                exc = by_date.get(d)
                if exc and exc[0]:
                    kind = "makeup"
                elif exc:
                    kind = "holiday"
                elif not working:
                    kind = "weekend"
                else:
                    kind = "working"
                cells.append(
                    {
                        "date": d,
                        "kind": kind,
                        "working": working,
                        "name": exc[1] if exc else "",
                        "today": d == today,
                    }
                )
            weeks.append(cells)
        months.append({"number": month, "name": MONTHS[month], "weeks": weeks})
    working_days = cal.working_days_between(first - dt.timedelta(days=1), last)
    return {
        "year": year,
        "calendar_row": row,
        "covered": cal.covers(year),
        "warning": "" if cal.covers(year) else uncovered_warning(year),
        "months": months,
        "holidays": [(d, name) for d, working, name in exceptions if not working],
        "holiday_periods": holiday_periods(
            [(d, name) for d, working, name in exceptions if not working]
        ),
        "workdays": [(d, name) for d, working, name in exceptions if working],
        "working_days": working_days,
        "office_hours": cal.office_hours,
        "weekday_names": [WEEKDAYS_ABBR[i] for i in range(7)],
    }


def frame_context(*, user) -> dict:
    """What every page's frame shows from the calendar (registered in navigation.py)."""
    # only for the people who can enter the missing year, with a link to do it
    return {"calendar_warnings": calendar_banners(user=user)}
