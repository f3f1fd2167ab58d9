"""The dispatch board: an order dropped on a technician's hour plans the window and dispatches
the order through `workorder_dispatch`, in one transaction."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from typing import TYPE_CHECKING

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from shouhou.core.audit import audit_record, snapshot
from shouhou.core.errors import (
    InvalidTransition,
    ValidationFailed,
)
from shouhou.org import roles as r
from shouhou.staff.models import ServiceStaff
from shouhou.workorders import services as wo
from shouhou.workorders import states
from shouhou.workorders.models import WorkOrder

from .. import selectors as sel
from ..models import (
    Appointment,
    AppointmentChange,
)
from .appointments import window_record
from .common import _now, _same_org

if TYPE_CHECKING:
    from shouhou.org.models import User


# The board ------------------------------------------------------------------------------------
@dataclass
class Booking:
    order: WorkOrder
    appointment: Appointment
    warnings: list[str] = field(default_factory=list)


def board_dispatch(
    *,
    by: User,
    order: WorkOrder,
    technician: ServiceStaff,
    starts_at: dt.datetime,
    now: dt.datetime | None = None,
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
        warnings: list[str] = []
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
