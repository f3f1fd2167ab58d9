"""What the complaint services share: the roles, the organisation's defaults and settings, finding a
case of the caller's organisation, amounts, and the guarded, audited state change."""

from __future__ import annotations

from decimal import Decimal

from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from shouhou.core.audit import audit_record, snapshot
from shouhou.core.errors import (
    InvalidTransition,
    NotFoundError,
)
from shouhou.core.money import to_money
from shouhou.org import roles as r

from .. import routing
from .. import states as s
from ..defaults import DEFAULT_CAUSES, DEFAULT_ROUTES
from ..models import (
    ApprovalRule,
    Case,
    ComplaintCause,
    ComplaintSettings,
)

DESK_ROLES = {r.CLERK, r.CS_SUPERVISOR, r.CS_MANAGER, r.CALL_CENTRE, r.SERVICE_DESK}

SUPERVISOR_ROLES = {
    r.CS_SUPERVISOR,
    r.CS_MANAGER,
    r.STORE_MANAGER,
    r.VP_OPERATIONS,
    r.GENERAL_MANAGER,
}


def complaints_ensure_defaults(organisation) -> None:
    """Write the default approval rules and causes for an organisation (idempotent)."""
    try:
        with transaction.atomic():
            if not ApprovalRule.objects.filter(organisation=organisation).exists():
                for d in DEFAULT_ROUTES:
                    ApprovalRule.objects.create(
                        organisation=organisation,
                        order=d["order"],
                        name=str(d["name"]),
                        installed=d.get("installed", routing.ANY),
                        within_promises=d.get("within_promises", routing.ANY),
                        min_amount=d.get("min_amount"),
                        max_amount=d.get("max_amount"),
                        approver_roles=list(d["approver_roles"]),
                    )
            if not ComplaintCause.objects.filter(organisation=organisation).exists():
                for i, (code, name) in enumerate(DEFAULT_CAUSES):
                    ComplaintCause.objects.create(
                        organisation=organisation, code=code, name=str(name), order=(i + 1) * 10
                    )
    except IntegrityError:
        pass


def settings_for(organisation) -> ComplaintSettings:
    org_id = getattr(organisation, "pk", organisation)
    obj, _created = ComplaintSettings.objects.get_or_create(organisation_id=org_id)
    return obj


def _money(value, field: str, errors: dict) -> Decimal:
    if value in (None, ""):
        return Decimal("0.00")
    try:
        amount = to_money(value)
    except ValueError as exc:
        errors[field] = [str(exc)]
        return Decimal("0.00")
    if amount < 0:
        errors[field] = [_("The amount cannot be negative.")]
    return amount


def _load(by, case) -> Case:
    pk = case.pk if isinstance(case, Case) else case
    try:
        pk = int(pk)
    except (TypeError, ValueError):
        raise NotFoundError() from None
    row = Case.objects.filter(pk=pk, organisation_id=by.organisation_id).first()
    if row is None:
        raise NotFoundError()
    return row


def _move(case: Case, new: str, *, by, action: str, **fields) -> Case:
    """A guarded state change: only from the state the case was read in."""
    if not s.allowed(case.kind, case.status, new):
        raise InvalidTransition(
            _("A %(kind)s that is %(status)s cannot become %(new)s.")
            % {
                "kind": case.get_kind_display(),
                "status": case.get_status_display(),
                "new": dict(Case._meta.get_field("status").choices)[new],
            }
        )
    before = snapshot(case)
    n = Case.objects.filter(pk=case.pk, status=case.status).update(
        status=new, updated_at=timezone.now(), **fields
    )
    if n == 0:
        raise InvalidTransition(_("Someone else changed this case just now; reload it."))
    case.refresh_from_db()
    audit_record(actor=by, action=action, obj=case, before=before, after=snapshot(case))
    return case
