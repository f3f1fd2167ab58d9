"""Callback writes: settings, tasks, attempts, records and the outcomes that act."""

from __future__ import annotations

import datetime as dt

from django.db import IntegrityError, transaction

from shouhou.core.audit import audit_record

from .models import CallbackSettings, CallbackTask


def settings_for(organisation) -> CallbackSettings:
    """The organisation's callback settings, created with the defaults on first use."""
    org_id = getattr(organisation, "pk", organisation)
    obj = CallbackSettings.objects.filter(organisation_id=org_id).first()
    if obj is None:
        try:
            with transaction.atomic():
                obj = CallbackSettings.objects.create(organisation_id=org_id)
        except IntegrityError:
            obj = CallbackSettings.objects.get(organisation_id=org_id)
    return obj


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
        task, created = CallbackTask.all_objects.get_or_create(
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
    CallbackTask.all_objects.bulk_create(objs, ignore_conflicts=True, batch_size=1000)
    return len(objs)


def callback_tasks_skip_for_order(*, work_order, kind: str, note: str = "", by=None) -> int:
    """Open tasks of one kind for an order become skipped (e.g. customer was not at home)."""
    qs = CallbackTask.all_objects.filter(
        work_order=work_order, kind=kind, status=CallbackTask.Status.OPEN
    )
    tasks = list(qs)
    n = qs.update(status=CallbackTask.Status.SKIPPED, note=note)
    for t in tasks:
        audit_record(
            actor=by,
            action="shouhou.callback_task.skipped",
            obj=t,
            before={"status": "open"},
            after={"status": "skipped"},
            note=note,
        )
    return n
