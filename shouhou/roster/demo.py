"""Demo rosters (after staff and workorders): this week's and next week's shifts (做六休一), a
leave request waiting and one approved, a service area per store with its technicians, the
windows of the appointed orders, two new orders planned on the board, this week's store visits
(one checked off). Idempotent: what exists is kept."""

from __future__ import annotations

import datetime as dt
import logging

from django.utils import timezone

from shouhou.core.errors import DomainError
from shouhou.org import roles as r
from shouhou.org.models import Store
from shouhou.staff.models import ServiceStaff
from shouhou.workorders import states
from shouhou.workorders.models import WorkOrder

from . import selectors, services
from .models import (
    Appointment,
    AppointmentChange,
    LeaveRequest,
    RosterSettings,
    ServiceArea,
    StoreVisit,
)

log = logging.getLogger(__name__)


def _user_with(ctx, organisation, *roles):
    for u in (getattr(ctx, "users", None) or {}).values():
        if u.organisation_id == organisation.pk and u.is_active and r.has_role(u, *roles):
            return u
    return None


def seed(ctx) -> None:
    today = timezone.localdate()
    monday = selectors.week_start(today)
    now = timezone.now()
    for organisation in (getattr(ctx, "orgs", None) or {}).values():
        RosterSettings.objects.get_or_create(organisation=organisation)
        planner = _user_with(ctx, organisation, r.CS_SUPERVISOR, r.CS_MANAGER, r.STORE_MANAGER)
        desk = _user_with(ctx, organisation, r.SERVICE_DESK, r.CLERK, r.CS_SUPERVISOR)
        if planner is None:
            continue
        staff = list(
            ServiceStaff.all_objects.filter(
                organisation=organisation, status=ServiceStaff.Status.ACTIVE
            ).order_by("pk")
        )
        try:
            for i, s in enumerate(staff):
                if not s.shifts.exists():
                    services.shift_pattern_apply(
                        by=planner,
                        staff=s,
                        first_day=monday - dt.timedelta(days=i % 7),
                        days=21,
                        pattern="做六休一",
                    )
            if (
                len(staff) >= 2
                and not LeaveRequest.all_objects.filter(organisation=organisation).exists()
            ):
                services.leave_request(
                    by=planner,
                    staff=staff[-1],
                    first_day=monday + dt.timedelta(days=9),
                    last_day=monday + dt.timedelta(days=10),
                    reason="家中有事",
                )
                approved = services.leave_request(
                    by=planner,
                    staff=staff[-2],
                    first_day=monday + dt.timedelta(days=12),
                    last_day=monday + dt.timedelta(days=12),
                    reason="参加品牌培训",
                )
                other = _user_with(ctx, organisation, r.CS_MANAGER, r.STORE_MANAGER) or planner
                services.leave_approve(by=other, leave=approved, note="同意")
            orders = WorkOrder.all_objects.filter(organisation=organisation)
            districts = sorted({d for d in orders.values_list("district", flat=True) if d})[:4]
            for store in Store.all_objects.filter(organisation=organisation).order_by("pk"):
                if not ServiceArea.all_objects.filter(store=store).exists():
                    members = [s for s in staff if s.store_id in (store.pk, None)] or staff
                    services.area_save(
                        by=planner,
                        store=store,
                        name=f"{store.name}服务区",
                        districts=districts,
                        radius_km=None,
                        technicians=members[:6],
                    )
            for o in orders.filter(appointment_at__isnull=False, technician__isnull=False):
                at = o.appointment_at
                if at is not None and not Appointment.all_objects.filter(order=o).exists():
                    services.window_record(
                        order=o,
                        starts_at=at,
                        ends_at=at + dt.timedelta(hours=2),
                        kind=AppointmentChange.Kind.AGREED,
                        by=None,
                        now=now,
                    )
            if (
                desk is not None
                and not Appointment.all_objects.filter(
                    organisation=organisation, status=Appointment.Status.PLANNED
                ).exists()
            ):
                start = selectors.local(today + dt.timedelta(days=1), dt.time(9))
                for o in orders.filter(status=states.NEW).order_by("-is_reissued", "pk")[:2]:
                    for t in staff:
                        try:
                            services.board_dispatch(by=desk, order=o, technician=t, starts_at=start)
                            break
                        except DomainError:
                            continue
                    start += dt.timedelta(hours=2)
            services.store_visits_plan(by=planner, week=monday)
            first = (
                StoreVisit.all_objects.filter(week=monday, done_at__isnull=True)
                .filter(organisation=organisation)
                .first()
            )
            if first is not None and first.planned_on <= today:
                services.store_visit_done(by=planner, visit=first, note="检查样品、学习新品")
        except DomainError as exc:
            log.warning("roster demo for %s: %s", organisation, exc)
