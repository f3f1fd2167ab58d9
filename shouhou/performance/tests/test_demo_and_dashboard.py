import datetime as dt
from types import SimpleNamespace

import pytest
from django.utils import timezone

from shouhou.performance import demo, figures, selectors
from shouhou.performance.models import BonusStep, MonthClose, ScoreTier, ScoringSettings

from .factories import visited

pytestmark = pytest.mark.django_db


def test_the_demo_writes_the_default_scoring_once_and_closes_nothing(org, other_org):
    ctx = SimpleNamespace(orgs={"jiancai": org, "jiaju": other_org})
    demo.seed(ctx)
    demo.seed(ctx)
    assert ScoringSettings.objects.count() == 2
    assert ScoreTier.all_objects.filter(organisation=org).count() == 15
    assert BonusStep.all_objects.filter(organisation=org).count() == 5
    assert not MonthClose.all_objects.exists()


def test_a_technician_sees_this_months_score_on_the_dashboard(client, org, tech):
    now = timezone.localtime()
    start, _end = figures.month_bounds(now.date().replace(day=1))
    visit = max(start + dt.timedelta(hours=1), now - dt.timedelta(hours=3))
    visited(org, tech, visit)
    client.force_login(tech.user)
    html = client.get("/").content.decode()
    assert "/performance/me/" in html and "5.00" in html


def test_a_manager_is_told_when_last_month_is_not_closed(manager):
    (card,) = selectors.dashboard_cards(user=manager)
    assert card["alert"] is True and "month=" in card["url"]


def test_roles_without_access_get_no_card(make_user):
    assert selectors.dashboard_cards(user=make_user("warehouse_keeper")) == []


def test_the_demo_history_fills_three_past_months_closes_the_older_two_and_runs_once(
    org, store, tech, tech2
):
    from shouhou.callbacks.models import CallbackRecord, CallbackTask
    from shouhou.complaints.models import Case
    from shouhou.performance.models import MonthOrder, TechnicianMonth
    from shouhou.workorders.models import MissedService, WorkOrder

    from .factories import make_customer, make_technician

    delivery_only = make_technician(org, kinds=("delivery",))
    customers = [make_customer(org, store=store) for _ in range(5)]
    today = timezone.localdate()
    ctx = SimpleNamespace(
        orgs={"jiancai": org},
        staff={"jiancai": [tech, tech2, delivery_only]},
        customers={"jiancai": customers},
        today=today,
    )
    demo.seed(ctx)
    history = WorkOrder.all_objects.filter(organisation=org, number__startswith=demo.PREFIX)
    counts = {t.pk: history.filter(technician=t).count() for t in (tech, tech2, delivery_only)}
    months = demo.history_months(today)
    assert counts[delivery_only.pk] == 0
    for t in (tech, tech2):
        for month in months:
            start, end = figures.month_bounds(month)
            n = history.filter(technician=t, arrived_at__gte=start, arrived_at__lt=end).count()
            assert 15 <= n <= 40
    assert not history.exclude(status="closed").exists()
    assert CallbackRecord.all_objects.filter(work_order__in=history).exists()
    assert not CallbackTask.all_objects.filter(work_order__in=history).exists()
    cases = Case.all_objects.filter(work_order__in=history, kind="complaint")
    assert 3 <= cases.count() <= 6
    assert set(
        MissedService.all_objects.filter(order__in=history).values_list("order_id", flat=True)
    ) <= set(history.filter(missed_service=True).values_list("pk", flat=True))

    # the two older months are closed by the month-end code, the last one is left open
    older, last = months[:2], months[2]
    for month in older:
        mc = MonthClose.all_objects.get(organisation=org, month=month)
        assert mc.is_closed and mc.closed_by is None
        start, end = figures.month_bounds(month)
        in_month = history.filter(arrived_at__gte=start, arrived_at__lt=end).count()
        assert MonthOrder.all_objects.filter(organisation=org, month=month).count() == in_month
        assert TechnicianMonth.all_objects.filter(month_close=mc).count() == 2
    assert not MonthClose.all_objects.filter(organisation=org, month=last, status="closed").exists()

    # a second run writes nothing and closes nothing again
    before = (
        history.count(),
        CallbackRecord.all_objects.count(),
        Case.all_objects.count(),
        MissedService.all_objects.count(),
        TechnicianMonth.all_objects.count(),
    )
    demo.seed(ctx)
    assert before == (
        history.count(),
        CallbackRecord.all_objects.count(),
        Case.all_objects.count(),
        MissedService.all_objects.count(),
        TechnicianMonth.all_objects.count(),
    )
    assert sum(counts.values()) == before[0]
