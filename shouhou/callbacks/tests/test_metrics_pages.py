"""The coverage page, its Excel and the metrics API: numbers, permissions, bad input."""

import datetime as dt
import io
from decimal import Decimal

import pytest
import time_machine
from django.urls import reverse
from openpyxl import load_workbook

from shouhou.org.tests.factories import StoreFactory
from shouhou.workorders.tests.factories import at, make_customer

from .test_metrics import delivery, record, task, three_services

pytestmark = pytest.mark.django_db

NOW = at(2026, 11, 2, 10)
SEP = {"from": "2026-09-01", "to": "2026-09-30"}


@pytest.fixture
def travel():
    with time_machine.travel(NOW, tick=False) as t:
        yield t


@pytest.fixture
def data(org, store):
    """Three services (in time, late, none) and one delivery in time in September; two scored
    callbacks; one overdue task."""
    three_services(org, store)
    c = make_customer(org, store=store)
    d = delivery(org, c, store, at(2026, 9, 25, 16))
    record(org, c, at(2026, 9, 28, 10), delivery=d, satisfaction=5, store=store)
    record(org, c, at(2026, 9, 29, 10), satisfaction=2, store=store)
    task(org, c, dt.date(2026, 10, 30))
    return store


@pytest.fixture
def manager(make_user, store):
    return make_user("cs_manager", store=store, display_name="孙经理")


# -- page -------------------------------------------------------------------------------------
def test_the_office_sees_coverage_against_the_target_overdue_tasks_and_satisfaction(
    client, travel, data, manager
):
    client.force_login(manager)
    resp = client.get(reverse("callbacks:coverage"), SEP)
    assert resp.status_code == 200
    cov = resp.context["cov"]
    assert cov["services"]["pct"] == Decimal("33.3")
    assert cov["deliveries"]["pct"] == Decimal("100.0")
    html = resp.content.decode()
    assert '<span class="badge err"' in html and "33.3%" in html  # below the target: red
    assert '<span class="badge ok">100.0%</span>' in html
    late, missing = cov["services_not_in_time"]
    assert reverse("workorders:detail", args=[late["id"]]) in html
    assert reverse("workorders:detail", args=[missing["id"]]) in html
    assert resp.context["od"]["total"] == 1
    assert reverse("callbacks:coverage_xlsx") in html


def test_the_page_defaults_to_this_month(client, travel, data, manager):
    client.force_login(manager)
    resp = client.get(reverse("callbacks:coverage"))
    assert resp.status_code == 200
    assert resp.context["cov"]["date_from"] == dt.date(2026, 11, 1)
    assert resp.context["cov"]["date_to"] == dt.date(2026, 11, 30)
    assert resp.context["cov"]["services"]["total"] == 0


def test_a_malformed_or_reversed_period_shows_the_page_with_the_message(client, travel, manager):
    client.force_login(manager)
    resp = client.get(reverse("callbacks:coverage"), {"from": "2026-02-30", "to": "2026-03-01"})
    assert resp.status_code == 400
    assert resp.context["form"].errors["from"]
    assert 'role="alert"' in resp.content.decode()
    resp = client.get(reverse("callbacks:coverage"), {"from": "2026-09-30", "to": "2026-09-01"})
    assert resp.status_code == 400 and resp.context["form"].errors["to"]
    resp = client.get(reverse("callbacks:coverage_xlsx"), {"from": "junk"})
    assert resp.status_code == 400 and resp["Content-Type"].startswith("text/html")


def test_a_store_of_another_organisation_is_refused_on_the_page(client, travel, manager, other_org):
    foreign = StoreFactory(organisation=other_org, code="zz")
    client.force_login(manager)
    resp = client.get(reverse("callbacks:coverage"), {"store": foreign.pk})
    assert resp.status_code == 400 and resp.context["form"].errors["store"]


def test_technicians_and_merchants_may_not_see_the_coverage_page(
    client, travel, make_user, merchant
):
    for user in (
        make_user("technician"),
        make_user("merchant_admin", merchant=merchant),
        make_user("delivery_crew"),
    ):
        client.force_login(user)
        assert client.get(reverse("callbacks:coverage")).status_code == 403
        assert client.get(reverse("callbacks:coverage_xlsx")).status_code == 403


def test_another_organisation_sees_none_of_these_numbers(client, travel, data, outsider):
    client.force_login(outsider)
    resp = client.get(reverse("callbacks:coverage"), SEP)
    assert resp.status_code == 200
    cov = resp.context["cov"]
    assert cov["services"]["total"] == 0 and cov["deliveries"]["total"] == 0
    assert cov["by_store"] == [] and resp.context["od"]["total"] == 0
    assert resp.context["data"]["satisfaction"]["store"]["rows"] == []


# -- Excel ------------------------------------------------------------------------------------
def test_the_excel_has_one_sheet_per_section_with_the_numbers_of_the_page(
    client, travel, data, manager, org
):
    client.force_login(manager)
    resp = client.get(reverse("callbacks:coverage_xlsx"), {**SEP, "store": data.pk})
    assert resp.status_code == 200
    assert "callback-coverage-20260901-20260930.xlsx" in resp["Content-Disposition"]
    wb = load_workbook(io.BytesIO(resp.content))
    assert len(wb.sheetnames) == 6
    cov, lists, overdue, by_store, by_tech, by_product = (wb[n] for n in wb.sheetnames)
    for ws in wb.worksheets:  # every sheet is headed by the organisation, period and store
        assert ws["B1"].value == org.name
        assert ws["B2"].value == "2026-09-01 – 2026-09-30"
        assert ws["B3"].value == data.name
    assert cov["B5"].value == 3  # the window in working days
    services = [c.value for c in cov[7]][1:12]
    assert services[:6] == [3, 3, 1, 1, 1, 0]  # total, due, in time, late, not called, open
    assert services[6] == pytest.approx(33.3) and services[7] == 100
    deliveries = [c.value for c in cov[8]][1:8]
    assert deliveries == [1, 1, 1, 0, 0, 0, 100]
    assert [c.value for c in cov[11]][0:4] == [data.name, cov["A7"].value, 3, 3]
    listed = [r for r in lists.iter_rows(min_row=6, values_only=True) if r[0]]
    assert len(listed) == 2
    assert {r[6] for r in listed} == {dt.datetime(2026, 9, 30)}  # the deadline
    assert {r[7] for r in listed} == {dt.datetime(2026, 10, 8), None}  # first callback
    assert [c.value for c in overdue[5]][1:4:2] == [dt.datetime(2026, 11, 2), 1]
    assert [c.value for c in by_store[5]][1] == 4  # satisfied from
    assert [c.value for c in by_store[7]] == [data.name, 2, 3.5, 50, 50, 0, 1, 0, 0, 1]
    assert [c.value for c in by_tech[7]][:3] == [by_tech["A7"].value, 2, 3.5]
    assert [c.value for c in by_product[7]][:3] == [by_product["A7"].value, 2, 3.5]


# -- API --------------------------------------------------------------------------------------
def test_the_api_gives_coverage_overdue_and_satisfaction(api, travel, data, manager):
    api.as_(manager)
    resp = api.get("/api/v1/callbacks/coverage/", **SEP)
    assert resp.status_code == 200, resp.content
    body = resp.json()
    assert body["services"]["in_time"] == 1 and body["services"]["pct"] == "33.3"
    assert body["target_pct"] == "100" and body["date_from"] == "2026-09-01"
    assert {row["state"] for row in body["services_not_in_time"]} == {"late", "missing"}

    body = api.get("/api/v1/callbacks/overdue/").json()
    assert body["total"] == 1 and body["by_kind"][0]["kind"] == "after_service"

    body = api.get("/api/v1/callbacks/satisfaction/", by="store", **SEP).json()
    assert body["rows"][0]["average"] == "3.50" and body["rows"][0]["satisfied_pct"] == "50.0"
    body = api.get("/api/v1/callbacks/satisfaction/", by="technician", **SEP).json()
    assert body["rows"][0]["label"] == "（无师傅）"


def test_bad_api_parameters_are_a_400_naming_each_field(api, travel, manager, other_org):
    api.as_(manager)
    resp = api.get("/api/v1/callbacks/coverage/", **{"from": "2026-9-1x", "to": "nope"})
    assert resp.status_code == 400
    assert set(resp.json()["error"]["fields"]) == {"from", "to"}
    resp = api.get("/api/v1/callbacks/satisfaction/", **{"from": "2026-09-30", "to": "2026-09-01"})
    assert resp.status_code == 400 and "to" in resp.json()["error"]["fields"]
    resp = api.get("/api/v1/callbacks/satisfaction/", by="colour")
    assert resp.status_code == 400 and "by" in resp.json()["error"]["fields"]
    foreign = StoreFactory(organisation=other_org, code="yy")
    resp = api.get("/api/v1/callbacks/overdue/", store=foreign.pk)
    assert resp.status_code == 400 and "store" in resp.json()["error"]["fields"]


def test_the_api_refuses_technicians_and_shows_another_organisation_nothing(
    api, travel, data, make_user, outsider
):
    api.as_(make_user("technician"))
    for path in ("coverage", "overdue", "satisfaction"):
        resp = api.get(f"/api/v1/callbacks/{path}/")
        assert resp.status_code == 403
        assert resp.json()["error"]["code"] == "role_required"
    api.as_(outsider)
    assert api.get("/api/v1/callbacks/coverage/", **SEP).json()["services"]["total"] == 0
    assert api.get("/api/v1/callbacks/overdue/").json()["total"] == 0
    assert api.get("/api/v1/callbacks/satisfaction/", **SEP).json()["rows"] == []


def test_anonymous_callers_get_nothing(client):
    assert client.get("/api/v1/callbacks/coverage/").status_code in (401, 403)
    resp = client.get(reverse("callbacks:coverage"))
    assert resp.status_code == 302
