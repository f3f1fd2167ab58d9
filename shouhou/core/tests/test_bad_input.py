"""The probe's bad-input table: every row answers 4xx in the JSON error shape, never a 500,
and writes nothing."""

import json

import pytest
from django.test import Client

pytestmark = pytest.mark.django_db

DEEP = "[" * 10_000 + "]" * 10_000
HUGE_AMOUNTS = ["10000000000", "10000000000.00", "1e10", "-10000000000", "NaN", "Infinity"]


def _shape(resp):
    body = resp.json()
    assert set(body["error"]) >= {"code", "message", "fields"}, body
    return body["error"]


@pytest.fixture
def finance(make_user):
    return make_user("finance")


@pytest.fixture
def staff(org):
    from shouhou.staff.tests.factories import ServiceStaffFactory

    return ServiceStaffFactory(organisation=org)


@pytest.mark.parametrize("amount", HUGE_AMOUNTS)
@pytest.mark.parametrize(
    "url,extra",
    [
        ("/api/v1/staff-charges/", {"kind": "uniform"}),
        ("/api/v1/staff-fines/", {"category": "late", "description": "迟到"}),
    ],
)
def test_money_beyond_the_column_is_a_400_naming_the_field(api, finance, staff, url, extra, amount):
    from shouhou.staff.models import FeeCharge, Fine

    resp = api.as_(finance).post(url, {"staff": staff.pk, "amount": amount, **extra})
    assert resp.status_code == 400
    assert "amount" in _shape(resp)["fields"]
    assert not FeeCharge.objects.exists() and not Fine.objects.exists()


def test_the_largest_amount_the_column_holds_is_accepted(api, finance, staff):
    resp = api.as_(finance).post(
        "/api/v1/staff-charges/", {"staff": staff.pk, "kind": "uniform", "amount": "9999999999.99"}
    )
    assert resp.status_code == 201, resp.json()


@pytest.mark.parametrize("url", ["/api/v1/auth/token/", "/api/v1/workorders/", "/api/v1/me/"])
def test_json_nested_ten_thousand_deep_is_a_400(client, make_user, url):
    if url != "/api/v1/auth/token/":
        client.force_login(make_user("service_desk"))
    resp = client.post(url, DEEP, content_type="application/json")
    assert resp.status_code in (400, 405)
    if resp.status_code == 400:
        assert _shape(resp)["code"] == "parse_error"


def test_moderately_deep_json_is_refused_too(client):
    body = '{"username": ' + "[" * 40 + "]" * 40 + ', "password": "x"}'
    resp = client.post("/api/v1/auth/token/", body, content_type="application/json")
    assert resp.status_code == 400 and _shape(resp)["code"] == "parse_error"


def test_a_body_over_the_upload_limit_is_a_413_in_the_json_shape(client, settings, make_user):
    settings.DATA_UPLOAD_MAX_MEMORY_SIZE = 1000
    client.force_login(make_user("service_desk"))
    body = json.dumps({"description": "x" * 2000})
    resp = client.post("/api/v1/workorders/", body, content_type="application/json")
    assert resp.status_code == 413 and _shape(resp)["code"] == "too_large"


@pytest.mark.parametrize(
    "method,url,status",
    [
        ("get", "/api/v1/no-such-thing/", 404),
        ("get", "/api/nothing-here", 404),
        ("delete", "/api/v1/auth/token/", 405),
    ],
)
def test_djangos_own_errors_under_api_have_the_json_shape(client, method, url, status):
    resp = getattr(client, method)(url)
    assert resp.status_code == status
    assert resp["Content-Type"].startswith("application/json")
    _shape(resp)


def test_a_csrf_failure_under_api_has_the_json_shape(make_user):
    client = Client(enforce_csrf_checks=True)
    client.force_login(make_user("service_desk"))
    resp = client.post("/api/v1/workorders/", {}, content_type="application/json")
    assert resp.status_code == 403
    _shape(resp)


@pytest.mark.parametrize(
    "query,field",
    [
        ({"status": "bogus"}, "status"),
        ({"kind": "bogus"}, "kind"),
        ({"flag": "bogus"}, "flag"),
    ],
)
def test_unknown_work_order_filter_values_are_a_400(api, make_user, query, field):
    resp = api.as_(make_user("service_desk")).get("/api/v1/workorders/", **query)
    assert resp.status_code == 400
    assert field in _shape(resp)["fields"]


def test_known_work_order_filter_values_still_work(api, make_user):
    resp = api.as_(make_user("service_desk")).get("/api/v1/workorders/", status="unresolved")
    assert resp.status_code == 200


@pytest.mark.parametrize("ordering", ["bogus", "-bogus", "number,password"])
def test_unknown_ordering_is_a_400(api, make_user, ordering):
    resp = api.as_(make_user("sales")).get("/api/v1/contracts/", ordering=ordering)
    assert resp.status_code == 400
    assert "ordering" in _shape(resp)["fields"]


def test_known_ordering_still_works(api, make_user):
    assert (
        api.as_(make_user("sales")).get("/api/v1/contracts/", ordering="-number").status_code == 200
    )


def test_a_megabyte_description_is_refused(api, make_user):
    from shouhou.workorders.models import WorkOrder

    resp = api.as_(make_user("service_desk")).post(
        "/api/v1/workorders/",
        {"source": "hotline", "kind": "repair", "description": "x" * 1_000_000},
    )
    assert resp.status_code == 400
    assert "description" in _shape(resp)["fields"]
    assert not WorkOrder.all_objects.exists()


def test_bulk_assign_with_another_organisations_task_is_a_404(api, make_user, other_org):
    from shouhou.callbacks.models import CallbackTask
    from shouhou.callbacks.tests.records_factories import make_customer, task_on

    theirs = task_on(kind=CallbackTask.Kind.BIRTHDAY_GREETING, customer=make_customer(other_org))
    agent = make_user("call_centre")
    resp = api.as_(make_user("cs_supervisor")).post(
        "/api/v1/callback-tasks/assign/", {"tasks": [theirs.pk], "agent": agent.pk}
    )
    assert resp.status_code == 404
    _shape(resp)
    theirs.refresh_from_db()
    assert theirs.assigned_to_id is None
