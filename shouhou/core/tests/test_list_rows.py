"""List rows under load (issue 26): summary rows, `?fields=` / `?expand=`, conditional GET
(ETag, 304), `Cache-Control: private`; shown on the work-order list and detail."""

from __future__ import annotations

import itertools

import pytest
from django.utils import timezone

from shouhou.core.listing import truncate
from shouhou.workorders import states
from shouhou.workorders.models import WorkOrder
from shouhou.workorders.tests.factories import make_customer, make_technician

pytestmark = pytest.mark.django_db
URL = "/api/v1/workorders/"
_n = itertools.count()


@pytest.fixture
def desk(make_user, store):
    return make_user("service_desk", store=store, display_name="李调度")


def _order(org, store, **fields) -> WorkOrder:
    values = {
        "organisation": org,
        "number": f"E{next(_n):05d}",
        "kind": "repair",
        "source": "hotline",
        "status": states.NEW,
        "customer": make_customer(org, store=store),
        "store": store,
        "received_at": timezone.now(),
        "contact_phone": "13812345678",
        **fields,
    }
    return WorkOrder.all_objects.create(**values)


def test_truncate_keeps_short_text_and_cuts_long_text_with_an_ellipsis():
    assert truncate("短") == "短"
    assert truncate("x" * 80) == "x" * 80
    cut = truncate("x" * 81)
    assert len(cut) == 80 and cut.endswith("…")


def test_a_list_row_cuts_the_description_and_masks_the_phone_the_detail_keeps_both(
    api, desk, org, store
):
    order = _order(org, store, description="漏水" * 500)
    row = api.as_(desk).get(URL).json()["results"][0]
    assert len(row["description"]) == 80 and row["contact_phone"] == "138****5678"
    assert "address" not in row and "report" not in row
    detail = api.get(f"{URL}{order.pk}/").json()
    assert detail["description"] == "漏水" * 500 and detail["contact_phone"] == "13812345678"


def test_fields_keeps_only_the_named_fields_and_the_id(api, desk, org, store):
    _order(org, store)
    row = api.as_(desk).get(URL, fields="number,status").json()["results"][0]
    assert set(row) == {"id", "number", "status"}


def test_an_unknown_field_name_is_a_400_naming_fields(api, desk, org, store):
    _order(org, store)
    r = api.as_(desk).get(URL, fields="number,secret")
    assert r.status_code == 400
    assert "secret" in r.json()["error"]["fields"]["fields"][0]
    r = api.get(URL, expand="report")
    assert r.status_code == 400 and "expand" in r.json()["error"]["fields"]


def test_expand_gives_the_full_description_and_detail_columns(
    api, desk, org, store, django_assert_max_num_queries
):
    for _i in range(3):
        _order(org, store, description="长" * 300, address="幸福路1号")
    api.as_(desk).get(URL)  # session and caches warm
    with django_assert_max_num_queries(6):
        rows = api.get(URL, expand="description,address").json()["results"]
    assert rows[0]["description"] == "长" * 300 and rows[0]["address"] == "幸福路1号"


def test_the_schema_documents_fields_and_expand(api, desk):
    r = api.as_(desk).get("/api/schema/", format="json")
    assert r.status_code == 200
    text = r.content.decode()
    assert "Comma-separated subset of the row's fields" in text
    assert "Comma-separated detail fields to add to each row" in text


def test_a_second_list_read_with_the_etag_is_a_304_without_a_body(
    api, desk, org, store, django_assert_max_num_queries
):
    _order(org, store)
    first = api.as_(desk).get(URL)
    etag = first["ETag"]
    assert etag and first["Cache-Control"].startswith("private")
    assert "Cookie" in first["Vary"] and "Authorization" in first["Vary"]
    with django_assert_max_num_queries(5):
        again = api.client.get(URL, headers={"If-None-Match": etag})
    assert again.status_code == 304 and again.content == b"" and again["ETag"] == etag


def test_a_change_to_an_order_or_to_its_technicians_name_changes_the_list_etag(
    api, desk, org, store
):
    tech = make_technician(org, name="王师傅")
    order = _order(org, store, technician=tech, status=states.DISPATCHED)
    etag = api.as_(desk).get(URL)["ETag"]
    # A guarded update, as the services write state changes.
    WorkOrder.all_objects.filter(pk=order.pk).update(is_emergency=True)
    r = api.client.get(URL, headers={"If-None-Match": etag})
    assert r.status_code == 200 and r.json()["results"][0]["is_emergency"] is True
    etag = r["ETag"]
    tech.name = "李师傅"
    tech.save()
    r = api.client.get(URL, headers={"If-None-Match": etag})
    assert r.status_code == 200 and r.json()["results"][0]["technician"]["name"] == "李师傅"


def test_a_new_order_changes_the_list_etag(api, desk, org, store):
    _order(org, store)
    etag = api.as_(desk).get(URL)["ETag"]
    _order(org, store)
    r = api.client.get(URL, headers={"If-None-Match": etag})
    assert r.status_code == 200 and len(r.json()["results"]) == 2


def test_another_user_never_gets_a_304_for_someone_elses_etag(
    api, desk, make_user, org, store, other_org
):
    _order(org, store)
    etag = api.as_(desk).get(URL)["ETag"]
    colleague = make_user("service_desk", store=store)
    r = api.as_(colleague).client.get(URL, headers={"If-None-Match": etag})
    assert r.status_code == 200
    stranger = make_user("service_desk", organisation=other_org)
    r = api.as_(stranger).client.get(URL, headers={"If-None-Match": etag})
    assert r.status_code == 200


def test_a_detail_read_with_its_etag_is_a_304_and_after_a_change_a_200(
    api, desk, make_user, org, store
):
    order = _order(org, store, description="旧")
    first = api.as_(desk).get(f"{URL}{order.pk}/")
    etag = first["ETag"]
    assert first["Cache-Control"].startswith("private")
    again = api.client.get(f"{URL}{order.pk}/", headers={"If-None-Match": etag})
    assert again.status_code == 304 and again.content == b""
    WorkOrder.all_objects.filter(pk=order.pk).update(description="新")
    r = api.client.get(f"{URL}{order.pk}/", headers={"If-None-Match": etag})
    assert r.status_code == 200 and r.json()["description"] == "新"
    colleague = make_user("service_desk", store=store)
    r = api.as_(colleague).client.get(f"{URL}{order.pk}/", headers={"If-None-Match": r["ETag"]})
    assert r.status_code == 200


def test_update_moves_updated_at(org, store):
    order = _order(org, store)
    before = WorkOrder.all_objects.get(pk=order.pk).updated_at
    WorkOrder.all_objects.filter(pk=order.pk).update(is_emergency=True)
    assert WorkOrder.all_objects.get(pk=order.pk).updated_at > before
