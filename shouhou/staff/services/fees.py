"""Fees, payments and deposit refunds."""

from __future__ import annotations

import datetime as dt

from django.db import IntegrityError, transaction
from django.db.models import Exists, OuterRef
from django.utils import timezone
from django.utils.translation import gettext as _

from shouhou.core.audit import audit_record
from shouhou.core.dates import month_start
from shouhou.core.errors import (
    Conflict,
    DuplicateError,
    InvalidTransition,
    ValidationFailed,
)
from shouhou.org import roles as r

from ..models import (
    DepositRefund,
    FeeCharge,
    Fine,
    Payment,
    ServiceStaff,
    WorkPermit,
)
from .common import _ensure_staff, _money, _required, _snap
from .permits import _overdue_fines


@transaction.atomic
def charge_raise(
    *,
    by,
    staff: ServiceStaff,
    kind: str,
    amount,
    description: str = "",
    period: dt.date | None = None,
) -> FeeCharge:
    """Finance charges a fee (e.g. a replacement uniform or a month's management fee)."""
    r.require_role(by, r.FINANCE)
    _ensure_staff(by, staff)
    if kind not in FeeCharge.Kind.values:
        raise ValidationFailed(fields={"kind": [_("Unknown kind of fee.")]})
    amount = _money("amount", amount)
    if kind == FeeCharge.Kind.MANAGEMENT:
        if period is None:
            raise ValidationFailed(fields={"period": [_("A management fee needs its month.")]})
        period = month_start(period)
        if FeeCharge.objects.filter(staff_id=staff.pk, kind=kind, period=period).exists():
            raise DuplicateError(
                _("The management fee for %(month)s is already charged.")
                % {"month": period.strftime("%Y-%m")},
                fields={"period": [_("Already charged.")]},
            )
    else:
        period = None
    charge = FeeCharge.objects.create(
        organisation_id=staff.organisation_id,
        staff=staff,
        kind=kind,
        amount=amount,
        period=period,
        description=(description or "").strip()[:200],
        raised_by=by,
    )
    audit_record(actor=by, action="shouhou.fee_charge.raised", obj=charge, after=_snap(charge))
    return charge


@transaction.atomic
def payment_record(
    *,
    by,
    receipt_no: str,
    amount,
    charge: FeeCharge | None = None,
    fine: Fine | None = None,
    paid_at: dt.datetime | None = None,
) -> Payment:
    """Finance records money received for one charge or one fine, with its receipt number.

    A receipt number is used once per organisation; a charge or fine is paid once, in full.
    Paying the last overdue fine lifts a permit suspended for overdue fines.
    """
    r.require_role(by, r.FINANCE)
    target: FeeCharge | Fine
    if charge is not None and fine is None:
        target = charge
    elif fine is not None and charge is None:
        target = fine
    else:
        raise ValidationFailed(
            _("A payment is for one fee charge or one fine."),
            fields={"charge": [_("Choose a fee charge or a fine.")]},
        )
    _ensure_staff(by, target.staff)
    errors: dict[str, list[str]] = {}
    receipt_no = (receipt_no or "").strip()
    if not receipt_no:
        errors["receipt_no"] = [_("This field is required.")]
    try:
        amount = _money("amount", amount)
    except ValidationFailed as exc:
        errors.update(exc.fields)
    if errors:
        raise ValidationFailed(fields=errors)
    if amount != target.amount:
        raise ValidationFailed(
            fields={
                "amount": [
                    _("The payment must be the full amount due: ¥%(amount)s.")
                    % {"amount": target.amount}
                ]
            }
        )
    org_id = target.organisation_id
    if Payment.objects.filter(organisation_id=org_id, receipt_no=receipt_no).exists():
        raise DuplicateError(
            _("Receipt number %(receipt)s has already been used.") % {"receipt": receipt_no},
            code="receipt_used",
            fields={"receipt_no": [_("This receipt number has already been used.")]},
        )
    now = timezone.now()
    paid_at = paid_at or now
    if charge is not None:
        moved = FeeCharge.objects.filter(pk=charge.pk, paid_at__isnull=True).update(paid_at=paid_at)
    else:
        moved = Fine.objects.filter(pk=target.pk, status=Fine.Status.UNPAID).update(
            status=Fine.Status.PAID, paid_at=paid_at
        )
    if not moved:
        raise Conflict(_("This has already been paid."), code="already_paid")
    try:
        with transaction.atomic():
            payment = Payment.objects.create(
                organisation_id=org_id,
                staff_id=target.staff_id,
                charge=charge,
                fine=fine,
                amount=amount,
                receipt_no=receipt_no,
                paid_at=paid_at,
                received_by=by,
            )
    except IntegrityError as exc:
        raise DuplicateError(
            _("Receipt number %(receipt)s has already been used.") % {"receipt": receipt_no},
            code="receipt_used",
            fields={"receipt_no": [_("This receipt number has already been used.")]},
        ) from exc
    audit_record(actor=by, action="shouhou.payment.recorded", obj=payment, after=_snap(payment))
    target.refresh_from_db()
    audit_record(
        actor=by,
        action="shouhou.fine.paid" if fine else "shouhou.fee_charge.paid",
        obj=target,
        after={"paid_at": paid_at, "receipt_no": receipt_no},
    )
    if fine is not None:
        _lift_fine_suspension(by=by, staff_id=fine.staff_id, now=now)
    return payment


def _lift_fine_suspension(*, by, staff_id, now) -> None:
    if _overdue_fines(staff_id, now):
        return
    for permit in WorkPermit.objects.filter(
        staff_id=staff_id,
        status=WorkPermit.Status.SUSPENDED,
        suspend_reason=WorkPermit.SuspendReason.FINE_OVERDUE,
    ):
        moved = WorkPermit.objects.filter(pk=permit.pk, status=WorkPermit.Status.SUSPENDED).update(
            status=WorkPermit.Status.VALID, suspend_reason="", status_changed_at=now
        )
        if moved:
            audit_record(
                actor=by,
                action="shouhou.permit.reinstated",
                obj=permit,
                before={"status": "suspended"},
                after={"status": "valid"},
                note=_("The overdue fines are paid."),
            )


@transaction.atomic
def deposit_refund(*, by, staff: ServiceStaff, voucher_no: str) -> DepositRefund:
    """Pay the deposit back to someone who has left; recorded once."""
    r.require_role(by, r.FINANCE)
    _ensure_staff(by, staff)
    voucher_no = _required("voucher_no", voucher_no)
    if staff.status != ServiceStaff.Status.LEFT:
        raise InvalidTransition(
            _("The deposit is refunded when the person leaves."), code="not_left"
        )
    deposit = (
        FeeCharge.objects.filter(
            staff_id=staff.pk, kind=FeeCharge.Kind.DEPOSIT, paid_at__isnull=False
        )
        .exclude(Exists(DepositRefund.objects.filter(charge_id=OuterRef("pk"))))
        .select_for_update()
        .first()
    )
    if deposit is None:
        raise InvalidTransition(_("There is no paid deposit left to refund."), code="no_deposit")
    if DepositRefund.objects.filter(
        organisation_id=staff.organisation_id, voucher_no=voucher_no
    ).exists():
        raise DuplicateError(
            fields={"voucher_no": [_("This voucher number has already been used.")]}
        )
    refund = DepositRefund.objects.create(
        organisation_id=staff.organisation_id,
        charge=deposit,
        staff=staff,
        amount=deposit.amount,
        voucher_no=voucher_no,
        refunded_at=timezone.now(),
        refunded_by=by,
    )
    audit_record(actor=by, action="shouhou.deposit.refunded", obj=refund, after=_snap(refund))
    return refund
