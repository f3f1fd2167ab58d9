import datetime as dt
from decimal import Decimal

import pytest
import time_machine
from django.utils import timezone

from shouhou.core.errors import Conflict, DuplicateError, InvalidTransition, ValidationFailed
from shouhou.staff import jobs, selectors, services
from shouhou.staff.models import (
    DepositRefund,
    FeeCharge,
    Fine,
    Payment,
    StaffSettings,
    WorkPermit,
)
from shouhou.staff.tests.factories import ServiceStaffFactory, WorkPermitFactory


@pytest.fixture
def worker(org):
    staff = ServiceStaffFactory(organisation=org, name="王师傅")
    WorkPermitFactory(staff=staff, organisation=org)
    return staff


def test_fee_amounts_come_from_the_organisations_settings(permitted, org):
    StaffSettings.objects.update_or_create(
        organisation=org, defaults={"badge_fee": Decimal("25.00"), "uniform_fee": Decimal("0.00")}
    )
    staff = permitted()
    kinds = dict(FeeCharge.objects.filter(staff=staff).values_list("kind", "amount"))
    assert kinds["badge"] == Decimal("25.00")
    assert "uniform" not in kinds  # a zero fee is not charged


def test_the_same_receipt_number_twice_is_refused_and_nothing_written(worker, finance):
    a = services.charge_raise(by=finance, staff=worker, kind="uniform", amount="80.00")
    b = services.charge_raise(by=finance, staff=worker, kind="badge", amount="20.00")
    services.payment_record(by=finance, charge=a, amount="80.00", receipt_no="R-001")
    with pytest.raises(DuplicateError) as exc:
        services.payment_record(by=finance, charge=b, amount="20.00", receipt_no="R-001")
    assert "receipt_no" in exc.value.fields
    b.refresh_from_db()
    assert b.paid_at is None and Payment.objects.count() == 1


def test_a_charge_paid_twice_is_refused(worker, finance):
    a = services.charge_raise(by=finance, staff=worker, kind="uniform", amount="80.00")
    services.payment_record(by=finance, charge=a, amount="80.00", receipt_no="R-1")
    with pytest.raises(Conflict) as exc:
        services.payment_record(by=finance, charge=a, amount="80.00", receipt_no="R-2")
    assert exc.value.code == "already_paid"
    assert Payment.objects.count() == 1


@pytest.mark.parametrize("amount", ["0", "-5", "0.00", "1.234", "abc"])
def test_zero_negative_or_malformed_amounts_are_refused(worker, finance, amount):
    with pytest.raises(ValidationFailed) as exc:
        services.charge_raise(by=finance, staff=worker, kind="uniform", amount=amount)
    assert "amount" in exc.value.fields
    with pytest.raises(ValidationFailed):
        services.fine_create(
            by=finance, staff=worker, category="late", description="迟到", amount=amount
        )
    assert not FeeCharge.objects.exists() and not Fine.objects.exists()


def test_a_payment_must_be_the_full_amount(worker, finance):
    a = services.charge_raise(by=finance, staff=worker, kind="uniform", amount="80.00")
    with pytest.raises(ValidationFailed) as exc:
        services.payment_record(by=finance, charge=a, amount="50.00", receipt_no="R-1")
    assert "amount" in exc.value.fields


def test_the_ledger_shows_charges_payments_and_balance(worker, finance):
    a = services.charge_raise(by=finance, staff=worker, kind="uniform", amount="80.00")
    services.charge_raise(by=finance, staff=worker, kind="badge", amount="20.00")
    services.payment_record(by=finance, charge=a, amount="80.00", receipt_no="R-1")
    fine = services.fine_create(
        by=finance, staff=worker, category="late", description="迟到", amount="50"
    )
    data = selectors.ledger(staff=worker)
    assert data["balance"] == Decimal("70.00")
    assert [line["kind"] for line in data["lines"]].count("payment") == 1
    assert data["unpaid_fines"] == [fine]


def test_deposit_is_refunded_once_when_the_person_leaves(permitted, desk, finance):
    staff = permitted()
    with pytest.raises(InvalidTransition):
        services.deposit_refund(by=finance, staff=staff, voucher_no="TK-1")
    services.staff_leave(by=desk, staff=staff)
    assert WorkPermit.objects.get(staff=staff).status == "revoked"
    balance_before = selectors.ledger(staff=staff)["balance"]
    services.deposit_refund(by=finance, staff=staff, voucher_no="TK-1")
    with pytest.raises(InvalidTransition):
        services.deposit_refund(by=finance, staff=staff, voucher_no="TK-2")
    assert DepositRefund.objects.count() == 1
    assert selectors.ledger(staff=staff)["balance"] == balance_before


def test_a_fine_is_due_within_the_configured_hours(worker, desk, org):
    with time_machine.travel(dt.datetime(2026, 11, 23, 10, 0, tzinfo=dt.UTC), tick=False):
        fine = services.fine_create(
            by=desk, staff=worker, category="language", description="说了“你自己解决”", amount="100"
        )
        assert fine.due_at == timezone.now() + dt.timedelta(hours=24)
        StaffSettings.objects.filter(organisation=org).update(fine_due_hours=48)
        later = services.fine_create(
            by=desk, staff=worker, category="late", description="迟到", amount="20"
        )
        assert later.due_at == timezone.now() + dt.timedelta(hours=48)


def test_monthly_fee_job_run_twice_in_a_month_raises_one_charge(worker, org):
    ServiceStaffFactory(organisation=org, status="applicant")  # not working yet: no fee
    now = dt.datetime(2026, 11, 5, 2, 0, tzinfo=dt.UTC)
    assert jobs.raise_monthly_fees(now) == {"period": "2026-11", "charged": 1}
    assert jobs.raise_monthly_fees(now + dt.timedelta(days=20)) == {
        "period": "2026-11",
        "charged": 0,
    }
    assert FeeCharge.objects.filter(staff=worker, kind="management").count() == 1
    assert jobs.raise_monthly_fees(dt.datetime(2026, 12, 1, 1, 0, tzinfo=dt.UTC))["charged"] == 1
    assert FeeCharge.objects.filter(staff=worker, kind="management").count() == 2


def test_monthly_fee_job_uses_the_local_month(worker):
    # 16:30 UTC on 30 November is already 1 December in Shanghai.
    result = jobs.raise_monthly_fees(dt.datetime(2026, 11, 30, 16, 30, tzinfo=dt.UTC))
    assert result["period"] == "2026-12"


def test_the_onboarding_management_fee_counts_for_the_month(permitted):
    staff = permitted()
    assert jobs.raise_monthly_fees(timezone.now())["charged"] == 0
    assert FeeCharge.objects.filter(staff=staff, kind="management").count() == 1


def test_overdue_fine_suspends_the_permit_and_paying_lifts_it(worker, desk, finance):
    fine = services.fine_create(
        by=desk, staff=worker, category="late", description="迟到", amount="50"
    )
    permit = WorkPermit.objects.get(staff=worker)
    assert jobs.suspend_for_overdue_fines(timezone.now()) == {"suspended": 0}
    later = timezone.now() + dt.timedelta(hours=25)
    assert jobs.suspend_for_overdue_fines(later) == {"suspended": 1}
    assert jobs.suspend_for_overdue_fines(later) == {"suspended": 0}
    permit.refresh_from_db()
    assert (permit.status, permit.suspend_reason) == ("suspended", "fine_overdue")
    assert not services.can_work(staff=worker, kind="repair", on_date=timezone.localdate()).ok
    with time_machine.travel(later, tick=False):
        assert list(selectors.fines_list(user=desk, overdue=True)) == [fine]
        services.payment_record(by=finance, fine=fine, amount="50.00", receipt_no="F-1")
    permit.refresh_from_db()
    assert permit.status == "valid"
    assert services.can_work(staff=worker, kind="repair", on_date=timezone.localdate()).ok


def test_no_automatic_suspension_where_the_organisation_switched_it_off(worker, desk, org):
    StaffSettings.objects.update_or_create(
        organisation=org, defaults={"suspend_on_overdue_fine": False}
    )
    services.fine_create(by=desk, staff=worker, category="late", description="迟到", amount="50")
    assert jobs.suspend_for_overdue_fines(timezone.now() + dt.timedelta(days=2)) == {"suspended": 0}
    assert WorkPermit.objects.get(staff=worker).status == "valid"


def test_expire_job_expires_permits_past_their_last_day_once(org):
    old = WorkPermitFactory(
        staff=ServiceStaffFactory(organisation=org),
        organisation=org,
        issued_on=dt.date(2025, 1, 1),
        valid_until=dt.date(2025, 12, 31),
    )
    fresh = WorkPermitFactory(staff=ServiceStaffFactory(organisation=org), organisation=org)
    now = dt.datetime(2026, 1, 1, 1, 0, tzinfo=dt.UTC)
    assert jobs.expire_permits(now) == {"expired": 1}
    assert jobs.expire_permits(now) == {"expired": 0}
    old.refresh_from_db()
    fresh.refresh_from_db()
    assert (old.status, fresh.status) == ("expired", "valid")


def test_expired_permit_can_be_renewed_by_the_desk(worker, desk):
    WorkPermit.objects.filter(staff=worker).update(
        valid_until=timezone.localdate() - dt.timedelta(days=1)
    )
    new = services.permit_renew(by=desk, staff=worker)
    assert new.status == "valid"
    assert WorkPermit.objects.filter(staff=worker, status="expired").count() == 1


def test_suspend_and_reinstate_by_hand_are_audited_transitions(worker, desk):
    permit = WorkPermit.objects.get(staff=worker)
    services.permit_suspend(by=desk, permit=permit, reason="conduct", note="投诉")
    with pytest.raises(InvalidTransition):
        services.permit_suspend(by=desk, permit=permit, reason="conduct")
    services.permit_reinstate(by=desk, permit=permit)
    permit.refresh_from_db()
    assert permit.status == "valid"


def test_the_owing_report_lists_who_owes_what_with_money_as_yuan_cells(client, worker, desk, org):
    import io
    from decimal import Decimal

    import openpyxl
    from django.urls import reverse

    paid_up = ServiceStaffFactory(organisation=org, name="李师傅")
    services.fine_create(by=desk, staff=worker, category="late", description="迟到", amount="50")
    services.fine_create(by=desk, staff=worker, category="late", description="迟到", amount="30.50")
    client.force_login(desk)
    resp = client.get(reverse("staff:report_xlsx", args=["owing"]))
    rows = {
        row[0].value: row
        for row in openpyxl.load_workbook(io.BytesIO(resp.content)).active.iter_rows(min_row=2)
    }
    assert paid_up.name not in rows
    unpaid_fines, total = rows["王师傅"][4], rows["王师傅"][6]
    assert Decimal(str(unpaid_fines.value)) == Decimal("80.50")
    assert unpaid_fines.data_type == "n" and unpaid_fines.number_format == '"¥"#,##0.00'
    fees = Decimal(str(rows["王师傅"][3].value))
    assert Decimal(str(total.value)) == fees + Decimal("80.50")
