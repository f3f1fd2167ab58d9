"""Penalty notices for a case and the approvers' notifications being read."""

from __future__ import annotations

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from shouhou.core.audit import audit_record, snapshot
from shouhou.core.errors import (
    NotFoundError,
    ValidationFailed,
)
from shouhou.org import roles as r

from ..models import (
    Notification,
    PenaltyNotice,
)
from .common import SUPERVISOR_ROLES, _load, _money


def penalty_issue(*, by, case, person, reason: str, amount=None) -> PenaltyNotice:
    """A penalty notice (处罚单) for the member of staff at fault."""
    r.require_role(by, *SUPERVISOR_ROLES)
    errors: dict = {}
    value = _money(amount, "amount", errors)
    if not (reason or "").strip():
        errors["reason"] = [_("Say what the person did wrong.")]
    if person is None or person.organisation_id != by.organisation_id:
        errors["person"] = [_("Not found.")]
    if errors:
        raise ValidationFailed(fields=errors)
    with transaction.atomic():
        case = _load(by, case)
        row = PenaltyNotice.objects.create(
            organisation=case.organisation,
            case=case,
            person=person,
            reason=reason.strip(),
            amount=value,
            issued_by=by,
        )
        audit_record(actor=by, action="shouhou.penalty.issued", obj=row, after=snapshot(row))
    return row


def notification_mark_read(*, by, notification) -> Notification:
    pk = getattr(notification, "pk", notification)
    row = Notification.objects.filter(pk=pk, recipient=by).first()
    if row is None:
        raise NotFoundError()
    Notification.objects.filter(pk=row.pk, read_at__isnull=True).update(read_at=timezone.now())
    row.refresh_from_db()
    return row
