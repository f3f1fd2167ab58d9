"""The public API of the working-day calendar; every other app computes deadlines through here.

Reading (no role needed; `organisation` is an `Organisation` or its id):

* `calendar_for(organisation) -> Calendar`: the organisation's calendar (exceptions, covered years,
  office hours), loaded once and cached in-process; see `Calendar` in `shouhou.workdays.calendar`
  for the exact rules of every method.
* thin wrappers: `is_working_day(d, organisation)`, `add_working_days(start, n, organisation)`,
  `add_working_hours(start, hours, organisation)`, `working_days_between(a, b, organisation)`,
  `working_seconds_between(a, b, organisation)`, `next_working_day`, `holidays_between`,
  `office_hours_for(organisation)`.

Writing (each a transaction, audited, invalidating the cache):

* `calendar_import_package_years(*, organisation, years=None, by=None)`
* `calendar_enter_year(*, organisation, year, holidays, workdays, by, note="")`
* `calendar_day_set(*, by, organisation, date, is_working, name="")`,
  `calendar_day_remove(*, by, organisation, date)`

`by=None` means the system (a job, the organisation-creation hook, a management command): no
role check. A user must have the `administration` or `cs_manager` role (or be a superuser) and
belong to the organisation.

Caching: each process keeps `{organisation id: Calendar}` (no query per deadline: a sweep of
100k deadlines makes none). A change to a `WorkCalendar`, `WorkCalendarDay` or the
organisation's `OrganisationSettings` (saved through the ORM: services, admin) drops the local
copy at once (signals); every process also compares its copy with a fingerprint of those rows
(counts and latest `updated_at`, one query) at most every `SHOUHOU_ORG_CACHE_CHECK_SECONDS`
(core.orgcache.OrgCache, the same cache as the work-order configuration's), so other
processes see a change within seconds whatever cache backend is configured. Queryset `.update()`
on these tables bypasses both the signals and `updated_at`: don't.
"""

from __future__ import annotations

from ..calendar import (
    Calendar,
    Holiday,
    OfficeHours,
)
from .common import (
    OrgRef,
)
from .editing import (
    EDITOR_ROLES,
    MAX_YEAR,
    MIN_YEAR,
    calendar_day_remove,
    calendar_day_set,
    calendar_enter_year,
    calendar_import_notice,
    calendar_import_package_years,
)
from .reading import (
    _calendars,
    add_working_days,
    add_working_hours,
    calendar_for,
    holidays_between,
    invalidate,
    is_working_day,
    next_working_day,
    office_hours_for,
    working_days_between,
    working_seconds_between,
)

__all__ = [
    "Calendar",
    "EDITOR_ROLES",
    "Holiday",
    "MAX_YEAR",
    "MIN_YEAR",
    "OfficeHours",
    "OrgRef",
    "_calendars",
    "add_working_days",
    "add_working_hours",
    "calendar_day_remove",
    "calendar_day_set",
    "calendar_enter_year",
    "calendar_for",
    "calendar_import_notice",
    "calendar_import_package_years",
    "holidays_between",
    "invalidate",
    "is_working_day",
    "next_working_day",
    "office_hours_for",
    "working_days_between",
    "working_seconds_between",
]
