"""Loan units (备用机, seed 002): due once the fix limit of a promise that includes one passes, one
out per order, the order cannot be closed or cancelled while it is out, overdue after N working
days, through the services, the API and the page."""

import datetime as dt

import pytest

from shouhou.core.errors import Conflict, InvalidTransition, ValidationFailed
from shouhou.workorders import selectors
from shouhou.workorders import services as s
from shouhou.workorders.models import LoanUnit, WorkOrder, WorkOrderSettings

from .factories import at, make_customer

pytestmark = pytest.mark.django_db

T0 = at(2026, 3, 3, 9)  # a Tuesday


@pytest.fixture
def on_site(org, desk, tech):
    order = s.workorder_intake(
        by=desk, source="hotline", kind="repair", customer=make_customer(org), now=T0
    ).order
    s.workorder_dispatch(by=desk, order=order, technician=tech, now=T0)
    order = s.workorder_arrive(by=tech.user, order=order, now=T0 + dt.timedelta(hours=1))
    # The promise of this order includes a loan unit; its fix limit is 4 hours after intake.
    order.policy.loan_unit_if_late = True
    order.policy.save()
    WorkOrder.objects.filter(pk=order.pk).update(fixed_due_at=T0 + dt.timedelta(hours=4))
    order.refresh_from_db()
    return order


def _complete(tech, order, when):
    return s.workorder_complete(
        by=tech.user, order=order, findings="阀芯坏", work_done="更换阀芯", now=when
    )


def test_a_loan_unit_is_due_only_after_the_fix_limit_of_a_promise_that_includes_one(on_site):
    assert not selectors.loan_unit_due(on_site, now=T0 + dt.timedelta(hours=3, minutes=59))
    assert selectors.loan_unit_due(on_site, now=T0 + dt.timedelta(hours=4, minutes=1))
    on_site.policy.loan_unit_if_late = False
    on_site.policy.save()
    assert not selectors.loan_unit_due(on_site, now=T0 + dt.timedelta(hours=5))


def test_lending_a_unit_clears_the_due_flag_and_a_second_lend_is_refused(on_site, desk):
    later = T0 + dt.timedelta(hours=5)
    loan = s.loan_unit_lend(
        by=desk, order=on_site, unit="同型号马桶 SN123", deposit="500", deposit_receipt_no="R-1"
    )
    assert loan.is_out and loan.deposit == 500
    assert not selectors.loan_unit_due(on_site, now=later)
    with pytest.raises(Conflict) as exc:
        s.loan_unit_lend(by=desk, order=on_site, unit="另一台")
    assert exc.value.code == "loan_out"
    assert LoanUnit.objects.count() == 1


def test_a_deposit_needs_its_receipt_and_the_unit_must_be_named(on_site, desk):
    with pytest.raises(ValidationFailed) as exc:
        s.loan_unit_lend(by=desk, order=on_site, unit="", deposit="300")
    assert set(exc.value.fields) == {"unit", "deposit_receipt_no"}
    with pytest.raises(ValidationFailed) as exc:
        s.loan_unit_lend(by=desk, order=on_site, unit="A", deposit="-1")
    assert "deposit" in exc.value.fields
    assert LoanUnit.objects.count() == 0


def test_the_order_cannot_be_closed_or_cancelled_while_its_unit_is_out(on_site, desk, tech):
    loan = s.loan_unit_lend(by=tech.user, order=on_site, unit="备用热水器")
    done = _complete(tech, on_site, T0 + dt.timedelta(hours=6))
    with pytest.raises(Conflict) as exc:
        s.workorder_close(by=desk, order=done)
    assert exc.value.code == "loan_unit_out" and "备用热水器" in str(exc.value.message)
    assert WorkOrder.objects.get(pk=done.pk).status == "done"
    s.loan_unit_return(by=desk, loan=loan)
    assert s.workorder_close(by=desk, order=done).status == "closed"


def test_cancelling_with_a_unit_out_is_refused(org, desk, tech):
    order = s.workorder_intake(
        by=desk, source="hotline", kind="repair", customer=make_customer(org), now=T0
    ).order
    order = s.workorder_dispatch(by=desk, order=order, technician=tech, now=T0)
    s.loan_unit_lend(by=desk, order=order, unit="备用机")
    with pytest.raises(Conflict):
        s.workorder_cancel(by=desk, order=order, reason="客户取消")


def test_a_fixed_order_needs_no_unit_and_a_returned_unit_cannot_come_back_twice(
    on_site, desk, tech
):
    loan = s.loan_unit_lend(by=desk, order=on_site, unit="备用机")
    s.loan_unit_return(by=desk, loan=loan)
    with pytest.raises(Conflict):
        s.loan_unit_return(by=desk, loan=loan)
    done = _complete(tech, on_site, T0 + dt.timedelta(hours=6))
    with pytest.raises(InvalidTransition):
        s.loan_unit_lend(by=desk, order=done, unit="又一台")


def test_a_unit_still_out_two_working_days_after_the_fix_is_overdue(on_site, desk, tech):
    s.loan_unit_lend(by=desk, order=on_site, unit="备用机")
    _complete(tech, on_site, at(2026, 3, 6, 15))  # fixed on Friday
    # Friday + 2 working days = Tuesday: overdue from Wednesday on (the weekend does not count).
    assert not selectors.loan_list(user=desk, which="overdue", now=at(2026, 3, 10, 18)).exists()
    assert selectors.loan_list(user=desk, which="overdue", now=at(2026, 3, 11, 9)).exists()
    settings = WorkOrderSettings.for_org(on_site.organisation_id)
    settings.loan_return_working_days = 5
    settings.save()
    assert not selectors.loan_list(user=desk, which="overdue", now=at(2026, 3, 11, 9)).exists()


def test_the_api_lends_lists_and_takes_back(api, on_site, desk, outsider):
    url = f"/api/v1/workorders/{on_site.pk}/lend-loan/"
    r = api.as_(desk).post(url, {"unit": "备用机 SN9", "deposit": "200.00"})
    assert r.status_code == 400 and "deposit_receipt_no" in r.json()["error"]["fields"]
    r = api.post(url, {"unit": "备用机 SN9", "deposit": "200.00", "deposit_receipt_no": "R9"})
    assert r.status_code == 201, r.json()
    loan_id = r.json()["id"]
    assert api.post(url, {"unit": "again"}).status_code == 409
    listed = api.get("/api/v1/loan-units/?which=out").json()
    assert [row["id"] for row in listed["results"]] == [loan_id]
    assert api.get("/api/v1/loan-units/?which=bogus").status_code == 400
    # another organisation sees nothing of it
    assert api.as_(outsider).post(f"/api/v1/loan-units/{loan_id}/return/", {}).status_code == 404
    assert api.as_(outsider).post(url, {"unit": "x"}).status_code == 404
    back = api.as_(desk).post(f"/api/v1/loan-units/{loan_id}/return/", {"deposit_refunded": True})
    assert back.status_code == 200 and back.json()["deposit_refunded"] is True
    assert back.json()["is_out"] is False


def test_the_page_shows_the_due_unit_and_a_missing_unit_name_lends_nothing(client, on_site, desk):
    client.force_login(desk)
    WorkOrder.objects.filter(pk=on_site.pk).update(fixed_due_at=T0)  # the limit has passed
    page = client.get(f"/workorders/{on_site.pk}/").content.decode()
    assert "lend_loan" in page
    r = client.post(f"/workorders/{on_site.pk}/do/lend_loan/", {"unit": ""}, follow=True)
    assert LoanUnit.objects.count() == 0
    assert r.status_code == 200
    client.post(f"/workorders/{on_site.pk}/do/lend_loan/", {"unit": "备用机"})
    assert LoanUnit.objects.filter(order=on_site, unit="备用机").count() == 1
    listing = client.get("/workorders/loans/?which=out").content.decode()
    assert "备用机" in listing
