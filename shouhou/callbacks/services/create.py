"""Creating callback tasks: once per source key, from the events that call for them (a completed
service, a signed delivery) and in bulk from the daily job."""

from __future__ import annotations

import datetime as dt

from django.db import transaction
from django.utils import timezone

from shouhou.core.audit import audit_record
from shouhou.delivery.services import callback_due, callback_offsets
from shouhou.workdays.services import add_working_days, calendar_for

from .. import schedule
from ..models import CallbackTask
from .common import settings_for


def callback_task_create(
    *,
    organisation,
    customer,
    work_order=None,
    delivery=None,
    kind: str,
    due_on: dt.date,
    available_on: dt.date | None = None,
    occasion: str = "",
    source_key: str,
    by=None,
) -> CallbackTask:
    """Create the task once per (organisation, source_key); a second call returns the first.

    `available_on` is the first day the call may be made ("within 3 days" starts tomorrow);
    empty means the due day itself."""
    with transaction.atomic():
        task, created = CallbackTask.objects.get_or_create(
            organisation=organisation,
            source_key=source_key,
            defaults={
                "customer": customer,
                "work_order": work_order,
                "delivery": delivery,
                "kind": kind,
                "due_on": due_on,
                "available_on": available_on if available_on and available_on < due_on else None,
                "occasion": occasion,
            },
        )
        if created:
            audit_record(actor=by, action="shouhou.callback_task.created", obj=task)
    return task


def callback_tasks_create_many(rows: list[dict]) -> int:
    """Set-based create for jobs: rows of CallbackTask fields; existing source keys are skipped.

    Returns how many rows were offered (the database skips duplicates).
    """
    objs = [CallbackTask(**row) for row in rows]
    CallbackTask.objects.bulk_create(objs, ignore_conflicts=True, batch_size=1000)
    return len(objs)


def after_service_source_key(order) -> str:
    return f"workorder:{order.pk}:service:{order.dispatch_seq}"


def callback_task_for_service(*, order, completed_at: dt.datetime, by=None) -> CallbackTask | None:
    """The call after a completed service (seed 004: within 3 days; 100% of members), once per
    dispatch of the order. None when the order asks for no callback, has no customer, or the
    organisation switched the rule off. Called inside `workorder_complete`'s transaction
    (`workorders.completed`, see receivers.py)."""
    cfg = settings_for(order.organisation_id)
    if order.no_callback or not cfg.after_service_enabled or order.customer_id is None:
        return None
    completed_on = timezone.localtime(completed_at).date()
    dates = schedule.after_service(
        completed_on, cfg.after_service_working_days, calendar_for(order.organisation_id)
    )
    return callback_task_create(
        organisation=order.organisation,
        customer=order.customer,
        work_order=order,
        kind=CallbackTask.Kind.AFTER_SERVICE,
        due_on=dates.due_on,
        available_on=dates.available_on,
        occasion=f"{cfg.after_service_working_days}d",
        source_key=after_service_source_key(order),
        by=by,
    )


def callback_tasks_for_delivery(*, delivery, delivered_on: dt.date, by=None) -> list[CallbackTask]:
    """The calls after a signed delivery, one per offset of the delivery settings (seed: 3
    working days, 1, 3 and 6 months); once per (delivery, offset). Called inside
    `delivery_complete`'s transaction (`delivery.signed`, see receivers.py)."""
    d = delivery
    return [
        callback_task_create(
            organisation=d.organisation,
            customer=d.customer,
            delivery=d,
            kind=CallbackTask.Kind.AFTER_DELIVERY,
            due_on=callback_due(delivered_on, offset, d.organisation_id),
            # "Within n working days": the call may be made from the next working day on.
            available_on=(
                add_working_days(delivered_on, 1, d.organisation_id)
                if offset.endswith("d")
                else None
            ),
            occasion=offset,
            source_key=f"delivery:{d.pk}:{offset}",
            by=by,
        )
        for offset in callback_offsets(d.organisation_id)
    ]
