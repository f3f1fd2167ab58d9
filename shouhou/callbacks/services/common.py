"""What the callback services share: the roles, the settings, finding and locking a task of the
caller's organisation, and the guarded move of an open task."""

from __future__ import annotations

from django.utils import timezone
from django.utils.translation import gettext as _

from shouhou.core.errors import (
    InvalidTransition,
    NotFoundError,
    PermissionDeniedError,
)
from shouhou.org import roles as r

from ..models import CallbackSettings, CallbackTask

T = CallbackTask.Status

AGENT_ROLES = (r.CALL_CENTRE, r.CLERK)

SUPERVISOR_ROLES = (r.CS_SUPERVISOR, r.CS_MANAGER)

WORKER_ROLES = (*AGENT_ROLES, r.SERVICE_DESK, *SUPERVISOR_ROLES)

MAX_NOTE = 500


# The organisation's callback settings, created with the defaults on first use (cached).
settings_for = CallbackSettings.for_org


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
