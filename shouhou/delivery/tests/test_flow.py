"""A contract walked from order to delivery and callbacks, with dates crossing the Mid-Autumn
festival and the National Day week of 2026."""

import datetime as dt
from decimal import Decimal

import pytest

from shouhou.callbacks.models import CallbackTask
from shouhou.callbacks.services import callback_tasks_for_delivery
from shouhou.core.errors import InvalidTransition, ValidationFailed
from shouhou.delivery import jobs, services
from shouhou.delivery.models import Delivery, DeliveryIssue, DeliveryTask, WorkshopRequest
from shouhou.sales.models import Contract, ContractPayment

from .conftest import SHANGHAI
from .factories import SIGNATURE, full_checklist

pytestmark = pytest.mark.django_db
S = Delivery.Status


def _at(travel, day: dt.date, hour=9):
    travel.move_to(dt.datetime(day.year, day.month, day.day, hour, tzinfo=SHANGHAI))


def test_contract_walks_from_order_to_delivery_and_callbacks_across_holidays(
    travel, sales, supervisor, workshop, crew_user, crew, contract, make_user
):
    # Sales agrees Friday 9 October (after the National Day week) with customer and supervisor.
    d = services.delivery_schedule(by=sales, contract=contract, scheduled_date="2026-10-09")
    assert d.status == S.SCHEDULED
    # More than two weeks away: re-confirm 25 Sep, a holiday (Mid-Autumn) -> Thursday 24 Sep.
    assert d.reconfirm_due_on == dt.date(2026, 9, 24)
    # Workshop: two working days before 9 Oct -> 8 Oct, then 30 Sep (1-7 Oct are holidays).
    assert d.workshop_due_on == dt.date(2026, 9, 30)
    # Transit storage: since signing (11 Sep) for three months.
    assert d.storage_limit_on == dt.date(2026, 12, 11)
    contract.refresh_from_db()
    assert contract.delivery_date == dt.date(2026, 10, 9)

    req = services.workshop_request_create(
        by=supervisor, delivery=d, description="床头柜抽屉滑轨调整,整体打蜡"
    )
    assert req.due_on == dt.date(2026, 9, 30)

    # The daily job on 24 Sep raises the re-confirmation task, once.
    _at(travel, dt.date(2026, 9, 24))
    assert jobs.daily(dt.datetime(2026, 9, 24, 1, tzinfo=SHANGHAI))["reconfirm"] == 1
    assert jobs.daily(dt.datetime(2026, 9, 24, 2, tzinfo=SHANGHAI))["reconfirm"] == 0
    task = DeliveryTask.objects.get(delivery=d, kind="reconfirm")
    assert task.role == "cs_supervisor" and task.status == "open"
    d = services.delivery_reconfirm(by=supervisor, delivery=d)
    assert d.status == S.RECONFIRMED
    task.refresh_from_db()
    assert task.status == "done"

    # The workshop is late: on 8 Oct (the day before) the work is not accepted yet.
    _at(travel, dt.date(2026, 10, 8))
    result = jobs.daily(dt.datetime(2026, 10, 8, 1, tzinfo=SHANGHAI))
    assert result["workshop_late"] == 1
    assert result["day_before"] == 1
    # The supervisor sends the first attempt back, then accepts.
    services.workshop_request_done(by=workshop, request=req, note="已调整")
    services.workshop_request_inspect(by=supervisor, request=req, passed=False, note="仍有异响")
    req.refresh_from_db()
    assert req.status == "open" and req.returned_count == 1
    services.workshop_request_done(by=workshop, request=req, note="更换滑轨")
    services.workshop_request_inspect(by=supervisor, request=req, passed=True)
    d.refresh_from_db()
    assert d.status == S.WORKSHOP_DONE
    assert DeliveryTask.objects.get(delivery=d, kind="workshop_late").status == "done"

    # A problem found now is the workshop's; after loading it is the crew's.
    assert (
        services.delivery_issue_record(
            by=supervisor, delivery=d, description="漆面划痕"
        ).responsible
        == "workshop"
    )

    d = services.delivery_assign(by=supervisor, delivery=d, crew=crew, vehicle="京A12345")
    services.delivery_confirm_with_customer(by=crew_user, delivery=d)
    assert DeliveryTask.objects.get(delivery=d, kind="day_before").status == "done"

    # Delivery day.
    _at(travel, dt.date(2026, 10, 9))
    d = services.delivery_load(
        by=crew_user, delivery=d, lines=full_checklist(contract), tool_kit=True
    )
    assert d.status == S.LOADED
    assert (
        services.delivery_issue_record(by=crew_user, delivery=d, description="包装破损").responsible
        == "crew"
    )
    d = services.delivery_depart(by=crew_user, delivery=d)
    d = services.delivery_collect_balance(
        by=crew_user, delivery=d, amount="3500.00", method="wechat", receipt_no="SJ-001"
    )
    d = services.delivery_complete(
        by=crew_user, delivery=d, signature=SIGNATURE, signer_name=contract.customer.name, satisfaction=5,
        comments="送货及时,服务好",
    )  # fmt: skip
    assert d.status == S.DELIVERED
    contract.refresh_from_db()
    assert contract.status == Contract.Status.DELIVERED
    assert contract.delivered_on == dt.date(2026, 10, 9)

    # Callbacks: 3 working days (10 Oct is a make-up working day) -> 13 Oct; one month -> 9 Nov;
    # three months -> 9 Jan 2027 (Saturday) -> 11 Jan; six months -> 9 Apr 2027.
    tasks = CallbackTask.objects.filter(customer=contract.customer).order_by("due_on")
    assert [t.due_on for t in tasks] == [
        dt.date(2026, 10, 13),
        dt.date(2026, 11, 9),
        dt.date(2027, 1, 11),
        dt.date(2027, 4, 9),
    ]
    assert {t.source_key for t in tasks} == {
        f"delivery:{d.pk}:{o}" for o in ("3d", "1m", "3m", "6m")
    }
    # Creating them again does nothing twice.
    callback_tasks_for_delivery(delivery=d, delivered_on=dt.date(2026, 10, 9), by=crew_user)
    assert tasks.count() == 4

    # Back at base: customer service posts the balance and updates the archive.
    clerk = make_user("clerk")
    d = services.delivery_report(
        by=clerk, delivery=d, note="客户要求下次提前电话", preferences="喜欢实木家具"
    )
    assert d.status == S.REPORTED and d.payment_posted
    contract.refresh_from_db()
    assert contract.balance_due == Decimal("0.00")
    assert ContractPayment.objects.filter(contract=contract, receipt_no="SJ-001").count() == 1
    contract.customer.refresh_from_db()
    assert contract.customer.preferences == "喜欢实木家具"
    assert contract.customer.archive_completed_at is not None
    assert DeliveryIssue.objects.filter(delivery=d).count() == 2


def test_a_delivery_without_workshop_work_is_made_ready_by_the_supervisor(
    sales, supervisor, contract
):
    d = services.delivery_schedule(by=sales, contract=contract, scheduled_date="2026-09-16")
    assert d.reconfirm_due_on is None  # soon: nothing to re-confirm
    d = services.delivery_workshop_done(by=supervisor, delivery=d)
    assert d.status == S.WORKSHOP_DONE


def test_workshop_not_accepted_blocks_ready_for_loading(sales, supervisor, contract):
    d = services.delivery_schedule(by=sales, contract=contract, scheduled_date="2026-09-18")
    services.workshop_request_create(by=supervisor, delivery=d, description="修补")
    with pytest.raises(ValidationFailed):
        services.delivery_workshop_done(by=supervisor, delivery=d)


def test_rescheduling_recomputes_deadlines_and_moves_open_workshop_work(
    sales, supervisor, contract
):
    d = services.delivery_schedule(by=sales, contract=contract, scheduled_date="2026-09-18")
    req = services.workshop_request_create(by=supervisor, delivery=d, description="修补")
    d = services.delivery_reschedule(by=sales, delivery=d, scheduled_date="2026-10-12")
    assert d.rescheduled_count == 1
    # 12 Oct -> 10 Oct (make-up Saturday) -> 9 Oct.
    assert d.workshop_due_on == dt.date(2026, 10, 9)
    req.refresh_from_db()
    assert req.due_on == dt.date(2026, 10, 9)
    contract.refresh_from_db()
    assert contract.delivery_date == dt.date(2026, 10, 12)


def test_goods_past_the_storage_limit_raise_one_task_for_the_salesperson(
    travel, sales, store, contract
):
    from .factories import make_contract

    old = make_contract(sales, store, signed_on=dt.date(2026, 5, 1))
    d = services.delivery_schedule(by=sales, contract=old, scheduled_date="2026-09-30")
    assert d.storage_limit_on == dt.date(2026, 8, 1)
    fine = services.delivery_schedule(by=sales, contract=contract, scheduled_date="2026-09-30")
    now = dt.datetime(2026, 9, 14, 2, tzinfo=SHANGHAI)
    assert jobs.daily(now)["storage_limit"] == 1
    assert jobs.daily(now)["storage_limit"] == 0
    task = DeliveryTask.objects.get(kind="storage_limit")
    assert task.delivery == d and task.assigned_to == sales
    assert not DeliveryTask.objects.filter(delivery=fine, kind="storage_limit").exists()


def test_cancelled_delivery_frees_the_contract_for_a_new_one(sales, contract):
    d = services.delivery_schedule(by=sales, contract=contract, scheduled_date="2026-09-18")
    services.delivery_cancel(by=sales, delivery=d, reason="客户装修延期")
    again = services.delivery_schedule(by=sales, contract=contract, scheduled_date="2026-09-25")
    assert again.pk != d.pk


def test_an_old_transition_is_refused(sales, supervisor, contract):
    d = services.delivery_schedule(by=sales, contract=contract, scheduled_date="2026-09-30")
    services.delivery_reconfirm(by=supervisor, delivery=d)
    with pytest.raises(InvalidTransition):
        services.delivery_reconfirm(by=supervisor, delivery=d)
    assert WorkshopRequest.objects.count() == 0
