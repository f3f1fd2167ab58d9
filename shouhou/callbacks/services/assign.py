"""Who calls: the agents a task may go to, taking a task, and assigning one or many tasks."""

from __future__ import annotations

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from shouhou.core.audit import audit_record, snapshot
from shouhou.core.errors import (
    Conflict,
    NotFoundError,
    PermissionDeniedError,
    ValidationFailed,
)
from shouhou.org import roles as r
from shouhou.org.models import User

from ..models import CallbackTask
from .common import (
    AGENT_ROLES,
    SUPERVISOR_ROLES,
    WORKER_ROLES,
    T,
    _lock,
    _move,
    _org_id,
    _require_open,
    _task_id,
    _user_name,
    is_supervisor,
)


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
