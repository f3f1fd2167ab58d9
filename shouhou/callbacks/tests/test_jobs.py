"""The daily job: holiday and birthday greetings and the after-service safety net — set-based,
idempotent, on the official 2026 calendar (Mid-Autumn starts Friday 25 Sep, National Day
Thursday 1 Oct, Spring Festival Sunday 15 Feb)."""

import datetime as dt
from zoneinfo import ZoneInfo

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from shouhou.callbacks import jobs
from shouhou.callbacks import services as cs
from shouhou.callbacks.models import CallbackTask
from shouhou.customers.models import Customer
from shouhou.workorders import states
from shouhou.workorders.models import WorkOrder

from .tasks_factories import at, make_customer

pytestmark = pytest.mark.django_db
SH = ZoneInfo("Asia/Shanghai")
D = dt.date


def run(day: D, hour=2):
    return jobs.daily(dt.datetime(day.year, day.month, day.day, hour, tzinfo=SH))


def member(org, *, birthday=None, is_member=True, mobile=None, name="李明"):
    c = make_customer(org, name=name)
    Customer.all_objects.filter(pk=c.pk).update(
        is_member=is_member, birthday=birthday, mobile=c.mobile if mobile is None else mobile
    )
    c.refresh_from_db()
    return c


def _rows():
    return list(
        CallbackTask.all_objects.order_by("source_key").values(
            "organisation_id", "customer_id", "work_order_id", "kind", "occasion",
            "available_on", "due_on", "status", "source_key",
        )
    )  # fmt: skip


def test_a_mid_autumn_greeting_for_every_member_due_on_the_first_day(org):
    a, b = member(org), member(org)
    member(org, is_member=False)
    assert run(D(2026, 9, 21))["holiday_greetings"] == 0  # 25 Sep is 4 days ahead
    counts = run(D(2026, 9, 22))
    assert counts["holiday_greetings"] == 2
    tasks = CallbackTask.all_objects.filter(kind="holiday_greeting").order_by("customer_id")
    assert [t.customer_id for t in tasks] == [a.pk, b.pk]
    for t in tasks:
        assert (t.occasion, t.available_on, t.due_on) == ("中秋节", D(2026, 9, 22), D(2026, 9, 25))
        assert t.source_key == f"greeting:中秋节:2026-09-25:{t.customer_id}"
        assert t.status == "open" and t.assigned_to is None


def test_running_the_job_twice_gives_the_same_rows(org):
    member(org, birthday=D(1980, 9, 24))
    member(org)
    member(org, is_member=False, birthday=D(1975, 9, 23))
    first = run(D(2026, 9, 22))
    rows = _rows()
    assert first == {"holiday_greetings": 2, "birthday_greetings": 1, "after_service": 0}
    assert run(D(2026, 9, 22), hour=8) == {
        "holiday_greetings": 0,
        "birthday_greetings": 0,
        "after_service": 0,
    }
    assert run(D(2026, 9, 23)) == {
        "holiday_greetings": 0,
        "birthday_greetings": 0,
        "after_service": 0,
    }
    assert _rows() == rows


def test_a_closed_greeting_is_not_created_again(org):
    member(org)
    run(D(2026, 9, 22))
    CallbackTask.all_objects.update(status="skipped")
    run(D(2026, 9, 24))
    assert CallbackTask.all_objects.count() == 1
    assert CallbackTask.all_objects.get().status == "skipped"


def test_national_day_follows_mid_autumn_with_its_own_greeting(org):
    c = member(org)
    run(D(2026, 9, 22))
    run(D(2026, 9, 28))
    keys = set(CallbackTask.all_objects.values_list("source_key", flat=True))
    assert keys == {f"greeting:中秋节:2026-09-25:{c.pk}", f"greeting:国庆节:2026-10-01:{c.pk}"}


def test_only_the_configured_holidays_and_lead_days_count(org):
    member(org)
    cfg = cs.settings_for(org)
    cfg.greeting_holidays = "春节"
    cfg.greeting_lead_days = 7
    cfg.save()
    assert run(D(2026, 9, 22))["holiday_greetings"] == 0
    assert run(D(2026, 2, 8))["holiday_greetings"] == 1
    t = CallbackTask.all_objects.get()
    assert (t.occasion, t.available_on, t.due_on) == ("春节", D(2026, 2, 8), D(2026, 2, 15))


def test_every_customer_with_a_mobile_when_greetings_are_not_for_members_only(org):
    member(org)
    member(org, is_member=False)
    member(org, is_member=False, mobile="")  # no number: nobody to greet
    cfg = cs.settings_for(org)
    cfg.greeting_members_only = False
    cfg.save()
    assert run(D(2026, 9, 22))["holiday_greetings"] == 2


def test_birthdays_in_the_window_and_29_february_in_a_year_without_it(org):
    leap = member(org, birthday=D(1992, 2, 29))
    march = member(org, birthday=D(1988, 3, 1))
    member(org, birthday=D(1990, 3, 5))  # outside the window
    member(org, birthday=D(1990, 2, 28), is_member=False)  # not a member
    assert run(D(2027, 2, 26))["birthday_greetings"] == 2
    got = {
        t.customer_id: (t.occasion, t.available_on, t.due_on, t.source_key)
        for t in CallbackTask.all_objects.filter(kind="birthday_greeting")
    }
    assert got == {
        leap.pk: ("birthday", D(2027, 2, 25), D(2027, 2, 28), f"birthday:2027:{leap.pk}"),
        march.pk: ("birthday", D(2027, 2, 26), D(2027, 3, 1), f"birthday:2027:{march.pk}"),
    }


def test_a_birthday_early_in_january_is_greeted_in_the_new_year(org):
    c = member(org, birthday=D(1970, 1, 1))
    run(D(2026, 12, 30))
    t = CallbackTask.all_objects.get(kind="birthday_greeting")
    assert t.source_key == f"birthday:2027:{c.pk}" and t.due_on == D(2027, 1, 1)


def test_birthday_greetings_can_be_switched_off(org):
    member(org, birthday=D(1980, 9, 24))
    cfg = cs.settings_for(org)
    cfg.birthday_greetings = False
    cfg.save()
    assert run(D(2026, 9, 22))["birthday_greetings"] == 0


def test_each_organisation_greets_its_own_customers_with_its_own_settings(org, other_org):
    a = member(org)
    b = member(other_org)
    cfg = cs.settings_for(other_org)
    cfg.greeting_holidays = "国庆节"
    cfg.save()
    run(D(2026, 9, 22))
    assert list(CallbackTask.all_objects.values_list("organisation_id", "customer_id")) == [
        (org.pk, a.pk)
    ]
    run(D(2026, 9, 28))
    assert CallbackTask.all_objects.get(customer=b).organisation_id == other_org.pk


def test_the_greetings_are_written_in_batches_with_queries_independent_of_the_customers(
    org, settings, monkeypatch
):
    settings.SHOUHOU_ORG_CACHE_CHECK_SECONDS = 3600  # the calendar stays cached
    run(D(2026, 9, 1))  # settings and calendar loaded
    for _ in range(3):
        member(org)
    with CaptureQueriesContext(connection) as few:
        run(D(2026, 9, 22))
    CallbackTask.all_objects.all().delete()
    for _ in range(12):
        member(org)
    with CaptureQueriesContext(connection) as many:
        run(D(2026, 9, 22))
    assert CallbackTask.all_objects.count() == 15
    assert len(many) == len(few)
    # Batches of 5 (instead of 5,000): every member once, a few statements per batch.
    CallbackTask.all_objects.all().delete()
    monkeypatch.setattr(jobs, "BATCH", 5)
    assert run(D(2026, 9, 22))["holiday_greetings"] == 15
    assert CallbackTask.all_objects.values("customer").distinct().count() == 15


def _completed(org, customer, when, *, status=states.DONE, no_callback=False, seq=1):
    return WorkOrder.all_objects.create(
        organisation=org,
        number=f"T{customer.pk}-{seq}",
        kind="repair",
        source="hotline",
        status=status,
        customer=customer,
        received_at=when - dt.timedelta(days=1),
        completed_at=when,
        dispatch_seq=seq,
        no_callback=no_callback,
    )


def test_the_safety_net_gives_recent_completed_orders_their_after_service_callback(org):
    c = make_customer(org)
    # Completed on Wednesday 30 Sep (imported, say): no task was written at the time.
    missing = _completed(org, c, at(2026, 9, 30, 15))
    confirmed = _completed(org, make_customer(org), at(2026, 10, 8, 9), status=states.CONFIRMED)
    _completed(org, make_customer(org), at(2026, 10, 8, 10), no_callback=True)
    _completed(org, make_customer(org), at(2026, 9, 24, 10))  # its callback is past due
    _completed(org, make_customer(org), at(2026, 10, 8, 11), status=states.CANCELLED)
    counts = run(D(2026, 10, 9))
    assert counts["after_service"] == 2
    got = {
        t.work_order_id: (t.source_key, t.available_on, t.due_on)
        for t in CallbackTask.all_objects.filter(kind="after_service")
    }
    assert got == {
        missing.pk: (f"workorder:{missing.pk}:service:1", D(2026, 10, 8), D(2026, 10, 10)),
        confirmed.pk: (f"workorder:{confirmed.pk}:service:1", D(2026, 10, 9), D(2026, 10, 12)),
    }
    assert run(D(2026, 10, 9), hour=8)["after_service"] == 0


def test_the_safety_net_does_not_duplicate_the_task_written_on_completion(org):
    from shouhou.callbacks.services import callback_task_for_service

    order = _completed(org, make_customer(org), at(2026, 3, 9, 15))
    callback_task_for_service(order=order, completed_at=order.completed_at)
    assert run(D(2026, 3, 10))["after_service"] == 0
    assert CallbackTask.all_objects.filter(work_order=order).count() == 1


def test_the_job_is_registered_and_creates_missing_settings(org):
    from shouhou.callbacks.models import CallbackSettings
    from shouhou.jobs import job_by_name

    assert job_by_name("callbacks.daily").load() is jobs.daily
    CallbackSettings.objects.all().delete()
    run(D(2026, 9, 22))
    assert CallbackSettings.objects.filter(organisation=org).exists()
