"""Every write to deliveries (送货与检修, seed 003): schedule, re-confirm, reschedule, workshop
requests and their inspection, crew and vehicle, loading checklist, balance, signature and
opinion form, report to customer service, issues, tasks. Each function is one audited
transaction; status changes are guarded updates (0 rows: someone else changed it first).

Money: the crew records the balance it collected on the delivery (checked against the contract's
balance due); customer service posts it to the contract with `contract_record_payment` when the
crew reports back at base (the sales app lets only office roles record payments).
"""

from __future__ import annotations

import base64
import binascii
import datetime as dt
import re

from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from shouhou.catalog import inputs
from shouhou.core.audit import audit_record, snapshot
from shouhou.core.dates import add_months
from shouhou.core.errors import (
    Conflict,
    InvalidTransition,
    NotFoundError,
    PermissionDeniedError,
    ValidationFailed,
)
from shouhou.customers.services import customer_complete_archive
from shouhou.org import roles as r
from shouhou.sales.models import Contract, PaymentMethod
from shouhou.sales.services import (
    contract_change_delivery,
    contract_mark_delivered,
    contract_record_payment,
)
from shouhou.staff.models import ServiceStaff, WorkKind
from shouhou.staff.services import can_work, staff_for_user
from shouhou.workdays.services import add_working_days, is_working_day

from . import signals
from .models import Delivery, DeliveryIssue, DeliverySettings, DeliveryTask, WorkshopRequest

S = Delivery.Status
SCHEDULER_ROLES = (r.SALES, r.CS_SUPERVISOR, r.CS_MANAGER)
SUPERVISOR_ROLES = (r.CS_SUPERVISOR, r.CS_MANAGER)
WORKSHOP_ROLES = (r.WORKSHOP_SUPERVISOR,)
REPORT_ROLES = (r.CLERK, r.CS_SUPERVISOR, r.CS_MANAGER, r.SERVICE_DESK)
MAX_SIGNATURE_BYTES = 300_000
ACTIVE = (S.SCHEDULED, S.RECONFIRMED, S.WORKSHOP_DONE, S.LOADED, S.OUT)

# Which action is allowed from which status (anything else raises InvalidTransition).
ALLOWED_FROM = {
    "reconfirm": {S.SCHEDULED},
    "reschedule": {S.SCHEDULED, S.RECONFIRMED, S.WORKSHOP_DONE},
    "workshop_request": {S.SCHEDULED, S.RECONFIRMED},
    "workshop_done": {S.SCHEDULED, S.RECONFIRMED},
    "assign": {S.SCHEDULED, S.RECONFIRMED, S.WORKSHOP_DONE},
    "confirm_customer": {S.SCHEDULED, S.RECONFIRMED, S.WORKSHOP_DONE, S.LOADED},
    "load": {S.WORKSHOP_DONE},
    "depart": {S.LOADED},
    "collect": {S.OUT},
    "complete": {S.OUT},
    "report": {S.DELIVERED},
    "cancel": {S.SCHEDULED, S.RECONFIRMED, S.WORKSHOP_DONE, S.LOADED},
}


# --- helpers --------------------------------------------------------------------------------


settings_for = DeliverySettings.for_org  # created with the defaults on first use (cached)


def _today() -> dt.date:
    return timezone.localdate()


def _org_id(by) -> int:
    org_id = getattr(by, "organisation_id", None)
    if not org_id:
        raise PermissionDeniedError(
            _("Only a member of an organisation can do this."), code="no_organisation"
        )
    return org_id


def _require(by, *roles) -> int:
    r.require_role(by, *roles)
    return _org_id(by)


def _lock(by, delivery) -> Delivery:
    pk = delivery.pk if isinstance(delivery, Delivery) else inputs.as_id(delivery)
    row = (
        Delivery.objects.select_for_update()
        .filter(organisation_id=getattr(by, "organisation_id", None), pk=pk)
        .first()
        if pk
        else None
    )
    if row is None:
        raise NotFoundError()
    return row


def _check(d: Delivery, action: str) -> None:
    if d.status not in ALLOWED_FROM[action]:
        raise InvalidTransition(
            _("Not possible for a delivery that is %(status)s.")
            % {"status": d.get_status_display()}
        )


def _move(d: Delivery, action: str, new_status: str | None = None, **values) -> Delivery:
    """Guarded update from the status we read; 0 rows means someone else changed it first."""
    _check(d, action)
    values["updated_at"] = timezone.now()
    if new_status:
        values["status"] = new_status
    if not Delivery.objects.filter(pk=d.pk, status=d.status).update(**values):
        raise InvalidTransition(_("The delivery changed meanwhile; please reload."))
    d.refresh_from_db()
    return d


def _is_crew_of(by, d: Delivery) -> bool:
    if not r.has_role(by, r.DELIVERY_CREW) or d.crew_id is None:
        return False
    staff = staff_for_user(by)
    return staff is not None and staff.pk == d.crew_id


def _require_crew(by, d: Delivery) -> None:
    """The delivery's own crew (or a customer-service supervisor on its behalf)."""
    if r.has_role(by, *SUPERVISOR_ROLES) or _is_crew_of(by, d):
        return
    if r.has_role(by, r.DELIVERY_CREW):
        raise NotFoundError()  # another crew's run: ids do not leak
    raise PermissionDeniedError()


def reconfirm_date(scheduled: dt.date, today: dt.date, organisation) -> dt.date | None:
    """For a delivery further away than the lead, the day to re-confirm it (a working day)."""
    lead = settings_for(organisation).reconfirm_lead_days
    if (scheduled - today).days <= lead:
        return None
    day = scheduled - dt.timedelta(days=lead)  # "two weeks before" is a calendar interval
    if not is_working_day(day, organisation):
        day = add_working_days(day, -1, organisation)
    return max(day, today)


def workshop_due(scheduled: dt.date, organisation) -> dt.date:
    n = settings_for(organisation).workshop_due_working_days
    return add_working_days(scheduled, -n, organisation) if n else scheduled


_OFFSET = re.compile(r"^(\d{1,3})([dm])$")


def callback_offsets(organisation) -> list[str]:
    raw = settings_for(organisation).callback_offsets
    return [p.strip() for p in raw.split(",") if _OFFSET.match(p.strip())]


def callback_due(delivered_on: dt.date, offset: str, organisation) -> dt.date:
    n, unit = _OFFSET.match(offset).groups()
    if unit == "d":
        return add_working_days(delivered_on, int(n), organisation)
    return add_working_days(add_months(delivered_on, int(n)), 0, organisation)


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


def _task_done(d: Delivery, kind: str) -> None:
    DeliveryTask.objects.filter(delivery=d, kind=kind, status=DeliveryTask.Status.OPEN).update(
        status=DeliveryTask.Status.DONE, done_at=timezone.now()
    )


# --- scheduling -----------------------------------------------------------------------------


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


# --- workshop -------------------------------------------------------------------------------


@transaction.atomic
def workshop_request_create(*, by, delivery, description: str) -> WorkshopRequest:
    """维修保养需求单 to the workshop; due the configured working days before delivery."""
    org_id = _require(by, *SUPERVISOR_ROLES)
    d = _lock(by, delivery)
    _check(d, "workshop_request")
    errors: dict = {}
    description = inputs.text(description, "description", errors, max_length=2000, required=True)
    if errors:
        raise ValidationFailed(fields=errors)
    req = WorkshopRequest.objects.create(
        organisation_id=org_id,
        delivery=d,
        description=description,
        due_on=d.workshop_due_on,
        created_by=by,
    )
    audit_record(actor=by, action="shouhou.workshop_request.created", obj=req, after=snapshot(req))
    return req


def _lock_request(by, request) -> WorkshopRequest:
    pk = request.pk if isinstance(request, WorkshopRequest) else inputs.as_id(request)
    row = (
        WorkshopRequest.objects.select_for_update()
        .select_related("delivery")
        .filter(organisation_id=getattr(by, "organisation_id", None), pk=pk)
        .first()
        if pk
        else None
    )
    if row is None:
        raise NotFoundError()
    return row


def _request_move(req: WorkshopRequest, old: str, new: str, **values) -> WorkshopRequest:
    if req.status != old or not WorkshopRequest.objects.filter(pk=req.pk, status=old).update(
        status=new, updated_at=timezone.now(), **values
    ):
        raise InvalidTransition(
            _("Not possible for a request that is %(status)s.")
            % {"status": req.get_status_display()}
        )
    req.refresh_from_db()
    return req


@transaction.atomic
def workshop_request_done(*, by, request, note: str = "") -> WorkshopRequest:
    """The workshop finished the work and hands the request back for inspection."""
    _require(by, *WORKSHOP_ROLES)
    req = _lock_request(by, request)
    errors: dict = {}
    note = inputs.text(note, "note", errors, max_length=2000)
    if errors:
        raise ValidationFailed(fields=errors)
    req = _request_move(
        req, WorkshopRequest.Status.OPEN, WorkshopRequest.Status.DONE,
        done_at=timezone.now(), work_note=note,
    )  # fmt: skip
    audit_record(actor=by, action="shouhou.workshop_request.done", obj=req, note=note)
    return req


@transaction.atomic
def workshop_request_inspect(*, by, request, passed: bool, note: str = "") -> WorkshopRequest:
    """The supervisor inspects: passed work is accepted, failed work goes back to the workshop.
    When every request of the delivery is accepted the delivery is ready for loading."""
    _require(by, *SUPERVISOR_ROLES)
    req = _lock_request(by, request)
    errors: dict = {}
    note = inputs.text(note, "note", errors, max_length=2000, required=not passed)
    if errors:
        raise ValidationFailed(fields=errors)
    if passed:
        req = _request_move(
            req, WorkshopRequest.Status.DONE, WorkshopRequest.Status.ACCEPTED,
            accepted_at=timezone.now(), inspect_note=note,
        )  # fmt: skip
    else:
        req = _request_move(
            req, WorkshopRequest.Status.DONE, WorkshopRequest.Status.OPEN,
            returned_count=req.returned_count + 1, inspect_note=note,
        )  # fmt: skip
    audit_record(
        actor=by,
        action="shouhou.workshop_request.accepted"
        if passed
        else "shouhou.workshop_request.returned",
        obj=req,
        note=note,
    )
    d = _lock(by, req.delivery_id)
    pending = d.workshop_requests.exclude(status=WorkshopRequest.Status.ACCEPTED).exists()
    if passed and not pending and d.status in ALLOWED_FROM["workshop_done"]:
        _workshop_done(by, d)
    return req


def _workshop_done(by, d: Delivery) -> Delivery:
    before = snapshot(d, ["status"])
    d = _move(d, "workshop_done", S.WORKSHOP_DONE)
    _task_done(d, DeliveryTask.Kind.WORKSHOP_LATE)
    audit_record(
        actor=by,
        action="shouhou.delivery.workshop_done",
        obj=d,
        before=before,
        after=snapshot(d, ["status"]),
    )
    return d


@transaction.atomic
def delivery_workshop_done(*, by, delivery) -> Delivery:
    """Inspection passed (or there was nothing to do): the goods are ready for loading."""
    _require(by, *SUPERVISOR_ROLES)
    d = _lock(by, delivery)
    _check(d, "workshop_done")
    if d.workshop_requests.exclude(status=WorkshopRequest.Status.ACCEPTED).exists():
        raise ValidationFailed(
            _("Some repair/maintenance work is not done and accepted yet."),
            code="workshop_pending",
        )
    return _workshop_done(by, d)


# --- crew -----------------------------------------------------------------------------------


@transaction.atomic
def delivery_assign(*, by, delivery, crew, vehicle: str, crew_members: str = "") -> Delivery:
    """Crew leader (a service staff member allowed to deliver on the day) and vehicle."""

    org_id = _require(by, *SUPERVISOR_ROLES)
    d = _lock(by, delivery)
    _check(d, "assign")
    errors: dict = {}
    staff = inputs.ref(ServiceStaff, crew, "crew", errors, organisation_id=org_id, required=True)
    if staff is not None:
        check = can_work(staff=staff, kind=WorkKind.DELIVERY, on_date=d.scheduled_date)
        if not check:
            inputs.add(errors, "crew", check.reason)
    vehicle = inputs.text(vehicle, "vehicle", errors, max_length=40, required=True)
    crew_members = inputs.text(crew_members, "crew_members", errors, max_length=200)
    if errors:
        raise ValidationFailed(fields=errors)
    fields = ["crew_id", "vehicle", "crew_members"]
    before = snapshot(d, fields)
    d = _move(d, "assign", crew=staff, vehicle=vehicle, crew_members=crew_members)
    audit_record(
        actor=by, action="shouhou.delivery.assigned", obj=d, before=before,
        after=snapshot(d, fields),
    )  # fmt: skip
    return d


@transaction.atomic
def delivery_confirm_with_customer(*, by, delivery, note: str = "") -> Delivery:
    """The day before, the crew agrees the details of the delivery with the customer."""
    d = _lock(by, delivery)
    _require_crew(by, d)
    d = _move(d, "confirm_customer", customer_confirmed_at=timezone.now())
    _task_done(d, DeliveryTask.Kind.DAY_BEFORE)
    audit_record(actor=by, action="shouhou.delivery.customer_confirmed", obj=d, note=note)
    return d


def checklist_rows(d: Delivery) -> list:
    return list(d.contract.lines.select_related("product", "model"))


@transaction.atomic
def delivery_load(*, by, delivery, lines, tool_kit) -> Delivery:
    """Loading checklist: every contract line in full with its accessories, and the tool kit.
    `lines`: [{"line": <contract line id>, "quantity": n, "accessories": bool}]."""
    d = _lock(by, delivery)
    _require_crew(by, d)
    _check(d, "load")
    errors: dict = {}
    expected = {line.pk: line for line in checklist_rows(d)}
    seen: dict = {}
    if not isinstance(lines, list | tuple):
        inputs.add(errors, "lines", _("Enter the checked goods."))
        lines = []
    for item in lines:
        line_id = inputs.as_id(item.get("line")) if isinstance(item, dict) else None
        if line_id not in expected:
            inputs.add(errors, "lines", _("These goods are not on the contract."))
            continue
        field = f"lines.{line_id}"
        quantity = item.get("quantity")
        try:
            quantity = int(quantity)
        except (TypeError, ValueError):
            quantity = None
        want = expected[line_id].quantity
        if quantity != want:
            inputs.add(
                errors,
                field,
                _("%(goods)s: the contract says %(want)d, checked %(got)s.")
                % {"goods": expected[line_id].product, "want": want, "got": quantity or 0},
            )
        if not item.get("accessories"):
            inputs.add(
                errors,
                field,
                _("%(goods)s: accessories not complete.") % {"goods": expected[line_id].product},
            )
        seen[line_id] = {"line": line_id, "quantity": quantity, "accessories": True}
    for line_id, line in expected.items():
        if line_id not in seen and f"lines.{line_id}" not in errors:
            inputs.add(
                errors, f"lines.{line_id}", _("%(goods)s: not checked.") % {"goods": line.product}
            )
    if not tool_kit:
        inputs.add(errors, "tool_kit", _("Take the tool kit."))
    if errors:
        raise ValidationFailed(
            _("The checklist does not match the contract."), code="checklist_mismatch",
            fields=errors,
        )  # fmt: skip
    checklist = {"lines": list(seen.values()), "tool_kit": True, "checked_by": by.pk}
    before = snapshot(d, ["status"])
    d = _move(d, "load", S.LOADED, checklist=checklist, loaded_at=timezone.now())
    audit_record(
        actor=by, action="shouhou.delivery.loaded", obj=d, before=before,
        after=snapshot(d, ["status", "checklist"]),
    )  # fmt: skip
    return d


@transaction.atomic
def delivery_depart(*, by, delivery) -> Delivery:
    d = _lock(by, delivery)
    _require_crew(by, d)
    before = snapshot(d, ["status"])
    d = _move(d, "depart", S.OUT, departed_at=timezone.now())
    audit_record(
        actor=by, action="shouhou.delivery.departed", obj=d, before=before,
        after=snapshot(d, ["status"]),
    )  # fmt: skip
    return d


@transaction.atomic
def delivery_collect_balance(*, by, delivery, amount, method: str, receipt_no: str) -> Delivery:
    """The balance due (尾款) taken on delivery: at most what the contract still has due."""
    d = _lock(by, delivery)
    _require_crew(by, d)
    _check(d, "collect")
    if d.collected_at is not None:
        raise Conflict(_("The balance was already collected."), code="already_collected")
    contract = Contract.objects.select_for_update().get(pk=d.contract_id)
    errors: dict = {}
    value = inputs.money(amount, "amount", errors)
    due = contract.balance_due
    if value is not None and value <= 0:
        inputs.add(errors, "amount", _("The amount must be more than zero."))
    elif value is not None and value > due:
        inputs.add(
            errors,
            "amount",
            _("More than the balance due (¥%(due)s).") % {"due": f"{due:,.2f}"},
        )
    method = inputs.text(method, "method", errors, max_length=30)
    if method not in PaymentMethod.values:
        inputs.add(errors, "method", _("How was it paid? Choose a payment method."))
    receipt_no = inputs.text(receipt_no, "receipt_no", errors, max_length=60, required=True)
    if errors:
        raise ValidationFailed(fields=errors)
    d = _move(
        d, "collect", collected_amount=value, collected_method=method, receipt_no=receipt_no,
        collected_at=timezone.now(),
    )  # fmt: skip
    audit_record(
        actor=by, action="shouhou.delivery.balance_collected", obj=d,
        after=snapshot(d, ["collected_amount", "collected_method", "receipt_no"]),
    )  # fmt: skip
    return d


def _check_signature(data_url, errors: dict) -> str:
    prefix = "data:image/png;base64,"
    if not isinstance(data_url, str) or not data_url.startswith(prefix):
        inputs.add(errors, "signature", _("The customer has to sign."))
        return ""
    try:
        raw = base64.b64decode(data_url[len(prefix) :], validate=True)
    except (binascii.Error, ValueError):
        raw = b""
    if not raw.startswith(b"\x89PNG\r\n\x1a\n"):
        inputs.add(errors, "signature", _("The signature is not a picture."))
    elif len(raw) > MAX_SIGNATURE_BYTES:
        inputs.add(errors, "signature", _("The signature picture is too large."))
    return data_url


@transaction.atomic
def delivery_complete(
    *, by, delivery, signature: str, signer_name: str, satisfaction, comments: str = ""
) -> Delivery:
    """The customer signs and fills in the opinion form: the delivery is done, the contract is
    delivered and the callback schedule is created."""

    d = _lock(by, delivery)
    _require_crew(by, d)
    if d.status in (S.SCHEDULED, S.RECONFIRMED, S.WORKSHOP_DONE):
        raise InvalidTransition(
            _("The loading checklist is not complete: the customer signs after loading."),
            code="checklist_incomplete",
        )
    if d.status == S.LOADED:
        raise InvalidTransition(_("Start the run first."), code="not_departed")
    _check(d, "complete")
    errors: dict = {}
    contract = Contract.objects.get(pk=d.contract_id)
    if d.collected_at is None and contract.balance_due > 0:
        inputs.add(errors, "amount", _("Collect the balance due before the customer signs."))
    signature = _check_signature(signature, errors)
    signer_name = inputs.text(signer_name, "signer_name", errors, max_length=40, required=True)
    try:
        satisfaction = int(satisfaction)
    except (TypeError, ValueError):
        satisfaction = None
    if satisfaction not in range(1, 6):
        inputs.add(errors, "satisfaction", _("Choose how satisfied the customer is."))
    comments = inputs.text(comments, "comments", errors, max_length=2000)
    if errors:
        raise ValidationFailed(fields=errors)
    before = snapshot(d, ["status"])
    d = _move(
        d, "complete", S.DELIVERED, signature=signature, signer_name=signer_name,
        satisfaction=satisfaction, comments=comments, delivered_at=timezone.now(),
    )  # fmt: skip
    today = _today()
    if contract.status == Contract.Status.CONFIRMED:
        contract_mark_delivered(by=by, contract=contract, delivered_on=today)
    # The callback schedule after the delivery (callbacks.receivers).
    signals.delivery_signed.publish(sender=Delivery, delivery=d, delivered_on=today, by=by)
    audit_record(
        actor=by, action="shouhou.delivery.delivered", obj=d, before=before,
        after=snapshot(d, ["status", "signer_name", "satisfaction"]),
    )  # fmt: skip
    return d


@transaction.atomic
def delivery_report(*, by, delivery, note: str, preferences: str = "") -> Delivery:
    """Back at base the crew reports to customer service, who post the collected balance to the
    contract and update the customer's archive."""

    _require(by, *REPORT_ROLES)
    d = _lock(by, delivery)
    _check(d, "report")
    errors: dict = {}
    note = inputs.text(note, "note", errors, max_length=2000, required=True)
    preferences = inputs.text(preferences, "preferences", errors, max_length=2000)
    if errors:
        raise ValidationFailed(fields=errors)
    if d.collected_amount and not d.payment_posted:
        contract_record_payment(
            by=by,
            contract=d.contract_id,
            amount=d.collected_amount,
            method=d.collected_method,
            receipt_no=d.receipt_no,
        )
    before = snapshot(d, ["status"])
    d = _move(
        d, "report", S.REPORTED, report_note=note, reported_at=timezone.now(),
        payment_posted=bool(d.collected_amount),
    )  # fmt: skip
    customer_complete_archive(by=by, customer=d.customer, preferences=preferences or None)
    audit_record(
        actor=by, action="shouhou.delivery.reported", obj=d, before=before,
        after=snapshot(d, ["status"]), note=note,
    )  # fmt: skip
    return d


# --- issues and tasks -----------------------------------------------------------------------


@transaction.atomic
def delivery_issue_record(*, by, delivery, description: str) -> DeliveryIssue:
    """A problem with the goods: before loading the workshop answers for it, after it the crew."""
    org_id = _require(by, *SUPERVISOR_ROLES, *WORKSHOP_ROLES, r.DELIVERY_CREW, r.SALES)
    d = _lock(by, delivery)
    errors: dict = {}
    description = inputs.text(description, "description", errors, max_length=2000, required=True)
    if errors:
        raise ValidationFailed(fields=errors)
    issue = DeliveryIssue.objects.create(
        organisation_id=org_id,
        delivery=d,
        description=description,
        responsible=d.responsible_party,
        recorded_by=by,
    )
    audit_record(actor=by, action="shouhou.delivery_issue.recorded", obj=issue)
    return issue


@transaction.atomic
def delivery_task_done(*, by, task) -> DeliveryTask:
    _org_id(by)
    pk = task.pk if isinstance(task, DeliveryTask) else inputs.as_id(task)
    t = (
        DeliveryTask.objects.select_for_update()
        .filter(organisation_id=by.organisation_id, pk=pk)
        .first()
    )
    if t is None:
        raise NotFoundError()
    if not (r.has_role(by, t.role, *SUPERVISOR_ROLES) or t.assigned_to_id == by.pk):
        raise PermissionDeniedError()
    if not DeliveryTask.objects.filter(pk=t.pk, status=DeliveryTask.Status.OPEN).update(
        status=DeliveryTask.Status.DONE, done_at=timezone.now()
    ):
        raise InvalidTransition(_("This task is already done."))
    t.refresh_from_db()
    audit_record(actor=by, action="shouhou.delivery_task.done", obj=t)
    return t
