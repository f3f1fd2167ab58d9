"""Writes of the dealers app: warranty cards, service tasks, repair records, appraisal,
write-off notices, the dealer's account, stocking plans and spot checks (seed 002 范文2 二, 四).

Every function is one transaction, checks the role and the organisation, and writes an audit
event with the state before and after. Supplier claims are in `claims.py`.
"""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from shouhou.core.audit import audit_record, snapshot
from shouhou.core.errors import (
    DuplicateError,
    InvalidTransition,
    NotFoundError,
    ValidationFailed,
)
from shouhou.core.money import quantize, to_money
from shouhou.core.phones import check_phone
from shouhou.workdays.services import add_working_hours

from . import access as A
from .models import (
    ZERO,
    DealerSettings,
    LedgerEntry,
    RepairPart,
    RepairRecord,
    ServiceTask,
    SpotCheck,
    StockingPlan,
    WarrantyCard,
    WriteOffNotice,
)

settings_for = DealerSettings.for_org
S = RepairRecord.Status


def _text(value, field, errors, message, *, required=True, max_length=None) -> str:
    value = (value or "").strip()
    if required and not value:
        errors[field] = [message]
    if max_length and len(value) > max_length:
        errors[field] = [_("At most %(n)s characters.") % {"n": max_length}]
    return value


def _money(value, field, errors) -> Decimal:
    try:
        amount = to_money(value)
    except ValueError as exc:
        errors[field] = [str(exc)]
        return ZERO
    if amount < 0:
        errors[field] = [_("The amount cannot be negative.")]
    return amount


def _decimal(value, field, errors, places="0.01") -> Decimal:
    try:
        d = Decimal(str(value if value not in (None, "") else "0"))
        if not d.is_finite() or d < 0 or d != d.quantize(Decimal(places)):
            raise ValueError
        return d
    except Exception:
        errors[field] = [_("A number, zero or more.")]
        return ZERO


def _own(model, user, obj):
    """Load `obj` (or its pk) of `model` in the user's organisation, and for a dealer's login
    only of its own dealer; NotFoundError otherwise."""
    pk = getattr(obj, "pk", obj)
    try:
        pk = int(pk)
    except (TypeError, ValueError):
        raise NotFoundError() from None
    qs = model.objects.filter(pk=pk, organisation_id=user.organisation_id)
    dealer = A.member_dealer(user)
    if dealer is not None:
        qs = qs.filter(dealer=dealer)
    row = qs.select_for_update().first()
    if row is None:
        raise NotFoundError()
    return row


def _next_number(model, organisation, prefix: str) -> str:
    n = model.objects.filter(organisation=organisation, number__startswith=prefix).count() + 1
    while model.objects.filter(organisation=organisation, number=f"{prefix}{n:04d}").exists():
        n += 1
    return f"{prefix}{n:04d}"


# Warranty registration cards (三包回执卡) ---------------------------------------------------


def card_register(
    *,
    by,
    dealer,
    number: str,
    product,
    customer_name: str,
    customer_phone: str,
    sold_on: dt.date | None,
    customer_address: str = "",
    serial: str = "",
    contract=None,
    today: dt.date | None = None,
) -> WarrantyCard:
    """A dealer's sale with the customer's details; the card is due `card_due_days` calendar
    days after the sale (范文2 二.2)."""
    dealer = A.dealer_get(by, dealer)
    A.require_dealer_or(by, dealer, A.OFFICE)
    today = today or timezone.localdate()
    errors: dict = {}
    number = _text(number, "number", errors, _("Give the card number."), max_length=40)
    customer_name = _text(customer_name, "customer_name", errors, _("Give the customer's name."))
    try:
        customer_phone = check_phone("customer_phone", customer_phone)
    except ValidationFailed as exc:
        errors.update(exc.fields)
    if product is None:
        errors["product"] = [_("Choose the product.")]
    elif product.organisation_id != by.organisation_id:
        errors["product"] = [_("Not found.")]
    if sold_on is None:
        errors["sold_on"] = [_("Give the date of the sale.")]
    elif sold_on > today:
        errors["sold_on"] = [_("The sale cannot be in the future.")]
    if contract is not None and contract.organisation_id != by.organisation_id:
        errors["contract"] = [_("Not found.")]
    if errors:
        raise ValidationFailed(fields=errors)
    conf = settings_for(by.organisation_id)
    try:
        with transaction.atomic():
            card = WarrantyCard.objects.create(
                organisation_id=by.organisation_id,
                number=number,
                dealer=dealer,
                contract=contract,
                product=product,
                serial=(serial or "").strip(),
                customer_name=customer_name,
                customer_phone=customer_phone,
                customer_address=(customer_address or "").strip(),
                sold_on=sold_on,
                due_on=sold_on + dt.timedelta(days=conf.card_due_days),
                registered_by=by,
            )
            audit_record(
                actor=by, action="shouhou.warranty_card.registered", obj=card, after=snapshot(card)
            )
    except IntegrityError:
        raise DuplicateError(
            _("This card (or this contract's card) is registered already."),
            fields={"number": [_("This card (or this contract's card) is registered already.")]},
        ) from None
    return card


def card_receive(*, by, card, received_on: dt.date | None = None) -> WarrantyCard:
    """The card reached the company (the sales office records the day it arrived)."""
    A.require(by, A.OFFICE)
    today = timezone.localdate()
    received_on = received_on or today
    with transaction.atomic():
        card = _own(WarrantyCard, by, card)
        if card.received_on is not None:
            raise InvalidTransition(_("This card was received already."))
        if received_on < card.sold_on:
            raise ValidationFailed(
                fields={"received_on": [_("The card cannot arrive before the sale.")]}
            )
        if received_on > today:
            raise ValidationFailed(fields={"received_on": [_("This day is in the future.")]})
        before = snapshot(card)
        card.received_on = received_on
        card.received_by = by
        card.save(update_fields=["received_on", "received_by", "updated_at"])
        audit_record(
            actor=by,
            action="shouhou.warranty_card.received",
            obj=card,
            before=before,
            after=snapshot(card),
            note=_("late") if card.received_on > card.due_on else "",
        )
    return card


def card_refusal(card: WarrantyCard, on: dt.date) -> str | None:
    """Why warranty service on this dealer's sale is not recognised (None: it is)."""
    if card.received_on is not None and card.received_on > card.due_on:
        return _(
            "Card returned late: not recognised — warranty registration card %(number)s was due "
            "by %(due)s and reached us on %(received)s; we repair at the cost of materials and "
            "labour."
        ) % {"number": card.number, "due": card.due_on, "received": card.received_on}
    if card.received_on is None and on > card.due_on:
        return _(
            "Card not returned in time: not recognised — warranty registration card %(number)s "
            "was due by %(due)s; we repair at the cost of materials and labour."
        ) % {"number": card.number, "due": card.due_on}
    return None


def late_card_check(*, organisation, contract, product, sold_on, on) -> str | None:
    """Registered with `promises.services.register_warranty_check`."""
    if contract is None:
        return None
    card = WarrantyCard.objects.filter(
        organisation_id=getattr(organisation, "pk", organisation), contract=contract
    ).first()
    return card_refusal(card, on) if card is not None else None


# Service tasks (产品售后服务登记表) ----------------------------------------------------------


def _task_fields(by, *, channel, customer_name, customer_phone, problem, card, dealer):
    errors: dict = {}
    if channel not in ServiceTask.Channel.values:
        errors["channel"] = [_("Choose call, letter or visit.")]
    customer_name = _text(customer_name, "customer_name", errors, _("Give the customer's name."))
    problem = _text(problem, "problem", errors, _("Describe the problem."))
    try:
        customer_phone = check_phone("customer_phone", customer_phone)
    except ValidationFailed as exc:
        errors.update(exc.fields)
    if card is not None and (
        card.organisation_id != by.organisation_id or card.dealer_id != dealer.pk
    ):
        errors["card"] = [_("This card is not one of this dealer's.")]
    if errors:
        raise ValidationFailed(fields=errors)
    return customer_name, customer_phone, problem


def _task_create(by, *, source, dealer, channel, customer_name, customer_phone, problem, card, now):
    customer_name, customer_phone, problem = _task_fields(
        by,
        channel=channel,
        customer_name=customer_name,
        customer_phone=customer_phone,
        problem=problem,
        card=card,
        dealer=dealer,
    )
    now = now or timezone.now()
    conf = settings_for(by.organisation_id)
    with transaction.atomic():
        task = ServiceTask.objects.create(
            organisation_id=by.organisation_id,
            dealer=dealer,
            source=source,
            channel=channel,
            card=card,
            customer_name=customer_name,
            customer_phone=customer_phone,
            problem=problem,
            received_at=now,
            arrange_due_at=add_working_hours(
                now, float(conf.arrange_within_hours), by.organisation_id
            ),
            created_by=by,
        )
        audit_record(
            actor=by, action=f"shouhou.dealer_task.{source}", obj=task, after=snapshot(task)
        )
    return task


def task_forward(
    *, by, dealer, channel, customer_name, customer_phone, problem, card=None, now=None
) -> ServiceTask:
    """The sales office forwards a request to a dealer: to be arranged within
    `arrange_within_hours` working hours (范文2 二.6, 四.2)."""
    dealer = A.dealer_get(by, dealer)
    A.require(by, A.OFFICE)
    return _task_create(
        by,
        source=ServiceTask.Source.FORWARDED,
        dealer=dealer,
        channel=channel,
        customer_name=customer_name,
        customer_phone=customer_phone,
        problem=problem,
        card=card,
        now=now,
    )


def task_log(
    *, by, dealer, channel, customer_name, customer_phone, problem, card=None, now=None
) -> ServiceTask:
    """A call, letter or visit the dealer received itself (its own intake log)."""
    dealer = A.dealer_get(by, dealer)
    A.require_dealer_or(by, dealer, A.OFFICE)
    return _task_create(
        by,
        source=ServiceTask.Source.OWN,
        dealer=dealer,
        channel=channel,
        customer_name=customer_name,
        customer_phone=customer_phone,
        problem=problem,
        card=card,
        now=now,
    )


def task_arrange(*, by, task, arrangement: str, customer_told: bool, now=None) -> ServiceTask:
    """The dealer arranged the service and told the customer."""
    errors: dict = {}
    arrangement = _text(arrangement, "arrangement", errors, _("Say what was arranged."))
    if not customer_told:
        errors["customer_told"] = [_("The customer must be told of the arrangement.")]
    if errors:
        raise ValidationFailed(fields=errors)
    now = now or timezone.now()
    with transaction.atomic():
        task = _own(ServiceTask, by, task)
        A.require_dealer_or(by, task.dealer, A.OFFICE)
        if task.arranged_at is not None:
            raise InvalidTransition(_("This task is arranged already."))
        before = snapshot(task)
        task.arranged_at = now
        task.customer_told_at = now
        task.arrangement = arrangement
        task.save(update_fields=["arranged_at", "customer_told_at", "arrangement", "updated_at"])
        audit_record(
            actor=by,
            action="shouhou.dealer_task.arranged",
            obj=task,
            before=before,
            after=snapshot(task),
            note="" if task.arranged_in_time else _("arranged late"),
        )
    return task


def task_close(*, by, task, outcome: str) -> ServiceTask:
    errors: dict = {}
    outcome = _text(outcome, "outcome", errors, _("Write down the outcome."))
    if errors:
        raise ValidationFailed(fields=errors)
    with transaction.atomic():
        task = _own(ServiceTask, by, task)
        A.require_dealer_or(by, task.dealer, A.OFFICE)
        if task.arranged_at is None:
            raise InvalidTransition(_("Arrange the service first."))
        if task.outcome:
            raise InvalidTransition(_("The outcome is recorded already."))
        before = snapshot(task)
        task.outcome = outcome
        task.save(update_fields=["outcome", "updated_at"])
        audit_record(
            actor=by,
            action="shouhou.dealer_task.closed",
            obj=task,
            before=before,
            after=snapshot(task),
        )
    return task


# Repair records (三包维修记录) ---------------------------------------------------------------


def repair_record_create(
    *,
    by,
    dealer,
    customer_name: str,
    fault: str,
    work_done: str,
    repaired_on: dt.date | None,
    signed_by_customer: str,
    parts: list[dict] | None = None,
    labour_hours=0,
    travel_km=0,
    card=None,
    task=None,
    today: dt.date | None = None,
) -> RepairRecord:
    """A three-guarantee repair signed by the customer, with the replaced parts; due back with
    the old parts by the next return date (四.3)."""
    dealer = A.dealer_get(by, dealer)
    A.require_dealer_or(by, dealer, A.OFFICE)
    today = today or timezone.localdate()
    errors: dict = {}
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
    for name, obj in (("card", card), ("task", task)):
        if obj is not None and (
            obj.organisation_id != by.organisation_id or obj.dealer_id != dealer.pk
        ):
            errors[name] = [_("Not one of this dealer's.")]
    rows = []
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
    conf = settings_for(by.organisation_id)
    due = conf.next_return_date(repaired_on)
    if due is None:
        raise ValidationFailed(
            _("The organisation has no return dates for repair records; set them first."),
            code="no_return_dates",
        )
    with transaction.atomic():
        record = RepairRecord.objects.create(
            organisation_id=by.organisation_id,
            number=_next_number(RepairRecord, by.organisation_id, f"SB{repaired_on:%Y%m}-"),
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
                organisation_id=by.organisation_id,
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


def _refuse(record: RepairRecord, *, by, reason: str, action: str) -> RepairRecord:
    before = snapshot(record)
    record.status = S.REFUSED
    record.refused_reason = reason
    record.total_cost = ZERO
    record.save()
    audit_record(actor=by, action=action, obj=record, before=before, after=snapshot(record))
    return record


def repair_record_receive(
    *, by, record, old_parts_back: bool, returned_on: dt.date | None = None
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
    *, by, record, appraisals: dict, note: str = "", today: dt.date | None = None
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
        errors: dict = {}
        chosen = {}
        for part in parts:
            value = appraisals.get(part.pk, appraisals.get(str(part.pk)))
            if value not in (
                RepairPart.Appraisal.USABLE,
                RepairPart.Appraisal.SCRAP,
                RepairPart.Appraisal.NOT_COVERED,
            ):
                errors[f"part_{part.pk}"] = [_("Appraise this part.")]
            chosen[part.pk] = value
        if errors:
            raise ValidationFailed(fields=errors)
        for part in parts:
            part.appraisal = chosen[part.pk]
            part.save(update_fields=["appraisal", "updated_at"])
        record.appraisal_note = (note or "").strip()
        if record.card_id and (refusal := card_refusal(record.card, today)):
            return _refuse(record, by=by, reason=refusal, action="shouhou.repair_record.refused")
        covered = [p for p in parts if p.appraisal != RepairPart.Appraisal.NOT_COVERED]
        if parts and not covered:
            return _refuse(
                record,
                by=by,
                reason=_("No replaced part is covered by the three guarantees."),
                action="shouhou.repair_record.refused",
            )
        conf = settings_for(by.organisation_id)
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


def repair_record_approve(*, by, record) -> RepairRecord:
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


def repair_record_refuse(*, by, record, reason: str) -> RepairRecord:
    A.require(by, A.TECHNICAL | A.FINANCE)
    errors: dict = {}
    reason = _text(reason, "reason", errors, _("Say why it is refused."))
    if errors:
        raise ValidationFailed(fields=errors)
    with transaction.atomic():
        record = _own(RepairRecord, by, record)
        if record.status not in (S.SIGNED, S.RETURNED, S.APPRAISED):
            raise InvalidTransition(_("This record cannot be refused any more."))
        return _refuse(record, by=by, reason=reason, action="shouhou.repair_record.refused")


# Write-off notices (三包费用核销通知) and the dealer's account ---------------------------------


def writeoff_issue(*, by, dealer, now=None) -> WriteOffNotice:
    """Finance issues the notice for every approved record of the dealer not yet on one."""
    dealer = A.dealer_get(by, dealer)
    A.require(by, A.FINANCE)
    now = now or timezone.now()
    with transaction.atomic():
        records = list(
            RepairRecord.objects.select_for_update().filter(
                organisation_id=by.organisation_id,
                dealer=dealer,
                status=S.APPROVED,
                notice__isnull=True,
            )
        )
        if not records:
            raise ValidationFailed(
                _("This dealer has no approved repair record to write off."),
                code="nothing_to_write_off",
            )
        notice = WriteOffNotice.objects.create(
            organisation_id=by.organisation_id,
            number=_next_number(
                WriteOffNotice, by.organisation_id, f"HX{timezone.localtime(now):%Y%m}-"
            ),
            dealer=dealer,
            amount=sum((r.total_cost for r in records), ZERO),
            issued_at=now,
            issued_by=by,
        )
        RepairRecord.objects.filter(pk__in=[r.pk for r in records]).update(notice=notice)
        audit_record(
            actor=by,
            action="shouhou.writeoff_notice.issued",
            obj=notice,
            after={**snapshot(notice), "records": [r.number for r in records]},
        )
    return notice


def writeoff_confirm(*, by, notice, now=None) -> WriteOffNotice:
    """The dealer confirms the notice; the amount is deducted from what the dealer owes (四.6).
    Finance may record a confirmation the dealer gave in writing."""
    now = now or timezone.now()
    with transaction.atomic():
        notice = _own(WriteOffNotice, by, notice)
        A.require_dealer_or(by, notice.dealer, A.FINANCE)
        if notice.confirmed_at is not None:
            raise InvalidTransition(_("This notice is confirmed already."))
        before = snapshot(notice)
        notice.confirmed_at = now
        notice.confirmed_by = by
        notice.save(update_fields=["confirmed_at", "confirmed_by", "updated_at"])
        LedgerEntry.objects.create(
            organisation_id=notice.organisation_id,
            dealer=notice.dealer,
            on=timezone.localtime(now).date(),
            kind=LedgerEntry.Kind.WRITE_OFF,
            amount=-notice.amount,
            description=_("Write-off notice %(number)s") % {"number": notice.number},
            notice=notice,
            created_by=by,
        )
        notice.records.update(status=S.WRITTEN_OFF)
        audit_record(
            actor=by,
            action="shouhou.writeoff_notice.confirmed",
            obj=notice,
            before=before,
            after=snapshot(notice),
        )
    return notice


def ledger_post(
    *, by, dealer, kind: str, amount, on: dt.date | None, description: str
) -> LedgerEntry:
    """Finance books goods charged to the dealer or a payment received."""
    dealer = A.dealer_get(by, dealer)
    A.require(by, A.FINANCE)
    errors: dict = {}
    if kind not in (LedgerEntry.Kind.CHARGE, LedgerEntry.Kind.PAYMENT):
        errors["kind"] = [_("Choose goods charged or payment received.")]
    value = _money(amount, "amount", errors)
    if "amount" not in errors and value <= 0:
        errors["amount"] = [_("The amount must be more than zero.")]
    description = _text(description, "description", errors, _("Describe the entry."))
    if on is None:
        errors["on"] = [_("Give the date.")]
    if errors:
        raise ValidationFailed(fields=errors)
    with transaction.atomic():
        entry = LedgerEntry.objects.create(
            organisation_id=by.organisation_id,
            dealer=dealer,
            on=on,
            kind=kind,
            amount=value if kind == LedgerEntry.Kind.CHARGE else -value,
            description=description,
            created_by=by,
        )
        audit_record(
            actor=by, action="shouhou.dealer_ledger.posted", obj=entry, after=snapshot(entry)
        )
    return entry


# Dealer obligations ----------------------------------------------------------------------


def stocking_plan_record(
    *, by, dealer, season_start: dt.date | None, items: str, submitted_on: dt.date | None = None
) -> StockingPlan:
    """The dealer's parts stocking plan for a season (due `stocking_plan_days` before it, 二.7)."""
    dealer = A.dealer_get(by, dealer)
    A.require_dealer_or(by, dealer, A.OFFICE)
    submitted_on = submitted_on or timezone.localdate()
    errors: dict = {}
    items = _text(items, "items", errors, _("List the parts and quantities."))
    if season_start is None:
        errors["season_start"] = [_("Give the day the season starts.")]
    if errors:
        raise ValidationFailed(fields=errors)
    try:
        with transaction.atomic():
            plan = StockingPlan.objects.create(
                organisation_id=by.organisation_id,
                dealer=dealer,
                season_start=season_start,
                submitted_on=submitted_on,
                items=items,
                created_by=by,
            )
            audit_record(
                actor=by, action="shouhou.stocking_plan.recorded", obj=plan, after=snapshot(plan)
            )
    except IntegrityError:
        raise DuplicateError(
            fields={"season_start": [_("This season's plan is recorded already.")]}
        ) from None
    return plan


def spot_check_record(
    *, by, dealer, checked_on: dt.date | None, records_checked, findings: str
) -> SpotCheck:
    """The sales representative's spot check of the dealer's repair records (四.5)."""
    dealer = A.dealer_get(by, dealer)
    A.require(by, A.SPOT_CHECKERS)
    errors: dict = {}
    findings = _text(findings, "findings", errors, _("Write down the findings."))
    if checked_on is None:
        errors["checked_on"] = [_("Give the day of the check.")]
    elif checked_on > timezone.localdate():
        errors["checked_on"] = [_("This day is in the future.")]
    try:
        n = int(records_checked or 0)
        if n < 0:
            raise ValueError
    except (TypeError, ValueError):
        errors["records_checked"] = [_("A whole number, zero or more.")]
        n = 0
    if errors:
        raise ValidationFailed(fields=errors)
    with transaction.atomic():
        check = SpotCheck.objects.create(
            organisation_id=by.organisation_id,
            dealer=dealer,
            checked_on=checked_on,
            checked_by=by,
            records_checked=n,
            findings=findings,
        )
        audit_record(
            actor=by, action="shouhou.spot_check.recorded", obj=check, after=snapshot(check)
        )
    return check
