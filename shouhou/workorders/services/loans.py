"""Loan units (备用机): a unit lent while the customer's own is not fixed in time, and taken back.

Seed 002 (工程方案, 应急维修): "若在4小时内仍未能有效解决，乙方须免费提供同档次的设备予甲方临时使用".
An order whose promise (`SlaPolicy.loan_unit_if_late`) includes it and whose fix limit has passed
shows "loan unit due" until a unit is lent; the order cannot be closed while the unit is out; a
unit still out `loan_return_working_days` working days after the order was fixed is overdue.
"""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

from django.db import IntegrityError, transaction
from django.utils.translation import gettext as _

from shouhou.core.audit import audit_record, snapshot
from shouhou.core.errors import Conflict, InvalidTransition, ValidationFailed
from shouhou.core.money import to_money

from .. import states
from ..models import LoanUnit, WorkOrder
from .common import _lock, _now, _require_actor, _same_org


def _lendable(order: WorkOrder) -> None:
    """Only an order given to a technician and not fixed yet gets a unit."""
    if order.completed_at is not None or order.status not in states.ASSIGNED_STATES:
        raise InvalidTransition(
            _("The order is fixed or finished: no loan unit is needed any more."),
            code="loan_not_needed",
        )


def loan_unit_lend(
    *,
    by,
    order: WorkOrder,
    unit: str,
    deposit=Decimal("0.00"),
    deposit_receipt_no: str = "",
    note: str = "",
    now: dt.datetime | None = None,
) -> LoanUnit:
    """Lend the customer a unit of the same class while theirs is being fixed.

    The order's technician or the desk; one unit out per order (a second "lend" is a 409).
    """
    now = _now(now)
    _require_actor(by, order)
    errors: dict[str, list[str]] = {}
    unit = (unit or "").strip()
    if not unit:
        errors["unit"] = [_("Say which unit is lent (model and serial number).")]
    elif len(unit) > 200:
        errors["unit"] = [_("At most 200 characters.")]
    try:
        amount = to_money(deposit if deposit not in (None, "") else "0")
    except (ValueError, ValidationFailed):
        errors["deposit"] = [_("Enter an amount in yuan, e.g. 500.00.")]
        amount = Decimal("0.00")
    if amount < 0:
        errors["deposit"] = [_("Cannot be negative.")]
    receipt = (deposit_receipt_no or "").strip()
    if amount > 0 and not receipt:
        errors["deposit_receipt_no"] = [_("A deposit needs its receipt number.")]
    if errors:
        raise ValidationFailed(fields=errors)
    with transaction.atomic():
        order = _lock(order)
        _lendable(order)
        if LoanUnit.objects.filter(order=order, returned_at__isnull=True).exists():
            raise Conflict(_("A loan unit is already out for this order."), code="loan_out")
        try:
            with transaction.atomic():
                loan = LoanUnit.objects.create(
                    organisation_id=order.organisation_id,
                    order=order,
                    unit=unit,
                    lent_at=now,
                    lent_by=by,
                    deposit=amount,
                    deposit_receipt_no=receipt,
                    note=(note or "").strip()[:500],
                )
        except IntegrityError as exc:
            raise Conflict(
                _("A loan unit is already out for this order."), code="loan_out"
            ) from exc
        audit_record(
            actor=by,
            action="shouhou.loan_unit.lent",
            obj=loan,
            after={**snapshot(loan), "order": order.number},
        )
        return loan


def loan_unit_return(
    *,
    by,
    loan: LoanUnit,
    deposit_refunded: bool = False,
    note: str = "",
    now: dt.datetime | None = None,
) -> LoanUnit:
    """The unit came back (the order may close now); the deposit refunded, if there was one."""
    now = _now(now)
    _same_org(by, loan)
    _require_actor(by, loan.order)
    with transaction.atomic():
        loan = LoanUnit.objects.select_for_update().get(pk=loan.pk)
        if loan.returned_at is not None:
            raise Conflict(_("This unit has already been returned."), code="loan_returned")
        before = snapshot(loan)
        loan.returned_at = now
        loan.returned_by = by
        loan.deposit_refunded = bool(deposit_refunded) and loan.deposit > 0
        if note:
            loan.note = f"{loan.note}\n{note}".strip()[:500]
        loan.save(update_fields=["returned_at", "returned_by", "deposit_refunded", "note"])
        audit_record(
            actor=by,
            action="shouhou.loan_unit.returned",
            obj=loan,
            before=before,
            after=snapshot(loan),
        )
        return loan


def check_no_loan_out(order: WorkOrder) -> None:
    """Refuse to close an order while its loan unit is still with the customer."""
    loan = LoanUnit.objects.filter(order=order, returned_at__isnull=True).first()
    if loan is not None:
        raise Conflict(
            _("The loan unit “%(unit)s” is still with the customer: take it back first.")
            % {"unit": loan.unit},
            code="loan_unit_out",
        )
