"""Service areas and the technicians' planned visits to the stores."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal, InvalidOperation
from typing import TYPE_CHECKING

from django.db import IntegrityError, transaction
from django.utils.translation import gettext as _

from shouhou.core.audit import audit_record, snapshot
from shouhou.core.errors import (
    DuplicateError,
    InvalidTransition,
    ValidationFailed,
)
from shouhou.org.models import Store
from shouhou.staff.models import ServiceStaff

from .. import selectors as sel
from ..models import (
    AreaMember,
    ServiceArea,
    Shift,
    StoreVisit,
)
from .common import _now, _require_planner, _same_org, _self_or_planner

if TYPE_CHECKING:
    from shouhou.org.models import User


# Areas ----------------------------------------------------------------------------------------
def area_save(
    *,
    by: User,
    store: Store,
    name: str,
    districts: list[str] | None = None,
    radius_km: Decimal | int | str | None = None,
    technicians: list[ServiceStaff] | None = None,
    area: ServiceArea | None = None,
) -> ServiceArea:
    _require_planner(by)
    _same_org(by, store)
    name = (name or "").strip()
    errors: dict[str, list[str]] = {}
    if not name:
        errors["name"] = [_("Give the area a name.")]
    if radius_km in (None, ""):
        radius = sel.settings_for(store.organisation_id).area_radius_km
    else:
        try:
            radius = Decimal(str(radius_km))
        except InvalidOperation:
            radius = Decimal("-1")
        if radius < 0 or radius > 10000:
            errors["radius_km"] = [_("Give a radius between 0 and 10000 km.")]
    if errors:
        raise ValidationFailed(fields=errors)
    districts = sorted({d.strip() for d in (districts or []) if d and d.strip()})
    for t in technicians or []:
        _same_org(by, t)
    with transaction.atomic():
        before = snapshot(area) if area else None
        if area is None:
            area = ServiceArea(organisation_id=store.organisation_id)
        else:
            _same_org(by, area)
        area.store, area.name, area.districts, area.radius_km = store, name, districts, radius
        try:
            with transaction.atomic():
                area.save()
        except IntegrityError as exc:
            raise DuplicateError(
                fields={"name": [_("This store already has an area of that name.")]}
            ) from exc
        if technicians is not None:
            keep = {t.pk for t in technicians}
            AreaMember.objects.filter(area=area).exclude(staff_id__in=keep).delete()
            have = set(AreaMember.objects.filter(area=area).values_list("staff_id", flat=True))
            AreaMember.objects.bulk_create(
                [
                    AreaMember(organisation_id=area.organisation_id, area=area, staff_id=i)
                    for i in keep - have
                ]
            )
        audit_record(
            actor=by,
            action="shouhou.roster.area_saved",
            obj=area,
            before=before,
            after={**snapshot(area), "technicians": sorted(t.pk for t in technicians or [])},
        )
        return area


# Store visits ---------------------------------------------------------------------------------
def store_visits_plan(*, by: User, week: dt.date) -> int:
    """Plan this week's visit of every technician to every store they serve, on their first
    working day (idempotent: a visit already planned is kept). Returns how many were added."""
    _require_planner(by)
    if week.weekday() != 0:
        raise ValidationFailed(fields={"week": [_("A week starts on a Monday.")]})
    days = sel.week_days(week)
    added = 0
    with transaction.atomic():
        staff = list(sel.technicians())
        shifts = {}
        for s in Shift.objects.filter(staff__in=staff, date__range=(days[0], days[-1])):
            shifts[(s.staff_id, s.date)] = s.kind
        for t in staff:
            stores = sel.stores_served(t)
            if not stores:
                continue
            free = [
                d
                for d in days
                if shifts.get((t.pk, d), Shift.Kind.WORKING if d.weekday() < 5 else None)
                in (Shift.Kind.WORKING, Shift.Kind.ON_CALL)
            ]
            planned_on = free[0] if free else days[0]
            for store_id in sorted(stores):
                visit, created = StoreVisit.objects.get_or_create(
                    staff=t,
                    store_id=store_id,
                    week=week,
                    defaults={"organisation_id": t.organisation_id, "planned_on": planned_on},
                )
                if created:
                    added += 1
                    audit_record(
                        actor=by,
                        action="shouhou.roster.visit_planned",
                        obj=visit,
                        after=snapshot(visit),
                    )
    return added


def store_visit_done(
    *, by: User, visit: StoreVisit, note: str = "", now: dt.datetime | None = None
) -> StoreVisit:
    now = _now(now)
    _self_or_planner(by, visit.staff)
    with transaction.atomic():
        before = snapshot(visit)
        n = StoreVisit.objects.filter(pk=visit.pk, done_at__isnull=True).update(
            done_at=now, done_by=by, note=(note or "")[:200]
        )
        if n == 0:
            raise InvalidTransition(_("This visit is already checked off."))
        visit.refresh_from_db()
        audit_record(
            actor=by,
            action="shouhou.roster.visit_done",
            obj=visit,
            before=before,
            after=snapshot(visit),
        )
        return visit
