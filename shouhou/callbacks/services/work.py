"""Working a task: attempts, rescheduling, and closing it (unreachable, skipped, cancelled, done)."""

from __future__ import annotations

import datetime as dt

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from shouhou.core.audit import audit_record, snapshot
from shouhou.core.errors import (
    Conflict,
    NotFoundError,
    PermissionDeniedError,
    ValidationFailed,
)
from shouhou.org import roles as r

from ..models import CallbackAttempt, CallbackSettings, CallbackTask
from .common import (
    MAX_NOTE,
    SUPERVISOR_ROLES,
    WORKER_ROLES,
    T,
    _lock,
    _move,
    _require_open,
    _task_id,
    _user_name,
    is_supervisor,
    settings_for,
)


def require_worker(by, task: CallbackTask) -> None:
    """Supervisors work any task; agents their own and unassigned ones."""
    if is_supervisor(by) or task.assigned_to_id in (None, by.pk):
        return
    raise PermissionDeniedError(
        _("This task is assigned to %(name)s; ask a supervisor to reassign it.")
        % {"name": _user_name(task.assigned_to)},
        code="assigned_to_another",
    )


def _note(value, field: str, errors: dict, *, required: bool = False, message=None) -> str:
    text = str(value or "").strip()
    if required and not text:
        errors.setdefault(field, []).append(message or _("This field is required."))
    elif len(text) > MAX_NOTE:
        errors.setdefault(field, []).append(_("At most %(n)d characters.") % {"n": MAX_NOTE})
    return text


@transaction.atomic
def callback_task_attempt(*, by, task, result: str, note: str = "") -> CallbackAttempt:
    """One try that did not reach the customer (no answer, busy, switched off, wrong number) or
    where the customer asked to be called later (the note says when). Unanswered tries count
    towards closing as unreachable; "call later" does not (the customer was reached)."""
    r.require_role(by, *WORKER_ROLES)
    t = _lock(by, task)
    require_worker(by, t)
    _require_open(t)
    errors: dict = {}
    if result not in CallbackAttempt.Result.values:
        errors["result"] = [_("Choose what happened on the call.")]
    note = _note(note, "note", errors)
    if errors:
        raise ValidationFailed(fields=errors)
    now = timezone.now()
    attempt = CallbackAttempt.objects.create(
        organisation_id=t.organisation_id, task=t, at=now, result=result, note=note, by=by
    )
    unanswered = result != CallbackAttempt.Result.CALL_LATER
    before = snapshot(t, ["attempts", "last_attempt_at"])
    t = _move(
        t,
        attempts=t.attempts + (1 if unanswered else 0),
        last_attempt_at=now,
        # The first one to try an unassigned task keeps it.
        assigned_to_id=t.assigned_to_id or by.pk,
    )
    audit_record(
        actor=by,
        action="shouhou.callback_task.attempted",
        obj=t,
        before=before,
        after={**snapshot(t, ["attempts", "last_attempt_at"]), "result": result},
        note=note,
    )
    return attempt


@transaction.atomic
def callback_task_reschedule(*, by, task, due_on, reason: str) -> CallbackTask:
    """Move the call to another day (today or later), with the reason."""
    r.require_role(by, *WORKER_ROLES)
    t = _lock(by, task)
    require_worker(by, t)
    _require_open(t)
    errors: dict = {}
    day = _date(due_on, "due_on", errors)
    if day is not None and day < timezone.localdate():
        errors.setdefault("due_on", []).append(_("The new date is in the past."))
    reason = _note(reason, "reason", errors, required=True, message=_("Say why the call is moved."))
    if errors:
        raise ValidationFailed(fields=errors)
    fields = ["due_on", "available_on", "reschedule_count", "note"]
    before = snapshot(t, fields)
    t = _move(
        t, due_on=day, available_on=None, reschedule_count=t.reschedule_count + 1, note=reason
    )
    audit_record(
        actor=by,
        action="shouhou.callback_task.rescheduled",
        obj=t,
        before=before,
        after=snapshot(t, fields),
        note=reason,
    )
    return t


def _date(value, field: str, errors: dict) -> dt.date | None:
    if isinstance(value, dt.datetime):
        return timezone.localtime(value).date() if timezone.is_aware(value) else value.date()
    if isinstance(value, dt.date):
        return value
    text = str(value or "").strip()
    if not text:
        errors.setdefault(field, []).append(_("Give a date."))
        return None
    try:
        return dt.date.fromisoformat(text)
    except ValueError:
        errors.setdefault(field, []).append(_("Enter a valid date (YYYY-MM-DD)."))
        return None


def attempts_still_needed(task: CallbackTask, cfg: CallbackSettings | None = None) -> int:
    cfg = cfg or settings_for(task.organisation_id)
    return max(0, cfg.max_attempts - task.attempts)


@transaction.atomic
def callback_task_close_unreachable(*, by, task, note: str = "") -> CallbackTask:
    """Close as unreachable: allowed after the configured number of unanswered attempts."""
    r.require_role(by, *WORKER_ROLES)
    t = _lock(by, task)
    require_worker(by, t)
    _require_open(t)
    errors: dict = {}
    note = _note(note, "note", errors)
    if errors:
        raise ValidationFailed(fields=errors)
    missing = attempts_still_needed(t)
    if missing:
        raise Conflict(
            ngettext(
                "Try once more before closing this task as unreachable (%(done)d of %(max)d "
                "attempts made).",
                "Try %(count)d more times before closing this task as unreachable (%(done)d of "
                "%(max)d attempts made).",
                missing,
            )
            % {"count": missing, "done": t.attempts, "max": t.attempts + missing},
            code="too_few_attempts",
            extra={"attempts": t.attempts, "attempts_needed": missing},
        )
    return _close(by, t, T.UNREACHABLE, "shouhou.callback_task.unreachable", note)


def _close(by, t: CallbackTask, status: str, action: str, note: str) -> CallbackTask:
    fields = ["status", "closed_at", "closed_by_id", "note"]
    before = snapshot(t, fields)
    t = _move(t, status=status, closed_at=timezone.now(), closed_by=by, note=note or t.note)
    audit_record(
        actor=by, action=action, obj=t, before=before, after=snapshot(t, fields), note=note
    )
    return t


@transaction.atomic
def callback_task_skip(*, by, task, reason: str) -> CallbackTask:
    """Not calling this time (e.g. the customer asked not to be called), with the reason."""
    r.require_role(by, *WORKER_ROLES)
    t = _lock(by, task)
    require_worker(by, t)
    _require_open(t)
    errors: dict = {}
    reason = _note(reason, "reason", errors, required=True, message=_("Say why."))
    if errors:
        raise ValidationFailed(fields=errors)
    return _close(by, t, T.SKIPPED, "shouhou.callback_task.skipped", reason)


@transaction.atomic
def callback_task_cancel(*, by, task, reason: str) -> CallbackTask:
    """A supervisor cancels a task that should not be called (with the reason)."""
    r.require_role(by, *SUPERVISOR_ROLES)
    t = _lock(by, task)
    _require_open(t)
    errors: dict = {}
    reason = _note(reason, "reason", errors, required=True, message=_("Say why."))
    if errors:
        raise ValidationFailed(fields=errors)
    return _close(by, t, T.CANCELLED, "shouhou.callback_task.cancelled", reason)


def callback_task_mark_done(task, record=None, by=None) -> CallbackTask:
    """The callback record for the task was written: the task is done.

    For the records service, inside its transaction (it checked the caller already). `task`: a
    CallbackTask or its id; `record`: the CallbackRecord (its organisation must be the task's);
    `by`: who called (None for the customer's own feedback). Raises InvalidTransition (409) when
    the task is not open any more, NotFoundError when it belongs to another organisation.
    """
    with transaction.atomic():
        pk = _task_id(task)
        t = CallbackTask.objects.select_for_update().filter(pk=pk).first() if pk else None
        org_id = getattr(record, "organisation_id", None) or getattr(by, "organisation_id", None)
        if t is None or (org_id and t.organisation_id != org_id):
            raise NotFoundError()
        _require_open(t)
        actor = by if getattr(by, "is_authenticated", False) else None
        fields = ["status", "closed_at", "closed_by_id"]
        before = snapshot(t, fields)
        t = _move(
            t,
            status=T.DONE,
            closed_at=timezone.now(),
            closed_by=actor,
            assigned_to_id=t.assigned_to_id or (actor.pk if actor else None),
        )
        audit_record(
            actor=by,
            action="shouhou.callback_task.done",
            obj=t,
            before=before,
            after={**snapshot(t, fields), "record_id": getattr(record, "pk", None)},
        )
        return t
