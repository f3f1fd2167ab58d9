"""Leave: requested by the person, approved or rejected by a planner."""

from __future__ import annotations

import datetime as dt
from typing import TYPE_CHECKING

from django.db import transaction
from django.utils.translation import gettext as _

from shouhou.core.audit import audit_record, snapshot
from shouhou.core.errors import (
    DuplicateError,
    InvalidTransition,
    PermissionDeniedError,
    ValidationFailed,
)
from shouhou.org import roles as r
from shouhou.staff.models import ServiceStaff

from .. import selectors as sel
from ..models import (
    LeaveRequest,
    Shift,
)
from .common import _now, _same_org, _self_or_planner
from .shifts import _put_shift

if TYPE_CHECKING:
    from shouhou.org.models import User


# Leave ----------------------------------------------------------------------------------------
def leave_request(
    *,
    by: User,
    staff: ServiceStaff,
    first_day: dt.date,
    last_day: dt.date,
    reason: str,
    now: dt.datetime | None = None,
) -> LeaveRequest:
    now = _now(now)
    _self_or_planner(by, staff)
    reason = (reason or "").strip()
    errors = {}
    if not reason:
        errors["reason"] = [_("Say why.")]
    if first_day is None:
        errors["first_day"] = [_("Give a date.")]
    if last_day is None:
        errors["last_day"] = [_("Give a date.")]
    elif first_day and last_day < first_day:
        errors["last_day"] = [_("The last day cannot be before the first.")]
    if errors:
        raise ValidationFailed(fields=errors)
    with transaction.atomic():
        if LeaveRequest.objects.filter(
            staff=staff,
            status__in=[LeaveRequest.Status.PENDING, LeaveRequest.Status.APPROVED],
            first_day__lte=last_day,
            last_day__gte=first_day,
        ).exists():
            raise DuplicateError(
                _("A leave request for these days already exists."),
                fields={"first_day": [_("A leave request for these days already exists.")]},
            )
        leave = LeaveRequest.objects.create(
            organisation_id=staff.organisation_id,
            staff=staff,
            first_day=first_day,
            last_day=last_day,
            reason=reason,
            requested_by=by,
        )
        audit_record(
            actor=by, action="shouhou.roster.leave_requested", obj=leave, after=snapshot(leave)
        )
        return leave


def _decide(
    by: User, leave: LeaveRequest, status: str, note: str, now: dt.datetime, action: str
) -> LeaveRequest:
    r.require_role(by, *sel.APPROVERS)
    _same_org(by, leave)
    me = sel.own_staff(by)
    if me is not None and me.pk == leave.staff_id and not by.is_superuser:
        raise PermissionDeniedError(_("Nobody approves their own leave."))
    with transaction.atomic():
        before = snapshot(leave)
        n = LeaveRequest.objects.filter(pk=leave.pk, status=LeaveRequest.Status.PENDING).update(
            status=status, decided_by=by, decided_at=now, decision_note=note or ""
        )
        if n == 0:
            raise InvalidTransition(_("This leave request was already decided."))
        leave.refresh_from_db()
        if status == LeaveRequest.Status.APPROVED:
            d = leave.first_day
            while d <= leave.last_day:
                _put_shift(leave.staff, d, Shift.Kind.LEAVE, by=by, note=leave.reason[:200])
                d += dt.timedelta(days=1)
        audit_record(
            actor=by, action=action, obj=leave, before=before, after=snapshot(leave), note=note
        )
        return leave


def leave_approve(
    *, by: User, leave: LeaveRequest, note: str = "", now: dt.datetime | None = None
) -> LeaveRequest:
    """The supervisor approves: the days become leave on the roster."""
    return _decide(
        by, leave, LeaveRequest.Status.APPROVED, note, _now(now), "shouhou.roster.leave_approved"
    )


def leave_reject(
    *, by: User, leave: LeaveRequest, note: str = "", now: dt.datetime | None = None
) -> LeaveRequest:
    if not (note or "").strip():
        raise ValidationFailed(fields={"note": [_("Say why the leave is refused.")]})
    return _decide(
        by, leave, LeaveRequest.Status.REJECTED, note, _now(now), "shouhou.roster.leave_rejected"
    )
