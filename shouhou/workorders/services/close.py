"""The end of an order and its second lives: close, cancel, re-issue, second visit, a changed
promise.
"""

from __future__ import annotations

from django.db import transaction
from django.db.models import F
from django.utils.translation import gettext as _

from shouhou.core.audit import audit_record, snapshot
from shouhou.core.errors import (
    InvalidTransition,
    ValidationFailed,
)

from .. import config, signals, states
from ..models import (
    Call,
    Kind,
    MissedService,
    Source,
    WorkOrder,
)
from .common import (
    DESK_ROLES,
    DISPATCH_ROLES,
    REISSUE_ROLES,
    _lock,
    _now,
    _require_desk,
    _transition,
    workorder_recompute_due,
)
from .dispatch import _dispatch
from .intake import IntakeResult, workorder_intake
from .loans import check_no_loan_out
from .visit import _skip_appointment_callbacks


def workorder_close(*, by, order, note: str = "", now=None) -> WorkOrder:
    now = _now(now)
    _require_desk(by, order, DESK_ROLES)
    with transaction.atomic():
        order = _lock(order)
        states.check("close", order.status)
        check_no_loan_out(order)
        signals.workorder_closing.publish(sender=WorkOrder, order=order, by=by)
        return _transition(order, "close", by=by, now=now, updates={"closed_at": now}, note=note)


def workorder_cancel(*, by, order, reason: str, now=None) -> WorkOrder:
    now = _now(now)
    _require_desk(by, order, DISPATCH_ROLES)
    reason = (reason or "").strip()
    if not reason:
        raise ValidationFailed(fields={"reason": [_("Say why the order is cancelled.")]})
    with transaction.atomic():
        order = _lock(order)
        states.check("cancel", order.status)
        check_no_loan_out(order)
        order = _transition(
            order, "cancel", by=by, now=now, updates={"closed_at": now}, note=reason
        )
        # Every open callback of the order goes (after the appointment, after the service...).
        signals.workorder_cancelled.publish(
            sender=WorkOrder, order=order, note=f"{_('The order was cancelled.')} {reason}", by=by
        )
        return order


def workorder_reissue(*, by, order, note: str = "", now=None) -> WorkOrder:
    """The callback found the technician did not come as agreed: missed service, a deduction
    for the technician, and the order goes out again today marked 重发 (first in every list)."""
    now = _now(now)
    _require_desk(by, order, REISSUE_ROLES)
    settings = config.ensure_defaults(order.organisation_id)
    with transaction.atomic():
        order = _lock(order)
        states.check("reissue", order.status)
        if order.technician_id is None:
            raise InvalidTransition(_("This order was never dispatched."), code="not_dispatched")
        MissedService.objects.get_or_create(
            order=order,
            reason=MissedService.Reason.NO_SHOW,
            cycle=order.dispatch_seq,
            defaults={
                "organisation_id": order.organisation_id,
                "technician_id": order.technician_id,
                "detected_at": now,
                "deduction": settings.missed_service_deduction,
                "note": note,
            },
        )
        _skip_appointment_callbacks(order, by=by, note=_("The order was re-issued."))
        technician = order.technician
        return _dispatch(
            order,
            technician,
            by=by,
            now=now,
            settings=settings,
            action="reissue",
            extra={
                "is_reissued": True,
                "reissue_count": F("reissue_count") + 1,
                "reissued_at": now,
                "missed_service": True,
                "completed_at": None,
            },
        )


def workorder_second_visit(*, by, order, description: str = "", now=None) -> IntakeResult:
    """A callback found the problem is not solved (seed 001: 经电话回访获知需再次上门).

    An order still open is marked as needing another visit (the callback is logged as a call
    on it); a finished one (done, confirmed, closed) gets a new repair order from the callback
    for the same customer, product and contract, marked as needing another visit, so the daily
    report lists it. If the customer already has an open order for that product, the intake
    joins it (`joined` True) and that order is marked instead. A cancelled order is refused.
    Returns the order that carries the second visit."""
    now = _now(now)
    _require_desk(by, order, DESK_ROLES)
    description = (description or "").strip() or str(_("Needs another visit"))
    with transaction.atomic():
        order = _lock(order)
        if order.status == states.CANCELLED:
            raise InvalidTransition(_("The order was cancelled."), code="order_cancelled")
        if order.status in states.UNRESOLVED_STATES:
            target, joined = order, True
            Call.objects.create(
                organisation_id=order.organisation_id,
                order=order,
                source=Source.CALLBACK,
                at=now,
                description=description,
                joined=True,
                by=by,
            )
        else:
            result = workorder_intake(
                by=by,
                organisation=order.organisation,
                source=Source.CALLBACK,
                kind=Kind.REPAIR,
                description=f"{order.number}: {description}",
                customer=order.customer,
                store=order.store,
                merchant=order.merchant,
                dealer=order.dealer,
                product=order.product,
                product_model=order.product_model,
                contract=order.contract,
                now=now,
            )
            target, joined = _lock(result.order), result.joined
        before = snapshot(target)
        WorkOrder.objects.filter(pk=target.pk).update(needs_revisit=True, updated_at=now)
        target.refresh_from_db()
        audit_record(
            actor=by,
            action="shouhou.workorder.second_visit",
            obj=target,
            before=before,
            after=snapshot(target),
            note=description if target.pk == order.pk else f"{order.number}: {description}",
        )
        return IntakeResult(target, joined)


def workorder_change_policy(*, by, order, policy, reason: str, now=None) -> WorkOrder:
    now = _now(now)
    _require_desk(by, order, DESK_ROLES)
    reason = (reason or "").strip()
    if not reason:
        raise ValidationFailed(fields={"reason": [_("Say why the policy is changed.")]})
    if policy.organisation_id != order.organisation_id or not policy.is_active:
        raise ValidationFailed(fields={"policy": [_("Not found.")]})
    with transaction.atomic():
        order = _lock(order)
        if order.category == states.RESOLVED:
            raise InvalidTransition(_("The order is finished."))
        before = snapshot(order)
        WorkOrder.objects.filter(pk=order.pk).update(policy=policy, policy_reason=reason)
        order.refresh_from_db()
        workorder_recompute_due(order)
        audit_record(
            actor=by,
            action="shouhou.workorder.policy_changed",
            obj=order,
            before=before,
            after=snapshot(order),
            note=reason,
        )
        return order
