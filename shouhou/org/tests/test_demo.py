"""`make demo` seeds every app whole, at whatever hour it is run, and tells a story without
duplicates."""

import datetime as dt
import logging
from zoneinfo import ZoneInfo

import pytest
import time_machine
from django.core.management import call_command
from django.db.models import Count
from django.utils import timezone

from shouhou.workorders.models import WorkOrder

pytestmark = pytest.mark.django_db


def test_the_demo_seeds_every_app_whole_before_dawn_in_shanghai_and_repeats_no_open_order(caplog):
    # 05:30 in Shanghai is still yesterday in UTC: a demo that walks orders "a few hours ago"
    # with staff whose permits it issued "today" stopped half-way at that hour.
    shanghai = ZoneInfo("Asia/Shanghai")
    dawn = dt.datetime.combine(timezone.localdate(), dt.time(5, 30), tzinfo=shanghai)
    with time_machine.travel(dawn, tick=True), caplog.at_level(logging.WARNING, logger="shouhou"):
        call_command("seed_demo", verbosity=0)

    assert [r.getMessage() for r in caplog.records if r.name.startswith("shouhou")] == []
    alike = (
        WorkOrder.all_objects.exclude(status__in=["closed", "cancelled"])
        .values("organisation_id", "customer_id", "kind", "description")
        .annotate(n=Count("pk"))
        .filter(n__gt=1)
    )
    assert list(alike) == []
