"""Approval: submitting a resolution (routed by the approval rules), the approvers' notifications,
and signing step by step."""

from __future__ import annotations

from django.contrib.auth import get_user_model
from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from shouhou.core.audit import audit_record, snapshot
from shouhou.core.errors import (
    Conflict,
    InvalidTransition,
    PermissionDeniedError,
    ValidationFailed,
)
from shouhou.org import roles as r

from .. import routing, selectors
from .. import states as s
from ..models import (
    ApprovalRule,
    Case,
    Notification,
    Signature,
)
from .common import DESK_ROLES, _load, _money, _move, complaints_ensure_defaults


def steps_user_covers(user, case: Case, *, ranks: dict | None = None) -> int:
    """How many steps of the case's route, from the next one on, the user's signature would cover
    now (0: the user may not sign; also 0 once they have signed this case)."""
    if case.status != s.AWAITING_APPROVAL or not case.current_role:
        return 0
    if ranks is None:
        ranks = selectors.role_ranks(case.organisation_id)
    return routing.steps_covered(
        r.user_roles(user),
        case.route_roles,
        case.current_step,
        ranks=ranks,
        superuser=user.is_superuser,
    )


def routes_for(organisation) -> list[routing.Route]:
    complaints_ensure_defaults(organisation)
    return [
        row.as_route()
        for row in ApprovalRule.objects.filter(organisation=organisation, is_active=True)
    ]


def role_names(roles) -> str:
    return "、".join(str(r.ROLES.get(code, code)) for code in roles)


def case_submit(*, by, case, resolution: str, compensation=None, rework_goods=None) -> Case:
    """Propose the resolution and its cost; the approval rules decide who must sign."""
    r.require_role(by, *DESK_ROLES)
    errors: dict = {}
    comp = _money(compensation, "compensation", errors)
    rework = _money(rework_goods, "rework_goods", errors)
    if not (resolution or "").strip():
        errors["resolution"] = [_("Describe the proposed resolution.")]
    if errors:
        raise ValidationFailed(fields=errors)
    amount = comp + rework
    with transaction.atomic():
        case = _load(by, case)
        if case.kind == s.INSTALLED_EXCHANGE and case.status == s.REGISTERED:
            raise InvalidTransition(
                _("An installed product is inspected on site before the exchange is decided.")
            )
        try:
            chosen = routing.route(
                routing.Case(
                    kind=case.kind,
                    amount=amount,
                    installed=case.installed,
                    within_promises=case.within_promises,
                ),
                routes_for(case.organisation),
            )
        except routing.NoRouteMatches:
            raise ValidationFailed(
                _("No approval rule covers this case; ask an administrator to add one."),
                code="no_approval_rule",
            ) from None
        if not chosen.approver_roles:
            raise ValidationFailed(_("The approval rule names no approver."), code="no_approver")
        case = _move(
            case,
            s.AWAITING_APPROVAL,
            by=by,
            action="shouhou.case.submitted",
            resolution=resolution.strip(),
            compensation=comp,
            rework_goods=rework,
            amount=amount,
            route_name=chosen.name,
            route_roles=list(chosen.approver_roles),
            current_step=0,
            submitted_at=timezone.now(),
        )
        _notify_approvers(case)
    return case


def _notify_approvers(case: Case) -> None:
    role = case.current_role
    if not role:
        return
    User = get_user_model()
    users = User.objects.filter(
        organisation_id=case.organisation_id, is_active=True, groups__name=role
    ).distinct()
    Notification.objects.bulk_create(
        [
            Notification(
                recipient=u,
                title=_("%(number)s waits for your approval") % {"number": case.number},
                body=case.resolution,
                url=f"/complaints/{case.pk}/",
            )
            for u in users
        ]
    )


def case_sign(*, by, case, approve: bool = True, note: str = "") -> Case:
    """Sign the next step of the case's route. Someone below the step's role is refused with the
    name of who must approve; one person signs a case once; a step is signed once.

    A signer ranked above the step's role may sign it (seed 004 五.5: the store manager decides a
    total up to ¥2,000 himself), and the one signature also covers each following step the signer
    may sign (`routing.steps_covered`): one `Signature` row per step covered, all by the signer.
    A refusal covers the current step only and ends the case."""
    with transaction.atomic():
        case = _load(by, case)
        locked = Case.objects.select_for_update().filter(pk=case.pk).first()
        case = locked
        if case.status != s.AWAITING_APPROVAL:
            raise InvalidTransition(
                _("This case is %(status)s; there is nothing to sign.")
                % {"status": case.get_status_display()},
                code="not_awaiting_approval",
            )
        role = case.current_role
        covered = steps_user_covers(by, case)
        if not covered:
            raise PermissionDeniedError(
                _("This case (%(amount)s yuan) needs the approval of: %(role)s (%(rule)s).")
                % {"amount": case.amount, "role": role_names([role]), "rule": case.route_name},
                code="approver_required",
                extra={"required_role": role},
            )
        if Signature.objects.filter(case=case, signed_by=by).exists():
            raise Conflict(
                _("You have already signed this case; the next signature must be someone else's."),
                code="already_signed",
            )
        if not approve and not (note or "").strip():
            raise ValidationFailed(fields={"note": [_("Say why you do not approve.")]})
        if not approve:
            covered = 1  # a refusal ends the case at this step
        steps = range(case.current_step, case.current_step + covered)
        try:
            with transaction.atomic():
                sigs = [
                    Signature.objects.create(
                        organisation=case.organisation,
                        case=case,
                        step=step,
                        role=case.route_roles[step],
                        verdict=(
                            Signature.Verdict.APPROVED if approve else Signature.Verdict.REJECTED
                        ),
                        signed_by=by,
                        note=note,
                    )
                    for step in steps
                ]
        except IntegrityError:
            raise Conflict(_("This step is already signed."), code="already_signed") from None
        for sig in sigs:
            audit_record(actor=by, action="shouhou.case.signed", obj=case, after=snapshot(sig))
        if not approve:
            return _move(
                case,
                s.REFUSED,
                by=by,
                action="shouhou.case.refused",
                refused_reason=note.strip(),
                closed_at=timezone.now(),
            )
        next_step = case.current_step + covered
        if next_step >= len(case.route_roles):
            return _move(
                case,
                s.APPROVED,
                by=by,
                action="shouhou.case.approved",
                current_step=next_step,
                approved_at=timezone.now(),
            )
        n = Case.objects.filter(pk=case.pk, current_step=case.current_step).update(
            current_step=next_step
        )
        if n == 0:
            raise Conflict(_("This step is already signed."), code="already_signed")
        case.refresh_from_db()
        _notify_approvers(case)
        return case
