"""Technician performance (考核) at scale: compute a month, close it.

* seeds BENCH_PERF_TECHS technicians (default 2,000) in BENCH_PERF_STORES stores and
  BENCH_PERF_ORDERS visited work orders (default 1,000,000 on PostgreSQL, 30,000 on SQLite)
  spread over BENCH_PERF_MONTHS months (default 12) with INSERT ... SELECT generate_series: ~2 %
  contacted late, ~2.5 % on site late, ~1.5 % missed services (with their records), 1 % cancelled,
  0.5 % "no bonus"; callback records for 60 % of the orders (some dissatisfied, some "not on
  time"), complaint cases for ~2 % (half of them our workmanship), a few excluded;
* times computing the most recent month (the ranking's query + scoring of every technician),
  BENCH_PERF_RUNS times (min / median), and the department figures per store;
* times the month-end job closing that month (INSERT ... SELECT of the orders' facts, then the
  technicians' rows), reading the closed month back, and a second run of the job (idempotent: 0).

Run: `python -m bench performance_month` (DATABASE_URL=postgres://... for the real numbers).
"""

from __future__ import annotations

import datetime as dt
import os
import statistics
import time
from zoneinfo import ZoneInfo

from django.db import connection
from django.utils import timezone

SH = ZoneInfo("Asia/Shanghai")


def _pg() -> bool:
    return connection.vendor == "postgresql"


def _literal(value):
    if value is None:
        return "NULL"
    if isinstance(value, bool):
        return ("TRUE" if value else "FALSE") if _pg() else str(int(value))
    if isinstance(value, int | float):
        return str(value)
    if isinstance(value, dict | list):
        import json

        return "'" + json.dumps(value).replace("'", "''") + "'"
    return "'" + str(value).replace("'", "''") + "'"


def _ts(base: dt.datetime, seconds_expr: str) -> str:
    """SQL for `base + seconds_expr seconds` as the database stores an aware datetime."""
    stamp = base.astimezone(dt.UTC)
    if _pg():
        return (
            f"(TIMESTAMPTZ '{stamp:%Y-%m-%d %H:%M:%S}+00' + ({seconds_expr}) * INTERVAL '1 second')"
        )
    return f"datetime('{stamp:%Y-%m-%d %H:%M:%S}', CAST(({seconds_expr}) AS TEXT) || ' seconds')"


def _series(first: int, last: int) -> str:
    if _pg():
        return f"FROM generate_series({first}::bigint, {last}::bigint) AS s(g)"
    return (
        f"FROM (WITH RECURSIVE s(g) AS (SELECT {first} UNION ALL SELECT g + 1 FROM s "
        f"WHERE g < {last}) SELECT g FROM s) AS s"
    )


def _insert_select(model, over: dict, source: str) -> None:
    """INSERT INTO model's table: `over` gives SQL per column, other columns their default."""
    cols, exprs = [], []
    for f in model._meta.concrete_fields:
        if (f.column == "id" and "id" not in over) or f.generated:
            continue
        cols.append(connection.ops.quote_name(f.column))
        if f.column in over:
            exprs.append(over[f.column])
        elif f.has_default():
            exprs.append(_literal(f.get_default()))
        else:
            exprs.append("NULL" if f.null else "''")
    sql = (
        f"INSERT INTO {connection.ops.quote_name(model._meta.db_table)} ({', '.join(cols)}) "
        f"SELECT {', '.join(exprs)} {source}"
    )
    with connection.cursor() as cur:
        cur.execute(sql)


def _analyze(*models) -> None:
    if not _pg():
        with connection.cursor() as cur:
            cur.execute("ANALYZE")
        return
    with connection.cursor() as cur:
        for m in models:
            cur.execute(f"ANALYZE {connection.ops.quote_name(m._meta.db_table)}")


def _seed(org, stores, techs, customers, n_orders, months, first_month, now) -> dict:
    from shouhou.callbacks.models import CallbackRecord
    from shouhou.complaints.models import Case
    from shouhou.workorders.models import MissedService, WorkOrder

    pg = _pg()
    t0, nt = techs[0], len(techs)
    s0, ns = stores[0], len(stores)
    c0, nc = customers[0], len(customers)
    month_start = dt.datetime(first_month.year, first_month.month, 1, tzinfo=SH)
    # Orders arrive over time: the ids of a month are consecutive (month m = the m-th block of
    # n_orders / months ids), as they are when orders are created day after day.
    starts = []
    for i in range(months):
        y, m = divmod(first_month.month - 1 + i, 12)
        starts.append(
            int(
                (
                    dt.datetime(first_month.year + y, m + 1, 1, tzinfo=SH) - month_start
                ).total_seconds()
            )
        )
    per_month = -(-n_orders // months)
    first_id = 50_000_000
    idx = f"((g - {first_id}) / {per_month})"
    case_start = (
        "CASE " + " ".join(f"WHEN {idx} = {i} THEN {s}" for i, s in enumerate(starts)) + " END"
        if months > 1
        else "0"
    )
    # arrival: inside the month's first 28 days, spread over the day
    offset = f"(({case_start}) + ((g * 7919) % (28 * 86400)))"
    arrived = _ts(month_start, offset)

    def at(delta_seconds: str) -> str:
        return _ts(month_start, f"{offset} + ({delta_seconds})")

    last_id = first_id + n_orders - 1
    # the technician is g % nt; `mix` varies a technician's orders' facts from round to round
    mix = f"(g + (g / {nt}) * 7)"
    over = {
        "id": "g",
        "organisation_id": str(org.pk),
        "number": "'P' || CAST(g AS TEXT)" if pg else "'P' || g",
        "kind": "'repair'",
        "source": "'hotline'",
        "status": f"CASE WHEN {mix} % 100 = 99 THEN 'cancelled' ELSE 'closed' END",
        "customer_id": f"{c0} + (g % {nc})",
        "store_id": f"{s0} + (g % {ns})",
        "technician_id": f"{t0} + (g % {nt})",
        "dispatch_seq": "1",
        "received_at": at("-86400"),
        "dispatched_at": at("-80000"),
        "contact_due_at": at("-7200"),
        "contacted_at": f"CASE WHEN {mix} % 50 = 0 THEN "
        + at("-3600")
        + " ELSE "
        + at("-36000")
        + " END",
        "onsite_due_at": f"CASE WHEN {mix} % 40 = 0 THEN "
        + at("-3600")
        + " ELSE "
        + at("14400")
        + " END",
        "arrived_at": arrived,
        "completed_at": at("7200"),
        "closed_at": at("9000"),
        "missed_service": "(g % 67 = 0)",
        "no_bonus": f"({mix} % 200 = 7)",
        "created_at": at("-86400"),
        "updated_at": at("9000"),
    }
    t = time.perf_counter()
    _insert_select(WorkOrder, over, _series(first_id, last_id))
    orders_seconds = time.perf_counter() - t
    if pg:
        with connection.cursor() as cur:
            cur.execute(
                "SELECT setval(pg_get_serial_sequence('workorders_workorder', 'id'), "
                "(SELECT MAX(id) FROM workorders_workorder))"
            )
    wo = connection.ops.quote_name(WorkOrder._meta.db_table)
    t = time.perf_counter()
    # missed services (遗漏服务) with their records, for the orders flagged
    _insert_select(
        MissedService,
        {
            "organisation_id": "w.organisation_id",
            "order_id": "w.id",
            "technician_id": "w.technician_id",
            "reason": "'no_reply'",
            "cycle": "1",
            "detected_at": "w.received_at",
            "created_at": "w.received_at",
            "updated_at": "w.received_at",
        },
        f"FROM {wo} w WHERE w.organisation_id = {org.pk} AND w.missed_service",
    )
    # callback records for 60 % of the orders
    cb_at = "w.completed_at" if not pg else "w.completed_at + INTERVAL '1 day'"
    _insert_select(
        CallbackRecord,
        {
            "organisation_id": "w.organisation_id",
            "customer_id": "w.customer_id",
            "work_order_id": "w.id",
            "technician_id": "w.technician_id",
            "store_id": "w.store_id",
            "channel": "'phone'",
            "called_at": cb_at,
            "satisfaction": "CASE WHEN w.id % 37 = 0 THEN 2 WHEN w.id % 11 = 0 THEN NULL ELSE 5 END",
            "on_time": "(w.id % 53 <> 0)",
            "technician_came": _literal(True),
            "problem_solved": _literal(True),
            "created_at": cb_at,
            "updated_at": cb_at,
        },
        f"FROM {wo} w WHERE w.organisation_id = {org.pk} AND (w.id + w.id / {nt}) % 5 < 3",
    )
    # complaint cases for ~2 % of the orders, half of them our workmanship
    _insert_select(
        Case,
        {
            "organisation_id": "w.organisation_id",
            "number": "'C' || CAST(w.id AS TEXT)",
            "kind": "'complaint'",
            "status": "'done'",
            "customer_id": "w.customer_id",
            "store_id": "w.store_id",
            "work_order_id": "w.id",
            "description": "'压测投诉'",
            "responsibility": "CASE WHEN (w.id / 47) % 2 = 0 THEN 'workmanship' ELSE 'supplier' END",
            "created_at": "w.completed_at",
            "updated_at": "w.completed_at",
        },
        f"FROM {wo} w WHERE w.organisation_id = {org.pk} AND w.id % 47 = 0",
    )
    facts_seconds = time.perf_counter() - t
    _analyze(WorkOrder, MissedService, CallbackRecord, Case)
    return {
        "seed_orders_seconds": round(orders_seconds, 2),
        "seed_facts_seconds": round(facts_seconds, 2),
        "callback_records": CallbackRecord.all_objects.filter(organisation=org).count(),
        "complaint_cases": Case.all_objects.filter(organisation=org).count(),
        "missed_service_records": MissedService.all_objects.filter(organisation=org).count(),
    }


def _timed(fn, runs: int) -> tuple[list[float], object]:
    times, result = [], None
    for _ in range(runs):
        t = time.perf_counter()
        result = fn()
        times.append(time.perf_counter() - t)
    return times, result


def build() -> dict:
    """Create the organisation, stores, technicians, customers and the seeded orders."""
    from django.contrib.auth.models import Group

    from shouhou.customers.models import Customer
    from shouhou.org.models import Organisation, Store, User
    from shouhou.org.roles import ensure_roles
    from shouhou.performance import figures, services
    from shouhou.staff.models import ServiceStaff, WorkPermit

    pg = _pg()
    n_orders = int(os.environ.get("BENCH_PERF_ORDERS", 1_000_000 if pg else 30_000))
    n_techs = int(os.environ.get("BENCH_PERF_TECHS", 2000 if pg else 200))
    n_stores = int(os.environ.get("BENCH_PERF_STORES", 20))
    months = int(os.environ.get("BENCH_PERF_MONTHS", 12))
    runs = int(os.environ.get("BENCH_PERF_RUNS", 5))
    now = timezone.now()
    this_month = timezone.localdate().replace(day=1)
    last_month = figures.add_months(this_month, -1)
    first_month = figures.add_months(last_month, -(months - 1))

    ensure_roles()
    org = Organisation.objects.create(name="压测考核", code="bench-perf", kind="brand")
    stores = [
        Store.all_objects.create(organisation=org, name=f"门店{i}", code=f"p{i}").pk
        for i in range(n_stores)
    ]
    Customer.all_objects.bulk_create(
        [Customer(organisation=org, name=f"客户{i}", mobile=f"135{i:08d}") for i in range(2000)]
    )
    customers = list(
        Customer.all_objects.filter(organisation=org).order_by("pk").values_list("pk", flat=True)
    )
    ServiceStaff.all_objects.bulk_create(
        [
            ServiceStaff(
                organisation=org,
                name=f"师傅{i:04d}",
                mobile=f"137{i:08d}",
                kinds=["repair"],
                employer="mobile",
                status="active",
                store_id=stores[i % n_stores],
            )
            for i in range(n_techs)
        ],
        batch_size=1000,
    )
    techs = list(
        ServiceStaff.all_objects.filter(organisation=org)
        .order_by("pk")
        .values_list("pk", flat=True)
    )
    WorkPermit.all_objects.bulk_create(
        [
            WorkPermit(
                organisation=org,
                number=f"SG{i:06d}",
                staff_id=pk,
                kinds=["repair"],
                issued_on=dt.date(2020, 1, 1),
                valid_until=dt.date(2099, 1, 1),
            )
            for i, pk in enumerate(techs)
        ],
        batch_size=1000,
    )
    if techs != list(range(techs[0], techs[0] + len(techs))) or stores != list(
        range(stores[0], stores[0] + len(stores))
    ):
        raise RuntimeError("technician and store ids must be consecutive for the seed")
    manager = User.objects.create(username="bench-perf-manager", organisation=org)
    manager.groups.add(Group.objects.get(name="cs_manager"))
    services.ensure_defaults(org)

    out = {
        "orders": n_orders,
        "technicians": n_techs,
        "stores": n_stores,
        "months_of_data": months,
        "month_computed": f"{last_month:%Y-%m}",
        "load_average_at_start": [round(x, 2) for x in os.getloadavg()],
    }
    out.update(_seed(org, stores, techs, customers, n_orders, months, first_month, now))
    return {
        "org": org,
        "manager": manager,
        "out": out,
        "now": now,
        "runs": runs,
        "last_month": last_month,
    }


def run() -> dict:
    from shouhou.performance import figures, jobs, selectors, services
    from shouhou.performance.models import MonthOrder, TechnicianMonth

    ctx = build()
    org, manager, out, now = ctx["org"], ctx["manager"], ctx["out"], ctx["now"]
    runs, last_month = ctx["runs"], ctx["last_month"]
    pg = _pg()

    # a few exclusions (a manager's decisions) so the NOT EXISTS paths are exercised
    from shouhou.complaints.models import Case
    from shouhou.performance.models import Exclusion

    start, end = figures.month_bounds(last_month)
    for case in Case.all_objects.filter(
        organisation=org, work_order__arrived_at__gte=start, work_order__arrived_at__lt=end
    ).select_related("work_order")[:20]:
        Exclusion.all_objects.create(
            organisation=org,
            kind="complaint",
            case=case,
            work_order=case.work_order,
            technician_id=case.work_order.technician_id,
            month=last_month,
            category="malicious",
            reason="压测：恶意投诉",
            created_by=manager,
        )

    def month_ranking():
        return selectors.month_view(user=manager, month=last_month)

    times, view = _timed(month_ranking, runs)
    out["month_live_runs_seconds"] = [round(x, 3) for x in times]
    out["month_live_min_seconds"] = round(min(times), 3)
    out["month_live_median_seconds"] = round(statistics.median(times), 3)
    out["month_technicians_ranked"] = len(view.rows)
    out["month_base_orders"] = sum(r.base for r in view.rows)
    out["month_total_min_max"] = (
        [str(min(r.total for r in view.rows)), str(max(r.total for r in view.rows))]
        if view.rows
        else []
    )

    # the aggregate query alone (no scoring), to show where the time goes
    facts = figures.live_facts(
        organisation_id=org.pk, month=last_month, satisfied_from=services.satisfied_from(org)
    )
    times, _r = _timed(lambda: figures.technician_counts(facts), runs)
    out["aggregate_query_median_seconds"] = round(statistics.median(times), 3)

    times, dept = _timed(lambda: selectors.department(user=manager, month=last_month), runs)
    out["department_live_median_seconds"] = round(statistics.median(times), 3)
    out["department_on_time_pct"] = str(dept["total"]["on_time_pct"])
    out["department_satisfaction_pct"] = str(dept["total"]["satisfaction_pct"])
    out["department_service_complaints_pct"] = str(dept["total"]["service_complaints_pct"])

    if pg:
        from django.db import transaction

        with transaction.atomic(), connection.cursor() as cur:
            cur.execute("SET LOCAL jit = off")  # as figures._fetch does
            sql = figures._sum_sql(facts.sql, "technician_id", " WHERE f.in_base = 1")
            cur.execute("EXPLAIN (ANALYZE, BUFFERS) " + sql, facts.params)
            plan = [row[0] for row in cur.fetchall()]
        out["plan"] = plan

    # the month-end job: closes every month of the data (the last one timed on its own first)
    t = time.perf_counter()
    mc = services.month_close_by_job(org.pk, last_month, now=now)
    out["close_one_month_seconds"] = round(time.perf_counter() - t, 3)
    out["close_frozen_orders"] = MonthOrder.all_objects.filter(
        organisation=org, month=last_month
    ).count()
    out["close_frozen_technicians"] = TechnicianMonth.all_objects.filter(month_close=mc).count()
    times, closed_view = _timed(month_ranking, runs)
    out["month_closed_read_median_seconds"] = round(statistics.median(times), 3)
    out["closed_equals_live"] = [
        (r.technician_id, r.total, r.bonus_base) for r in closed_view.rows
    ] == [(r.technician_id, r.total, r.bonus_base) for r in view.rows]
    t = time.perf_counter()
    first = jobs.close_months(now)
    out["job_other_months_seconds"] = round(time.perf_counter() - t, 2)
    out["job_result"] = first
    t = time.perf_counter()
    second = jobs.close_months(now)
    out["job_second_run_seconds"] = round(time.perf_counter() - t, 3)
    out["job_second_run_months_closed"] = second["months_closed"]
    out["goal_month_le_1s"] = out["month_live_median_seconds"] <= 1.0
    from bench.workorders_sweep import _machine

    out["machine"] = _machine()
    return out
