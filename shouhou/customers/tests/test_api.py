"""The customers API at its real URLs: status, error body, nothing written on error."""

import pytest

from shouhou.customers.models import Customer, CustomerAddress, CustomerPhone, OwnedProduct
from shouhou.customers.tests.factories import CustomerFactory
from shouhou.customers.tests.helpers import make_contract, make_model, make_product

pytestmark = pytest.mark.django_db

URL = "/api/v1/customers/"


def detail(pk):
    return f"{URL}{pk}/"


def rows():
    return (
        Customer.objects.count(),
        CustomerPhone.objects.count(),
        CustomerAddress.objects.count(),
    )


def body(good):
    return {
        "name": good["name"],
        "mobile": good["mobile"],
        "district": good["district"],
        "address_detail": good["address_detail"],
    }


def test_a_clerk_creates_a_customer_and_reads_it_back(api, clerk, good):
    r = api.as_(clerk).post(URL, {**body(good), "other_phones": ["0371-65432100"]})
    assert r.status_code == 201, r.json()
    data = r.json()
    assert data["name"] == "王小明" and data["mobile"] == "13812345678"
    assert data["phones"][0]["number"] == "0371-65432100"
    assert data["district"] == "金水区" and data["phones_masked"] is False
    r = api.get(detail(data["id"]))
    assert r.status_code == 200 and r.json()["id"] == data["id"]


BAD = [
    ({"name": "某先生"}, "name"),
    ({"name": "XX"}, "name"),
    ({"name": "李先生"}, "name"),
    ({"name": ""}, "name"),
    ({"name": "123"}, "name"),
    ({"mobile": "1381234"}, "mobile"),
    ({"mobile": "0371-65432100"}, "mobile"),
    ({"mobile": ""}, "mobile"),
    ({"district": ""}, "district"),
    ({"address_detail": "家里"}, "address_detail"),
    ({"address_detail": "同上"}, "address_detail"),
    ({"address_detail": "abc"}, "address_detail"),
    ({"other_phones": ["12345"]}, "other_phones"),
    ({"other_phones": "not a list"}, "other_phones"),
    ({"birthday": "2999-01-01"}, "birthday"),
    ({"birthday": "yesterday"}, "birthday"),
    ({"gender": "x"}, "gender"),
    ({"store": "abc"}, "store"),
    ({"store": 999999}, "store"),
    ({"merchant": 999999}, "merchant"),
]


@pytest.mark.parametrize(("change", "field"), BAD)
def test_each_bad_input_is_a_400_naming_the_field_and_writes_nothing(
    api, clerk, good, change, field
):
    before = rows()
    r = api.as_(clerk).post(URL, {**body(good), **change})
    assert r.status_code == 400, r.json()
    error = r.json()["error"]
    assert error["code"] == "invalid" and field in error["fields"]
    assert rows() == before


def test_type_errors_and_domain_errors_come_back_together(api, clerk):
    r = api.as_(clerk).post(
        URL, {"name": "某某", "mobile": "1", "birthday": "nope", "address_detail": "家里"}
    )
    assert r.status_code == 400
    assert {"name", "mobile", "birthday", "district", "address_detail"} <= set(
        r.json()["error"]["fields"]
    )


def test_another_organisations_store_is_unknown(api, clerk, good, other_org):
    from shouhou.org.tests.factories import StoreFactory

    other_store = StoreFactory(organisation=other_org)
    r = api.as_(clerk).post(URL, {**body(good), "store": other_store.pk})
    assert r.status_code == 400 and "store" in r.json()["error"]["fields"]


def test_a_known_phone_is_a_409_with_the_existing_id_and_writes_nothing(api, clerk, good):
    first = api.as_(clerk).post(URL, body(good)).json()
    before = rows()
    r = api.post(URL, {**body(good), "name": "李娜", "mobile": "+86 138 1234 5678"})
    assert r.status_code == 409
    error = r.json()["error"]
    assert error["code"] == "duplicate" and error["existing_id"] == first["id"]
    assert "王小明" in error["message"]
    assert rows() == before


def test_an_idempotency_key_replay_returns_the_same_customer_and_creates_one(api, clerk, good):
    headers = {"Idempotency-Key": "form-123"}
    r1 = api.as_(clerk).post(URL, body(good), **headers)
    r2 = api.post(URL, body(good), **headers)
    assert r1.status_code == r2.status_code == 201
    assert r1.json()["id"] == r2.json()["id"]
    assert r2.headers["Idempotent-Replayed"] == "true"
    assert Customer.objects.count() == 1


def test_another_organisations_customer_is_a_404_everywhere(api, clerk, other_org):
    stranger = CustomerFactory(organisation=other_org)
    api.as_(clerk)
    assert api.get(detail(stranger.pk)).status_code == 404
    assert api.patch(detail(stranger.pk), {"notes": "x"}).status_code == 404
    assert api.post(f"{detail(stranger.pk)}phones/", {"number": "13900001111"}).status_code == 404
    assert api.get(f"{detail(stranger.pk)}history/").status_code == 404
    assert api.get(detail("abc")).status_code == 404
    assert r_body(api.get(detail(stranger.pk)))["error"]["code"] == "not_found"


def r_body(response):
    return response.json()


def test_the_list_is_searched_filtered_and_paginated(api, clerk, store):
    for i in range(3):
        CustomerFactory(organisation=clerk.organisation, name=f"张{'一二三'[i]}", store=store)
    CustomerFactory(organisation=clerk.organisation, name="李四", mobile="13955554321")
    api.as_(clerk)
    data = api.get(URL, page_size=2).json()
    assert len(data["results"]) == 2 and data["next"]  # keyset pages: no COUNT (issue 15)
    rest = api.client.get(data["next"]).json()
    assert len(rest["results"]) == 2 and rest["next"] is None
    assert {c["id"] for c in data["results"]}.isdisjoint(c["id"] for c in rest["results"])
    assert [c["name"] for c in api.get(URL, q="4321").json()["results"]] == ["李四"]
    assert len(api.get(URL, store=store.pk).json()["results"]) == 3
    assert api.get(URL, store="x").status_code == 400
    assert api.get(URL, is_member="maybe").status_code == 400


def test_phones_are_masked_in_the_list_for_a_merchant_admin_of_another_merchant(
    api, clerk, merchant_admin, org, store
):
    from shouhou.org.tests.factories import MerchantFactory

    other = MerchantFactory(organisation=org)
    mine = CustomerFactory(organisation=org, mobile="13811110001", merchant=merchant_admin.merchant)
    bought = CustomerFactory(organisation=org, mobile="13811110002", merchant=other)
    make_contract(bought, store, merchant=merchant_admin.merchant)
    results = {c["id"]: c for c in api.as_(merchant_admin).get(URL).json()["results"]}
    assert results[mine.pk]["mobile"] == "13811110001"
    assert results[bought.pk]["mobile"] == "138****0002" and results[bought.pk]["phones_masked"]
    assert api.get(detail(bought.pk)).json()["mobile"] == "138****0002"
    # Office roles see the numbers in full.
    assert api.as_(clerk).get(detail(bought.pk)).json()["mobile"] == "13811110002"


def test_a_technician_lists_nobody_and_may_not_create(api, technician, good, org):
    CustomerFactory(organisation=org)
    api.as_(technician)
    assert api.get(URL).json()["results"] == []
    r = api.post(URL, body(good))
    assert r.status_code == 403 and Customer.objects.count() == 1


def test_anonymous_callers_are_refused(client):
    assert client.get(URL).status_code in (401, 403)


def test_a_partial_update_changes_only_what_was_sent(api, clerk, good):
    pk = api.as_(clerk).post(URL, body(good)).json()["id"]
    r = api.patch(detail(pk), {"preferences": "喜欢白色", "address_detail": "文化路1号"})
    assert r.status_code == 200, r.json()
    assert r.json()["preferences"] == "喜欢白色" and r.json()["name"] == "王小明"
    assert r.json()["addresses"][0]["detail"] == "文化路1号"
    r = api.patch(detail(pk), {"mobile": "123", "name": "某某"})
    assert r.status_code == 400 and set(r.json()["error"]["fields"]) == {"mobile", "name"}


def test_customers_cannot_be_deleted_or_replaced(api, clerk, org):
    c = CustomerFactory(organisation=org)
    api.as_(clerk)
    assert api.delete(detail(c.pk)).status_code == 405
    assert api.put(detail(c.pk), {"name": "李娜"}).status_code == 405
    assert Customer.objects.filter(pk=c.pk).exists()


def test_lookup_by_phone_before_creating(api, clerk, org):
    c = CustomerFactory(organisation=org, mobile="13812345678")
    api.as_(clerk)
    found = api.get(f"{URL}lookup/", phone="138 1234 5678").json()
    assert found["found"] is True and found["customer"]["id"] == c.pk
    assert api.get(f"{URL}lookup/", phone="13900000000").json() == {
        "found": False,
        "customer": None,
    }
    r = api.get(f"{URL}lookup/", phone="12")
    assert r.status_code == 400 and "phone" in r.json()["error"]["fields"]


def test_phones_addresses_and_products_are_added_through_actions(api, clerk, org):
    c = CustomerFactory(organisation=org)
    api.as_(clerk)
    r = api.post(f"{detail(c.pk)}phones/", {"number": "010-68001234", "label": "办公室"})
    assert r.status_code == 201 and r.json()["number"] == "010-68001234"
    r = api.post(f"{detail(c.pk)}phones/", {"number": "abc"})
    assert r.status_code == 400 and "number" in r.json()["error"]["fields"]
    r = api.post(f"{detail(c.pk)}addresses/", {"district": "二七区", "detail": "大学路10号"})
    assert r.status_code == 201 and r.json()["is_default"] is False
    r = api.post(f"{detail(c.pk)}addresses/", {"district": "", "detail": "家里"})
    assert r.status_code == 400 and {"district", "detail"} <= set(r.json()["error"]["fields"])
    model = make_model(make_product(org, warranty_months=12))
    r = api.post(f"{detail(c.pk)}products/", {"model": model.pk, "purchased_on": "2024-03-15"})
    assert r.status_code == 201 and r.json()["warranty_until"] == "2025-03-14"
    r = api.post(f"{detail(c.pk)}products/", {"model": 999999})
    assert r.status_code == 400 and "model" in r.json()["error"]["fields"]
    assert OwnedProduct.objects.count() == 1


def test_a_phone_added_twice_with_the_same_key_is_added_once(api, clerk, org):
    c = CustomerFactory(organisation=org)
    api.as_(clerk)
    for _ in range(2):
        r = api.post(
            f"{detail(c.pk)}phones/", {"number": "13900001111"}, **{"Idempotency-Key": "p1"}
        )
        assert r.status_code == 201
    assert CustomerPhone.objects.count() == 1


def test_the_archive_is_completed_and_the_history_lists_it(api, clerk, good):
    pk = api.as_(clerk).post(URL, body(good)).json()["id"]
    r = api.post(
        f"{detail(pk)}complete-archive/", {"birthday": "1980-05-01", "preferences": "简约"}
    )
    assert r.status_code == 200 and r.json()["archive_completed_at"]
    history = api.get(f"{detail(pk)}history/").json()
    assert [h["kind"] for h in history] == ["event", "event"]


def test_the_schema_describes_the_customer_endpoints(api, clerk):
    r = api.as_(clerk).get("/api/schema/")
    assert r.status_code == 200
    text = r.content.decode()
    assert "/api/v1/customers/lookup/" in text and "/api/v1/customers/{id}/phones/" in text
