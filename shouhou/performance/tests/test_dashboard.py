"""The performance panels of the manager's dashboard: weekly on-time rate, satisfaction and
service-caused complaints against the department targets (the same figures as the department
report), and the five lowest scores of the month."""

from __future__ import annotations

import datetime as dt
import json
import re
from decimal import Decimal

import pytest
from django.urls import reverse
from django.utils import timezone

from shouhou.performance import dashboard, selectors, services
from shouhou.performance.models import ScoringSettings

from .factories import at, callback, complaint, make_technician, visited

pytestmark = pytest.mark.django_db

WEDNESDAY = dt.date(2026, 6, 24)  # its week starts on Monday 22 June


def panel_data(html: str, key: str) -> dict:
    m = re.search(rf'<script id="panel-{key}-data" type="application/json">(.*?)</script>', html)
    assert m, f"no chart data for {key}"
    return json.loads(m.group(1))


def _june_week(org, tech):
    """Ten visits in the week of 15 June: one late on site; four scored, three satisfied; one
    complaint the service caused."""
    orders = [
        visited(org, tech, at(2026, 6, 15) + dt.timedelta(hours=i), late_onsite=i == 0)
        for i in range(10)
    ]
    for i, o in enumerate(orders[:4]):
        callback(o, satisfaction=2 if i == 0 else 5)
    complaint(orders[5], responsibility="workmanship")
    return orders


def test_the_weeks_count_on_time_satisfaction_and_complaints_of_each_week(org, manager, tech):
    _june_week(org, tech)
    visited(org, tech, at(2026, 6, 22, 9))  # this week
    weekly = dashboard.weekly_department(user=manager, today=WEDNESDAY)
    assert weekly["weeks"][-1] == dt.date(2026, 6, 22) and len(weekly["weeks"]) == 8
    assert weekly["weeks"][0] == dt.date(2026, 5, 4)
    week = weekly["rows"][-2]  # from 15 June
    assert (week["base"], week["on_time"]) == (10, 9)
    assert week["on_time_pct"] == Decimal("90.00") and week["on_time_ok"] is True
    assert week["satisfaction_pct"] == Decimal("75.00") and week["satisfaction_ok"] is False
    assert week["service_complaints_pct"] == Decimal("10.00")
    assert weekly["rows"][-1]["base"] == 1
    assert all(row["base"] == 0 for row in weekly["rows"][:-2])


def test_the_weeks_agree_with_the_department_report(org, manager, tech, tech2):
    _june_week(org, tech)
    visited(org, tech2, at(2026, 6, 16, 23, 59), late_onsite=True)
    weekly = dashboard.weekly_department(user=manager, today=WEDNESDAY)
    report = selectors.department(user=manager, month="2026-06")["total"]
    june = [row for row in weekly["rows"] if row["base"]]
    assert len(june) == 1
    for key in ("base", "on_time", "on_time_pct", "satisfaction_pct", "service_complaints_pct"):
        assert june[0][key] == report[key], key


def test_a_visit_at_midnight_in_shanghai_counts_in_the_week_it_is_in_there(org, manager, tech):
    visited(org, tech, at(2026, 6, 21, 23, 59))  # Sunday night: last week
    visited(org, tech, at(2026, 6, 22, 0, 0))  # Monday 00:00 (Sunday 16:00 UTC): this week
    weekly = dashboard.weekly_department(user=manager, today=WEDNESDAY)
    assert [row["base"] for row in weekly["rows"][-2:]] == [1, 1]


def test_a_closed_month_shows_its_frozen_figures_as_the_report_does(org, manager, tech):
    orders = _june_week(org, tech)
    services.month_close(by=manager, month="2026-06", now=at(2026, 7, 2))
    # a change after the close: the report keeps the frozen figure, and so does the dashboard
    type(orders[1]).all_objects.filter(pk=orders[1].pk).update(onsite_overdue=True)
    weekly = dashboard.weekly_department(user=manager, today=dt.date(2026, 7, 1))
    report = selectors.department(user=manager, month="2026-06")["total"]
    june = [row for row in weekly["rows"] if row["base"]]
    assert report["on_time"] == 9
    assert [(r["base"], r["on_time"]) for r in june] == [(10, 9)]


def test_on_time_panel_draws_the_department_target(client, org, manager, tech):
    now = timezone.localtime()
    monday = now.date() - dt.timedelta(days=now.date().weekday())
    visit = max(
        dt.datetime.combine(monday, dt.time(0, 30), tzinfo=now.tzinfo),
        now - dt.timedelta(hours=2),
    )
    for i in range(4):
        visited(org, tech, visit - dt.timedelta(minutes=i), late_onsite=i == 0)
    cfg = ScoringSettings.for_org(org)
    cfg.target_on_time = Decimal("95")
    cfg.save()

    client.force_login(manager)
    html = client.get(reverse("dashboard")).content.decode()
    data = panel_data(html, "performance-on-time")
    assert data["target"]["value"] == 95.0 and data["unit"] == "%"
    assert data["series"][0]["data"][-1] == 75.0  # three of four on time, this week
    assert reverse("performance:targets") in data["url"]
    # the numbers as a table: the week's rate and the target, readable without the chart
    section = html[html.index('id="panel-performance-on-time"') :]
    section = section[: section.index("</section>")]
    assert "<caption>" in section and "75.00%" in section and "95.00%" in section
    sat = panel_data(html, "performance-satisfaction")
    assert sat["target"]["value"] == 85.0
    complaints = panel_data(html, "performance-service-complaints")
    assert complaints["target"]["value"] == 3.0


def test_the_five_lowest_scores_of_the_month_show_lowest_first(client, org, other_org, manager):
    now = timezone.localtime()
    start = dt.datetime.combine(now.date().replace(day=1), dt.time(1), tzinfo=now.tzinfo)
    visit = max(start, now - dt.timedelta(hours=8))
    techs = [make_technician(org, name=f"师傅{i}") for i in range(6)]
    for i, tech in enumerate(techs):
        for k in range(5):
            visited(org, tech, visit + dt.timedelta(minutes=k), late_contact=k < i)
    stranger = make_technician(other_org, name="外人师傅")
    for k in range(5):
        visited(other_org, stranger, visit, late_contact=True, late_onsite=True)

    panel = dashboard.worst_technicians_panel(user=manager, month=now.date().replace(day=1))
    ranking = selectors.month_view(user=manager, month=now.date(), sort="total").rows
    assert [row[0] for row in panel.table["rows"]] == [r.name for r in ranking[:5]]
    names = [row[0] for row in panel.table["rows"]]
    assert len(names) == 5 and "师傅0" not in names  # the best of six is not among them
    totals = [row[1] for row in panel.table["rows"]]
    assert totals == sorted(totals) and totals[0] < ranking[-1].total

    client.force_login(manager)
    html = client.get(reverse("dashboard")).content.decode()
    data = panel_data(html, "performance-worst")
    assert data["categories"] == names and "外人师傅" not in html
    first = next(t for t in techs if t.name == names[0])
    assert reverse("performance:technician", args=[first.pk]) in data["urls"][0]


def test_another_organisations_visits_never_count_in_the_weeks(org, other_org, manager, tech):
    stranger = make_technician(other_org, name="外人师傅")
    visited(other_org, stranger, at(2026, 6, 23), late_onsite=True)
    weekly = dashboard.weekly_department(user=manager, today=WEDNESDAY)
    assert all(row["base"] == 0 for row in weekly["rows"])


def test_a_clerk_and_a_technician_get_no_trend_panels(make_user, tech):
    now = timezone.now()
    assert dashboard.manager_panels(user=make_user("technician"), now=now) is None
