"""What every work-order service shares: who may do what, the locked transition with its history
and audit, the due times.
"""

from __future__ import annotations

import datetime as dt

from django.utils import timezone
from django.utils.translation import gettext as _

from shouhou.core.audit import audit_record, snapshot
from shouhou.core.errors import (
    InvalidTransition,
    NotFoundError,
    PermissionDeniedError,
)
from shouhou.core.textcheck import check_text
from shouhou.org import roles as r
from shouhou.staff.services import staff_for_user
from shouhou.workdays.services import calendar_for

from .. import config, signals, states
from .. import deadlines as dl
from ..models import (
    StatusChange,
    WorkOrder,
)

# Who may do what ------------------------------------------------------------------------------
INTAKE_ROLES = r.OFFICE_ROLES | {r.MERCHANT_ADMIN}


DESK_ROLES = {
    r.CLERK,
    r.CS_SUPERVISOR,
    r.CS_MANAGER,
    r.SERVICE_DESK,
    r.CALL_CENTRE,
    r.STORE_MANAGER,
    r.VP_OPERATIONS,
    r.GENERAL_MANAGER,
}


DISPATCH_ROLES = DESK_ROLES | {r.MERCHANT_ADMIN}


REISSUE_ROLES = {r.CALL_CENTRE, r.CS_SUPERVISOR, r.CS_MANAGER, r.SERVICE_DESK, r.CLERK}


TECH_ROLES = {r.TECHNICIAN, r.DELIVERY_CREW}


ASSIGNMENT_RESET = {
    "contacted_at": None,
    "replied_at": None,
    "arrived_at": None,
    "appointment_at": None,
    "callback_due_on": None,
    "callback_created": False,
    "unreachable_since": None,
    "unreachable_report_due_at": None,
    "unreachable_overdue": False,
    "contact_overdue": False,
    "onsite_overdue": False,
    "reply_missed": False,
}


def _now(now=None) -> dt.datetime:
    return now or timezone.now()


def calendar(organisation):
    return calendar_for(organisation)


def _same_org(by, obj) -> None:
    if by is None or by.is_superuser and not by.organisation_id:
        return
    if getattr(obj, "organisation_id", None) != by.organisation_id:
        raise NotFoundError()


def _staff_for(user):
    if user is None or not user.is_authenticated:
        return None

    return staff_for_user(user)


def _require_desk(by, order, roles=DISPATCH_ROLES) -> None:
    _same_org(by, order)
    r.require_role(by, *roles)
    if (
        not by.is_superuser
        and by.merchant_id
        and not r.has_role(by, *(roles - {r.MERCHANT_ADMIN}))
        and order.merchant_id != by.merchant_id
    ):
        raise NotFoundError()


def _require_actor(by, order) -> None:
    """The order's technician, or the desk recording what the technician phoned in."""
    _same_org(by, order)
    if r.has_role(by, *DESK_ROLES):
        return
    if r.has_role(by, *TECH_ROLES):
        staff = _staff_for(by)
        if staff is not None and order.technician_id == staff.pk:
            return
        raise NotFoundError()
    raise PermissionDeniedError(_("Only the order's technician or the service desk can do this."))


def _lock(order: WorkOrder) -> WorkOrder:
    """Reload the order inside the transaction, locked (a no-op lock on SQLite)."""
    return WorkOrder.objects.select_for_update().get(pk=order.pk)


# Deadlines ------------------------------------------------------------------------------------
def _history(order: WorkOrder) -> list[tuple[dt.datetime, str]]:
    return list(StatusChange.objects.filter(order=order).values_list("at", "to_status"))


def compute_due_times(order: WorkOrder, *, dispatched_at=None, cal=None, history=None) -> dict:
    """Due times of the order's targets from its policy and its state history (read from the
    database unless given as (time, status entered) pairs)."""
    cal = cal or calendar(order.organisation_id)
    specs = config.policy_specs(order.organisation_id, order.policy_id)
    anchors = dl.Anchors(
        received_at=order.received_at, dispatched_at=dispatched_at or order.dispatched_at
    )
    if history is None:
        history = _history(order)
    due = dl.due_times(cal, specs, anchors, dl.pauses_from_history(history))
    return {
        "contact_due_at": due[dl.CONTACT],
        "onsite_due_at": due[dl.ONSITE],
        "reply_due_at": due[dl.REPLY],
        "fixed_due_at": due[dl.FIXED],
        "arrange_due_at": due[dl.ARRANGE],
    }


def written_contact_due(order: WorkOrder, *, cal=None) -> dt.datetime | None:
    """When the written contact of the order's tier is due (None: its tier has none). Counted
    from the request on the working-day calendar; no pause applies before anyone has seen the
    order (it is asked at intake)."""
    specs = [
        s
        for s in config.policy_specs(order.organisation_id, order.policy_id)
        if s.target == dl.WRITTEN
    ]
    if not specs:
        return None
    cal = cal or calendar(order.organisation_id)
    anchors = dl.Anchors(received_at=order.received_at, dispatched_at=order.dispatched_at)
    return dl.due_times(cal, specs, anchors, [])[dl.WRITTEN]


def workorder_recompute_due(order: WorkOrder) -> WorkOrder:
    """Recompute and store the due times (after a pause ends or the policy changes)."""
    fields = compute_due_times(order)
    WorkOrder.objects.filter(pk=order.pk).update(**fields)
    for k, v in fields.items():
        setattr(order, k, v)
    return order


# The one function that changes an order's state -----------------------------------------------
def _transition(
    order: WorkOrder,
    action: str,
    *,
    by,
    now: dt.datetime,
    updates: dict | None = None,
    note: str = "",
    audit_action: str | None = None,
) -> WorkOrder:
    status = order.status
    target = states.target_of(action, status)
    before = snapshot(order)
    updates = dict(updates or {})
    n = WorkOrder.objects.filter(pk=order.pk, status=status).update(
        status=target, updated_at=now, **updates
    )
    if n == 0:
        raise InvalidTransition(
            _("Someone else changed this order at the same time; reload it and try again."),
            code="concurrent_update",
        )
    if target != status:
        StatusChange.objects.create(
            organisation_id=order.organisation_id,
            order_id=order.pk,
            from_status=status,
            to_status=target,
            at=now,
            by=by if getattr(by, "is_authenticated", False) else None,
        )
    order.refresh_from_db()
    if states.category(status) != states.category(target):
        workorder_recompute_due(order)
    audit_record(
        actor=by,
        action=audit_action or f"shouhou.workorder.{action}",
        obj=order,
        before=before,
        after=snapshot(order),
        note=note,
    )
    # A note a person wrote is checked against the language guidance (a warning, never a
    # refusal: the step is taken); the answer shows what was found (core.textcheck).
    check_text(by=by, where=f"workorder.{action}", obj=order, text=note, now=now)
    signals.workorder_transitioned.publish(
        sender=WorkOrder, order=order, action=action, from_status=status, to_status=target, by=by
    )
    return order


def _news(now) -> dict:
    """Fields that record the technician's reply (any news counts as the reply)."""
    return {"last_news_at": now}


def _reply_fields(order, now) -> dict:
    out = _news(now)
    if order.replied_at is None:
        out["replied_at"] = now
    return out
