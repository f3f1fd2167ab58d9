"""Dealer service (范文2 二.6, 四): forwarded work arranged within 2 working hours; repair records
signed by the customer, back with the old parts by the return date or refused; appraisal and
costing from the rate table in Decimal; finance approval; the write-off notice confirmed by the
dealer and deducted from the dealer's account; the monthly statement."""

import datetime as dt
import io
from decimal import Decimal
from zoneinfo import ZoneInfo

import openpyxl
import pytest
from django.utils import timezone

from shouhou.core.errors import (
    InvalidTransition,
    NotFoundError,
    PermissionDeniedError,
    ValidationFailed,
)
from shouhou.dealers import excel, selectors, services
from shouhou.dealers.models import DealerSettings, LedgerEntry, RepairRecord

from .conftest import days_ago

pytestmark = pytest.mark.django_db
SH = ZoneInfo("Asia/Shanghai")


def test_forwarded_work_is_due_two_working_hours_later_on_the_office_calendar(clerk, dealer):
    friday_late = dt.datetime(2026, 9, 11, 17, 0, tzinfo=SH)
    task = services.task_forward(
        by=clerk,
        dealer=dealer,
        channel="call",
        customer_name="张伟",
        customer_phone="13812345678",
        problem="热水器不出热水",
        now=friday_late,
    )
    # one hour on Friday (17:00-18:00), one on Monday (09:00-10:00)
    assert timezone.localtime(task.arrange_due_at, SH) == dt.datetime(2026, 9, 14, 10, 0, tzinfo=SH)


def test_arranging_in_time_needs_the_customer_told(dealer_user, clerk, dealer):
    start = dt.datetime(2026, 9, 14, 9, 0, tzinfo=SH)
    task = services.task_forward(
        by=clerk,
        dealer=dealer,
        channel="call",
        customer_name="张伟",
        customer_phone="13812345678",
        problem="漏水",
        now=start,
    )
    with pytest.raises(ValidationFailed) as err:
        services.task_arrange(
            by=dealer_user, task=task, arrangement="下午上门", customer_told=False
        )
    assert "customer_told" in err.value.fields
    task = services.task_arrange(
        by=dealer_user,
        task=task,
        arrangement="下午上门",
        customer_told=True,
        now=start + dt.timedelta(hours=2),
    )
    assert task.arranged_in_time and task.customer_told_at


def test_arranging_after_two_working_hours_is_late_and_listed(clerk, dealer):
    start = dt.datetime(2026, 9, 14, 9, 0, tzinfo=SH)
    task = services.task_forward(
        by=clerk,
        dealer=dealer,
        channel="call",
        customer_name="张伟",
        customer_phone="13812345678",
        problem="漏水",
        now=start,
    )
    assert list(
        selectors.tasks_not_arranged_in_time(user=clerk, now=start + dt.timedelta(hours=3))
    ) == [task]
    task = services.task_arrange(
        by=clerk,
        task=task,
        arrangement="明天上门",
        customer_told=True,
        now=start + dt.timedelta(hours=2, minutes=1),
    )
    assert task.arranged_in_time is False


def test_a_dealer_logs_its_own_intake(dealer_user, dealer, other_dealer):
    task = services.task_log(
        by=dealer_user,
        dealer=dealer,
        channel="visit",
        customer_name="李娜",
        customer_phone="13912345678",
        problem="门店来访：水龙头松动",
    )
    assert task.source == "own"
    with pytest.raises(NotFoundError):
        services.task_log(
            by=dealer_user,
            dealer=other_dealer,
            channel="visit",
            customer_name="李娜",
            customer_phone="13912345678",
            problem="x",
        )


def make_record(by, dealer, *, repaired_on=None, parts=None, **kw):
    return services.repair_record_create(
        by=by,
        dealer=dealer,
        customer_name="张伟",
        fault="加热管损坏",
        work_done="更换加热管",
        repaired_on=repaired_on or days_ago(2),
        signed_by_customer="张伟",
        labour_hours="1.5",
        travel_km="12.0",
        parts=parts
        if parts is not None
        else [
            {"name": "加热管", "quantity": 2, "unit_price": "35.50"},
            {"name": "密封圈", "quantity": 1, "unit_price": "10.00"},
        ],
        **kw,
    )


def test_a_repair_record_must_be_signed_by_the_customer(dealer_user, dealer):
    with pytest.raises(ValidationFailed) as err:
        services.repair_record_create(
            by=dealer_user,
            dealer=dealer,
            customer_name="张伟",
            fault="坏",
            work_done="修",
            repaired_on=days_ago(1),
            signed_by_customer="",
        )
    assert "signed_by_customer" in err.value.fields


def test_the_record_is_due_back_by_the_next_return_date(org, dealer_user, dealer):
    conf = DealerSettings.for_org(org)
    conf.return_dates = ["06-30", "12-31"]
    conf.save()
    record = make_record(
        dealer_user, dealer, repaired_on=dt.date(2026, 7, 1), today=dt.date(2026, 7, 2)
    )
    assert record.return_due_on == dt.date(2026, 12, 31)
    record = make_record(
        dealer_user, dealer, repaired_on=dt.date(2026, 6, 30), today=dt.date(2026, 7, 2)
    )
    assert record.return_due_on == dt.date(2026, 6, 30)


def test_without_the_old_parts_the_record_is_refused_and_nothing_is_written_off(
    clerk, technical, finance, dealer_user, dealer
):
    record = make_record(dealer_user, dealer)
    record = services.repair_record_receive(by=clerk, record=record, old_parts_back=False)
    assert record.status == RepairRecord.Status.REFUSED
    assert "old parts" in record.refused_reason
    with pytest.raises(InvalidTransition):
        services.repair_record_appraise(by=technical, record=record, appraisals={})
    with pytest.raises(InvalidTransition):
        services.repair_record_approve(by=finance, record=record)
    with pytest.raises(ValidationFailed):
        services.writeoff_issue(by=finance, dealer=dealer)


def test_a_record_back_after_the_return_date_is_refused(org, clerk, dealer_user, dealer):
    conf = DealerSettings.for_org(org)
    conf.return_dates = ["01-01", "12-31"]
    conf.save()
    record = make_record(
        dealer_user, dealer, repaired_on=dt.date(2025, 12, 30), today=dt.date(2025, 12, 30)
    )
    assert record.return_due_on == dt.date(2025, 12, 31)
    record = services.repair_record_receive(by=clerk, record=record, old_parts_back=True)
    assert record.status == RepairRecord.Status.REFUSED
    assert "after the return date" in record.refused_reason


def test_a_record_not_yet_received_cannot_be_approved_or_written_off(finance, dealer_user, dealer):
    record = make_record(dealer_user, dealer)
    with pytest.raises(InvalidTransition):
        services.repair_record_approve(by=finance, record=record)
    with pytest.raises(ValidationFailed):
        services.writeoff_issue(by=finance, dealer=dealer)


def received_and_appraised(clerk, technical, dealer_user, dealer):
    record = make_record(dealer_user, dealer)
    record = services.repair_record_receive(by=clerk, record=record, old_parts_back=True)
    heater, seal = record.parts.order_by("id")
    return services.repair_record_appraise(
        by=technical, record=record, appraisals={heater.pk: "scrap", seal.pk: "not_covered"}
    )


def test_the_covered_cost_is_parts_plus_labour_plus_travel_from_the_rate_table(
    clerk, technical, dealer_user, dealer
):
    record = received_and_appraised(clerk, technical, dealer_user, dealer)
    # 2 × 35.50 (the seal is not covered) + 1.5 h × 40.00 + 12 km × 1.50
    assert record.parts_cost == Decimal("71.00")
    assert record.labour_cost == Decimal("60.00")
    assert record.travel_cost == Decimal("18.00")
    assert record.total_cost == Decimal("149.00")
    assert isinstance(record.total_cost, Decimal)


def test_a_repair_on_a_late_card_is_refused_at_appraisal(
    clerk, technical, dealer_user, dealer, kettle
):
    card = services.card_register(
        by=clerk,
        dealer=dealer,
        number="L1",
        product=kettle,
        customer_name="张伟",
        customer_phone="13812345678",
        sold_on=days_ago(40),
    )
    services.card_receive(by=clerk, card=card, received_on=days_ago(10))
    record = make_record(dealer_user, dealer, card=card)
    record = services.repair_record_receive(by=clerk, record=record, old_parts_back=True)
    heater, seal = record.parts.order_by("id")
    record = services.repair_record_appraise(
        by=technical, record=record, appraisals={heater.pk: "usable", seal.pk: "usable"}
    )
    assert record.status == RepairRecord.Status.REFUSED
    assert record.refused_reason.startswith("Card returned late: not recognised")


def test_the_write_off_is_confirmed_by_the_dealer_and_deducted_from_its_account(
    clerk, technical, finance, dealer_user, other_dealer_user, dealer
):
    record = received_and_appraised(clerk, technical, dealer_user, dealer)
    with pytest.raises(PermissionDeniedError):
        services.repair_record_approve(by=technical, record=record)
    services.repair_record_approve(by=finance, record=record)
    services.ledger_post(
        by=finance,
        dealer=dealer,
        kind="charge",
        amount="5000.00",
        on=days_ago(1),
        description="发货",
    )
    notice = services.writeoff_issue(by=finance, dealer=dealer)
    assert notice.amount == Decimal("149.00")
    with pytest.raises(ValidationFailed):
        services.writeoff_issue(by=finance, dealer=dealer)  # nothing left to write off
    with pytest.raises(NotFoundError):
        services.writeoff_confirm(by=other_dealer_user, notice=notice)
    assert selectors.dealer_balance(user=finance, dealer=dealer) == Decimal("5000.00")
    services.writeoff_confirm(by=dealer_user, notice=notice)
    with pytest.raises(InvalidTransition):
        services.writeoff_confirm(by=dealer_user, notice=notice)
    assert selectors.dealer_balance(user=finance, dealer=dealer) == Decimal("4851.00")
    assert LedgerEntry.objects.filter(notice=notice).count() == 1
    record.refresh_from_db()
    assert record.status == RepairRecord.Status.WRITTEN_OFF

    today = timezone.localdate()
    statement = selectors.dealer_statement(
        user=dealer_user, dealer=dealer, year=today.year, month=today.month
    )
    assert statement["write_offs"] == Decimal("149.00")
    sheet = openpyxl.load_workbook(io.BytesIO(excel.statement_workbook(statement))).active
    values = [c for row in sheet.iter_rows(values_only=True) for c in row if c is not None]
    assert Decimal("-149.00") in [
        Decimal(str(v)) for v in values if isinstance(v, int | float | Decimal)
    ]
    assert record.number in values


def test_only_finance_books_the_dealers_account_and_amounts_are_decimal(finance, clerk, dealer):
    with pytest.raises(PermissionDeniedError):
        services.ledger_post(
            by=clerk, dealer=dealer, kind="charge", amount="1", on=days_ago(0), description="x"
        )
    with pytest.raises(ValidationFailed) as err:
        services.ledger_post(
            by=finance,
            dealer=dealer,
            kind="payment",
            amount="1.005",
            on=days_ago(0),
            description="x",
        )
    assert "amount" in err.value.fields
    entry = services.ledger_post(
        by=finance,
        dealer=dealer,
        kind="payment",
        amount="100.10",
        on=days_ago(0),
        description="回款",
    )
    assert entry.amount == Decimal("-100.10")


def test_a_record_not_back_by_the_return_date_is_refused_by_the_daily_job(org, dealer_user, dealer):
    from shouhou.dealers.jobs import refuse_overdue_records

    conf = DealerSettings.for_org(org)
    conf.return_dates = ["06-30", "12-31"]
    conf.save()
    record = make_record(
        dealer_user, dealer, repaired_on=dt.date(2026, 6, 1), today=dt.date(2026, 6, 2)
    )
    assert refuse_overdue_records(dt.datetime(2026, 6, 30, 12, tzinfo=SH)) == {"refused": 0}
    assert refuse_overdue_records(dt.datetime(2026, 7, 1, 12, tzinfo=SH)) == {"refused": 1}
    assert refuse_overdue_records(dt.datetime(2026, 7, 1, 13, tzinfo=SH)) == {"refused": 0}
    record.refresh_from_db()
    assert record.status == RepairRecord.Status.REFUSED
