"""Closing open tasks in bulk because the event that called for them went away (the order was
cancelled, the customer was not at home, the delivery was cancelled)."""

from __future__ import annotations

from django.utils import timezone

from shouhou.core.audit import audit_record

from ..models import CallbackTask
from .common import MAX_NOTE, T


def _close_open(qs, *, status: str, action: str, note: str, by) -> int:
    """Open tasks of `qs` -> `status`, each audited; returns how many changed."""
    now = timezone.now()
    actor = by if getattr(by, "is_authenticated", False) else None
    rows = list(qs.filter(status=T.OPEN).select_for_update())
    if not rows:
        return 0
    n = CallbackTask.objects.filter(pk__in=[t.pk for t in rows], status=T.OPEN).update(
        status=status, closed_at=now, closed_by=actor, note=note[:MAX_NOTE], updated_at=now
    )
    for t in rows:
        audit_record(
            actor=by,
            action=action,
            obj=t,
            before={"status": T.OPEN},
            after={"status": status, "closed_at": now},
            note=note,
        )
    return n


def callback_tasks_skip_for_order(*, work_order, kind: str, note: str = "", by=None) -> int:
    """Open tasks of one kind for an order become skipped (e.g. customer was not at home)."""
    return _close_open(
        CallbackTask.objects.filter(work_order=work_order, kind=kind),
        status=T.SKIPPED,
        action="shouhou.callback_task.skipped",
        note=str(note),
        by=by,
    )


def callback_tasks_cancel_for_order(*, work_order, note: str = "", by=None) -> int:
    """The order was cancelled: every open task of it is cancelled (audited, with the note)."""
    return _close_open(
        CallbackTask.objects.filter(work_order=work_order),
        status=T.CANCELLED,
        action="shouhou.callback_task.cancelled",
        note=str(note),
        by=by,
    )


def callback_tasks_cancel_for_delivery(*, delivery, note: str = "", by=None) -> int:
    """The delivery was cancelled: every open task of it is cancelled."""
    return _close_open(
        CallbackTask.objects.filter(delivery=delivery),
        status=T.CANCELLED,
        action="shouhou.callback_task.cancelled",
        note=str(note),
        by=by,
    )
