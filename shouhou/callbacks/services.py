"""Callback writes: settings, tasks and their life (assign, attempts, reschedule, close).

Every service here is one transaction, checks the caller's role and organisation, changes a
task only while it is open (a guarded update: 0 rows means it was closed meanwhile -> 409) and
writes an audit event with before/after.

Who does what:

* agents (call centre, customer-service clerks) work their own list: take an unassigned task,
  log unanswered attempts, reschedule with a reason, close as unreachable after the configured
  number of attempts, skip with a reason;
* supervisors (customer-service supervisor and manager) do the same on any task of the
  organisation and assign / reassign tasks to agents, one or many at a time, and cancel tasks;
* the customer-service manager edits the settings.

Tasks are created by the events that call for them (a signed delivery, an appointment, a
completed service) and by the daily job (greetings, the after-service safety net); cancelling
the event cancels the open tasks (`callback_tasks_cancel_for_order` / `_for_delivery`).
"""

from __future__ import annotations

import datetime as dt

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from shouhou.core.audit import audit_record, snapshot
from shouhou.core.errors import (
    Conflict,
    InvalidTransition,
    NotFoundError,
    PermissionDeniedError,
    ValidationFailed,
)
from shouhou.delivery.services import callback_due, callback_offsets
from shouhou.org import roles as r
from shouhou.org.models import User
from shouhou.workdays.services import add_working_days, calendar_for

from . import schedule
from .models import CallbackAttempt, CallbackSettings, CallbackTask

T = CallbackTask.Status
AGENT_ROLES = (r.CALL_CENTRE, r.CLERK)
SUPERVISOR_ROLES = (r.CS_SUPERVISOR, r.CS_MANAGER)
WORKER_ROLES = (*AGENT_ROLES, r.SERVICE_DESK, *SUPERVISOR_ROLES)
SETTINGS_ROLES = (r.CS_MANAGER,)
TASK_FIELDS = [
    "status",
    "assigned_to_id",
    "due_on",
    "available_on",
    "attempts",
    "reschedule_count",
    "closed_at",
    "closed_by_id",
    "note",
]
MAX_NOTE = 500


# -- settings -----------------------------------------------------------------------------------
# The organisation's callback settings, created with the defaults on first use (cached).
settings_for = CallbackSettings.for_org


SETTINGS_FIELDS = [
    "after_service_enabled",
    "after_service_working_days",
    "coverage_working_days",
    "coverage_target_pct",
    "greeting_holidays",
    "greeting_lead_days",
    "birthday_greetings",
    "greeting_members_only",
    "max_attempts",
    "feedback_link_days",
    "satisfied_from",
]
_LIMITS = {
    # field: (lowest, highest)
    "after_service_working_days": (0, 30),
    "coverage_working_days": (1, 30),
    "coverage_target_pct": (0, 100),
    "greeting_lead_days": (0, 30),
    "max_attempts": (1, 20),
    "feedback_link_days": (1, 90),
    "satisfied_from": (1, 5),
}


def _as_int(value, field, errors) -> int | None:
    if isinstance(value, bool):
        value = None
    try:
        return int(str(value).strip())
    except (TypeError, ValueError):
        errors.setdefault(field, []).append(_("Enter a whole number."))
        return None


def _as_bool(value) -> bool:
    if isinstance(value, str):
        return value.strip().lower() in ("1", "true", "on", "yes")
    return bool(value)


@transaction.atomic
def callback_settings_update(*, by, organisation=None, **values) -> CallbackSettings:
    """Change the organisation's callback settings (manager); fields left out keep their value."""
    r.require_role(by, *SETTINGS_ROLES)
    org_id = getattr(organisation, "pk", organisation) or by.organisation_id
    if not org_id or (by.organisation_id and by.organisation_id != org_id):
        raise NotFoundError()
    unknown = set(values) - set(SETTINGS_FIELDS)
    if unknown:
        raise ValidationFailed(fields={k: [_("Unknown setting.")] for k in sorted(unknown)})
    cfg = CallbackSettings.objects.select_for_update().get(pk=settings_for(org_id).pk)
    before = snapshot(cfg, SETTINGS_FIELDS)
    errors: dict = {}
    clean: dict = {}
    for field, value in values.items():
        if field in _LIMITS:
            n = _as_int(value, field, errors)
            lo, hi = _LIMITS[field]
            if n is not None and not lo <= n <= hi:
                errors.setdefault(field, []).append(
                    _("Enter a number from %(lo)d to %(hi)d.") % {"lo": lo, "hi": hi}
                )
            clean[field] = n
        elif field == "greeting_holidays":
            names = [n.strip() for n in str(value or "").replace("，", ",").split(",") if n.strip()]
            text = ",".join(dict.fromkeys(names))
            if len(text) > 200:
                errors.setdefault(field, []).append(_("At most 200 characters."))
            if any(len(n) > 50 for n in names):
                errors.setdefault(field, []).append(_("A holiday name is at most 50 characters."))
            clean[field] = text
        else:
            clean[field] = _as_bool(value)
    if errors:
        raise ValidationFailed(fields=errors)
    for field, value in clean.items():
        setattr(cfg, field, value)
    cfg.save()
    audit_record(
        actor=by,
        action="shouhou.callback_settings.updated",
        obj=cfg,
        before=before,
        after=snapshot(cfg, SETTINGS_FIELDS),
    )
    return cfg


# -- creating tasks -----------------------------------------------------------------------------
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


# -- closing tasks in bulk because their event went away ---------------------------------------
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


# -- working a task -----------------------------------------------------------------------------
def _org_id(by) -> int:
    org_id = getattr(by, "organisation_id", None)
    if not org_id:
        raise PermissionDeniedError(
            _("Only a member of an organisation can do this."), code="no_organisation"
        )
    return org_id


def _task_id(task) -> int | None:
    if isinstance(task, CallbackTask):
        return task.pk
    try:
        return int(str(task))
    except (TypeError, ValueError):
        return None


def _lock(by, task) -> CallbackTask:
    """The caller's organisation's task, locked; another organisation's id is simply not found."""
    org_id = _org_id(by)
    pk = _task_id(task)
    row = (
        CallbackTask.objects.select_for_update().filter(organisation_id=org_id, pk=pk).first()
        if pk
        else None
    )
    if row is None:
        raise NotFoundError()
    return row


def is_supervisor(user) -> bool:
    return r.has_role(user, *SUPERVISOR_ROLES)


def is_agent(user) -> bool:
    return r.has_role(user, *AGENT_ROLES)


def _require_worker(by, task: CallbackTask) -> None:
    """Supervisors work any task; agents their own and unassigned ones."""
    if is_supervisor(by) or task.assigned_to_id in (None, by.pk):
        return
    raise PermissionDeniedError(
        _("This task is assigned to %(name)s; ask a supervisor to reassign it.")
        % {"name": _user_name(task.assigned_to)},
        code="assigned_to_another",
    )


def _user_name(user) -> str:
    if user is None:
        return ""
    return getattr(user, "display_name", "") or user.get_username()


def _require_open(task: CallbackTask) -> None:
    if task.status != T.OPEN:
        raise InvalidTransition(
            _("This task is already %(status)s.") % {"status": task.get_status_display()},
            code="task_closed",
        )


def _move(task: CallbackTask, **values) -> CallbackTask:
    """Guarded update from open; 0 rows: closed meanwhile."""
    values["updated_at"] = timezone.now()
    if not CallbackTask.objects.filter(pk=task.pk, status=T.OPEN).update(**values):
        raise InvalidTransition(_("The task changed meanwhile; please reload."), code="task_closed")
    task.refresh_from_db()
    return task


def _note(value, field: str, errors: dict, *, required: bool = False, message=None) -> str:
    text = str(value or "").strip()
    if required and not text:
        errors.setdefault(field, []).append(message or _("This field is required."))
    elif len(text) > MAX_NOTE:
        errors.setdefault(field, []).append(_("At most %(n)d characters.") % {"n": MAX_NOTE})
    return text


def assignable_agents(organisation):
    """Active users of the organisation who take calls (call centre, customer-service clerks)."""

    org_id = getattr(organisation, "pk", organisation)
    return (
        User.objects.filter(organisation_id=org_id, is_active=True, groups__name__in=AGENT_ROLES)
        .distinct()
        .order_by("display_name", "username")
    )


def _agent(by, agent, errors: dict):
    """The agent a task goes to (None: unassigned), checked: same organisation, takes calls."""
    if agent in (None, ""):
        return None
    pk = agent.pk if hasattr(agent, "pk") else agent
    try:
        pk = int(str(pk))
    except (TypeError, ValueError):
        pk = None
    found = assignable_agents(by.organisation_id).filter(pk=pk).first() if pk else None
    if found is None:
        errors.setdefault("agent", []).append(
            _("Choose a call-centre agent or clerk of your organisation.")
        )
    return found


@transaction.atomic
def callback_task_assign(*, by, task, agent) -> CallbackTask:
    """A supervisor assigns (or reassigns, or with agent=None releases) an open task; an agent
    may take an unassigned task for themselves."""
    r.require_role(by, *WORKER_ROLES)
    t = _lock(by, task)
    _require_open(t)
    errors: dict = {}
    target = _agent(by, agent, errors)
    if errors:
        raise ValidationFailed(fields=errors)
    if not is_supervisor(by):
        if target is None or target.pk != by.pk:
            raise PermissionDeniedError(
                _("Only a supervisor assigns tasks to others."), code="supervisor_required"
            )
        if t.assigned_to_id not in (None, by.pk):
            raise Conflict(
                _("This task was already taken by %(name)s.") % {"name": _user_name(t.assigned_to)},
                code="already_assigned",
            )
    before = snapshot(t, ["assigned_to_id"])
    t = _move(t, assigned_to=target)
    audit_record(
        actor=by,
        action="shouhou.callback_task.assigned",
        obj=t,
        before=before,
        after=snapshot(t, ["assigned_to_id"]),
    )
    return t


@transaction.atomic
def callback_tasks_assign(*, by, tasks, agent) -> int:
    """Bulk (re)assignment by a supervisor: every open task of `tasks` (ids) goes to `agent`
    (None: back to the unassigned pool). Closed tasks are left alone; an id that is not a task
    of the organisation is a 404 (as for one task), not a silent "0 changed". Returns how many
    tasks changed hands."""
    r.require_role(by, *SUPERVISOR_ROLES)
    org_id = _org_id(by)
    errors: dict = {}
    target = _agent(by, agent, errors)
    ids = {_task_id(t) for t in tasks or []} - {None}
    if not ids:
        errors.setdefault("tasks", []).append(_("Choose at least one task."))
    if errors:
        raise ValidationFailed(fields=errors)
    known = set(
        CallbackTask.objects.filter(organisation_id=org_id, pk__in=ids).values_list("pk", flat=True)
    )
    if ids - known:
        raise NotFoundError()
    target_id = target.pk if target else None
    rows = list(
        CallbackTask.objects.select_for_update()
        .filter(organisation_id=org_id, pk__in=ids, status=T.OPEN)
        .exclude(assigned_to_id=target_id)
        .values_list("pk", "assigned_to_id")
    )
    if not rows:
        return 0
    n = CallbackTask.objects.filter(pk__in=[pk for pk, _a in rows], status=T.OPEN).update(
        assigned_to_id=target_id, updated_at=timezone.now()
    )
    by_pk = CallbackTask.objects.in_bulk([pk for pk, _a in rows])
    for pk, previous in rows:
        audit_record(
            actor=by,
            action="shouhou.callback_task.assigned",
            obj=by_pk[pk],
            before={"assigned_to_id": previous},
            after={"assigned_to_id": target_id},
        )
    return n


@transaction.atomic
def callback_task_attempt(*, by, task, result: str, note: str = "") -> CallbackAttempt:
    """One try that did not reach the customer (no answer, busy, switched off, wrong number) or
    where the customer asked to be called later (the note says when). Unanswered tries count
    towards closing as unreachable; "call later" does not (the customer was reached)."""
    r.require_role(by, *WORKER_ROLES)
    t = _lock(by, task)
    _require_worker(by, t)
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
    _require_worker(by, t)
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
    _require_worker(by, t)
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
    _require_worker(by, t)
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
