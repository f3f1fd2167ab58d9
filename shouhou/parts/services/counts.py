"""Stock counts: a count sheet per location and the decision on its differences."""

from __future__ import annotations

import datetime as dt
from typing import TYPE_CHECKING

from django.db import transaction
from django.utils.translation import gettext as _

from shouhou.core.audit import audit_record
from shouhou.core.errors import (
    InvalidTransition,
    PermissionDeniedError,
    ValidationFailed,
)
from shouhou.org import roles as r

from ..models import (
    Location,
    Move,
    Part,
    Stock,
    StockCount,
    StockCountLine,
)
from .common import MANAGER_ROLES, STORE_ROLES, _get, _int, _now, _post
from .stock import RawLines

if TYPE_CHECKING:
    from shouhou.org.models import User


def stock_count_create(
    *,
    by: User,
    location: object,
    lines: RawLines,
    note: str = "",
    now: dt.datetime | None = None,
) -> StockCount:
    at = _now(now)
    r.require_role(by, *STORE_ROLES)
    org_id = r.require_organisation(by)
    place = _get(Location, by, location)
    errors: dict[str, list[str]] = {}
    parsed: list[tuple[Part, int]] = []
    seen: set[int] = set()
    for i, line in enumerate(lines or []):
        part = (
            Part.objects.filter(pk=int(str(line.get("part")))).first()
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
            organisation_id=org_id, location=place, counted_by=by, counted_at=at,
            note=(note or "")[:200],
        )  # fmt: skip
        booked = dict(Stock.objects.filter(location=place).values_list("part_id", "quantity"))
        StockCountLine.objects.bulk_create(
            [
                StockCountLine(
                    organisation_id=org_id,
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


def stock_count_decide(
    *, by: User, count: object, approve: bool, now: dt.datetime | None = None
) -> StockCount:
    """A manager approves the count: each difference is an adjustment move (from the books as
    they are now, so moves since the count are kept)."""
    at = _now(now)
    r.require_role(by, *MANAGER_ROLES, r.FINANCE)
    found = _get(StockCount, by, count)
    with transaction.atomic():
        sheet = StockCount.objects.select_for_update().get(pk=found.pk)
        if sheet.status != StockCount.Status.SUBMITTED:
            raise InvalidTransition()
        if sheet.counted_by_id == by.pk:
            raise PermissionDeniedError(_("Nobody approves their own count."))
        if approve:
            for line in sheet.lines.select_related("part").order_by("part_id"):
                diff = line.difference
                if diff > 0:
                    _post(part=line.part, kind=Move.Kind.ADJUSTMENT, quantity=diff, by=by, at=at,
                          dst=sheet.location, document="stock_count", document_id=sheet.pk)  # fmt: skip
                elif diff < 0:
                    _post(part=line.part, kind=Move.Kind.ADJUSTMENT, quantity=-diff, by=by, at=at,
                          src=sheet.location, document="stock_count", document_id=sheet.pk)  # fmt: skip
        to = StockCount.Status.APPROVED if approve else StockCount.Status.REJECTED
        sheet.status, sheet.approved_by, sheet.approved_at = to, by, at
        sheet.save()
        audit_record(actor=by, action=f"shouhou.stock_count.{to}", obj=sheet,
                     before={"status": "submitted"}, after={"status": to})  # fmt: skip
    return sheet
