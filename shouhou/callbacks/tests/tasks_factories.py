"""Test data for call lists: tasks in a given state, the call-centre cast, orders walked to a
state through the work-order services."""

from __future__ import annotations

import datetime as dt
import itertools

from django.utils import timezone

from shouhou.callbacks.models import CallbackTask
from shouhou.workorders import services as wo
from shouhou.workorders.tests.factories import at, make_customer, make_technician

__all__ = ["at", "make_customer", "make_technician", "make_task", "completed_order"]
_seq = itertools.count(1)


def make_task(
    org,
    *,
    customer=None,
    kind: str = CallbackTask.Kind.AFTER_SERVICE,
    due_on: dt.date | None = None,
    available_on: dt.date | None = None,
    assigned_to=None,
    work_order=None,
    delivery=None,
    status: str = CallbackTask.Status.OPEN,
    attempts: int = 0,
    occasion: str = "",
) -> CallbackTask:
    n = next(_seq)
    return CallbackTask.all_objects.create(
        organisation=org,
        customer=customer or (work_order.customer if work_order else make_customer(org)),
        kind=kind,
        due_on=due_on or timezone.localdate(),
        available_on=available_on,
        assigned_to=assigned_to,
        work_order=work_order,
        delivery=delivery,
        status=status,
        attempts=attempts,
        occasion=occasion,
        source_key=f"test:{n}",
    )


def dispatched(desk, tech, customer, now, **kw):
    kw.setdefault("source", "hotline")
    kw.setdefault("kind", "repair")
    kw.setdefault("description", "马桶漏水")
    order = wo.workorder_intake(by=desk, customer=customer, now=now, **kw).order
    return wo.workorder_dispatch(by=desk, order=order, technician=tech, now=now)


def appointed(desk, tech, customer, now, appointment_at):
    order = dispatched(desk, tech, customer, now)
    return wo.workorder_appoint(by=tech.user, order=order, appointment_at=appointment_at, now=now)


def completed_order(desk, tech, customer, *, appointment_at, completed_at):
    """Received and dispatched the day before the appointment, completed at `completed_at`."""
    order = appointed(
        desk, tech, customer, appointment_at - dt.timedelta(days=1), appointment_at=appointment_at
    )
    order = wo.workorder_arrive(by=tech.user, order=order, now=appointment_at)
    return wo.workorder_complete(
        by=tech.user, order=order, findings="进水阀老化", work_done="更换进水阀", now=completed_at
    )
