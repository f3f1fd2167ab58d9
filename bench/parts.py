"""Spare-parts stock at scale, and the no-oversell rule under concurrency.

Seeds BENCH_ROWS moves (``--rows``, default 100,000; the issue's target is 1,000,000) over
max(100, rows/100) parts × 50 locations (10,000 parts at a million moves), with the stock rows
kept in step (each move is a receipt into one stock row). Then:

* ``stock_page``: GET /api/v1/parts/locations/<id>/stock/ (one location's first page, with the
  low-stock flag), BENCH_N requests (default 30); goal p95 ≤ 100 ms;
* ``stock_page_low``: the same with ``?low=1``;
* ``books_match``: the ledger summed for one location equals its stock rows (帐物一致);
* ``concurrent_issue``: 100 approved requisitions of one part, 60 more received on top of what the
  seed left at the central store, issued at the same moment from 100 threads (PostgreSQL; SQLite
  serialises writers, so they run one after the other there): exactly as many win as were on
  hand, the rest get the 409 naming the part, the stock ends at 0 and never below.

Run: ``python -m bench parts`` (DATABASE_URL=postgres://... --rows 1000000 for the real numbers).
"""

from __future__ import annotations

import datetime as dt
import os
import random
import threading
import time
from decimal import Decimal

from ._timing import percentiles, queries_of, timed

BATCH = 20_000
LOCATIONS = 50


def _seed(rows: int) -> dict:
    from django.contrib.auth.models import Group
    from django.utils import timezone

    from shouhou.org.models import Organisation, User
    from shouhou.org.roles import ensure_roles
    from shouhou.parts.models import Location, Move, Part, Stock

    rnd = random.Random(18)
    ensure_roles()
    org = Organisation.objects.create(name="备件压测", code="bench-parts", kind="market")
    keeper = User.objects.create(username="bench-keeper", organisation=org)
    keeper.groups.add(Group.objects.get(name="warehouse_keeper"))
    n_parts = max(100, rows // 100)
    t0 = time.perf_counter()
    locs = Location.all_objects.bulk_create(
        [
            Location(
                organisation=org,
                code=f"L{i:02d}",
                name=f"库{i:02d}",
                kind="central" if i == 0 else "station",
            )
            for i in range(LOCATIONS)
        ]  # fmt: skip
    )
    parts = []
    for lo in range(0, n_parts, BATCH):
        parts += Part.all_objects.bulk_create(
            [
                Part(
                    organisation=org,
                    code=f"P{i:06d}",
                    name=f"备件{i}",
                    cost_price=Decimal("10.00"),
                    sale_price=Decimal("18.00"),
                    reorder_level=rnd.randint(0, 6),
                )
                for i in range(lo, min(n_parts, lo + BATCH))
            ]  # fmt: skip
        )
    # each move a receipt of 1..5 into a random stock row; quantities summed into the rows
    qty: dict[tuple[int, int], int] = {}
    now = timezone.now()
    buf = []
    for i in range(rows):
        p, loc = parts[rnd.randrange(n_parts)], locs[rnd.randrange(LOCATIONS)]
        q = rnd.randint(1, 5)
        qty[(p.pk, loc.pk)] = qty.get((p.pk, loc.pk), 0) + q
        buf.append(Move(organisation=org, part=p, kind="receipt", to_location=loc, quantity=q,
                        unit_cost=Decimal("10.0000"), at=now - dt.timedelta(seconds=i), by=keeper,
                        document="receipt", document_id=i + 1))  # fmt: skip
        if len(buf) >= BATCH:
            Move.all_objects.bulk_create(buf, batch_size=5000)
            buf = []
    Move.all_objects.bulk_create(buf, batch_size=5000)
    stock = [Stock(organisation=org, part_id=p, location_id=loc, quantity=q,
                   average_cost=Decimal("10.0000")) for (p, loc), q in qty.items()]  # fmt: skip
    for lo in range(0, len(stock), BATCH):
        Stock.all_objects.bulk_create(stock[lo : lo + BATCH], batch_size=5000)
    seeded = time.perf_counter() - t0
    return {"org": org, "keeper": keeper, "locations": locs, "parts": parts,
            "n_parts": n_parts, "stock_rows": len(stock), "seed_seconds": round(seeded, 1),
            "rows_per_second": round((rows + len(stock)) / seeded)}  # fmt: skip


def _concurrent_issue(org, keeper, central, part, n: int = 100, on_hand: int = 60) -> dict:
    from django.db import connection
    from django_scopes import scopes_disabled

    from shouhou.core.errors import Conflict
    from shouhou.org.models import User
    from shouhou.parts import services as ps
    from shouhou.parts.models import Move, Requisition, RequisitionLine, Stock
    from shouhou.workorders.models import WorkOrder

    ps.receipt_create(by=keeper, location=central, supplier="bench",
                      lines=[{"part": part.pk, "quantity": on_hand}])  # fmt: skip
    start_qty = Stock.all_objects.get(part=part, location=central).quantity
    from django.utils import timezone

    from shouhou.customers.models import Customer

    tech = User.objects.create(username="bench-tech", organisation=org)
    customer = Customer.all_objects.create(organisation=org, name="压测客户", mobile="13900000000")
    orders = WorkOrder.all_objects.bulk_create(
        [
            WorkOrder(
                organisation=org,
                number=f"B{i}",
                kind="repair",
                source="hotline",
                customer=customer,
                received_at=timezone.now(),
            )
            for i in range(n)
        ]  # fmt: skip
    )
    reqs = Requisition.all_objects.bulk_create(
        [
            Requisition(
                organisation=org,
                number=f"R{i}",
                work_order=o,
                technician=tech,
                location=central,
                proposal="bench",
                status="approved",
                approver_role="workshop_supervisor",
            )
            for i, o in enumerate(orders)
        ]  # fmt: skip
    )
    RequisitionLine.all_objects.bulk_create(
        [
            RequisitionLine(
                organisation=org, requisition=q, part=part, quantity=1, unit_cost=Decimal("10")
            )
            for q in reqs
        ]  # fmt: skip
    )
    ps.technician_location(tech)
    results: list[str] = []
    lock = threading.Lock()
    threaded = connection.vendor == "postgresql"
    barrier = threading.Barrier(n) if threaded else None

    def go(q):
        from django.db import connection as conn

        if barrier:
            barrier.wait()
        try:
            with scopes_disabled():
                ps.requisition_issue(by=keeper, requisition=q)
            out = "ok"
        except Conflict:
            out = "409"
        finally:
            if threaded:
                conn.close()
        with lock:
            results.append(out)

    t0 = time.perf_counter()
    if threaded:
        threads = [threading.Thread(target=go, args=(q,)) for q in reqs]
        for t in threads:
            t.start()
        for t in threads:
            t.join()
    else:
        for q in reqs:
            go(q)
    left = Stock.all_objects.get(part=part, location=central).quantity
    ok = results.count("ok")
    issued = Move.all_objects.filter(kind="issue", part=part).count()
    assert ok == min(n, start_qty) and left == start_qty - ok and issued == ok, (ok, left, issued)
    return {"threads": n if threaded else 0, "attempts": n, "on_hand": start_qty, "won": ok,
            "refused_409": results.count("409"), "left": left, "oversold": left < 0,
            "seconds": round(time.perf_counter() - t0, 2)}  # fmt: skip


def run() -> dict:
    from django.db.models import Sum
    from django.test import Client

    from shouhou.parts.models import Move, Stock

    rows = int(os.environ.get("BENCH_ROWS", 100_000))
    n = int(os.environ.get("BENCH_N", 30))
    s = _seed(rows)
    client = Client()
    client.force_login(s["keeper"])
    loc = s["locations"][7]
    url = f"/api/v1/parts/locations/{loc.pk}/stock/"
    out = {k: v for k, v in s.items() if k in ("n_parts", "stock_rows", "seed_seconds",
                                               "rows_per_second")}  # fmt: skip
    out["moves"] = rows
    out["locations"] = LOCATIONS
    for name, u in (("stock_page", url), ("stock_page_low", url + "?low=1")):
        client.get(u)  # warm
        samples, _total = timed(lambda i, u=u: client.get(u), n,
                                expect=lambda r: r.status_code == 200)  # fmt: skip
        out[name] = {**percentiles(samples), "queries": queries_of(lambda u=u: client.get(u))}
    t0 = time.perf_counter()
    ledger = dict(
        Move.all_objects.filter(to_location=loc).values_list("part_id").annotate(q=Sum("quantity"))
    )
    books = dict(Stock.all_objects.filter(location=loc).values_list("part_id", "quantity"))
    out["books_match"] = {"equal": ledger == books, "parts_here": len(books),
                          "ms": round((time.perf_counter() - t0) * 1000, 1)}  # fmt: skip
    out["concurrent_issue"] = _concurrent_issue(s["org"], s["keeper"], s["locations"][0],
                                                s["parts"][0])  # fmt: skip
    return out
