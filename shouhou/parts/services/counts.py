"""Stock counts: a count sheet per location and the decision on its differences."""

from __future__ import annotations

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
