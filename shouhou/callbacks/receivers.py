"""How callbacks react to what happens in the apps below (connected in `CallbacksConfig.ready`).

The `@receiver`s connect when this module is imported; `connect()` adds the rest: the rule that
writes the call after an appointment runs in the work-order sweep (see jobs.py).

Each receiver runs inside the publisher's transaction (the events are `on_commit=False`): the
call centre's task list changes together with the order or delivery, or not at all.
"""

from __future__ import annotations

from django.dispatch import receiver

from shouhou.delivery.signals import delivery_cancelled, delivery_signed
from shouhou.workorders.jobs import register_rule
from shouhou.workorders.signals import (
    workorder_appointment_voided,
    workorder_cancelled,
    workorder_completed,
)

from . import jobs, services
from .models import CallbackTask


@receiver(workorder_completed, dispatch_uid="callbacks.after_service_task")
def after_service_task(sender, *, order, completed_at, by, **kwargs) -> None:
    """A completed service gets its after-service call (once per dispatch)."""
    services.callback_task_for_service(order=order, completed_at=completed_at, by=by)


@receiver(workorder_appointment_voided, dispatch_uid="callbacks.skip_appointment_task")
def skip_appointment_task(sender, *, order, note, by, **kwargs) -> None:
    """The appointment is gone: its after-appointment call is skipped."""
    services.callback_tasks_skip_for_order(
        work_order=order, kind=CallbackTask.Kind.AFTER_APPOINTMENT, note=note, by=by
    )


@receiver(workorder_cancelled, dispatch_uid="callbacks.cancel_order_tasks")
def cancel_order_tasks(sender, *, order, note, by, **kwargs) -> None:
    """Every open call about a cancelled order goes."""
    services.callback_tasks_cancel_for_order(work_order=order, note=note, by=by)


@receiver(delivery_signed, dispatch_uid="callbacks.after_delivery_tasks")
def after_delivery_tasks(sender, *, delivery, delivered_on, by, **kwargs) -> None:
    """A signed delivery gets its callback schedule."""
    services.callback_tasks_for_delivery(delivery=delivery, delivered_on=delivered_on, by=by)


@receiver(delivery_cancelled, dispatch_uid="callbacks.cancel_delivery_tasks")
def cancel_delivery_tasks(sender, *, delivery, reason, by, **kwargs) -> None:
    """Every open call about a cancelled delivery goes."""
    services.callback_tasks_cancel_for_delivery(delivery=delivery, note=reason, by=by)


def connect() -> None:
    register_rule(jobs.APPOINTMENT_TASKS)
