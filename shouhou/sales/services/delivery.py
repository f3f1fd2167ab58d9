"""A contract's delivery: date changed, marked delivered, or the contract cancelled."""

from __future__ import annotations

import datetime as dt

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from shouhou.catalog import inputs
from shouhou.core.audit import audit_record, snapshot
from shouhou.core.errors import (
    InvalidTransition,
    NotFoundError,
    ValidationFailed,
)
from shouhou.org import roles as r

from ..models import Contract
from .common import WRITER_ROLES, S, _check_status, _lock_visible, _require_writer, _today
from .contracts import _default_address

DELIVERY_ROLES = tuple(sorted(set(WRITER_ROLES) | {r.DELIVERY_CREW}))


_UNCHANGED = object()


@transaction.atomic
def contract_change_delivery(
    *,
    by,
    contract: Contract,
    delivery_date: dt.date | str | None,
    delivery_district=_UNCHANGED,
    delivery_address=_UNCHANGED,
    note: str = "",
) -> Contract:
    """Agree a new delivery date (None: not agreed yet) and, if given, a new address.

    A blank address with a date falls back to the contract's address, then the customer's.
    """
    _require_writer(by)
    c = _lock_visible(by, contract)
    _check_status(c, "change_delivery")
    errors: dict = {}
    delivery = inputs.date(delivery_date, "delivery_date", errors)
    if delivery is not None and delivery < c.signed_on:
        inputs.add(
            errors, "delivery_date", _("The delivery date cannot be before the signing date.")
        )
    district = (
        c.delivery_district
        if delivery_district is _UNCHANGED
        else inputs.text(delivery_district, "delivery_district", errors, max_length=30)
    )
    address = (
        c.delivery_address
        if delivery_address is _UNCHANGED
        else inputs.text(delivery_address, "delivery_address", errors, max_length=200)
    )
    if delivery is not None and not address:
        address = c.delivery_address
    if delivery is not None and not address:
        default_district, address = _default_address(c.customer)
        district = district or default_district
    if delivery is not None and not address and "delivery_address" not in errors:
        inputs.add(
            errors,
            "delivery_address",
            _("A delivery date needs a clear delivery address (the customer has none on file)."),
        )
    note = inputs.text(note, "note", errors, max_length=500)
    if errors:
        raise ValidationFailed(fields=errors)
    fields = ["delivery_date", "delivery_district", "delivery_address"]
    before = snapshot(c, fields)
    c.delivery_date, c.delivery_district, c.delivery_address = delivery, district, address
    c.save(update_fields=[*fields, "updated_at"])
    audit_record(
        actor=by,
        action="shouhou.contract.delivery_changed",
        obj=c,
        before=before,
        after=snapshot(c, fields),
        note=note,
    )
    return c


def _transition(by, c: Contract, action: str, new_status: str, **values) -> tuple[Contract, dict]:
    """Guarded status change: 0 rows updated means someone else changed it first."""
    _check_status(c, action)
    before = snapshot(c, ["status", *values])
    updated = Contract.objects.filter(pk=c.pk, status=c.status).update(
        status=new_status, updated_at=timezone.now(), **values
    )
    if not updated:
        raise InvalidTransition()
    c.refresh_from_db()
    return c, before


@transaction.atomic
def contract_mark_delivered(
    *, by, contract: Contract, delivered_on: dt.date | str | None = None
) -> Contract:
    """The goods were delivered (送货完毕). `delivered_on` defaults to today."""
    _require_writer(by, DELIVERY_ROLES)
    c = _lock_visible_for_delivery(by, contract)
    errors: dict = {}
    day = inputs.date(delivered_on, "delivered_on", errors) or (None if errors else _today())
    if day is not None and day > _today():
        inputs.add(errors, "delivered_on", _("This date is in the future."))
    if day is not None and day < c.signed_on:
        inputs.add(errors, "delivered_on", _("Delivery cannot be before the signing date."))
    if errors:
        raise ValidationFailed(fields=errors)
    c, before = _transition(by, c, "mark_delivered", S.DELIVERED, delivered_on=day)
    audit_record(
        actor=by,
        action="shouhou.contract.delivered",
        obj=c,
        before=before,
        after=snapshot(c, ["status", "delivered_on"]),
    )
    return c


def _lock_visible_for_delivery(by, contract) -> Contract:
    if r.has_role(by, *WRITER_ROLES):
        return _lock_visible(by, contract)
    # A delivery crew member is not a reader of contracts but may confirm one of its org.
    pk = contract.pk if isinstance(contract, Contract) else inputs.as_id(contract)
    row = (
        Contract.objects.select_for_update()
        .filter(organisation_id=by.organisation_id, pk=pk)
        .first()
        if pk
        else None
    )
    if row is None:
        raise NotFoundError()
    return row


@transaction.atomic
def contract_cancel(*, by, contract: Contract, reason: str) -> Contract:
    """Cancel a contract that is not delivered yet. Money already paid is refunded by finance."""
    _require_writer(by)
    c = _lock_visible(by, contract)
    errors: dict = {}
    reason = inputs.text(reason, "reason", errors, max_length=200, required=True)
    if errors:
        raise ValidationFailed(fields=errors)
    c, before = _transition(
        by, c, "cancel", S.CANCELLED, cancelled_at=timezone.now(), cancel_reason=reason
    )
    audit_record(
        actor=by,
        action="shouhou.contract.cancelled",
        obj=c,
        before=before,
        after=snapshot(c, ["status", "cancelled_at", "cancel_reason"]),
        note=reason,
    )
    return c
