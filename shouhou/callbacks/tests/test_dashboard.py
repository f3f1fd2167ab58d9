"""The desk's callbacks panel: the callbacks due today (mine and unassigned, the overdue ones),
my first calls, my calls done today against yesterday; never another organisation's tasks."""

import datetime as dt
import json
import re

import pytest
from django.urls import reverse
from django.utils import timezone

from shouhou.callbacks import dashboard
from shouhou.callbacks.models import CallbackTask

from .tasks_factories import make_customer, make_task

pytestmark = pytest.mark.django_db


def test_the_clerk_sees_the_callbacks_due_today(client, org, other_org, clerk, make_user):
    today = timezone.localdate()
    colleague = make_user("call_centre")
    make_task(org, assigned_to=clerk, customer=make_customer(org, name="今天回访甲"))
    make_task(
        org,
        assigned_to=clerk,
        due_on=today - dt.timedelta(days=2),
        customer=make_customer(org, name="逾期回访乙"),
    )
    make_task(org, assigned_to=clerk, due_on=today + dt.timedelta(days=3))  # not yet
    make_task(org)  # nobody's, due today
    make_task(org, assigned_to=colleague)  # a colleague's
    make_task(other_org, customer=make_customer(other_org, name="别家回访"))
    done = make_task(org, assigned_to=clerk, status=CallbackTask.Status.DONE)
    CallbackTask.all_objects.filter(pk=done.pk).update(closed_at=timezone.now())

    n = dashboard.due_counts(user=clerk, today=today)
    assert (n["mine_today"], n["mine_overdue"], n["pool_today"], n["pool_overdue"]) == (2, 1, 1, 0)
    assert (n["done_today"], n["done_yesterday"]) == (1, 0)

    client.force_login(clerk)
    html = client.get(reverse("dashboard")).content.decode()
    m = re.search(r'<script id="panel-callbacks-today-data" type="application/json">(.*?)<', html)
    chart = json.loads(m.group(1))
    assert [s["data"] for s in chart["series"]] == [[2, 1], [1, 0]]
    assert "今天回访甲" in html and "逾期回访乙" in html and "别家回访" not in html
    assert chart["urls"][1].endswith("?view=unassigned")


def test_a_technician_gets_no_callbacks_panel(make_user):
    assert dashboard.desk_panels(user=make_user("technician"), now=timezone.now()) is None
