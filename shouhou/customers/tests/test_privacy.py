"""PIPL: a manager exports everything held about a customer (JSON, Excel) and anonymises the
customer on request (confirmation word, irreversible, audited); orders and statistics stay."""

import io

import pytest
from django.apps import apps

from shouhou.core.models import AuditEvent
from shouhou.core.tests.test_frozen_documents import _row
from shouhou.customers import services
from shouhou.customers.models import Customer, CustomerAddress, CustomerPhone

pytestmark = pytest.mark.django_db


@pytest.fixture
def manager(make_user, store):
    return make_user("cs_manager", store=store)


@pytest.fixture
def customer(clerk, good):
    return services.customer_create(by=clerk, **good, other_phones=["139 1234 5678"])


@pytest.fixture
def order(org, customer):
    WorkOrder = apps.get_model("workorders.WorkOrder")
    return _row(
        WorkOrder,
        org,
        customer=customer,
        contact_phone="13812345678",
        address="金水区花园路88号3号楼2单元501",
    )


def test_a_manager_exports_everything_held_about_the_customer(client, manager, customer, order):
    client.force_login(manager)
    body = client.get(f"/api/v1/customers/{customer.pk}/personal-data/").json()
    assert body["customer"]["name"] == "王小明"
    assert {p["number"] for p in body["customers.customerphone.customer"]} >= {"13912345678"}
    assert body["customers.customeraddress.customer"][0]["detail"] == "花园路88号3号楼2单元501"
    assert body["workorders.workorder.customer"][0]["id"] == order.pk
    assert any(e["action"] == "shouhou.customer.created" for e in body["audit"])
    assert AuditEvent.objects.filter(action="shouhou.customer.personal_data_exported").exists()


def test_the_excel_export_has_a_sheet_per_section(client, manager, customer, order):
    from openpyxl import load_workbook

    client.force_login(manager)
    resp = client.get(f"/customers/{customer.pk}/personal-data/?download=xlsx")
    assert resp.status_code == 200 and "spreadsheetml" in resp["Content-Type"]
    wb = load_workbook(io.BytesIO(resp.content))
    assert "customer" in wb.sheetnames and "audit" in wb.sheetnames
    values = [c.value for row in wb["customer"].iter_rows() for c in row]
    assert "王小明" in values
    json_resp = client.get(f"/customers/{customer.pk}/personal-data/?download=json")
    assert json_resp.status_code == 200 and "王小明" in json_resp.content.decode()


def test_a_clerk_neither_exports_nor_anonymises(client, clerk, customer):
    client.force_login(clerk)
    assert client.get(f"/api/v1/customers/{customer.pk}/personal-data/").status_code == 403
    url = f"/api/v1/customers/{customer.pk}/anonymise/"
    assert (
        client.post(url, {"confirm": "ANONYMISE"}, content_type="application/json").status_code
        == 403
    )
    assert client.get(f"/customers/{customer.pk}/personal-data/").status_code == 403
    assert (
        client.post(f"/customers/{customer.pk}/anonymise/", {"confirm": "ANONYMISE"}).status_code
        == 403
    )
    assert Customer.objects.get(pk=customer.pk).name == "王小明"


def test_another_organisations_manager_gets_404(client, other_org, customer):
    from shouhou.org.tests.factories import UserFactory

    client.force_login(UserFactory(roles=["cs_manager"], organisation=other_org))
    assert client.get(f"/api/v1/customers/{customer.pk}/personal-data/").status_code == 404


def test_anonymising_needs_the_confirmation_word(client, manager, customer):
    client.force_login(manager)
    resp = client.post(
        f"/api/v1/customers/{customer.pk}/anonymise/",
        {"confirm": "yes"},
        content_type="application/json",
    )
    assert resp.status_code == 400 and "confirm" in resp.json()["error"]["fields"]
    page = client.post(f"/customers/{customer.pk}/anonymise/", {"confirm": "ok"})
    assert page.status_code == 400 and "ANONYMISE" in page.content.decode()
    assert Customer.objects.get(pk=customer.pk).name == "王小明"


def test_anonymising_replaces_names_phones_and_addresses_and_keeps_the_orders(
    client, manager, customer, order
):
    status = order.status
    client.force_login(manager)
    resp = client.post(f"/customers/{customer.pk}/anonymise/", {"confirm": "ANONYMISE"})
    assert resp.status_code == 302
    c = Customer.objects.get(pk=customer.pk)
    assert c.name == "已匿名" and "1381234" not in c.mobile and c.birthday is None
    assert not CustomerPhone.objects.filter(customer=c).exists()
    assert all("花园路" not in a.detail for a in CustomerAddress.objects.filter(customer=c))
    order.refresh_from_db()
    assert order.customer_id == c.pk and order.status == status  # the order stays
    assert "1381234" not in order.contact_phone and "花园路" not in order.address
    events = AuditEvent.objects.filter(object_id=str(c.pk), content_type__model="customer")
    assert events.filter(action="shouhou.customer.anonymised").count() == 1
    created = events.get(action="shouhou.customer.created")
    assert created.after is None and created.before is None  # the recorded values are gone
    # Irreversible and once: a second request is a conflict.
    again = client.post(
        f"/api/v1/customers/{customer.pk}/anonymise/",
        {"confirm": "ANONYMISE"},
        content_type="application/json",
    )
    assert again.status_code == 409
