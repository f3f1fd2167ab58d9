"""The dashboard page: the panel registry (asked per role), a panel's table and comparisons,
ECharts from our own static files with no inline script, and a cost that does not grow with the
data for a manager, a clerk and a technician."""

from __future__ import annotations

import datetime as dt
import re
from decimal import Decimal
from pathlib import Path

import pytest
from django.conf import settings
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from shouhou.core import navigation
from shouhou.core.panels import Panel, compare

pytestmark = pytest.mark.django_db

STATIC = Path(settings.BASE_DIR) / "shouhou" / "core" / "static" / "core"


# The registry ---------------------------------------------------------------------------------


def test_a_panel_is_asked_only_for_users_with_its_roles(monkeypatch, make_user):
    asked = []

    def for_managers(*, user, now):
        asked.append(user)
        return Panel(key="m", title="M", url="/m/")

    def for_everyone(*, user, now):
        return [Panel(key="a", title="A", url="/a/"), Panel(key="b", title="B", url="/b/")]

    monkeypatch.setattr(navigation, "_panels", {})
    navigation.register_dashboard_panel(for_everyone, order=20)
    navigation.register_dashboard_panel(for_managers, order=10, roles={"cs_manager"})
    manager, clerk = make_user("cs_manager"), make_user("clerk")
    assert [p.key for p in navigation.dashboard_panels(manager)] == ["m", "a", "b"]
    assert [p.key for p in navigation.dashboard_panels(clerk)] == ["a", "b"]
    assert asked == [manager]


def test_the_apps_register_their_panels_in_order():
    modules = [
        fn.__module__ for _o, _r, fn in sorted(navigation._panels.values(), key=lambda p: p[0])
    ]
    for app in ("workorders", "performance", "complaints", "callbacks"):
        assert f"shouhou.{app}.dashboard" in modules


def test_a_panel_shows_its_chart_numbers_as_a_table_with_the_target():
    panel = Panel(
        key="x",
        title="On time",
        url="/x/",
        chart={
            "categories": ["06-15", "06-22"],
            "series": [{"name": "On time", "data": [Decimal("90.00"), None]}],
            "target": {"name": "Target", "value": Decimal("90")},
            "unit": "%",
        },
    )
    table = panel.numbers()
    assert table is not None
    assert table["rows"] == [["06-15", "90.00%", "90%"], ["06-22", "—", "90%"]]
    assert len(table["columns"]) == 3
    data = panel.chart_data()
    assert data["series"][0]["data"] == [90.0, None] and data["target"]["value"] == 90.0


def test_a_comparison_says_which_way_and_whether_it_is_good():
    up = compare("Overdue", 5, 3, against="last week", better="down")
    assert (up["delta"], up["direction"], up["good"]) == (2, "up", False)
    rate = compare("On time", Decimal("92.50"), Decimal("90.00"), against="last week")
    assert (rate["delta"], rate["good"]) == (Decimal("2.5"), True)
    assert compare("On time", None, Decimal("90"), against="")["direction"] == ""
    assert compare("n", 4, 4, against="")["direction"] == "same"


# The page ------------------------------------------------------------------------------------


def test_echarts_is_served_from_our_static_files_with_its_licence():
    assert (STATIC / "vendor" / "echarts" / "echarts.min.js").stat().st_size > 500_000
    assert "Apache License" in (STATIC / "vendor" / "echarts" / "LICENSE").read_text()
    assert (STATIC / "dashboard.js").exists()


def test_the_dashboard_has_no_inline_script_and_no_cdn(client, make_user):
    client.force_login(make_user("cs_manager"))
    response = client.get(reverse("dashboard"))
    html = response.content.decode()
    assert '/static/core/vendor/echarts/echarts.min.js"' in html
    assert '/static/core/dashboard.js"' in html
    for tag in re.findall(r"<script\b[^>]*>", html):
        assert "src=" in tag or 'type="application/json"' in tag, tag
    assert "cdn" not in html.lower()
    assert "script-src 'self'" in response.headers["Content-Security-Policy"]


# The cost ------------------------------------------------------------------------------------


def _data(org, store, tech, clerk, n: int) -> None:
    """n of everything: orders received, closed and overdue over the month, visits with scores,
    complaints, callbacks due, the technician's visits today."""
    from shouhou.callbacks.tests.tasks_factories import make_task
    from shouhou.complaints.models import Case
    from shouhou.performance.tests.factories import callback, visited
    from shouhou.workorders.models import WorkOrder
    from shouhou.workorders.tests.factories import make_customer, make_technician

    now = timezone.localtime()
    today = now.date()
    for i in range(n):
        day = now - dt.timedelta(days=i % 28, hours=1)
        customer = make_customer(org)
        other = make_technician(org)
        o = visited(org, other, day, customer=customer, store=store, late_onsite=i % 3 == 0)
        callback(o, satisfaction=1 + i % 5)
        WorkOrder.all_objects.create(
            organisation=org,
            number=f"Q{n}-{i}",
            kind="repair",
            source="hotline",
            status="new",
            customer=customer,
            received_at=day,
            contact_due_at=day,
            contact_overdue=True,
        )
        WorkOrder.all_objects.create(
            organisation=org,
            number=f"V{n}-{i}",
            kind="repair",
            source="hotline",
            status="appointed",
            customer=customer,
            technician=tech,
            received_at=day,
            appointment_at=dt.datetime.combine(today, dt.time(9 + i % 8), tzinfo=now.tzinfo),
        )
        Case.all_objects.create(
            organisation=org,
            number=f"C{n}-{i}",
            kind="complaint",
            customer=customer,
            work_order=o,
            description="慢",
        )
        make_task(org, assigned_to=clerk, customer=customer)


def _queries(client, user) -> int:
    client.force_login(user)
    client.get(reverse("dashboard"))  # settings rows and caches filled once
    with CaptureQueriesContext(connection) as ctx:
        assert client.get(reverse("dashboard")).status_code == 200
    return len(ctx.captured_queries)


# Measured with every app's cards and panels (settings rows are read from the database inside a
# test's transaction: the cache keeps only committed rows). Of them the panels cost the manager
# 29 (work orders 3; the weeks' facts 6; the ranking's 15; complaints 2; settings reads), the
# clerk 4, the technician 2. On PostgreSQL the facts query runs in a savepoint (its
# `SET LOCAL jit = off` must not outlive it): SAVEPOINT and RELEASE, for the manager's panels and
# the technician's own score card alike.
MAX_QUERIES = {"manager": 74, "clerk": 44, "technician": 21}
PG_EXTRA = {"manager": 2, "clerk": 0, "technician": 2}


def test_dashboard_cost_is_fixed_queries(
    client, org, store, clerk, make_user, django_assert_max_num_queries
):
    from shouhou.workorders.tests.factories import make_technician

    manager = make_user("cs_manager", store=store)
    tech = make_technician(org, name="王师傅")
    users = {"manager": manager, "clerk": clerk, "technician": tech.user}

    _data(org, store, tech, clerk, 2)
    few = {name: _queries(client, user) for name, user in users.items()}
    _data(org, store, tech, clerk, 12)
    many = {name: _queries(client, user) for name, user in users.items()}
    assert many == few  # six times the data, the same queries
    for name, user in users.items():
        client.force_login(user)
        extra = PG_EXTRA[name] if connection.vendor == "postgresql" else 0
        with django_assert_max_num_queries(MAX_QUERIES[name] + extra):
            client.get(reverse("dashboard"))
