"""The daily callback job (greetings and the after-service safety net) at scale.

Seeds BENCH_CBD_CUSTOMERS customers (default 500,000 on PostgreSQL, 30,000 on SQLite), half of
them members with a mobile, birthdays spread over the year; then runs `callbacks.jobs.daily` on
2026-09-22, three days before Mid-Autumn (中秋节, 2026-09-25 in the bundled calendar), so the
window holds one holiday greeting for every member and the birthdays of four days. Times the
first run (writes) and the second (finds nothing new), and checks the counts.

Run: `python -m bench callbacks_daily` (DATABASE_URL=postgres://... for the real numbers).
"""

from __future__ import annotations

import datetime as dt
import os
import time
from zoneinfo import ZoneInfo

SH = ZoneInfo("Asia/Shanghai")
BATCH = 20_000


def run() -> dict:
    from django.db import connection

    from shouhou.callbacks.jobs import daily
    from shouhou.callbacks.models import CallbackTask
    from shouhou.callbacks.services import settings_for
    from shouhou.customers.models import Customer
    from shouhou.org.models import Organisation, Store
    from shouhou.workdays.services import calendar_for

    pg = connection.vendor == "postgresql"
    n = int(os.environ.get("BENCH_CBD_CUSTOMERS", 500_000 if pg else 30_000))
    org = Organisation.objects.create(name="回访基准", code="bench-cbd")
    store = Store.objects.create(organisation=org, name="一店", code="s1")
    calendar_for(org)
    settings_for(org)
    start = time.perf_counter()
    base = dt.date(1980, 1, 1)
    for lo in range(0, n, BATCH):
        Customer.all_objects.bulk_create(
            [
                Customer(
                    organisation=org,
                    store=store,
                    name=f"客户{i}",
                    mobile=f"139{i:08d}",
                    is_member=i % 2 == 0,
                    birthday=base + dt.timedelta(days=(i * 7) % 366),
                )
                for i in range(lo, min(n, lo + BATCH))
            ],
            batch_size=5000,
        )
    seeded = time.perf_counter() - start
    now = dt.datetime(2026, 9, 22, 2, 0, tzinfo=SH)
    t0 = time.perf_counter()
    first = daily(now)
    t1 = time.perf_counter()
    second = daily(now)
    t2 = time.perf_counter()
    members = n // 2 + n % 2
    return {
        "customers": n,
        "seed_seconds": round(seeded, 1),
        "first_run_seconds": round(t1 - t0, 3),
        "second_run_seconds": round(t2 - t1, 3),
        "first_run": first,
        "second_run": second,
        "holiday_greetings_expected": members,
        "tasks": CallbackTask.all_objects.filter(organisation=org).count(),
    }
