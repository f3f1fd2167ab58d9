"""The returns register: goods a customer brings back to the desk, and sending them on."""

from __future__ import annotations

import datetime as dt
from typing import TYPE_CHECKING

from django.db import transaction
from django.utils.translation import gettext as _

from shouhou.core.audit import audit_record, snapshot
from shouhou.core.errors import (
    ValidationFailed,
)

from ..models import (
    DeskReturn,
    ReturnedTo,
    ReturnStatus,
)
from .common import _move, _now, _require_desk, _same_org

if TYPE_CHECKING:
    from shouhou.complaints.models import Case
    from shouhou.customers.models import Customer
    from shouhou.org.models import Store, User


def desk_return_register(
    *,
    by: User,
    kind: str,
    customer: Customer | None,
    item: str,
    reason: str,
    condition: str,
    stored_at: str,
    case: Case | None = None,
    store: Store | None = None,
    now: dt.datetime | None = None,
) -> DeskReturn:
    """Goods taken back at the desk: what, from whom, why, in what condition, where stored."""
    org_id = _require_desk(by)
    now = _now(now)
    errors: dict[str, list[str]] = {}
    if kind not in DeskReturn.Kind.values:
        errors["kind"] = [_("Unknown kind.")]
    if customer is None:
        errors["customer"] = [_("Choose the customer.")]
    _same_org(by, customer, "customer")
    for name, value in (
        ("item", item),
        ("reason", reason),
        ("condition", condition),
        ("stored_at", stored_at),
    ):
        if not (value or "").strip():
            errors[name] = [_("This field is required.")]
    if case is not None:
        _same_org(by, case, "case")
        if customer is not None and case.customer_id != customer.pk:
            errors["case"] = [_("This case is another customer's.")]
    store = store or getattr(by, "store", None) or getattr(customer, "store", None)
    if store is None:
        errors["store"] = [_("Choose the store.")]
    if errors:
        raise ValidationFailed(fields=errors)
    assert customer is not None and store is not None  # refused above
    with transaction.atomic():
        row = DeskReturn.objects.create(
            organisation_id=org_id,
            kind=kind,
            store=store,
            customer=customer,
            item=item.strip(),
            reason=reason.strip(),
            condition=condition.strip(),
            stored_at=stored_at.strip(),
            case=case,
            received_at=now,
            received_by=by,
        )
        audit_record(
            actor=by, action="shouhou.desk_return.registered", obj=row, after=snapshot(row)
        )
    return row


def desk_return_send_back(
    *,
    by: User,
    item: DeskReturn,
    returned_to: str,
    returned_to_name: str,
    now: dt.datetime | None = None,
) -> DeskReturn:
    """The merchant collected the goods, or they went back to the supplier (1.1.8)."""
    _require_desk(by)
    _same_org(by, item)
    errors: dict[str, list[str]] = {}
    if returned_to not in ReturnedTo.values:
        errors["returned_to"] = [_("Merchant or supplier.")]
    if not (returned_to_name or "").strip():
        errors["returned_to_name"] = [_("Who took the goods?")]
    if errors:
        raise ValidationFailed(fields=errors)
    with transaction.atomic():
        return _move(
            DeskReturn,
            DeskReturn.objects.select_for_update().get(pk=item.pk),
            frm={ReturnStatus.HELD},
            to=ReturnStatus.RETURNED,
            by=by,
            action="shouhou.desk_return.returned",
            returned_to=returned_to,
            returned_to_name=returned_to_name.strip(),
            returned_at=_now(now),
        )
