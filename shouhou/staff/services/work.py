"""For other apps: may this person do this kind of work on this day? And which staff row is this
user?
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from django.utils.translation import gettext as _

from ..models import (
    ServiceStaff,
    WorkKind,
    WorkPermit,
)


@dataclass(frozen=True)
class WorkCheck:
    ok: bool
    reason: str
    code: str

    def __bool__(self) -> bool:
        return self.ok


def _current_permit(staff) -> WorkPermit | None:
    # Filtered by the staff member's own organisation, so it also works outside a request scope.
    return (
        WorkPermit.objects.filter(organisation_id=staff.organisation_id, staff_id=staff.pk)
        .order_by("-issued_on", "-id")
        .first()
    )


def current_permit(staff) -> WorkPermit | None:
    """The newest permit of `staff` (whatever its status), or None."""
    return _current_permit(staff)


def can_work(*, staff, kind: str, on_date: dt.date) -> WorkCheck:
    """Yes, or why not: the work-order dispatch refuses with `reason` when `ok` is False."""
    if staff is None:
        return WorkCheck(False, _("No service staff member was given."), "no_staff")
    if kind not in WorkKind.values:
        return WorkCheck(
            False, _("Unknown kind of work: %(kind)s.") % {"kind": kind}, "unknown_kind"
        )
    label = str(WorkKind(kind).label)
    name = staff.name
    if staff.status == ServiceStaff.Status.LEFT:
        return WorkCheck(False, _("%(name)s has left.") % {"name": name}, "staff_left")
    permit = _current_permit(staff)
    if permit is None:
        return WorkCheck(False, _("%(name)s has no work permit yet.") % {"name": name}, "no_permit")
    if permit.status == WorkPermit.Status.REVOKED:
        return WorkCheck(
            False,
            _("%(name)s's work permit %(number)s has been revoked.")
            % {"name": name, "number": permit.number},
            "permit_revoked",
        )
    if permit.status == WorkPermit.Status.EXPIRED or permit.valid_until < on_date:
        return WorkCheck(
            False,
            _("%(name)s's work permit expired on %(date)s.")
            % {"name": name, "date": permit.valid_until.isoformat()},
            "permit_expired",
        )
    if permit.status == WorkPermit.Status.SUSPENDED:
        why = permit.get_suspend_reason_display() or permit.status_note or _("no reason given")
        return WorkCheck(
            False, _("Work permit suspended: %(reason)s") % {"reason": why}, "permit_suspended"
        )
    if permit.issued_on > on_date:
        return WorkCheck(
            False,
            _("%(name)s's work permit is valid only from %(date)s.")
            % {"name": name, "date": permit.issued_on.isoformat()},
            "permit_not_yet_valid",
        )
    if kind not in permit.kinds:
        return WorkCheck(
            False,
            _("The work permit does not include %(kind)s work.") % {"kind": label},
            "kind_not_allowed",
        )
    return WorkCheck(True, "", "ok")


def staff_for_user(user) -> ServiceStaff | None:
    """The service staff record of a logged-in person (technician, delivery crew...), or None."""
    if user is None or not getattr(user, "is_authenticated", False):
        return None
    qs = ServiceStaff.objects.filter(user_id=user.pk)
    if user.organisation_id:
        qs = qs.filter(organisation_id=user.organisation_id)
    return qs.first()
