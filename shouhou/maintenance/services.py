"""Every write of the maintenance app: plans and visits, service-step rules and the customer's
check, duty checklists. Each function is one transaction with a role check and an audit event."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from shouhou.core.audit import audit_record
from shouhou.core.dates import add_months
from shouhou.core.errors import (
    Conflict,
    InvalidTransition,
    NotFoundError,
    PermissionDeniedError,
    ValidationFailed,
)
from shouhou.core.money import to_money
from shouhou.org import roles as r
from shouhou.workdays.services import calendar_for
from shouhou.workorders import states as wo_states
from shouhou.workorders.checklist import STEP_CODES, STEPS
from shouhou.workorders.models import Kind as WorkKind
from shouhou.workorders.models import ServiceReport, Source
from shouhou.workorders.services import (
    service_report_update,
    workorder_cancel,
    workorder_dispatch,
    workorder_intake,
)

from . import schedule
from .models import (
    Asset,
    CustomerCheck,
    DutyItem,
    DutyTemplate,
    MaintenanceSettings,
    Plan,
    ServiceStepRule,
    Visit,
)

# Who runs maintenance contracts: the service office and its managers.
PLAN_ROLES = {
    r.CS_SUPERVISOR,
    r.CS_MANAGER,
    r.SERVICE_DESK,
    r.STORE_MANAGER,
    r.WORKSHOP_SUPERVISOR,
    r.GENERAL_MANAGER,
    r.VP_OPERATIONS,
}
# Who sets the service steps of the organisation.
STEP_RULE_ROLES = {r.CS_MANAGER, r.GENERAL_MANAGER, r.VP_OPERATIONS, r.WORKSHOP_SUPERVISOR}
# Who sees the duty board of every person.
SUPERVISOR_ROLES = r.MANAGER_ROLES | {r.CS_SUPERVISOR, r.WORKSHOP_SUPERVISOR}
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

settings_for = MaintenanceSettings.for_org


def _now(now=None) -> dt.datetime:
    return now or timezone.now()


def _same_org(by, obj) -> None:
    if obj is not None and obj.organisation_id != by.organisation_id:
        raise NotFoundError()


def _check_field_org(by, **objs) -> None:
    for name, obj in objs.items():
        if obj is not None and obj.organisation_id != by.organisation_id:
            raise ValidationFailed(fields={name: [_("Not found.")]})


# --- assets and plans -------------------------------------------------------------------------


def asset_create(
    *,
    by,
    customer,
    name: str,
    kind: str = Asset.Kind.PRODUCT,
    serial_no: str = "",
    location: str = "",
    installed_on: dt.date | None = None,
    accepted_on: dt.date | None = None,
    warranty_until: dt.date | None = None,
    product=None,
    owned_product=None,
    contract=None,
    store=None,
) -> Asset:
    """Register an installed product or a project site (its 回访维修卡)."""
    r.require_role(by, *PLAN_ROLES)
    _check_field_org(
        by,
        customer=customer,
        product=product,
        owned_product=owned_product,
        contract=contract,
        store=store,
    )
    errors: dict = {}
    name, serial_no = (name or "").strip(), (serial_no or "").strip()
    if customer is None:
        errors["customer"] = [_("Whose is it?")]
    if not name:
        errors["name"] = [_("Name the product or the site.")]
    if kind not in Asset.Kind.values:
        errors["kind"] = [_("Unknown kind.")]
    if installed_on and accepted_on and accepted_on < installed_on:
        errors["accepted_on"] = [_("Acceptance cannot come before the installation.")]
    start = accepted_on or installed_on
    if warranty_until and start and warranty_until < start:
        errors["warranty_until"] = [_("The warranty cannot end before it starts.")]
    if errors:
        raise ValidationFailed(fields=errors)
    if warranty_until is None and start is not None:
        months = settings_for(by.organisation_id).warranty_months
        warranty_until = add_months(start, months) - dt.timedelta(days=1)
    with transaction.atomic():
        if serial_no and Asset.objects.filter(serial_no=serial_no).exists():
            raise ValidationFailed(fields={"serial_no": [_("This serial number is registered.")]})
        asset = Asset.objects.create(
            organisation_id=by.organisation_id,
            kind=kind,
            name=name,
            customer=customer,
            serial_no=serial_no,
            location=(location or "").strip(),
            installed_on=installed_on,
            accepted_on=accepted_on,
            warranty_until=warranty_until,
            product=product,
            owned_product=owned_product,
            contract=contract,
            store=store,
        )
        audit_record(
            actor=by,
            action="shouhou.maintenance_asset.created",
            obj=asset,
            after={"name": name, "serial_no": serial_no, "warranty_until": warranty_until},
        )
        return asset


def _clean_schedule(*, interval_months, fixed_dates, tasks, errors) -> tuple:
    tasks = [str(t).strip() for t in (tasks or []) if str(t).strip()]
    if not tasks:
        errors["tasks"] = [_("List at least one maintenance task.")]
    try:
        fixed = schedule.parse_fixed_dates(fixed_dates or [])
    except ValueError as exc:
        errors["fixed_dates"] = [_("Not a date: %(value)s") % {"value": exc}]
        fixed = []
    if fixed and interval_months:
        errors["interval_months"] = [_("Either every N months or fixed dates, not both.")]
    if not fixed:
        if interval_months in (None, ""):
            errors.setdefault("interval_months", [_("Every how many months?")])
        else:
            try:
                interval_months = int(interval_months)
                if not 1 <= interval_months <= 60:
                    raise ValueError
            except (TypeError, ValueError):
                errors["interval_months"] = [_("Between 1 and 60 months.")]
    else:
        interval_months = None
    return interval_months, [d.isoformat() for d in fixed], tasks


def plan_create(
    *,
    by,
    asset,
    tasks: list[str],
    interval_months: int | None = None,
    fixed_dates: list | None = None,
    starts_on: dt.date | None = None,
    ends_on: dt.date | None = None,
    team=None,
    technician=None,
    lead_working_days: int | None = None,
    kind: str = Plan.Kind.WARRANTY,
    fee=Decimal("0"),
    note: str = "",
    renewed_from=None,
) -> Plan:
    """A plan of visits for an asset: every N months or on fixed dates, to a team or a person,
    ending with the warranty (or the paid contract)."""
    r.require_role(by, *PLAN_ROLES)
    _same_org(by, asset)
    _check_field_org(by, team=team, technician=technician)
    errors: dict = {}
    interval_months, fixed, tasks = _clean_schedule(
        interval_months=interval_months, fixed_dates=fixed_dates, tasks=tasks, errors=errors
    )
    starts_on = starts_on or asset.accepted_on or asset.installed_on
    if kind not in Plan.Kind.values:
        errors["kind"] = [_("Unknown kind.")]
    if ends_on is None and kind == Plan.Kind.WARRANTY:
        ends_on = asset.warranty_until
    if starts_on is None:
        errors["starts_on"] = [_("When does the plan start?")]
    if ends_on is None:
        errors["ends_on"] = [_("When does the warranty or the contract end?")]
    elif starts_on and ends_on < starts_on:
        errors["ends_on"] = [_("The plan cannot end before it starts.")]
    if team is None and technician is None:
        errors["team"] = [_("Give the visits to a team or to a technician.")]
    if lead_working_days not in (None, ""):
        try:
            lead_working_days = int(lead_working_days)
            if not 0 <= lead_working_days <= 60:
                raise ValueError
        except (TypeError, ValueError):
            errors["lead_working_days"] = [_("Between 0 and 60 working days.")]
    else:
        lead_working_days = None
    try:
        fee = to_money(fee if fee not in (None, "") else "0")
        if fee < 0:
            raise ValueError(_("The amount cannot be negative."))
    except ValueError as exc:
        errors["fee"] = [str(exc)]
    if kind == Plan.Kind.PAID and not errors.get("fee") and fee <= 0:
        errors["fee"] = [_("A paid maintenance contract has a fee.")]
    if errors:
        raise ValidationFailed(fields=errors)
    cal = calendar_for(by.organisation_id)
    next_due = schedule.first_due(
        starts_on=starts_on,
        ends_on=ends_on,
        interval_months=interval_months,
        fixed_dates=fixed,
        cal=cal,
    )
    if next_due is None:
        raise ValidationFailed(fields={"ends_on": [_("No visit falls before the plan ends.")]})
    with transaction.atomic():
        plan = Plan.objects.create(
            organisation_id=by.organisation_id,
            asset=asset,
            kind=kind,
            tasks=tasks,
            interval_months=interval_months,
            fixed_dates=fixed,
            starts_on=starts_on,
            ends_on=ends_on,
            next_due_on=next_due,
            lead_working_days=lead_working_days,
            team=team,
            technician=technician,
            owner=by,
            fee=fee,
            note=(note or "").strip(),
            renewed_from=renewed_from,
        )
        audit_record(
            actor=by,
            action="shouhou.maintenance_plan.created",
            obj=plan,
            after={
                "status": plan.status,
                "next_due_on": next_due,
                "ends_on": ends_on,
                "kind": kind,
            },
        )
        return plan


def asset_plan_create(*, by, asset: dict, plan: dict) -> Plan:
    """Register an asset and its plan together (one transaction: a refused plan leaves no
    asset behind)."""
    with transaction.atomic():
        new_asset = asset_create(by=by, **asset)
        return plan_create(by=by, asset=new_asset, **plan)


def plan_cancel(*, by, plan, reason: str) -> Plan:
    r.require_role(by, *PLAN_ROLES)
    _same_org(by, plan)
    if not (reason or "").strip():
        raise ValidationFailed(fields={"reason": [_("Say why.")]})
    with transaction.atomic():
        n = Plan.objects.filter(pk=plan.pk, status=Plan.Status.ACTIVE).update(
            status=Plan.Status.CANCELLED
        )
        if n == 0:
            raise InvalidTransition(_("Only an active plan can be cancelled."))
        Visit.objects.filter(plan=plan, status=Visit.Status.PLANNED, order__isnull=True).update(
            status=Visit.Status.SKIPPED, skipped_reason=reason.strip()[:200]
        )
        plan.refresh_from_db()
        audit_record(
            actor=by,
            action="shouhou.maintenance_plan.cancelled",
            obj=plan,
            before={"status": Plan.Status.ACTIVE},
            after={"status": plan.status},
            note=reason,
        )
        return plan


def plan_renew(
    *,
    by,
    plan,
    ends_on: dt.date,
    fee,
    interval_months: int | None = None,
    fixed_dates: list | None = None,
    tasks: list[str] | None = None,
) -> Plan:
    """The warranty (or contract) ends: carry on as paid maintenance, once per plan."""
    r.require_role(by, *PLAN_ROLES)
    _same_org(by, plan)
    with transaction.atomic():
        plan = Plan.objects.select_for_update().get(pk=plan.pk)
        if plan.status not in (Plan.Status.ACTIVE, Plan.Status.ENDED):
            raise InvalidTransition(_("This plan was renewed or cancelled already."))
        if Plan.objects.filter(renewed_from=plan).exists():
            raise Conflict(_("This plan was renewed already."), code="already_renewed")
        starts_on = plan.ends_on + dt.timedelta(days=1)
        new = plan_create(
            by=by,
            asset=plan.asset,
            tasks=tasks if tasks is not None else plan.tasks,
            interval_months=interval_months
            if (interval_months or fixed_dates)
            else plan.interval_months,
            fixed_dates=fixed_dates,
            starts_on=starts_on,
            ends_on=ends_on,
            team=plan.team,
            technician=plan.technician,
            lead_working_days=plan.lead_working_days,
            kind=Plan.Kind.PAID,
            fee=fee,
            renewed_from=plan,
        )
        before = plan.status
        Plan.objects.filter(pk=plan.pk).update(status=Plan.Status.RENEWED)
        plan.status = Plan.Status.RENEWED
        audit_record(
            actor=by,
            action="shouhou.maintenance_plan.renewed",
            obj=plan,
            before={"status": before},
            after={"status": plan.status, "renewal": new.pk},
        )
        return new


def _advance(plan: Plan, *, after: dt.date, visit: Visit) -> dt.date | None:
    """Move the plan on past `visit` (done or skipped) from `after`; None: no visit left."""
    if plan.next_due_on is not None and plan.next_due_on > visit.due_on:
        return plan.next_due_on  # a later visit is already planned
    nxt = schedule.next_due(
        after=max(after, visit.due_on) if plan.fixed_dates else after,
        ends_on=plan.ends_on,
        interval_months=plan.interval_months,
        fixed_dates=plan.fixed_dates,
        cal=calendar_for(plan.organisation_id),
    )
    Plan.objects.filter(pk=plan.pk).update(next_due_on=nxt)
    plan.next_due_on = nxt
    return nxt


def visit_issue(*, visit: Visit, now=None) -> Visit:
    """Issue the work order of a planned visit (the job calls this), in the name of the plan's
    responsible, to its technician or into its team's pool. A refusal is kept on the visit."""
    now = _now(now)
    plan, asset = visit.plan, visit.plan.asset
    owner = plan.owner
    tasks = "；".join(plan.tasks)
    description = _("Maintenance visit due %(due)s (plan %(plan)s): %(tasks)s") % {
        "due": visit.due_on.isoformat(),
        "plan": plan.pk,
        "tasks": tasks,
    }
    if asset.location:
        description += f" @ {asset.location}"
    try:
        with transaction.atomic():
            locked = Visit.objects.select_for_update().get(pk=visit.pk)
            if locked.order_id is not None or locked.status != Visit.Status.PLANNED:
                return locked
            result = workorder_intake(
                by=owner,
                organisation=plan.organisation,
                source=Source.HOTLINE,
                kind=WorkKind.MAINTENANCE,
                description=description[:2000],
                customer=asset.customer,
                store=asset.store,
                product=asset.product,
                contract=asset.contract,
                now=now,
            )
            order = result.order
            if plan.technician_id and order.status == wo_states.NEW:
                order = workorder_dispatch(
                    by=owner, order=order, technician=plan.technician, now=now
                )
            with transaction.atomic():
                Visit.objects.filter(pk=visit.pk).update(
                    order=order, status=Visit.Status.ORDERED, ordered_at=now, issue_error=""
                )
            audit_record(
                actor=owner,
                action="shouhou.maintenance_visit.ordered",
                obj=locked,
                before={"status": Visit.Status.PLANNED},
                after={"status": Visit.Status.ORDERED, "order": order.number},
            )
    except (
        ValidationFailed,
        PermissionDeniedError,
        Conflict,
        NotFoundError,
        IntegrityError,
    ) as exc:
        Visit.objects.filter(pk=visit.pk).update(issue_error=str(exc)[:200])
    visit.refresh_from_db()
    return visit


def visit_done_from_order(*, order, completed_at, by) -> Visit | None:
    """The order of a visit was completed: the visit is done on the real date and the plan's
    next visit counts from it (not from the planned date)."""
    visit = Visit.objects.select_related("plan").filter(order_id=order.pk).first()
    if visit is None or visit.status not in (Visit.Status.ORDERED, Visit.Status.PLANNED):
        return visit
    done_on = timezone.localtime(completed_at).date()
    Visit.objects.filter(pk=visit.pk).update(status=Visit.Status.DONE, done_on=done_on)
    before = visit.status
    visit.status, visit.done_on = Visit.Status.DONE, done_on
    nxt = _advance(visit.plan, after=done_on, visit=visit)
    audit_record(
        actor=by,
        action="shouhou.maintenance_visit.done",
        obj=visit,
        before={"status": before},
        after={"status": visit.status, "done_on": done_on, "next_due_on": nxt},
    )
    return visit


def visit_skipped_from_order(*, order, note, by) -> Visit | None:
    """The visit's order was cancelled: the visit counts as skipped (listed), the plan moves on."""
    visit = Visit.objects.select_related("plan").filter(order_id=order.pk).first()
    if visit is None or visit.status not in (Visit.Status.ORDERED, Visit.Status.PLANNED):
        return visit
    return _skip(visit, by=by, reason=note or _("The work order was cancelled."))


def _skip(visit: Visit, *, by, reason: str) -> Visit:
    before = visit.status
    Visit.objects.filter(pk=visit.pk).update(
        status=Visit.Status.SKIPPED, skipped_reason=reason[:200]
    )
    visit.status, visit.skipped_reason = Visit.Status.SKIPPED, reason[:200]
    nxt = _advance(visit.plan, after=visit.due_on, visit=visit)
    audit_record(
        actor=by,
        action="shouhou.maintenance_visit.skipped",
        obj=visit,
        before={"status": before},
        after={"status": visit.status, "next_due_on": nxt},
        note=reason,
    )
    return visit


def visit_skip(*, by, visit, reason: str, now=None) -> Visit:
    """Skip a visit (the customer declined, the site is closed); an open order is cancelled."""
    r.require_role(by, *PLAN_ROLES)
    _same_org(by, visit)
    reason = (reason or "").strip()
    if not reason:
        raise ValidationFailed(fields={"reason": [_("Say why the visit is skipped.")]})
    with transaction.atomic():
        visit = (
            Visit.objects.select_for_update(of=("self",))
            .select_related("plan", "order")
            .get(pk=visit.pk)
        )
        if visit.status not in (Visit.Status.PLANNED, Visit.Status.ORDERED):
            raise InvalidTransition(_("Only a visit still to be made can be skipped."))
        order = visit.order
        if order is not None and order.status in wo_states.UNRESOLVED_STATES:
            # Its cancellation reaches `visit_skipped_from_order` through the event.
            workorder_cancel(by=by, order=order, reason=reason, now=now)
            visit.refresh_from_db()
            if visit.status == Visit.Status.SKIPPED:
                return visit
        elif order is not None:
            raise InvalidTransition(_("The visit's order is finished; it cannot be skipped."))
        return _skip(visit, by=by, reason=reason)


def visit_reschedule(*, by, visit, due_on: dt.date) -> Visit:
    """Move a visit whose order is not issued yet (the customer asked for another week)."""
    r.require_role(by, *PLAN_ROLES)
    _same_org(by, visit)
    if not isinstance(due_on, dt.date):
        raise ValidationFailed(fields={"due_on": [_("Give a date.")]})
    with transaction.atomic():
        visit = (
            Visit.objects.select_for_update(of=("self",)).select_related("plan").get(pk=visit.pk)
        )
        plan = visit.plan
        if visit.status != Visit.Status.PLANNED or visit.order_id:
            raise InvalidTransition(
                _("The order is issued already: change the appointment on the order.")
            )
        if due_on > plan.ends_on:
            raise ValidationFailed(fields={"due_on": [_("The plan ends before that day.")]})
        due_on = calendar_for(plan.organisation_id).working_day_on_or_after(due_on)
        if Visit.objects.filter(plan=plan, due_on=due_on).exclude(pk=visit.pk).exists():
            raise ValidationFailed(fields={"due_on": [_("The plan has a visit on that day.")]})
        before = visit.due_on
        Visit.objects.filter(pk=visit.pk).update(due_on=due_on, issue_error="")
        if plan.next_due_on == before:
            Plan.objects.filter(pk=plan.pk).update(next_due_on=due_on)
        visit.due_on = due_on
        audit_record(
            actor=by,
            action="shouhou.maintenance_visit.rescheduled",
            obj=visit,
            before={"due_on": before},
            after={"due_on": due_on},
        )
        return visit


# --- service steps ----------------------------------------------------------------------------

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


def missing_required_steps(order, report) -> list[str]:
    done = set(report.steps_done or []) if report is not None else set()
    return [
        code
        for code, _label, required in step_rules_for(order.organisation_id, order.kind)
        if required and code not in done
    ]


def step_rules_install_defaults(*, by, work_kind: str = "") -> int:
    """Seed 000's steps for the organisation (required up to cleaning up); existing rules stay."""
    r.require_role(by, *STEP_RULE_ROLES)
    if work_kind and work_kind not in WorkKind.values:
        raise ValidationFailed(fields={"work_kind": [_("Unknown kind of service.")]})
    with transaction.atomic():
        rows = [
            ServiceStepRule(
                organisation_id=by.organisation_id,
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
    *, by, work_kind: str, step: str, required: bool, position: int | None = None
) -> ServiceStepRule:
    r.require_role(by, *STEP_RULE_ROLES)
    errors = {}
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
                organisation_id=by.organisation_id,
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


def _require_visit_actor(by, order) -> None:
    if by.organisation_id != order.organisation_id:
        raise NotFoundError()
    tech = order.technician
    if tech is not None and tech.user_id == by.pk:
        return
    r.require_role(by, *PLAN_ROLES, r.CLERK)


def visit_steps_tick(*, by, order, steps: list[str]) -> ServiceReport:
    """The technician ticks the service steps on the report written at completion (its
    `steps_done`), until the customer signs."""
    _require_visit_actor(by, order)
    report = ServiceReport.objects.filter(order=order).first()
    if report is None:
        raise InvalidTransition(
            _("Tick the steps when reporting the work done; there is no report yet."),
            code="no_report",
        )
    parts = [
        {"name": p.name, "quantity": p.quantity, "reason": p.reason, "return_old": p.return_old}
        for p in report.parts.filter(old_returned_at__isnull=True)
    ]
    return service_report_update(
        by=by,
        order=order,
        findings=report.findings,
        work_done=report.work_done,
        parts=parts,
        fee=report.fee,
        fee_approval=report.fee_approval,
        steps_done=list(steps),
    )


def customer_check_record(*, by, order, satisfied: bool, note: str = "", now=None) -> CustomerCheck:
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


def signing_guard(*, order, report) -> None:
    """Refuse the signature while required steps are not ticked or, when checking the result is
    required, the customer's check is not recorded."""
    missing = missing_required_steps(order, report)
    fields: dict = {}
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


def customer_check_freeze(*, order, report) -> None:
    CustomerCheck.objects.filter(order=order, signed_at__isnull=True).update(
        signed_at=report.signed_at or timezone.now()
    )


# --- duty checklists --------------------------------------------------------------------------


def duty_item_tick(*, by, item: DutyItem, note: str = "", photo=None, now=None) -> DutyItem:
    """The person named on the list (or a supervisor of the store) ticks one duty."""
    now = _now(now)
    _same_org(by, item)
    owner_id = item.duty_list.user_id
    if owner_id != by.pk and not r.has_role(by, *SUPERVISOR_ROLES):
        raise PermissionDeniedError(_("This is someone else's checklist."))
    if timezone.localdate(now) > item.duty_list.period_end + dt.timedelta(days=1):
        raise InvalidTransition(_("The period of this checklist is over."), code="period_over")
    with transaction.atomic():
        n = DutyItem.objects.filter(pk=item.pk, done_at__isnull=True).update(
            done_at=now, done_by=by, note=(note or "").strip()[:300]
        )
        if n == 0:
            raise Conflict(_("This duty is ticked already."), code="already_done")
        item.refresh_from_db()
        if photo is not None:
            item.photo.save(getattr(photo, "name", "photo.jpg"), photo, save=True)
        audit_record(
            actor=by,
            action="shouhou.duty_item.done",
            obj=item,
            before={"done": False},
            after={"done": True, "note": item.note},
        )
        return item


def duty_template_create(
    *, by, role: str, period: str, title: str, items: list[str], store=None
) -> DutyTemplate:
    from .models import DutyTemplateItem

    r.require_role(by, *SUPERVISOR_ROLES)
    _check_field_org(by, store=store)
    errors: dict = {}
    if role not in r.ROLES:
        errors["role"] = [_("Unknown role.")]
    if period not in DutyTemplate.Period.values:
        errors["period"] = [_("Daily, weekly or monthly.")]
    title = (title or "").strip()
    if not title:
        errors["title"] = [_("Give the checklist a title.")]
    items = [str(t).strip() for t in items or [] if str(t).strip()]
    if not items:
        errors["items"] = [_("List at least one duty.")]
    if errors:
        raise ValidationFailed(fields=errors)
    with transaction.atomic():
        if DutyTemplate.objects.filter(role=role, period=period, title=title).exists():
            raise ValidationFailed(fields={"title": [_("This checklist exists already.")]})
        tpl = DutyTemplate.objects.create(
            organisation_id=by.organisation_id, role=role, period=period, title=title, store=store
        )
        DutyTemplateItem.objects.bulk_create(
            [
                DutyTemplateItem(
                    organisation_id=by.organisation_id, template=tpl, text=t[:200], position=i
                )
                for i, t in enumerate(items)
            ]
        )
        audit_record(
            actor=by,
            action="shouhou.duty_template.created",
            obj=tpl,
            after={"role": role, "period": period, "items": len(items)},
        )
        return tpl


def duty_templates_install_defaults(*, organisation, templates=None) -> int:
    """Write the seeds' checklists (defaults.py) into an organisation as its own templates, for
    the demo, a new organisation or the admin; existing templates (same role, period, title)
    are left as they are. Returns how many templates were created."""
    from .defaults import TEMPLATES
    from .models import DutyTemplateItem

    org_id = getattr(organisation, "pk", organisation)
    created = 0
    with transaction.atomic():
        for spec in templates or TEMPLATES:
            tpl, new = DutyTemplate.objects.get_or_create(
                organisation_id=org_id,
                role=spec["role"],
                period=spec["period"],
                title=spec["title"],
            )
            if not new:
                continue
            created += 1
            DutyTemplateItem.objects.bulk_create(
                [
                    DutyTemplateItem(
                        organisation_id=org_id,
                        template=tpl,
                        section=section,
                        text=text,
                        auto_check=auto,
                        link=link,
                        position=i,
                    )
                    for i, (section, text, auto, link) in enumerate(spec["items"])
                ]
            )
            audit_record(
                actor=None,
                action="shouhou.duty_template.created",
                obj=tpl,
                after={"role": tpl.role, "period": tpl.period, "items": len(spec["items"])},
            )
    return created
