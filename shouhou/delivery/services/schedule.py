"""Planning a delivery: schedule from a paid contract, reconfirm, reschedule, cancel."""

from __future__ import annotations

from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from shouhou.catalog import inputs
from shouhou.core.audit import audit_record, snapshot
from shouhou.core.dates import add_months
from shouhou.core.errors import (
    Conflict,
    ValidationFailed,
)
from shouhou.sales.models import Contract
from shouhou.sales.services import (
    contract_change_delivery,
)

from .. import signals
from ..models import Delivery, DeliveryTask, WorkshopRequest
from .common import (
    SCHEDULER_ROLES,
    SUPERVISOR_ROLES,
    S,
    _check,
    _lock,
    _move,
    _require,
    _task_done,
    _today,
    reconfirm_date,
    settings_for,
    workshop_due,
)


def _contract_problems(contract: Contract) -> dict:
    """Seed 003: the order must be complete (real name, phone, clear address, goods)."""
    errors: dict = {}
    customer = contract.customer
    if contract.status != Contract.Status.CONFIRMED:
        inputs.add(
            errors,
            "contract",
            _("Only a confirmed contract can be delivered (this one is %(status)s).")
            % {"status": contract.get_status_display()},
        )
    if not customer.name_is_full:
        inputs.add(errors, "contract", _("The customer's real full name is missing."))
    if not customer.mobile:
        inputs.add(errors, "contract", _("The customer's phone number is missing."))
    if not contract.lines.exists():
        inputs.add(errors, "contract", _("The contract has no goods."))
    return errors


def _address(contract: Contract, district, address, errors) -> tuple[str, str]:
    district = inputs.text(district, "district", errors, max_length=30)
    address = inputs.text(address, "address", errors, max_length=200)
    if not address:
        address = contract.delivery_address
    if address and address == contract.delivery_address:
        district = district or contract.delivery_district
    if not address and contract.customer.default_address is not None:
        a = contract.customer.default_address
        address, district = str(a)[:200], district or a.district
    if not address and "address" not in errors:
        inputs.add(errors, "address", _("A delivery needs a clear delivery address."))
    return district, address


@transaction.atomic
def delivery_schedule(
    *,
    by,
    contract,
    scheduled_date,
    district: str = "",
    address: str = "",
    in_transit_since=None,
) -> Delivery:
    """Agree the delivery date of a complete contract (sales with the customer and supervisor)."""
    org_id = _require(by, *SCHEDULER_ROLES)
    pk = contract.pk if isinstance(contract, Contract) else inputs.as_id(contract)
    c = (
        Contract.objects.select_for_update()
        .select_related("customer")
        .filter(organisation_id=org_id, pk=pk)
        .first()
        if pk
        else None
    )
    if c is None:
        raise ValidationFailed(fields={"contract": [inputs.UNKNOWN]})
    errors = _contract_problems(c)
    today = _today()
    day = inputs.date(scheduled_date, "scheduled_date", errors, required=True)
    if day is not None and day < today:
        inputs.add(errors, "scheduled_date", _("The delivery date is in the past."))
    since = inputs.date(in_transit_since, "in_transit_since", errors) or c.signed_on
    if since > today:
        inputs.add(errors, "in_transit_since", _("This date is in the future."))
    district, address = _address(c, district, address, errors)
    if errors:
        raise ValidationFailed(fields=errors)
    if Delivery.objects.filter(contract=c).exclude(status=S.CANCELLED).exists():
        raise Conflict(
            _("This contract already has a delivery; reschedule it instead."), code="duplicate"
        )

    contract_change_delivery(
        by=by,
        contract=c,
        delivery_date=day,
        delivery_district=district,
        delivery_address=address,
        note=_("Delivery scheduled"),
    )
    cfg = settings_for(org_id)
    try:
        with transaction.atomic():
            d = Delivery.objects.create(
                organisation_id=org_id,
                contract=c,
                customer=c.customer,
                scheduled_date=day,
                district=district,
                address=address,
                in_transit_since=since,
                storage_limit_on=add_months(since, cfg.storage_limit_months),
                reconfirm_due_on=reconfirm_date(day, today, org_id),
                workshop_due_on=workshop_due(day, org_id),
                created_by=by,
            )
    except IntegrityError as exc:
        raise Conflict(
            _("This contract already has a delivery; reschedule it instead."), code="duplicate"
        ) from exc
    audit_record(actor=by, action="shouhou.delivery.scheduled", obj=d, after=snapshot(d))
    signals.delivery_scheduled.publish(sender=Delivery, delivery=d, by=by)
    return d


@transaction.atomic
def delivery_reconfirm(*, by, delivery, note: str = "") -> Delivery:
    """The supervisor re-confirmed date and address with the customer (2 weeks before)."""
    _require(by, *SUPERVISOR_ROLES)
    d = _lock(by, delivery)
    before = snapshot(d, ["status", "reconfirmed_at"])
    d = _move(d, "reconfirm", S.RECONFIRMED, reconfirmed_at=timezone.now())
    _task_done(d, DeliveryTask.Kind.RECONFIRM)
    audit_record(
        actor=by,
        action="shouhou.delivery.reconfirmed",
        obj=d,
        before=before,
        after=snapshot(d, ["status", "reconfirmed_at"]),
        note=note,
    )
    return d


@transaction.atomic
def delivery_reschedule(
    *, by, delivery, scheduled_date, district=None, address=None, note: str = ""
) -> Delivery:
    """A new date (and address): deadlines are worked out again; open work follows the date."""
    org_id = _require(by, *SCHEDULER_ROLES)
    d = _lock(by, delivery)
    _check(d, "reschedule")
    errors: dict = {}
    today = _today()
    day = inputs.date(scheduled_date, "scheduled_date", errors, required=True)
    if day is not None and day < today:
        inputs.add(errors, "scheduled_date", _("The delivery date is in the past."))
    new_district, new_address = d.district, d.address
    if address not in (None, ""):
        new_address = inputs.text(address, "address", errors, max_length=200)
    if district is not None:
        new_district = inputs.text(district, "district", errors, max_length=30)
    note = inputs.text(note, "note", errors, max_length=500)
    if errors:
        raise ValidationFailed(fields=errors)

    contract_change_delivery(
        by=by,
        contract=d.contract,
        delivery_date=day,
        delivery_district=new_district,
        delivery_address=new_address,
        note=note or _("Delivery rescheduled"),
    )
    fields = ["status", "scheduled_date", "address", "district", "reconfirm_due_on"]
    before = snapshot(d, [*fields, "workshop_due_on"])
    due = workshop_due(day, org_id)
    d = _move(
        d,
        "reschedule",
        S.WORKSHOP_DONE if d.status == S.WORKSHOP_DONE else S.SCHEDULED,
        scheduled_date=day,
        district=new_district,
        address=new_address,
        reconfirm_due_on=reconfirm_date(day, today, org_id),
        reconfirmed_at=None,
        workshop_due_on=due,
        customer_confirmed_at=None,
        rescheduled_count=d.rescheduled_count + 1,
    )
    WorkshopRequest.objects.filter(delivery=d).exclude(
        status=WorkshopRequest.Status.ACCEPTED
    ).update(due_on=due)
    audit_record(
        actor=by,
        action="shouhou.delivery.rescheduled",
        obj=d,
        before=before,
        after=snapshot(d, [*fields, "workshop_due_on"]),
        note=note,
    )
    return d


@transaction.atomic
def delivery_cancel(*, by, delivery, reason: str) -> Delivery:
    _require(by, *SCHEDULER_ROLES)
    d = _lock(by, delivery)
    errors: dict = {}
    reason = inputs.text(reason, "reason", errors, max_length=200, required=True)
    if errors:
        raise ValidationFailed(fields=errors)
    before = snapshot(d, ["status"])
    d = _move(d, "cancel", S.CANCELLED, cancelled_at=timezone.now(), cancel_reason=reason)
    DeliveryTask.objects.filter(delivery=d, status=DeliveryTask.Status.OPEN).update(
        status=DeliveryTask.Status.DONE, done_at=timezone.now()
    )
    signals.delivery_cancelled.publish(sender=Delivery, delivery=d, reason=reason, by=by)
    audit_record(
        actor=by,
        action="shouhou.delivery.cancelled",
        obj=d,
        before=before,
        after=snapshot(d, ["status", "cancel_reason"]),
        note=reason,
    )
    return d
