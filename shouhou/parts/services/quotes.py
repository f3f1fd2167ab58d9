"""Quotes to the customer for paid repairs: create, accept, decline, approve a change, and the
check of a report's fee against the accepted quote."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from typing import TYPE_CHECKING

from django.db import transaction
from django.utils.translation import gettext as _

from shouhou.core.audit import audit_record
from shouhou.core.errors import (
    Conflict,
    InvalidTransition,
    ValidationFailed,
)
from shouhou.core.money import to_money
from shouhou.org import roles as r
from shouhou.workorders.models import WorkOrder

from .. import bands
from ..models import (
    Quote,
    QuoteLine,
)
from .common import SUPERVISOR_ROLES, _get, _int, _now, settings_for
from .stock import RawLines, _lines

if TYPE_CHECKING:
    from shouhou.org.models import User

QUOTE_ROLES = {r.TECHNICIAN, r.SERVICE_DESK, r.WORKSHOP_SUPERVISOR}


def quote_create(
    *,
    by: User,
    work_order: object,
    lines: RawLines | None,
    labour_hours: object,
    travel_km: object = 0,
    now: dt.datetime | None = None,
) -> Quote:
    r.require_role(by, *QUOTE_ROLES)
    order = _get(WorkOrder, by, work_order)
    errors: dict[str, list[str]] = {}
    parsed = _lines(lines, errors) if lines else []
    errors.pop("lines", None)
    try:
        hours = Decimal(str(labour_hours))
        if not hours.is_finite() or hours < 0 or hours > 100:
            raise ValueError
    except (ValueError, ArithmeticError):
        errors["labour_hours"] = [_("Hours between 0 and 100.")]
        hours = Decimal("0")
    km = _int(travel_km if travel_km not in (None, "") else 0, "travel_km", errors, low=0)
    if errors:
        raise ValidationFailed(fields=errors)
    s = settings_for(order.organisation_id)
    parts_total, labour, travel, total = bands.quote_amounts(
        parts=[(q, p.sale_price) for p, q, _c in parsed], hours=hours, km=km,
        labour_rate=s.labour_rate, travel_flat=s.travel_flat, travel_per_km=s.travel_per_km,
        free_km=s.travel_free_km,
    )  # fmt: skip
    with transaction.atomic():
        if Quote.objects.filter(work_order=order, status=Quote.Status.ACCEPTED).exists():
            raise Conflict(_("The customer accepted a quote already."), code="quote_accepted")
        quote = Quote.objects.create(
            organisation_id=order.organisation_id, work_order=order, labour_hours=hours,
            travel_km=km, parts_total=parts_total, labour=labour, travel=travel, total=total,
            prepared_by=by,
        )  # fmt: skip
        QuoteLine.objects.bulk_create(
            [
                QuoteLine(
                    organisation_id=order.organisation_id,
                    quote=quote,
                    part=p,
                    quantity=q,
                    unit_price=p.sale_price,
                )
                for p, q, _c in parsed
            ]  # fmt: skip
        )
        audit_record(actor=by, action="shouhou.quote.created", obj=quote,
                     after={"status": quote.status, "total": total})  # fmt: skip
    return quote


def quote_accept(
    *, by: User, quote: object, customer_name: str, now: dt.datetime | None = None
) -> Quote:
    """The customer accepted the quote (who and when), before the work starts."""
    at = _now(now)
    r.require_role(by, *QUOTE_ROLES)
    found = _get(Quote, by, quote)
    name = (customer_name or "").strip()
    if not name:
        raise ValidationFailed(fields={"customer_name": [_("Who accepted it?")]})
    with transaction.atomic():
        row = Quote.objects.select_for_update().get(pk=found.pk)
        order = WorkOrder.objects.get(pk=row.work_order_id)
        if row.status != Quote.Status.DRAFT:
            raise InvalidTransition(_("Only a quote shown to the customer is accepted."))
        if order.status in ("done", "confirmed", "closed", "cancelled"):
            raise InvalidTransition(_("A quote is accepted before the work, not after."))
        if Quote.objects.filter(work_order=order, status=Quote.Status.ACCEPTED).exists():
            raise Conflict(_("The customer accepted a quote already."), code="quote_accepted")
        row.status, row.accepted_by_name = Quote.Status.ACCEPTED, name[:50]
        row.accepted_at, row.recorded_by = at, by
        row.save()
        audit_record(actor=by, action="shouhou.quote.accepted", obj=row,
                     before={"status": "draft"}, after={"status": "accepted", "by": name})  # fmt: skip
    return row


def quote_decline(*, by: User, quote: object) -> Quote:
    r.require_role(by, *QUOTE_ROLES)
    found = _get(Quote, by, quote)
    with transaction.atomic():
        row = Quote.objects.select_for_update().get(pk=found.pk)
        if row.status != Quote.Status.DRAFT:
            raise InvalidTransition()
        row.status = Quote.Status.DECLINED
        row.save()
        audit_record(actor=by, action="shouhou.quote.declined", obj=row,
                     before={"status": "draft"}, after={"status": "declined"})  # fmt: skip
    return row


def quote_change_approve(
    *, by: User, quote: object, amount: object, reason: str, now: dt.datetime | None = None
) -> Quote:
    """A supervisor approves a fee different from the accepted quote (found more to do)."""
    at = _now(now)
    r.require_role(by, *SUPERVISOR_ROLES)
    found = _get(Quote, by, quote)
    errors: dict[str, list[str]] = {}
    value = Decimal("0")
    try:
        value = to_money(amount)
        if value < 0:
            errors["amount"] = [_("Not negative.")]
    except ValueError as exc:
        errors["amount"] = [str(exc)]
    reason = (reason or "").strip()
    if not reason:
        errors["reason"] = [_("Say why the fee changes.")]
    if errors:
        raise ValidationFailed(fields=errors)
    with transaction.atomic():
        row = Quote.objects.select_for_update().get(pk=found.pk)
        if row.status != Quote.Status.ACCEPTED:
            raise InvalidTransition(_("Only an accepted quote is changed."))
        before = row.changed_total
        row.changed_total, row.change_reason = value, reason[:200]
        row.change_approved_by, row.change_approved_at = by, at
        row.save()
        audit_record(actor=by, action="shouhou.quote.change_approved", obj=row,
                     before={"changed_total": before}, after={"changed_total": value}, note=reason)  # fmt: skip
    return row


def check_fee_against_quote(*, order: WorkOrder, fee: object) -> None:
    """The guard on completion: the fee equals the accepted quote (or its approved change); a fee
    without an accepted quote is refused when the organisation says so."""
    try:
        amount = to_money(fee if fee not in (None, "") else "0")
    except ValueError:
        return  # the work-order service reports the bad amount itself
    quote = Quote.objects.filter(work_order=order, status=Quote.Status.ACCEPTED).first()
    if quote is None:
        if amount > 0 and settings_for(order.organisation_id).quote_needed_for_fee:
            raise ValidationFailed(
                fields={
                    "fee_approval": [_("A fee needs a paid-repair quote the customer accepted.")]
                }
            )
        return
    if amount != quote.agreed_fee:
        raise ValidationFailed(
            fields={
                "fee": [
                    _(
                        "The fee must be the accepted quote's ¥%(q)s unless a supervisor approves a change."
                    )
                    % {"q": quote.agreed_fee}
                ]
            },
            code="fee_differs_from_quote",
        )
