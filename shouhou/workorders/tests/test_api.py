"""The API: the real URLs, the error shape, Idempotency-Key, and who sees which order."""

import pytest

from shouhou.customers.models import Customer
from shouhou.workorders import services as s
from shouhou.workorders.models import WorkOrder

from .factories import at, make_customer, make_technician

URL = "/api/v1/workorders/"


def new_caller(**kw):
    data = {
        "source": "hotline",
        "kind": "repair",
        "description": "淋浴房门关不上",
        "customer_data": {
            "name": "刘女士",
            "mobile": "13811112222",
            "district": "东城区",
            "address_detail": "和平里5号",
        },
    }
    data.update(kw)
    return data


def test_intake_creates_an_order_and_a_double_click_creates_one(api, desk):
    r1 = api.as_(desk).post(URL, new_caller(), **{"Idempotency-Key": "k-1"})
    r2 = api.as_(desk).post(URL, new_caller(), **{"Idempotency-Key": "k-1"})
    assert r1.status_code == 201, r1.json()
    assert r2.status_code == 201
    assert r2.headers.get("Idempotent-Replayed") == "true"
    assert r1.json()["id"] == r2.json()["id"]
    assert WorkOrder.all_objects.count() == 1


def test_a_second_call_about_the_same_problem_answers_200_joined(api, desk):
    first = api.as_(desk).post(URL, new_caller()).json()
    again = api.as_(desk).post(URL, new_caller(description="又坏了"))
    assert again.status_code == 200
    assert again.json()["joined"] is True and again.json()["id"] == first["id"]


def test_the_order_counts_the_repeat_contacts_about_it(api, desk):
    first = api.as_(desk).post(URL, new_caller()).json()
    assert first["repeat_contacts"] == 0
    api.post(URL, new_caller(description="又坏了"))
    api.post(URL, new_caller(description="还没人来"))
    assert api.get(f"{URL}{first['id']}/").json()["repeat_contacts"] == 2


def test_incomplete_customer_data_is_a_400_with_fields_and_nothing_is_written(api, desk):
    data = new_caller(customer_data={"name": "某某", "mobile": "123"})
    r = api.as_(desk).post(URL, data, **{"Idempotency-Key": "k-2"})
    assert r.status_code == 400
    body = r.json()["error"]
    assert body["code"] == "invalid" and "mobile" in body["fields"]
    assert WorkOrder.all_objects.count() == 0 and Customer.all_objects.count() == 0


def test_dispatch_without_a_valid_permit_is_a_400_and_nothing_changes(api, desk, org):
    order = api.as_(desk).post(URL, new_caller()).json()
    nobody = make_technician(org, permit=False)
    r = api.as_(desk).post(f"{URL}{order['id']}/dispatch/", {"technician": nobody.pk})
    assert r.status_code == 400
    assert r.json()["error"]["code"] == "no_permit"
    assert WorkOrder.all_objects.get(pk=order["id"]).status == "new"


def test_a_second_dispatch_is_a_409(api, desk, tech):
    order = api.as_(desk).post(URL, new_caller()).json()
    assert (
        api.as_(desk).post(f"{URL}{order['id']}/dispatch/", {"technician": tech.pk}).status_code
        == 200
    )
    r = api.as_(desk).post(f"{URL}{order['id']}/dispatch/", {"technician": tech.pk})
    assert r.status_code == 409
    assert r.json()["error"]["code"] == "invalid_transition"


def test_closing_an_order_never_visited_is_a_409(api, desk, tech):
    order = api.as_(desk).post(URL, new_caller()).json()
    api.as_(desk).post(f"{URL}{order['id']}/dispatch/", {"technician": tech.pk})
    r = api.as_(desk).post(f"{URL}{order['id']}/close/")
    assert r.status_code == 409
    assert WorkOrder.all_objects.get(pk=order["id"]).status == "dispatched"


def test_the_technician_walks_the_job_and_the_customer_signs_once(api, desk, tech, client):
    order = api.as_(desk).post(URL, new_caller()).json()
    api.as_(desk).post(f"{URL}{order['id']}/dispatch/", {"technician": tech.pk})
    t = api.as_(tech.user)
    base = f"{URL}{order['id']}/"
    assert t.post(base + "contact/", {"note": "已联系"}).status_code == 200
    r = t.post(base + "appoint/", {"appointment_at": "2099-03-10T14:00:00+08:00"})
    assert r.status_code == 200 and r.json()["status"] == "appointed"
    assert t.post(base + "sign/", {"signer_name": "刘", "signature": "x"}).status_code in (400, 409)
    assert t.post(base + "arrive/").status_code == 200
    r = t.post(
        base + "complete/",
        {"work_done": "调整门轴", "parts": [{"name": "门轴", "quantity": 2, "reason": "磨损"}]},
    )
    assert r.status_code == 200, r.json()
    assert r.json()["report"]["parts"][0]["quantity"] == 2
    from .test_services import PNG

    r = t.post(base + "sign/", {"signer_name": "刘女士", "signature": PNG})
    assert r.status_code == 200 and r.json()["status"] == "confirmed"
    r = t.post(base + "sign/", {"signer_name": "别人", "signature": PNG})
    assert r.status_code == 409 and r.json()["error"]["code"] == "already_signed"


def test_a_technician_sees_only_own_jobs(api, desk, tech, org):
    mine = api.as_(desk).post(URL, new_caller()).json()
    api.as_(desk).post(f"{URL}{mine['id']}/dispatch/", {"technician": tech.pk})
    other = s.workorder_intake(
        by=desk, source="hotline", kind="repair", customer=make_customer(org)
    ).order
    listed = api.as_(tech.user).get(URL).json()["results"]
    assert [o["id"] for o in listed] == [mine["id"]]
    assert api.as_(tech.user).get(f"{URL}{other.pk}/").status_code == 404
    assert [o["id"] for o in api.as_(tech.user).get(URL + "my-jobs/").json()] == [mine["id"]]


def test_a_merchant_admin_sees_only_the_merchants_orders(api, desk, org, merchant, make_user):
    admin = make_user("merchant_admin", merchant=merchant)
    theirs = s.workorder_intake(
        by=desk,
        source="hotline",
        kind="repair",
        customer=make_customer(org, merchant=merchant),
    ).order
    other = s.workorder_intake(
        by=desk, source="hotline", kind="repair", customer=make_customer(org)
    ).order
    ids = [o["id"] for o in api.as_(admin).get(URL).json()["results"]]
    assert ids == [theirs.pk]
    assert api.as_(admin).get(f"{URL}{other.pk}/").status_code == 404


def test_another_organisation_gets_404(api, desk, outsider):
    order = api.as_(desk).post(URL, new_caller()).json()
    r = api.as_(outsider).get(f"{URL}{order['id']}/")
    assert r.status_code == 404
    assert r.json()["error"]["code"] == "not_found"
    assert api.as_(outsider).post(f"{URL}{order['id']}/cancel/", {"reason": "x"}).status_code == 404


def test_the_daily_report_lists_missed_services(api, desk, tech, org):
    from shouhou.workorders.jobs import sweep

    order = s.workorder_intake(
        by=desk,
        source="hotline",
        kind="repair",
        customer=make_customer(org),
        now=at(2026, 2, 13, 16),
    ).order
    s.workorder_dispatch(by=desk, order=order, technician=tech, now=at(2026, 2, 13, 16))
    sweep(at(2026, 2, 24, 17))
    r = api.as_(desk).get(URL + "daily-report/", day="2026-02-24")
    assert r.status_code == 200
    body = r.json()
    assert [row["number"] for row in body["missed"]] == [order.number]
    assert "****" in body["missed"][0]["phone"]


@pytest.mark.parametrize("day", ["yesterday", "2026-13-01"])
def test_a_bad_report_day_is_a_400(api, desk, day):
    assert api.as_(desk).get(URL + "daily-report/", day=day).status_code == 400
