"""The work orders' dashboard panels: the manager's 30 days, the clerk's queue, the technician's
visits; counted in Asia/Shanghai days, never another organisation's orders."""

from __future__ import annotations

import datetime as dt
import itertools
import json
import re

import pytest
from django.urls import reverse
from django.utils import timezone

from shouhou.workorders import dashboard
from shouhou.workorders.models import WorkOrder

from .factories import SH, make_customer, make_technician

_n = itertools.count(1)


def order(org, received_at, **fields):
    n = next(_n)
    values = {
        "organisation": org,
        "number": f"D{n:06d}",
        "kind": "repair",
        "source": "hotline",
        "status": "new",
        "customer": fields.pop("customer", None) or make_customer(org),
        "received_at": received_at,
    }
    values.update(fields)
    return WorkOrder.all_objects.create(**values)


def local(day: dt.date, hh=10, mm=0) -> dt.datetime:
    return dt.datetime.combine(day, dt.time(hh, mm), tzinfo=SH)


def panel_data(html: str, key: str) -> dict:
    m = re.search(rf'<script id="panel-{key}-data" type="application/json">(.*?)</script>', html)
    assert m, f"no chart data for {key}"
    return json.loads(m.group(1))


@pytest.fixture
def manager(make_user, store):
    return make_user("cs_manager", store=store, display_name="李经理")


@pytest.fixture
def today():
    return timezone.localdate()


def test_manager_dashboard_shows_orders_received_per_day_for_thirty_days(
    client, org, manager, today
):
    for _ in range(2):
        order(org, local(today, 9))
    order(org, local(today - dt.timedelta(days=3)))
    order(org, local(today - dt.timedelta(days=29), 8))  # the first day of the thirty
    order(org, local(today - dt.timedelta(days=30)))  # one day too old
    order(
        org,
        local(today - dt.timedelta(days=5)),
        status="closed",
        closed_at=local(today - dt.timedelta(days=1), 15),
    )
    order(
        org,
        local(today - dt.timedelta(days=4)),
        status="dispatched",
        contact_due_at=local(today - dt.timedelta(days=2), 17),
        contact_overdue=True,
    )

    client.force_login(manager)
    html = client.get(reverse("dashboard")).content.decode()
    data = panel_data(html, "workorders-flow")
    received, closed, overdue = (s["data"] for s in data["series"])
    assert len(data["categories"]) == 30 == len(received)
    assert data["categories"][-1] == f"{today:%m-%d}"
    assert received[-1] == 2 and received[-4] == 1 and received[0] == 1
    assert received[-5] == 1 and received[-6] == 1  # the closed and the overdue orders
    assert sum(received) == 6
    assert closed[-2] == 1 and sum(closed) == 1
    assert overdue[-3] == 1 and sum(overdue) == 1
    # the numbers as a table, and the list behind the chart
    assert "<caption>" in html and reverse("workorders:list") in html


def test_a_day_of_the_chart_is_a_day_in_shanghai(org, manager, today):
    yesterday = today - dt.timedelta(days=1)
    order(org, local(yesterday, 23, 30))  # 15:30 UTC yesterday
    order(org, local(today, 0, 30))  # 16:30 UTC yesterday, but today in Shanghai
    flow = dashboard.daily_flow(user=manager, today=today)
    assert flow["received"][-2:] == [1, 1]


def test_the_flow_compares_the_last_seven_days_with_the_seven_before(org, manager, today):
    for days in (0, 1, 2, 8):
        order(org, local(today - dt.timedelta(days=days)))
    panel = dashboard.manager_panels(user=manager, now=timezone.now())
    received = panel.compare[0]
    assert (received["now"], received["before"], received["delta"]) == (3, 1, 2)
    assert received["direction"] == "up" and received["good"] is True


def test_a_manager_never_sees_another_organisations_orders(client, org, other_org, manager, today):
    order(other_org, local(today))
    order(other_org, local(today), status="new")
    client.force_login(manager)
    html = client.get(reverse("dashboard")).content.decode()
    data = panel_data(html, "workorders-flow")
    assert sum(data["series"][0]["data"]) == 0


def test_the_clerk_sees_todays_queue_of_orders_to_dispatch_and_to_contact(
    client, org, other_org, clerk, today
):
    tech = make_technician(org, name="王师傅")
    new = order(org, local(today, 8), customer=make_customer(org, name="排队甲"))
    waiting = order(
        org,
        local(today - dt.timedelta(days=1)),
        status="dispatched",
        technician=tech,
        customer=make_customer(org, name="待联系乙"),
        contact_overdue=True,
    )
    order(
        org,
        local(today),
        status="dispatched",
        technician=tech,
        contacted_at=local(today, 9),
        customer=make_customer(org, name="已联系丙"),
    )
    order(other_org, local(today), customer=make_customer(other_org, name="别家丁"))

    client.force_login(clerk)
    html = client.get(reverse("dashboard")).content.decode()
    data = panel_data(html, "workorders-queue")
    assert data["series"][0]["data"] == [1, 1, 1]  # to dispatch, to contact, past a limit
    assert "排队甲" in html and "待联系乙" in html
    assert "已联系丙" not in html and "别家丁" not in html
    assert reverse("workorders:detail", args=[new.pk]) in html
    assert reverse("workorders:detail", args=[waiting.pk]) in html
    assert "workorders-flow" not in html  # trends are the managers'


def test_technician_sees_only_todays_visits(client, org, today):
    me = make_technician(org, name="王师傅")
    other = make_technician(org, name="赵师傅")
    mine = order(
        org,
        local(today - dt.timedelta(days=1)),
        status="appointed",
        technician=me,
        appointment_at=local(today, 14),
        customer=make_customer(org, name="今天的客户"),
    )
    order(
        org,
        local(today - dt.timedelta(days=1)),
        status="appointed",
        technician=me,
        appointment_at=local(today + dt.timedelta(days=1), 9),
        customer=make_customer(org, name="明天的客户"),
    )
    order(
        org,
        local(today - dt.timedelta(days=1)),
        status="appointed",
        technician=other,
        appointment_at=local(today, 10),
        customer=make_customer(org, name="别人的客户"),
    )
    order(
        org,
        local(today - dt.timedelta(days=2)),
        status="cancelled",
        technician=me,
        appointment_at=local(today, 11),
        customer=make_customer(org, name="取消的客户"),
    )
    client.force_login(me.user)
    html = client.get(reverse("dashboard")).content.decode()
    assert "今天的客户" in html and "14:00" in html
    assert reverse("workorders:detail", args=[mine.pk]) in html
    for name in ("明天的客户", "别人的客户", "取消的客户"):
        assert name not in html
    assert "workorders-queue" not in html and "workorders-flow" not in html


def test_a_technician_with_no_visits_today_is_told_so(client, org):
    me = make_technician(org, name="王师傅")
    client.force_login(me.user)
    html = client.get(reverse("dashboard")).content.decode()
    assert 'id="panel-workorders-visits"' in html
