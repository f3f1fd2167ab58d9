import pytest

from shouhou.catalog.models import Brand, Product, ProductModel
from shouhou.org.tests.factories import MerchantFactory

from .factories import BrandFactory, CategoryFactory, ProductFactory, ProductModelFactory

pytestmark = pytest.mark.django_db

PRODUCTS = "/api/v1/products/"


def test_products_are_listed_with_models_and_paginated(api, clerk, org):
    for i in range(3):
        p = ProductFactory(organisation=org, name=f"产品{i}")
        ProductModelFactory(product=p, code=f"M{i}")
    r = api.as_(clerk).get(PRODUCTS)
    assert r.status_code == 200
    body = r.json()
    assert body["count"] == 3
    assert body["results"][0]["models"][0]["code"] == "M0"
    assert "next" in body and "previous" in body


def test_product_filters(api, clerk, org):
    cat = CategoryFactory(organisation=org)
    brand = BrandFactory(organisation=org)
    wanted = ProductFactory(
        organisation=org, name="热水器", category=cat, brand=brand, needs_installation=True
    )
    ProductFactory(organisation=org, name="沙发")
    api.as_(clerk)
    for params in (
        {"q": "热水"},
        {"category": cat.pk},
        {"brand": brand.pk},
        {"needs_installation": "true"},
    ):
        ids = [p["id"] for p in api.get(PRODUCTS, **params).json()["results"]]
        assert ids == [wanted.pk], params


def test_an_unknown_filter_id_is_a_400_on_that_field(api, clerk, other_org):
    foreign = CategoryFactory(organisation=other_org)
    r = api.as_(clerk).get(PRODUCTS, category=foreign.pk)
    assert r.status_code == 400
    assert r.json()["error"]["fields"]["category"]
    r = api.get(PRODUCTS, brand="abc")
    assert r.status_code == 400 and "brand" in r.json()["error"]["fields"]


def test_another_organisations_product_is_a_404(api, clerk, other_org):
    foreign = ProductFactory(organisation=other_org)
    r = api.as_(clerk).get(f"{PRODUCTS}{foreign.pk}/")
    assert r.status_code == 404
    assert r.json()["error"]["code"] == "not_found"
    assert api.patch(f"{PRODUCTS}{foreign.pk}/", {"name": "X"}).status_code == 404
    assert api.get(f"{PRODUCTS}{foreign.pk}/models/").status_code == 404


def test_create_a_product_with_nested_models(api, clerk, org):
    brand = BrandFactory(organisation=org)
    r = api.as_(clerk).post(
        PRODUCTS,
        {
            "name": "智能座便器",
            "brand": brand.pk,
            "needs_installation": True,
            "is_electronic": True,
            "warranty_months": 6,
            "models": [{"code": "YJ-S8", "list_price": "4599.00", "warranty_months": 12}],
        },
        **{"Idempotency-Key": "p-1"},
    )
    assert r.status_code == 201, r.json()
    body = r.json()
    assert body["brand_name"] == brand.name
    assert body["models"][0]["effective_warranty_months"] == 12
    assert body["models"][0]["list_price"] == "4599.00"


def test_unknown_ids_on_create_are_a_400_naming_the_fields_and_nothing_is_written(
    api, clerk, other_org
):
    foreign = BrandFactory(organisation=other_org)
    r = api.as_(clerk).post(
        PRODUCTS, {"name": "X", "brand": foreign.pk, "category": 987654, "supplier": 1}
    )
    assert r.status_code == 400
    fields = r.json()["error"]["fields"]
    assert {"brand", "category", "supplier"} <= set(fields)
    assert Product.objects.count() == 0


def test_bad_types_are_a_400_with_nested_field_names(api, clerk):
    r = api.as_(clerk).post(
        PRODUCTS,
        {"name": "X", "warranty_months": "many", "models": [{"code": "A", "list_price": "1.234"}]},
    )
    assert r.status_code == 400
    fields = r.json()["error"]["fields"]
    assert "warranty_months" in fields and "models.0.list_price" in fields
    assert Product.objects.count() == 0


def test_an_idempotency_key_replays_the_first_answer(api, clerk):
    api.as_(clerk)
    first = api.post("/api/v1/brands/", {"name": "雅洁"}, **{"Idempotency-Key": "b-1"})
    again = api.post("/api/v1/brands/", {"name": "雅洁"}, **{"Idempotency-Key": "b-1"})
    assert first.status_code == again.status_code == 201
    assert again.json() == first.json()
    assert again["Idempotent-Replayed"] == "true"
    assert Brand.objects.count() == 1
    dup = api.post("/api/v1/brands/", {"name": "雅洁"}, **{"Idempotency-Key": "b-2"})
    assert dup.status_code == 400 and "name" in dup.json()["error"]["fields"]


def test_a_technician_reads_but_cannot_write(api, make_user, org):
    tech = make_user("technician")
    ProductFactory(organisation=org)
    assert api.as_(tech).get(PRODUCTS).status_code == 200
    r = api.post(PRODUCTS, {"name": "X"})
    assert r.status_code == 403
    assert r.json()["error"]["code"] == "role_required"
    assert Product.objects.count() == 1


def test_patch_a_product(api, clerk, org):
    product = ProductFactory(organisation=org, name="沙发")
    r = api.as_(clerk).patch(f"{PRODUCTS}{product.pk}/", {"is_window_film": True})
    assert r.status_code == 200 and r.json()["is_window_film"] is True
    assert r.json()["name"] == "沙发"


def test_nested_models_list_create_and_patch(api, clerk, org):
    product = ProductFactory(organisation=org)
    url = f"{PRODUCTS}{product.pk}/models/"
    api.as_(clerk)
    r = api.post(url, {"code": "A1", "list_price": "10.50"}, **{"Idempotency-Key": "m-1"})
    assert r.status_code == 201
    again = api.post(url, {"code": "A1", "list_price": "10.50"}, **{"Idempotency-Key": "m-1"})
    assert again.status_code == 201 and again["Idempotent-Replayed"] == "true"
    assert ProductModel.objects.count() == 1
    assert [m["code"] for m in api.get(url).json()] == ["A1"]
    model_id = r.json()["id"]
    r = api.patch(f"{url}{model_id}/", {"warranty_months": 24})
    assert r.status_code == 200 and r.json()["effective_warranty_months"] == 24
    other = ProductFactory(organisation=org)
    assert api.get(f"{PRODUCTS}{other.pk}/models/{model_id}/").status_code == 404
    bad = api.post(url, {"code": "", "warranty_months": -3})
    assert bad.status_code == 400
    assert {"code", "warranty_months"} <= set(bad.json()["error"]["fields"])


def test_a_merchant_admin_lists_shared_and_own_products(api, make_user, org):
    mine, theirs = MerchantFactory(organisation=org), MerchantFactory(organisation=org)
    admin = make_user("merchant_admin", merchant=mine)
    shared = ProductFactory(organisation=org)
    own = ProductFactory(organisation=org, merchant=mine)
    other = ProductFactory(organisation=org, merchant=theirs)
    r = api.as_(admin).get(PRODUCTS)
    assert {p["id"] for p in r.json()["results"]} == {shared.pk, own.pk}
    assert api.get(f"{PRODUCTS}{other.pk}/").status_code == 404
    created = api.post(PRODUCTS, {"name": "瓷砖胶"})
    assert created.status_code == 201 and created.json()["merchant"] == mine.pk


def test_brands_categories_suppliers_endpoints(api, clerk, org, other_org):
    BrandFactory(organisation=other_org, name="外")
    api.as_(clerk)
    assert api.get("/api/v1/brands/").json()["count"] == 0
    parent = api.post("/api/v1/categories/", {"name": "卫浴"}).json()
    child = api.post("/api/v1/categories/", {"name": "座便器", "parent": parent["id"]})
    assert child.status_code == 201 and child.json()["full_name"] == "卫浴 / 座便器"
    assert api.get("/api/v1/categories/", parent=parent["id"]).json()["count"] == 1
    assert api.get("/api/v1/categories/", parent=999999).status_code == 400
    s = api.post("/api/v1/suppliers/", {"name": "佛山陶瓷", "phone": "0757-82345678"})
    assert s.status_code == 201
    r = api.patch(f"/api/v1/suppliers/{s.json()['id']}/", {"contact_name": "陈经理"})
    assert r.json()["contact_name"] == "陈经理"


def test_anonymous_callers_are_refused(client):
    assert client.get(PRODUCTS).status_code in (401, 403)


def test_the_schema_builds(api, clerk):
    r = api.as_(clerk).get("/api/schema/")
    assert r.status_code == 200
