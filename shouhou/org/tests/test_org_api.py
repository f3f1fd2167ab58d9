"""/api/v1/stations/, /departments/ and /dealers/, and the new facts of /stores/ and
/merchants/ (hours, kind, the merchant's store): read by the office, changed by the roles that
own them (`org.access`), every change audited, bad input a 400 naming the field."""

import pytest

from shouhou.core.models import AuditEvent
from shouhou.org.models import Dealer, Department, Store
from shouhou.org.tests.factories import StoreFactory

pytestmark = pytest.mark.django_db


def test_the_stations_list_has_only_service_stations_with_their_hours(api, clerk, org, store):
    station = StoreFactory(
        organisation=org, code="tj", kind=Store.Kind.STATION, opens_at="08:00", closes_at="18:00"
    )
    api.as_(clerk)
    rows = api.get("/api/v1/stations/").json()["results"]
    assert [(s["id"], s["kind"], s["opens_at"], s["closes_at"]) for s in rows] == [
        (station.pk, "station", "08:00:00", "18:00:00")
    ]
    assert api.get(f"/api/v1/stores/{station.pk}/").json()["kind"] == "station"


def test_departments_are_read_by_the_office_and_filtered_by_store(api, clerk, org, store):
    at_store = Department.objects.create(
        organisation=org, name="客服部", kind="customer_service", store=store
    )
    Department.objects.create(organisation=org, name="财务部", kind="finance")
    api.as_(clerk)
    assert api.get("/api/v1/departments/").json()["count"] == 2
    rows = api.get("/api/v1/departments/", store=store.pk).json()["results"]
    assert [d["id"] for d in rows] == [at_store.pk]
    bad = api.get("/api/v1/departments/", store="x")
    assert bad.status_code == 400 and "store" in bad.json()["error"]["fields"]


def test_a_clerk_changes_no_department_and_nothing_is_written(api, clerk, org):
    dep = Department.objects.create(organisation=org, name="客服部", kind="customer_service")
    api.as_(clerk)
    assert api.patch(f"/api/v1/departments/{dep.pk}/", {"name": "X"}).status_code == 403
    dep.refresh_from_db()
    assert dep.name == "客服部" and not AuditEvent.all_objects.exists()


def test_a_department_moved_to_another_organisations_store_is_a_400_naming_the_store(
    api, make_user, org, other_org
):
    dep = Department.objects.create(organisation=org, name="客服部", kind="customer_service")
    foreign = StoreFactory(organisation=other_org)
    api.as_(make_user("cs_manager"))
    resp = api.patch(f"/api/v1/departments/{dep.pk}/", {"store": foreign.pk})
    assert resp.status_code == 400 and "store" in resp.json()["error"]["fields"]
    dep.refresh_from_db()
    assert dep.store_id is None


def test_an_invalid_department_phone_is_a_400_naming_the_field(api, make_user, org):
    dep = Department.objects.create(organisation=org, name="客服部", kind="customer_service")
    api.as_(make_user("cs_manager"))
    resp = api.patch(f"/api/v1/departments/{dep.pk}/", {"phone": "555"})
    assert resp.status_code == 400 and "phone" in resp.json()["error"]["fields"]


def test_the_customer_service_manager_changes_a_dealer_with_an_audit_record(api, make_user, org):
    dealer = Dealer.objects.create(organisation=org, name="石家庄经销商", phone="13831100001")
    api.as_(make_user("cs_manager"))
    resp = api.patch(f"/api/v1/dealers/{dealer.pk}/", {"region": "河北", "phone": "0311-85551234"})
    assert resp.status_code == 200 and resp.json()["phone"] == "0311-85551234"
    event = AuditEvent.all_objects.get(action="shouhou.dealer.updated")
    assert event.before["phone"] == "13831100001" and event.after["phone"] == "0311-85551234"


def test_a_clerk_reads_dealers_but_does_not_change_them(api, clerk, org):
    dealer = Dealer.objects.create(organisation=org, name="石家庄经销商")
    api.as_(clerk)
    assert api.get(f"/api/v1/dealers/{dealer.pk}/").status_code == 200
    assert api.patch(f"/api/v1/dealers/{dealer.pk}/", {"region": "X"}).status_code == 403


def test_another_organisations_department_and_dealer_are_404(api, make_user, other_org):
    dep = Department.objects.create(organisation=other_org, name="客服部", kind="other")
    dealer = Dealer.objects.create(organisation=other_org, name="外地经销商")
    api.as_(make_user("general_manager"))
    for url in (f"/api/v1/departments/{dep.pk}/", f"/api/v1/dealers/{dealer.pk}/"):
        assert api.get(url).status_code == 404
        assert api.patch(url, {"name": "X"}).status_code == 404


def test_a_merchant_is_placed_in_a_store_of_the_organisation(api, make_user, merchant, store):
    api.as_(make_user("administration"))
    resp = api.patch(f"/api/v1/merchants/{merchant.pk}/", {"store": store.pk})
    assert resp.status_code == 200 and resp.json()["store"] == store.pk


def test_the_schema_names_the_new_endpoints(api, clerk):
    api.as_(clerk)
    paths = api.get("/api/schema/?format=json").json()["paths"]
    assert {"/api/v1/stations/", "/api/v1/departments/{id}/", "/api/v1/dealers/{id}/"} <= set(paths)
    assert "patch" in paths["/api/v1/departments/{id}/"]
