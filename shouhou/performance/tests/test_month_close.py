"""Month-end: closing freezes the figures, closing twice is refused, re-opening needs a manager
and a reason, exclusions only before the close; the job closes ended months once."""

import datetime as dt
from decimal import Decimal

import pytest
from django.utils import timezone

from shouhou.core.errors import Conflict, InvalidTransition, PermissionDeniedError, ValidationFailed
from shouhou.core.models import AuditEvent
from shouhou.performance import jobs, selectors, services
from shouhou.performance.models import (
    MonthClose,
    MonthEvent,
    MonthOrder,
    TechnicianMonth,
)

from .factories import at, callback, complaint, visited

pytestmark = pytest.mark.django_db
JUNE = dt.date(2026, 6, 1)


@pytest.fixture
def june(org, tech, tech2):
    d = at(2026, 6, 10)
    for i in range(20):
        visited(org, tech, d + dt.timedelta(hours=i), late_contact=i == 0)
    for i in range(10):
        o = visited(org, tech2, d + dt.timedelta(hours=i))
        if i < 2:
            callback(o, satisfaction=1)
    return d


def _rows(user, month="2026-06"):
    return [
        (r.technician_id, r.base, r.total, r.bonus_base)
        for r in selectors.month_view(user=user, month=month).rows
    ]


def test_closing_freezes_the_same_figures_the_live_month_showed(org, manager, june, tech):
    live = _rows(manager)
    mc = services.month_close(by=manager, month="2026-06")
    assert mc.is_closed and mc.closed_by == manager
    assert _rows(manager) == live
    assert TechnicianMonth.all_objects.filter(month_close=mc).count() == 2
    assert MonthOrder.all_objects.filter(organisation=org, month=JUNE).count() == 30
    row = TechnicianMonth.all_objects.get(month_close=mc, technician=tech)
    assert (row.base, row.not_contacted, row.rate_not_contacted, row.score_not_contacted) == (
        20,
        1,
        Decimal("5.0000"),
        Decimal("3.00"),
    )
    assert mc.scheme["weights"]["complaint"] == "30.00"
    event = MonthEvent.all_objects.get(month_close=mc)
    assert (event.action, event.technicians, event.orders) == ("closed", 2, 30)
    assert AuditEvent.all_objects.filter(action="shouhou.performance_month.closed").count() == 1


def test_a_closed_month_no_longer_moves_when_the_orders_change(org, manager, june, tech):
    services.month_close(by=manager, month="2026-06")
    before = _rows(manager)
    complaint(visited(org, tech, at(2026, 6, 29)))
    assert _rows(manager) == before
    assert selectors.month_view(user=manager, month="2026-06").closed


def test_closing_a_closed_month_is_a_conflict(manager, june):
    services.month_close(by=manager, month="2026-06")
    with pytest.raises(Conflict) as err:
        services.month_close(by=manager, month="2026-06")
    assert err.value.status == 409 and "2026-06" in str(err.value.message)
    assert MonthEvent.all_objects.count() == 1


def test_a_month_that_has_not_ended_cannot_be_closed(manager):
    this = timezone.localdate().replace(day=1)
    with pytest.raises(InvalidTransition):
        services.month_close(by=manager, month=this)
    assert not MonthClose.all_objects.exists()


def test_only_a_manager_closes_or_reopens(clerk, finance, june):
    for user in (clerk, finance):
        with pytest.raises(PermissionDeniedError):
            services.month_close(by=user, month="2026-06")
    assert not MonthClose.all_objects.exists()


def test_reopening_needs_a_reason_and_is_logged(org, manager, june, clerk):
    services.month_close(by=manager, month="2026-06")
    with pytest.raises(ValidationFailed) as err:
        services.month_reopen(by=manager, month="2026-06", reason="  ")
    assert "reason" in err.value.fields
    with pytest.raises(PermissionDeniedError):
        services.month_reopen(by=clerk, month="2026-06", reason="错误")
    assert MonthClose.all_objects.get().is_closed
    totals = [str(r[2]) for r in _rows(manager)]
    mc = services.month_reopen(by=manager, month="2026-06", reason="投诉判定有误，需剔除")
    assert not mc.is_closed and mc.reopen_count == 1 and mc.reopened_by == manager
    assert not TechnicianMonth.all_objects.exists()
    assert not MonthOrder.all_objects.exists()
    event = MonthEvent.all_objects.get(action="reopened")
    assert event.reason == "投诉判定有误，需剔除"
    assert sorted(f[1] for f in event.figures) == sorted(totals)
    assert AuditEvent.all_objects.filter(action="shouhou.performance_month.reopened").exists()
    # closed again by a manager: frozen again
    services.month_close(by=manager, month="2026-06")
    assert TechnicianMonth.all_objects.count() == 2


def test_reopening_an_open_month_is_a_conflict(manager, june):
    with pytest.raises(InvalidTransition):
        services.month_reopen(by=manager, month="2026-06", reason="x")


def test_the_job_closes_the_month_that_ended_once(org, june, manager):
    now = at(2026, 7, 1, 0, 30)
    first = jobs.close_months(now)
    assert first["months_closed"] == 1 and first["technicians"] == 2 and first["orders"] == 30
    mc = MonthClose.all_objects.get(organisation=org, month=JUNE)
    assert mc.is_closed and mc.closed_by is None
    second = jobs.close_months(now + dt.timedelta(hours=6))
    assert second == {"organisations": 0, "months_closed": 0, "technicians": 0, "orders": 0}
    assert TechnicianMonth.all_objects.count() == 2
    assert MonthEvent.all_objects.count() == 1


def test_the_job_does_not_close_the_running_month(org, june):
    jobs.close_months(at(2026, 6, 30, 23, 59))
    assert not MonthClose.all_objects.filter(month=JUNE, status="closed").exists()


def test_the_job_leaves_a_month_a_manager_reopened(org, june, manager):
    jobs.close_months(at(2026, 7, 1, 1))
    services.month_reopen(by=manager, month="2026-06", reason="重新核对")
    jobs.close_months(at(2026, 7, 1, 7))
    assert not MonthClose.all_objects.get(month=JUNE).is_closed


def test_the_job_catches_up_on_months_it_missed(org, tech):
    visited(org, tech, at(2026, 4, 10))
    visited(org, tech, at(2026, 6, 10))
    result = jobs.close_months(at(2026, 7, 2))
    assert result["months_closed"] == 3  # April, May (no orders), June
    assert set(MonthClose.all_objects.values_list("month", flat=True)) == {
        dt.date(2026, 4, 1),
        dt.date(2026, 5, 1),
        JUNE,
    }


def test_the_job_waits_the_configured_working_days(org, june):
    cfg = services.settings_for(org)
    cfg.close_after_working_days = 2
    cfg.save()
    # 30 June 2026 is a Tuesday: two working days later is Thursday 2 July
    jobs.close_months(at(2026, 7, 1, 10))
    assert not MonthClose.all_objects.filter(month=JUNE).exists()
    jobs.close_months(at(2026, 7, 2, 10))
    assert MonthClose.all_objects.get(month=JUNE).is_closed


def test_the_registered_job_runs(org, june):
    from shouhou.core.jobrunner import run_job
    from shouhou.jobs import job_by_name

    run = run_job(job_by_name("performance.close_months"), now=at(2026, 7, 1, 3))
    assert run.ok, run.error
    assert run.result["months_closed"] >= 1
