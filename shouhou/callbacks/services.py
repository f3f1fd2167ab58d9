"""Writes for callback tasks. The callbacks issue adds the rest (records, schedules, lists)."""

from __future__ import annotations

import datetime as dt

from django.db import transaction

from shouhou.core.audit import audit_record

from .models import CallbackTask


def callback_task_create(
    *,
    organisation,
    customer,
    work_order=None,
    kind: str,
    due_on: dt.date,
    source_key: str,
    by=None,
) -> CallbackTask:
    """Create the task once per (organisation, source_key); a second call returns the first."""
    with transaction.atomic():
        task, created = CallbackTask.all_objects.get_or_create(
            organisation=organisation,
            source_key=source_key,
            defaults={
                "customer": customer,
                "work_order": work_order,
                "kind": kind,
                "due_on": due_on,
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
