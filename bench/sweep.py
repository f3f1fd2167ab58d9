"""The work-order sweep when its cost follows what changed (`python -m bench sweep --incremental`).

* seeds `--rows` open, dispatched orders (default 1,000,000 on PostgreSQL, 50,000 on SQLite), 1% of
  them already overdue, and runs the first (full) sweep, which flags those: the state of a busy
  desk, with overdue orders that stay open (and in the rules' scope) for days;
* makes 1,000 orders fall due one minute later (their reply and contact times), and times the
  next run, which reads only the rules' ranges since their marks (goal ≤ 50 ms at 1M);
* times a run with nothing new (the five-minutely run on a quiet desk) and a full recheck, which
  reads every unhandled overdue row in the scopes (goal ≤ 0.5 s at 1M).

Without `--incremental` the same numbers are printed for full runs only (what every run cost
before the marks).
"""

from __future__ import annotations

import datetime as dt
import os
import time

from django.db import connection
from django.utils import timezone

from .workorders_sweep import _machine, _seed_orders, scene


def _timed(fn, repeat: int) -> tuple[float, object]:
    best, result = None, None
    for _ in range(repeat):
        t = time.perf_counter()
        result = fn()
        secs = time.perf_counter() - t
        best = secs if best is None else min(best, secs)
    return round((best or 0) * 1000, 1), result


def run() -> dict:
    from shouhou.workorders.jobs import sweep
    from shouhou.workorders.models import WorkOrder

    pg = connection.vendor == "postgresql"
    n = int(os.environ.get("BENCH_ROWS", 1_000_000 if pg else 50_000))
    falling = min(1000, n // 10)
    incremental = os.environ.get("BENCH_INCREMENTAL") == "1"
    now = timezone.now()
    org, _store, customers, tech = scene()
    out: dict = {"orders": n, "incremental": incremental}

    t = time.perf_counter()
    _seed_orders(org, customers, tech, n, start_id=10_000_000, overdue_every=100, now=now)
    out["seed_seconds"] = round(time.perf_counter() - t, 2)
    out["seed_rows_per_second"] = round(n / max(time.perf_counter() - t, 1e-6))
    t = time.perf_counter()
    first = sweep(now, full=True)
    out["first_full_sweep_ms"] = round((time.perf_counter() - t) * 1000, 1)
    out["first_full_sweep_flagged"] = first["missed_no_reply"]

    # 1,000 of the not-yet-due orders fall due one minute from now.
    ids = list(
        WorkOrder.all_objects.filter(pk__gte=10_000_000, reply_missed=False)
        .order_by("pk")
        .values_list("pk", flat=True)[:falling]
    )
    due = now + dt.timedelta(minutes=1)
    WorkOrder.all_objects.filter(pk__in=ids).update(reply_due_at=due, contact_due_at=due)
    if pg:
        with connection.cursor() as cur:
            cur.execute(f"ANALYZE {WorkOrder._meta.db_table}")
    later = now + dt.timedelta(minutes=2)
    full = not incremental
    ms, result = _timed(lambda: sweep(later, full=full), 1)
    out["run_with_1000_fallen_due_ms"] = ms
    out["run_with_1000_fallen_due_flagged"] = result["missed_no_reply"]
    ms, _r = _timed(lambda: sweep(later + dt.timedelta(minutes=5), full=full), 3)
    out["run_with_nothing_new_ms"] = ms
    ms, _r = _timed(lambda: sweep(later + dt.timedelta(minutes=10), full=True), 3)
    out["full_recheck_ms"] = ms
    if incremental:
        out["goal_fallen_due_le_50ms"] = out["run_with_1000_fallen_due_ms"] <= 50
        out["goal_full_recheck_le_500ms"] = out["full_recheck_ms"] <= 500
    out["machine"] = _machine()
    return out
