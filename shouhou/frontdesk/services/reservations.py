"""Goods reservations at the desk: created, arrived, the customer told, collected or cancelled."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from typing import TYPE_CHECKING

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from shouhou.core.audit import audit_record, snapshot
from shouhou.core.errors import (
    ValidationFailed,
)
from shouhou.core.money import to_money

from ..models import (
    Reservation,
    ReservationStatus,
)
from ..signals import reservation_arrived
from .common import _move, _now, _require_desk, _same_org

if TYPE_CHECKING:
    from shouhou.catalog.models import Product
    from shouhou.customers.models import Customer
    from shouhou.org.models import Store, User


def _money(value: object, field: str, errors: dict[str, list[str]]) -> Decimal:
    try:
        d = to_money(value if value not in (None, "") else "0")
    except ValueError as exc:
        errors[field] = [str(exc)]
        return Decimal("0")
    if d < 0:
        errors[field] = [_("Cannot be negative.")]
    return d


def reservation_create(
    *,
    by: User,
    customer: Customer | None,
    promised_on: dt.date | None,
    product: Product | None = None,
    description: str = "",
    quantity: int = 1,
    deposit: Decimal | int | str | None = "0",
    receipt_number: str = "",
    store: Store | None = None,
    now: dt.datetime | None = None,
) -> Reservation:
    """A goods reservation at the desk (2.2.2): a deposit needs its receipt number."""
    org_id = _require_desk(by)
    now = _now(now)
    errors: dict[str, list[str]] = {}
    if customer is None:
        errors["customer"] = [_("Choose the customer.")]
    _same_org(by, customer, "customer")
    _same_org(by, product, "product")
    store = store or getattr(by, "store", None) or getattr(customer, "store", None)
    if store is None:
        errors["store"] = [_("Choose the store.")]
    _same_org(by, store, "store")
    if product is None and not (description or "").strip():
        errors["description"] = [_("Name the product or describe the goods.")]
    if not isinstance(quantity, int) or quantity < 1:
        errors["quantity"] = [_("At least one.")]
    amount = _money(deposit, "deposit", errors)
    if amount > 0 and not (receipt_number or "").strip():
        errors["receipt_number"] = [_("A deposit needs its receipt number.")]
    if promised_on is None:
        errors["promised_on"] = [_("Say when the goods are promised.")]
    elif promised_on < timezone.localtime(now).date():
        errors["promised_on"] = [_("Cannot be in the past.")]
    if errors:
        raise ValidationFailed(fields=errors)
    # Refused above when missing.
    assert customer is not None and store is not None and promised_on is not None
    with transaction.atomic():
        res = Reservation.objects.create(
            organisation_id=org_id,
            store=store,
            customer=customer,
            product=product,
            description=(description or "").strip(),
            quantity=quantity,
            deposit=amount,
            receipt_number=(receipt_number or "").strip(),
            promised_on=promised_on,
            created_by=by,
        )
        res.number = f"YD{timezone.localtime(now):%y%m%d}{res.pk:05d}"
        res.save(update_fields=["number"])
        audit_record(actor=by, action="shouhou.reservation.created", obj=res, after=snapshot(res))
    return res


def _res(by: User, reservation: Reservation) -> Reservation:
    _require_desk(by)
    _same_org(by, reservation)
    return Reservation.objects.select_for_update().get(pk=reservation.pk)


def reservation_arrive(
    *, by: User, reservation: Reservation, now: dt.datetime | None = None
) -> Reservation:
    """The goods are in: the customer is to be told (event `frontdesk.reservation_arrived`)."""
    with transaction.atomic():
        res = _move(
            Reservation,
            _res(by, reservation),
            frm={ReservationStatus.ORDERED},
            to=ReservationStatus.ARRIVED,
            by=by,
            action="shouhou.reservation.arrived",
            arrived_at=_now(now),
        )
        reservation_arrived.publish(sender=Reservation, reservation=res, by=by)
    return res


def reservation_tell(
    *, by: User, reservation: Reservation, now: dt.datetime | None = None
) -> Reservation:
    with transaction.atomic():
        return _move(
            Reservation,
            _res(by, reservation),
            frm={ReservationStatus.ARRIVED},
            to=ReservationStatus.TOLD,
            by=by,
            action="shouhou.reservation.told",
            told_at=_now(now),
        )


def reservation_collect(
    *, by: User, reservation: Reservation, now: dt.datetime | None = None
) -> Reservation:
    with transaction.atomic():
        return _move(
            Reservation,
            _res(by, reservation),
            frm={ReservationStatus.ARRIVED, ReservationStatus.TOLD},
            to=ReservationStatus.COLLECTED,
            by=by,
            action="shouhou.reservation.collected",
            collected_at=_now(now),
        )


def reservation_cancel(
    *,
    by: User,
    reservation: Reservation,
    reason: str,
    refund: Decimal | int | str | None = None,
    refund_receipt: str = "",
    now: dt.datetime | None = None,
) -> Reservation:
    """Cancelled: the deposit goes back (the whole deposit unless said otherwise), with the
    refund's receipt number."""
    errors: dict[str, list[str]] = {}
    if not (reason or "").strip():
        errors["reason"] = [_("Say why it is cancelled.")]
    with transaction.atomic():
        res = _res(by, reservation)
        amount = res.deposit if refund in (None, "") else _money(refund, "refund", errors)
        if amount > res.deposit:
            errors["refund"] = [_("At most the deposit paid.")]
        if amount > 0 and not (refund_receipt or "").strip():
            errors["refund_receipt"] = [_("A refund needs its receipt number.")]
        if errors:
            raise ValidationFailed(fields=errors)
        return _move(
            Reservation,
            res,
            frm={ReservationStatus.ORDERED, ReservationStatus.ARRIVED, ReservationStatus.TOLD},
            to=ReservationStatus.CANCELLED,
            by=by,
            action="shouhou.reservation.cancelled",
            cancelled_at=_now(now),
            cancel_reason=reason.strip(),
            refund=amount,
            refund_receipt=(refund_receipt or "").strip(),
        )
