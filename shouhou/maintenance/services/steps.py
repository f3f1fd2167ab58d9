"""Service steps: which steps a visit must tick, the customer's check of the work, and the guard
that keeps a report unsigned until the required steps are done."""

from __future__ import annotations

from typing import TYPE_CHECKING

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from shouhou.core.audit import audit_record
from shouhou.core.errors import (
    Conflict,
    InvalidTransition,
    NotFoundError,
    ValidationFailed,
)
from shouhou.org import roles as r
from shouhou.workorders import states as wo_states
from shouhou.workorders.checklist import STEP_CODES, STEPS
from shouhou.workorders.models import Kind as WorkKind

from ..models import (
    CustomerCheck,
    ServiceStepRule,
)
from .common import PLAN_ROLES, _now

if TYPE_CHECKING:
    import datetime as dt

    from shouhou.org.models import User
    from shouhou.workorders.models import ServiceReport, WorkOrder

# Who sets the service steps of the organisation.
STEP_RULE_ROLES = {r.CS_MANAGER, r.GENERAL_MANAGER, r.VP_OPERATIONS, r.WORKSHOP_SUPERVISOR}


# Seed 000: the steps that must be ticked before the customer signs (the rest come after).
DEFAULT_REQUIRED_STEPS = (
    "confirm_product",
    "ask_location",
    "tell_duration",
    "do_work",
    "record",
    "customer_checks",
    "explain_care",
    "clean_up",
)


STEP_LABELS = dict(STEPS)


def step_rules_for(organisation_id: int, work_kind: str) -> list[tuple[str, str, bool]]:
    """(code, label, required) of the steps of a kind of work, in order: the kind's own rules,
    else the organisation's rules for every kind, else every step of seed 000, none required."""
    rules = list(
        ServiceStepRule.objects.filter(
            organisation_id=organisation_id, work_kind__in=(work_kind, "")
        ).order_by("position", "id")
    )
    own = [x for x in rules if x.work_kind == work_kind] if work_kind else []
    chosen = own or [x for x in rules if x.work_kind == ""]
    if not chosen:
        return [(code, str(label), False) for code, label in STEPS]
    return [(x.step, str(STEP_LABELS.get(x.step, x.step)), x.required) for x in chosen]


def missing_required_steps(order: WorkOrder, report: ServiceReport | None) -> list[str]:
    done = set(report.steps_done or []) if report is not None else set()
    return [
        code
        for code, _label, required in step_rules_for(order.organisation_id, order.kind)
        if required and code not in done
    ]


def step_rules_install_defaults(*, by: User, work_kind: str = "") -> int:
    """Seed 000's steps for the organisation (required up to cleaning up); existing rules stay."""
    r.require_role(by, *STEP_RULE_ROLES)
    org_id = r.require_organisation(by)
    assert by.organisation is not None  # it has an organisation id
    if work_kind and work_kind not in WorkKind.values:
        raise ValidationFailed(fields={"work_kind": [_("Unknown kind of service.")]})
    with transaction.atomic():
        rows = [
            ServiceStepRule(
                organisation_id=org_id,
                work_kind=work_kind,
                step=code,
                required=code in DEFAULT_REQUIRED_STEPS,
                position=i,
            )
            for i, code in enumerate(STEP_CODES)
        ]
        before = ServiceStepRule.objects.filter(work_kind=work_kind).count()
        ServiceStepRule.objects.bulk_create(rows, ignore_conflicts=True)
        created = ServiceStepRule.objects.filter(work_kind=work_kind).count() - before
        if created:
            audit_record(
                actor=by,
                action="shouhou.service_step_rules.installed",
                obj=by.organisation,
                after={"work_kind": work_kind, "created": created},
            )
        return created


def step_rule_set(
    *, by: User, work_kind: str, step: str, required: bool, position: int | None = None
) -> ServiceStepRule:
    r.require_role(by, *STEP_RULE_ROLES)
    org_id = r.require_organisation(by)
    errors: dict[str, list[str]] = {}
    if work_kind and work_kind not in WorkKind.values:
        errors["work_kind"] = [_("Unknown kind of service.")]
    if step not in STEP_CODES:
        errors["step"] = [_("Unknown service step.")]
    if errors:
        raise ValidationFailed(fields=errors)
    with transaction.atomic():
        rule = ServiceStepRule.objects.filter(work_kind=work_kind, step=step).first()
        before = {"required": rule.required} if rule else None
        if rule is None:
            rule = ServiceStepRule.objects.create(
                organisation_id=org_id,
                work_kind=work_kind,
                step=step,
                required=bool(required),
                position=position if position is not None else STEP_CODES.index(step),
            )
        else:
            rule.required = bool(required)
            if position is not None:
                rule.position = position
            rule.save(update_fields=["required", "position", "updated_at"])
        audit_record(
            actor=by,
            action="shouhou.service_step_rule.set",
            obj=rule,
            before=before,
            after={"required": rule.required, "work_kind": work_kind, "step": step},
        )
        return rule


def _require_visit_actor(by: User, order: WorkOrder) -> None:
    if by.organisation_id != order.organisation_id:
        raise NotFoundError()
    tech = order.technician
    if tech is not None and tech.user_id == by.pk:
        return
    r.require_role(by, *PLAN_ROLES, r.CLERK)


def customer_check_record(
    *, by: User, order: WorkOrder, satisfied: bool, note: str = "", now: dt.datetime | None = None
) -> CustomerCheck:
    """The customer checks the result before signing; kept with the signature, frozen by it."""
    now = _now(now)
    _require_visit_actor(by, order)
    if order.status not in (wo_states.ON_SITE, wo_states.DONE):
        raise InvalidTransition(_("The customer checks the result on site, after the work."))
    with transaction.atomic():
        check = CustomerCheck.objects.select_for_update().filter(order=order).first()
        if check is not None and check.signed_at is not None:
            raise Conflict(_("The customer has signed; the check cannot change."), code="signed")
        before = {"satisfied": check.satisfied} if check else None
        if check is None:
            check = CustomerCheck(organisation_id=order.organisation_id, order=order)
        check.satisfied = bool(satisfied)
        check.note = (note or "").strip()
        check.checked_at = now
        check.recorded_by = by
        check.save()
        audit_record(
            actor=by,
            action="shouhou.customer_check.recorded",
            obj=check,
            before=before,
            after={"satisfied": check.satisfied, "note": check.note},
        )
        return check


def signing_guard(*, order: WorkOrder, report: ServiceReport | None) -> None:
    """Refuse the signature while required steps are not ticked or, when checking the result is
    required, the customer's check is not recorded."""
    missing = missing_required_steps(order, report)
    fields: dict[str, list[str]] = {}
    if missing:
        names = "、".join(str(STEP_LABELS.get(c, c)) for c in missing)
        fields["steps_done"] = [
            _("Tick these service steps before the customer signs: %(steps)s") % {"steps": names}
        ]
    required = {c for c, _label, req in step_rules_for(order.organisation_id, order.kind) if req}
    if "customer_checks" in required and not CustomerCheck.objects.filter(order=order).exists():
        fields["customer_check"] = [_("Record the customer's own check of the result first.")]
    if fields:
        raise ValidationFailed(
            _("Required service steps are missing."), code="steps_missing", fields=fields
        )


def customer_check_freeze(*, order: WorkOrder, report: ServiceReport) -> None:
    CustomerCheck.objects.filter(order=order, signed_at__isnull=True).update(
        signed_at=report.signed_at or timezone.now()
    )
