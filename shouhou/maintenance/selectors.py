"""Reads of the maintenance app, scoped to what the user may see."""

from __future__ import annotations

import datetime as dt
from collections import defaultdict

from django.db.models import Count, Q
from django.utils import timezone
from django.utils.translation import gettext as _

from shouhou.core.dates import month_bounds
from shouhou.core.errors import NotFoundError, PermissionDeniedError, ValidationFailed
from shouhou.org import roles as r
from shouhou.workdays.services import calendar_for
from shouhou.workorders.models import ServiceReport, WorkOrder

from . import services
from .models import DutyItem, DutyList, Plan, Visit

READ_ROLES = services.PLAN_ROLES | r.OFFICE_ROLES
OPEN = (Visit.Status.PLANNED, Visit.Status.ORDERED)


def can_read(user) -> bool:
    return r.has_role(user, *READ_ROLES)


def _require_reader(user) -> None:
    if not can_read(user):
        raise PermissionDeniedError()


def _today(now=None) -> dt.date:
    return timezone.localdate(now) if now else timezone.localdate()


def plan_list(*, user, status: str | None = None):
    _require_reader(user)
    qs = Plan.objects.select_related("asset__customer", "team", "technician").order_by(
        "next_due_on", "id"
    )
    if status:
        qs = qs.filter(status=status)
    return qs


def plan_get(*, user, pk: int) -> Plan:
    _require_reader(user)
    plan = (
        Plan.objects.select_related("asset__customer", "team", "technician", "owner")
        .filter(pk=pk)
        .first()
    )
    if plan is None:
        raise NotFoundError()
    return plan


def org_object(*, user, model, pk, field: str):
    """An object of the user's organisation named in a request body, or a field error."""
    if pk in (None, ""):
        return None
    obj = model.objects.filter(pk=pk, organisation_id=user.organisation_id).first()
    if obj is None:
        raise ValidationFailed(fields={field: [_("Not found.")]})
    return obj


def visit_list(*, user, status: str | None = None):
    _require_reader(user)
    qs = Visit.objects.select_related("plan").order_by("id")
    if status:
        qs = qs.filter(status=status)
    return qs


def step_rules(*, user, work_kind: str = ""):
    if user.organisation_id is None:
        raise PermissionDeniedError()
    return services.step_rules_for(user.organisation_id, work_kind)


def plan_visits(*, user, plan: Plan):
    _require_reader(user)
    return list(Visit.objects.filter(plan=plan).select_related("order").order_by("-due_on")[:50])


def visit_get(*, user, pk: int) -> Visit:
    visit = Visit.objects.select_related("plan__asset__customer", "order").filter(pk=pk).first()
    if visit is None:
        raise NotFoundError()
    if not can_read(user) and not _is_visit_technician(user, visit.order):
        raise NotFoundError()
    return visit


def _is_visit_technician(user, order) -> bool:
    return bool(order and order.technician_id and order.technician.user_id == user.pk)


def overdue_after(organisation_id: int, today: dt.date) -> dt.date:
    """Visits due before this day and not made or skipped are overdue."""
    grace = services.settings_for(organisation_id).overdue_after_working_days
    return calendar_for(organisation_id).add_working_days(today, -grace) if grace else today


def visits_overdue(*, user, now=None):
    _require_reader(user)
    limit = overdue_after(user.organisation_id, _today(now))
    return (
        Visit.objects.filter(status__in=OPEN, due_on__lt=limit)
        .select_related("plan__asset__customer", "order")
        .order_by("due_on", "id")
    )


def visits_skipped(*, user, since: dt.date | None = None):
    _require_reader(user)
    qs = Visit.objects.filter(status=Visit.Status.SKIPPED)
    if since:
        qs = qs.filter(due_on__gte=since)
    return qs.select_related("plan__asset__customer").order_by("-due_on", "-id")


def visits_due(*, user, start: dt.date, end: dt.date):
    _require_reader(user)
    return (
        Visit.objects.filter(status__in=OPEN, due_on__gte=start, due_on__lte=end)
        .select_related("plan__asset__customer", "order", "plan__team", "plan__technician")
        .order_by("due_on", "id")
    )


def plans_due(*, user, start: dt.date, end: dt.date):
    """Active plans whose next visit falls in the window (with or without its visit yet)."""
    _require_reader(user)
    return (
        Plan.objects.filter(status=Plan.Status.ACTIVE, next_due_on__gte=start, next_due_on__lte=end)
        .select_related("asset__customer", "team", "technician")
        .order_by("next_due_on", "id")
    )


def my_visits(*, user):
    """A technician's open maintenance visits (their orders), and their team's pool."""
    q = Q(order__technician__user=user)
    if user.department_id:
        q |= Q(plan__team_id=user.department_id, order__technician__isnull=True)
    return (
        Visit.objects.filter(q, status__in=OPEN)
        .select_related("plan__asset__customer", "order")
        .order_by("due_on", "id")
    )


def board(*, user, now=None) -> dict:
    today = _today(now)
    week_start = today - dt.timedelta(days=today.weekday())
    week_end = week_start + dt.timedelta(days=6)
    return {
        "today": today,
        "due_this_week": list(plans_due(user=user, start=week_start, end=week_end)[:200]),
        "overdue": list(visits_overdue(user=user, now=now)[:200]),
        "skipped": list(visits_skipped(user=user, since=today - dt.timedelta(days=90))[:100]),
        "refused": list(
            Visit.objects.filter(status=Visit.Status.PLANNED, order__isnull=True)
            .exclude(issue_error="")
            .select_related("plan__asset")[:100]
        ),
    }


# --- service steps ----------------------------------------------------------------------------


def visit_steps(*, user, order_id: int) -> dict:
    """The technician's checklist of one order: steps (required marked), ticks, the check."""
    order = WorkOrder.objects.select_related("technician", "customer").filter(pk=order_id).first()
    if order is None or not (can_read(user) or _is_visit_technician(user, order)):
        raise NotFoundError()
    report = ServiceReport.objects.filter(order=order).first()
    done = set(report.steps_done or []) if report else set()
    steps = [
        {"code": c, "label": label, "required": req, "done": c in done}
        for c, label, req in services.step_rules_for(order.organisation_id, order.kind)
    ]
    check = getattr(order, "customer_check", None)
    visit = Visit.objects.filter(order=order).select_related("plan").first()
    return {
        "order": order,
        "report": report,
        "steps": steps,
        "missing": [s["label"] for s in steps if s["required"] and not s["done"]],
        "check": check,
        "visit": visit,
        "tasks": visit.plan.tasks if visit else [],
    }


def steps_skipped_report(*, user, month: dt.date) -> list[dict]:
    """Per technician, in the month's signed reports: reports, required steps left unticked."""
    if not r.has_role(user, *services.SUPERVISOR_ROLES, *services.PLAN_ROLES):
        raise PermissionDeniedError()
    start, end = month_bounds(month)
    reports = ServiceReport.objects.filter(
        signed_at__gte=start, signed_at__lt=end, order__technician__isnull=False
    ).select_related("order__technician")
    rows: dict = defaultdict(lambda: {"reports": 0, "skipped": 0, "steps": defaultdict(int)})
    rules_cache: dict = {}
    for rep in reports:
        order = rep.order
        rules = rules_cache.get(order.kind)
        if rules is None:
            rules = services.step_rules_for(order.organisation_id, order.kind)
            rules_cache[order.kind] = rules
        done = set(rep.steps_done or [])
        row = rows[order.technician]
        row["reports"] += 1
        for code, label, _req in rules:
            if code not in done:
                row["skipped"] += 1
                row["steps"][label] += 1
    return [
        {
            "technician": tech,
            "reports": v["reports"],
            "skipped": v["skipped"],
            "steps": sorted(v["steps"].items(), key=lambda kv: -kv[1]),
        }
        for tech, v in sorted(rows.items(), key=lambda kv: -kv[1]["skipped"])
    ]


# --- duty checklists --------------------------------------------------------------------------


def my_duty_lists(*, user, now=None):
    today = _today(now)
    return (
        DutyList.objects.filter(user=user, period_start__lte=today, period_end__gte=today)
        .select_related("template")
        .prefetch_related("items__done_by")
        .order_by("template__period", "id")
    )


def duty_item_get(*, user, pk: int) -> DutyItem:
    item = DutyItem.objects.select_related("duty_list").filter(pk=pk).first()
    if item is None:
        raise NotFoundError()
    if item.duty_list.user_id != user.pk and not r.has_role(user, *services.SUPERVISOR_ROLES):
        raise NotFoundError()
    return item


def duty_list_get(*, user, pk: int) -> DutyList:
    dl = DutyList.objects.select_related("template", "user", "store").filter(pk=pk).first()
    if dl is None or (dl.user_id != user.pk and not r.has_role(user, *services.SUPERVISOR_ROLES)):
        raise NotFoundError()
    return dl


def duty_board(*, user, now=None, month: dt.date | None = None) -> dict:
    """What is not done, by store and person (current lists), and the month's completion rate."""
    if not r.has_role(user, *services.SUPERVISOR_ROLES):
        raise PermissionDeniedError()
    today = _today(now)
    open_items = (
        DutyItem.objects.filter(
            done_at__isnull=True,
            duty_list__period_start__lte=today,
            duty_list__period_end__gte=today,
        )
        .select_related("duty_list__user", "duty_list__store", "duty_list__template")
        .order_by("duty_list__store__name", "duty_list__user_id", "position")
    )
    by_store: dict = defaultdict(lambda: defaultdict(list))
    for item in open_items[:1000]:
        store = item.duty_list.store.name if item.duty_list.store else _("No store")
        by_store[store][item.duty_list.user].append(item)
    month = month or today
    first = month.replace(day=1)
    last = (first + dt.timedelta(days=32)).replace(day=1) - dt.timedelta(days=1)
    rates = (
        DutyItem.objects.filter(
            duty_list__period_start__gte=first, duty_list__period_start__lte=last
        )
        .values("duty_list__user_id", "duty_list__user__display_name", "duty_list__user__username")
        .annotate(total=Count("id"), done=Count("id", filter=Q(done_at__isnull=False)))
        .order_by("duty_list__user__username")
    )
    rate_rows = [
        {
            "name": row["duty_list__user__display_name"] or row["duty_list__user__username"],
            "total": row["total"],
            "done": row["done"],
            "rate": round(100 * row["done"] / row["total"]) if row["total"] else 0,
        }
        for row in rates
    ]
    return {
        "today": today,
        "month": first,
        "open": {s: dict(people) for s, people in by_store.items()},
        "rates": rate_rows,
    }
