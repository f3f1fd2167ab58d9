"""Editing the calendar: the State Council's package years imported, a year entered by hand,
a single day set or removed, and the notice when next year's calendar is missing."""

from __future__ import annotations

import datetime as dt
from typing import TYPE_CHECKING, Any

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from shouhou.core.audit import audit_record
from shouhou.core.errors import NotFoundError, PermissionDeniedError, ValidationFailed
from shouhou.org import roles as r
from shouhou.org.models import Organisation

from ..models import WorkCalendar, WorkCalendarDay
from ..notice import Notice, parse_notice
from ..package import MAKEUP_DAY, package_year, package_years

if TYPE_CHECKING:
    from shouhou.org.models import Organisation, User

from .common import OrgRef, _in_scope_of, _org_id
from .reading import invalidate

EDITOR_ROLES = (r.ADMINISTRATION, r.CS_MANAGER)


MIN_YEAR, MAX_YEAR = 1990, 2200


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
    *,
    organisation: OrgRef,
    text: str,
    by: User,
    year: int | None = None,
    dry_run: bool = False,
    note: str = "",
) -> tuple[Notice, WorkCalendar | None]:
    """Read the State Council's notice text (`notice.parse_notice`) and, unless `dry_run`, enter
    its year with `calendar_enter_year` (replacing the year's days; the note records the source).

    Returns `(notice, calendar)`: the parsed `Notice` (what the page and the API show for
    confirmation) and the saved `WorkCalendar` (None on a dry run). An unreadable notice raises
    `ValidationFailed` (code "notice_unreadable", field "text") and nothing is written; the
    editor check applies to a dry run too."""
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
