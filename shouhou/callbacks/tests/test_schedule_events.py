"""The events that create and cancel callback tasks, with real dates of the 2026 calendar:
a delivery signed on Wednesday 30 September (the National Day week 1-7 Oct follows, Saturday
10 Oct is a make-up working day), a service completed the same day, orders and deliveries
cancelled."""

import datetime as dt
from zoneinfo import ZoneInfo

import pytest
import time_machine

from shouhou.callbacks import services as cs
from shouhou.callbacks.models import CallbackTask
from shouhou.core.models import AuditEvent
from shouhou.delivery import services as ds
from shouhou.delivery.tests.factories import SIGNATURE, full_checklist, make_contract, make_crew
from shouhou.workorders import services as wo
from shouhou.workorders.jobs import sweep

from .tasks_factories import at, completed_order, make_customer, make_task, make_technician

pytestmark = pytest.mark.django_db
SH = ZoneInfo("Asia/Shanghai")
D = dt.date


@pytest.fixture
def travel():
    with time_machine.travel(dt.datetime(2026, 9, 14, 10, tzinfo=SH), tick=False) as t:
        yield t


@pytest.fixture
def desk(make_user, store):
    return make_user("service_desk", store=store)


@pytest.fixture
def tech(org):
    return make_technician(org, name="王师傅")


@pytest.fixture
def customer(org, store):
    return make_customer(org, store=store)


def _deliver(travel, sales, supervisor, crew_user, contract, day: D):
    crew = make_crew(crew_user)
    d = ds.delivery_schedule(by=sales, contract=contract, scheduled_date=day.isoformat())
    ds.delivery_workshop_done(by=supervisor, delivery=d)
    d = ds.delivery_assign(by=supervisor, delivery=d, crew=crew, vehicle="京A12345")
    travel.move_to(dt.datetime(day.year, day.month, day.day, 9, tzinfo=SH))
    d = ds.delivery_load(by=crew_user, delivery=d, lines=full_checklist(contract), tool_kit=True)
    d = ds.delivery_depart(by=crew_user, delivery=d)
    d = ds.delivery_collect_balance(
        by=crew_user, delivery=d, amount=str(contract.balance_due), method="cash",
        receipt_no="SJ-1",
    )  # fmt: skip
    return ds.delivery_complete(
        by=crew_user, delivery=d, signature=SIGNATURE, signer_name=contract.customer.name,
        satisfaction=5,
    )  # fmt: skip


def test_a_delivery_on_30_september_gets_its_callbacks_after_the_national_day_week(
    travel, make_user, store
):
    sales = make_user("sales", store=store)
    supervisor = make_user("cs_supervisor", store=store)
    crew_user = make_user("delivery_crew", store=store)
    contract = make_contract(sales, store)
    d = _deliver(travel, sales, supervisor, crew_user, contract, D(2026, 9, 30))
    tasks = CallbackTask.objects.filter(delivery=d).order_by("due_on")
    got = [(t.occasion, t.available_on, t.due_on) for t in tasks]
    assert got == [
        # 3 working days: 8 Oct (Thu), 9 Oct (Fri), 10 Oct (the make-up Saturday); callable from
        # the first working day after the delivery.
        ("3d", D(2026, 10, 8), D(2026, 10, 10)),
        # Calendar months, on a working day: 30 Oct (Fri), 30 Dec (Wed), 30 Mar 2027 (Tue).
        ("1m", None, D(2026, 10, 30)),
        ("3m", None, D(2026, 12, 30)),
        ("6m", None, D(2027, 3, 30)),
    ]
    assert {t.kind for t in tasks} == {"after_delivery"}
    assert all(t.customer_id == contract.customer_id and t.status == "open" for t in tasks)


def test_a_completed_service_gets_its_callback_within_three_working_days(desk, tech, customer):
    order = completed_order(
        desk, tech, customer, appointment_at=at(2026, 9, 29, 9), completed_at=at(2026, 9, 30, 11)
    )
    task = CallbackTask.all_objects.get(work_order=order, kind="after_service")
    assert task.source_key == f"workorder:{order.pk}:service:{order.dispatch_seq}"
    assert (task.available_on, task.due_on) == (D(2026, 10, 8), D(2026, 10, 10))
    assert task.customer == customer and task.occasion == "3d" and task.status == "open"
    assert AuditEvent.all_objects.filter(
        action="shouhou.callback_task.created", object_id=str(task.pk), actor=tech.user
    ).exists()


def test_no_after_service_callback_when_the_order_asks_for_none_or_the_rule_is_off(
    org, desk, tech, customer
):
    from shouhou.workorders.models import WorkOrder

    order = completed_order(
        desk, tech, customer, appointment_at=at(2026, 3, 10, 9), completed_at=at(2026, 3, 10, 11)
    )
    assert CallbackTask.all_objects.filter(work_order=order, kind="after_service").count() == 1

    other = make_customer(org)
    order = wo.workorder_intake(
        by=desk, customer=other, source="hotline", kind="repair", description="漏水",
        now=at(2026, 3, 9, 9),
    ).order  # fmt: skip
    order = wo.workorder_dispatch(by=desk, order=order, technician=tech, now=at(2026, 3, 9, 9))
    WorkOrder.all_objects.filter(pk=order.pk).update(no_callback=True)
    order = wo.workorder_arrive(by=tech.user, order=order, now=at(2026, 3, 9, 10))
    order = wo.workorder_complete(by=tech.user, order=order, findings="", work_done="修好")
    assert not CallbackTask.all_objects.filter(work_order=order, kind="after_service").exists()

    cfg = cs.settings_for(org)
    cfg.after_service_enabled = False
    cfg.save()
    third = completed_order(
        desk, tech, make_customer(org), appointment_at=at(2026, 3, 11, 9),
        completed_at=at(2026, 3, 11, 11),
    )  # fmt: skip
    assert (
        not CallbackTask.all_objects.filter(work_order=third)
        .exclude(kind="after_appointment")
        .exists()
    )


def test_cancelling_an_order_cancels_every_open_callback_of_it(org, desk, tech, customer):
    order = wo.workorder_intake(
        by=desk, customer=customer, source="hotline", kind="repair", description="漏水",
        now=at(2026, 3, 9, 9),
    ).order  # fmt: skip
    order = wo.workorder_dispatch(by=desk, order=order, technician=tech, now=at(2026, 3, 9, 9))
    order = wo.workorder_appoint(
        by=tech.user, order=order, appointment_at=at(2026, 3, 11, 9), now=at(2026, 3, 9, 10)
    )
    sweep(at(2026, 3, 9, 12))
    appointment = CallbackTask.all_objects.get(work_order=order, kind="after_appointment")
    extra = make_task(org, work_order=order, kind="after_service")
    done = make_task(org, work_order=order, kind="after_service", status="done")
    unrelated = make_task(org, customer=customer)

    wo.workorder_cancel(by=desk, order=order, reason="客户自行解决", now=at(2026, 3, 10, 9))

    for t in (appointment, extra):
        t.refresh_from_db()
        assert t.status == "cancelled" and t.closed_at is not None and t.closed_by == desk
        assert t.note == "工单已取消。 客户自行解决"
        event = AuditEvent.all_objects.get(
            action="shouhou.callback_task.cancelled", object_id=str(t.pk)
        )
        assert event.before == {"status": "open"} and event.after["status"] == "cancelled"
    done.refresh_from_db()
    unrelated.refresh_from_db()
    assert done.status == "done" and unrelated.status == "open"
    # The sweep does not bring the appointment's callback back.
    sweep(at(2026, 3, 12, 12))
    assert not CallbackTask.all_objects.filter(work_order=order, status="open").exists()


def test_changing_the_appointment_still_skips_only_the_appointment_callback(
    org, desk, tech, customer
):
    order = wo.workorder_intake(
        by=desk, customer=customer, source="hotline", kind="repair", description="漏水",
        now=at(2026, 3, 9, 9),
    ).order  # fmt: skip
    order = wo.workorder_dispatch(by=desk, order=order, technician=tech, now=at(2026, 3, 9, 9))
    order = wo.workorder_appoint(
        by=tech.user, order=order, appointment_at=at(2026, 3, 11, 9), now=at(2026, 3, 9, 10)
    )
    sweep(at(2026, 3, 9, 12))
    other = make_task(org, work_order=order, kind="after_service")
    wo.workorder_appoint(
        by=tech.user, order=order, appointment_at=at(2026, 3, 12, 9), now=at(2026, 3, 10, 10)
    )
    first = CallbackTask.all_objects.get(source_key=f"workorder:{order.pk}:appointment:1")
    other.refresh_from_db()
    assert first.status == "skipped" and other.status == "open"


def test_cancelling_a_delivery_cancels_its_open_callbacks(travel, make_user, store, org):
    sales = make_user("sales", store=store)
    contract = make_contract(sales, store)
    d = ds.delivery_schedule(by=sales, contract=contract, scheduled_date="2026-09-30")
    task = make_task(org, delivery=d, customer=contract.customer, kind="after_delivery")
    ds.delivery_cancel(by=sales, delivery=d, reason="客户退订")
    task.refresh_from_db()
    assert task.status == "cancelled" and task.note == "客户退订" and task.closed_by == sales
