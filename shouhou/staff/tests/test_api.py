"""API: real URLs, status codes, the error body and nothing written on error."""

import pytest

from shouhou.core.models import AuditEvent
from shouhou.staff import flows, services
from shouhou.staff.models import FeeCharge, Fine, OnboardingApplication, Payment, ServiceStaff
from shouhou.staff.tests.factories import ServiceStaffFactory, WorkPermitFactory, id_number

URL = "/api/v1/staff/"


def _body(**kw):
    body = {
        "name": "张师傅",
        "mobile": "13912345678",
        "id_number": id_number(),
        "kinds": ["installation"],
        "employer": "mobile",
    }
    body.update(kw)
    return body


def test_desk_registers_staff_and_an_application_opens(api, desk):
    resp = api.as_(desk).post(URL, _body(), **{"Idempotency-Key": "k1"})
    assert resp.status_code == 201, resp.json()
    data = resp.json()
    assert data["onboarding"]["step"] == flows.DOCUMENTS
    assert data["id_number"].count("*") == 10
    again = api.post(URL, _body(), **{"Idempotency-Key": "k1"})
    assert again.status_code == 201 and again.json()["id"] == data["id"]
    assert ServiceStaff.objects.count() == 1


@pytest.mark.parametrize(
    "change, field",
    [
        ({"id_number": "110105194912310021"}, "id_number"),
        ({"mobile": "12345"}, "mobile"),
        ({"kinds": []}, "kinds"),
        ({"kinds": ["cooking"]}, "kinds"),
        ({"employer": "merchant"}, "merchant"),
        ({"name": ""}, "name"),
    ],
)
def test_bad_staff_input_is_400_with_the_field_and_nothing_written(api, desk, change, field):
    api.as_(desk)
    events = AuditEvent.all_objects.count()
    resp = api.post(URL, _body(**change))
    assert resp.status_code == 400
    err = resp.json()["error"]
    assert any(k.split(".")[0] == field for k in err["fields"]), err
    assert not ServiceStaff.objects.exists() and not OnboardingApplication.objects.exists()
    assert AuditEvent.all_objects.count() == events


def test_the_same_id_number_twice_is_a_conflict(api, desk):
    number = id_number()
    assert api.as_(desk).post(URL, _body(id_number=number)).status_code == 201
    resp = api.post(URL, _body(id_number=number, mobile="13912345679"))
    assert resp.status_code == 409 and "id_number" in resp.json()["error"]["fields"]


def test_a_finance_clerk_cannot_register_staff(api, finance):
    resp = api.as_(finance).post(URL, _body())
    assert resp.status_code == 403
    assert not ServiceStaff.objects.exists()


def test_skipping_a_step_over_the_api_is_409(api, desk, new_staff):
    staff = new_staff()
    app = OnboardingApplication.objects.get(staff=staff)
    resp = api.as_(desk).post(
        f"/api/v1/staff-applications/{app.pk}/complete-step/", {"step": "permit"}
    )
    assert resp.status_code == 409
    assert resp.json()["error"]["code"] == "step_out_of_order"


def test_same_receipt_twice_over_the_api_is_refused_and_nothing_written(api, finance, org):
    staff = ServiceStaffFactory(organisation=org)
    a = services.charge_raise(by=finance, staff=staff, kind="uniform", amount="80.00")
    b = services.charge_raise(by=finance, staff=staff, kind="badge", amount="20.00")
    url = "/api/v1/staff-payments/"
    ok = api.as_(finance).post(url, {"charge": a.pk, "amount": "80.00", "receipt_no": "R-9"})
    assert ok.status_code == 201, ok.json()
    resp = api.post(url, {"charge": b.pk, "amount": "20.00", "receipt_no": "R-9"})
    assert resp.status_code == 409
    assert "receipt_no" in resp.json()["error"]["fields"]
    b.refresh_from_db()
    assert b.paid_at is None and Payment.objects.count() == 1


@pytest.mark.parametrize("amount", ["0", "-20", "0.001"])
def test_zero_or_negative_amounts_over_the_api_are_400(api, finance, org, amount):
    staff = ServiceStaffFactory(organisation=org)
    resp = api.as_(finance).post(
        "/api/v1/staff-charges/", {"staff": staff.pk, "kind": "uniform", "amount": amount}
    )
    assert resp.status_code == 400 and "amount" in resp.json()["error"]["fields"]
    resp = api.post(
        "/api/v1/staff-fines/",
        {"staff": staff.pk, "category": "late", "description": "迟到", "amount": amount},
    )
    assert resp.status_code == 400 and "amount" in resp.json()["error"]["fields"]
    assert not FeeCharge.objects.exists() and not Fine.objects.exists()


def test_can_work_endpoint_answers_with_the_reason(api, desk, org):
    staff = ServiceStaffFactory(organisation=org)
    WorkPermitFactory(staff=staff, organisation=org, kinds=["repair"])
    resp = api.as_(desk).get(f"{URL}{staff.pk}/can-work/", kind="installation")
    assert resp.status_code == 200
    assert resp.json()["ok"] is False and resp.json()["code"] == "kind_not_allowed"
    assert api.get(f"{URL}{staff.pk}/can-work/", kind="repair", date="bad").status_code == 400


def test_merchant_admin_sees_only_its_own_staff(api, merchant_admin, merchant, other_merchant, org):
    mine = ServiceStaffFactory(organisation=org, employer="merchant", merchant=merchant)
    theirs = ServiceStaffFactory(organisation=org, employer="merchant", merchant=other_merchant)
    api.as_(merchant_admin)
    ids = [row["id"] for row in api.get(URL).json()["results"]]
    assert ids == [mine.pk]
    assert api.get(f"{URL}{theirs.pk}/").status_code == 404
    assert api.get(f"{URL}{theirs.pk}/ledger/").status_code == 404
    resp = api.post(f"{URL}{theirs.pk}/documents/", {"kind": "photo", "note": "x"})
    assert resp.status_code == 404
    assert not theirs.documents.exists()


def test_merchant_admin_registers_for_its_own_merchant_only(
    api, merchant_admin, merchant, other_merchant
):
    resp = api.as_(merchant_admin).post(URL, _body(employer="merchant", merchant=merchant.pk))
    assert resp.status_code == 201
    resp = api.post(URL, _body(employer="merchant", merchant=other_merchant.pk))
    assert resp.status_code == 404
    assert ServiceStaff.objects.count() == 1


def test_another_organisations_staff_is_404(api, outsider, org):
    staff = ServiceStaffFactory(organisation=org)
    assert api.as_(outsider).get(f"{URL}{staff.pk}/").status_code == 404


def test_fines_list_can_be_limited_to_overdue(api, desk, org):
    staff = ServiceStaffFactory(organisation=org)
    services.fine_create(by=desk, staff=staff, category="late", description="迟到", amount="30")
    assert api.as_(desk).get("/api/v1/staff-fines/", overdue="1").json()["count"] == 0
    assert api.get("/api/v1/staff-fines/").json()["count"] == 1


def test_conduct_rules_are_readable_by_any_member(api, make_user):
    resp = api.as_(make_user("technician")).get("/api/v1/staff-conduct-rules/", section="language")
    assert resp.status_code == 200 and resp.json()["count"] == 5
