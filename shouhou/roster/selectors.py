"""Reads of the roster: who may do what, the refusal rules, the board, workload, visits."""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from dataclasses import dataclass, field

from django.db.models import Q, QuerySet
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from shouhou.core.errors import NotFoundError
from shouhou.org import roles as r
from shouhou.org.models import Store
from shouhou.staff.models import ServiceStaff
from shouhou.staff.services import can_work, staff_for_user
from shouhou.workorders import config, states
from shouhou.workorders.models import WorkOrder

from .models import (
    Appointment,
    AreaMember,
    LeaveRequest,
    RosterSettings,
    ServiceArea,
    Shift,
    StoreVisit,
)

# Who may do what --------------------------------------------------------------------------------
PLANNERS = {
    r.CS_SUPERVISOR,
    r.CS_MANAGER,
    r.SERVICE_DESK,
    r.STORE_MANAGER,
    r.VP_OPERATIONS,
    r.GENERAL_MANAGER,
    r.WORKSHOP_SUPERVISOR,
}
APPROVERS = PLANNERS - {r.SERVICE_DESK}
DISPATCHERS = {
    r.CLERK,
    r.CS_SUPERVISOR,
    r.CS_MANAGER,
    r.SERVICE_DESK,
    r.CALL_CENTRE,
    r.STORE_MANAGER,
    r.VP_OPERATIONS,
    r.GENERAL_MANAGER,
}
TECHS = {r.TECHNICIAN, r.DELIVERY_CREW}
READERS = r.OFFICE_ROLES | PLANNERS | TECHS

settings_for = RosterSettings.for_org


def can_read(user) -> bool:
    return r.has_role(user, *READERS)


def can_plan(user) -> bool:
    return r.has_role(user, *PLANNERS)


def can_dispatch(user) -> bool:
    return r.has_role(user, *DISPATCHERS)


def is_office(user) -> bool:
    return r.has_role(user, *(r.OFFICE_ROLES | PLANNERS))


def own_staff(user) -> ServiceStaff | None:
    return staff_for_user(user)


# Time helpers -----------------------------------------------------------------------------------
def local(d: dt.date, t: dt.time) -> dt.datetime:
    return timezone.make_aware(dt.datetime.combine(d, t))


def week_start(d: dt.date) -> dt.date:
    return d - dt.timedelta(days=d.weekday())


def week_days(monday: dt.date) -> list[dt.date]:
    return [monday + dt.timedelta(days=i) for i in range(7)]


def _days_of(starts_at: dt.datetime, ends_at: dt.datetime) -> list[dt.date]:
    first = timezone.localtime(starts_at).date()
    last = timezone.localtime(max(starts_at, ends_at - dt.timedelta(microseconds=1))).date()
    return [first + dt.timedelta(days=i) for i in range((last - first).days + 1)]


# The refusals (dispatch guard, appointment guard, board) ----------------------------------------
@dataclass(frozen=True)
class Refusal:
    code: str
    message: str


def _hm(t: dt.time) -> str:
    return t.strftime("%H:%M")


def technician_refusal(
    *, technician, order=None, starts_at: dt.datetime, ends_at: dt.datetime, check_store=True
) -> Refusal | None:
    """Why `technician` cannot take `order` for this time, or None.

    `starts_at == ends_at` is a moment (a dispatch without a window): only the day counts.
    """
    st = settings_for(technician.organisation_id)
    name = technician.name
    if (
        check_store
        and order is not None
        and order.store_id
        and technician.store_id
        and technician.store_id != order.store_id
        and not AreaMember.objects.filter(
            staff=technician, area__store_id=order.store_id, area__is_active=True
        ).exists()
    ):
        return Refusal(
            "other_store",
            _("%(name)s works for another store and serves no area of this order's store.")
            % {"name": name},
        )
    days = _days_of(starts_at, ends_at)
    leave = (
        LeaveRequest.objects.filter(
            staff=technician,
            status=LeaveRequest.Status.APPROVED,
            first_day__lte=days[-1],
            last_day__gte=days[0],
        )
        .order_by("first_day")
        .first()
    )
    if leave is not None:
        return Refusal(
            "on_leave",
            _("%(name)s is on leave from %(first)s to %(last)s.")
            % {"name": name, "first": leave.first_day, "last": leave.last_day},
        )
    shifts = {s.date: s for s in Shift.objects.filter(staff=technician, date__in=days)}
    window = ends_at > starts_at
    for d in days:
        s = shifts.get(d)
        if s is None:
            if st.require_roster:
                return Refusal(
                    "not_on_roster",
                    _("%(name)s has no shift entered on %(date)s.") % {"name": name, "date": d},
                )
            continue
        if s.kind == Shift.Kind.LEAVE:
            return Refusal(
                "on_leave", _("%(name)s is on leave on %(date)s.") % {"name": name, "date": d}
            )
        if s.kind == Shift.Kind.OFF:
            return Refusal(
                "off_duty", _("%(name)s is off duty on %(date)s.") % {"name": name, "date": d}
            )
        if s.kind == Shift.Kind.WORKING and window:
            begin, end = s.starts or st.shift_start, s.ends or st.shift_end
            if (
                starts_at < local(d, begin)
                and timezone.localtime(starts_at).date() == d
                or (ends_at > local(d, end) and timezone.localtime(ends_at).date() == d)
            ):
                return Refusal(
                    "off_duty_hours",
                    _("%(name)s works %(begin)s–%(end)s on %(date)s; this time is outside it.")
                    % {"name": name, "begin": _hm(begin), "end": _hm(end), "date": d},
                )
    if window:
        clash = (
            Appointment.objects.filter(
                order__technician=technician,
                order__status__in=states.ASSIGNED_STATES,
                starts_at__lt=ends_at,
                ends_at__gt=starts_at,
            )
            .exclude(status=Appointment.Status.VOIDED)
            .exclude(order_id=getattr(order, "pk", None))
            .select_related("order")
            .first()
        )
        if clash is not None:
            return Refusal(
                "double_booked",
                _("%(name)s is already booked %(begin)s–%(end)s for order %(number)s.")
                % {
                    "name": name,
                    "begin": timezone.localtime(clash.starts_at).strftime("%m-%d %H:%M"),
                    "end": _hm(timezone.localtime(clash.ends_at).time()),
                    "number": clash.order.number,
                },
            )
    return None


def active_window(order) -> tuple[dt.datetime, dt.datetime] | None:
    a = Appointment.objects.filter(order_id=order.pk).exclude(status="voided").first()
    return (a.starts_at, a.ends_at) if a else None


def active_appointment(order) -> Appointment | None:
    """The order's window that still stands (None: no appointment, or voided)."""
    return Appointment.objects.filter(order_id=order.pk).exclude(status="voided").first()


# Gets -----------------------------------------------------------------------------------------
def staff_get(*, user, pk) -> ServiceStaff:
    s = ServiceStaff.objects.filter(pk=pk).first()
    if s is None or (not is_office(user) and (own_staff(user) or None) != s):
        raise NotFoundError()
    return s


def order_get(*, user, pk) -> WorkOrder:
    o = WorkOrder.objects.filter(pk=pk).select_related("technician", "customer", "store").first()
    if o is None:
        raise NotFoundError()
    if not is_office(user):
        me = own_staff(user)
        if me is None or o.technician_id != me.pk:
            raise NotFoundError()
    return o


def appointment_get(*, user, order_pk) -> Appointment:
    order = order_get(user=user, pk=order_pk)
    a = Appointment.objects.filter(order=order).select_related("order").first()
    if a is None:
        raise NotFoundError()
    return a


def leave_get(*, user, pk) -> LeaveRequest:
    leave = LeaveRequest.objects.filter(pk=pk).select_related("staff").first()
    if leave is None or (not is_office(user) and leave.staff != own_staff(user)):
        raise NotFoundError()
    return leave


def area_get(*, user, pk) -> ServiceArea:
    a = ServiceArea.objects.filter(pk=pk).select_related("store").first()
    if a is None or not is_office(user):
        raise NotFoundError()
    return a


def visit_get(*, user, pk) -> StoreVisit:
    v = StoreVisit.objects.filter(pk=pk).select_related("staff", "store").first()
    if v is None or (not is_office(user) and v.staff != own_staff(user)):
        raise NotFoundError()
    return v


# Lists ----------------------------------------------------------------------------------------
def technicians(
    *, store: Store | None = None, area: ServiceArea | None = None
) -> QuerySet[ServiceStaff]:
    qs = ServiceStaff.objects.filter(status=ServiceStaff.Status.ACTIVE)
    if area is not None:
        qs = qs.filter(area_memberships__area=area)
    elif store is not None:
        qs = qs.filter(Q(store=store) | Q(area_memberships__area__store=store)).distinct()
    return qs.order_by("name", "pk")


def shifts_list(*, user, first: dt.date, last: dt.date, staff=None):
    qs = Shift.objects.filter(date__range=(first, last)).select_related("staff")
    if not is_office(user):
        qs = qs.filter(staff=own_staff(user))
    elif staff is not None:
        qs = qs.filter(staff=staff)
    return qs.order_by("date", "staff_id", "id")


def leave_list(*, user, status=None):
    qs = LeaveRequest.objects.select_related("staff")
    if not is_office(user):
        qs = qs.filter(staff=own_staff(user))
    if status:
        qs = qs.filter(status=status)
    return qs.order_by("-first_day", "-id")


def appointments_list(*, user, first: dt.date, last: dt.date, technician=None):
    qs = (
        Appointment.objects.filter(
            starts_at__gte=local(first, dt.time.min),
            starts_at__lt=local(last + dt.timedelta(days=1), dt.time.min),
        )
        .exclude(status=Appointment.Status.VOIDED)
        .select_related("order", "order__technician")
    )
    if not is_office(user):
        qs = qs.filter(order__technician=own_staff(user))
    elif technician is not None:
        qs = qs.filter(order__technician=technician)
    return qs.order_by("starts_at", "id")


def areas_list(*, user, store=None):
    if not is_office(user):
        return ServiceArea.objects.none()
    qs = ServiceArea.objects.select_related("store")
    if store is not None:
        qs = qs.filter(store=store)
    return qs.order_by("store_id", "name", "id")


def unassigned_orders(*, store=None, area=None, limit=200):
    """Orders with no time on the board: new ones, and dispatched ones without a window (a
    re-issued order goes back to its technician with its window voided). Re-issued first
    (seed 001: 重发的单子优先安排), then by on-site due time."""
    waiting = [states.DISPATCHED, states.CONTACTED, states.NOT_HOME]
    no_window = Q(roster_appointment__isnull=True) | Q(
        roster_appointment__status=Appointment.Status.VOIDED
    )
    qs = WorkOrder.objects.filter(Q(status=states.NEW) | Q(status__in=waiting) & no_window)
    qs = qs.select_related("technician")
    if area is not None:
        cond = Q(district__in=area.districts) | Q(distance_km__lte=area.radius_km)
        qs = qs.filter(Q(store_id=area.store_id) | Q(store__isnull=True)).filter(cond)
    elif store is not None:
        qs = qs.filter(store=store)
    return list(qs.order_by("-is_reissued", "onsite_due_at", "received_at", "pk")[:limit])


# The board ------------------------------------------------------------------------------------
@dataclass(slots=True)
class Block:
    """One window on the board (plain values: the week board draws thousands)."""

    order_id: int
    number: str
    starts_at: dt.datetime  # local time
    ends_at: dt.datetime
    status: str
    left: float  # percent of the row
    width: float
    late: bool


@dataclass
class Row:
    technician: ServiceStaff
    shifts: dict = field(default_factory=dict)  # date -> Shift
    on_leave: set = field(default_factory=set)  # dates
    blocks: dict = field(default_factory=lambda: defaultdict(list))  # date -> [Block]
    day_load: dict = field(default_factory=lambda: defaultdict(int))
    week_load: int = 0
    over_day: bool = False
    over_week: bool = False


@dataclass
class Board:
    days: list
    hours: list
    rows: list
    unassigned: list
    settings: RosterSettings
    view: str


def board(*, user, day: dt.date, view="day", store=None, area=None) -> Board:
    """Technicians as rows, hours (day view) or days (week view) as columns; a fixed number of
    queries whatever the number of technicians and appointments."""
    st = settings_for(user.organisation_id)
    days = [day] if view == "day" else week_days(week_start(day))
    monday = week_start(day)
    techs = list(technicians(store=store, area=area))
    rows = {t.pk: Row(technician=t) for t in techs}
    ids = list(rows)
    for s in Shift.objects.filter(staff_id__in=ids, date__range=(days[0], days[-1])):
        rows[s.staff_id].shifts[s.date] = s
    for leave in LeaveRequest.objects.filter(
        staff_id__in=ids,
        status=LeaveRequest.Status.APPROVED,
        first_day__lte=days[-1],
        last_day__gte=days[0],
    ):
        for d in days:
            if leave.first_day <= d <= leave.last_day:
                rows[leave.staff_id].on_leave.add(d)
    first_h, last_h = st.board_first_hour, max(st.board_last_hour, st.board_first_hour + 1)
    span = (last_h - first_h) * 3600
    appts = (
        Appointment.objects.filter(
            order__technician_id__in=ids,
            starts_at__gte=local(monday if view == "week" else day, dt.time.min),
            starts_at__lt=local(days[-1] + dt.timedelta(days=1), dt.time.min),
        )
        .exclude(status=Appointment.Status.VOIDED)
        .exclude(order__status=states.CANCELLED)
        .order_by("starts_at")
        .values_list(
            "order_id",
            "order__number",
            "order__technician_id",
            "order__onsite_due_at",
            "starts_at",
            "ends_at",
            "status",
        )
    )
    tz = timezone.get_current_timezone()
    origins = {d: local(d, dt.time(first_h)) for d in days}
    for order_id, number, tech_id, due, starts, ends, status in appts:
        row = rows[tech_id]
        s, e = starts.astimezone(tz), ends.astimezone(tz)
        d = s.date()
        origin = origins.get(d) or local(d, dt.time(first_h))
        left = max(0.0, (s - origin).total_seconds() / span * 100)
        width = max(2.0, min(100.0 - left, (e - s).total_seconds() / span * 100))
        late = bool(due and ends > due)
        row.blocks[d].append(
            Block(order_id, number, s, e, status, round(left, 2), round(width, 2), late)
        )
        row.day_load[d] += 1
        row.week_load += 1
    for row in rows.values():
        row.over_day = any(n > st.daily_capacity for n in row.day_load.values())
        row.over_week = row.week_load > st.weekly_capacity
    return Board(
        days=days,
        hours=list(range(first_h, last_h)),
        rows=[rows[i] for i in ids],
        unassigned=unassigned_orders(store=store, area=area),
        settings=st,
        view=view,
    )


def suggest_technicians(*, order, starts_at: dt.datetime, area=None, limit=5) -> list[dict]:
    """Free, permitted technicians for this order at this time, those of its area first, the
    least loaded that day first."""
    st = settings_for(order.organisation_id)
    ends_at = starts_at + dt.timedelta(minutes=st.appointment_minutes)
    kind = config.permit_kind(config.ensure_defaults(order.organisation_id), order.kind)
    if area is None:
        area = next(
            (
                a
                for a in ServiceArea.objects.filter(is_active=True, store_id=order.store_id)
                if a.covers(district=order.district, distance_km=order.distance_km)
            ),
            None,
        )
    in_area = set(area.members.values_list("staff_id", flat=True)) if area else set()
    d = timezone.localtime(starts_at).date()
    load = defaultdict(int)
    for tid in (
        Appointment.objects.filter(
            starts_at__gte=local(d, dt.time.min),
            starts_at__lt=local(d + dt.timedelta(days=1), dt.time.min),
            order__status__in=states.ASSIGNED_STATES,
        )
        .exclude(status="voided")
        .values_list("order__technician_id", flat=True)
    ):
        load[tid] += 1
    out = []
    for t in technicians(store=order.store if order.store_id else None):
        if kind and not can_work(staff=t, kind=kind, on_date=d).ok:
            continue
        if technician_refusal(technician=t, order=order, starts_at=starts_at, ends_at=ends_at):
            continue
        out.append({"technician": t, "in_area": t.pk in in_area, "load": load[t.pk]})
    out.sort(key=lambda x: (not x["in_area"], x["load"], x["technician"].name))
    return out[:limit]


def workload(*, user, first: dt.date, last: dt.date, store=None):
    """Per technician: appointments per day in [first, last] and their total."""
    techs = list(technicians(store=store))
    per = {t.pk: defaultdict(int) for t in techs}
    for tid, starts in (
        Appointment.objects.filter(
            order__technician_id__in=list(per),
            starts_at__gte=local(first, dt.time.min),
            starts_at__lt=local(last + dt.timedelta(days=1), dt.time.min),
        )
        .exclude(status="voided")
        .values_list("order__technician_id", "starts_at")
    ):
        per[tid][timezone.localtime(starts).date()] += 1
    return [
        {"technician": t, "days": dict(per[t.pk]), "total": sum(per[t.pk].values())} for t in techs
    ]


# Store visits ---------------------------------------------------------------------------------
def stores_served(staff) -> set[int]:
    ids = set(
        AreaMember.objects.filter(staff=staff, area__is_active=True).values_list(
            "area__store_id", flat=True
        )
    )
    if staff.store_id:
        ids.add(staff.store_id)
    return ids


def visits_list(*, user, week: dt.date):
    qs = StoreVisit.objects.filter(week=week).select_related("staff", "store")
    if not is_office(user):
        qs = qs.filter(staff=own_staff(user))
    return qs.order_by("planned_on", "staff__name", "id")


def visits_missing(*, user, today: dt.date):
    """Visits not checked off whose week is over, or whose planned day has passed."""
    qs = StoreVisit.objects.filter(done_at__isnull=True, planned_on__lt=today).select_related(
        "staff", "store"
    )
    if not is_office(user):
        qs = qs.filter(staff=own_staff(user))
    return qs.order_by("week", "staff__name", "id")


def ical_appointments(*, staff, now: dt.datetime):
    st = settings_for(staff.organisation_id)
    return (
        Appointment.objects.filter(
            order__technician=staff,
            starts_at__gte=now - dt.timedelta(days=st.ical_days_back),
            starts_at__lte=now + dt.timedelta(days=st.ical_days_ahead),
        )
        .exclude(status=Appointment.Status.VOIDED)
        .exclude(order__status=states.CANCELLED)
        .select_related("order", "order__customer")
        .order_by("starts_at")
    )


def dashboard_cards(*, user) -> list[dict]:
    if not r.has_role(user, *APPROVERS):
        return []
    pending = LeaveRequest.objects.filter(status=LeaveRequest.Status.PENDING).count()
    missing = StoreVisit.objects.filter(
        done_at__isnull=True, planned_on__lt=timezone.localdate()
    ).count()
    return [
        {
            "label": _("Leave requests to approve"),
            "value": pending,
            "url": reverse("roster:leave"),
            "alert": pending > 0,
        },
        {
            "label": _("Store visits missing"),
            "value": missing,
            "url": reverse("roster:visits"),
            "alert": missing > 0,
        },
    ]


# Lookups for the pages and the API (they never touch the ORM themselves) ----------------------
def empty(model):
    """An empty queryset of `model` (a viewset's `queryset`, for the schema)."""
    return model.objects.none()


def org_object(model, pk, *, user):
    """The caller's organisation's row of `model` with this id, or None."""
    if pk is None:
        return None
    return model.objects.filter(pk=pk, organisation_id=user.organisation_id).first()


def active_stores():
    return Store.objects.filter(is_active=True).order_by("name")


def active_areas():
    return ServiceArea.objects.filter(is_active=True).order_by("name")


def active_staff():
    return ServiceStaff.objects.filter(status=ServiceStaff.Status.ACTIVE)


def feed_staff(*, org_id: int, staff_id: int) -> ServiceStaff | None:
    """The technician of a signed calendar address (the caller opened the organisation's
    scope from the token)."""
    return ServiceStaff.objects.filter(pk=staff_id, organisation_id=org_id).first()
