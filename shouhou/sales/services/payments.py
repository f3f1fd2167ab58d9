"""Payments recorded against a contract."""

from __future__ import annotations

from django.db import transaction
from django.db.models import F
from django.utils.translation import gettext as _

from shouhou.catalog import inputs
from shouhou.core.audit import audit_record, snapshot
from shouhou.core.errors import (
    Conflict,
    ValidationFailed,
)

from ..models import Contract, ContractPayment, PaymentMethod
from .common import _check_status, _lock_visible, _require_writer, _yuan


def _payment_method(value, errors: dict, *, field: str, required: bool) -> str:
    value = inputs.text(value, field, errors, max_length=30)
    if not value:
        if required:
            inputs.add(errors, field, _("How was it paid? Choose a payment method."))
        return ""
    if value not in PaymentMethod.values:
        inputs.add(
            errors,
            field,
            _("Choose one of: %(choices)s.")
            % {"choices": "、".join(str(label) for label in PaymentMethod.labels)},
        )
    return value


@transaction.atomic
def contract_record_payment(
    *, by, contract: Contract, amount, method: str, receipt_no: str = ""
) -> ContractPayment:
    """Take a payment towards the balance due (尾款). More than the balance is refused."""
    org_id = _require_writer(by)
    c = _lock_visible(by, contract)
    _check_status(c, "record_payment")
    errors: dict = {}
    value = inputs.money(amount, "amount", errors)
    balance = c.total - c.paid
    if value is not None and value <= 0:
        inputs.add(errors, "amount", _("The amount must be more than zero."))
    elif value is not None and value > balance:
        inputs.add(
            errors,
            "amount",
            _("At most the balance due (%(balance)s).") % {"balance": _yuan(balance)},
        )
    method = _payment_method(method, errors, field="method", required=True)
    receipt_no = inputs.text(receipt_no, "receipt_no", errors, max_length=60)
    if errors:
        raise ValidationFailed(fields=errors)
    before = snapshot(c, ["paid", "payment_method"])
    # Guarded: the paid amount we checked is still the one we add to.
    updated = Contract.objects.filter(pk=c.pk, paid=c.paid).update(
        paid=F("paid") + value, payment_method=c.payment_method or method
    )
    if not updated:
        raise Conflict(_("The contract changed meanwhile; please reload and try again."))
    c.refresh_from_db()
    payment = ContractPayment.objects.create(
        organisation_id=org_id,
        contract=c,
        amount=value,
        method=method,
        receipt_no=receipt_no,
        received_by=by,
    )
    audit_record(
        actor=by,
        action="shouhou.contract.payment_recorded",
        obj=c,
        before=before,
        after=snapshot(c, ["paid", "payment_method"]),
        note=_("%(amount)s by %(method)s, receipt %(receipt)s")
        % {
            "amount": _yuan(value),
            "method": payment.get_method_display(),
            "receipt": receipt_no or "—",
        },
    )
    return payment
