"""Editing a case while it is open: description and cause, responsibility, repair items and the
supplier claim."""

from __future__ import annotations

from decimal import Decimal

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from shouhou.core.audit import audit_record, snapshot
from shouhou.core.errors import (
    InvalidTransition,
    ValidationFailed,
)
from shouhou.org import roles as r

from .. import signals
from .. import states as s
from ..models import (
    Case,
    RepairItem,
    Responsibility,
)
from .common import DESK_ROLES, _load, _money


def _require_editable(case: Case) -> None:
    if case.status not in s.EDITABLE_STATES:
        raise InvalidTransition(
            _("This case is %(status)s; it can no longer be changed.")
            % {"status": case.get_status_display()},
            code="case_decided",
        )


def case_update(*, by, case, description=None, demand=None, cause=None, findings=None) -> Case:
    """Correct what was registered; only before the case is submitted for approval."""
    r.require_role(by, *DESK_ROLES)
    with transaction.atomic():
        case = _load(by, case)
        Case.objects.select_for_update().filter(pk=case.pk).first()
        case.refresh_from_db()
        _require_editable(case)
        before = snapshot(case)
        if description is not None:
            if not description.strip():
                raise ValidationFailed(
                    fields={"description": [_("Say what the customer reports.")]}
                )
            case.description = description.strip()
        if demand is not None:
            case.demand = demand
        if findings is not None:
            case.findings = findings
        if cause is not None:
            if cause.organisation_id != case.organisation_id:
                raise ValidationFailed(fields={"cause": [_("Not found.")]})
            case.cause = cause
        case.save()
        audit_record(
            actor=by, action="shouhou.case.updated", obj=case, before=before, after=snapshot(case)
        )
    return case


def case_set_responsibility(
    *, by, case, responsibility: str, findings: str = "", supplier=None, cause=None
) -> Case:
    """Who is responsible (范文4): supplier → notified now; customer → explained; ours → repair."""
    r.require_role(by, *DESK_ROLES)
    if responsibility not in Responsibility.values or not responsibility:
        raise ValidationFailed(fields={"responsibility": [_("Choose who is responsible.")]})
    with transaction.atomic():
        case = _load(by, case)
        Case.objects.select_for_update().filter(pk=case.pk).first()
        case.refresh_from_db()
        _require_editable(case)
        if responsibility == Responsibility.SUPPLIER:
            supplier = supplier or getattr(case.product, "supplier", None)
            if supplier is None:
                raise ValidationFailed(fields={"supplier": [_("Choose the supplier to notify.")]})
            if supplier.organisation_id != case.organisation_id:
                raise ValidationFailed(fields={"supplier": [_("Not found.")]})
        if responsibility == Responsibility.CUSTOMER and not findings.strip():
            raise ValidationFailed(
                fields={"findings": [_("Write down what was explained to the customer.")]}
            )
        before = snapshot(case)
        case.responsibility = responsibility
        case.findings = findings or case.findings
        if cause is not None:
            case.cause = cause
        if responsibility == Responsibility.SUPPLIER:
            case.supplier = supplier
            case.supplier_notified_at = case.supplier_notified_at or timezone.now()
        case.save()
        audit_record(
            actor=by,
            action="shouhou.case.responsibility_set",
            obj=case,
            before=before,
            after=snapshot(case),
        )
        signals.responsibility_set.publish(
            sender=Case, case=case, responsibility=responsibility, by=by
        )
    return case


def case_add_repair_item(*, by, case, item: str, quantity, unit_cost) -> RepairItem:
    """An item repaired at our cost (our workmanship)."""
    r.require_role(by, *DESK_ROLES)
    errors: dict = {}
    if not (item or "").strip():
        errors["item"] = [_("Name the item.")]
    try:
        qty = Decimal(str(quantity))
        if qty <= 0 or qty != qty.quantize(Decimal("0.01")):
            raise ValueError
    except Exception:
        errors["quantity"] = [_("A quantity above zero, at most two decimals.")]
        qty = Decimal("0")
    cost = _money(unit_cost, "unit_cost", errors)
    if errors:
        raise ValidationFailed(fields=errors)
    with transaction.atomic():
        case = _load(by, case)
        if case.status in s.FINAL_STATES:
            raise InvalidTransition(_("This case is closed."))
        if case.responsibility != Responsibility.WORKMANSHIP:
            raise ValidationFailed(
                _("Repair items at our cost are for cases of our own workmanship.")
            )
        row = RepairItem.objects.create(
            organisation=case.organisation,
            case=case,
            item=item.strip(),
            quantity=qty,
            unit_cost=cost,
            cost=(qty * cost).quantize(Decimal("0.01")),
        )
        audit_record(actor=by, action="shouhou.repair_item.created", obj=row, after=snapshot(row))
    return row


def case_record_supplier_claim(*, by, case, amount) -> Case:
    """Claim the cost back from the supplier (二次索赔)."""
    r.require_role(by, *DESK_ROLES)
    errors: dict = {}
    value = _money(amount, "amount", errors)
    if not errors and value <= 0:
        errors["amount"] = [_("The amount must be more than zero.")]
    if errors:
        raise ValidationFailed(fields=errors)
    with transaction.atomic():
        case = _load(by, case)
        if case.responsibility != Responsibility.SUPPLIER:
            raise ValidationFailed(_("Only a supplier's product can be claimed back."))
        before = snapshot(case)
        case.supplier_claim_amount = value
        case.save(update_fields=["supplier_claim_amount", "updated_at"])
        audit_record(
            actor=by, action="shouhou.case.claimed", obj=case, before=before, after=snapshot(case)
        )
    return case
