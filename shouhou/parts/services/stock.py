"""The parts master, locations and stock movements in: parts and what they fit, store and
technician locations, reorder levels, receipts and transfers between locations."""

from __future__ import annotations

import datetime as dt
from collections.abc import Collection, Mapping, Sequence
from decimal import Decimal
from typing import TYPE_CHECKING, Any

from django.db import IntegrityError, transaction
from django.utils.translation import gettext as _

from shouhou.catalog.models import Product, ProductModel
from shouhou.core.audit import audit_record
from shouhou.core.errors import (
    ValidationFailed,
)
from shouhou.core.money import to_money
from shouhou.org import roles as r

from ..models import (
    Location,
    Move,
    Part,
    Receipt,
    ReceiptLine,
    Stock,
)
from .common import STORE_ROLES, _get, _int, _now, _number, _post, _stock_row

if TYPE_CHECKING:
    from shouhou.org.models import Dealer, Store, User

# Lines of a receipt, requisition or quote as the API and the pages send them.
RawLines = Sequence[Mapping[str, object]]

MASTER_ROLES = {r.WAREHOUSE_KEEPER, r.ADMINISTRATION}


def _part_fields(data: Mapping[str, object], errors: dict[str, list[str]]) -> dict[str, Any]:
    out: dict[str, Any] = {}
    for f in ("code", "name", "specification", "unit"):
        if f in data:
            out[f] = str(data.get(f) or "").strip()
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


def part_create(
    *,
    by: User,
    data: Mapping[str, object],
    models_fitted: Collection[int] = (),
    products: Collection[int] = (),
) -> Part:
    r.require_role(by, *MASTER_ROLES)
    org_id = r.require_organisation(by)
    errors: dict[str, list[str]] = {}
    fields = _part_fields({"unit": "个", **data}, errors)
    for f in ("code", "name"):
        if not fields.get(f):
            errors[f] = [_("Required.")]
    if errors:
        raise ValidationFailed(fields=errors)
    with transaction.atomic():
        if Part.objects.filter(code=fields["code"]).exists():
            raise ValidationFailed(fields={"code": [_("This part code is taken.")]})
        part = Part.objects.create(organisation_id=org_id, **fields)
        _set_fits(part, by, models_fitted, products)
        audit_record(actor=by, action="shouhou.part.created", obj=part, after=fields)
    return part


def _set_fits(
    part: Part, by: User, models_fitted: Collection[int], products: Collection[int]
) -> None:
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


def part_update(*, by: User, part: object, data: Mapping[str, object]) -> Part:
    r.require_role(by, *MASTER_ROLES)
    row = _get(Part, by, part)
    errors: dict[str, list[str]] = {}
    fields = _part_fields(data, errors)
    fields.pop("code", None)
    if errors:
        raise ValidationFailed(fields=errors)
    with transaction.atomic():
        before = {k: getattr(row, k) for k in fields}
        for k, v in fields.items():
            setattr(row, k, v)
        row.save()
        audit_record(actor=by, action="shouhou.part.updated", obj=row, before=before, after=fields)
    return row


def location_create(
    *,
    by: User,
    code: str,
    name: str,
    kind: str,
    store: Store | None = None,
    dealer: Dealer | None = None,
) -> Location:
    r.require_role(by, *MASTER_ROLES)
    org_id = r.require_organisation(by)
    errors: dict[str, list[str]] = {}
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
            organisation_id=org_id,
            code=code,
            name=name,
            kind=kind,
            store=store,
            dealer=dealer,
        )
        audit_record(actor=by, action="shouhou.part_location.created", obj=loc)
    return loc


def technician_location(user: User) -> Location:
    """The technician's own ledger ("with the technician"), created on first use."""
    loc = Location.objects.filter(kind=Location.Kind.TECHNICIAN, holder=user).first()
    if loc is None:
        try:
            with transaction.atomic():
                loc = Location.objects.create(
                    organisation_id=r.require_organisation(user),
                    code=f"tech-{user.pk}",
                    name=_("With %(name)s") % {"name": user.get_full_name() or user.username},
                    kind=Location.Kind.TECHNICIAN,
                    holder=user,
                )
        except IntegrityError:
            loc = Location.objects.get(kind=Location.Kind.TECHNICIAN, holder=user)
    return loc


def _special_location(org_id: int, kind: str) -> Location:
    loc = Location.objects.filter(kind=kind).order_by("id").first()
    if loc is None:
        loc = Location.objects.create(
            organisation_id=org_id,
            code=kind.replace("_", "-"),
            name=str(Location.Kind(kind).label),
            kind=kind,
        )
    return loc


def reorder_level_set(*, by: User, part: object, location: object, level: int | None) -> Stock:
    r.require_role(by, *STORE_ROLES)
    with transaction.atomic():
        row = _stock_row(_get(Part, by, part), _get(Location, by, location))
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


def _lines(
    raw: RawLines | None, errors: dict[str, list[str]], *, price_field: str | None = None
) -> list[tuple[Part, int, Decimal]]:
    out: list[tuple[Part, int, Decimal]] = []
    if not raw:
        errors["lines"] = [_("At least one line.")]
        return out
    seen: set[int] = set()
    for i, line in enumerate(raw):
        part_ref = line.get("part")
        part = (
            Part.objects.filter(pk=int(str(part_ref))).first() if str(part_ref).isdigit() else None
        )
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
    by: User,
    location: object,
    supplier: str,
    lines: RawLines,
    delivery_note: str = "",
    expense_ref: str = "",
    note: str = "",
    now: dt.datetime | None = None,
) -> Receipt:
    """Receive parts into a store: the receipt note and one receipt move per line."""
    at = _now(now)
    r.require_role(by, *STORE_ROLES)
    org_id = r.require_organisation(by)
    store = _get(Location, by, location)
    errors: dict[str, list[str]] = {}
    supplier = (supplier or "").strip()
    if not supplier:
        errors["supplier"] = [_("Who delivered the parts?")]
    if not store.is_store:
        errors["location"] = [_("Parts are received into a store.")]
    parsed = _lines(lines, errors, price_field="unit_cost")
    if errors:
        raise ValidationFailed(fields=errors)
    with transaction.atomic():
        receipt = Receipt.objects.create(
            organisation_id=org_id,
            number=_number("JS", at),
            location=store,
            supplier=supplier,
            delivery_note=(delivery_note or "").strip(),
            expense_ref=(expense_ref or "").strip(),
            received_at=at,
            received_by=by,
            note=note or "",
        )
        for part, q, cost in parsed:
            ReceiptLine.objects.create(
                organisation_id=org_id, receipt=receipt, part=part, quantity=q,
                unit_cost=cost,
            )  # fmt: skip
            _post(
                part=part, kind=Move.Kind.RECEIPT, quantity=q, by=by, at=at, dst=store,
                unit_cost=cost, document="receipt", document_id=receipt.pk,
                note=receipt.number,
            )  # fmt: skip
        audit_record(
            actor=by,
            action="shouhou.parts_receipt.created",
            obj=receipt,
            after={"lines": len(parsed), "location": store.code},
        )
    return receipt


def transfer_create(
    *,
    by: User,
    part: object,
    src: object,
    dst: object,
    quantity: object,
    note: str = "",
    now: dt.datetime | None = None,
) -> Move:
    """Send parts from one store to another (e.g. to a service station's own ledger, §3.7.6)."""
    at = _now(now)
    r.require_role(by, *STORE_ROLES)
    row = _get(Part, by, part)
    origin, target = _get(Location, by, src), _get(Location, by, dst)
    errors: dict[str, list[str]] = {}
    q = _int(quantity, "quantity", errors)
    if origin.pk == target.pk:
        errors["dst"] = [_("Another location.")]
    if not (origin.is_store and target.is_store):
        errors["dst"] = [_("Transfers are between stores.")]
    if errors:
        raise ValidationFailed(fields=errors)
    with transaction.atomic():
        move = _post(
            part=row, kind=Move.Kind.TRANSFER, quantity=q, by=by, at=at, src=origin, dst=target,
            document="transfer", document_id=0, note=note,
        )  # fmt: skip
        Move.objects.filter(pk=move.pk).update(document_id=move.pk)
        audit_record(actor=by, action="shouhou.stock.transferred", obj=move)
    return move
