"""Old parts: registered when the report is signed, appraised by the technical department,
written off, collected into disposal batches and approved for disposal."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from typing import TYPE_CHECKING, Any

from django.db import transaction
from django.db.models import F
from django.utils import timezone
from django.utils.translation import gettext as _

from shouhou.core.audit import audit_record
from shouhou.core.errors import (
    Conflict,
    InvalidTransition,
    ValidationFailed,
)
from shouhou.org import roles as r
from shouhou.workorders import services as wo_services
from shouhou.workorders.models import ReportPart, ServiceReport

from ..models import (
    DisposalBatch,
    Location,
    Move,
    OldPart,
    Requisition,
    RequisitionLine,
    WriteOff,
)
from .common import CENT, MANAGER_ROLES, STORE_ROLES, _get, _int, _now, _pk, _post
from .requisitions import _lock_req, _maybe_settle
from .stock import _special_location, technician_location

if TYPE_CHECKING:
    from django.core.files import File

    from shouhou.org.models import User
    from shouhou.workorders.models import WorkOrder

APPRAISE_ROLES = {r.WORKSHOP_SUPERVISOR}  # the technical department (技术部)


def old_part_register(
    *,
    by: User,
    line: object,
    quantity: object = None,
    serial: str = "",
    report_part: object = None,
    photo: File[Any] | None = None,
    condition: str = "",
    note: str = "",
    now: dt.datetime | None = None,
) -> OldPart:
    """The warehouse keeper registers the old part the technician brought back. If the report
    lists the replaced part (`report_part`), it is marked received there too (workorders'
    `report_part_receive_old`). When the report is signed already, the line is written off."""
    at = _now(now)
    r.require_role(by, *STORE_ROLES)
    org_id = r.require_organisation(by)
    row = _get(RequisitionLine, by, line)
    req = row.requisition
    errors: dict[str, list[str]] = {}
    q = (
        row.quantity - row.returned
        if quantity in (None, "")
        else _int(quantity, "quantity", errors)
    )
    if not errors and not 1 <= q <= row.quantity - row.returned:
        errors["quantity"] = [
            _("Between 1 and %(n)s (drawn and not returned).") % {"n": row.quantity - row.returned}
        ]
    rp = None
    if report_part not in (None, ""):
        rp = ReportPart.objects.filter(pk=_pk(getattr(report_part, "pk", report_part))).first()
        if rp is None or rp.report.order_id != req.work_order_id:
            errors["report_part"] = [_("Not a replaced part of this order's report.")]
    if errors:
        raise ValidationFailed(fields=errors)
    with transaction.atomic():
        req = _lock_req(req)
        if req.status not in (Requisition.Status.ISSUED, Requisition.Status.CLOSED):
            raise InvalidTransition(_("Old parts come back for issued parts only."))
        if OldPart.objects.filter(line=row).exists():
            raise Conflict(_("The old part of this line is registered already."), code="duplicate")
        if rp is not None and rp.old_returned_at is None:
            wo_services.report_part_receive_old(
                by=by, part=rp, quantity=min(q, rp.quantity), condition=condition, note=note,
                now=at,
            )  # fmt: skip
        old = OldPart.objects.create(
            organisation_id=org_id,
            line=row,
            report_part=rp,
            work_order_id=req.work_order_id,
            part=row.part,
            quantity=q,
            serial=(serial or "").strip()[:60],
            returned_by=req.technician,
            received_by=by,
            returned_at=at,
        )
        if photo:
            old.photo.save(photo.name or "", photo, save=True)
        audit_record(
            actor=by, action="shouhou.old_part.registered", obj=old,
            after={"status": old.status, "quantity": q, "serial": old.serial},
        )  # fmt: skip
        report = ServiceReport.objects.filter(order_id=req.work_order_id).first()
        if report is not None and report.is_signed:
            _write_off(row, report, old, by=by, now=at)
    return old


def _write_off(
    line: RequisitionLine,
    report: ServiceReport,
    old: OldPart | None,
    *,
    by: User,
    now: dt.datetime,
) -> WriteOff | None:
    """销帐 of the fitted parts of one line (what is still with the technician, at most what came
    back as old parts). Needs the signed report and the old part; never twice."""
    line = RequisitionLine.objects.select_for_update().get(pk=line.pk)
    if not report.is_signed or old is None:
        raise InvalidTransition(_("A write-off needs the signed report and the old part."))
    if WriteOff.objects.filter(line=line).exists():
        return None
    req = line.requisition
    q = min(line.outstanding, old.quantity)
    if q <= 0:
        return None
    move = _post(
        part=line.part, kind=Move.Kind.WRITE_OFF, quantity=q, by=by, at=now,
        src=technician_location(req.technician), document="requisition", document_id=req.pk,
        note=_("written off against %(order)s") % {"order": req.work_order},
    )  # fmt: skip
    w = WriteOff.objects.create(
        organisation_id=line.organisation_id, line=line, report=report, old_part=old,
        quantity=q, value=(move.unit_cost * q).quantize(CENT), at=now, by=by,
    )  # fmt: skip
    RequisitionLine.objects.filter(pk=line.pk).update(written_off=F("written_off") + q)
    audit_record(actor=by, action="shouhou.requisition_line.written_off", obj=w,
                 after={"quantity": q, "value": w.value})  # fmt: skip
    _maybe_settle(_lock_req(req), by)
    return w


def write_off_for_signed_report(
    *, order: WorkOrder, report: ServiceReport, by: User | None, now: dt.datetime | None = None
) -> int:
    """The customer signed: every line of the order whose old part is back is written off."""
    at = _now(now)
    n = 0
    for old in OldPart.objects.filter(
        work_order=order,
        write_off__isnull=True,
        line__requisition__status=Requisition.Status.ISSUED,
    ).select_related("line__requisition"):
        # signed through the customer's link there is no user: the store keeper who issued the
        # parts books the write-off
        actor = by or old.line.requisition.issued_by or report.created_by
        if actor is None:  # pragma: no cover - an issued requisition names who issued it
            continue
        if _write_off(old.line, report, old, by=actor, now=at):
            n += 1
    return n


def old_part_appraise(
    *,
    by: User,
    old_part: object,
    verdict: str,
    condition: str,
    note: str = "",
    now: dt.datetime | None = None,
) -> OldPart:
    """The technical department's appraisal (鉴定); usable parts go to the usable old-parts store,
    scrap waits for the month's disposal batch."""
    at = _now(now)
    r.require_role(by, *APPRAISE_ROLES)
    found = _get(OldPart, by, old_part)
    errors: dict[str, list[str]] = {}
    if verdict not in OldPart.Verdict.values:
        errors["verdict"] = [_("Choose the appraisal.")]
    if condition not in (OldPart.Status.USABLE, OldPart.Status.SCRAP):
        errors["condition"] = [_("Usable or scrap?")]
    if errors:
        raise ValidationFailed(fields=errors)
    with transaction.atomic():
        old = OldPart.objects.select_for_update().get(pk=found.pk)
        if old.status != OldPart.Status.RETURNED:
            raise InvalidTransition(_("This old part is appraised already."))
        kind = Location.Kind.OLD_USABLE if condition == "usable" else Location.Kind.OLD_SCRAP
        _post(
            part=old.part, kind=Move.Kind.OLD_IN, quantity=old.quantity, by=by, at=at,
            dst=_special_location(old.organisation_id, kind), unit_cost=Decimal("0"),
            document="old_part", document_id=old.pk, note=str(old.work_order),
        )  # fmt: skip
        old.status, old.verdict = condition, verdict
        old.appraisal_note, old.appraised_by, old.appraised_at = (note or "")[:200], by, at
        old.save()
        audit_record(
            actor=by, action="shouhou.old_part.appraised", obj=old,
            before={"status": "returned"}, after={"status": condition, "verdict": verdict},
        )  # fmt: skip
    return old


def disposal_batch_collect(
    *, by: User, month: dt.date, now: dt.datetime | None = None
) -> DisposalBatch:
    """The month's batch: every scrap old part appraised up to the month's end and not yet in a
    batch. Running it again adds what was appraised since (the batch is still open)."""
    r.require_role(by, *STORE_ROLES)
    org_id = r.require_organisation(by)
    month = month.replace(day=1)
    with transaction.atomic():
        batch, created = DisposalBatch.objects.get_or_create(organisation_id=org_id, month=month)
        if batch.status != DisposalBatch.Status.OPEN:
            raise InvalidTransition(_("The batch of this month is submitted already."))
        nxt = (month + dt.timedelta(days=32)).replace(day=1)
        end = timezone.make_aware(dt.datetime.combine(nxt, dt.time()))
        n = OldPart.objects.filter(
            status=OldPart.Status.SCRAP, batch__isnull=True, appraised_at__lt=end
        ).update(batch=batch)
        audit_record(actor=by, action="shouhou.disposal_batch.collected", obj=batch,
                     after={"added": n}, note="created" if created else "")  # fmt: skip
    return batch


def disposal_batch_submit(*, by: User, batch: object, method: str) -> DisposalBatch:
    r.require_role(by, *STORE_ROLES)
    found = _get(DisposalBatch, by, batch)
    method = (method or "").strip()
    if not method:
        raise ValidationFailed(fields={"method": [_("How will it be disposed of?")]})
    with transaction.atomic():
        row = DisposalBatch.objects.select_for_update().get(pk=found.pk)
        if row.status != DisposalBatch.Status.OPEN:
            raise InvalidTransition()
        if not row.items.exists():
            raise ValidationFailed(_("The batch is empty."), code="empty")
        row.status, row.method, row.submitted_by = "submitted", method[:100], by
        row.save()
        audit_record(actor=by, action="shouhou.disposal_batch.submitted", obj=row,
                     before={"status": "open"}, after={"status": "submitted"})  # fmt: skip
    return row


def disposal_batch_approve(
    *, by: User, batch: object, now: dt.datetime | None = None
) -> DisposalBatch:
    """A manager approves: each scrap part leaves the scrap store (disposal move)."""
    at = _now(now)
    r.require_role(by, *MANAGER_ROLES)
    found = _get(DisposalBatch, by, batch)
    with transaction.atomic():
        row = DisposalBatch.objects.select_for_update().get(pk=found.pk)
        if row.status != DisposalBatch.Status.SUBMITTED:
            raise InvalidTransition()
        scrap = _special_location(row.organisation_id, Location.Kind.OLD_SCRAP)
        for old in row.items.select_related("part").order_by("part_id"):
            _post(
                part=old.part, kind=Move.Kind.DISPOSAL, quantity=old.quantity, by=by, at=at,
                src=scrap, document="disposal_batch", document_id=row.pk, note=str(row),
            )  # fmt: skip
        row.items.update(status=OldPart.Status.DISPOSED)
        row.status, row.approved_by, row.approved_at = "approved", by, at
        row.save()
        audit_record(actor=by, action="shouhou.disposal_batch.approved", obj=row,
                     before={"status": "submitted"}, after={"status": "approved"})  # fmt: skip
    return row
