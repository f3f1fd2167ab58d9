"""Editing the SLA policies and response tiers (organisation data: the seed's numbers are only
the first values). A manager changes a policy's conditions or sets one of its time limits;
every change is audited and kept in the policy's history, and the per-process configuration
cache is dropped by the save (`config._cache.invalidate_on`)."""

from __future__ import annotations

from decimal import Decimal, InvalidOperation

from django.db import transaction
from django.utils.translation import gettext as _

from shouhou.core.audit import audit_record, snapshot
from shouhou.core.errors import ValidationFailed
from shouhou.org import roles as r

from .. import deadlines as dl
from ..models import FaultTier, Route, SlaPolicy, SlaTarget
from .common import _same_org

EDITOR_ROLES = r.MANAGER_ROLES
_DISTANCE_FIELDS = ("min_distance_km", "max_distance_km")
_TEXT_FIELDS = {"name": 100, "description": 2000}
_FLAG_FIELDS = ("is_active", "for_emergency", "loan_unit_if_late")


def _distance(value, field: str, errors: dict) -> Decimal | None:
    if value in (None, ""):
        return None
    try:
        d = Decimal(str(value))
    except InvalidOperation:
        errors[field] = [_("Enter a distance in km.")]
        return None
    if d < 0 or d > Decimal("99999.9"):
        errors[field] = [_("Give a distance between 0 and 99999.9 km.")]
    return d


def _clean_policy(changes: dict) -> dict:
    errors: dict[str, list[str]] = {}
    out: dict = {}
    for field, value in changes.items():
        if field in _TEXT_FIELDS:
            value = (value or "").strip()
            if field == "name" and not value:
                errors[field] = [_("Give the policy a name.")]
            elif len(value) > _TEXT_FIELDS[field]:
                errors[field] = [_("At most %(n)d characters.") % {"n": _TEXT_FIELDS[field]}]
        elif field in _FLAG_FIELDS:
            value = bool(value)
        elif field in _DISTANCE_FIELDS:
            value = _distance(value, field, errors)
        elif field == "fault_category":
            value = value or ""
            if value and value not in FaultTier.values:
                errors[field] = [_("Unknown fault category.")]
        elif field == "route":
            value = value or ""
            if value and value not in Route.values:
                errors[field] = [_("Unknown route.")]
        elif field == "priority":
            try:
                value = int(value)
            except (TypeError, ValueError):
                errors[field] = [_("A whole number.")]
        else:
            errors[field] = [_("This field cannot be changed here.")]
        out[field] = value
    if errors:
        raise ValidationFailed(fields=errors)
    return out


def sla_policy_update(*, by, policy: SlaPolicy, **changes) -> SlaPolicy:
    """Change a policy's name, conditions (fault category, route, distance band, emergency),
    priority or whether it is active."""
    _same_org(by, policy)
    r.require_role(by, *EDITOR_ROLES)
    values = _clean_policy(changes)
    with transaction.atomic():
        policy = SlaPolicy.objects.select_for_update().get(pk=policy.pk)
        lo = values.get("min_distance_km", policy.min_distance_km)
        hi = values.get("max_distance_km", policy.max_distance_km)
        if lo is not None and hi is not None and hi <= lo:
            raise ValidationFailed(
                fields={"max_distance_km": [_("The inner band must end beyond where it starts.")]}
            )
        before = snapshot(policy)
        for field, value in values.items():
            setattr(policy, field, value)
        policy.save()
        audit_record(
            actor=by,
            action="shouhou.sla_policy.updated",
            obj=policy,
            before=before,
            after=snapshot(policy),
        )
    return policy


def sla_target_set(
    *, by, policy: SlaPolicy, target: str, amount, unit: str, anchor: str = dl.ANCHOR_RECEIVED
) -> SlaTarget:
    """Set one time limit of a policy (created when the policy has none for this target)."""
    _same_org(by, policy)
    r.require_role(by, *EDITOR_ROLES)
    errors: dict[str, list[str]] = {}
    if target not in SlaTarget.Target.values:
        errors["target"] = [_("Unknown target.")]
    if unit not in SlaTarget.Unit.values:
        errors["unit"] = [_("Unknown unit.")]
    if anchor not in SlaTarget.Anchor.values:
        errors["anchor"] = [_("Unknown starting point.")]
    try:
        value = Decimal(str(amount))
        if value <= 0 or value >= Decimal("100000"):
            raise InvalidOperation
        value = value.quantize(Decimal("0.01"))
    except InvalidOperation:
        errors["amount"] = [_("Give a positive amount, at most two decimals.")]
    if errors:
        raise ValidationFailed(fields=errors)
    with transaction.atomic():
        row = SlaTarget.objects.select_for_update().filter(policy=policy, target=target).first()
        before = snapshot(row) if row is not None else None
        if row is None:
            row = SlaTarget(organisation_id=policy.organisation_id, policy=policy, target=target)
        row.amount, row.unit, row.anchor = value, unit, anchor
        row.save()
        audit_record(
            actor=by,
            action="shouhou.sla_target.set",
            obj=row,
            before=before,
            after=snapshot(row),
        )
    return row
