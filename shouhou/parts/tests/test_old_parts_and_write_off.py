from decimal import Decimal

import pytest
from django.db import IntegrityError, transaction

from shouhou.core.errors import Conflict, InvalidTransition, PermissionDeniedError, ValidationFailed
from shouhou.parts import jobs
from shouhou.parts import services as ps
from shouhou.parts.models import Alert, Move, OldPart, Requisition, Stock, WriteOff
from shouhou.workorders import services as wo
from shouhou.workorders.models import ReportPart

from .conftest import PNG, at

pytestmark = pytest.mark.django_db


@pytest.fixture
def issued(tech, order, central, stocked, keeper, supervisor):
    req = ps.requisition_create(by=tech.user, work_order=order, location=central,
                                lines=[{"part": stocked.pk, "quantity": 1}], proposal="换进水阀")  # fmt: skip
    ps.requisition_approve(by=supervisor, requisition=req)
    return ps.requisition_issue(by=keeper, requisition=req, now=at(2026, 3, 10, 9, 10))


def complete(tech, order):
    return wo.workorder_complete(
        by=tech.user, order=order, findings="进水阀老化", work_done="更换进水阀",
        parts=[{"name": "进水阀", "quantity": 1, "reason": "老化漏水"}],
        steps_done=["confirm_product", "do_work"], now=at(2026, 3, 10, 10),
    )  # fmt: skip


def sign(tech, order):
    return wo.workorder_sign(by=tech.user, order=order, signer_name="张伟", signature=PNG,
                             now=at(2026, 3, 10, 10, 5))  # fmt: skip


def test_completion_sets_the_old_part_due_date_in_working_days(tech, order, issued):
    complete(tech, order)
    line = issued.lines.get()
    assert line.old_part_due_on.isoformat() == "2026-03-13"  # Tue + 3 working days


def test_signed_report_without_the_old_part_writes_nothing_off(tech, order, issued, stocked):
    complete(tech, order)
    sign(tech, order)
    assert not WriteOff.all_objects.exists()
    bag = ps.technician_location(tech.user)
    assert Stock.all_objects.get(part=stocked, location=bag).quantity == 1


def test_old_part_then_signature_writes_the_line_off_once(tech, order, issued, stocked, keeper):
    order = complete(tech, order)
    line = issued.lines.get()
    rp = ReportPart.all_objects.get(report__order=order)
    old = ps.old_part_register(by=keeper, line=line, serial="SN123", report_part=rp.pk,
                               now=at(2026, 3, 10, 15))  # fmt: skip
    rp.refresh_from_db()
    assert rp.old_returned_at is not None and rp.old_received_by == keeper  # workorders' record
    assert not WriteOff.all_objects.exists()  # not signed yet
    sign(tech, order)
    w = WriteOff.all_objects.get()
    assert (w.old_part, w.quantity, w.value) == (old, 1, Decimal("35.00"))
    assert w.report.is_signed
    assert Requisition.all_objects.get(pk=issued.pk).status == "closed"
    bag = ps.technician_location(tech.user)
    assert Stock.all_objects.get(part=stocked, location=bag).quantity == 0
    assert Move.all_objects.filter(kind="write_off").count() == 1
    # never twice
    assert ps.write_off_for_signed_report(order=order, report=order.report, by=keeper) == 0
    with pytest.raises(Conflict):
        ps.old_part_register(by=keeper, line=line)


def test_signature_then_old_part_writes_off_when_the_part_comes_back(tech, order, issued, keeper):
    complete(tech, order)
    sign(tech, order)
    ps.old_part_register(by=keeper, line=issued.lines.get())
    assert WriteOff.all_objects.count() == 1


def test_a_write_off_cannot_exist_without_its_report_or_old_part(org, issued):
    line = issued.lines.get()
    with pytest.raises(IntegrityError), transaction.atomic():
        WriteOff.all_objects.create(organisation=org, line=line, quantity=1, value=1,
                                    at=issued.issued_at, by=issued.issued_by)  # fmt: skip


def test_overdue_old_parts_are_listed_and_the_daily_job_raises_them_once(
    tech, order, issued, keeper
):
    complete(tech, order)
    job_day = at(2026, 3, 16, 8)
    first = jobs.daily(job_day)
    assert first["overdue_raised"] == 1
    assert jobs.daily(job_day)["overdue_raised"] == 0
    assert Alert.all_objects.filter(kind="old_overdue").count() == 1
    ps.old_part_register(by=keeper, line=issued.lines.get())
    jobs.daily(job_day)
    assert not Alert.all_objects.filter(kind="old_overdue").exists()


def test_low_stock_alert_follows_the_reorder_level(keeper, central, stocked):
    ps.reorder_level_set(by=keeper, part=stocked, location=central, level=12)
    assert jobs.daily()["low_raised"] == 1
    ps.reorder_level_set(by=keeper, part=stocked, location=central, level=3)
    jobs.daily()
    assert not Alert.all_objects.filter(kind="low_stock").exists()


def test_appraisal_and_monthly_disposal_with_approval(
    tech, order, issued, keeper, supervisor, manager
):
    complete(tech, order)
    old = ps.old_part_register(by=keeper, line=issued.lines.get(), now=at(2026, 3, 10, 15))
    with pytest.raises(PermissionDeniedError):
        ps.old_part_appraise(by=keeper, old_part=old, verdict="warranty_fault", condition="scrap")
    with pytest.raises(ValidationFailed):
        ps.old_part_appraise(by=supervisor, old_part=old, verdict="?", condition="scrap")
    old = ps.old_part_appraise(by=supervisor, old_part=old, verdict="warranty_fault",
                               condition="scrap", now=at(2026, 3, 11))  # fmt: skip
    with pytest.raises(InvalidTransition):
        ps.old_part_appraise(by=supervisor, old_part=old, verdict="misuse", condition="usable")
    import datetime as dt

    batch = ps.disposal_batch_collect(by=keeper, month=dt.date(2026, 3, 1))
    assert list(batch.items.all()) == [old]
    with pytest.raises(ValidationFailed):
        ps.disposal_batch_submit(by=keeper, batch=batch, method="")
    ps.disposal_batch_submit(by=keeper, batch=batch, method="交废品回收站")
    with pytest.raises(PermissionDeniedError):
        ps.disposal_batch_approve(by=keeper, batch=batch)
    ps.disposal_batch_approve(by=manager, batch=batch)
    old.refresh_from_db()
    assert old.status == OldPart.Status.DISPOSED
    assert Move.all_objects.filter(kind="disposal").count() == 1


def test_a_signature_through_the_customers_link_writes_off_too(tech, order, issued, keeper):
    order = complete(tech, order)
    ps.old_part_register(by=keeper, line=issued.lines.get())
    wo.workorder_sign(by=None, order=order, signer_name="张伟", via="link",
                      now=at(2026, 3, 10, 11))  # fmt: skip
    w = WriteOff.all_objects.get()
    assert w.by == keeper  # who issued the parts books it
