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

import datetime as dt
from contextlib import AbstractContextManager
from typing import TYPE_CHECKING, Any, TypeAlias

from django.db import transaction
from django.db.models import Count, F, Max, OuterRef, Subquery
from django.utils import timezone
from django.utils.translation import gettext as _
from django_scopes import scope

from shouhou.core.audit import audit_record
from shouhou.core.errors import NotFoundError, PermissionDeniedError, ValidationFailed
from shouhou.core.orgcache import OrgCache
from shouhou.org import roles as r
from shouhou.org.models import Organisation, OrganisationSettings

from .calendar import Calendar, Holiday, OfficeHours
from .models import WorkCalendar, WorkCalendarDay
from .package import MAKEUP_DAY, package_year, package_years

if TYPE_CHECKING:
    from shouhou.org.models import Organisation, User

# An organisation or its id: every calendar function takes either (None: a ValueError).
OrgRef: TypeAlias = "Organisation | int | None"

__all__ = [
    "Calendar",
    "Holiday",
    "OfficeHours",
    "EDITOR_ROLES",
    "calendar_for",
    "office_hours_for",
    "invalidate",
    "is_working_day",
    "add_working_days",
    "add_working_hours",
    "working_days_between",
    "working_seconds_between",
    "next_working_day",
    "holidays_between",
    "calendar_import_package_years",
    "calendar_enter_year",
    "calendar_day_set",
    "calendar_day_remove",
]

EDITOR_ROLES = (r.ADMINISTRATION, r.CS_MANAGER)
MIN_YEAR, MAX_YEAR = 1990, 2200


# -- loading and caching ---------------------------------------------------------------------
def _org_id(organisation: OrgRef) -> int:
    pk = organisation if isinstance(organisation, int) else getattr(organisation, "pk", None)
    if pk is None:
        raise ValueError("an organisation (or its id) is required")
    return pk


def _in_scope_of(organisation: OrgRef) -> AbstractContextManager[None]:
    """The calendar functions name their organisation: they run in its scope (whatever scope
    the caller has open: a request of that organisation, a job, the creation of a new one)."""
    return scope(organisation=_org_id(organisation))


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


# -- writes --------------------------------------------------------------------------------
def _check_editor(by: User | None, organisation: Organisation) -> None:
    if by is None:
        return  # the system: a job, a command, the organisation-creation hook
    r.require_role(by, *EDITOR_ROLES)
    if by.organisation_id is not None and by.organisation_id != _org_id(organisation):
        raise PermissionDeniedError(_("This calendar belongs to another organisation."))
    if by.organisation_id is None and not by.is_superuser:
        raise PermissionDeniedError(_("This calendar belongs to another organisation."))


def _actor(by: User | None) -> User | None:
    return by if getattr(by, "is_authenticated", False) else None


def _days_snapshot(calendar: WorkCalendar) -> dict[str, Any]:
    days = calendar.days.order_by("date").values_list("date", "is_working", "name")
    return {
        "year": calendar.year,
        "source": calendar.source,
        "note": calendar.note,
        "holidays": [[d.isoformat(), n] for d, w, n in days if not w],
        "workdays": [[d.isoformat(), n] for d, w, n in days if w],
    }


def _organisation(organisation: OrgRef) -> Organisation:
    if isinstance(organisation, Organisation):
        return organisation
    return Organisation.objects.get(pk=_org_id(organisation))


def calendar_import_package_years(
    *, organisation: OrgRef, years: list[int] | None = None, by: User | None = None
) -> dict[str, int]:
    """Copy the chinesecalendar package's schedule for the years it knows into the organisation.

    `years`: limit to these years (default: every year the package knows). Idempotent: a year
    already copied with the same days is left alone; a package year whose days differ (a newer
    package) is replaced; a **manual** year is never touched. Returns counts
    `{"created", "updated", "unchanged", "skipped_manual", "unknown"}` (unknown: asked-for years
    the package does not know). Audited as one `shouhou.workcalendar.imported` event on the
    organisation when something was created or updated.
    """
    return _import_package_years(organisation=organisation, years=years, by=by, record=True)


def _import_package_years(
    *, organisation: OrgRef, years: list[int] | None, by: User | None, record: bool
) -> dict[str, int]:
    """`record=False` only for the copy made while an organisation is being created: that
    copy is part of the creation, not an action of its own."""
    organisation = _organisation(organisation)
    _check_editor(by, organisation)
    known = package_years()
    wanted = known if years is None else sorted({int(y) for y in years})
    counts = dict.fromkeys(("created", "updated", "unchanged", "skipped_manual", "unknown"), 0)
    counts["unknown"] = len([y for y in wanted if y not in known])
    wanted = [y for y in wanted if y in known]
    if not wanted:
        return counts
    with transaction.atomic(), _in_scope_of(organisation):
        existing = {
            c.year: c
            for c in WorkCalendar.objects.select_for_update().filter(
                organisation=organisation, year__in=wanted
            )
        }
        stored: dict[int, dict[dt.date, tuple[bool, str]]] = {}
        for cal_year, d, working, name in WorkCalendarDay.objects.filter(
            calendar__in=[c for c in existing.values() if c.source == WorkCalendar.Source.PACKAGE]
        ).values_list("calendar__year", "date", "is_working", "name"):
            stored.setdefault(cal_year, {})[d] = (working, name)
        created: list[int] = []
        updated: dict[int, WorkCalendar] = {}
        before: dict[str, dict[str, Any]] = {}
        for year in wanted:
            cal = existing.get(year)
            if cal is None:
                created.append(year)
            elif cal.source == WorkCalendar.Source.MANUAL:
                counts["skipped_manual"] += 1
            elif stored.get(year, {}) == package_year(year):
                counts["unchanged"] += 1
            else:
                updated[year] = cal
                before[str(year)] = _days_snapshot(cal)
        if not created and not updated:
            return counts
        actor = _actor(by)
        WorkCalendar.objects.bulk_create(
            [
                WorkCalendar(
                    organisation=organisation,
                    year=year,
                    source=WorkCalendar.Source.PACKAGE,
                    entered_by=actor,
                )
                for year in created
            ]
        )
        if updated:
            WorkCalendarDay.objects.filter(calendar__in=list(updated.values())).delete()
            WorkCalendar.objects.filter(pk__in=[c.pk for c in updated.values()]).update(
                entered_by=actor, updated_at=timezone.now()
            )
        calendar_ids = dict(
            WorkCalendar.objects.filter(
                organisation=organisation, year__in=[*created, *updated]
            ).values_list("year", "pk")
        )
        WorkCalendarDay.objects.bulk_create(
            [
                WorkCalendarDay(
                    organisation_id=organisation.pk,
                    calendar_id=calendar_ids[year],
                    date=d,
                    is_working=w,
                    name=n,
                )
                for year in sorted([*created, *updated])
                for d, (w, n) in sorted(package_year(year).items())
            ]
        )
        counts["created"], counts["updated"] = len(created), len(updated)
        # One event for the run, on the organisation: the days are the package's, by year.
        if record:
            audit_record(
                actor=by,
                action="shouhou.workcalendar.imported",
                obj=organisation,
                before=before or None,
                after={
                    "created": created,
                    "updated": sorted(updated),
                    "source": "chinesecalendar",
                },
            )
        invalidate(organisation)
    return counts


def _validate_dates(
    year: int,
    entries: Any,
    field: str,
    errors: dict[str, list[str]],
    seen: dict[dt.date, str],
) -> list[tuple[dt.date, str]]:
    clean = []
    for item in entries:
        try:
            d, name = item
        except (TypeError, ValueError):
            errors.setdefault(field, []).append(_("Each entry needs a date and a name."))
            continue
        if isinstance(d, dt.datetime) or not isinstance(d, dt.date):
            errors.setdefault(field, []).append(_("%(value)s is not a date.") % {"value": d})
            continue
        name = (name or "").strip()
        if d.year != year:
            errors.setdefault(field, []).append(
                _("%(date)s is not in %(year)s.") % {"date": d.isoformat(), "year": year}
            )
            continue
        if len(name) > 50:
            errors.setdefault(field, []).append(
                _("%(date)s: the name is longer than 50 characters.") % {"date": d.isoformat()}
            )
            continue
        if d in seen:
            if seen[d] != field:
                msg = _("%(date)s is listed both as a holiday and as a working day.")
            else:
                msg = _("%(date)s is listed twice.")
            errors.setdefault(field, []).append(msg % {"date": d.isoformat()})
            continue
        seen[d] = field
        clean.append((d, name))
    return clean


def calendar_enter_year(
    *,
    organisation: OrgRef,
    year: int,
    holidays: list[tuple[dt.date, str]],
    workdays: list[tuple[dt.date, str]],
    by: User | None,
    note: str = "",
) -> WorkCalendar:
    """Enter (or replace) a year's official schedule by hand; the year becomes covered.

    `holidays`: `(date, name)` of every day off (weekend days of a holiday included, so their
    names are known; a name is required). `workdays`: `(date, name)` of the make-up working days
    (调休), each a Saturday or Sunday (name defaults to "调休上班"). Every date must be inside
    `year`; no date may be both. All of the year's previous rows are replaced and the year is
    marked `manual` (the package import never overwrites it). Raises `ValidationFailed` with
    `fields` "year", "holidays", "workdays"; `PermissionDeniedError` for a user without the
    administration or cs_manager role. Audited as `shouhou.workcalendar.entered`.
    """
    organisation = _organisation(organisation)
    _check_editor(by, organisation)
    try:
        year = int(year)
    except (TypeError, ValueError):
        raise ValidationFailed(fields={"year": [_("Enter a valid year.")]}) from None
    if not MIN_YEAR <= year <= MAX_YEAR:
        raise ValidationFailed(
            fields={
                "year": [
                    _("The year must be between %(min)s and %(max)s.")
                    % {"min": MIN_YEAR, "max": MAX_YEAR}
                ]
            }
        )
    errors: dict[str, list[str]] = {}
    seen: dict[dt.date, str] = {}
    hols = _validate_dates(year, holidays or [], "holidays", errors, seen)
    works = _validate_dates(year, workdays or [], "workdays", errors, seen)
    for d, name in hols:
        if not name:
            errors.setdefault("holidays", []).append(
                _("%(date)s: a holiday needs a name (for example 春节).") % {"date": d.isoformat()}
            )
    for d, _name in works:
        if d.weekday() < 5:
            errors.setdefault("workdays", []).append(
                _(
                    "%(date)s is a weekday and already a working day; a make-up working day is a "
                    "Saturday or Sunday."
                )
                % {"date": d.isoformat()}
            )
    if errors:
        raise ValidationFailed(fields=errors)
    with transaction.atomic(), _in_scope_of(organisation):
        cal = (
            WorkCalendar.objects.select_for_update()
            .filter(organisation=organisation, year=year)
            .first()
        )
        before = _days_snapshot(cal) if cal else None
        if cal is None:
            cal = WorkCalendar(organisation=organisation, year=year)
        cal.source = WorkCalendar.Source.MANUAL
        cal.note = note or ""
        cal.entered_by = _actor(by)
        cal.save()
        cal.days.all().delete()
        WorkCalendarDay.objects.bulk_create(
            [
                WorkCalendarDay(
                    organisation=organisation, calendar=cal, date=d, is_working=False, name=n
                )
                for d, n in sorted(hols)
            ]
            + [
                WorkCalendarDay(
                    organisation=organisation,
                    calendar=cal,
                    date=d,
                    is_working=True,
                    name=n or MAKEUP_DAY,
                )
                for d, n in sorted(works)
            ]
        )
        audit_record(
            actor=by,
            action="shouhou.workcalendar.entered",
            obj=cal,
            before=before,
            after=_days_snapshot(cal),
        )
        invalidate(organisation)
    return cal


def _calendar_of_year(organisation: Organisation, year: int, field: str = "date") -> WorkCalendar:
    cal = (
        WorkCalendar.objects.select_for_update()
        .filter(organisation=organisation, year=year)
        .first()
    )
    if cal is None:
        message = _(
            "The official schedule of %(year)s has not been entered yet: enter the whole year "
            "first (or upload it), then adjust single days."
        ) % {"year": year}
        raise ValidationFailed(message, fields={field: [message]}, code="year_not_covered")
    return cal


def calendar_day_set(
    *, by: User | None, organisation: OrgRef, date: dt.date, is_working: bool, name: str = ""
) -> WorkCalendarDay:
    """Add or change one exception day of a covered year (a holiday or a make-up working day).

    The year must already be covered (else `ValidationFailed` code "year_not_covered"); the year
    becomes `manual` so the package import will not overwrite the edit. A holiday needs a name; a
    make-up working day must be a Saturday or Sunday. Audited as `shouhou.workcalendar.day_set`.
    """
    organisation = _organisation(organisation)
    _check_editor(by, organisation)
    if isinstance(date, dt.datetime) or not isinstance(date, dt.date):
        raise ValidationFailed(fields={"date": [_("Enter a valid date.")]})
    name = (name or "").strip()
    if len(name) > 50:
        raise ValidationFailed(fields={"name": [_("At most 50 characters.")]})
    if is_working and date.weekday() < 5:
        raise ValidationFailed(
            fields={
                "date": [
                    _(
                        "%(date)s is a weekday and already a working day; a make-up working day "
                        "is a Saturday or Sunday."
                    )
                    % {"date": date.isoformat()}
                ]
            }
        )
    if not is_working and not name:
        raise ValidationFailed(fields={"name": [_("A holiday needs a name (for example 春节).")]})
    with transaction.atomic(), _in_scope_of(organisation):
        cal = _calendar_of_year(organisation, date.year)
        day = WorkCalendarDay.objects.filter(organisation=organisation, date=date).first()
        before = {"calendar": _days_snapshot(cal)}
        if day is None:
            day = WorkCalendarDay(organisation=organisation, calendar=cal, date=date)
        day.is_working = bool(is_working)
        day.name = name or (MAKEUP_DAY if is_working else "")
        day.save()
        cal.source = WorkCalendar.Source.MANUAL
        cal.entered_by = _actor(by) or cal.entered_by
        cal.save(update_fields=["source", "entered_by", "updated_at"])
        audit_record(
            actor=by,
            action="shouhou.workcalendar.day_set",
            obj=cal,
            before=before,
            after={"calendar": _days_snapshot(cal)},
            note=f"{date.isoformat()} {day.name}",
        )
        invalidate(organisation)
    return day


def calendar_day_remove(*, by: User | None, organisation: OrgRef, date: dt.date) -> None:
    """Remove one exception day (the date then follows Monday-Friday). The year becomes `manual`.

    `NotFoundError` if the organisation has no exception on that date. Audited as
    `shouhou.workcalendar.day_removed`.
    """
    organisation = _organisation(organisation)
    _check_editor(by, organisation)
    with transaction.atomic(), _in_scope_of(organisation):
        day = (
            WorkCalendarDay.objects.select_related("calendar")
            .filter(organisation=organisation, date=date)
            .first()
        )
        if day is None:
            raise NotFoundError(_("There is no holiday or make-up working day on that date."))
        cal = day.calendar
        before = {"calendar": _days_snapshot(cal)}
        day.delete()
        cal.source = WorkCalendar.Source.MANUAL
        cal.entered_by = _actor(by) or cal.entered_by
        cal.save(update_fields=["source", "entered_by", "updated_at"])
        audit_record(
            actor=by,
            action="shouhou.workcalendar.day_removed",
            obj=cal,
            before=before,
            after={"calendar": _days_snapshot(cal)},
            note=date.isoformat(),
        )
        invalidate(organisation)


def calendar_import_notice(
    *, organisation, text: str, by, year: int | None = None, dry_run: bool = False, note: str = ""
):
    """Read the State Council's notice text (`notice.parse_notice`) and, unless `dry_run`, enter
    its year with `calendar_enter_year` (replacing the year's days; the note records the source).

    Returns `(notice, calendar)`: the parsed `Notice` (what the page and the API show for
    confirmation) and the saved `WorkCalendar` (None on a dry run). An unreadable notice raises
    `ValidationFailed` (code "notice_unreadable", field "text") and nothing is written; the
    editor check applies to a dry run too."""
    from .notice import parse_notice

    organisation = _organisation(organisation)
    _check_editor(by, organisation)
    parsed = parse_notice(text, year)
    if dry_run:
        return parsed, None
    cal = calendar_enter_year(
        organisation=organisation,
        year=parsed.year,
        holidays=parsed.holidays,
        workdays=parsed.workdays,
        by=by,
        note=note
        or _("Imported from the State Council's notice of %(year)s.") % {"year": parsed.year},
    )
    return parsed, cal
