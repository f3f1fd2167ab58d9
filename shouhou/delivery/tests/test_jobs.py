"""The daily job is set-based and idempotent."""

import datetime as dt

import pytest

from shouhou.delivery import jobs, services
from shouhou.delivery.models import DeliveryTask

from .conftest import SHANGHAI
from .factories import make_contract

pytestmark = pytest.mark.django_db


def test_running_the_daily_job_twice_raises_each_task_once(sales, supervisor, crew, store):
    near = services.delivery_schedule(
        by=sales, contract=make_contract(sales, store), scheduled_date="2026-09-15"
    )
    services.delivery_assign(by=supervisor, delivery=near, crew=crew, vehicle="京A1")
    services.workshop_request_create(by=supervisor, delivery=near, description="修补")
    far = services.delivery_schedule(
        by=sales, contract=make_contract(sales, store), scheduled_date="2026-09-30"
    )
    assert far.reconfirm_due_on == dt.date(2026, 9, 16)
    now = dt.datetime(2026, 9, 14, 1, tzinfo=SHANGHAI)
    first = jobs.daily(now)
    assert first == {"reconfirm": 0, "day_before": 1, "storage_limit": 0, "workshop_late": 1}
    assert jobs.daily(now) == {
        "reconfirm": 0,
        "day_before": 0,
        "storage_limit": 0,
        "workshop_late": 0,
    }
    task = DeliveryTask.objects.get(kind="day_before")
    assert task.assigned_to == crew.user and task.due_on == dt.date(2026, 9, 14)
    # Two days later the far delivery's re-confirmation is due.
    assert jobs.daily(dt.datetime(2026, 9, 16, 1, tzinfo=SHANGHAI))["reconfirm"] == 1


def test_the_job_ignores_cancelled_deliveries(sales, store):
    d = services.delivery_schedule(
        by=sales, contract=make_contract(sales, store), scheduled_date="2026-09-15"
    )
    services.delivery_cancel(by=sales, delivery=d, reason="取消")
    assert sum(jobs.daily(dt.datetime(2026, 9, 14, 1, tzinfo=SHANGHAI)).values()) == 0


def test_settings_change_the_deadlines(sales, store):
    cfg = services.settings_for(sales.organisation)
    cfg.reconfirm_lead_days, cfg.workshop_due_working_days = 7, 1
    cfg.callback_offsets = "2d,2m"
    cfg.save()
    d = services.delivery_schedule(
        by=sales, contract=make_contract(sales, store), scheduled_date="2026-10-09"
    )
    assert d.reconfirm_due_on == dt.date(2026, 9, 30)  # 2 Oct is a holiday -> 30 Sep
    assert d.workshop_due_on == dt.date(2026, 10, 8)
    assert services.callback_offsets(sales.organisation) == ["2d", "2m"]
    assert cfg.history.count() == 2


def test_the_crew_confirmation_lead_is_an_organisation_setting(sales, crew, supervisor, store):
    """Default: the day before (seed 003). Set to 3: the task comes 3 days before, and the
    default still holds for an organisation that did not change it."""
    d = services.delivery_schedule(
        by=sales, contract=make_contract(sales, store), scheduled_date="2026-09-17"
    )
    services.delivery_assign(by=supervisor, delivery=d, crew=crew, vehicle="京A1")
    monday = dt.datetime(2026, 9, 14, 1, tzinfo=SHANGHAI)
    assert jobs.daily(monday)["day_before"] == 0
    cfg = services.settings_for(sales.organisation)
    cfg.crew_confirm_lead_days = 3
    cfg.save()
    assert jobs.daily(monday)["day_before"] == 1
    task = DeliveryTask.objects.get(kind="day_before")
    assert task.delivery == d and task.due_on == dt.date(2026, 9, 14)
    assert task.assigned_to == crew.user
    cfg.crew_confirm_lead_days = 1
    cfg.save()
    DeliveryTask.objects.all().delete()
    assert jobs.daily(monday)["day_before"] == 0
    assert jobs.daily(dt.datetime(2026, 9, 16, 1, tzinfo=SHANGHAI))["day_before"] == 1
    assert DeliveryTask.objects.get(kind="day_before").due_on == dt.date(2026, 9, 16)
