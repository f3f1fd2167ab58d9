"""Demo maintenance data in every organisation (called by `manage.py seed_demo`; idempotent):
the seeds' service steps and duty checklists, four maintained assets with plans (two due this
week, one overdue, one visit skipped), the day's checklists with a supervisor's half done."""

from __future__ import annotations

import datetime as dt

from django.utils import timezone
from django_scopes import scope

from shouhou.core.dates import add_months
from shouhou.org import roles as r

from . import jobs, services
from .models import Asset, DutyItem, DutyList, Plan, ServiceStepRule, Visit

ASSETS = [
    (
        "project",
        "中央空调机组",
        "幸福小区3号楼地下设备房",
        ["检查压缩机运行", "清洗过滤网", "检查冷媒压力"],
    ),
    ("product", "燃气热水器", "客户家厨房", ["检查燃气管路密封", "清理燃烧室", "测试熄火保护"]),
    ("product", "智能马桶", "客户家主卫", ["检查进水阀", "清洗喷嘴", "检查电气安全"]),
    ("project", "地暖系统", "锦绣花园12栋", ["检查分水器", "冲洗管路", "检查温控器"]),
]
OWNER_ROLES = (r.CS_SUPERVISOR, r.CS_MANAGER, r.SERVICE_DESK, r.STORE_MANAGER)


def _values(x):
    if x is None:
        return []
    items = list(x.values()) if isinstance(x, dict) else list(x)
    flat = []
    for item in items:
        flat.extend(item if isinstance(item, list | tuple) else [item])
    return flat


def seed(ctx):
    from shouhou.customers.models import Customer
    from shouhou.org.models import Department, User
    from shouhou.staff.models import ServiceStaff
    from shouhou.workdays.services import calendar_for
    from shouhou.workorders.checklist import STEP_CODES

    now = timezone.now()
    today = timezone.localdate(now)
    for org in _values(getattr(ctx, "orgs", None)):
        ServiceStepRule.all_objects.bulk_create(
            [
                ServiceStepRule(
                    organisation=org,
                    work_kind="",
                    step=code,
                    required=code in services.DEFAULT_REQUIRED_STEPS,
                    position=i,
                )
                for i, code in enumerate(STEP_CODES)
            ],
            ignore_conflicts=True,
        )
        with scope(organisation=org.pk):
            services.duty_templates_install_defaults(organisation=org)
        owner = (
            User.objects.filter(organisation=org, groups__name__in=OWNER_ROLES)
            .order_by("pk")
            .first()
        )
        customers = list(Customer.all_objects.filter(organisation=org).order_by("pk")[:4])
        techs = list(
            ServiceStaff.all_objects.filter(
                organisation=org, status=ServiceStaff.Status.ACTIVE, user__isnull=False
            ).order_by("pk")
        )
        team = (
            Department.all_objects.filter(organisation=org, kind__in=("after_sales", "technical"))
            .order_by("pk")
            .first()
        )
        if owner is None or not customers or not (techs or team):
            continue
        cal = calendar_for(org.pk)
        week_start = today - dt.timedelta(days=today.weekday())
        # next due: two this week, one a week overdue, one in two months.
        dues = [
            cal.working_day_on_or_after(max(today, week_start + dt.timedelta(days=3))),
            cal.working_day_on_or_after(today + dt.timedelta(days=1)),
            cal.add_working_days(today, -5),
            add_months(today, 2),
        ]
        for i, (kind, name, location, tasks) in enumerate(ASSETS):
            serial = f"DEMO-{org.code}-{i + 1:03d}"
            accepted = add_months(today, -18 + i)
            asset, _ = Asset.all_objects.get_or_create(
                organisation=org,
                serial_no=serial,
                defaults={
                    "kind": kind,
                    "name": name,
                    "customer": customers[i % len(customers)],
                    "location": location,
                    "installed_on": accepted - dt.timedelta(days=7),
                    "accepted_on": accepted,
                    "warranty_until": add_months(accepted, 24) - dt.timedelta(days=1),
                    "store": customers[i % len(customers)].store,
                },
            )
            if Plan.all_objects.filter(asset=asset).exists():
                continue
            tech = techs[i % len(techs)] if techs and (i % 2 == 0 or team is None) else None
            plan = Plan.all_objects.create(
                organisation=org,
                asset=asset,
                kind=Plan.Kind.WARRANTY,
                tasks=tasks,
                interval_months=6,
                starts_on=accepted,
                ends_on=asset.warranty_until,
                next_due_on=dues[i],
                technician=tech,
                team=None if tech else team,
                owner=owner,
            )
            if i == 1:  # an earlier visit the customer declined
                Visit.all_objects.get_or_create(
                    organisation=org,
                    plan=plan,
                    due_on=cal.working_day_on_or_after(add_months(dues[i], -6)),
                    defaults={"status": Visit.Status.SKIPPED, "skipped_reason": "客户外出，改期"},
                )
            if i == 2:  # the overdue visit is on the list, its order not issued yet
                Visit.all_objects.get_or_create(organisation=org, plan=plan, due_on=dues[i])
        jobs.generate_visits(org.pk, {None: cal.add_working_days(today, 5)}, now)
        cfg = services.settings_for(org.pk)
        jobs.issue_orders(org.pk, {None: cal.add_working_days(today, 5)}, cfg, now)
        jobs.generate_duty_lists(org.pk, today)
        # A supervisor's daily checklist half done.
        sup = (
            DutyList.all_objects.filter(
                organisation=org,
                template__role=r.CS_SUPERVISOR,
                template__period="daily",
                period_start=today,
            )  # fmt: skip
            .order_by("pk")
            .first()
        )
        if sup is not None and not sup.items.filter(done_at__isnull=False).exists():
            items = list(sup.items.order_by("position"))
            for item in items[: len(items) // 2]:
                DutyItem.all_objects.filter(pk=item.pk).update(
                    done_at=now - dt.timedelta(hours=1), done_by=sup.user, note="已完成"
                )
