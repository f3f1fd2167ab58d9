"""The run itself: crew and vehicle, the call to the customer, loading with the checklist,
departure, the balance collected, the customer's signature, the report and the issues found.
"""

from __future__ import annotations

import base64
import binascii

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from shouhou.catalog import inputs
from shouhou.core.audit import audit_record, snapshot
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
    contract_mark_delivered,
    contract_record_payment,
)
from shouhou.staff.models import ServiceStaff, WorkKind
from shouhou.staff.services import can_work

from .. import signals
from ..models import Delivery, DeliveryIssue, DeliveryTask
from .common import (
    REPORT_ROLES,
    SUPERVISOR_ROLES,
    WORKSHOP_ROLES,
    S,
    _check,
    _lock,
    _move,
    _org_id,
    _require,
    _require_crew,
    _task_done,
    _today,
)

MAX_SIGNATURE_BYTES = 300_000


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
