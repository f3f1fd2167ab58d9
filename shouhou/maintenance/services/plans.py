"""Maintenance plans: the customer's asset, its plan and schedule, cancelling and renewing."""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from decimal import Decimal
from typing import TYPE_CHECKING, Any

from django.db import transaction
from django.utils.translation import gettext as _

from shouhou.core.audit import audit_record
from shouhou.core.dates import add_months
from shouhou.core.errors import (
    Conflict,
    InvalidTransition,
    ValidationFailed,
)
from shouhou.core.money import to_money
from shouhou.org import roles as r
from shouhou.workdays.services import calendar_for

from .. import schedule
from ..models import (
    Asset,
    MaintenanceSettings,
    Plan,
    Visit,
)
from .common import PLAN_ROLES, _check_field_org, _same_org

if TYPE_CHECKING:
    from shouhou.catalog.models import Product
    from shouhou.customers.models import Customer, OwnedProduct
    from shouhou.org.models import Department, Store, User
    from shouhou.sales.models import Contract
    from shouhou.staff.models import ServiceStaff

settings_for = MaintenanceSettings.for_org


def asset_create(
    *,
    by: User,
    customer: Customer | None,
    name: str,
    kind: str = Asset.Kind.PRODUCT,
    serial_no: str = "",
    location: str = "",
    installed_on: dt.date | None = None,
    accepted_on: dt.date | None = None,
    warranty_until: dt.date | None = None,
    product: Product | None = None,
    owned_product: OwnedProduct | None = None,
    contract: Contract | None = None,
    store: Store | None = None,
) -> Asset:
    """Register an installed product or a project site (its 回访维修卡)."""
    r.require_role(by, *PLAN_ROLES)
    org_id = r.require_organisation(by)
    _check_field_org(
        by,
        customer=customer,
        product=product,
        owned_product=owned_product,
        contract=contract,
        store=store,
    )
    errors: dict[str, list[str]] = {}
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
    assert customer is not None  # refused above
    if warranty_until is None and start is not None:
        months = settings_for(org_id).warranty_months
        warranty_until = add_months(start, months) - dt.timedelta(days=1)
    with transaction.atomic():
        if serial_no and Asset.objects.filter(serial_no=serial_no).exists():
            raise ValidationFailed(fields={"serial_no": [_("This serial number is registered.")]})
        asset = Asset.objects.create(
            organisation_id=org_id,
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


def _clean_schedule(
    *,
    interval_months: int | str | None,
    fixed_dates: Sequence[str | dt.date] | None,
    tasks: Sequence[object] | None,
    errors: dict[str, list[str]],
) -> tuple[int | None, list[str], list[str]]:
    cleaned = [str(t).strip() for t in (tasks or []) if str(t).strip()]
    if not cleaned:
        errors["tasks"] = [_("List at least one maintenance task.")]
    try:
        fixed = schedule.parse_fixed_dates(fixed_dates or [])
    except ValueError as exc:
        errors["fixed_dates"] = [_("Not a date: %(value)s") % {"value": exc}]
        fixed = []
    if fixed and interval_months:
        errors["interval_months"] = [_("Either every N months or fixed dates, not both.")]
    months: int | None = None
    if not fixed:
        if interval_months is None or interval_months == "":
            errors.setdefault("interval_months", [_("Every how many months?")])
        else:
            try:
                months = int(interval_months)
                if not 1 <= months <= 60:
                    raise ValueError
            except (TypeError, ValueError):
                errors["interval_months"] = [_("Between 1 and 60 months.")]
    return months, [d.isoformat() for d in fixed], cleaned


def plan_create(
    *,
    by: User,
    asset: Asset,
    tasks: list[str],
    interval_months: int | str | None = None,
    fixed_dates: Sequence[str | dt.date] | None = None,
    starts_on: dt.date | None = None,
    ends_on: dt.date | None = None,
    team: Department | None = None,
    technician: ServiceStaff | None = None,
    lead_working_days: int | str | None = None,
    kind: str = Plan.Kind.WARRANTY,
    fee: Decimal | int | str | None = Decimal("0"),
    note: str = "",
    renewed_from: Plan | None = None,
) -> Plan:
    """A plan of visits for an asset: every N months or on fixed dates, to a team or a person,
    ending with the warranty (or the paid contract)."""
    r.require_role(by, *PLAN_ROLES)
    org_id = r.require_organisation(by)
    _same_org(by, asset)
    _check_field_org(by, team=team, technician=technician)
    errors: dict[str, list[str]] = {}
    months, fixed, tasks = _clean_schedule(
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
    lead: int | None = None
    if lead_working_days is not None and lead_working_days != "":
        try:
            lead = int(lead_working_days)
            if not 0 <= lead <= 60:
                raise ValueError
        except (TypeError, ValueError):
            errors["lead_working_days"] = [_("Between 0 and 60 working days.")]
    amount = Decimal("0")
    try:
        amount = to_money(fee if fee not in (None, "") else "0")
        if amount < 0:
            raise ValueError(_("The amount cannot be negative."))
    except ValueError as exc:
        errors["fee"] = [str(exc)]
    if kind == Plan.Kind.PAID and not errors.get("fee") and amount <= 0:
        errors["fee"] = [_("A paid maintenance contract has a fee.")]
    if errors:
        raise ValidationFailed(fields=errors)
    # Both were refused above when missing.
    assert starts_on is not None and ends_on is not None
    cal = calendar_for(org_id)
    next_due = schedule.first_due(
        starts_on=starts_on,
        ends_on=ends_on,
        interval_months=months,
        fixed_dates=fixed,
        cal=cal,
    )
    if next_due is None:
        raise ValidationFailed(fields={"ends_on": [_("No visit falls before the plan ends.")]})
    with transaction.atomic():
        plan = Plan.objects.create(
            organisation_id=org_id,
            asset=asset,
            kind=kind,
            tasks=tasks,
            interval_months=months,
            fixed_dates=fixed,
            starts_on=starts_on,
            ends_on=ends_on,
            next_due_on=next_due,
            lead_working_days=lead,
            team=team,
            technician=technician,
            owner=by,
            fee=amount,
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


def asset_plan_create(*, by: User, asset: dict[str, Any], plan: dict[str, Any]) -> Plan:
    """Register an asset and its plan together (one transaction: a refused plan leaves no
    asset behind)."""
    with transaction.atomic():
        new_asset = asset_create(by=by, **asset)
        return plan_create(by=by, asset=new_asset, **plan)


def plan_cancel(*, by: User, plan: Plan, reason: str) -> Plan:
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
    by: User,
    plan: Plan,
    ends_on: dt.date,
    fee: Decimal | int | str | None,
    interval_months: int | str | None = None,
    fixed_dates: Sequence[str | dt.date] | None = None,
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
