"""Periodic work of maintenance plans and duty checklists: set-based, one organisation's scope at
a time, safe to run twice (unique keys: a visit once per plan and due date, a checklist once per
template, person and period, an item once per checklist and duty).

`plans(now)`: (1) every active plan whose next visit falls within its lead time (提前派单, working
days) gets that visit: one INSERT … SELECT … ON CONFLICT DO NOTHING per lead time in use;
(2) planned visits get their work order through `workorders.services.workorder_intake`, at most
`orders_per_run` a run, earliest first; (3) plans past their end are ended.

`duties(now)`: today's, this week's and this month's checklists for the people holding each
template's role (at its store), then the duties the system checks itself.
"""

from __future__ import annotations

import datetime as dt
from collections import defaultdict

from django.db import connection, transaction
from django.db.models import Q
from django.utils import timezone
from django_scopes import scope

from .models import (
    DutyItem,
    DutyList,
    DutyTemplate,
    DutyTemplateItem,
    MaintenanceSettings,
    Plan,
    Visit,
)


def _local_date(now) -> dt.date:
    return timezone.localtime(now).date()


def _organisations() -> list[int]:
    from shouhou.org.models import Organisation

    return list(Organisation.objects.values_list("pk", flat=True))


def _horizons(org_id: int, today: dt.date, cfg) -> dict:
    """{lead (None: the setting): last due date that gets its visit/order today}."""
    from shouhou.workdays.services import calendar_for

    cal = calendar_for(org_id)
    leads = set(
        Plan.all_objects.filter(organisation_id=org_id, status=Plan.Status.ACTIVE)
        .exclude(lead_working_days=None)
        .values_list("lead_working_days", flat=True)
        .distinct()
    )
    out = {None: cal.add_working_days(today, cfg.lead_working_days)}
    for lead in leads:
        out[lead] = cal.add_working_days(today, lead)
    return out


def _lead_q(horizons: dict, field: str, prefix: str = "") -> Q:
    q = Q()
    for lead, until in horizons.items():
        q |= Q(**{f"{prefix}lead_working_days": lead, f"{field}__lte": until}) if lead is not None \
            else Q(**{f"{prefix}lead_working_days__isnull": True, f"{field}__lte": until})  # fmt: skip
    return q


def generate_visits(org_id: int, horizons: dict, now) -> int:
    """One visit for each active plan whose next due date falls within its lead time."""
    qn = connection.ops.quote_name
    visit_t, plan_t = qn(Visit._meta.db_table), qn(Plan._meta.db_table)
    stamp = connection.ops.adapt_datetimefield_value(now)
    created = 0
    for lead, until in horizons.items():
        lead_sql = "p.lead_working_days IS NULL" if lead is None else "p.lead_working_days = %s"
        params = [Visit.Status.PLANNED.value, stamp, stamp, org_id, Plan.Status.ACTIVE.value]
        params += [] if lead is None else [lead]
        params.append(connection.ops.adapt_datefield_value(until))
        # Table names come from the models' metadata, quoted; every value is a parameter.
        cols = "organisation_id, plan_id, due_on, status, issue_error, skipped_reason"
        sql = f"INSERT INTO {visit_t} ({cols}, created_at, updated_at) SELECT p.organisation_id, p.id, p.next_due_on, %s, '', '', %s, %s FROM {plan_t} p WHERE p.organisation_id = %s AND p.status = %s AND {lead_sql} AND p.next_due_on IS NOT NULL AND p.next_due_on <= %s AND NOT EXISTS (SELECT 1 FROM {visit_t} v WHERE v.plan_id = p.id AND v.due_on = p.next_due_on) ON CONFLICT (plan_id, due_on) DO NOTHING"  # noqa: S608, E501
        with transaction.atomic(), connection.cursor() as cur:
            cur.execute(sql, params)
            created += max(cur.rowcount, 0)
    return created


def issue_orders(org_id: int, horizons: dict, cfg, now) -> dict:
    from . import services

    visits = (
        Visit.all_objects.filter(
            _lead_q(horizons, "due_on", prefix="plan__"),
            organisation_id=org_id,
            status=Visit.Status.PLANNED,
            order__isnull=True,
            plan__status=Plan.Status.ACTIVE,
        )
        .select_related("plan__asset__customer", "plan__owner", "plan__technician", "plan")
        .order_by("due_on", "id")[: cfg.orders_per_run]
    )
    issued = refused = 0
    with scope(organisation=org_id):
        for visit in list(visits):
            visit = services.visit_issue(visit=visit, now=now)
            if visit.order_id:
                issued += 1
            else:
                refused += 1
    return {"orders": issued, "refused": refused}


def end_plans(org_id: int, today: dt.date) -> int:
    from shouhou.core.audit import audit_batch, audit_record

    ids = list(
        Plan.all_objects.filter(
            organisation_id=org_id, status=Plan.Status.ACTIVE, ends_on__lt=today
        ).values_list("pk", flat=True)
    )
    if not ids:
        return 0
    with transaction.atomic(), audit_batch():
        n = Plan.all_objects.filter(pk__in=ids, status=Plan.Status.ACTIVE).update(
            status=Plan.Status.ENDED
        )
        for plan in Plan.all_objects.filter(pk__in=ids):
            audit_record(
                actor=None,
                action="shouhou.maintenance_plan.ended",
                obj=plan,
                before={"status": Plan.Status.ACTIVE},
                after={"status": Plan.Status.ENDED},
            )
    return n


def plans(now) -> dict:
    today = _local_date(now)
    counts = {"visits": 0, "orders": 0, "refused": 0, "ended": 0}
    for org_id in _organisations():
        if not Plan.all_objects.filter(organisation_id=org_id).exists():
            continue
        cfg = MaintenanceSettings.for_org(org_id)
        horizons = _horizons(org_id, today, cfg)
        counts["visits"] += generate_visits(org_id, horizons, now)
        issued = issue_orders(org_id, horizons, cfg, now)
        counts["orders"] += issued["orders"]
        counts["refused"] += issued["refused"]
        counts["ended"] += end_plans(org_id, today)
    return counts


# --- duty checklists --------------------------------------------------------------------------


def period_of(period: str, today: dt.date) -> tuple[dt.date, dt.date]:
    from shouhou.core.dates import month_last_day, month_start

    if period == DutyTemplate.Period.WEEKLY:
        start = today - dt.timedelta(days=today.weekday())
        return start, start + dt.timedelta(days=6)
    if period == DutyTemplate.Period.MONTHLY:
        return month_start(today), month_last_day(today)
    return today, today


def generate_duty_lists(org_id: int, today: dt.date) -> dict:
    from shouhou.org.models import User

    lists = items = 0
    templates = list(DutyTemplate.all_objects.filter(organisation_id=org_id, is_active=True))
    for tpl in templates:
        start, end = period_of(tpl.period, today)
        people = User.objects.filter(organisation_id=org_id, is_active=True, groups__name=tpl.role)
        if tpl.store_id:
            people = people.filter(store_id=tpl.store_id)
        rows = [
            DutyList(
                organisation_id=org_id,
                template=tpl,
                user_id=uid,
                store_id=sid,
                period_start=start,
                period_end=end,
            )
            for uid, sid in people.values_list("pk", "store_id").distinct()
        ]
        with transaction.atomic():
            before = DutyList.all_objects.filter(template=tpl, period_start=start).count()
            DutyList.all_objects.bulk_create(rows, ignore_conflicts=True)
            lists += DutyList.all_objects.filter(template=tpl, period_start=start).count() - before
            empty = list(
                DutyList.all_objects.filter(
                    template=tpl, period_start=start, items__isnull=True
                ).values_list("pk", flat=True)
            )
            if empty:
                tpl_items = list(DutyTemplateItem.all_objects.filter(template=tpl))
                new = [
                    DutyItem(
                        organisation_id=org_id,
                        duty_list_id=lid,
                        template_item=ti,
                        text=(f"{ti.section}：{ti.text}" if ti.section else ti.text)[:200],
                        auto_check=ti.auto_check,
                        link=ti.link,
                        position=ti.position,
                    )
                    for lid in empty
                    for ti in tpl_items
                ]
                DutyItem.all_objects.bulk_create(new, ignore_conflicts=True, batch_size=2000)
                items += len(new)
    return {"lists": lists, "items": items}


def run_auto_checks(org_id: int, today: dt.date, now) -> int:
    from .checks import auto_check

    open_items = DutyItem.all_objects.filter(
        organisation_id=org_id,
        done_at__isnull=True,
        duty_list__period_start__lte=today,
        duty_list__period_end__gte=today,
    ).exclude(auto_check="")
    groups: dict = defaultdict(list)
    for pk, key, store_id, user_id, start, end in open_items.values_list(
        "pk",
        "auto_check",
        "duty_list__store_id",
        "duty_list__user_id",
        "duty_list__period_start",
        "duty_list__period_end",
    ):
        groups[(key, store_id, user_id, start, end)].append(pk)
    ticked = 0
    results: dict = {}
    with scope(organisation=org_id):
        for (key, store_id, user_id, start, end), ids in groups.items():
            check = auto_check(key)
            if check is None:
                continue
            memo = (key, store_id, start, end)
            if memo not in results:
                results[memo] = bool(
                    check.fn(
                        organisation_id=org_id,
                        store_id=store_id,
                        user_id=user_id,
                        period_start=start,
                        period_end=end,
                        today=today,
                    )
                )
            if results[memo]:
                ticked += DutyItem.all_objects.filter(pk__in=ids, done_at__isnull=True).update(
                    done_at=now, by_system=True, note=str(check.label)[:300]
                )
    return ticked


def duties(now) -> dict:
    today = _local_date(now)
    counts = {"lists": 0, "items": 0, "auto_ticked": 0}
    for org_id in _organisations():
        if not DutyTemplate.all_objects.filter(organisation_id=org_id, is_active=True).exists():
            continue
        made = generate_duty_lists(org_id, today)
        counts["lists"] += made["lists"]
        counts["items"] += made["items"]
        counts["auto_ticked"] += run_auto_checks(org_id, today, now)
    return counts
