"""Callback coverage metrics at scale.

* seeds BENCH_CB_ORDERS work orders completed over one month (default 200,000 on PostgreSQL,
  20,000 on SQLite), a tenth as many deliveries, and callback records for about 85% of them
  (0-8 calendar days after completion, with scores 1-5), plus open callback tasks;
* times `metrics.coverage` for the month (one grouped query per kind plus the two lists),
  `metrics.satisfaction` by store, technician and product, and `metrics.overdue`;
* counts the SQL queries of one coverage call (constant whatever the number of orders) and
  checks the in-time count against a plain Python computation over the same rows.

Run: `python -m bench callbacks_coverage` (DATABASE_URL=postgres://... for the real numbers).
"""

from __future__ import annotations

import datetime as dt
import os
import random
import time
from zoneinfo import ZoneInfo

from django.db import connection
from django.test.utils import CaptureQueriesContext

SH = ZoneInfo("Asia/Shanghai")


def run() -> dict:
    from shouhou.callbacks import metrics
    from shouhou.callbacks.models import CallbackRecord, CallbackTask
    from shouhou.catalog.models import Brand, Product, ProductModel
    from shouhou.customers.models import Customer
    from shouhou.delivery.models import Delivery
    from shouhou.org.models import Organisation, Store, User
    from shouhou.org.roles import ensure_roles
    from shouhou.sales.models import Contract
    from shouhou.staff.models import ServiceStaff
    from shouhou.workdays.services import calendar_for
    from shouhou.workorders.models import WorkOrder

    pg = connection.vendor == "postgresql"
    n = int(os.environ.get("BENCH_CB_ORDERS", 200_000 if pg else 20_000))
    n_deliveries = max(n // 10, 1)
    rng = random.Random(4)
    ensure_roles()
    org = Organisation.objects.create(name="回访压测", code="bench-cb", kind="market")
    stores = [
        Store.all_objects.create(organisation=org, name=f"压测{i}店", code=f"cb{i}")
        for i in range(5)
    ]
    Customer.all_objects.bulk_create(
        [
            Customer(organisation=org, name=f"客户{i}", mobile=f"136{i:08d}", is_member=i % 3 == 0)
            for i in range(2000)
        ]
    )
    customers = list(Customer.all_objects.filter(organisation=org).values_list("pk", flat=True))
    techs = []
    for i in range(20):
        u = User.objects.create(username=f"bench-cb-tech{i}", organisation=org)
        techs.append(
            ServiceStaff.all_objects.create(
                organisation=org,
                user=u,
                name=f"师傅{i}",
                mobile=f"1370000{i:04d}",
                kinds=["repair"],
                employer="mobile",
                status="active",
            ).pk
        )
    brand = Brand.all_objects.create(organisation=org, name="压测品牌")
    product = Product.all_objects.create(organisation=org, name="热水器", brand=brand)
    models_ = [
        ProductModel.all_objects.create(organisation=org, product=product, code=f"M{i}").pk
        for i in range(30)
    ]

    month_start = dt.date(2026, 9, 1)
    days = 30

    def moment(day_offset, hour):
        return dt.datetime.combine(
            month_start + dt.timedelta(days=day_offset), dt.time(hour), tzinfo=SH
        )

    out = {"orders": n, "deliveries": n_deliveries}
    t = time.perf_counter()
    orders, completions = [], []
    for i in range(n):
        done = moment(rng.randrange(days), rng.randrange(8, 20))
        completions.append(done)
        orders.append(
            WorkOrder(
                organisation=org,
                number=f"CB{i}",
                kind="repair",
                source="hotline",
                status="done",
                customer_id=customers[i % len(customers)],
                store_id=stores[i % len(stores)].pk,
                technician_id=techs[i % len(techs)],
                product_model_id=models_[i % len(models_)],
                received_at=done - dt.timedelta(days=2),
                completed_at=done,
                no_callback=i % 50 == 0,
            )
        )
    WorkOrder.all_objects.bulk_create(orders, batch_size=2000)
    order_ids = list(
        WorkOrder.all_objects.filter(organisation=org).order_by("pk").values_list("pk", flat=True)
    )
    contracts = Contract.all_objects.bulk_create(
        [
            Contract(
                organisation=org,
                number=f"HT{i}",
                customer_id=customers[i % len(customers)],
                store=stores[i % len(stores)],
                signed_on=month_start,
            )
            for i in range(n_deliveries)
        ],
        batch_size=2000,
    )
    contract_ids = list(
        Contract.all_objects.filter(organisation=org).order_by("pk").values_list("pk", flat=True)
    )
    deliveries, delivered = [], []
    for i, cid in enumerate(contract_ids):
        done = moment(rng.randrange(days), rng.randrange(8, 20))
        delivered.append(done)
        deliveries.append(
            Delivery(
                organisation=org,
                contract_id=cid,
                customer_id=customers[i % len(customers)],
                status="delivered",
                scheduled_date=done.date(),
                address="压测路1号",
                in_transit_since=done.date(),
                storage_limit_on=done.date(),
                workshop_due_on=done.date(),
                delivered_at=done,
            )
        )
    Delivery.all_objects.bulk_create(deliveries, batch_size=2000)
    delivery_ids = list(
        Delivery.all_objects.filter(organisation=org).order_by("pk").values_list("pk", flat=True)
    )
    del contracts
    records, firsts = [], {}
    for link, ids, times in (
        ("work_order_id", order_ids, completions),
        ("delivery_id", delivery_ids, delivered),
    ):
        for i, (pk, done) in enumerate(zip(ids, times, strict=True)):
            if rng.random() > 0.85:
                continue
            called = done + dt.timedelta(days=rng.randrange(0, 9), hours=rng.randrange(0, 4))
            firsts[(link, pk)] = called
            records.append(
                CallbackRecord(
                    organisation=org,
                    customer_id=customers[i % len(customers)],
                    called_at=called,
                    satisfaction=rng.randint(1, 5),
                    store_id=stores[i % len(stores)].pk,
                    technician_id=techs[i % len(techs)] if link == "work_order_id" else None,
                    product_model_id=models_[i % len(models_)],
                    **{link: pk},
                )
            )
    CallbackRecord.all_objects.bulk_create(records, batch_size=2000)
    CallbackTask.all_objects.bulk_create(
        [
            CallbackTask(
                organisation=org,
                customer_id=customers[i % len(customers)],
                kind="after_service",
                due_on=month_start + dt.timedelta(days=i % days),
                source_key=f"bench:{i}",
            )
            for i in range(min(n, 20_000))
        ],
        batch_size=2000,
    )
    if pg:
        with connection.cursor() as cur:
            for model in (Customer, WorkOrder, Delivery, Contract, CallbackRecord, CallbackTask):
                cur.execute(f"ANALYZE {model._meta.db_table}")
    out["records"] = len(records)
    out["seed_seconds"] = round(time.perf_counter() - t, 2)

    date_to = month_start + dt.timedelta(days=days - 1)
    now = moment(days + 20, 12)
    metrics.coverage(org, month_start, date_to, now=now)  # warm the calendar and settings
    t = time.perf_counter()
    with CaptureQueriesContext(connection) as ctx:
        cov = metrics.coverage(org, month_start, date_to, now=now)
    out["coverage_seconds"] = round(time.perf_counter() - t, 3)
    out["coverage_queries"] = len(ctx.captured_queries)
    out["services"] = {k: cov["services"][k] for k in ("total", "in_time", "late", "missing")}
    out["services_pct"] = str(cov["services"]["pct"])
    out["deliveries_pct"] = str(cov["deliveries"]["pct"])

    # The same in-time count in plain Python (what the SQL replaces), to check it.
    cal = calendar_for(org)
    window = metrics._settings(org).coverage_working_days
    in_time = 0
    for i, (pk, done) in enumerate(zip(order_ids, completions, strict=True)):
        if i % 50 == 0:  # no_callback
            continue
        first = firsts.get(("work_order_id", pk))
        deadline = cal.add_working_days(cal.local_date(done), window)
        if first is not None and cal.local_date(first) <= deadline:
            in_time += 1
    out["python_in_time"] = in_time
    out["matches_python"] = in_time == cov["services"]["in_time"]

    for by in ("store", "technician", "product"):
        t = time.perf_counter()
        metrics.satisfaction(org, month_start, date_to, by)
        out[f"satisfaction_by_{by}_seconds"] = round(time.perf_counter() - t, 3)
    t = time.perf_counter()
    od = metrics.overdue(org, date_to)
    out["overdue_seconds"] = round(time.perf_counter() - t, 3)
    out["overdue_total"] = od["total"]
    return out
