"""Every write of the roster: shifts, leave, appointment windows, the board's dispatch, areas,
store visits. Each service is one transaction, checks role and organisation, and audits."""

from __future__ import annotations

import datetime as dt
import re
from dataclasses import dataclass, field
from decimal import Decimal, InvalidOperation

from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from shouhou.core.audit import audit_record, snapshot
from shouhou.core.errors import (
    DuplicateError,
    InvalidTransition,
    NotFoundError,
    PermissionDeniedError,
    ValidationFailed,
)
from shouhou.org import roles as r
from shouhou.org.models import Store
from shouhou.staff.models import ServiceStaff
from shouhou.workdays.services import is_working_day
from shouhou.workorders import services as wo
from shouhou.workorders import states
from shouhou.workorders.models import WorkOrder

from . import selectors as sel
from .models import (
    Appointment,
    AppointmentChange,
    AreaMember,
    ConfirmationCall,
    LeaveRequest,
    ServiceArea,
    Shift,
    StoreVisit,
)


def _now(now=None):
    return now or timezone.now()


def current_time() -> dt.datetime:
    return timezone.now()


def _same_org(by, obj) -> None:
    if getattr(obj, "organisation_id", None) != getattr(by, "organisation_id", None):
        raise NotFoundError()


def _require_planner(by) -> None:
    r.require_role(by, *sel.PLANNERS)


def _self_or_planner(by, staff) -> None:
    _same_org(by, staff)
    if r.has_role(by, *sel.PLANNERS):
        return
    me = sel.own_staff(by)
    if me is None or me.pk != staff.pk:
        raise PermissionDeniedError(_("Only a supervisor or the person themself can do this."))


# Shifts ---------------------------------------------------------------------------------------
def _check_times(kind, starts, ends, field_name="starts"):
    if (starts is None) != (ends is None):
        raise ValidationFailed(fields={field_name: [_("Give both times or neither.")]})
    if starts is not None and ends <= starts:
        raise ValidationFailed(fields={field_name: [_("The shift must end after it starts.")]})
    if kind in (Shift.Kind.OFF, Shift.Kind.LEAVE) and starts is not None:
        raise ValidationFailed(fields={field_name: [_("A day off or on leave has no hours.")]})


def _approved_leave_days(staff, first, last) -> set[dt.date]:
    out = set()
    for leave in LeaveRequest.objects.filter(
        staff=staff, status=LeaveRequest.Status.APPROVED, first_day__lte=last, last_day__gte=first
    ):
        d = max(first, leave.first_day)
        while d <= min(last, leave.last_day):
            out.add(d)
            d += dt.timedelta(days=1)
    return out


def _put_shift(staff, d, kind, *, by, starts=None, ends=None, note="") -> Shift | None:
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


def shift_week_set(*, by, staff: ServiceStaff, week: dt.date, days: list[dict]) -> list[Shift]:
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


def shift_copy_last_week(*, by, week: dt.date, staff: ServiceStaff | None = None) -> int:
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
        leave_cache: dict[int, set] = {}
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

    def num(x):
        return int(x) if x.isdigit() else _CN.get(x, 0)

    on, off = num(m.group(1)), num(m.group(2))
    if not (1 <= on <= 14 and 0 <= off <= 7):
        raise ValidationFailed(
            fields={"pattern": [_("Between 1 and 14 working days, 0 to 7 off.")]}
        )
    return on, off


def shift_pattern_apply(
    *,
    by,
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


# Leave ----------------------------------------------------------------------------------------
def leave_request(
    *, by, staff: ServiceStaff, first_day: dt.date, last_day: dt.date, reason: str, now=None
) -> LeaveRequest:
    now = _now(now)
    _self_or_planner(by, staff)
    reason = (reason or "").strip()
    errors = {}
    if not reason:
        errors["reason"] = [_("Say why.")]
    if first_day is None:
        errors["first_day"] = [_("Give a date.")]
    if last_day is None:
        errors["last_day"] = [_("Give a date.")]
    elif first_day and last_day < first_day:
        errors["last_day"] = [_("The last day cannot be before the first.")]
    if errors:
        raise ValidationFailed(fields=errors)
    with transaction.atomic():
        if LeaveRequest.objects.filter(
            staff=staff,
            status__in=[LeaveRequest.Status.PENDING, LeaveRequest.Status.APPROVED],
            first_day__lte=last_day,
            last_day__gte=first_day,
        ).exists():
            raise DuplicateError(
                _("A leave request for these days already exists."),
                fields={"first_day": [_("A leave request for these days already exists.")]},
            )
        leave = LeaveRequest.objects.create(
            organisation_id=staff.organisation_id,
            staff=staff,
            first_day=first_day,
            last_day=last_day,
            reason=reason,
            requested_by=by,
        )
        audit_record(
            actor=by, action="shouhou.roster.leave_requested", obj=leave, after=snapshot(leave)
        )
        return leave


def _decide(by, leave, status, note, now, action):
    r.require_role(by, *sel.APPROVERS)
    _same_org(by, leave)
    me = sel.own_staff(by)
    if me is not None and me.pk == leave.staff_id and not by.is_superuser:
        raise PermissionDeniedError(_("Nobody approves their own leave."))
    with transaction.atomic():
        before = snapshot(leave)
        n = LeaveRequest.objects.filter(pk=leave.pk, status=LeaveRequest.Status.PENDING).update(
            status=status, decided_by=by, decided_at=now, decision_note=note or ""
        )
        if n == 0:
            raise InvalidTransition(_("This leave request was already decided."))
        leave.refresh_from_db()
        if status == LeaveRequest.Status.APPROVED:
            d = leave.first_day
            while d <= leave.last_day:
                _put_shift(leave.staff, d, Shift.Kind.LEAVE, by=by, note=leave.reason[:200])
                d += dt.timedelta(days=1)
        audit_record(
            actor=by, action=action, obj=leave, before=before, after=snapshot(leave), note=note
        )
        return leave


def leave_approve(*, by, leave: LeaveRequest, note: str = "", now=None) -> LeaveRequest:
    """The supervisor approves: the days become leave on the roster."""
    return _decide(
        by, leave, LeaveRequest.Status.APPROVED, note, _now(now), "shouhou.roster.leave_approved"
    )


def leave_reject(*, by, leave: LeaveRequest, note: str = "", now=None) -> LeaveRequest:
    if not (note or "").strip():
        raise ValidationFailed(fields={"note": [_("Say why the leave is refused.")]})
    return _decide(
        by, leave, LeaveRequest.Status.REJECTED, note, _now(now), "shouhou.roster.leave_rejected"
    )


# Appointment windows --------------------------------------------------------------------------
def window_record(
    *, order, starts_at, ends_at, kind, by, now, reason: str = "", status=None
) -> Appointment:
    """Keep the order's window and its history (called by the board and by the receivers of
    the work-order events, inside their transaction)."""
    a = Appointment.objects.select_for_update().filter(order_id=order.pk).first()
    previous = a.starts_at if a is not None and a.active else None
    if status is None:
        status = (
            Appointment.Status.PLANNED
            if kind == AppointmentChange.Kind.PLANNED
            else Appointment.Status.AGREED
        )
    if a is None:
        a = Appointment.objects.create(
            organisation_id=order.organisation_id,
            order_id=order.pk,
            starts_at=starts_at,
            ends_at=ends_at,
            status=status,
        )
    else:
        if (
            previous is not None
            and kind != AppointmentChange.Kind.PLANNED
            and a.status != Appointment.Status.PLANNED
            and previous != starts_at
        ):
            kind = AppointmentChange.Kind.RESCHEDULED
            a.changes += 1
        a.starts_at, a.ends_at, a.status, a.confirmed_at = starts_at, ends_at, status, None
        a.save()
    AppointmentChange.objects.create(
        organisation_id=order.organisation_id,
        appointment=a,
        kind=kind,
        starts_at=starts_at,
        ends_at=ends_at,
        previous_starts_at=previous,
        reason=reason[:200],
        at=now,
        by=by if getattr(by, "is_authenticated", False) else None,
    )
    return a


def window_void(*, order, note: str, by, now=None) -> None:
    now = _now(now)
    a = Appointment.objects.filter(order_id=order.pk).exclude(status="voided").first()
    if a is None:
        return
    Appointment.objects.filter(pk=a.pk).update(status=Appointment.Status.VOIDED)
    AppointmentChange.objects.create(
        organisation_id=order.organisation_id,
        appointment=a,
        kind=AppointmentChange.Kind.VOIDED,
        starts_at=a.starts_at,
        ends_at=a.ends_at,
        reason=str(note)[:200],
        at=now,
        by=by if getattr(by, "is_authenticated", False) else None,
    )


def appointment_reschedule(*, by, order: WorkOrder, starts_at: dt.datetime, reason: str, now=None):
    """Move the agreed time (the customer asked, the technician cannot): the reason is kept in
    the window's history; the work order's appointment (and its callback) move with it."""
    now = _now(now)
    reason = (reason or "").strip()
    if not reason:
        raise ValidationFailed(fields={"reason": [_("Say why the appointment moves.")]})
    with transaction.atomic():
        wo.workorder_appoint(by=by, order=order, appointment_at=starts_at, now=now)
        a = Appointment.objects.get(order_id=order.pk)
        last = a.history.order_by("-at", "-id").first()
        AppointmentChange.objects.filter(pk=last.pk).update(reason=reason[:200])
        return a


def appointment_confirm(*, by, order: WorkOrder, reached: bool, note: str = "", now=None):
    """The day's call before leaving (seed 000 四.7): reached → the window is confirmed."""
    now = _now(now)
    _confirm_check(by, order)
    with transaction.atomic():
        a = Appointment.objects.select_for_update().filter(order_id=order.pk).first()
        if a is None or not a.active:
            raise InvalidTransition(_("This order has no appointment to confirm."))
        if timezone.localtime(a.starts_at).date() < timezone.localtime(now).date():
            raise InvalidTransition(_("The appointment is already past."))
        if not reached and not (note or "").strip():
            raise ValidationFailed(fields={"note": [_("Say what happened on the call.")]})
        before = snapshot(a)
        call = ConfirmationCall.objects.create(
            organisation_id=order.organisation_id,
            appointment=a,
            at=now,
            reached=reached,
            note=(note or "")[:200],
            by=by,
        )
        if reached:
            a.status, a.confirmed_at = Appointment.Status.CONFIRMED, now
            a.save(update_fields=["status", "confirmed_at", "updated_at"])
        audit_record(
            actor=by,
            action="shouhou.roster.appointment_confirmed"
            if reached
            else "shouhou.roster.confirmation_unreached",
            obj=a,
            before=before,
            after=snapshot(a),
            note=note,
        )
        return call


def _confirm_check(by, order) -> None:
    _same_org(by, order)
    if r.has_role(by, *sel.DISPATCHERS):
        return
    me = sel.own_staff(by)
    if me is not None and order.technician_id == me.pk and r.has_role(by, *sel.TECHS):
        return
    raise NotFoundError()


# The board ------------------------------------------------------------------------------------
@dataclass
class Booking:
    order: WorkOrder
    appointment: Appointment
    warnings: list = field(default_factory=list)


def board_dispatch(
    *, by, order: WorkOrder, technician: ServiceStaff, starts_at: dt.datetime, now=None
) -> Booking:
    """Drop an order on a technician's hour: the window is planned and the order dispatched (or
    reassigned) through `workorder_dispatch`, so every check of the work-order API and of the
    roster applies; any refusal undoes both."""
    now = _now(now)
    r.require_role(by, *sel.DISPATCHERS)
    _same_org(by, order)
    if technician.organisation_id != by.organisation_id:
        raise ValidationFailed(fields={"technician": [_("Not found.")]})
    if starts_at is None or timezone.is_naive(starts_at):
        raise ValidationFailed(fields={"starts_at": [_("Give a date and time.")]})
    if timezone.localtime(starts_at).date() < timezone.localtime(now).date():
        raise ValidationFailed(fields={"starts_at": [_("The appointment cannot be in the past.")]})
    st = sel.settings_for(order.organisation_id)
    ends_at = starts_at + dt.timedelta(minutes=st.appointment_minutes)
    with transaction.atomic():
        order = WorkOrder.objects.select_for_update().get(pk=order.pk)
        if order.status in states.RESOLVED_STATES or order.status == states.ON_SITE:
            raise InvalidTransition(_("This order can no longer be planned."))
        window_record(
            order=order,
            starts_at=starts_at,
            ends_at=ends_at,
            kind=AppointmentChange.Kind.PLANNED,
            by=by,
            now=now,
        )
        if order.status == states.NEW:
            order = wo.workorder_dispatch(by=by, order=order, technician=technician, now=now)
        elif order.technician_id != technician.pk:
            order = wo.workorder_reassign(by=by, order=order, technician=technician, now=now)
        else:
            refusal = sel.technician_refusal(
                technician=technician, order=order, starts_at=starts_at, ends_at=ends_at
            )
            if refusal:
                raise ValidationFailed(
                    refusal.message, fields={"technician": [refusal.message]}, code=refusal.code
                )
        a = Appointment.objects.get(order_id=order.pk)
        audit_record(
            actor=by,
            action="shouhou.roster.board_dispatch",
            obj=a,
            after=snapshot(a),
            note=str(technician),
        )
        warnings = []
        order.refresh_from_db()
        if order.onsite_due_at and ends_at > order.onsite_due_at:
            warnings.append(
                _("Order %(number)s will miss its on-site limit (%(due)s).")
                % {
                    "number": order.number,
                    "due": timezone.localtime(order.onsite_due_at).strftime("%m-%d %H:%M"),
                }
            )
        day = timezone.localtime(starts_at).date()
        n = (
            Appointment.objects.filter(
                order__technician=technician,
                starts_at__gte=sel.local(day, dt.time.min),
                starts_at__lt=sel.local(day + dt.timedelta(days=1), dt.time.min),
            )
            .exclude(status="voided")
            .count()
        )
        if n > st.daily_capacity:
            warnings.append(
                _("%(name)s now has %(n)s appointments that day (more than %(cap)s).")
                % {"name": technician.name, "n": n, "cap": st.daily_capacity}
            )
        return Booking(order, a, warnings)


# Areas ----------------------------------------------------------------------------------------
def area_save(
    *,
    by,
    store: Store,
    name: str,
    districts: list[str] | None = None,
    radius_km=None,
    technicians: list[ServiceStaff] | None = None,
    area: ServiceArea | None = None,
) -> ServiceArea:
    _require_planner(by)
    _same_org(by, store)
    name = (name or "").strip()
    errors = {}
    if not name:
        errors["name"] = [_("Give the area a name.")]
    if radius_km in (None, ""):
        radius = sel.settings_for(by.organisation_id).area_radius_km
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
def store_visits_plan(*, by, week: dt.date) -> int:
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


def store_visit_done(*, by, visit: StoreVisit, note: str = "", now=None) -> StoreVisit:
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
