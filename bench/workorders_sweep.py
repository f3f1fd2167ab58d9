"""Work-order sweep at scale, and the create-order API path.

* seeds BENCH_WO_ORDERS open orders (default 1,000,000 on PostgreSQL, 50,000 on SQLite) with one
  INSERT ... SELECT; about 1% of them are past their reply/contact due time, the rest not yet;
* times one set-based sweep over all of them (goal <= 2 s), then a second one (idempotent: 0);
* on 10,000 fresh overdue orders compares the set-based sweep with a per-row Python loop;
* times BENCH_WO_CREATES hotline intakes through the real API URL (orders/s, ms and SQL queries
  per create);
* records the machine's conditions (CPUs, memory, database version and settings).

Run: `python -m bench workorders_sweep` (DATABASE_URL=postgres://... for the real numbers).
"""

from __future__ import annotations

import datetime as dt
import os
import time

from django.db import connection, transaction
from django.utils import timezone


def _literal(value):
    if value is None:
        return "NULL"
    if isinstance(value, bool):
        return (
            "TRUE" if value else "FALSE" if connection.vendor == "postgresql" else str(int(value))
        )
    if isinstance(value, int | float):
        return str(value)
    return "'" + str(value).replace("'", "''") + "'"


def _seed_orders(org, customers, tech, n, *, start_id, overdue_every, now):
    """Insert n dispatched orders with ids start_id.. in one statement."""
    from shouhou.workorders.models import WorkOrder

    table = WorkOrder._meta.db_table
    pg = connection.vendor == "postgresql"
    c0, nc = customers[0], len(customers)
    adapt = connection.ops.adapt_datetimefield_value
    past = str(adapt(now - dt.timedelta(hours=1)))
    future = str(adapt(now + dt.timedelta(days=3)))
    disp = str(adapt(now - dt.timedelta(days=3)))
    i = "g" if pg else "value"
    due = f"CASE WHEN {i} % {overdue_every} = 0 THEN {_literal(past)} ELSE {_literal(future)} END"
    if pg:
        due = f"({due})::timestamptz"
    over = {
        "id": f"{i}",
        "organisation_id": str(org.pk),
        "number": f"'B' || {i}",
        "kind": "'repair'",
        "source": "'hotline'",
        "status": "'dispatched'",
        "customer_id": f"{c0} + ({i} % {nc})",
        "technician_id": str(tech.pk),
        "dispatch_seq": "1",
        "received_at": _literal(disp),
        "dispatched_at": _literal(disp),
        "reply_due_at": due,
        "contact_due_at": due,
        "created_at": _literal(disp),
        "updated_at": _literal(disp),
    }
    cols, exprs = [], []
    for f in WorkOrder._meta.concrete_fields:
        if f.generated:  # next_due_at: the database computes it
            continue
        cols.append(connection.ops.quote_name(f.column))
        if f.column in over:
            exprs.append(over[f.column])
        elif f.has_default():
            exprs.append(_literal(f.get_default()))
        else:
            exprs.append("NULL" if f.null else "''")
    end = start_id + n - 1
    if pg:
        src = f"FROM generate_series({start_id}, {end}) AS g"
        ts_fix = ""
    else:
        src = (
            f"FROM (WITH RECURSIVE s(value) AS (SELECT {start_id} UNION ALL "
            f"SELECT value + 1 FROM s WHERE value < {end}) SELECT value FROM s)"
        )
        ts_fix = ""
    sql = f"INSERT INTO {table} ({', '.join(cols)}) SELECT {', '.join(exprs)} {src}{ts_fix}"
    with connection.cursor() as cur:
        cur.execute(sql)
        if pg:
            cur.execute(
                f"SELECT setval(pg_get_serial_sequence('{table}', 'id'), (SELECT MAX(id) FROM {table}))"
            )
            cur.execute(f"ANALYZE {table}")


def _per_row_loop(now, ids):
    """What the sweep replaces: load each order, decide in Python, write it back."""
    from shouhou.workorders.models import MissedService, WorkOrder, WorkOrderSettings

    changed = 0
    for pk in ids:
        with transaction.atomic():
            o = WorkOrder.all_objects.select_for_update().get(pk=pk)
            s = WorkOrderSettings.objects.filter(organisation_id=o.organisation_id).first()
            if (
                not o.reply_missed
                and o.replied_at is None
                and o.reply_due_at
                and o.reply_due_at < now
            ):
                MissedService.all_objects.get_or_create(
                    order=o,
                    reason="no_reply",
                    cycle=o.dispatch_seq,
                    defaults={
                        "organisation_id": o.organisation_id,
                        "technician_id": o.technician_id,
                        "detected_at": now,
                        "deduction": s.missed_service_deduction if s else 0,
                    },
                )
                o.reply_missed = o.missed_service = True
                changed += 1
            if not o.contact_overdue and o.contacted_at is None and o.contact_due_at < now:
                o.contact_overdue = True
            o.save()
    return changed


def scene():
    """An organisation with a store, 2,000 customers and one technician with a valid permit."""
    from shouhou.customers.models import Customer
    from shouhou.org.models import Organisation, Store, User
    from shouhou.org.roles import ensure_roles
    from shouhou.staff.models import ServiceStaff, WorkPermit

    ensure_roles()
    org = Organisation.objects.create(name="压测", code="bench-wo", kind="market")
    store = Store.all_objects.create(organisation=org, name="压测店", code="b1")
    Customer.all_objects.bulk_create(
        [Customer(organisation=org, name=f"客户{i}", mobile=f"135{i:08d}") for i in range(2000)]
    )
    customers = list(
        Customer.all_objects.filter(organisation=org).order_by("pk").values_list("pk", flat=True)
    )
    tech_user = User.objects.create(username="bench-tech", organisation=org)
    tech = ServiceStaff.all_objects.create(
        organisation=org,
        user=tech_user,
        name="压测师傅",
        mobile="13700000000",
        kinds=["repair"],
        employer="mobile",
        status="active",
    )
    WorkPermit.all_objects.create(
        organisation=org,
        number="BENCH1",
        staff=tech,
        kinds=["repair"],
        issued_on=dt.date(2020, 1, 1),
        valid_until=dt.date(2099, 1, 1),
    )
    return org, store, customers, tech


def run() -> dict:
    from django.contrib.auth.models import Group

    from shouhou.org.models import User
    from shouhou.workorders.jobs import sweep
    from shouhou.workorders.models import WorkOrder

    pg = connection.vendor == "postgresql"
    n = int(os.environ.get("BENCH_WO_ORDERS", 1_000_000 if pg else 50_000))
    creates = int(os.environ.get("BENCH_WO_CREATES", 300))
    now = timezone.now()
    org, store, customers, tech = scene()
    out = {"orders": n, "load_average_at_start": [round(x, 2) for x in os.getloadavg()]}

    t = time.perf_counter()
    _seed_orders(org, customers, tech, n, start_id=10_000_000, overdue_every=100, now=now)
    out["seed_seconds"] = round(time.perf_counter() - t, 2)

    t = time.perf_counter()
    first = sweep(now, full=True)
    out["sweep_seconds"] = round(time.perf_counter() - t, 3)
    out["sweep_result"] = first
    t = time.perf_counter()
    second = sweep(now, full=True)
    out["second_sweep_seconds"] = round(time.perf_counter() - t, 3)
    out["second_sweep_changed"] = sum(second.values())

    # 10,000 fresh overdue orders: set-based vs per-row loop on the same rows
    k = 10_000
    _seed_orders(org, customers, tech, k, start_id=30_000_000, overdue_every=1, now=now)
    ids = list(WorkOrder.all_objects.filter(pk__gte=30_000_000).values_list("pk", flat=True))
    t = time.perf_counter()
    changed = _per_row_loop(now, ids)
    out["per_row_10k_seconds"] = round(time.perf_counter() - t, 3)
    out["per_row_10k_changed"] = changed
    _seed_orders(org, customers, tech, k, start_id=40_000_000, overdue_every=1, now=now)
    t = time.perf_counter()
    r = sweep(now, full=True)
    out["set_based_10k_seconds"] = round(time.perf_counter() - t, 3)
    out["set_based_10k_changed"] = r["missed_no_reply"]
    out["speedup_10k"] = round(
        out["per_row_10k_seconds"] / max(out["set_based_10k_seconds"], 1e-6), 1
    )

    # the create-order API path: a hotline call from a new customer, one request per order
    from django.test import Client
    from django.test.utils import CaptureQueriesContext

    desk = User.objects.create(username="bench-desk", organisation=org, store=store)
    desk.groups.add(Group.objects.get(name="service_desk"))
    client = Client()
    client.force_login(desk)

    def create(i):
        return client.post(
            "/api/v1/workorders/",
            {
                "source": "hotline",
                "kind": "repair",
                "description": "压测",
                "customer_data": {
                    "name": "李先生",
                    "mobile": f"136{i:08d}",
                    "district": "朝阳区",
                    "address_detail": f"压测路{i}号",
                },
            },
            content_type="application/json",
            headers={"Idempotency-Key": f"bench-{i}"},
        )

    # The first create of an organisation writes its default SLA policies and settings: a
    # warm-up call, then one counted call, then the timed ones.
    assert create(creates).status_code == 201
    connection.queries_log.clear()  # the log keeps 9,000 queries; count from empty
    with CaptureQueriesContext(connection) as ctx:
        assert create(creates + 1).status_code == 201
    out["api_queries_per_create"] = len(ctx.captured_queries)
    t = time.perf_counter()
    ok = sum(create(i).status_code == 201 for i in range(creates))
    secs = time.perf_counter() - t
    out["api_creates"] = ok
    out["api_orders_per_second"] = round(ok / secs, 1) if secs else None
    out["api_ms_per_create"] = round(secs / max(ok, 1) * 1000, 1)
    out["goal_sweep_le_2s"] = out["sweep_seconds"] <= 2.0
    out["machine"] = _machine()
    return out


def _machine() -> dict:
    """The conditions the numbers were taken in."""
    import platform

    info = {
        "cpus": os.cpu_count(),
        "load_average_1_5_15min": [round(x, 2) for x in os.getloadavg()],
        "python": platform.python_version(),
    }
    try:
        with open("/proc/meminfo") as fh:
            info["mem_gb"] = round(int(fh.readline().split()[1]) / 2**20, 1)
    except OSError:
        pass
    with connection.cursor() as cur:
        if connection.vendor == "postgresql":
            cur.execute("SELECT current_setting('server_version')")
            info["postgresql"] = cur.fetchone()[0]
            for name in ("shared_buffers", "synchronous_commit", "fsync", "work_mem"):
                cur.execute("SELECT current_setting(%s)", [name])
                info[name] = cur.fetchone()[0]
        else:
            cur.execute("SELECT sqlite_version()")
            info["sqlite"] = cur.fetchone()[0]
    return info
