"""The API: the bad inputs of issue 9 answer with clear errors and write nothing."""

import datetime as dt

import pytest

from shouhou.callbacks.models import CallbackTask
from shouhou.delivery import services
from shouhou.delivery.models import Delivery
from shouhou.sales.models import ContractPayment

from .factories import SIGNATURE, full_checklist, make_contract

pytestmark = pytest.mark.django_db
URL = "/api/v1/deliveries/"


def _ready(sales, supervisor, crew, contract, day="2026-09-15"):
    d = services.delivery_schedule(by=sales, contract=contract, scheduled_date=day)
    services.delivery_workshop_done(by=supervisor, delivery=d)
    return services.delivery_assign(by=supervisor, delivery=d, crew=crew, vehicle="京A1")


def _error(resp, status, code=None):
    assert resp.status_code == status, resp.content
    body = resp.json()["error"]
    if code:
        assert body["code"] == code
    return body


def test_schedule_through_the_api_is_idempotent(api, sales, contract):
    body = {"contract": contract.pk, "scheduled_date": "2026-10-09"}
    first = api.as_(sales).post(URL, body, **{"Idempotency-Key": "k1"})
    assert first.status_code == 201, first.content
    assert first.json()["reconfirm_due_on"] == "2026-09-24"
    again = api.post(URL, body, **{"Idempotency-Key": "k1"})
    assert again.status_code == 201 and again.json()["id"] == first.json()["id"]
    assert Delivery.objects.count() == 1


def test_a_delivery_from_an_incomplete_contract_is_refused(api, sales, store):
    from shouhou.customers.models import Customer

    contract = make_contract(sales, store)
    # The customer's name became a placeholder (某先生) after signing.
    Customer.objects.filter(pk=contract.customer_id).update(name="王先生", name_is_full=False)
    body = _error(
        api.as_(sales).post(URL, {"contract": contract.pk, "scheduled_date": "2026-10-09"}),
        400,
        "invalid",
    )
    assert "contract" in body["fields"]
    assert Delivery.objects.count() == 0


def test_a_delivery_date_in_the_past_is_refused(api, sales, contract):
    body = _error(
        api.as_(sales).post(URL, {"contract": contract.pk, "scheduled_date": "2026-09-13"}), 400
    )
    assert "scheduled_date" in body["fields"]
    assert Delivery.objects.count() == 0
    contract.refresh_from_db()
    assert contract.delivery_date is None


def test_a_second_delivery_of_the_same_contract_is_a_conflict(api, sales, contract):
    api.as_(sales).post(URL, {"contract": contract.pk, "scheduled_date": "2026-10-09"})
    _error(api.post(URL, {"contract": contract.pk, "scheduled_date": "2026-10-10"}), 409)
    assert Delivery.objects.count() == 1


def test_a_checklist_that_does_not_match_the_contract_is_refused(
    api, sales, supervisor, crew_user, crew, contract
):
    d = _ready(sales, supervisor, crew, contract)
    lines = full_checklist(contract)
    lines[0]["quantity"] = 1  # the contract says 2
    lines[1]["accessories"] = False
    body = _error(
        api.as_(crew_user).post(f"{URL}{d.pk}/load/", {"lines": lines, "tool_kit": True}),
        400,
        "checklist_mismatch",
    )
    assert set(body["fields"]) == {f"lines.{lines[0]['line']}", f"lines.{lines[1]['line']}"}
    missing = _error(api.post(f"{URL}{d.pk}/load/", {"lines": lines[:1], "tool_kit": False}), 400)
    assert "tool_kit" in missing["fields"] and f"lines.{lines[1]['line']}" in missing["fields"]
    d.refresh_from_db()
    assert d.status == Delivery.Status.WORKSHOP_DONE and d.loaded_at is None


def test_a_signature_before_the_checklist_is_complete_is_refused(
    api, sales, supervisor, crew_user, crew, contract
):
    d = _ready(sales, supervisor, crew, contract)
    body = _error(
        api.as_(crew_user).post(
            f"{URL}{d.pk}/complete/",
            {"signature": SIGNATURE, "signer_name": "张三", "satisfaction": 5},
        ),
        409,
        "checklist_incomplete",
    )
    assert "checklist" in body["message"] or body["message"]
    d.refresh_from_db()
    assert d.signature == "" and d.status == Delivery.Status.WORKSHOP_DONE
    assert CallbackTask.objects.count() == 0


def test_a_balance_larger_than_what_is_due_is_refused(
    api, sales, supervisor, crew_user, crew, contract
):
    d = _ready(sales, supervisor, crew, contract)
    crew_api = api.as_(crew_user)
    assert (
        crew_api.post(
            f"{URL}{d.pk}/load/", {"lines": full_checklist(contract), "tool_kit": True}
        ).status_code
        == 200
    )
    assert crew_api.post(f"{URL}{d.pk}/depart/").status_code == 200
    body = _error(
        crew_api.post(
            f"{URL}{d.pk}/collect/", {"amount": "3500.01", "method": "cash", "receipt_no": "R1"}
        ),
        400,
    )
    assert "amount" in body["fields"]
    d.refresh_from_db()
    assert d.collected_at is None
    # Signing without the balance collected is refused too.
    _error(
        crew_api.post(
            f"{URL}{d.pk}/complete/",
            {"signature": SIGNATURE, "signer_name": "张三", "satisfaction": 4},
        ),
        400,
    )
    ok = crew_api.post(
        f"{URL}{d.pk}/collect/", {"amount": "3500.00", "method": "cash", "receipt_no": "R1"}
    )
    assert ok.status_code == 200
    done = crew_api.post(
        f"{URL}{d.pk}/complete/",
        {"signature": SIGNATURE, "signer_name": "张三", "satisfaction": 4, "comments": "好"},
    )
    assert done.status_code == 200, done.content
    assert done.json()["status"] == "delivered"
    tasks = CallbackTask.objects.filter(source_key__startswith=f"delivery:{d.pk}:")
    assert tasks.count() == 4
    assert set(tasks.values_list("kind", flat=True)) == {CallbackTask.Kind.AFTER_DELIVERY}
    assert ContractPayment.objects.filter(receipt_no="R1").count() == 0  # posted on the report


def test_another_crew_cannot_see_or_work_a_run(api, make_user, sales, supervisor, crew, contract):
    from .factories import make_crew

    d = _ready(sales, supervisor, crew, contract)
    other = make_user("delivery_crew")
    make_crew(other, name="孙师傅")
    _error(api.as_(other).post(f"{URL}{d.pk}/depart/"), 404)
    data = api.get(URL).json()
    assert (data["results"] if isinstance(data, dict) else data) == []


def test_the_crew_must_hold_a_delivery_permit_for_the_day(
    api, make_user, sales, supervisor, contract
):
    from shouhou.staff.tests.factories import ServiceStaffFactory

    d = services.delivery_schedule(by=sales, contract=contract, scheduled_date="2026-09-15")
    no_permit = ServiceStaffFactory(organisation=sales.organisation, kinds=["delivery"])
    body = _error(
        api.as_(supervisor).post(f"{URL}{d.pk}/assign/", {"crew": no_permit.pk, "vehicle": "京A1"}),
        400,
    )
    assert "crew" in body["fields"]


def test_sales_cannot_inspect_workshop_work(api, sales, supervisor, contract):
    d = services.delivery_schedule(by=sales, contract=contract, scheduled_date="2026-09-30")
    req = services.workshop_request_create(by=supervisor, delivery=d, description="打蜡")
    _error(
        api.as_(sales).post(f"/api/v1/workshop-requests/{req.pk}/inspect/", {"passed": True}), 403
    )


def test_an_outsider_sees_no_delivery(api, outsider, sales, contract):
    d = services.delivery_schedule(by=sales, contract=contract, scheduled_date="2026-09-30")
    _error(api.as_(outsider).get(f"{URL}{d.pk}/"), 404)


def test_the_day_list_shows_the_days_runs(api, sales, supervisor, contract):
    services.delivery_schedule(by=sales, contract=contract, scheduled_date="2026-09-30")
    resp = api.as_(supervisor).get(URL, day="2026-09-30")
    assert resp.status_code == 200
    data = resp.json()
    rows = data["results"] if isinstance(data, dict) else data
    assert [row["contract"] for row in rows] == [contract.pk]
    assert dt.date.fromisoformat(rows[0]["scheduled_date"]) == dt.date(2026, 9, 30)


def test_workshop_queue_done_and_inspection_through_the_api(
    api, sales, supervisor, workshop, contract
):
    d = services.delivery_schedule(by=sales, contract=contract, scheduled_date="2026-09-30")
    services.workshop_request_create(by=supervisor, delivery=d, description="打蜡")
    queue = api.as_(workshop).get("/api/v1/workshop-requests/").json()
    rows = queue["results"] if isinstance(queue, dict) else queue
    assert [row["due_on"] for row in rows] == ["2026-09-28"]  # 29, 28 Sep: two working days
    pk = rows[0]["id"]
    assert api.post(f"/api/v1/workshop-requests/{pk}/done/", {"note": "好"}).status_code == 200
    _error(api.post(f"/api/v1/workshop-requests/{pk}/done/"), 409)
    ok = api.as_(supervisor).post(f"/api/v1/workshop-requests/{pk}/inspect/", {"passed": True})
    assert ok.status_code == 200 and ok.json()["status"] == "accepted"
    d.refresh_from_db()
    assert d.status == Delivery.Status.WORKSHOP_DONE


def test_tasks_are_listed_and_done_through_the_api(api, sales, supervisor, contract):
    from shouhou.delivery import jobs

    from .conftest import START

    services.delivery_schedule(by=sales, contract=contract, scheduled_date="2026-09-14")
    jobs.daily(START)
    data = api.as_(supervisor).get("/api/v1/delivery-tasks/").json()
    rows = data["results"] if isinstance(data, dict) else data
    assert [row["kind"] for row in rows] == ["day_before"]
    assert api.post(f"/api/v1/delivery-tasks/{rows[0]['id']}/done/").status_code == 200
    _error(api.post(f"/api/v1/delivery-tasks/{rows[0]['id']}/done/"), 409)


def test_the_crew_cannot_file_the_report(api, sales, supervisor, crew_user, crew, contract):
    d = _ready(sales, supervisor, crew, contract)
    _error(api.as_(crew_user).post(f"{URL}{d.pk}/report/", {"note": "x"}), 403)
