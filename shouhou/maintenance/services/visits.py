"""Plan visits: issued as work orders when due, done or skipped with the order, skipped or
rescheduled by hand, and the plan's next date advanced."""

from __future__ import annotations

import datetime as dt
from typing import TYPE_CHECKING

from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from shouhou.core.audit import audit_record
from shouhou.core.errors import (
    Conflict,
    InvalidTransition,
    NotFoundError,
    PermissionDeniedError,
    ValidationFailed,
)
from shouhou.org import roles as r
from shouhou.workdays.services import calendar_for
from shouhou.workorders import states as wo_states
from shouhou.workorders.models import Kind as WorkKind
from shouhou.workorders.models import ServiceReport, Source
from shouhou.workorders.services import (
    service_report_update,
    workorder_cancel,
    workorder_dispatch,
    workorder_intake,
)

from .. import schedule
from ..models import (
    Plan,
    Visit,
)
from .common import PLAN_ROLES, _now, _same_org
from .steps import _require_visit_actor

if TYPE_CHECKING:
    from shouhou.org.models import User
    from shouhou.workorders.models import WorkOrder


def _advance(plan: Plan, *, after: dt.date, visit: Visit) -> dt.date | None:
    """Move the plan on past `visit` (done or skipped) from `after`; None: no visit left."""
    if plan.next_due_on is not None and plan.next_due_on > visit.due_on:
        return plan.next_due_on  # a later visit is already planned
    nxt = schedule.next_due(
        after=max(after, visit.due_on) if plan.fixed_dates else after,
        ends_on=plan.ends_on,
        interval_months=plan.interval_months,
        fixed_dates=plan.fixed_dates,
        cal=calendar_for(plan.organisation_id),
    )
    Plan.objects.filter(pk=plan.pk).update(next_due_on=nxt)
    plan.next_due_on = nxt
    return nxt


def visit_issue(*, visit: Visit, now: dt.datetime | None = None) -> Visit:
    """Issue the work order of a planned visit (the job calls this), in the name of the plan's
    responsible, to its technician or into its team's pool. A refusal is kept on the visit."""
    now = _now(now)
    plan, asset = visit.plan, visit.plan.asset
    owner = plan.owner
    tasks = "；".join(plan.tasks)
    description = _("Maintenance visit due %(due)s (plan %(plan)s): %(tasks)s") % {
        "due": visit.due_on.isoformat(),
        "plan": plan.pk,
        "tasks": tasks,
    }
    if asset.location:
        description += f" @ {asset.location}"
    try:
        with transaction.atomic():
            locked = Visit.objects.select_for_update().get(pk=visit.pk)
            if locked.order_id is not None or locked.status != Visit.Status.PLANNED:
                return locked
            result = workorder_intake(
                by=owner,
                organisation=plan.organisation,
                source=Source.HOTLINE,
                kind=WorkKind.MAINTENANCE,
                description=description[:2000],
                customer=asset.customer,
                store=asset.store,
                product=asset.product,
                contract=asset.contract,
                now=now,
            )
            order = result.order
            if plan.technician_id and order.status == wo_states.NEW:
                order = workorder_dispatch(
                    by=owner, order=order, technician=plan.technician, now=now
                )
            with transaction.atomic():
                Visit.objects.filter(pk=visit.pk).update(
                    order=order, status=Visit.Status.ORDERED, ordered_at=now, issue_error=""
                )
            audit_record(
                actor=owner,
                action="shouhou.maintenance_visit.ordered",
                obj=locked,
                before={"status": Visit.Status.PLANNED},
                after={"status": Visit.Status.ORDERED, "order": order.number},
            )
    except (
        ValidationFailed,
        PermissionDeniedError,
        Conflict,
        NotFoundError,
        IntegrityError,
    ) as exc:
        Visit.objects.filter(pk=visit.pk).update(issue_error=str(exc)[:200])
    visit.refresh_from_db()
    return visit


def visit_done_from_order(
    *, order: WorkOrder, completed_at: dt.datetime, by: User | None
) -> Visit | None:
    """The order of a visit was completed: the visit is done on the real date and the plan's
    next visit counts from it (not from the planned date)."""
    visit = Visit.objects.select_related("plan").filter(order_id=order.pk).first()
    if visit is None or visit.status not in (Visit.Status.ORDERED, Visit.Status.PLANNED):
        return visit
    done_on = timezone.localtime(completed_at).date()
    Visit.objects.filter(pk=visit.pk).update(status=Visit.Status.DONE, done_on=done_on)
    before = visit.status
    visit.status, visit.done_on = Visit.Status.DONE, done_on
    nxt = _advance(visit.plan, after=done_on, visit=visit)
    audit_record(
        actor=by,
        action="shouhou.maintenance_visit.done",
        obj=visit,
        before={"status": before},
        after={"status": visit.status, "done_on": done_on, "next_due_on": nxt},
    )
    return visit


def visit_skipped_from_order(*, order: WorkOrder, note: str, by: User | None) -> Visit | None:
    """The visit's order was cancelled: the visit counts as skipped (listed), the plan moves on."""
    visit = Visit.objects.select_related("plan").filter(order_id=order.pk).first()
    if visit is None or visit.status not in (Visit.Status.ORDERED, Visit.Status.PLANNED):
        return visit
    return _skip(visit, by=by, reason=note or _("The work order was cancelled."))


def _skip(visit: Visit, *, by: User | None, reason: str) -> Visit:
    before = visit.status
    Visit.objects.filter(pk=visit.pk).update(
        status=Visit.Status.SKIPPED, skipped_reason=reason[:200]
    )
    visit.status, visit.skipped_reason = Visit.Status.SKIPPED, reason[:200]
    nxt = _advance(visit.plan, after=visit.due_on, visit=visit)
    audit_record(
        actor=by,
        action="shouhou.maintenance_visit.skipped",
        obj=visit,
        before={"status": before},
        after={"status": visit.status, "next_due_on": nxt},
        note=reason,
    )
    return visit


def visit_skip(*, by: User, visit: Visit, reason: str, now: dt.datetime | None = None) -> Visit:
    """Skip a visit (the customer declined, the site is closed); an open order is cancelled."""
    r.require_role(by, *PLAN_ROLES)
    _same_org(by, visit)
    reason = (reason or "").strip()
    if not reason:
        raise ValidationFailed(fields={"reason": [_("Say why the visit is skipped.")]})
    with transaction.atomic():
        visit = (
            Visit.objects.select_for_update(of=("self",))
            .select_related("plan", "order")
            .get(pk=visit.pk)
        )
        if visit.status not in (Visit.Status.PLANNED, Visit.Status.ORDERED):
            raise InvalidTransition(_("Only a visit still to be made can be skipped."))
        order = visit.order
        if order is not None and order.status in wo_states.UNRESOLVED_STATES:
            # Its cancellation reaches `visit_skipped_from_order` through the event.
            workorder_cancel(by=by, order=order, reason=reason, now=now)
            visit.refresh_from_db()
            if visit.status == Visit.Status.SKIPPED:
                return visit
        elif order is not None:
            raise InvalidTransition(_("The visit's order is finished; it cannot be skipped."))
        return _skip(visit, by=by, reason=reason)


def visit_reschedule(*, by: User, visit: Visit, due_on: dt.date) -> Visit:
    """Move a visit whose order is not issued yet (the customer asked for another week)."""
    r.require_role(by, *PLAN_ROLES)
    _same_org(by, visit)
    if not isinstance(due_on, dt.date):
        raise ValidationFailed(fields={"due_on": [_("Give a date.")]})
    with transaction.atomic():
        visit = (
            Visit.objects.select_for_update(of=("self",)).select_related("plan").get(pk=visit.pk)
        )
        plan = visit.plan
        if visit.status != Visit.Status.PLANNED or visit.order_id:
            raise InvalidTransition(
                _("The order is issued already: change the appointment on the order.")
            )
        if due_on > plan.ends_on:
            raise ValidationFailed(fields={"due_on": [_("The plan ends before that day.")]})
        due_on = calendar_for(plan.organisation_id).working_day_on_or_after(due_on)
        if Visit.objects.filter(plan=plan, due_on=due_on).exclude(pk=visit.pk).exists():
            raise ValidationFailed(fields={"due_on": [_("The plan has a visit on that day.")]})
        before = visit.due_on
        Visit.objects.filter(pk=visit.pk).update(due_on=due_on, issue_error="")
        if plan.next_due_on == before:
            Plan.objects.filter(pk=plan.pk).update(next_due_on=due_on)
        visit.due_on = due_on
        audit_record(
            actor=by,
            action="shouhou.maintenance_visit.rescheduled",
            obj=visit,
            before={"due_on": before},
            after={"due_on": due_on},
        )
        return visit


def visit_steps_tick(*, by: User, order: WorkOrder, steps: list[str]) -> ServiceReport:
    """The technician ticks the service steps on the report written at completion (its
    `steps_done`), until the customer signs."""
    _require_visit_actor(by, order)
    report = ServiceReport.objects.filter(order=order).first()
    if report is None:
        raise InvalidTransition(
            _("Tick the steps when reporting the work done; there is no report yet."),
            code="no_report",
        )
    parts = [
        {"name": p.name, "quantity": p.quantity, "reason": p.reason, "return_old": p.return_old}
        for p in report.parts.filter(old_returned_at__isnull=True)
    ]
    return service_report_update(
        by=by,
        order=order,
        findings=report.findings,
        work_done=report.work_done,
        parts=parts,
        fee=report.fee,
        fee_approval=report.fee_approval,
        steps_done=list(steps),
    )
