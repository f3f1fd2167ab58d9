"""Every write of the parts cycle. Each function is one transaction, checks role and
organisation, records an audit event and posts its stock changes through `_post`, which keeps
`Stock.quantity` in step with the `Move` ledger and never lets it go below zero: the quantity is
taken with a conditional UPDATE (`quantity >= n`) on the locked stock row, so of twenty
technicians drawing the last part at once one wins and the others get a Conflict naming it.
"""

from __future__ import annotations

import datetime as dt
import uuid
from decimal import Decimal

from django.db import IntegrityError, transaction
from django.db.models import F
from django.utils import timezone
from django.utils.translation import gettext as _

from shouhou.catalog.models import Product, ProductModel
from shouhou.core.audit import audit_record
from shouhou.core.errors import (
    Conflict,
    InvalidTransition,
    NotFoundError,
    PermissionDeniedError,
    ValidationFailed,
)
from shouhou.core.money import to_money
from shouhou.org import roles as r
from shouhou.workdays.services import add_working_days
from shouhou.workorders import services as wo_services
from shouhou.workorders.models import ReportPart, ServiceReport, WorkOrder

from . import bands
from .models import (
    ApprovalBand,
    DisposalBatch,
    Location,
    Move,
    OldPart,
    Part,
    PartsSettings,
    PostageWriteOff,
    Quote,
    QuoteLine,
    Receipt,
    ReceiptLine,
    Requisition,
    RequisitionLine,
    Stock,
    StockCount,
    StockCountLine,
    WriteOff,
)

STORE_ROLES = {r.WAREHOUSE_KEEPER}
MASTER_ROLES = {r.WAREHOUSE_KEEPER, r.ADMINISTRATION}
REQUEST_ROLES = {r.TECHNICIAN, r.SERVICE_DESK, r.WORKSHOP_SUPERVISOR}
APPRAISE_ROLES = {r.WORKSHOP_SUPERVISOR}  # the technical department (技术部)
MANAGER_ROLES = {r.STORE_MANAGER, r.VP_OPERATIONS, r.GENERAL_MANAGER}
SUPERVISOR_ROLES = {r.WORKSHOP_SUPERVISOR, r.CS_SUPERVISOR, *r.MANAGER_ROLES}
QUOTE_ROLES = {r.TECHNICIAN, r.SERVICE_DESK, r.WORKSHOP_SUPERVISOR}

settings_for = PartsSettings.for_org
CENT = Decimal("0.01")


def _now(now=None):
    return now or timezone.now()


def _same_org(by, *objs) -> None:
    org = getattr(by, "organisation_id", None)
    for obj in objs:
        if obj is not None and (org is None or obj.organisation_id != org):
            raise NotFoundError()


def _roles(by) -> set[str]:
    return set(r.user_roles(by))


def _number(prefix: str, now) -> str:
    return f"{prefix}{timezone.localtime(now):%Y%m%d}-{uuid.uuid4().hex[:6].upper()}"


def _int(value, field: str, errors: dict, *, low: int = 1) -> int:
    try:
        n = int(value)
    except (TypeError, ValueError):
        errors[field] = [_("A whole number.")]
        return 0
    if n < low:
        errors[field] = [_("At least %(n)s.") % {"n": low}]
    return n


def _get(model, by, pk):
    if isinstance(pk, model):
        obj = pk
    else:
        try:
            obj = model.objects.get(pk=pk)
        except (model.DoesNotExist, ValueError, TypeError) as exc:
            raise NotFoundError() from exc
    _same_org(by, obj)
    return obj


# The ledger ---------------------------------------------------------------------------------


def _stock_row(part: Part, location: Location) -> Stock:
    """The locked stock row (created empty if the part was never here)."""
    row = Stock.objects.select_for_update().filter(part=part, location=location).first()
    if row is None:
        try:
            with transaction.atomic():
                Stock.objects.create(
                    organisation_id=part.organisation_id, part=part, location=location
                )
        except IntegrityError:
            pass  # created by a concurrent move
        row = Stock.objects.select_for_update().get(part=part, location=location)
    return row


def _post(
    *,
    part: Part,
    kind: str,
    quantity: int,
    by,
    at,
    document: str,
    document_id: int,
    src: Location | None = None,
    dst: Location | None = None,
    unit_cost: Decimal | None = None,
    note: str = "",
) -> Move:
    """One ledger move and the stock it changes, in the caller's transaction."""
    assert transaction.get_connection().in_atomic_block
    if quantity <= 0:
        raise ValidationFailed(fields={"quantity": [_("At least 1.")]})
    if src is not None:
        row = _stock_row(part, src)
        took = Stock.objects.filter(pk=row.pk, quantity__gte=quantity).update(
            quantity=F("quantity") - quantity
        )
        if not took:
            row.refresh_from_db(fields=["quantity"])
            raise Conflict(
                _("Not enough %(part)s at %(location)s: %(have)s on hand, %(want)s wanted.")
                % {"part": part, "location": src, "have": row.quantity, "want": quantity},
                code="out_of_stock",
                extra={"part": part.code, "location": src.code, "on_hand": row.quantity},
            )
        if unit_cost is None:
            unit_cost = row.average_cost
    if unit_cost is None:
        unit_cost = Decimal(part.cost_price)
    if dst is not None:
        row = _stock_row(part, dst)
        avg = bands.moving_average(row.quantity, row.average_cost, quantity, unit_cost)
        Stock.objects.filter(pk=row.pk).update(quantity=F("quantity") + quantity, average_cost=avg)
    return Move.objects.create(
        organisation_id=part.organisation_id,
        part=part,
        kind=kind,
        from_location=src,
        to_location=dst,
        quantity=quantity,
        unit_cost=unit_cost,
        at=at,
        by=by,
        document=document,
        document_id=document_id,
        note=note[:200],
    )


# Master data --------------------------------------------------------------------------------


def _part_fields(data: dict, errors: dict) -> dict:
    out = {}
    for f in ("code", "name", "specification", "unit"):
        if f in data:
            out[f] = (data.get(f) or "").strip()
    for f in ("code", "name"):
        if f in out and not out[f]:
            errors[f] = [_("Required.")]
    if "kind" in data:
        if data["kind"] not in Part.Kind.values:
            errors["kind"] = [_("Unknown kind.")]
        out["kind"] = data["kind"]
    for f in ("cost_price", "sale_price"):
        if f in data:
            try:
                out[f] = to_money(data[f])
                if out[f] < 0:
                    errors[f] = [_("Not negative.")]
            except ValueError as exc:
                errors[f] = [str(exc)]
    if "reorder_level" in data:
        out["reorder_level"] = _int(data["reorder_level"], "reorder_level", errors, low=0)
    return out


def part_create(*, by, data: dict, models_fitted=(), products=()) -> Part:
    r.require_role(by, *MASTER_ROLES)
    errors: dict = {}
    fields = _part_fields({"unit": "个", **data}, errors)
    for f in ("code", "name"):
        if not fields.get(f):
            errors[f] = [_("Required.")]
    if errors:
        raise ValidationFailed(fields=errors)
    with transaction.atomic():
        if Part.objects.filter(code=fields["code"]).exists():
            raise ValidationFailed(fields={"code": [_("This part code is taken.")]})
        part = Part.objects.create(organisation_id=by.organisation_id, **fields)
        _set_fits(part, by, models_fitted, products)
        audit_record(actor=by, action="shouhou.part.created", obj=part, after=fields)
    return part


def _set_fits(part, by, models_fitted, products) -> None:
    if models_fitted:
        ms = list(ProductModel.objects.filter(pk__in=list(models_fitted)))
        if len(ms) != len(set(models_fitted)):
            raise ValidationFailed(fields={"models_fitted": [_("Unknown product model.")]})
        part.models_fitted.set(ms)
    if products:
        ps = list(Product.objects.filter(pk__in=list(products)))
        if len(ps) != len(set(products)):
            raise ValidationFailed(fields={"products": [_("Unknown product.")]})
        part.products.set(ps)


def part_update(*, by, part, data: dict) -> Part:
    r.require_role(by, *MASTER_ROLES)
    part = _get(Part, by, part)
    errors: dict = {}
    fields = _part_fields(data, errors)
    fields.pop("code", None)
    if errors:
        raise ValidationFailed(fields=errors)
    with transaction.atomic():
        before = {k: getattr(part, k) for k in fields}
        for k, v in fields.items():
            setattr(part, k, v)
        part.save()
        audit_record(actor=by, action="shouhou.part.updated", obj=part, before=before, after=fields)
    return part


def location_create(*, by, code: str, name: str, kind: str, store=None, dealer=None) -> Location:
    r.require_role(by, *MASTER_ROLES)
    errors = {}
    code, name = (code or "").strip(), (name or "").strip()
    if not code:
        errors["code"] = [_("Required.")]
    if not name:
        errors["name"] = [_("Required.")]
    if kind not in Location.Kind.values or kind == Location.Kind.TECHNICIAN:
        errors["kind"] = [_("Unknown kind.")]
    if errors:
        raise ValidationFailed(fields=errors)
    with transaction.atomic():
        if Location.objects.filter(code=code).exists():
            raise ValidationFailed(fields={"code": [_("This code is taken.")]})
        loc = Location.objects.create(
            organisation_id=by.organisation_id,
            code=code,
            name=name,
            kind=kind,
            store=store,
            dealer=dealer,
        )
        audit_record(actor=by, action="shouhou.part_location.created", obj=loc)
    return loc


def technician_location(user) -> Location:
    """The technician's own ledger ("with the technician"), created on first use."""
    loc = Location.objects.filter(kind=Location.Kind.TECHNICIAN, holder=user).first()
    if loc is None:
        try:
            with transaction.atomic():
                loc = Location.objects.create(
                    organisation_id=user.organisation_id,
                    code=f"tech-{user.pk}",
                    name=_("With %(name)s") % {"name": user.get_full_name() or user.username},
                    kind=Location.Kind.TECHNICIAN,
                    holder=user,
                )
        except IntegrityError:
            loc = Location.objects.get(kind=Location.Kind.TECHNICIAN, holder=user)
    return loc


def _special_location(org_id, kind: str) -> Location:
    loc = Location.objects.filter(kind=kind).order_by("id").first()
    if loc is None:
        loc = Location.objects.create(
            organisation_id=org_id,
            code=kind.replace("_", "-"),
            name=str(Location.Kind(kind).label),
            kind=kind,
        )
    return loc


def reorder_level_set(*, by, part, location, level: int | None) -> Stock:
    r.require_role(by, *STORE_ROLES)
    part, location = _get(Part, by, part), _get(Location, by, location)
    with transaction.atomic():
        row = _stock_row(part, location)
        before = row.reorder_level
        row.reorder_level = level
        row.save(update_fields=["reorder_level", "updated_at"])
        audit_record(
            actor=by,
            action="shouhou.stock.reorder_level",
            obj=row,
            before={"reorder_level": before},
            after={"reorder_level": level},
        )
    return row


# Receipts (§3.7.2–3.7.3) --------------------------------------------------------------------


def _lines(raw, errors: dict, *, price_field: str | None = None) -> list[tuple[Part, int, Decimal]]:
    out = []
    if not raw:
        errors["lines"] = [_("At least one line.")]
        return out
    seen = set()
    for i, line in enumerate(raw):
        part_ref = line.get("part")
        part = Part.objects.filter(pk=part_ref).first() if str(part_ref).isdigit() else None
        if part is None:
            part = Part.objects.filter(code=str(part_ref or "")).first()
        if part is None:
            errors[f"lines.{i}.part"] = [_("Unknown part.")]
            continue
        if part.pk in seen:
            errors[f"lines.{i}.part"] = [_("This part is on another line already.")]
        seen.add(part.pk)
        q = _int(line.get("quantity"), f"lines.{i}.quantity", errors)
        price = Decimal("0")
        if price_field:
            raw_price = line.get(price_field)
            try:
                price = part.cost_price if raw_price in (None, "") else to_money(raw_price)
                if price < 0:
                    errors[f"lines.{i}.{price_field}"] = [_("Not negative.")]
            except ValueError as exc:
                errors[f"lines.{i}.{price_field}"] = [str(exc)]
        out.append((part, q, price))
    return out


def receipt_create(
    *,
    by,
    location,
    supplier: str,
    lines: list[dict],
    delivery_note: str = "",
    expense_ref: str = "",
    note: str = "",
    now=None,
) -> Receipt:
    """Receive parts into a store: the receipt note and one receipt move per line."""
    now = _now(now)
    r.require_role(by, *STORE_ROLES)
    location = _get(Location, by, location)
    errors: dict = {}
    supplier = (supplier or "").strip()
    if not supplier:
        errors["supplier"] = [_("Who delivered the parts?")]
    if not location.is_store:
        errors["location"] = [_("Parts are received into a store.")]
    parsed = _lines(lines, errors, price_field="unit_cost")
    if errors:
        raise ValidationFailed(fields=errors)
    with transaction.atomic():
        receipt = Receipt.objects.create(
            organisation_id=by.organisation_id,
            number=_number("JS", now),
            location=location,
            supplier=supplier,
            delivery_note=(delivery_note or "").strip(),
            expense_ref=(expense_ref or "").strip(),
            received_at=now,
            received_by=by,
            note=note or "",
        )
        for part, q, cost in parsed:
            ReceiptLine.objects.create(
                organisation_id=by.organisation_id, receipt=receipt, part=part, quantity=q,
                unit_cost=cost,
            )  # fmt: skip
            _post(
                part=part, kind=Move.Kind.RECEIPT, quantity=q, by=by, at=now, dst=location,
                unit_cost=cost, document="receipt", document_id=receipt.pk,
                note=receipt.number,
            )  # fmt: skip
        audit_record(
            actor=by,
            action="shouhou.parts_receipt.created",
            obj=receipt,
            after={"lines": len(parsed), "location": location.code},
        )
    return receipt


def transfer_create(*, by, part, src, dst, quantity, note: str = "", now=None) -> Move:
    """Send parts from one store to another (e.g. to a service station's own ledger, §3.7.6)."""
    now = _now(now)
    r.require_role(by, *STORE_ROLES)
    part, src, dst = _get(Part, by, part), _get(Location, by, src), _get(Location, by, dst)
    errors: dict = {}
    q = _int(quantity, "quantity", errors)
    if src.pk == dst.pk:
        errors["dst"] = [_("Another location.")]
    if not (src.is_store and dst.is_store):
        errors["dst"] = [_("Transfers are between stores.")]
    if errors:
        raise ValidationFailed(fields=errors)
    with transaction.atomic():
        move = _post(
            part=part, kind=Move.Kind.TRANSFER, quantity=q, by=by, at=now, src=src, dst=dst,
            document="transfer", document_id=0, note=note,
        )  # fmt: skip
        Move.objects.filter(pk=move.pk).update(document_id=move.pk)
        audit_record(actor=by, action="shouhou.stock.transferred", obj=move)
    return move


# Requisitions (§3.6.1, §3.7.4) --------------------------------------------------------------


def _bands(org_id) -> list[bands.Band]:
    rows = list(ApprovalBand.objects.all())
    if not rows:
        return [bands.Band(lo, hi, role, order=i) for i, (lo, hi, role) in
                enumerate(bands.DEFAULT_BANDS)]  # fmt: skip
    return [bands.Band(b.min_value, b.max_value, b.role, b.order) for b in rows]


def requisition_create(
    *, by, work_order, location, lines: list[dict], proposal: str, now=None
) -> Requisition:
    """The technician proposes a fix on the order and asks for parts (备用件领料单)."""
    now = _now(now)
    r.require_role(by, *REQUEST_ROLES)
    order = _get(WorkOrder, by, work_order)
    location = _get(Location, by, location)
    errors: dict = {}
    proposal = (proposal or "").strip()
    if not proposal:
        errors["proposal"] = [_("Say what you propose to fix.")]
    if not location.is_store:
        errors["location"] = [_("Parts are drawn from a store.")]
    if order.technician_id is None:
        errors["work_order"] = [_("The order has no technician yet.")]
    technician = order.technician.user if order.technician_id else None
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
    if errors:
        raise ValidationFailed(fields=errors)
    with transaction.atomic():
        costs = {
            s.part_id: s.average_cost
            for s in Stock.objects.filter(location=location, part__in=[p for p, _q, _c in parsed])
        }
        priced = [(p, q, costs.get(p.pk) or Decimal(p.cost_price)) for p, q, _c in parsed]
        total = sum((Decimal(q) * c for _p, q, c in priced), Decimal("0")).quantize(CENT)
        try:
            band = bands.band_for(total, _bands(by.organisation_id))
        except bands.NoBandMatches as exc:
            raise ValidationFailed(
                _("No approval band covers ¥%(v)s; ask the administrator.") % {"v": total},
                code="no_band",
            ) from exc
        req = Requisition.objects.create(
            organisation_id=by.organisation_id,
            number=_number("LL", now),
            work_order=order,
            technician=technician,
            location=location,
            proposal=proposal,
            total_value=total,
            approver_role=band.role,
        )
        RequisitionLine.objects.bulk_create(
            [
                RequisitionLine(
                    organisation_id=by.organisation_id,
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


def _lock_req(req) -> Requisition:
    return Requisition.objects.select_for_update().get(pk=req.pk)


def _req_transition(req, by, frm: set, to: str, action: str, note: str = "", **updates):
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


def requisition_approve(*, by, requisition, note: str = "", now=None) -> Requisition:
    now = _now(now)
    req = _get(Requisition, by, requisition)
    with transaction.atomic():
        req = _lock_req(req)
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
            note, approved_by=by, approved_at=now, decision_note=(note or "")[:200],
        )  # fmt: skip


def requisition_reject(*, by, requisition, note: str, now=None) -> Requisition:
    req = _get(Requisition, by, requisition)
    note = (note or "").strip()
    if not note:
        raise ValidationFailed(fields={"note": [_("Say why.")]})
    with transaction.atomic():
        req = _lock_req(req)
        if not bands.may_approve(_roles(by), req.approver_role, superuser=by.is_superuser):
            raise PermissionDeniedError(code="approver_required")
        return _req_transition(
            req, by, {Requisition.Status.SUBMITTED}, Requisition.Status.REJECTED, "rejected",
            note, approved_by=by, approved_at=_now(now), decision_note=note[:200],
        )  # fmt: skip


def requisition_issue(*, by, requisition, now=None) -> Requisition:
    """The store hands the approved parts over: store → with the technician."""
    now = _now(now)
    r.require_role(by, *STORE_ROLES)
    req = _get(Requisition, by, requisition)
    with transaction.atomic():
        req = _lock_req(req)
        if req.status != Requisition.Status.APPROVED:
            raise InvalidTransition(
                _("Only an approved requisition is issued; this one is %(s)s.")
                % {"s": req.get_status_display()},
                code="not_approved",
            )
        bag = technician_location(req.technician)
        for line in req.lines.select_related("part").order_by("part_id"):
            move = _post(
                part=line.part, kind=Move.Kind.ISSUE, quantity=line.quantity, by=by, at=now,
                src=req.location, dst=bag, document="requisition", document_id=req.pk,
                note=req.number,
            )  # fmt: skip
            RequisitionLine.objects.filter(pk=line.pk).update(unit_cost=move.unit_cost)
        return _req_transition(
            req, by, {Requisition.Status.APPROVED}, Requisition.Status.ISSUED, "issued",
            issued_by=by, issued_at=now,
        )  # fmt: skip


def requisition_line_return(*, by, line, quantity, note: str = "", now=None) -> RequisitionLine:
    """Parts drawn but not used come back to the store (technician → store)."""
    now = _now(now)
    r.require_role(by, *STORE_ROLES)
    line = _get(RequisitionLine, by, line)
    errors: dict = {}
    q = _int(quantity, "quantity", errors)
    if errors:
        raise ValidationFailed(fields=errors)
    with transaction.atomic():
        req = _lock_req(line.requisition)
        line = RequisitionLine.objects.select_for_update().get(pk=line.pk)
        if req.status != Requisition.Status.ISSUED:
            raise InvalidTransition(_("Only issued parts come back."))
        if q > line.outstanding:
            raise ValidationFailed(
                fields={"quantity": [_("At most %(n)s are still out.") % {"n": line.outstanding}]}
            )
        _post(
            part=line.part, kind=Move.Kind.RETURN, quantity=q, by=by, at=now,
            src=technician_location(req.technician), dst=req.location,
            document="requisition", document_id=req.pk, note=note or req.number,
        )  # fmt: skip
        RequisitionLine.objects.filter(pk=line.pk).update(returned=F("returned") + q)
        audit_record(
            actor=by, action="shouhou.requisition.returned", obj=req,
            after={"part": line.part.code, "quantity": q}, note=note,
        )  # fmt: skip
        _maybe_settle(req, by)
        line.refresh_from_db()
    return line


def requisition_cancel(*, by, requisition, note: str = "", now=None) -> Requisition:
    """Cancel: what was issued and is still out goes back to the store."""
    now = _now(now)
    req = _get(Requisition, by, requisition)
    issued = req.status == Requisition.Status.ISSUED
    if issued:
        r.require_role(by, *STORE_ROLES)
    elif not (req.technician_id == by.pk or r.has_role(by, *STORE_ROLES, *SUPERVISOR_ROLES)):
        raise PermissionDeniedError()
    with transaction.atomic():
        req = _lock_req(req)
        if req.status == Requisition.Status.ISSUED:
            bag = technician_location(req.technician)
            for line in RequisitionLine.objects.select_for_update().filter(requisition=req):
                if line.outstanding > 0:
                    _post(
                        part=line.part, kind=Move.Kind.RETURN, quantity=line.outstanding, by=by,
                        at=now, src=bag, dst=req.location, document="requisition",
                        document_id=req.pk, note=_("cancelled") + " " + req.number,
                    )  # fmt: skip
                    RequisitionLine.objects.filter(pk=line.pk).update(
                        returned=F("returned") + line.outstanding
                    )
        return _req_transition(
            req, by,
            {Requisition.Status.SUBMITTED, Requisition.Status.APPROVED, Requisition.Status.ISSUED},
            Requisition.Status.CANCELLED, "cancelled", note, cancelled_at=now,
        )  # fmt: skip


def _maybe_settle(req, by) -> None:
    """Every line returned or written off: the requisition is settled."""
    if req.status == Requisition.Status.ISSUED and not any(
        line.outstanding for line in RequisitionLine.objects.filter(requisition=req)
    ):
        _req_transition(req, by, {Requisition.Status.ISSUED}, Requisition.Status.CLOSED, "settled")


def lines_set_old_part_due(*, order, completed_at) -> int:
    """The order's service is done: its drawn parts' old parts are due within N working days."""
    days = settings_for(order.organisation_id).old_part_return_days
    due = add_working_days(timezone.localdate(completed_at), days, order.organisation_id)
    return RequisitionLine.objects.filter(
        requisition__work_order=order,
        requisition__status=Requisition.Status.ISSUED,
        old_part_due_on__isnull=True,
    ).update(old_part_due_on=due)


# Old parts and write-off (§3.6.2, §3.7.4–3.7.5) ---------------------------------------------


def old_part_register(
    *,
    by,
    line,
    quantity=None,
    serial: str = "",
    report_part=None,
    photo=None,
    condition: str = "",
    note: str = "",
    now=None,
) -> OldPart:
    """The warehouse keeper registers the old part the technician brought back. If the report
    lists the replaced part (`report_part`), it is marked received there too (workorders'
    `report_part_receive_old`). When the report is signed already, the line is written off."""
    now = _now(now)
    r.require_role(by, *STORE_ROLES)
    line = _get(RequisitionLine, by, line)
    req = line.requisition
    errors: dict = {}
    q = (
        line.quantity - line.returned
        if quantity in (None, "")
        else _int(quantity, "quantity", errors)
    )
    if not errors and not 1 <= q <= line.quantity - line.returned:
        errors["quantity"] = [
            _("Between 1 and %(n)s (drawn and not returned).")
            % {"n": line.quantity - line.returned}
        ]
    rp = None
    if report_part not in (None, ""):
        rp = ReportPart.objects.filter(pk=getattr(report_part, "pk", report_part)).first()
        if rp is None or rp.report.order_id != req.work_order_id:
            errors["report_part"] = [_("Not a replaced part of this order's report.")]
    if errors:
        raise ValidationFailed(fields=errors)
    with transaction.atomic():
        req = _lock_req(req)
        if req.status not in (Requisition.Status.ISSUED, Requisition.Status.CLOSED):
            raise InvalidTransition(_("Old parts come back for issued parts only."))
        if OldPart.objects.filter(line=line).exists():
            raise Conflict(_("The old part of this line is registered already."), code="duplicate")
        if rp is not None and rp.old_returned_at is None:
            wo_services.report_part_receive_old(
                by=by, part=rp, quantity=min(q, rp.quantity), condition=condition, note=note,
                now=now,
            )  # fmt: skip
        old = OldPart.objects.create(
            organisation_id=by.organisation_id,
            line=line,
            report_part=rp,
            work_order_id=req.work_order_id,
            part=line.part,
            quantity=q,
            serial=(serial or "").strip()[:60],
            returned_by=req.technician,
            received_by=by,
            returned_at=now,
        )
        if photo:
            old.photo.save(photo.name, photo, save=True)
        audit_record(
            actor=by, action="shouhou.old_part.registered", obj=old,
            after={"status": old.status, "quantity": q, "serial": old.serial},
        )  # fmt: skip
        report = ServiceReport.objects.filter(order_id=req.work_order_id).first()
        if report is not None and report.is_signed:
            _write_off(line, report, old, by=by, now=now)
    return old


def _write_off(line, report, old, *, by, now) -> WriteOff | None:
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


def write_off_for_signed_report(*, order, report, by, now=None) -> int:
    """The customer signed: every line of the order whose old part is back is written off."""
    now = _now(now)
    n = 0
    for old in OldPart.objects.filter(
        work_order=order,
        write_off__isnull=True,
        line__requisition__status=Requisition.Status.ISSUED,
    ).select_related("line__requisition"):
        # signed through the customer's link there is no user: the store keeper who issued the
        # parts books the write-off
        actor = by or old.line.requisition.issued_by or report.created_by
        if _write_off(old.line, report, old, by=actor, now=now):
            n += 1
    return n


def old_part_appraise(
    *, by, old_part, verdict: str, condition: str, note: str = "", now=None
) -> OldPart:
    """The technical department's appraisal (鉴定); usable parts go to the usable old-parts store,
    scrap waits for the month's disposal batch."""
    now = _now(now)
    r.require_role(by, *APPRAISE_ROLES)
    old = _get(OldPart, by, old_part)
    errors = {}
    if verdict not in OldPart.Verdict.values:
        errors["verdict"] = [_("Choose the appraisal.")]
    if condition not in (OldPart.Status.USABLE, OldPart.Status.SCRAP):
        errors["condition"] = [_("Usable or scrap?")]
    if errors:
        raise ValidationFailed(fields=errors)
    with transaction.atomic():
        old = OldPart.objects.select_for_update().get(pk=old.pk)
        if old.status != OldPart.Status.RETURNED:
            raise InvalidTransition(_("This old part is appraised already."))
        kind = Location.Kind.OLD_USABLE if condition == "usable" else Location.Kind.OLD_SCRAP
        _post(
            part=old.part, kind=Move.Kind.OLD_IN, quantity=old.quantity, by=by, at=now,
            dst=_special_location(old.organisation_id, kind), unit_cost=Decimal("0"),
            document="old_part", document_id=old.pk, note=str(old.work_order),
        )  # fmt: skip
        old.status, old.verdict = condition, verdict
        old.appraisal_note, old.appraised_by, old.appraised_at = (note or "")[:200], by, now
        old.save()
        audit_record(
            actor=by, action="shouhou.old_part.appraised", obj=old,
            before={"status": "returned"}, after={"status": condition, "verdict": verdict},
        )  # fmt: skip
    return old


def disposal_batch_collect(*, by, month: dt.date, now=None) -> DisposalBatch:
    """The month's batch: every scrap old part appraised up to the month's end and not yet in a
    batch. Running it again adds what was appraised since (the batch is still open)."""
    r.require_role(by, *STORE_ROLES)
    month = month.replace(day=1)
    with transaction.atomic():
        batch, created = DisposalBatch.objects.get_or_create(
            organisation_id=by.organisation_id, month=month
        )
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


def disposal_batch_submit(*, by, batch, method: str) -> DisposalBatch:
    r.require_role(by, *STORE_ROLES)
    batch = _get(DisposalBatch, by, batch)
    method = (method or "").strip()
    if not method:
        raise ValidationFailed(fields={"method": [_("How will it be disposed of?")]})
    with transaction.atomic():
        batch = DisposalBatch.objects.select_for_update().get(pk=batch.pk)
        if batch.status != DisposalBatch.Status.OPEN:
            raise InvalidTransition()
        if not batch.items.exists():
            raise ValidationFailed(_("The batch is empty."), code="empty")
        batch.status, batch.method, batch.submitted_by = "submitted", method[:100], by
        batch.save()
        audit_record(actor=by, action="shouhou.disposal_batch.submitted", obj=batch,
                     before={"status": "open"}, after={"status": "submitted"})  # fmt: skip
    return batch


def disposal_batch_approve(*, by, batch, now=None) -> DisposalBatch:
    """A manager approves: each scrap part leaves the scrap store (disposal move)."""
    now = _now(now)
    r.require_role(by, *MANAGER_ROLES)
    batch = _get(DisposalBatch, by, batch)
    with transaction.atomic():
        batch = DisposalBatch.objects.select_for_update().get(pk=batch.pk)
        if batch.status != DisposalBatch.Status.SUBMITTED:
            raise InvalidTransition()
        scrap = _special_location(batch.organisation_id, Location.Kind.OLD_SCRAP)
        for old in batch.items.select_related("part").order_by("part_id"):
            _post(
                part=old.part, kind=Move.Kind.DISPOSAL, quantity=old.quantity, by=by, at=now,
                src=scrap, document="disposal_batch", document_id=batch.pk, note=str(batch),
            )  # fmt: skip
        batch.items.update(status=OldPart.Status.DISPOSED)
        batch.status, batch.approved_by, batch.approved_at = "approved", by, now
        batch.save()
        audit_record(actor=by, action="shouhou.disposal_batch.approved", obj=batch,
                     before={"status": "submitted"}, after={"status": "approved"})  # fmt: skip
    return batch


# Stock count (盘点, §3.7.1) ------------------------------------------------------------------


def stock_count_create(*, by, location, lines: list[dict], note: str = "", now=None) -> StockCount:
    now = _now(now)
    r.require_role(by, *STORE_ROLES)
    location = _get(Location, by, location)
    errors: dict = {}
    parsed = []
    seen = set()
    for i, line in enumerate(lines or []):
        part = (
            Part.objects.filter(pk=line.get("part")).first()
            if str(line.get("part")).isdigit()
            else None
        )
        if part is None:
            errors[f"lines.{i}.part"] = [_("Unknown part.")]
            continue
        if part.pk in seen:
            errors[f"lines.{i}.part"] = [_("This part is on another line already.")]
        seen.add(part.pk)
        parsed.append((part, _int(line.get("counted"), f"lines.{i}.counted", errors, low=0)))
    if not lines:
        errors["lines"] = [_("At least one line.")]
    if errors:
        raise ValidationFailed(fields=errors)
    with transaction.atomic():
        count = StockCount.objects.create(
            organisation_id=by.organisation_id, location=location, counted_by=by, counted_at=now,
            note=(note or "")[:200],
        )  # fmt: skip
        booked = dict(Stock.objects.filter(location=location).values_list("part_id", "quantity"))
        StockCountLine.objects.bulk_create(
            [
                StockCountLine(
                    organisation_id=by.organisation_id,
                    count=count,
                    part=p,
                    booked=booked.get(p.pk, 0),
                    counted=c,
                )  # fmt: skip
                for p, c in parsed
            ]
        )
        audit_record(actor=by, action="shouhou.stock_count.submitted", obj=count,
                     after={"status": count.status})  # fmt: skip
    return count


def stock_count_decide(*, by, count, approve: bool, now=None) -> StockCount:
    """A manager approves the count: each difference is an adjustment move (from the books as
    they are now, so moves since the count are kept)."""
    now = _now(now)
    r.require_role(by, *MANAGER_ROLES, r.FINANCE)
    count = _get(StockCount, by, count)
    with transaction.atomic():
        count = StockCount.objects.select_for_update().get(pk=count.pk)
        if count.status != StockCount.Status.SUBMITTED:
            raise InvalidTransition()
        if count.counted_by_id == by.pk:
            raise PermissionDeniedError(_("Nobody approves their own count."))
        if approve:
            for line in count.lines.select_related("part").order_by("part_id"):
                diff = line.difference
                if diff > 0:
                    _post(part=line.part, kind=Move.Kind.ADJUSTMENT, quantity=diff, by=by, at=now,
                          dst=count.location, document="stock_count", document_id=count.pk)  # fmt: skip
                elif diff < 0:
                    _post(part=line.part, kind=Move.Kind.ADJUSTMENT, quantity=-diff, by=by, at=now,
                          src=count.location, document="stock_count", document_id=count.pk)  # fmt: skip
        to = StockCount.Status.APPROVED if approve else StockCount.Status.REJECTED
        count.status, count.approved_by, count.approved_at = to, by, now
        count.save()
        audit_record(actor=by, action=f"shouhou.stock_count.{to}", obj=count,
                     before={"status": "submitted"}, after={"status": to})  # fmt: skip
    return count


# Paid-repair quotes (范文2 二.5) --------------------------------------------------------------


def quote_create(
    *, by, work_order, lines: list[dict], labour_hours, travel_km=0, now=None
) -> Quote:
    r.require_role(by, *QUOTE_ROLES)
    order = _get(WorkOrder, by, work_order)
    errors: dict = {}
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


def quote_accept(*, by, quote, customer_name: str, now=None) -> Quote:
    """The customer accepted the quote (who and when), before the work starts."""
    now = _now(now)
    r.require_role(by, *QUOTE_ROLES)
    quote = _get(Quote, by, quote)
    name = (customer_name or "").strip()
    if not name:
        raise ValidationFailed(fields={"customer_name": [_("Who accepted it?")]})
    with transaction.atomic():
        quote = Quote.objects.select_for_update().get(pk=quote.pk)
        order = WorkOrder.objects.get(pk=quote.work_order_id)
        if quote.status != Quote.Status.DRAFT:
            raise InvalidTransition(_("Only a quote shown to the customer is accepted."))
        if order.status in ("done", "confirmed", "closed", "cancelled"):
            raise InvalidTransition(_("A quote is accepted before the work, not after."))
        if Quote.objects.filter(work_order=order, status=Quote.Status.ACCEPTED).exists():
            raise Conflict(_("The customer accepted a quote already."), code="quote_accepted")
        quote.status, quote.accepted_by_name = Quote.Status.ACCEPTED, name[:50]
        quote.accepted_at, quote.recorded_by = now, by
        quote.save()
        audit_record(actor=by, action="shouhou.quote.accepted", obj=quote,
                     before={"status": "draft"}, after={"status": "accepted", "by": name})  # fmt: skip
    return quote


def quote_decline(*, by, quote) -> Quote:
    r.require_role(by, *QUOTE_ROLES)
    quote = _get(Quote, by, quote)
    with transaction.atomic():
        quote = Quote.objects.select_for_update().get(pk=quote.pk)
        if quote.status != Quote.Status.DRAFT:
            raise InvalidTransition()
        quote.status = Quote.Status.DECLINED
        quote.save()
        audit_record(actor=by, action="shouhou.quote.declined", obj=quote,
                     before={"status": "draft"}, after={"status": "declined"})  # fmt: skip
    return quote


def quote_change_approve(*, by, quote, amount, reason: str, now=None) -> Quote:
    """A supervisor approves a fee different from the accepted quote (found more to do)."""
    now = _now(now)
    r.require_role(by, *SUPERVISOR_ROLES)
    quote = _get(Quote, by, quote)
    errors = {}
    try:
        amount = to_money(amount)
        if amount < 0:
            errors["amount"] = [_("Not negative.")]
    except ValueError as exc:
        errors["amount"] = [str(exc)]
    reason = (reason or "").strip()
    if not reason:
        errors["reason"] = [_("Say why the fee changes.")]
    if errors:
        raise ValidationFailed(fields=errors)
    with transaction.atomic():
        quote = Quote.objects.select_for_update().get(pk=quote.pk)
        if quote.status != Quote.Status.ACCEPTED:
            raise InvalidTransition(_("Only an accepted quote is changed."))
        before = quote.changed_total
        quote.changed_total, quote.change_reason = amount, reason[:200]
        quote.change_approved_by, quote.change_approved_at = by, now
        quote.save()
        audit_record(actor=by, action="shouhou.quote.change_approved", obj=quote,
                     before={"changed_total": before}, after={"changed_total": amount}, note=reason)  # fmt: skip
    return quote


def check_fee_against_quote(*, order, fee) -> None:
    """The guard on completion: the fee equals the accepted quote (or its approved change); a fee
    without an accepted quote is refused when the organisation says so."""
    try:
        fee = to_money(fee if fee not in (None, "") else "0")
    except ValueError:
        return  # the work-order service reports the bad amount itself
    quote = Quote.objects.filter(work_order=order, status=Quote.Status.ACCEPTED).first()
    if quote is None:
        if fee > 0 and settings_for(order.organisation_id).quote_needed_for_fee:
            raise ValidationFailed(
                fields={
                    "fee_approval": [_("A fee needs a paid-repair quote the customer accepted.")]
                }
            )
        return
    if fee != quote.agreed_fee:
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


# Postage of parts sent by post (§3.6.3) -------------------------------------------------------

POSTAGE_ROLES = {r.WAREHOUSE_KEEPER, r.SERVICE_DESK}


def postage_record(
    *, by, carrier: str, waybill: str, amount, description: str, work_order=None, now=None
) -> PostageWriteOff:
    """The handler signs the postage of parts sent by post."""
    now = _now(now)
    r.require_role(by, *POSTAGE_ROLES)
    errors: dict = {}
    carrier, waybill = (carrier or "").strip(), (waybill or "").strip()
    description = (description or "").strip()
    for f, v in (("carrier", carrier), ("waybill", waybill), ("description", description)):
        if not v:
            errors[f] = [_("Required.")]
    try:
        amount = to_money(amount)
        if amount <= 0:
            errors["amount"] = [_("More than zero.")]
    except ValueError as exc:
        errors["amount"] = [str(exc)]
    order = _get(WorkOrder, by, work_order) if work_order not in (None, "") else None
    if errors:
        raise ValidationFailed(fields=errors)
    with transaction.atomic():
        if PostageWriteOff.objects.filter(carrier=carrier, waybill=waybill).exists():
            raise ValidationFailed(fields={"waybill": [_("This waybill is recorded already.")]})
        row = PostageWriteOff.objects.create(
            organisation_id=by.organisation_id, work_order=order, carrier=carrier[:60],
            waybill=waybill[:60], amount=amount, description=description[:200], handler=by,
            handled_at=now,
        )  # fmt: skip
        audit_record(actor=by, action="shouhou.postage.signed", obj=row,
                     after={"status": row.status, "amount": amount})  # fmt: skip
    return row


def postage_approve(*, by, postage, now=None) -> PostageWriteOff:
    """The supervisor's second signature: the postage is written off."""
    now = _now(now)
    r.require_role(by, *SUPERVISOR_ROLES)
    row = _get(PostageWriteOff, by, postage)
    with transaction.atomic():
        row = PostageWriteOff.objects.select_for_update().get(pk=row.pk)
        if row.handler_id == by.pk:
            raise PermissionDeniedError(_("The second signature is someone else's."))
        if row.status != PostageWriteOff.Status.SIGNED_BY_HANDLER:
            raise InvalidTransition(_("This postage is written off already."))
        row.status, row.approved_by, row.approved_at = "written_off", by, now
        row.save()
        audit_record(actor=by, action="shouhou.postage.written_off", obj=row,
                     before={"status": "handler"}, after={"status": "written_off"})  # fmt: skip
    return row
