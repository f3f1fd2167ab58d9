"""Work-order lists at scale through the real URLs.

Seeds BENCH_ROWS work orders (``--rows``, default 100,000) with ``bulk_create`` (rows/s is
printed; goal >= 10,000), spread over 20 technicians, 3 stores, 5 merchants and 5,000 customers,
a third of them unresolved. Then times BENCH_N requests (default 100) per case, BENCH_REPEAT
rounds (default 3):

* ``default``: GET /api/v1/workorders/ (first page, default sort);
* ``unresolved``: ?status=unresolved;
* ``technician_queue``: one technician's own list (logged in as the technician);
* ``deep_page_500``: the 500th page (by following ``next`` links, the way a client pages);
* ``html_default``: the HTML list page /workorders/;
* ``due_sorted``: ?sort=due (the next due time first, index ``wo_list_due``);
* ``due_overdue``: ?due=overdue (default order);
* ``due_deep_page_500``: the 500th page of ?sort=due, by following ``next``;
* ``html_due``: the HTML list /workorders/?due=overdue&sort=due (due column, badges, saved
  filters);
* ``customers``: GET /api/v1/customers/.

Each case prints p50/p95/p99 over all rounds, the spread of the per-round p95, and the SQL
queries of one request. Run: ``python -m bench lists --rows 100000``.
"""

from __future__ import annotations

import datetime as dt
import os
import random
import time
from urllib.parse import parse_qs, urlencode, urlsplit

from ._timing import percentiles, queries_of, timed


def _seed(rows: int) -> dict:
    from django.contrib.auth.models import Group
    from django.db import connection
    from django.utils import timezone

    from shouhou.customers.models import Customer
    from shouhou.org.models import Merchant, Organisation, Store, User
    from shouhou.org.roles import ensure_roles
    from shouhou.staff.models import ServiceStaff
    from shouhou.workorders import states

    rnd = random.Random(15)
    ensure_roles()
    org = Organisation.objects.create(name="压测列表", code="bench-lists", kind="market")
    stores = Store.all_objects.bulk_create(
        [Store(organisation=org, name=f"店{i}", code=f"s{i}") for i in range(3)]
    )
    merchants = Merchant.all_objects.bulk_create(
        [Merchant(organisation=org, name=f"商户{i}") for i in range(5)]
    )
    customers = Customer.all_objects.bulk_create(
        [
            Customer(organisation=org, name=f"客户{i}", mobile=f"135{i:08d}", store=stores[i % 3])
            for i in range(5000)
        ],
        batch_size=2000,
    )
    techs = []
    for i in range(20):
        u = User.objects.create(username=f"bench-tech-{i}", organisation=org)
        u.groups.add(Group.objects.get(name="technician"))
        techs.append(
            ServiceStaff.all_objects.create(
                organisation=org,
                user=u,
                name=f"师傅{i}",
                mobile=f"137{i:08d}",
                kinds=["repair"],
                employer="mobile",
                status="active",
            )
        )
    unresolved = sorted(states.UNRESOLVED_STATES)
    resolved = [s for s, _ in states.STATUS_CHOICES if s not in states.UNRESOLVED_STATES]
    now = timezone.now()
    year = 365 * 24 * 3600
    t0 = time.perf_counter()
    made = _insert_orders(
        _order_row(
            i, rnd, org, stores, merchants, customers, techs, unresolved, resolved, now, year
        )
        for i in range(rows)
    )
    secs = time.perf_counter() - t0
    if connection.vendor == "postgresql":
        with connection.cursor() as cur:
            cur.execute("ANALYZE")
    desk = User.objects.create(username="bench-lists-desk", organisation=org, store=stores[0])
    desk.groups.add(Group.objects.get(name="service_desk"))
    return {
        "org": org,
        "desk": desk,
        "tech_user": techs[0].user,
        "seed": {
            "orders": made,
            "seconds": round(secs, 2),
            "rows_per_second": round(made / secs),
        },
    }


def _order_row(i, rnd, org, stores, merchants, customers, techs, unresolved, resolved, now, year):

    from shouhou.workorders import states

    status = rnd.choice(unresolved) if i % 3 == 0 else rnd.choice(resolved)
    received = now - dt.timedelta(seconds=rnd.randrange(year))
    tech = None if status == states.NEW else techs[i % 20]
    c = customers[rnd.randrange(len(customers))]
    return {
        "organisation_id": org.pk,
        "number": f"L{i:08d}",
        "kind": "repair",
        "source": "hotline",
        "status": status,
        "customer_id": c.pk,
        "contact_phone": c.mobile,
        "district": "朝阳区",
        "address": f"压测路{i}号",
        "store_id": stores[i % 3].pk,
        "merchant_id": merchants[i % 5].pk if i % 2 else None,
        "description": "热水器不出热水，" * rnd.randint(1, 30),
        "technician_id": tech.pk if tech else None,
        "dispatch_seq": 0 if tech is None else 1,
        "received_at": received,
        "reported_at": received,
        "dispatched_at": None if tech is None else received + dt.timedelta(hours=1),
        "contact_due_at": received + dt.timedelta(days=1),
        "reply_due_at": received + dt.timedelta(days=2),
        "contact_overdue": status in unresolved and i % 7 == 0,
        "is_reissued": i % 97 == 0,
        "created_at": received,
        "updated_at": received,
    }


def _insert_orders(rows) -> int:
    """Write work-order rows (dicts of column values; the rest take the model defaults) with
    COPY on PostgreSQL and executemany on SQLite: no model instance per row."""
    from django.db import connection

    from shouhou.workorders.models import WorkOrder

    fields = [f for f in WorkOrder._meta.concrete_fields if not (f.primary_key or f.generated)]
    defaults = {}
    for f in fields:
        defaults[f.attname] = f.get_default() if f.has_default() else (None if f.null else "")
    table = connection.ops.quote_name(str(WorkOrder._meta.db_table))
    cols = ", ".join(connection.ops.quote_name(f.column) for f in fields)
    made = 0

    def values(row):
        return [
            f.get_db_prep_save(row.get(f.attname, defaults[f.attname]), connection) for f in fields
        ]

    with connection.cursor() as cur:
        if connection.vendor == "postgresql":
            with cur.cursor.copy(f"COPY {table} ({cols}) FROM STDIN") as copy:
                for row in rows:
                    copy.write_row(values(row))
                    made += 1
        else:
            marks = ", ".join(["%s"] * len(fields))
            sql = f"INSERT INTO {table} ({cols}) VALUES ({marks})"
            batch = []
            for row in rows:
                batch.append(values(row))
                if len(batch) == 5000:
                    cur.executemany(sql, batch)
                    made, batch = made + len(batch), []
            if batch:
                cur.executemany(sql, batch)
                made += len(batch)
    return made


def _deep_url(client, url: str, page: int) -> str:
    """The URL of the `page`-th page, reached the way a client does (page number or cursor)."""
    nxt = client.get(url).json().get("next")
    if nxt and "page=" in nxt:
        parts = urlsplit(nxt)
        q = {k: v[0] for k, v in parse_qs(parts.query).items()}
        q["page"] = str(page)
        return f"{parts.path}?{urlencode(q)}"
    for _ in range(page - 1):
        nxt = client.get(nxt).json()["next"]
    parts = urlsplit(nxt)
    return f"{parts.path}?{parts.query}"


def _plan(client, url) -> list[str]:
    """The query plan of the list's main query (EXPLAIN ANALYZE on PostgreSQL)."""
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    with CaptureQueriesContext(connection) as ctx:
        client.get(url)
    main = [
        q["sql"]
        for q in ctx.captured_queries
        if "ORDER BY" in q["sql"] and "LIMIT" in q["sql"] and "django_session" not in q["sql"]
    ]
    if not main:
        return []
    with connection.cursor() as cur:
        if connection.vendor == "postgresql":
            cur.execute("EXPLAIN (ANALYZE, TIMING OFF, SUMMARY ON) " + main[0])
        else:
            cur.execute("EXPLAIN QUERY PLAN " + main[0])
        lines = [" ".join(str(c) for c in row) for row in cur.fetchall()]
    return [line.strip() for line in lines][:12]


def run() -> dict:
    from django.test import Client

    rows = int(os.environ.get("BENCH_ROWS", 100_000))
    n = int(os.environ.get("BENCH_N", 100))
    rounds = int(os.environ.get("BENCH_REPEAT", 3))
    cast = _seed(rows)
    desk, tech = Client(), Client()
    desk.force_login(cast["desk"])
    tech.force_login(cast["tech_user"])
    t = time.perf_counter()
    deep = _deep_url(desk, "/api/v1/workorders/", 500)
    deep_reach = round(time.perf_counter() - t, 2)
    deep_due = _deep_url(desk, "/api/v1/workorders/?sort=due", 500)
    cases = {
        "default": (desk, "/api/v1/workorders/"),
        "unresolved": (desk, "/api/v1/workorders/?status=unresolved"),
        "technician_queue": (tech, "/api/v1/workorders/"),
        "deep_page_500": (desk, deep),
        "html_default": (desk, "/workorders/"),
        "due_sorted": (desk, "/api/v1/workorders/?sort=due"),
        "due_overdue": (desk, "/api/v1/workorders/?due=overdue"),
        "due_deep_page_500": (desk, deep_due),
        "html_due": (desk, "/workorders/?due=overdue&sort=due"),
        "customers": (desk, "/api/v1/customers/"),
        "fields_subset": (desk, "/api/v1/workorders/?fields=number,status,next_due_at"),
    }
    # BENCH_CASES=default,customers: only those (and their 304 path).
    only = [c for c in os.environ.get("BENCH_CASES", "").split(",") if c]
    if only:
        cases = {k: v for k, v in cases.items() if k in only}
    out = {
        "rows": rows,
        "seed": cast["seed"],
        "requests_per_round": n,
        "rounds": rounds,
        "seconds_to_reach_page_500": deep_reach,
        "load_average_at_start": [round(x, 2) for x in os.getloadavg()],
    }
    for name, (client, url) in cases.items():
        client.get(url)
        queries = queries_of(lambda c=client, u=url: c.get(u))
        resp = client.get(url)
        samples, p95s = [], []
        for _ in range(rounds):
            lat, _secs = timed(lambda i, c=client, u=url: c.get(u), n)
            samples += lat
            p95s.append(percentiles(lat)["p95_ms"])
        out[name] = {
            **percentiles(samples),
            "p95_ms_rounds": p95s,
            "queries_per_request": queries,
            "bytes": len(resp.content),
            "status": resp.status_code,
            "plan": _plan(client, url),
        }
        etag = resp.get("ETag")
        if etag and not url.startswith("/api/v1/workorders/?fields"):
            # The conditional GET of the same page (issue 26): 304, no body.
            def again(i=0, c=client, u=url, e=etag):
                return c.get(u, headers={"If-None-Match": e})

            r304 = again()
            lat, _secs = timed(again, n)
            out[name + "_304"] = {
                **percentiles(lat),
                "queries_per_request": queries_of(again),
                "bytes": len(r304.content),
                "status": r304.status_code,
            }
    out["load_average_at_end"] = [round(x, 2) for x in os.getloadavg()]
    out["workorder_indexes"] = _index_use()
    return out


def _index_use() -> dict:
    """How often each index of the work-order table was scanned during the run (PostgreSQL):
    an index no plan used costs every write and serves nothing."""
    from django.db import connection

    if connection.vendor != "postgresql":
        return {}
    with connection.cursor() as cur:
        cur.execute("SELECT pg_stat_force_next_flush()")
        cur.execute(
            "SELECT indexrelname, idx_scan FROM pg_stat_user_indexes "
            "WHERE relname = 'workorders_workorder' ORDER BY indexrelname"
        )
        return dict(cur.fetchall())
