"""Reading the working-day calendar: the cached calendar per organisation, working days and
hours added or counted, office hours, holidays."""

from __future__ import annotations

import datetime as dt
from typing import TYPE_CHECKING, Any

from django.db.models import Count, F, Max, OuterRef, Subquery

from shouhou.core.orgcache import OrgCache
from shouhou.org.models import Organisation, OrganisationSettings

from ..calendar import Calendar, Holiday, OfficeHours
from ..models import WorkCalendar, WorkCalendarDay

if TYPE_CHECKING:
    from shouhou.org.models import Organisation

from .common import OrgRef, _in_scope_of, _org_id


def _current_version(org_id: int) -> tuple[Any, ...]:
    """A fingerprint of everything the calendar is built from, in one query.

    Every write goes through a model save or delete (services, admin), which moves a count or an
    `updated_at`; so a changed fingerprint means "reload". It lives in the database, so it works
    across processes whatever the cache backend is (locmem is per process).
    """

    def stats(model: type[WorkCalendar] | type[WorkCalendarDay], what: Any) -> Subquery:
        return Subquery(
            model.objects.filter(organisation_id=OuterRef("pk"))
            .order_by()
            .values("organisation_id")
            .annotate(v=what)
            .values("v")
        )

    with _in_scope_of(org_id):
        row = (
            Organisation.objects.filter(pk=org_id)
            .annotate(
                calendars=stats(WorkCalendar, Count("pk")),
                calendars_at=stats(WorkCalendar, Max("updated_at")),
                days=stats(WorkCalendarDay, Count("pk")),
                days_at=stats(WorkCalendarDay, Max("updated_at")),
                settings_at=F("settings__updated_at"),
            )
            .values_list("calendars", "calendars_at", "days", "days_at", "settings_at")
            .first()
        )
    return tuple(row) if row else ()


def invalidate(organisation: OrgRef) -> None:
    """Forget this process's copy of the organisation's calendar (other processes notice the
    changed fingerprint within `SHOUHOU_ORG_CACHE_CHECK_SECONDS`)."""
    _calendars.invalidate(_org_id(organisation))


def _settings_row(organisation: OrgRef) -> OrganisationSettings:
    return OrganisationSettings.for_org(_org_id(organisation))


def office_hours_for(
    organisation: OrgRef, settings_row: OrganisationSettings | None = None
) -> OfficeHours:
    """The organisation's office hours (OrganisationSettings; created with defaults if missing)."""
    settings_row = settings_row or _settings_row(organisation)
    try:
        return OfficeHours(settings_row.office_opens, settings_row.office_closes)
    except ValueError:
        # A misconfigured row must not stop every deadline: fall back to the defaults.
        return OfficeHours()


def _load(org_id: int) -> Calendar:
    with _in_scope_of(org_id):
        years = frozenset(
            WorkCalendar.objects.filter(organisation_id=org_id).values_list("year", flat=True)
        )
        days = WorkCalendarDay.objects.filter(organisation_id=org_id).values_list(
            "date", "is_working", "name"
        )
        exceptions = {d: (working, name) for d, working, name in days}
    settings_row = _settings_row(org_id)
    return Calendar(
        exceptions=exceptions,
        covered_years=years,
        office_hours=office_hours_for(org_id, settings_row),
        next_year_from_month=settings_row.calendar_next_year_from_month,
    )


# The calendar of each organisation, per process: core's OrgCache (the same mechanism as the
# work-order configuration), checked against the fingerprint of its rows.
_calendars: OrgCache[Calendar] = OrgCache(
    "workdays.calendar", load=_load, fingerprint=_current_version
)


def calendar_for(organisation: OrgRef) -> Calendar:
    """The organisation's working-day calendar (cached; cheap to call for every deadline)."""
    return _calendars.get(_org_id(organisation))


# -- thin wrappers (see Calendar for the exact semantics) ------------------------------------
def is_working_day(d: dt.date | dt.datetime, organisation: OrgRef) -> bool:
    """Is the (Asia/Shanghai) date of `d` a working day for the organisation?"""
    return calendar_for(organisation).is_working_day(d)


def add_working_days(
    start: dt.date | dt.datetime, n: int, organisation: OrgRef
) -> dt.date | dt.datetime:
    """`Calendar.add_working_days`: date -> the n-th working day after it (n=0: itself if
    working, else the next); aware datetime -> roll forward to a working moment, then n working
    days later at the same time of day."""
    return calendar_for(organisation).add_working_days(start, n)


def add_working_hours(start: dt.datetime, hours: float, organisation: OrgRef) -> dt.datetime:
    """`Calendar.add_working_hours`: the instant when `hours` of office time have passed."""
    return calendar_for(organisation).add_working_hours(start, hours)


def working_days_between(
    a: dt.date | dt.datetime, b: dt.date | dt.datetime, organisation: OrgRef
) -> int:
    """`Calendar.working_days_between`: working days in (a, b] (negative if b < a)."""
    return calendar_for(organisation).working_days_between(a, b)


def working_seconds_between(a: dt.datetime, b: dt.datetime, organisation: OrgRef) -> float:
    """`Calendar.working_seconds_between`: seconds of [a, b) inside office hours of working days."""
    return calendar_for(organisation).working_seconds_between(a, b)


def next_working_day(d: dt.date | dt.datetime, organisation: OrgRef) -> dt.date:
    """The first working day strictly after the date of `d`."""
    return calendar_for(organisation).next_working_day(d)


def holidays_between(a: dt.date, b: dt.date, organisation: OrgRef) -> list[Holiday]:
    """Named holidays with a <= date <= b: `Holiday(name, date)` by date."""
    return calendar_for(organisation).holidays_between(a, b)
