"""The dispatch board's week view at scale: 200 technicians, 5,000 appointments in one week
(BENCH_BOARD_TECHS, BENCH_BOARD_APPTS), shifts for everyone, 50 unassigned orders. Times the
page GET /roster/board/?view=week through the real URL (goal: p50 <= 300 ms) and the JSON
board of the API, with the SQL queries per request (fixed, whatever the data size).

Run: `python -m bench board` (DATABASE_URL=postgres://... for the real numbers).
"""

from __future__ import annotations

import datetime as dt
import os

from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from ._timing import percentiles, timed


def _seed(n_techs: int, n_appts: int):
    from shouhou.customers.models import Customer
    from shouhou.org.tests.factories import OrganisationFactory, StoreFactory, UserFactory
    from shouhou.roster.models import Appointment, Shift
    from shouhou.staff.models import ServiceStaff
    from shouhou.workorders.models import WorkOrder

    org = OrganisationFactory(name="看板基准", code="bench-board")
    store = StoreFactory(organisation=org, name="基准店", code="bb1")
    desk = UserFactory(roles=["service_desk"], organisation=org, store=store)
    customer = Customer.all_objects.create(organisation=org, name="张伟", mobile="13900000001")
    techs = ServiceStaff.all_objects.bulk_create(
        [
            ServiceStaff(
                organisation=org,
                name=f"师傅{i:03d}",
                mobile=f"137{i:08d}",
                kinds=["repair"],
                employer=ServiceStaff.Employer.MOBILE,
                store=store,
                status=ServiceStaff.Status.ACTIVE,
            )
            for i in range(n_techs)
        ]
    )
    monday = timezone.localdate() - dt.timedelta(days=timezone.localdate().weekday())
    Shift.all_objects.bulk_create(
        [
            Shift(
                organisation=org,
                staff=t,
                date=monday + dt.timedelta(days=d),
                kind="working" if d < 6 else "off",
            )
            for t in techs
            for d in range(7)
        ]
    )
    now = timezone.now()
    orders = WorkOrder.all_objects.bulk_create(
        [
            WorkOrder(
                organisation=org,
                number=f"BB{i:06d}",
                kind="repair",
                source="hotline",
                status="appointed" if i < n_appts else "new",
                customer=customer,
                store=store,
                district="朝阳区",
                technician=techs[i % n_techs] if i < n_appts else None,
                dispatch_seq=1 if i < n_appts else 0,
                received_at=now,
                dispatched_at=now if i < n_appts else None,
                onsite_due_at=now + dt.timedelta(days=3),
                is_reissued=i % 97 == 0,
            )
            for i in range(n_appts + 50)
        ],
        batch_size=1000,
    )
    appts = []
    per_tech = max(1, n_appts // n_techs)
    for i, o in enumerate(orders[:n_appts]):
        k = i // n_techs  # the k-th appointment of this technician this week
        day = monday + dt.timedelta(days=k % 6)
        hour = 8 + (k // 6) % 10
        start = timezone.make_aware(dt.datetime.combine(day, dt.time(hour)))
        appts.append(
            Appointment(
                organisation=org,
                order=o,
                starts_at=start,
                ends_at=start + dt.timedelta(minutes=50),
                status="agreed",
            )
        )
    Appointment.all_objects.bulk_create(appts, batch_size=1000)
    return desk, monday, per_tech


def run() -> dict:
    n_techs = int(os.environ.get("BENCH_BOARD_TECHS", 200))
    n_appts = int(os.environ.get("BENCH_BOARD_APPTS", 5000))
    repeat = int(os.environ.get("BENCH_REPEAT", 10))
    desk, monday, _ = _seed(n_techs, n_appts)
    client = Client()
    client.force_login(desk)
    url = f"/roster/board/?view=week&day={monday.isoformat()}"
    api_url = f"/api/v1/roster-board/?view=week&day={monday.isoformat()}"
    first = client.get(url)
    assert first.status_code == 200, first.status_code
    blocks = first.content.decode().count('class="chip')
    with CaptureQueriesContext(connection) as q:
        client.get(url)
    page_queries = len(q.captured_queries)
    page_ms, _ = timed(lambda i: client.get(url), repeat, expect=lambda r: r.status_code == 200)
    with CaptureQueriesContext(connection) as q:
        client.get(api_url)
    api_queries = len(q.captured_queries)
    api_ms, _ = timed(lambda i: client.get(api_url), repeat, expect=lambda r: r.status_code == 200)
    page = percentiles(page_ms)
    return {
        "technicians": n_techs,
        "appointments": n_appts,
        "blocks_drawn": blocks,
        "week_page": page,
        "week_page_queries": page_queries,
        "week_api": percentiles(api_ms),
        "week_api_queries": api_queries,
        "goal_p50_ms": 300,
        "goal_met": page.get("p50_ms", 1e9) <= 300,
    }
