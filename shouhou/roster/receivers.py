"""How the roster reacts to the work orders (connected when `RosterConfig.ready` imports this).

* `workorders.dispatching` (guard): a technician off duty, on leave, double-booked for the
  order's window or serving another store is refused with a field error on `technician`.
* `workorders.appointing` (guard and feed): the agreed time becomes the order's window, with
  its history; a time the technician is on leave, off or already booked is refused.
* `workorders.appointment_voided`: the window no longer stands (customer not at home, order
  re-issued); the history keeps why.
"""

from __future__ import annotations

import datetime as dt

from django.dispatch import receiver

from shouhou.core.errors import ValidationFailed
from shouhou.workorders.signals import (
    workorder_appointing,
    workorder_appointment_voided,
    workorder_dispatching,
)

from . import selectors, services
from .models import Appointment, AppointmentChange


@receiver(workorder_dispatching, dispatch_uid="roster.refuse_unavailable")
def refuse_unavailable(sender, *, order, technician, at, by, **kwargs) -> None:
    window = selectors.active_window(order) or (at, at)
    refusal = selectors.technician_refusal(
        technician=technician, order=order, starts_at=window[0], ends_at=window[1]
    )
    if refusal is not None:
        raise ValidationFailed(
            refusal.message, fields={"technician": [refusal.message]}, code=refusal.code
        )


@receiver(workorder_appointing, dispatch_uid="roster.keep_window")
def keep_window(sender, *, order, appointment_at, by, **kwargs) -> None:
    st = selectors.settings_for(order.organisation_id)
    current = Appointment.objects.filter(order_id=order.pk).exclude(status="voided").first()
    length = (
        current.ends_at - current.starts_at
        if current is not None
        else dt.timedelta(minutes=st.appointment_minutes)
    )
    ends_at = appointment_at + length
    if order.technician_id:
        refusal = selectors.technician_refusal(
            technician=order.technician,
            order=order,
            starts_at=appointment_at,
            ends_at=ends_at,
            check_store=False,
        )
        if refusal is not None:
            raise ValidationFailed(
                refusal.message, fields={"appointment_at": [refusal.message]}, code=refusal.code
            )
    services.window_record(
        order=order,
        starts_at=appointment_at,
        ends_at=ends_at,
        kind=AppointmentChange.Kind.AGREED,
        by=by,
        now=services.current_time(),
    )
    # workorder_appoint voids the old appointment next: that is this change, not a void.
    order._roster_window_moved = True


@receiver(workorder_appointment_voided, dispatch_uid="roster.void_window")
def void_window(sender, *, order, note, by, **kwargs) -> None:
    if getattr(order, "_roster_window_moved", False):
        order._roster_window_moved = False
        return
    services.window_void(order=order, note=note, by=by)
