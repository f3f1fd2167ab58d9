"""Contract pages: list, detail, create (customer search, add-line, errors, double submit),
the detail actions and the printable three copies."""

import datetime as dt

import pytest
from django.urls import reverse
from django.utils import timezone

from shouhou.sales.models import Contract, ContractPayment

from .factories import CustomerFactory, catalogue, sign

pytestmark = pytest.mark.django_db

TODAY = timezone.localdate()


def form_data(customer, store, goods, **extra):
    product, m1, m2 = goods
    data = {
        "idempotency_key": "form-key-1",
        "customer": customer.pk if customer else "",
        "store": store.pk,
        "signed_on": (TODAY - dt.timedelta(days=1)).isoformat(),
        "delivery_date": (TODAY + dt.timedelta(days=10)).isoformat(),
        "paid": "500",
        "payment_method": "cash",
        "lines-TOTAL_FORMS": "2",
        "lines-INITIAL_FORMS": "0",
        "lines-MIN_NUM_FORMS": "0",
        "lines-MAX_NUM_FORMS": "1000",
        "lines-0-product": product.pk,
        "lines-0-model": m1.pk,
        "lines-0-quantity": "2",
        "lines-0-unit_price": "1999.00",
        "lines-1-product": product.pk,
        "lines-1-model": m2.pk,
        "lines-1-quantity": "1",
        "lines-1-unit_price": "2599.00",
    }
    data.update(extra)
    return data


def test_the_list_page_searches_and_masks_nothing_for_the_office(
    client, clerk, customer, store, goods
):
    c = sign(clerk, customer=customer, store=store, product=goods[0])
    client.force_login(clerk)
    html = client.get(reverse("sales:list"), {"q": "张伟"}).content.decode()
    assert c.number in html and "13812345678" in html
    html = client.get(reverse("sales:list"), {"q": "nobody"}).content.decode()
    assert c.number not in html


def test_the_detail_page_shows_lines_totals_balance_and_timeline(
    client, clerk, customer, store, goods
):
    c = sign(
        clerk,
        customer=customer,
        store=store,
        product=goods[0],
        model=goods[1],
        quantity=2,
        unit_price="1999.00",
        paid="1000",
        payment_method="card",
        delivery_date=TODAY + dt.timedelta(days=5),
    )
    client.force_login(clerk)
    html = client.get(reverse("sales:detail", args=[c.pk])).content.decode()
    for text in ("HW-13L", "¥3,998.00", "¥1,000.00", "¥2,998.00", "望京西路", 'class="timeline"'):
        assert text in html, text


def test_the_create_page_signs_a_contract_once(client, clerk, customer, store, goods):
    client.force_login(clerk)
    page = client.get(reverse("sales:create"))
    assert page.status_code == 200
    r = client.post(reverse("sales:create"), form_data(customer, store, goods))
    c = Contract.objects.get()
    assert r.status_code == 302 and r["Location"] == reverse("sales:detail", args=[c.pk])
    assert str(c.total) == "6597.00" and str(c.paid) == "500.00"
    again = client.post(reverse("sales:create"), form_data(customer, store, goods))
    assert again.status_code == 302 and Contract.objects.count() == 1


def test_errors_show_next_to_the_fields_and_typed_values_stay(client, clerk, org, store, goods):
    li = CustomerFactory(organisation=org, name="李先生", name_is_full=False)
    client.force_login(clerk)
    data = form_data(
        li,
        store,
        goods,
        **{"lines-1-quantity": "0", "lines-0-unit_price": "12.345", "notes": "电梯房12楼"},
    )
    r = client.post(reverse("sales:create"), data)
    assert r.status_code == 400
    assert Contract.objects.count() == 0
    form, formset = r.context["form"], r.context["formset"]
    assert "李先生" in form.errors["customer"][0]
    assert formset.forms[0].errors["unit_price"]
    assert formset.forms[1].errors["quantity"]
    html = r.content.decode()
    assert "电梯房12楼" in html and "12.345" in html
    assert f'value="{li.pk}" checked' in html  # the chosen customer stays chosen


def test_blank_and_removed_lines_are_ignored(client, clerk, customer, store, goods):
    client.force_login(clerk)
    data = form_data(
        customer,
        store,
        goods,
        **{
            "lines-TOTAL_FORMS": "3",
            "lines-1-DELETE": "on",
            "lines-2-product": "",
            "lines-2-model": "",
            "lines-2-quantity": "1",
            "lines-2-unit_price": "",
        },
    )
    r = client.post(reverse("sales:create"), data)
    assert r.status_code == 302
    assert Contract.objects.get().lines.count() == 1


def test_a_contract_without_lines_says_so(client, clerk, customer, store, goods):
    client.force_login(clerk)
    data = form_data(customer, store, goods, **{"lines-TOTAL_FORMS": "0"})
    r = client.post(reverse("sales:create"), data)
    assert r.status_code == 400 and r.context["line_errors"]


def test_customer_search_by_phone_for_htmx(client, clerk, customer):
    client.force_login(clerk)
    r = client.get(reverse("sales:customer_search"), {"customer_q": "5678"}, HTTP_HX_REQUEST="true")
    html = r.content.decode()
    assert r.status_code == 200 and "张伟" in html and f'value="{customer.pk}"' in html
    r = client.get(reverse("sales:customer_search"), {"customer_q": "0000"})
    assert "张伟" not in r.content.decode()


def test_add_line_returns_a_row_and_the_new_count(client, clerk, goods):
    client.force_login(clerk)
    r = client.get(reverse("sales:line_row"), {"lines-TOTAL_FORMS": "2"}, HTTP_HX_REQUEST="true")
    html = r.content.decode()
    assert 'name="lines-2-product"' in html
    assert 'id="id_lines-TOTAL_FORMS" value="3" hx-swap-oob="true"' in html


def test_payment_and_cancel_from_the_detail_page(client, clerk, customer, store, goods):
    c = sign(clerk, customer=customer, store=store, product=goods[0], unit_price="800.00")
    client.force_login(clerk)
    url = reverse("sales:pay", args=[c.pk])
    data = {"amount": "300", "method": "wechat", "receipt_no": "R-1", "idempotency_key": "pay-1"}
    assert client.post(url, data).status_code == 302
    assert client.post(url, data).status_code == 302  # double click
    assert ContractPayment.objects.count() == 1
    too_much = client.post(url, {"amount": "900", "method": "cash", "idempotency_key": "pay-2"})
    assert too_much.status_code == 400
    assert too_much.context["payment_form"].errors["amount"]
    r = client.post(
        reverse("sales:change_delivery", args=[c.pk]),
        {"delivery_date": (TODAY + dt.timedelta(days=3)).isoformat()},
    )
    assert r.status_code == 302
    r = client.post(reverse("sales:cancel", args=[c.pk]), {"reason": ""})
    assert r.status_code == 400 and r.context["cancel_form"].errors["reason"]
    assert client.post(reverse("sales:cancel", args=[c.pk]), {"reason": "退订"}).status_code == 302
    c.refresh_from_db()
    assert c.status == "cancelled" and str(c.paid) == "300.00"


def test_mark_delivered_from_the_detail_page(client, clerk, customer, store, goods):
    c = sign(clerk, customer=customer, store=store, product=goods[0])
    client.force_login(clerk)
    r = client.post(reverse("sales:deliver", args=[c.pk]), {"delivered_on": TODAY.isoformat()})
    assert r.status_code == 302
    c.refresh_from_db()
    assert c.status == "delivered"


def test_the_print_page_has_three_copies_each_on_its_own_page(
    client, clerk, customer, store, goods, sales
):
    c = sign(
        clerk,
        customer=customer,
        store=store,
        product=goods[0],
        model=goods[1],
        quantity=2,
        unit_price="1999.00",
        paid="1000",
        payment_method="card",
        salesperson=sales,
        delivery_date=TODAY + dt.timedelta(days=5),
    )
    client.force_login(clerk)
    r = client.get(reverse("sales:print", args=[c.pk]))
    html = r.content.decode()
    assert r.status_code == 200
    assert html.count('<section class="copy"') == 3
    assert "page-break-after:always" in html.replace(" ", "")
    for text in (
        "财务联",
        "客服联",
        "客户联",
        c.number,
        "张伟",
        "13812345678",
        "望京西路",
        "¥3,998.00",
        "¥1,000.00",
        "¥2,998.00",
        "李销售",
        "HW-13L",
    ):
        assert text in html, text


def test_pages_are_scoped(
    client, clerk, outsider, make_user, merchant_admin, customer, store, goods
):
    c = sign(clerk, customer=customer, store=store, product=goods[0])
    client.force_login(outsider)
    for name in ("sales:detail", "sales:print"):
        assert client.get(reverse(name, args=[c.pk])).status_code == 404
    assert (
        client.post(
            reverse("sales:pay", args=[c.pk]), {"amount": "1", "method": "cash"}
        ).status_code
        == 404
    )
    client.force_login(merchant_admin)
    assert client.get(reverse("sales:detail", args=[c.pk])).status_code == 404
    client.force_login(make_user("technician"))
    assert client.get(reverse("sales:list")).status_code == 403
    assert client.get(reverse("sales:create")).status_code == 403


def test_a_merchant_admin_creates_for_its_merchant_from_the_page(
    client, merchant_admin, merchant, org, store
):
    customer = CustomerFactory(organisation=org, merchant=merchant)
    goods = catalogue(org, merchant=merchant)
    client.force_login(merchant_admin)
    page = client.get(reverse("sales:create"))
    assert "merchant" not in page.context["form"].fields
    r = client.post(reverse("sales:create"), form_data(customer, store, goods))
    assert r.status_code == 302
    assert Contract.objects.get().merchant == merchant


def test_dashboard_shows_the_sales_cards(client, clerk, customer, store, goods):
    sign(
        clerk,
        customer=customer,
        store=store,
        product=goods[0],
        delivery_date=TODAY + dt.timedelta(days=2),
    )
    client.force_login(clerk)
    html = client.get(reverse("dashboard")).content.decode()
    assert reverse("sales:list") in html
