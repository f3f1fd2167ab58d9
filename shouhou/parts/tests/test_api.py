import pytest

from shouhou.parts.models import Move, Requisition

pytestmark = pytest.mark.django_db


@pytest.fixture
def client_for(api):
    return api.as_


def test_receipt_via_api_is_idempotent_and_money_is_a_decimal_string(
    client_for, keeper, central, part
):
    c = client_for(keeper)
    body = {"location": central.pk, "supplier": "厂家",
            "lines": [{"part": part.code, "quantity": 4, "unit_cost": "35.50"}]}  # fmt: skip
    r1 = c.post("/api/v1/parts/receipts/", body, **{"Idempotency-Key": "k1"})
    r2 = c.post("/api/v1/parts/receipts/", body, **{"Idempotency-Key": "k1"})
    assert r1.status_code == 201, r1.content
    assert r2.json()["id"] == r1.json()["id"]
    assert Move.all_objects.count() == 1
    stock = c.get(f"/api/v1/parts/locations/{central.pk}/stock/").json()["results"][0]
    assert stock["average_cost"] == "35.5000" and stock["value"] == "142.00"


def test_bad_input_gets_the_json_error_with_field_names(client_for, keeper, central):
    r = client_for(keeper).post("/api/v1/parts/receipts/", {"location": central.pk,
                                "supplier": "", "lines": [{"part": "X", "quantity": 1}]})  # fmt: skip
    assert r.status_code == 400
    err = r.json()["error"]
    assert "supplier" in err["fields"] and "lines.0.part" in err["fields"]


def test_out_of_stock_issue_is_a_409_naming_the_part(
    client_for, tech, order, central, part, keeper, manager
):
    c = client_for(tech.user)
    r = c.post("/api/v1/parts/requisitions/", {"work_order": order.pk, "location": central.pk,
               "proposal": "换进水阀", "lines": [{"part": part.pk, "quantity": 1}]})  # fmt: skip
    assert r.status_code == 201, r.content
    pk = r.json()["id"]
    assert client_for(manager).post(f"/api/v1/parts/requisitions/{pk}/approve/").status_code == 200
    r = client_for(keeper).post(f"/api/v1/parts/requisitions/{pk}/issue/")
    assert r.status_code == 409
    assert r.json()["error"]["code"] == "out_of_stock" and "进水阀" in r.json()["error"]["message"]
    assert Requisition.all_objects.get(pk=pk).status == "approved"


def test_another_organisation_sees_nothing(client_for, outsider, central, part):
    c = client_for(outsider)
    assert c.get(f"/api/v1/parts/locations/{central.pk}/stock/").status_code == 404
    assert c.get(f"/api/v1/parts/catalogue/{part.pk}/").status_code == 404
    assert c.get("/api/v1/parts/catalogue/").json()["results"] == []


def test_pages_show_stock_and_the_printable_receipt(client, keeper, central, stocked):
    from django.urls import reverse

    from shouhou.parts.models import Receipt

    client.force_login(keeper)
    page = client.get(reverse("parts:stock") + f"?location={central.pk}")
    assert page.status_code == 200 and "进水阀" in page.content.decode()
    rc = Receipt.all_objects.get()
    page = client.get(reverse("parts:receipt_print", args=[rc.pk])).content.decode()
    assert page.count(rc.number) >= 2  # two copies
    xlsx = client.get(reverse("parts:stock_xlsx") + f"?location={central.pk}")
    assert xlsx.status_code == 200 and xlsx["Content-Type"].startswith("application/vnd")


def test_lists_cost_a_fixed_number_of_queries(
    client_for, keeper, central, part, django_assert_max_num_queries
):
    from shouhou.parts import services as ps

    for i in range(5):
        ps.receipt_create(by=keeper, location=central, supplier=f"厂家{i}",
                          lines=[{"part": part.pk, "quantity": 1}])  # fmt: skip
    c = client_for(keeper)
    for url in ("/api/v1/parts/receipts/", "/api/v1/parts/catalogue/", "/api/v1/parts/moves/",
                f"/api/v1/parts/locations/{central.pk}/stock/"):  # fmt: skip
        with django_assert_max_num_queries(12):
            assert c.get(url).status_code == 200


def test_the_schema_documents_fields_on_the_stock_and_moves_lists(client_for, keeper):
    schema = client_for(keeper).get("/api/schema/", format="json").json()
    paths = schema["paths"]
    stock = next(p for p in paths if p.startswith("/api/v1/parts/locations/") and "stock" in p)
    for path in (stock, "/api/v1/parts/moves/"):
        names = {p["name"] for p in paths[path]["get"]["parameters"]}
        assert "fields" in names, path
    fields = next(p for p in paths["/api/v1/parts/moves/"]["get"]["parameters"]
                  if p["name"] == "fields")  # fmt: skip
    assert "`part_code`" in fields["description"]


def test_fields_on_the_moves_list_keeps_only_the_named_fields(client_for, keeper, stocked):
    rows = client_for(keeper).get("/api/v1/parts/moves/", fields="kind,quantity").json()
    assert rows["results"][0] == {"id": rows["results"][0]["id"], "kind": "receipt",
                                  "quantity": 10}  # fmt: skip
