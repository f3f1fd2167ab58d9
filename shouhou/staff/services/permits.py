"""Work permits: issue, renew, suspend, reinstate, revoke; a person leaving."""

from __future__ import annotations

import datetime as dt

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from shouhou.core.audit import audit_record
from shouhou.core.dates import add_months
from shouhou.core.errors import (
    Conflict,
    InvalidTransition,
    ValidationFailed,
)
from shouhou.org import roles as r

from ..access import PERMIT_MANAGERS
from ..models import (
    Fine,
    OnboardingApplication,
    ServiceStaff,
    StaffSettings,
    WorkPermit,
)
from .common import _ensure_staff, _required, _snap, settings_for
from .work import _current_permit


def _next_permit_number(cfg: StaffSettings, year: int) -> str:
    prefix = f"{cfg.permit_prefix}{year}-"
    numbers = WorkPermit.objects.filter(
        organisation_id=cfg.organisation_id, number__startswith=prefix
    ).values_list("number", flat=True)
    top = max((int(n[len(prefix) :]) for n in numbers if n[len(prefix) :].isdigit()), default=0)
    return f"{prefix}{top + 1:05d}"


def _issue_permit(*, by, staff: ServiceStaff, application=None, now=None) -> WorkPermit:
    now = now or timezone.now()
    today = timezone.localdate(now)
    # Lock the settings row: permit numbers of one organisation are handed out one at a time.
    settings_for(staff.organisation_id)
    cfg = StaffSettings.objects.select_for_update().get(organisation_id=staff.organisation_id)
    if WorkPermit.objects.filter(
        staff_id=staff.pk, status__in=[WorkPermit.Status.VALID, WorkPermit.Status.SUSPENDED]
    ).exists():
        raise Conflict(_("This person already holds a current work permit."), code="permit_exists")
    permit = WorkPermit.objects.create(
        organisation_id=staff.organisation_id,
        number=_next_permit_number(cfg, today.year),
        staff=staff,
        kinds=list(staff.kinds),
        issued_on=today,
        valid_until=add_months(today, cfg.permit_validity_months) - dt.timedelta(days=1),
        issued_by=by if by.is_authenticated else None,
        application=application,
        status_changed_at=now,
    )
    before = _snap(staff, ["status", "joined_on"])
    ServiceStaff.objects.filter(pk=staff.pk).update(
        status=ServiceStaff.Status.ACTIVE, joined_on=staff.joined_on or today, left_on=None
    )
    staff.refresh_from_db()
    audit_record(actor=by, action="shouhou.permit.issued", obj=permit, after=_snap(permit))
    audit_record(
        actor=by,
        action="shouhou.staff.activated",
        obj=staff,
        before=before,
        after=_snap(staff, ["status", "joined_on"]),
    )
    return permit


@transaction.atomic
def permit_renew(*, by, staff: ServiceStaff) -> WorkPermit:
    """A new permit for a working person whose last permit expired."""
    r.require_role(by, r.SERVICE_DESK)
    _ensure_staff(by, staff)
    last = _current_permit(staff)
    if staff.status != ServiceStaff.Status.ACTIVE or last is None:
        raise InvalidTransition(_("Only a working person with an earlier permit can renew it."))
    if last.status != WorkPermit.Status.EXPIRED and last.valid_until >= timezone.localdate():
        raise InvalidTransition(_("The current permit has not expired."), code="permit_current")
    if last.status in (WorkPermit.Status.VALID, WorkPermit.Status.SUSPENDED):
        if last.status == WorkPermit.Status.SUSPENDED:
            raise InvalidTransition(_("A suspended permit cannot be renewed."))
        WorkPermit.objects.filter(pk=last.pk, status=last.status).update(
            status=WorkPermit.Status.EXPIRED, status_changed_at=timezone.now()
        )
    return _issue_permit(by=by, staff=staff)


def _permit_change(*, by, permit, old: list[str], new: str, action: str, **extra) -> WorkPermit:
    _ensure_staff(by, permit.staff)
    before = _snap(permit, ["status", "suspend_reason", "status_note"])
    moved = WorkPermit.objects.filter(pk=permit.pk, status__in=old).update(
        status=new, status_changed_at=timezone.now(), **extra
    )
    if not moved:
        permit.refresh_from_db()
        raise InvalidTransition(
            _("The permit is %(status)s; this cannot be done now.")
            % {"status": permit.get_status_display()}
        )
    permit.refresh_from_db()
    audit_record(
        actor=by,
        action=action,
        obj=permit,
        before=before,
        after=_snap(permit, ["status", "suspend_reason", "status_note"]),
    )
    return permit


@transaction.atomic
def permit_suspend(*, by, permit: WorkPermit, reason: str, note: str = "") -> WorkPermit:
    r.require_role(by, *PERMIT_MANAGERS)
    if reason not in WorkPermit.SuspendReason.values:
        raise ValidationFailed(fields={"reason": [_("Choose a reason.")]})
    return _permit_change(
        by=by,
        permit=permit,
        old=[WorkPermit.Status.VALID],
        new=WorkPermit.Status.SUSPENDED,
        action="shouhou.permit.suspended",
        suspend_reason=reason,
        status_note=(note or "").strip()[:200],
    )


def _overdue_fines(staff_id, now) -> bool:
    return Fine.objects.filter(
        staff_id=staff_id, status=Fine.Status.UNPAID, due_at__lt=now
    ).exists()


@transaction.atomic
def permit_reinstate(*, by, permit: WorkPermit, note: str = "") -> WorkPermit:
    r.require_role(by, *PERMIT_MANAGERS)
    if permit.suspend_reason == WorkPermit.SuspendReason.FINE_OVERDUE and _overdue_fines(
        permit.staff_id, timezone.now()
    ):
        raise InvalidTransition(
            _("The overdue fines must be paid before the permit is reinstated."),
            code="fines_unpaid",
        )
    return _permit_change(
        by=by,
        permit=permit,
        old=[WorkPermit.Status.SUSPENDED],
        new=WorkPermit.Status.VALID,
        action="shouhou.permit.reinstated",
        suspend_reason="",
        status_note=(note or "").strip()[:200],
    )


@transaction.atomic
def permit_revoke(*, by, permit: WorkPermit, note: str = "") -> WorkPermit:
    r.require_role(by, *PERMIT_MANAGERS)
    return _permit_change(
        by=by,
        permit=permit,
        old=[WorkPermit.Status.VALID, WorkPermit.Status.SUSPENDED],
        new=WorkPermit.Status.REVOKED,
        action="shouhou.permit.revoked",
        status_note=_required("note", note)[:200],
    )


@transaction.atomic
def staff_leave(*, by, staff: ServiceStaff, left_on: dt.date | None = None, note: str = ""):
    """The person leaves: the permit is revoked and an open application cancelled."""
    r.require_role(by, r.SERVICE_DESK)
    _ensure_staff(by, staff)
    left_on = left_on or timezone.localdate()
    before = _snap(staff, ["status", "left_on"])
    moved = ServiceStaff.objects.filter(pk=staff.pk).exclude(status=ServiceStaff.Status.LEFT)
    if not moved.update(status=ServiceStaff.Status.LEFT, left_on=left_on):
        raise InvalidTransition(_("This person has already left."))
    now = timezone.now()
    WorkPermit.objects.filter(
        staff_id=staff.pk, status__in=[WorkPermit.Status.VALID, WorkPermit.Status.SUSPENDED]
    ).update(status=WorkPermit.Status.REVOKED, status_changed_at=now, status_note=_("Left"))
    OnboardingApplication.objects.filter(
        staff_id=staff.pk, status=OnboardingApplication.Status.OPEN
    ).update(status=OnboardingApplication.Status.CANCELLED, completed_at=now)
    staff.refresh_from_db()
    audit_record(
        actor=by,
        action="shouhou.staff.left",
        obj=staff,
        before=before,
        after=_snap(staff, ["status", "left_on"]),
        note=note,
    )
    return staff
