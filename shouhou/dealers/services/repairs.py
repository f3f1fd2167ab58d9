"""Repair records (three-guarantee claims): created by the dealer, received, appraised, approved
or refused by the brand."""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping
from decimal import Decimal
from typing import TYPE_CHECKING, Any

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from shouhou.core.audit import audit_record, snapshot
from shouhou.core.errors import (
    InvalidTransition,
    ValidationFailed,
)
from shouhou.core.money import quantize
from shouhou.org import roles as r

from .. import access as A
from ..models import (
    ZERO,
    RepairPart,
    RepairRecord,
)
from .cards import card_refusal
from .common import S, _money, _next_number, _own, _text, settings_for

if TYPE_CHECKING:
    from shouhou.org.models import Dealer, User

    from ..models import ServiceTask, WarrantyCard


def _decimal(
    value: object, field: str, errors: dict[str, list[str]], places: str = "0.01"
) -> Decimal:
    try:
        d = Decimal(str(value if value not in (None, "") else "0"))
        if not d.is_finite() or d < 0 or d != d.quantize(Decimal(places)):
            raise ValueError
        return d
    except Exception:
        errors[field] = [_("A number, zero or more.")]
        return ZERO


def repair_record_create(
    *,
    by: User,
    dealer: Dealer | int,
    customer_name: str,
    fault: str,
    work_done: str,
    repaired_on: dt.date | None,
    signed_by_customer: str,
    parts: list[dict[str, Any]] | None = None,
    labour_hours: object = 0,
    travel_km: object = 0,
    card: WarrantyCard | None = None,
    task: ServiceTask | None = None,
    today: dt.date | None = None,
) -> RepairRecord:
    """A three-guarantee repair signed by the customer, with the replaced parts; due back with
    the old parts by the next return date (四.3)."""
    dealer = A.dealer_get(by, dealer)
    A.require_dealer_or(by, dealer, A.OFFICE)
    org_id = r.require_organisation(by)
    today = today or timezone.localdate()
    errors: dict[str, list[str]] = {}
    customer_name = _text(customer_name, "customer_name", errors, _("Give the customer's name."))
    fault = _text(fault, "fault", errors, _("Describe the fault."))
    work_done = _text(work_done, "work_done", errors, _("Describe the repair."))
    signed_by_customer = _text(
        signed_by_customer,
        "signed_by_customer",
        errors,
        _("The repair record must be signed by the customer."),
    )
    if repaired_on is None:
        errors["repaired_on"] = [_("Give the day of the repair.")]
    elif repaired_on > today:
        errors["repaired_on"] = [_("This day is in the future.")]
    hours = _decimal(labour_hours, "labour_hours", errors)
    km = _decimal(travel_km, "travel_km", errors, "0.1")
    links: tuple[tuple[str, WarrantyCard | ServiceTask | None], ...] = (
        ("card", card),
        ("task", task),
    )
    for name, obj in links:
        if obj is not None and (obj.organisation_id != org_id or obj.dealer_id != dealer.pk):
            errors[name] = [_("Not one of this dealer's.")]
    rows: list[tuple[str, int, Decimal]] = []
    for i, p in enumerate(parts or []):
        pname = (p.get("name") or "").strip()
        if not pname:
            errors[f"parts.{i}.name"] = [_("Name the part.")]
        try:
            qty = int(p.get("quantity") or 0)
            if qty <= 0:
                raise ValueError
        except (TypeError, ValueError):
            errors[f"parts.{i}.quantity"] = [_("A whole number above zero.")]
            qty = 0
        price = _money(p.get("unit_price"), f"parts.{i}.unit_price", errors)
        rows.append((pname, qty, price))
    if errors:
        raise ValidationFailed(fields=errors)
    assert repaired_on is not None  # refused above
    conf = settings_for(org_id)
    due = conf.next_return_date(repaired_on)
    if due is None:
        raise ValidationFailed(
            _("The organisation has no return dates for repair records; set them first."),
            code="no_return_dates",
        )
    with transaction.atomic():
        record = RepairRecord.objects.create(
            organisation_id=org_id,
            number=_next_number(RepairRecord, org_id, f"SB{repaired_on:%Y%m}-"),
            dealer=dealer,
            card=card,
            task=task,
            customer_name=customer_name,
            fault=fault,
            work_done=work_done,
            repaired_on=repaired_on,
            signed_by_customer=signed_by_customer,
            labour_hours=hours,
            travel_km=km,
            return_due_on=due,
            created_by=by,
        )
        RepairPart.objects.bulk_create(
            RepairPart(
                organisation_id=org_id,
                record=record,
                name=n,
                quantity=q,
                unit_price=price,
            )
            for n, q, price in rows
        )
        audit_record(
            actor=by,
            action="shouhou.repair_record.created",
            obj=record,
            after={**snapshot(record), "parts": [[n, q, str(p)] for n, q, p in rows]},
        )
    return record


def _refuse(record: RepairRecord, *, by: User, reason: str, action: str) -> RepairRecord:
    before = snapshot(record)
    record.status = S.REFUSED
    record.refused_reason = reason
    record.total_cost = ZERO
    record.save()
    audit_record(actor=by, action=action, obj=record, before=before, after=snapshot(record))
    return record


def repair_record_receive(
    *,
    by: User,
    record: RepairRecord | int,
    old_parts_back: bool,
    returned_on: dt.date | None = None,
) -> RepairRecord:
    """The record (and its old parts) reached the company. After the return date, or without
    the old parts, the technical department refuses it and finance writes nothing off (四.3)."""
    A.require(by, A.OFFICE | A.TECHNICAL)
    today = timezone.localdate()
    returned_on = returned_on or today
    if returned_on > today:
        raise ValidationFailed(fields={"returned_on": [_("This day is in the future.")]})
    with transaction.atomic():
        record = _own(RepairRecord, by, record)
        if record.status != S.SIGNED:
            raise InvalidTransition(_("This record was received already."))
        if returned_on < record.repaired_on:
            raise ValidationFailed(
                fields={"returned_on": [_("The record cannot come back before the repair.")]}
            )
        record.returned_on = returned_on
        if returned_on > record.return_due_on:
            return _refuse(
                record,
                by=by,
                reason=_(
                    "The record and old parts came back on %(on)s, after the return date %(due)s."
                )
                % {"on": returned_on, "due": record.return_due_on},
                action="shouhou.repair_record.refused",
            )
        if record.parts.exists() and not old_parts_back:
            return _refuse(
                record,
                by=by,
                reason=_("The replaced old parts did not come back with the record."),
                action="shouhou.repair_record.refused",
            )
        before = snapshot(record)
        record.status = S.RETURNED
        record.save(update_fields=["status", "returned_on", "updated_at"])
        audit_record(
            actor=by,
            action="shouhou.repair_record.returned",
            obj=record,
            before=before,
            after=snapshot(record),
        )
    return record


def repair_record_appraise(
    *,
    by: User,
    record: RepairRecord | int,
    appraisals: Mapping[Any, object],
    note: str = "",
    today: dt.date | None = None,
) -> RepairRecord:
    """The technical department checks the old parts (usable / scrap / not covered) and costs
    what is covered: parts + labour hours × rate + kilometres × rate (the rate table)."""
    A.require(by, A.TECHNICAL)
    today = today or timezone.localdate()
    with transaction.atomic():
        record = _own(RepairRecord, by, record)
        if record.status != S.RETURNED:
            raise InvalidTransition(
                _("Only a record that came back with its old parts can be appraised.")
            )
        parts = list(record.parts.all())
        errors: dict[str, list[str]] = {}
        chosen: dict[int, str] = {}
        for part in parts:
            value = appraisals.get(part.pk, appraisals.get(str(part.pk)))
            if not isinstance(value, str) or value not in (
                RepairPart.Appraisal.USABLE,
                RepairPart.Appraisal.SCRAP,
                RepairPart.Appraisal.NOT_COVERED,
            ):
                errors[f"part_{part.pk}"] = [_("Appraise this part.")]
            else:
                chosen[part.pk] = value
        if errors:
            raise ValidationFailed(fields=errors)
        for part in parts:
            part.appraisal = chosen[part.pk]
            part.save(update_fields=["appraisal", "updated_at"])
        record.appraisal_note = (note or "").strip()
        if record.card is not None and (refusal := card_refusal(record.card, today)):
            return _refuse(record, by=by, reason=refusal, action="shouhou.repair_record.refused")
        covered = [p for p in parts if p.appraisal != RepairPart.Appraisal.NOT_COVERED]
        if parts and not covered:
            return _refuse(
                record,
                by=by,
                reason=_("No replaced part is covered by the three guarantees."),
                action="shouhou.repair_record.refused",
            )
        conf = settings_for(record.organisation_id)
        before = snapshot(record)
        record.parts_cost = quantize(sum((p.unit_price * p.quantity for p in covered), ZERO))
        record.labour_cost = quantize(record.labour_hours * conf.labour_rate)
        record.travel_cost = quantize(Decimal(record.travel_km) * conf.travel_rate)
        record.total_cost = record.parts_cost + record.labour_cost + record.travel_cost
        record.status = S.APPRAISED
        record.save()
        audit_record(
            actor=by,
            action="shouhou.repair_record.appraised",
            obj=record,
            before=before,
            after={**snapshot(record), "parts": {p.pk: p.appraisal for p in parts}},
        )
    return record


def repair_record_approve(*, by: User, record: RepairRecord | int) -> RepairRecord:
    """Finance approves the covered cost of an appraised record."""
    A.require(by, A.FINANCE)
    with transaction.atomic():
        record = _own(RepairRecord, by, record)
        if record.status != S.APPRAISED:
            raise InvalidTransition(
                _("Finance approves only a record the technical department appraised.")
            )
        before = snapshot(record)
        record.status = S.APPROVED
        record.save(update_fields=["status", "updated_at"])
        audit_record(
            actor=by,
            action="shouhou.repair_record.approved",
            obj=record,
            before=before,
            after=snapshot(record),
        )
    return record


def repair_record_refuse(*, by: User, record: RepairRecord | int, reason: str) -> RepairRecord:
    A.require(by, A.TECHNICAL | A.FINANCE)
    errors: dict[str, list[str]] = {}
    reason = _text(reason, "reason", errors, _("Say why it is refused."))
    if errors:
        raise ValidationFailed(fields=errors)
    with transaction.atomic():
        record = _own(RepairRecord, by, record)
        if record.status not in (S.SIGNED, S.RETURNED, S.APPRAISED):
            raise InvalidTransition(_("This record cannot be refused any more."))
        return _refuse(record, by=by, reason=reason, action="shouhou.repair_record.refused")
