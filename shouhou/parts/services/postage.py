"""Postage for parts sent by post: recorded by the store or the desk, approved by a manager."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from typing import TYPE_CHECKING

from django.db import transaction
from django.utils.translation import gettext as _

from shouhou.core.audit import audit_record
from shouhou.core.errors import (
    InvalidTransition,
    PermissionDeniedError,
    ValidationFailed,
)
from shouhou.core.money import to_money
from shouhou.org import roles as r
from shouhou.workorders.models import WorkOrder

from ..models import (
    PostageWriteOff,
)
from .common import SUPERVISOR_ROLES, _get, _now

if TYPE_CHECKING:
    from shouhou.org.models import User

POSTAGE_ROLES = {r.WAREHOUSE_KEEPER, r.SERVICE_DESK}


def postage_record(
    *,
    by: User,
    carrier: str,
    waybill: str,
    amount: object,
    description: str,
    work_order: object = None,
    now: dt.datetime | None = None,
) -> PostageWriteOff:
    """The handler signs the postage of parts sent by post."""
    at = _now(now)
    r.require_role(by, *POSTAGE_ROLES)
    org_id = r.require_organisation(by)
    errors: dict[str, list[str]] = {}
    carrier, waybill = (carrier or "").strip(), (waybill or "").strip()
    description = (description or "").strip()
    for f, v in (("carrier", carrier), ("waybill", waybill), ("description", description)):
        if not v:
            errors[f] = [_("Required.")]
    value = Decimal("0")
    try:
        value = to_money(amount)
        if value <= 0:
            errors["amount"] = [_("More than zero.")]
    except ValueError as exc:
        errors["amount"] = [str(exc)]
    order = _get(WorkOrder, by, work_order) if work_order not in (None, "") else None
    if errors:
        raise ValidationFailed(fields=errors)
    with transaction.atomic():
        if PostageWriteOff.objects.filter(carrier=carrier, waybill=waybill).exists():
            raise ValidationFailed(fields={"waybill": [_("This waybill is recorded already.")]})
        row = PostageWriteOff.objects.create(
            organisation_id=org_id, work_order=order, carrier=carrier[:60],
            waybill=waybill[:60], amount=value, description=description[:200], handler=by,
            handled_at=at,
        )  # fmt: skip
        audit_record(actor=by, action="shouhou.postage.signed", obj=row,
                     after={"status": row.status, "amount": value})  # fmt: skip
    return row


def postage_approve(
    *, by: User, postage: object, now: dt.datetime | None = None
) -> PostageWriteOff:
    """The supervisor's second signature: the postage is written off."""
    at = _now(now)
    r.require_role(by, *SUPERVISOR_ROLES)
    found = _get(PostageWriteOff, by, postage)
    with transaction.atomic():
        row = PostageWriteOff.objects.select_for_update().get(pk=found.pk)
        if row.handler_id == by.pk:
            raise PermissionDeniedError(_("The second signature is someone else's."))
        if row.status != PostageWriteOff.Status.SIGNED_BY_HANDLER:
            raise InvalidTransition(_("This postage is written off already."))
        row.status, row.approved_by, row.approved_at = "written_off", by, at
        row.save()
        audit_record(actor=by, action="shouhou.postage.written_off", obj=row,
                     before={"status": "handler"}, after={"status": "written_off"})  # fmt: skip
    return row
