"""Requisitions: a technician asks for parts for an order, the approval band decides who signs,
the store issues, unused lines come back, the order's old parts fall due."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from typing import TYPE_CHECKING

from django.db import transaction
from django.db.models import F
from django.utils import timezone
from django.utils.translation import gettext as _

from shouhou.core.audit import audit_record
from shouhou.core.errors import (
    InvalidTransition,
    PermissionDeniedError,
    ValidationFailed,
)
from shouhou.org import roles as r
from shouhou.workdays.services import add_working_days
from shouhou.workorders.models import WorkOrder

from .. import bands
from ..models import (
    ApprovalBand,
    Location,
    Move,
    Requisition,
    RequisitionLine,
    Stock,
)
from .common import (
    CENT,
    STORE_ROLES,
    SUPERVISOR_ROLES,
    _get,
    _int,
    _now,
    _number,
    _post,
    settings_for,
)
from .stock import RawLines, _lines, technician_location

if TYPE_CHECKING:
    from shouhou.org.models import User

REQUEST_ROLES = {r.TECHNICIAN, r.SERVICE_DESK, r.WORKSHOP_SUPERVISOR}


def _roles(by: User) -> set[str]:
    return set(r.user_roles(by))


def _bands(org_id: int) -> list[bands.Band]:
    rows = list(ApprovalBand.objects.all())
    if not rows:
        return [bands.Band(lo, hi, role, order=i) for i, (lo, hi, role) in
                enumerate(bands.DEFAULT_BANDS)]  # fmt: skip
    return [bands.Band(b.min_value, b.max_value, b.role, b.order) for b in rows]


def requisition_create(
    *,
    by: User,
    work_order: object,
    location: object,
    lines: RawLines,
    proposal: str,
    now: dt.datetime | None = None,
) -> Requisition:
    """The technician proposes a fix on the order and asks for parts (备用件领料单)."""
    at = _now(now)
    r.require_role(by, *REQUEST_ROLES)
    org_id = r.require_organisation(by)
    order = _get(WorkOrder, by, work_order)
    store = _get(Location, by, location)
    errors: dict[str, list[str]] = {}
    proposal = (proposal or "").strip()
    if not proposal:
        errors["proposal"] = [_("Say what you propose to fix.")]
    if not store.is_store:
        errors["location"] = [_("Parts are drawn from a store.")]
    if order.technician_id is None:
        errors["work_order"] = [_("The order has no technician yet.")]
    technician = order.technician.user if order.technician is not None else None
    if order.technician_id and technician is None:
        errors["work_order"] = [_("The order's technician has no login to draw parts with.")]
    if (
        technician is not None
        and technician.pk != by.pk
        and not r.has_role(by, r.SERVICE_DESK, r.WORKSHOP_SUPERVISOR)
    ):
        raise PermissionDeniedError(_("Only the order's technician asks for its parts."))
    parsed = _lines(lines, errors)
    if order.status in ("closed", "cancelled"):
        errors["work_order"] = [_("The order is closed.")]
    if errors or technician is None:  # (no technician has its error)
        raise ValidationFailed(fields=errors)
    with transaction.atomic():
        costs = {
            s.part_id: s.average_cost
            for s in Stock.objects.filter(location=store, part__in=[p for p, _q, _c in parsed])
        }
        priced = [(p, q, costs.get(p.pk) or Decimal(p.cost_price)) for p, q, _c in parsed]
        total = sum((Decimal(q) * c for _p, q, c in priced), Decimal("0")).quantize(CENT)
        try:
            band = bands.band_for(total, _bands(org_id))
        except bands.NoBandMatches as exc:
            raise ValidationFailed(
                _("No approval band covers ¥%(v)s; ask the administrator.") % {"v": total},
                code="no_band",
            ) from exc
        req = Requisition.objects.create(
            organisation_id=org_id,
            number=_number("LL", at),
            work_order=order,
            technician=technician,
            location=store,
            proposal=proposal,
            total_value=total,
            approver_role=band.role,
        )
        RequisitionLine.objects.bulk_create(
            [
                RequisitionLine(
                    organisation_id=org_id,
                    requisition=req,
                    part=p,
                    quantity=q,
                    unit_cost=c,
                )  # fmt: skip
                for p, q, c in priced
            ]
        )
        audit_record(
            actor=by,
            action="shouhou.requisition.submitted",
            obj=req,
            after={"status": req.status, "total_value": total, "approver_role": band.role},
        )
    return req


def _lock_req(req: Requisition) -> Requisition:
    return Requisition.objects.select_for_update().get(pk=req.pk)


def _req_transition(
    req: Requisition,
    by: User,
    frm: set[str],
    to: str,
    action: str,
    note: str = "",
    **updates: object,
) -> Requisition:
    if req.status not in frm:
        raise InvalidTransition(
            _("The requisition is %(status)s.") % {"status": req.get_status_display()}
        )
    before = req.status
    req.status = to
    for k, v in updates.items():
        setattr(req, k, v)
    req.save()
    audit_record(
        actor=by, action=f"shouhou.requisition.{action}", obj=req,
        before={"status": before}, after={"status": to}, note=note,
    )  # fmt: skip
    return req


def requisition_approve(
    *, by: User, requisition: object, note: str = "", now: dt.datetime | None = None
) -> Requisition:
    at = _now(now)
    with transaction.atomic():
        req = _lock_req(_get(Requisition, by, requisition))
        if not bands.may_approve(_roles(by), req.approver_role, superuser=by.is_superuser):
            raise PermissionDeniedError(
                _("A requisition of ¥%(v)s needs the approval of: %(role)s.")
                % {"v": req.total_value, "role": r.ROLES.get(req.approver_role, req.approver_role)},
                code="approver_required",
            )
        if req.technician_id == by.pk:
            raise PermissionDeniedError(_("Nobody approves their own requisition."))
        return _req_transition(
            req, by, {Requisition.Status.SUBMITTED}, Requisition.Status.APPROVED, "approved",
            note, approved_by=by, approved_at=at, decision_note=(note or "")[:200],
        )  # fmt: skip


def requisition_reject(
    *, by: User, requisition: object, note: str, now: dt.datetime | None = None
) -> Requisition:
    found = _get(Requisition, by, requisition)
    note = (note or "").strip()
    if not note:
        raise ValidationFailed(fields={"note": [_("Say why.")]})
    with transaction.atomic():
        req = _lock_req(found)
        if not bands.may_approve(_roles(by), req.approver_role, superuser=by.is_superuser):
            raise PermissionDeniedError(code="approver_required")
        return _req_transition(
            req, by, {Requisition.Status.SUBMITTED}, Requisition.Status.REJECTED, "rejected",
            note, approved_by=by, approved_at=_now(now), decision_note=note[:200],
        )  # fmt: skip


def requisition_issue(
    *, by: User, requisition: object, now: dt.datetime | None = None
) -> Requisition:
    """The store hands the approved parts over: store → with the technician."""
    at = _now(now)
    r.require_role(by, *STORE_ROLES)
    found = _get(Requisition, by, requisition)
    with transaction.atomic():
        req = _lock_req(found)
        if req.status != Requisition.Status.APPROVED:
            raise InvalidTransition(
                _("Only an approved requisition is issued; this one is %(s)s.")
                % {"s": req.get_status_display()},
                code="not_approved",
            )
        bag = technician_location(req.technician)
        for line in req.lines.select_related("part").order_by("part_id"):
            move = _post(
                part=line.part, kind=Move.Kind.ISSUE, quantity=line.quantity, by=by, at=at,
                src=req.location, dst=bag, document="requisition", document_id=req.pk,
                note=req.number,
            )  # fmt: skip
            RequisitionLine.objects.filter(pk=line.pk).update(unit_cost=move.unit_cost)
        return _req_transition(
            req, by, {Requisition.Status.APPROVED}, Requisition.Status.ISSUED, "issued",
            issued_by=by, issued_at=at,
        )  # fmt: skip


def requisition_line_return(
    *, by: User, line: object, quantity: object, note: str = "", now: dt.datetime | None = None
) -> RequisitionLine:
    """Parts drawn but not used come back to the store (technician → store)."""
    at = _now(now)
    r.require_role(by, *STORE_ROLES)
    found = _get(RequisitionLine, by, line)
    errors: dict[str, list[str]] = {}
    q = _int(quantity, "quantity", errors)
    if errors:
        raise ValidationFailed(fields=errors)
    with transaction.atomic():
        req = _lock_req(found.requisition)
        row = RequisitionLine.objects.select_for_update().get(pk=found.pk)
        if req.status != Requisition.Status.ISSUED:
            raise InvalidTransition(_("Only issued parts come back."))
        if q > row.outstanding:
            raise ValidationFailed(
                fields={"quantity": [_("At most %(n)s are still out.") % {"n": row.outstanding}]}
            )
        _post(
            part=row.part, kind=Move.Kind.RETURN, quantity=q, by=by, at=at,
            src=technician_location(req.technician), dst=req.location,
            document="requisition", document_id=req.pk, note=note or req.number,
        )  # fmt: skip
        RequisitionLine.objects.filter(pk=row.pk).update(returned=F("returned") + q)
        audit_record(
            actor=by, action="shouhou.requisition.returned", obj=req,
            after={"part": row.part.code, "quantity": q}, note=note,
        )  # fmt: skip
        _maybe_settle(req, by)
        row.refresh_from_db()
    return row


def requisition_cancel(
    *, by: User, requisition: object, note: str = "", now: dt.datetime | None = None
) -> Requisition:
    """Cancel: what was issued and is still out goes back to the store."""
    at = _now(now)
    found = _get(Requisition, by, requisition)
    issued = found.status == Requisition.Status.ISSUED
    if issued:
        r.require_role(by, *STORE_ROLES)
    elif not (found.technician_id == by.pk or r.has_role(by, *STORE_ROLES, *SUPERVISOR_ROLES)):
        raise PermissionDeniedError()
    with transaction.atomic():
        req = _lock_req(found)
        if req.status == Requisition.Status.ISSUED:
            bag = technician_location(req.technician)
            for line in RequisitionLine.objects.select_for_update().filter(requisition=req):
                if line.outstanding > 0:
                    _post(
                        part=line.part, kind=Move.Kind.RETURN, quantity=line.outstanding, by=by,
                        at=at, src=bag, dst=req.location, document="requisition",
                        document_id=req.pk, note=_("cancelled") + " " + req.number,
                    )  # fmt: skip
                    RequisitionLine.objects.filter(pk=line.pk).update(
                        returned=F("returned") + line.outstanding
                    )
        return _req_transition(
            req, by,
            {Requisition.Status.SUBMITTED, Requisition.Status.APPROVED, Requisition.Status.ISSUED},
            Requisition.Status.CANCELLED, "cancelled", note, cancelled_at=at,
        )  # fmt: skip


def _maybe_settle(req: Requisition, by: User) -> None:
    """Every line returned or written off: the requisition is settled."""
    if req.status == Requisition.Status.ISSUED and not any(
        line.outstanding for line in RequisitionLine.objects.filter(requisition=req)
    ):
        _req_transition(req, by, {Requisition.Status.ISSUED}, Requisition.Status.CLOSED, "settled")


def lines_set_old_part_due(*, order: WorkOrder, completed_at: dt.datetime) -> int:
    """The order's service is done: its drawn parts' old parts are due within N working days."""
    days = settings_for(order.organisation_id).old_part_return_days
    due = add_working_days(timezone.localdate(completed_at), days, order.organisation_id)
    return RequisitionLine.objects.filter(
        requisition__work_order=order,
        requisition__status=Requisition.Status.ISSUED,
        old_part_due_on__isnull=True,
    ).update(old_part_due_on=due)
