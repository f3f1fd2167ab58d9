"""What the staff services share: snapshots for the audit, organisation checks, field parsing."""

from __future__ import annotations

from decimal import Decimal

from django.db.models.fields.files import FieldFile
from django.utils.translation import gettext as _

from shouhou.core.audit import snapshot
from shouhou.core.errors import (
    NotFoundError,
    ValidationFailed,
)
from shouhou.core.money import to_money

from ..access import can_see_staff
from ..models import (
    ServiceStaff,
    StaffSettings,
    WorkKind,
)


def _snap(obj, fields: list[str] | None = None) -> dict:
    """`snapshot` with uploaded files as their stored names (core's snapshot cannot encode them)."""
    return {
        k: (v.name or "") if isinstance(v, FieldFile) else v
        for k, v in snapshot(obj, fields).items()
    }


settings_for = StaffSettings.for_org  # created with the defaults on first use (cached)


def _org_id(by) -> int | None:
    return getattr(by, "organisation_id", None)


def _ensure_staff(by, staff: ServiceStaff) -> None:
    """404 for staff the actor may not see (another organisation, another merchant)."""
    if not can_see_staff(by, staff):
        raise NotFoundError(_("Service staff member not found."))


def _ensure_same_org(by, obj, what=None) -> None:
    org_id = _org_id(by)
    if org_id and obj.organisation_id != org_id:
        raise NotFoundError(what or _("Not found."))


def _money(field: str, value) -> Decimal:
    try:
        amount = to_money(value)
    except ValueError as exc:
        raise ValidationFailed(fields={field: [str(exc)]}) from exc
    if amount <= 0:
        raise ValidationFailed(fields={field: [_("The amount must be more than zero.")]})
    return amount


def _required(field: str, value: str) -> str:
    value = (value or "").strip()
    if not value:
        raise ValidationFailed(fields={field: [_("This field is required.")]})
    return value


def _kinds(value) -> list[str]:
    kinds = list(dict.fromkeys(value or []))
    if not kinds:
        raise ValidationFailed(fields={"kinds": [_("Choose at least one kind of work.")]})
    bad = [k for k in kinds if k not in WorkKind.values]
    if bad:
        raise ValidationFailed(
            fields={"kinds": [_("Unknown kind of work: %(kind)s.") % {"kind": ", ".join(bad)}]}
        )
    return [k for k in WorkKind.values if k in kinds]
