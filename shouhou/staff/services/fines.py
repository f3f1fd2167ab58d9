"""Fines for breaches of the conduct rules."""

from __future__ import annotations

import datetime as dt

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from shouhou.core.audit import audit_record
from shouhou.core.errors import (
    ValidationFailed,
)
from shouhou.org import roles as r

from ..access import FINE_REPORTERS
from ..models import (
    Fine,
    ServiceStaff,
)
from .common import _ensure_staff, _money, _snap, settings_for


@transaction.atomic
def fine_create(
    *,
    by,
    staff: ServiceStaff,
    category: str,
    description: str,
    amount,
    occurred_at: dt.datetime | None = None,
    evidence=None,
    evidence_note: str = "",
) -> Fine:
    """A violation fined; due to finance within the organisation's fine deadline (24 h)."""
    r.require_role(by, *FINE_REPORTERS)
    _ensure_staff(by, staff)
    errors: dict[str, list[str]] = {}
    if category not in Fine.Category.values:
        errors["category"] = [_("Choose a category.")]
    description = (description or "").strip()
    if not description:
        errors["description"] = [_("This field is required.")]
    try:
        amount = _money("amount", amount)
    except ValidationFailed as exc:
        errors.update(exc.fields)
    now = timezone.now()
    if occurred_at is not None and occurred_at > now + dt.timedelta(minutes=5):
        errors["occurred_at"] = [_("This is in the future.")]
    if errors:
        raise ValidationFailed(fields=errors)
    cfg = settings_for(staff.organisation_id)
    fine = Fine(
        organisation_id=staff.organisation_id,
        staff=staff,
        category=category,
        description=description,
        amount=amount,
        reported_by=by,
        occurred_at=occurred_at or now,
        # "Within 24 hours" is clock hours, so a plain timedelta from configuration.
        due_at=now + dt.timedelta(hours=cfg.fine_due_hours),
        evidence_note=(evidence_note or "").strip()[:200],
    )
    if evidence:
        fine.evidence = evidence
        try:
            fine.full_clean(exclude=["organisation", "staff", "reported_by"])
        except Exception as exc:  # django ValidationError
            raise ValidationFailed(
                fields=getattr(exc, "message_dict", {"evidence": [str(exc)]})
            ) from exc
    fine.save()
    audit_record(actor=by, action="shouhou.fine.created", obj=fine, after=_snap(fine))
    return fine
