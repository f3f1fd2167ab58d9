"""Training sessions, attendance and assessments."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from shouhou.core.audit import audit_record
from shouhou.core.errors import (
    NotFoundError,
    ValidationFailed,
)
from shouhou.org import roles as r

from ..access import is_merchant_admin_only
from ..models import (
    Assessment,
    Attendance,
    ConductRule,
    ServiceStaff,
    TrainingSession,
)
from .common import _ensure_same_org, _ensure_staff, _org_id, _snap, settings_for


@transaction.atomic
def training_session_create(
    *,
    by,
    title: str,
    kind: str,
    starts_at: dt.datetime,
    run_by: str = TrainingSession.RunBy.COMPANY,
    merchant=None,
    hours=Decimal("2.0"),
    location: str = "",
    trainer: str = "",
    topics: str = "",
    conduct_rules: list | None = None,
) -> TrainingSession:
    r.require_role(by, r.TRAINING_OFFICER, r.MERCHANT_ADMIN)
    errors: dict[str, list[str]] = {}
    title = (title or "").strip()
    if not title:
        errors["title"] = [_("This field is required.")]
    if kind not in TrainingSession.Kind.values:
        errors["kind"] = [_("Choose a kind of training.")]
    if run_by not in TrainingSession.RunBy.values:
        errors["run_by"] = [_("Choose who runs the training.")]
    if starts_at is None:
        errors["starts_at"] = [_("This field is required.")]
    try:
        hours = Decimal(str(hours))
        if hours <= 0 or hours > 24:
            raise ValueError
    except (ValueError, ArithmeticError):
        errors["hours"] = [_("Between 0 and 24 hours.")]
    if is_merchant_admin_only(by):
        if run_by != TrainingSession.RunBy.MERCHANT:
            errors["run_by"] = [_("A merchant runs its own training sessions only.")]
        if merchant is not None and merchant.pk != by.merchant_id:
            raise NotFoundError(_("Merchant not found."))
        merchant = by.merchant
    if run_by == TrainingSession.RunBy.MERCHANT and merchant is None:
        errors["merchant"] = [_("A merchant-run session needs the merchant.")]
    if errors:
        raise ValidationFailed(fields=errors)
    if merchant is not None:
        _ensure_same_org(by, merchant, _("Merchant not found."))
    org_id = _org_id(by) or (merchant.organisation_id if merchant else None)
    if not org_id:
        raise ValidationFailed(fields={"organisation": [_("This field is required.")]})
    session = TrainingSession.objects.create(
        organisation_id=org_id,
        title=title,
        kind=kind,
        run_by=run_by,
        merchant=merchant if run_by == TrainingSession.RunBy.MERCHANT else None,
        starts_at=starts_at,
        hours=hours,
        location=(location or "").strip(),
        trainer=(trainer or "").strip(),
        topics=(topics or "").strip(),
        created_by=by,
    )
    if conduct_rules:
        session.conduct_rules.set(
            ConductRule.objects.filter(pk__in=[getattr(c, "pk", c) for c in conduct_rules])
        )
    audit_record(
        actor=by, action="shouhou.training_session.created", obj=session, after=_snap(session)
    )
    return session


def _ensure_session(by, session: TrainingSession) -> None:
    _ensure_same_org(by, session, _("Training session not found."))
    if is_merchant_admin_only(by) and session.merchant_id != by.merchant_id:
        raise NotFoundError(_("Training session not found."))


@transaction.atomic
def attendance_record(
    *, by, session: TrainingSession, staff: ServiceStaff, present: bool = True, note: str = ""
) -> Attendance:
    r.require_role(by, r.TRAINING_OFFICER, r.MERCHANT_ADMIN)
    _ensure_session(by, session)
    _ensure_staff(by, staff)
    if session.organisation_id != staff.organisation_id:
        raise NotFoundError(_("Service staff member not found."))
    att, created = Attendance.objects.update_or_create(
        session=session,
        staff=staff,
        defaults={
            "organisation_id": session.organisation_id,
            "present": bool(present),
            "note": (note or "").strip()[:200],
        },
    )
    audit_record(
        actor=by,
        action="shouhou.attendance.recorded",
        obj=staff,
        after={"session": session.pk, "present": att.present},
    )
    return att


@transaction.atomic
def assessment_record(
    *,
    by,
    staff: ServiceStaff,
    kind: str,
    score,
    assessed_on: dt.date | None = None,
    session: TrainingSession | None = None,
    note: str = "",
) -> Assessment:
    """Record an assessment; `passed` follows the organisation's pass mark."""
    r.require_role(by, r.TRAINING_OFFICER)
    _ensure_staff(by, staff)
    errors: dict[str, list[str]] = {}
    if kind not in Assessment.Kind.values:
        errors["kind"] = [_("Choose a kind of assessment.")]
    try:
        score = int(score)
        if not 0 <= score <= 100:
            raise ValueError
    except (TypeError, ValueError):
        errors["score"] = [_("A score from 0 to 100.")]
    if errors:
        raise ValidationFailed(fields=errors)
    if session is not None:
        _ensure_session(by, session)
    cfg = settings_for(staff.organisation_id)
    assessment = Assessment.objects.create(
        organisation_id=staff.organisation_id,
        staff=staff,
        session=session,
        kind=kind,
        assessed_on=assessed_on or timezone.localdate(),
        score=score,
        passed=score >= cfg.assessment_pass_mark,
        assessor=by,
        note=(note or "").strip()[:200],
    )
    audit_record(
        actor=by, action="shouhou.assessment.recorded", obj=assessment, after=_snap(assessment)
    )
    return assessment
