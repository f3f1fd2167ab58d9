"""Maintenance plans at scale: the job that writes the due visits.

Seeds BENCH_PLANS active plans (default 100,000) for one organisation with bulk_create, their
next visits spread over the coming 120 days, so that every run finds about 4% of them due;
then times:

* `generate_visits` with the lead time covering *every* plan (the worst case: 100,000 visits in
  one INSERT … SELECT … ON CONFLICT DO NOTHING; goal ≤ 2 s) and its rerun (creates nothing);
* the normal run's window (five working days ahead);
* issuing BENCH_PLAN_ORDERS work orders through `workorder_intake` (the per-visit part of the
  job, bounded by `orders_per_run` a run), as orders per second.

Run: `python -m bench plans` (DATABASE_URL=postgres://... for the real numbers).
"""

from __future__ import annotations

import datetime as dt
import os
import time
from zoneinfo import ZoneInfo

SH = ZoneInfo("Asia/Shanghai")
BATCH = 10_000


def run() -> dict:
    from django.contrib.auth.models import Group

    from shouhou.customers.models import Customer
    from shouhou.maintenance import jobs
    from shouhou.maintenance.models import Asset, MaintenanceSettings, Plan, Visit
    from shouhou.org.models import Organisation, Store, User
    from shouhou.org.roles import CS_SUPERVISOR
    from shouhou.workdays.services import calendar_for

    n = int(os.environ.get("BENCH_PLANS", 100_000))
    n_orders = int(os.environ.get("BENCH_PLAN_ORDERS", 50))
    org = Organisation.objects.create(name="保养基准", code="bench-plans")
    store = Store.objects.create(organisation=org, name="一店", code="s1")
    owner = User.objects.create(username="bench-plans-owner", organisation=org, store=store)
    owner.groups.add(Group.objects.get_or_create(name=CS_SUPERVISOR)[0])
    cal = calendar_for(org)
    cfg = MaintenanceSettings.for_org(org)
    customers = Customer.all_objects.bulk_create(
        [
            Customer(organisation=org, store=store, name=f"客户{i}", mobile=f"139{i:08d}")
            for i in range(1000)
        ]
    )
    today = dt.date(2026, 9, 1)
    now = dt.datetime(2026, 9, 1, 7, 0, tzinfo=SH)
    t0 = time.perf_counter()
    for lo in range(0, n, BATCH):
        hi = min(n, lo + BATCH)
        assets = Asset.all_objects.bulk_create(
            [
                Asset(
                    organisation=org,
                    name="中央空调",
                    customer=customers[i % len(customers)],
                    serial_no=f"B{i:07d}",
                    accepted_on=dt.date(2025, 9, 1),
                    warranty_until=dt.date(2027, 8, 31),
                )
                for i in range(lo, hi)
            ],
            batch_size=5000,
        )
        Plan.all_objects.bulk_create(
            [
                Plan(
                    organisation=org,
                    asset=a,
                    tasks=["检查", "清洗"],
                    interval_months=6,
                    starts_on=dt.date(2025, 9, 1),
                    ends_on=dt.date(2027, 8, 31),
                    next_due_on=today + dt.timedelta(days=(lo + k) % 120),
                    owner=owner,
                )
                for k, a in enumerate(assets)
            ],
            batch_size=5000,
        )
    seeded = time.perf_counter() - t0

    window = {None: cal.add_working_days(today, cfg.lead_working_days)}
    t1 = time.perf_counter()
    normal = jobs.generate_visits(org.pk, window, now)
    t2 = time.perf_counter()
    everything = {None: today + dt.timedelta(days=200)}
    worst = jobs.generate_visits(org.pk, everything, now)
    t3 = time.perf_counter()
    rerun = jobs.generate_visits(org.pk, everything, now)
    t4 = time.perf_counter()
    # Leave n_orders visits to issue (the rest are marked done so the cap is what is timed).
    keep = list(
        Visit.all_objects.filter(organisation=org)
        .order_by("due_on", "id")
        .values_list("pk", flat=True)[:n_orders]
    )
    Visit.all_objects.filter(organisation=org).exclude(pk__in=keep).update(status="done")
    t5 = time.perf_counter()
    issued = jobs.issue_orders(org.pk, everything, cfg, now)
    t6 = time.perf_counter()
    return {
        "plans": n,
        "seed_seconds": round(seeded, 1),
        "normal_window_visits": normal,
        "normal_window_seconds": round(t2 - t1, 3),
        "all_due_visits": worst + normal,
        "all_due_seconds": round(t3 - t2, 3),
        "rerun_created": rerun,
        "rerun_seconds": round(t4 - t3, 3),
        "goal_seconds": 2.0,
        "orders_issued": issued,
        "orders_per_second": round(issued["orders"] / (t6 - t5), 1) if t6 > t5 else None,
    }
