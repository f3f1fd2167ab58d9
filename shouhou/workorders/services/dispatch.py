"""Giving an order to a technician whose permit (and every guard of the apps above) allows it."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

from django.db import transaction
from django.db.models import F
from django.utils import timezone
from django.utils.translation import gettext as _

from shouhou.core.errors import (
    DomainError,
    ValidationFailed,
)
from shouhou.org import roles as r
from shouhou.staff.services import can_work

from .. import config, signals, states
from ..models import (
    WorkOrder,
)
from .common import (
    ASSIGNMENT_RESET,
    DISPATCH_ROLES,
    _lock,
    _now,
    _require_desk,
    _transition,
    compute_due_times,
)


# Dispatch -------------------------------------------------------------------------------------
def _check_permit(order, technician, *, settings, on_date) -> None:
    if technician.organisation_id != order.organisation_id:
        raise ValidationFailed(fields={"technician": [_("Not found.")]})
    needed = config.permit_kind(settings, order.kind)
    if not needed:
        raise ValidationFailed(
            _("No permit kind is configured for this kind of order."),
            fields={"technician": [_("No permit kind is configured for this kind of order.")]},
            code="no_permit_kind",
        )
    check = can_work(staff=technician, kind=needed, on_date=on_date)
    if not check.ok:
        raise ValidationFailed(
            check.reason,
            fields={"technician": [check.reason]},
            code=getattr(check, "code", None) or "permit_invalid",
        )


def _dispatch(order, technician, *, by, now, settings, action="dispatch", extra=None) -> WorkOrder:
    _check_permit(order, technician, settings=settings, on_date=timezone.localtime(now).date())
    states.check(action, order.status)
    signals.workorder_dispatching.publish(
        sender=WorkOrder, order=order, technician=technician, at=now, by=by
    )
    due = compute_due_times(order, dispatched_at=now)
    updates = {
        "technician_id": technician.pk,
        "dispatched_at": now,
        "dispatch_seq": F("dispatch_seq") + 1,
        **ASSIGNMENT_RESET,
        **due,
        **(extra or {}),
    }
    return _transition(order, action, by=by, now=now, updates=updates)


def workorder_dispatch(*, by, order: WorkOrder, technician, now=None) -> WorkOrder:
    """Give a new order to a technician whose permit allows this kind of work.

    Two clerks dispatching the same order at once: exactly one wins, the other gets 409.
    """
    now = _now(now)
    _require_desk(by, order)
    _merchant_staff_only(by, technician)
    settings = config.ensure_defaults(order.organisation_id)
    with transaction.atomic():
        return _dispatch(order, technician, by=by, now=now, settings=settings)


def workorder_reassign(*, by, order: WorkOrder, technician, note: str = "", now=None) -> WorkOrder:
    now = _now(now)
    _require_desk(by, order)
    _merchant_staff_only(by, technician)
    settings = config.ensure_defaults(order.organisation_id)
    with transaction.atomic():
        order = _lock(order)
        return _dispatch(order, technician, by=by, now=now, settings=settings, action="reassign")


def _merchant_staff_only(by, technician) -> None:
    if (
        by.merchant_id
        and not by.is_superuser
        and not r.has_role(by, *(DISPATCH_ROLES - {r.MERCHANT_ADMIN}))
        and technician.merchant_id != by.merchant_id
    ):
        raise ValidationFailed(fields={"technician": [_("Not found.")]})


# Bulk assignment from the list -----------------------------------------------------------------
BULK_MAX = 200


@dataclass(frozen=True)
class BulkAssignResult:
    assigned: list[WorkOrder]
    failed: list[tuple[WorkOrder, str]]  # the order and why it was not assigned


def _reason(exc: DomainError) -> str:
    texts = [str(exc.message)] + [str(m) for ms in exc.fields.values() for m in ms]
    return " ".join(dict.fromkeys(t for t in texts if t))


def workorder_bulk_assign(
    *, by, orders: Sequence[WorkOrder], technician, now=None
) -> BulkAssignResult:
    """Give each of `orders` to `technician` in one transaction: a new order through
    `workorder_dispatch`, an assigned one through `workorder_reassign`, each in a savepoint of
    its own, so an order one of them refuses (its state, the permit, a guard of the apps above,
    another merchant's order) stays as it was and the others are assigned; the refusals come
    back with their reasons."""
    r.require_role(by, *DISPATCH_ROLES)
    if len(orders) > BULK_MAX:
        raise ValidationFailed(
            _("At most %(n)d orders at once.") % {"n": BULK_MAX},
            fields={"ids": [_("At most %(n)d orders at once.") % {"n": BULK_MAX}]},
        )
    now = _now(now)
    assigned: list[WorkOrder] = []
    failed: list[tuple[WorkOrder, str]] = []
    with transaction.atomic():
        for order in orders:
            assign = workorder_dispatch if order.status == states.NEW else workorder_reassign
            try:
                with transaction.atomic():
                    assigned.append(assign(by=by, order=order, technician=technician, now=now))
            except DomainError as exc:
                failed.append((order, _reason(exc)))
    return BulkAssignResult(assigned=assigned, failed=failed)
