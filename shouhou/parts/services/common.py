"""What the parts services share: roles, settings, numbering, and `_post`, the one place a stock
quantity changes (a conditional UPDATE on the locked row, so stock never goes below zero)."""

from __future__ import annotations

import datetime as dt
import uuid
from decimal import Decimal
from typing import TYPE_CHECKING, TypeVar

from django.db import IntegrityError, models, transaction
from django.db.models import F
from django.utils import timezone
from django.utils.translation import gettext as _

from shouhou.core.errors import (
    Conflict,
    NotFoundError,
    ValidationFailed,
)
from shouhou.core.models import OrgScopedModel
from shouhou.org import roles as r

from .. import bands
from ..models import (
    Location,
    Move,
    Part,
    PartsSettings,
    Stock,
)

if TYPE_CHECKING:
    from shouhou.org.models import User

STORE_ROLES = {r.WAREHOUSE_KEEPER}


MANAGER_ROLES = {r.STORE_MANAGER, r.VP_OPERATIONS, r.GENERAL_MANAGER}


SUPERVISOR_ROLES = {r.WORKSHOP_SUPERVISOR, r.CS_SUPERVISOR, *r.MANAGER_ROLES}


settings_for = PartsSettings.for_org


CENT = Decimal("0.01")


def _now(now: dt.datetime | None = None) -> dt.datetime:
    return now or timezone.now()


def _same_org(by: User, *objs: OrgScopedModel | None) -> None:
    org = getattr(by, "organisation_id", None)
    for obj in objs:
        if obj is not None and (org is None or obj.organisation_id != org):
            raise NotFoundError()


def _number(prefix: str, now: dt.datetime) -> str:
    return f"{prefix}{timezone.localtime(now):%Y%m%d}-{uuid.uuid4().hex[:6].upper()}"


def _int(value: object, field: str, errors: dict[str, list[str]], *, low: int = 1) -> int:
    try:
        if not isinstance(value, int | str | float | Decimal):
            raise TypeError
        n = int(value)
    except (TypeError, ValueError):
        errors[field] = [_("A whole number.")]
        return 0
    if n < low:
        errors[field] = [_("At least %(n)s.") % {"n": low}]
    return n


_Row = TypeVar("_Row", bound=OrgScopedModel)


def _pk(value: object) -> int:
    """A primary key from a number or a string of one; 0 (no row) otherwise."""
    if isinstance(value, models.Model) or not isinstance(value, int | str | float | Decimal):
        return 0
    try:
        return int(value)
    except ValueError:
        return 0


def _get(model: type[_Row], by: User, pk: object) -> _Row:
    """The row of the caller's organisation: an instance, or its id; anything else is 404."""
    if isinstance(pk, model):
        obj = pk
    else:
        try:
            obj = model.objects.get(pk=_pk(pk))
        except model.DoesNotExist as exc:
            raise NotFoundError() from exc
    _same_org(by, obj)
    return obj


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
    by: User,
    at: dt.datetime,
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
