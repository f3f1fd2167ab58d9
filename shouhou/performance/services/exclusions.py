"""Taking a complaint or a dissatisfied callback out of a technician's figures, and counting it
again, while its month is open."""

from __future__ import annotations

import datetime as dt

from django.db import IntegrityError, transaction
from django.utils.translation import gettext as _

from shouhou.callbacks.models import CallbackRecord
from shouhou.complaints.models import Case
from shouhou.core.audit import audit_record, snapshot
from shouhou.core.errors import (
    Conflict,
    DuplicateError,
    InvalidTransition,
    NotFoundError,
    ValidationFailed,
)
from shouhou.org import roles as r

from .. import figures
from ..models import (
    Exclusion,
    MonthClose,
)
from .common import MANAGER_ROLES, _now, _org_id, satisfied_from


def _visit_month(order) -> dt.date | None:
    visit = order.arrived_at or order.completed_at
    return figures.month_of(visit) if visit else None


def _check_open(org_id: int, month: dt.date) -> None:
    mc = MonthClose.objects.filter(organisation_id=org_id, month=month).first()
    if mc is not None and mc.is_closed:
        raise Conflict(
            _("%(month)s is closed: its figures are frozen. A manager must re-open it first.")
            % {"month": f"{month:%Y-%m}"},
            code="month_closed",
        )


def exclusion_create(
    *, by, kind: str, case=None, callback=None, category: str, reason: str, now=None
) -> Exclusion:
    """Take a complaint (malicious or caused by product quality) or a dissatisfied callback out
    of the technician's figures, before the month closes. A manager, with a reason."""

    now = _now(now)
    r.require_role(by, *MANAGER_ROLES)
    org_id = _org_id(by)
    errors: dict = {}
    if kind not in Exclusion.Kind.values:
        raise ValidationFailed(fields={"kind": [_("Choose a complaint or a callback.")]})
    target = None
    if kind == Exclusion.Kind.COMPLAINT:
        pk = getattr(case, "pk", case)
        target = (
            Case.objects.filter(organisation_id=org_id, pk=pk).select_related("work_order")
            if str(pk or "").isdigit()
            else Case.objects.none()
        ).first()
        if target is None:
            raise NotFoundError(_("No such complaint."))
        if target.kind != "complaint":
            errors["case"] = [_("Only a complaint can be excluded (not a return or exchange).")]
        elif target.work_order_id is None:
            errors["case"] = [
                _("This complaint is not linked to a work order, so it counts in no score.")
            ]
    else:
        pk = getattr(callback, "pk", callback)
        target = (
            CallbackRecord.objects.filter(organisation_id=org_id, pk=pk).select_related(
                "work_order"
            )
            if str(pk or "").isdigit()
            else CallbackRecord.objects.none()
        ).first()
        if target is None:
            raise NotFoundError(_("No such callback record."))
        threshold = satisfied_from(org_id)
        if target.work_order_id is None:
            errors["callback"] = [
                _("This callback is not about a work order, so it counts in no score.")
            ]
        elif target.satisfaction is None or target.satisfaction >= threshold:
            errors["callback"] = [_("This callback did not record dissatisfaction.")]
    if category not in Exclusion.Category.values:
        errors["category"] = [_("Choose why it is excluded.")]
    reason = (reason or "").strip()
    if not reason:
        errors["reason"] = [_("Give the reason for the exclusion.")]
    order = target.work_order if target is not None else None
    month = _visit_month(order) if order is not None else None
    if not errors and (month is None or order.technician_id is None):
        errors["case" if kind == Exclusion.Kind.COMPLAINT else "callback"] = [
            _("The order has not been visited yet, so it counts in no month.")
        ]
    if errors:
        raise ValidationFailed(fields=errors)
    with transaction.atomic():
        _check_open(org_id, month)
        # lock the month row if there is one, so a close cannot slip in between
        MonthClose.objects.select_for_update().filter(organisation_id=org_id, month=month).first()
        _check_open(org_id, month)
        active = Exclusion.objects.filter(revoked_at__isnull=True)
        if kind == Exclusion.Kind.COMPLAINT:
            active = active.filter(case=target)
        else:
            active = active.filter(callback=target)
        if active.exists():
            raise DuplicateError(_("This is already excluded."))
        try:
            with transaction.atomic():
                ex = Exclusion.objects.create(
                    organisation_id=org_id,
                    kind=kind,
                    case=target if kind == Exclusion.Kind.COMPLAINT else None,
                    callback=target if kind == Exclusion.Kind.DISSATISFACTION else None,
                    work_order=order,
                    technician_id=order.technician_id,
                    month=month,
                    category=category,
                    reason=reason,
                    created_by=by,
                )
        except IntegrityError:
            raise DuplicateError(_("This is already excluded.")) from None
        audit_record(
            actor=by, action="shouhou.exclusion.created", obj=ex, after=snapshot(ex), note=reason
        )
    return ex


def exclusion_revoke(*, by, exclusion, reason: str, now=None) -> Exclusion:
    """Count an excluded complaint or callback again (before the month closes), with a reason."""
    now = _now(now)
    r.require_role(by, *MANAGER_ROLES)
    org_id = _org_id(by)
    pk = getattr(exclusion, "pk", exclusion)
    ex = (
        Exclusion.objects.filter(organisation_id=org_id, pk=pk).first()
        if str(pk or "").isdigit()
        else None
    )
    if ex is None:
        raise NotFoundError()
    reason = (reason or "").strip()
    if not reason:
        raise ValidationFailed(fields={"reason": [_("Say why the exclusion is revoked.")]})
    with transaction.atomic():
        _check_open(org_id, ex.month)
        before = snapshot(ex, ["revoked_at", "revoked_by_id", "revoke_reason"])
        n = Exclusion.objects.filter(pk=ex.pk, revoked_at__isnull=True).update(
            revoked_at=now, revoked_by=by, revoke_reason=reason, updated_at=now
        )
        if not n:
            raise InvalidTransition(_("This exclusion was already revoked."))
        ex.refresh_from_db()
        audit_record(
            actor=by,
            action="shouhou.exclusion.revoked",
            obj=ex,
            before=before,
            after=snapshot(ex, ["revoked_at", "revoked_by_id", "revoke_reason"]),
            note=reason,
        )
    return ex
