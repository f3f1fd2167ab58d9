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

One module per use case (settings, create, withdraw, assign, work) and `common`; every public
name is re-exported here.
"""

from __future__ import annotations

from .assign import (
    assignable_agents,
    callback_task_assign,
    callback_tasks_assign,
)
from .common import (
    AGENT_ROLES,
    MAX_NOTE,
    SUPERVISOR_ROLES,
    WORKER_ROLES,
    is_agent,
    is_supervisor,
    settings_for,
)
from .create import (
    after_service_source_key,
    callback_task_create,
    callback_task_for_service,
    callback_tasks_create_many,
    callback_tasks_for_delivery,
)
from .settings import (
    SETTINGS_FIELDS,
    SETTINGS_ROLES,
    callback_settings_update,
)
from .withdraw import (
    callback_tasks_cancel_for_delivery,
    callback_tasks_cancel_for_order,
    callback_tasks_skip_for_order,
)
from .work import (
    attempts_still_needed,
    callback_task_attempt,
    callback_task_cancel,
    callback_task_close_unreachable,
    callback_task_mark_done,
    callback_task_reschedule,
    callback_task_skip,
    require_worker,
)

__all__ = [
    "AGENT_ROLES",
    "MAX_NOTE",
    "SETTINGS_FIELDS",
    "SETTINGS_ROLES",
    "SUPERVISOR_ROLES",
    "WORKER_ROLES",
    "after_service_source_key",
    "assignable_agents",
    "attempts_still_needed",
    "callback_settings_update",
    "callback_task_assign",
    "callback_task_attempt",
    "callback_task_cancel",
    "callback_task_close_unreachable",
    "callback_task_create",
    "callback_task_for_service",
    "callback_task_mark_done",
    "callback_task_reschedule",
    "callback_task_skip",
    "callback_tasks_assign",
    "callback_tasks_cancel_for_delivery",
    "callback_tasks_cancel_for_order",
    "callback_tasks_create_many",
    "callback_tasks_for_delivery",
    "callback_tasks_skip_for_order",
    "is_agent",
    "is_supervisor",
    "require_worker",
    "settings_for",
]
