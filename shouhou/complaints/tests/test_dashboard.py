"""The complaints panel of the manager's dashboard: complaints by cause category this month
against last month, the same counts as the monthly statistics, never another organisation's."""

import datetime as dt
import json
import re

import pytest
from django.urls import reverse
from django.utils import timezone

from shouhou.complaints import dashboard, selectors, services
from shouhou.complaints.models import Case, ComplaintCause
from shouhou.core import dates

pytestmark = pytest.mark.django_db


def _complaint(by, customer, cause=None, *, month_ago=False):
    case = services.case_register(
        by=by, kind="complaint", customer=customer, description="师傅迟到", cause=cause
    )
    if month_ago:
        this = timezone.localdate().replace(day=1)
        last = dates.add_months(this, -1)
        when = dt.datetime.combine(last + dt.timedelta(days=9), dt.time(10), tzinfo=dt.UTC)
        Case.all_objects.filter(pk=case.pk).update(created_at=when)
    return case


def test_complaints_by_cause_compare_this_month_with_last_month(
    client, clerk, cs_manager, customer, org, other_org
):
    services.complaints_ensure_defaults(org)
    services.complaints_ensure_defaults(other_org)
    cause = {c.code: c for c in ComplaintCause.objects.filter(organisation=org)}
    for _ in range(2):
        _complaint(clerk, customer, cause["installation"])
    _complaint(clerk, customer, cause["installation"], month_ago=True)
    _complaint(clerk, customer, cause["product_quality"], month_ago=True)
    _complaint(clerk, customer)  # not classified
    Case.all_objects.create(  # an exchange is not a complaint
        organisation=org, number="HH001", kind="exchange", customer=customer, description="换货"
    )

    month = timezone.localdate().replace(day=1)
    data = dashboard.causes_by_month(user=cs_manager, month=month)
    by_name = dict(zip(data["causes"], zip(data["last"], data["this"], strict=True), strict=True))
    assert by_name[cause["installation"].name] == (1, 2)
    assert by_name[cause["product_quality"].name] == (1, 0)
    assert len(data["causes"]) == len(cause) + 1  # and "not classified" last
    assert (data["last"][-1], data["this"][-1]) == (0, 1)
    assert sum(data["this"]) == 3 and sum(data["last"]) == 2

    # the same counts as the monthly statistics of each month
    for m, counts in ((month, data["this"]), (dates.add_months(month, -1), data["last"])):
        stats = selectors.monthly_statistics(organisation=org, month=m)
        shown = [c["count"] for c in stats["causes"]]  # "not classified" only when some are
        assert shown == counts[: len(shown)] and not any(counts[len(shown) :])

    client.force_login(cs_manager)
    html = client.get(reverse("dashboard")).content.decode()
    m = re.search(r'<script id="panel-complaints-causes-data" type="application/json">(.*?)<', html)
    chart = json.loads(m.group(1))
    assert [s["name"] for s in chart["series"]] == [
        f"{dates.add_months(month, -1):%Y-%m}",
        f"{month:%Y-%m}",
    ]
    assert chart["series"][1]["data"] == data["this"]
    assert chart["categories"].count(cause["installation"].name) == 1  # not the other org's
    assert reverse("complaints:statistics") in chart["url"]
    assert "↑ +1" in html  # three complaints this month against two


def test_a_clerk_sees_no_complaint_trend(client, clerk):
    client.force_login(clerk)
    html = client.get(reverse("dashboard")).content.decode()
    assert "panel-complaints-causes" not in html
