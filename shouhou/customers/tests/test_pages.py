"""Customer pages: the form keeps what was typed, shows errors by their fields, acts once."""

import pytest
from django.urls import reverse

from shouhou.customers.models import Customer
from shouhou.customers.tests.factories import CustomerFactory

pytestmark = pytest.mark.django_db


def form_data(**over):
    data = {
        "name": "张伟",
        "mobile": "13812345678",
        "district": "金水区",
        "address_detail": "花园路88号3号楼2单元501",
        "idempotency_key": "key-1",
    }
    data.update(over)
    return data


def test_the_create_form_has_the_fields_and_a_hidden_idempotency_key(client, clerk):
    client.force_login(clerk)
    r = client.get(reverse("customers:create"))
    assert r.status_code == 200
    html = r.content.decode()
    for field in ("id_name", "id_mobile", "id_district", "id_address_detail"):
        assert f'id="{field}"' in html
    assert 'name="idempotency_key"' in html and 'type="hidden"' in html


def test_a_bad_phone_is_shown_next_to_its_field_with_what_was_typed(client, clerk):
    client.force_login(clerk)
    r = client.post(reverse("customers:create"), form_data(mobile="1381234"))
    assert r.status_code == 400
    form = r.context["form"]
    assert list(form.errors) == ["mobile"]
    html = r.content.decode()
    assert 'value="张伟"' in html and 'value="1381234"' in html
    assert "has-error" in html
    assert Customer.objects.count() == 0


def test_every_bad_field_is_shown_at_once(client, clerk):
    client.force_login(clerk)
    r = client.post(
        reverse("customers:create"),
        form_data(name="某先生", mobile="1", district="", address_detail="家里", birthday="bad"),
    )
    assert r.status_code == 400
    assert set(r.context["form"].errors) == {
        "name",
        "mobile",
        "district",
        "address_detail",
        "birthday",
    }


def test_a_good_form_registers_the_customer_and_lands_on_the_detail_page(client, clerk):
    client.force_login(clerk)
    r = client.post(
        reverse("customers:create"), form_data(other_phones="0371-65432100"), follow=True
    )
    customer = Customer.objects.get()
    assert r.redirect_chain[-1][0] == reverse("customers:detail", args=[customer.pk])
    html = r.content.decode()
    assert "张伟" in html and "0371-65432100" in html
    assert "shouhou.customer.created" in html  # the timeline


def test_a_double_submitted_form_creates_one_customer(client, clerk):
    client.force_login(clerk)
    r1 = client.post(reverse("customers:create"), form_data())
    r2 = client.post(reverse("customers:create"), form_data())
    assert r1.status_code == r2.status_code == 302
    assert r1.url == r2.url
    assert Customer.objects.count() == 1


def test_a_known_phone_links_to_the_existing_customer(client, clerk, org):
    existing = CustomerFactory(organisation=org, name="李娜", mobile="13812345678")
    client.force_login(clerk)
    r = client.post(reverse("customers:create"), form_data())
    assert r.status_code == 409
    html = r.content.decode()
    assert reverse("customers:detail", args=[existing.pk]) in html
    assert "李娜" in html and "mobile" in r.context["form"].errors
    assert Customer.objects.count() == 1


def test_the_honorific_box_lets_a_surname_only_name_through(client, clerk):
    client.force_login(clerk)
    r = client.post(reverse("customers:create"), form_data(name="李先生"))
    assert r.status_code == 400 and "name" in r.context["form"].errors
    r = client.post(reverse("customers:create"), form_data(name="李先生", allow_honorific="on"))
    assert r.status_code == 302
    assert Customer.objects.get().name_is_full is False


def test_the_list_searches_and_answers_htmx_with_the_results_only(client, clerk, org):
    CustomerFactory(organisation=org, name="张伟", mobile="13811110001")
    CustomerFactory(organisation=org, name="李娜", mobile="13811110002")
    client.force_login(clerk)
    r = client.get(reverse("customers:list"), {"q": "0002"})
    assert r.status_code == 200
    html = r.content.decode()
    assert "李娜" in html and "张伟" not in html and "<h1>" in html
    r = client.get(
        reverse("customers:list"),
        {"q": "张"},
        headers={"HX-Request": "true", "HX-Target": "customer-results"},
    )
    html = r.content.decode()
    assert "张伟" in html and "李娜" not in html and "<h1>" not in html


def test_a_merchant_admin_sees_masked_phones_of_customers_they_did_not_register(
    client, merchant_admin, org, store
):
    from shouhou.customers.tests.helpers import make_contract

    bought = CustomerFactory(organisation=org, name="赵敏", mobile="13811110003")
    make_contract(bought, store, merchant=merchant_admin.merchant)
    client.force_login(merchant_admin)
    html = client.get(reverse("customers:list")).content.decode()
    assert "138****0003" in html and "13811110003" not in html
    html = client.get(reverse("customers:detail", args=[bought.pk])).content.decode()
    assert "138****0003" in html and "13811110003" not in html


def test_pages_of_another_organisations_customer_are_not_found(client, clerk, other_org):
    stranger = CustomerFactory(organisation=other_org)
    client.force_login(clerk)
    assert client.get(reverse("customers:detail", args=[stranger.pk])).status_code == 404
    assert client.get(reverse("customers:edit", args=[stranger.pk])).status_code == 404


def test_technicians_cannot_open_the_customer_pages(client, technician):
    client.force_login(technician)
    assert client.get(reverse("customers:list")).status_code == 403
    assert client.get(reverse("customers:create")).status_code == 403


def test_pages_need_a_login(client):
    r = client.get(reverse("customers:list"))
    assert r.status_code == 302 and "login" in r.url


def test_the_edit_form_saves_changes_and_shows_errors_by_field(client, clerk, org):
    c = CustomerFactory(organisation=org, name="张伟", mobile="13811110001")
    client.force_login(clerk)
    r = client.get(reverse("customers:edit", args=[c.pk]))
    assert r.status_code == 200 and 'value="13811110001"' in r.content.decode()
    data = form_data(mobile="13811110001", notes="晚上联系")
    data.pop("idempotency_key")
    r = client.post(reverse("customers:edit", args=[c.pk]), {**data, "address_detail": "同上"})
    assert r.status_code == 400 and "address_detail" in r.context["form"].errors
    r = client.post(reverse("customers:edit", args=[c.pk]), data)
    assert r.status_code == 302
    c.refresh_from_db()
    assert c.notes == "晚上联系"


def test_phones_and_addresses_are_added_from_the_detail_page(client, clerk, org):
    c = CustomerFactory(organisation=org)
    client.force_login(clerk)
    r = client.post(reverse("customers:add_phone", args=[c.pk]), {"number": "abc"})
    assert r.status_code == 400 and "number" in r.context["phone_form"].errors
    r = client.post(reverse("customers:add_phone", args=[c.pk]), {"number": "0371-65432100"})
    assert r.status_code == 302 and c.phones.count() == 1
    r = client.post(
        reverse("customers:add_address", args=[c.pk]), {"district": "二七区", "detail": "家里"}
    )
    assert r.status_code == 400 and "detail" in r.context["address_form"].errors
    r = client.post(
        reverse("customers:add_address", args=[c.pk]),
        {"district": "二七区", "detail": "大学路10号", "make_default": "on"},
    )
    assert r.status_code == 302 and c.default_address.district == "二七区"


def test_the_archive_page_completes_the_archive(client, clerk, org):
    c = CustomerFactory(organisation=org)
    client.force_login(clerk)
    assert client.get(reverse("customers:archive", args=[c.pk])).status_code == 200
    r = client.post(
        reverse("customers:archive", args=[c.pk]),
        {"birthday": "1980-05-01", "preferences": "喜欢简约", "gender": "f"},
    )
    assert r.status_code == 302
    c.refresh_from_db()
    assert c.archive_completed_at is not None and c.preferences == "喜欢简约"


def test_typing_a_known_mobile_shows_a_link_to_the_customer(client, clerk, org):
    c = CustomerFactory(organisation=org, mobile="13812345678")
    client.force_login(clerk)
    html = client.get(reverse("customers:lookup"), {"mobile": "13812345678"}).content.decode()
    assert reverse("customers:detail", args=[c.pk]) in html
    assert client.get(reverse("customers:lookup"), {"mobile": "1391"}).content.strip() == b""


def test_the_dashboard_shows_the_customer_cards(client, clerk, org, monkeypatch):
    from shouhou.core import navigation
    from shouhou.customers import selectors

    only_ours = {"customers": (10, selectors.dashboard_cards)}
    monkeypatch.setattr(navigation, "_dashboard", only_ours)
    CustomerFactory(organisation=org)
    client.force_login(clerk)
    html = client.get(reverse("dashboard")).content.decode()
    assert reverse("customers:list") in html


def test_the_detail_page_shows_products_owned_with_their_warranty(client, clerk, org):
    import datetime as dt

    from shouhou.customers import services
    from shouhou.customers.tests.helpers import make_model, make_product

    c = CustomerFactory(organisation=org, name="张伟")
    model = make_model(make_product(org, name="恒洁智能马桶", warranty_months=36), code="Q9")
    services.customer_record_owned_product(
        by=clerk, customer=c, model=model, purchased_on=dt.date(2024, 3, 15), serial_no="SN001"
    )
    client.force_login(clerk)
    html = client.get(reverse("customers:detail", args=[c.pk])).content.decode()
    assert "恒洁智能马桶 Q9" in html and "2027-03-14" in html and "SN001" in html
