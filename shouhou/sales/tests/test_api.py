"""/api/v1/contracts/: list, filters, retrieve, create with nested lines, actions."""

import datetime as dt

import pytest
from django.utils import timezone

from shouhou.core.models import AuditEvent
from shouhou.customers.models import OwnedProduct
from shouhou.sales.models import Contract, ContractLine, ContractPayment

from .factories import CustomerFactory, catalogue, sign

pytestmark = pytest.mark.django_db

URL = "/api/v1/contracts/"
TODAY = timezone.localdate()
YESTERDAY = TODAY - dt.timedelta(days=1)


def counts():
    return (
        Contract.objects.count(),
        ContractLine.objects.count(),
        ContractPayment.objects.count(),
        OwnedProduct.objects.count(),
    )


def body(customer_, store_, goods, **extra):
    product, m1, m2 = goods
    data = {
        "customer": customer_.pk,
        "store": store_.pk,
        "signed_on": YESTERDAY.isoformat(),
        "delivery_date": (TODAY + dt.timedelta(days=14)).isoformat(),
        "paid": "1000.00",
        "payment_method": "card",
        "lines": [
            {"product": product.pk, "model": m1.pk, "quantity": 2, "unit_price": "1999.00"},
            {"product": product.pk, "model": m2.pk, "quantity": 1, "unit_price": "2599.50"},
        ],
    }
    data.update(extra)
    return data


def test_create_with_nested_lines(api, clerk, customer, store, goods):
    r = api.as_(clerk).post(URL, body(customer, store, goods), **{"Idempotency-Key": "c-1"})
    assert r.status_code == 201, r.json()
    data = r.json()
    assert data["number"].startswith("HT")
    assert data["total"] == "6597.50" and data["paid"] == "1000.00"
    assert data["balance_due"] == "5597.50"
    assert [line["line_total"] for line in data["lines"]] == ["3998.00", "2599.50"]
    assert data["payments"][0]["amount"] == "1000.00"
    assert "望京西路" in data["delivery_address"]
    assert data["customer_mobile"] == "13812345678"


def test_an_idempotency_key_replays_the_first_contract(api, clerk, customer, store, goods):
    api.as_(clerk)
    first = api.post(URL, body(customer, store, goods), **{"Idempotency-Key": "same"})
    again = api.post(URL, body(customer, store, goods), **{"Idempotency-Key": "same"})
    assert first.status_code == again.status_code == 201
    assert again.json()["number"] == first.json()["number"]
    assert again["Idempotent-Replayed"] == "true"
    assert Contract.objects.count() == 1
    other = api.post(URL, body(customer, store, goods), **{"Idempotency-Key": "other"})
    assert other.json()["number"] != first.json()["number"]


def test_a_failed_create_does_not_burn_the_key(api, clerk, customer, store, goods):
    api.as_(clerk)
    bad = api.post(URL, body(customer, store, goods, lines=[]), **{"Idempotency-Key": "k"})
    assert bad.status_code == 400
    good = api.post(URL, body(customer, store, goods), **{"Idempotency-Key": "k"})
    assert good.status_code == 201


def test_bad_input_is_a_400_listing_every_field_and_nothing_is_written(
    api, clerk, customer, store, goods, other_org
):
    foreign_product, _m, _ = catalogue(other_org)
    product, m1, _m2 = goods
    before = counts()
    r = api.as_(clerk).post(
        URL,
        body(
            customer,
            store,
            goods,
            store=999999,
            merchant=888888,
            paid="99999.00",
            delivery_date=(YESTERDAY - dt.timedelta(days=3)).isoformat(),
            lines=[
                {"product": foreign_product.pk, "quantity": 1, "unit_price": "1"},
                {"product": product.pk, "model": m1.pk, "quantity": 0, "unit_price": "-1"},
            ],
        ),
    )
    assert r.status_code == 400
    error = r.json()["error"]
    assert error["code"] == "invalid"
    assert {
        "store",
        "merchant",
        "paid",
        "delivery_date",
        "lines.0.product",
        "lines.1.quantity",
        "lines.1.unit_price",
    } <= set(error["fields"])
    assert counts() == before


def test_wrong_types_are_a_400_with_nested_names(api, clerk, customer, store, goods):
    before = counts()
    r = api.as_(clerk).post(
        URL,
        body(
            customer,
            store,
            goods,
            signed_on="yesterday",
            lines=[{"product": goods[0].pk, "quantity": "1.5", "unit_price": "1.234"}],
        ),
    )
    assert r.status_code == 400
    fields = r.json()["error"]["fields"]
    assert {"signed_on", "lines.0.quantity", "lines.0.unit_price"} <= set(fields)
    assert api.post(URL, {"lines": "nope"}).status_code == 400
    assert api.post(URL, {"lines": [1, 2]}).status_code == 400
    assert counts() == before


def test_an_empty_body_names_the_required_fields(api, clerk):
    r = api.as_(clerk).post(URL, {})
    assert r.status_code == 400
    assert {"customer", "store", "signed_on", "lines"} <= set(r.json()["error"]["fields"])


def test_a_surname_only_customer_is_refused_with_a_message(api, clerk, org, store, goods):
    li = CustomerFactory(organisation=org, name="李先生", name_is_full=False)
    r = api.as_(clerk).post(URL, body(li, store, goods))
    assert r.status_code == 400
    assert "李先生" in r.json()["error"]["fields"]["customer"][0]
    assert Contract.objects.count() == 0


def test_list_filters_and_pagination(api, clerk, org, store, goods):
    zhao = CustomerFactory(organisation=org, name="赵敏", mobile="13712340000")
    for _ in range(3):
        sign(clerk, customer=zhao, store=store, product=goods[0])
    soon = sign(
        clerk,
        customer=CustomerFactory(organisation=org),
        store=store,
        product=goods[0],
        delivery_date=TODAY + dt.timedelta(days=2),
    )
    api.as_(clerk)
    r = api.get(URL)
    assert r.status_code == 200 and r.json()["count"] == 4
    assert "lines" not in r.json()["results"][0]
    assert api.get(URL, customer=zhao.pk).json()["count"] == 3
    assert api.get(URL, q="赵敏").json()["count"] == 3
    r = api.get(
        URL, delivery_from=TODAY.isoformat(), delivery_to=(TODAY + dt.timedelta(days=7)).isoformat()
    )
    assert [c["id"] for c in r.json()["results"]] == [soon.pk]
    assert api.get(URL, balance_due="true").json()["count"] == 4
    assert api.get(URL, status="cancelled").json()["count"] == 0
    assert api.get(URL, ordering="number").json()["results"][0]["number"].endswith("000001")


def test_bad_filters_are_a_400(api, clerk, other_org):
    from shouhou.org.tests.factories import StoreFactory

    api.as_(clerk)
    foreign_store = StoreFactory(organisation=other_org)
    assert api.get(URL, store=foreign_store.pk).status_code == 400
    assert api.get(URL, status="nonsense").status_code == 400
    assert api.get(URL, delivery_from="soon").status_code == 400
    assert "customer" in api.get(URL, customer=999999).json()["error"]["fields"]


def test_another_organisations_contract_is_a_404(api, clerk, outsider, customer, store, goods):
    c = sign(clerk, customer=customer, store=store, product=goods[0])
    api.as_(outsider)
    assert api.get(f"{URL}{c.pk}/").status_code == 404
    assert api.get(URL).json()["count"] == 0
    r = api.post(f"{URL}{c.pk}/payments/", {"amount": "1", "method": "cash"})
    assert r.status_code == 404
    assert api.post(f"{URL}{c.pk}/cancel/", {"reason": "x"}).status_code == 404


def test_a_merchant_admin_sees_its_own_and_gets_404_for_others(
    api, merchant_admin, merchant, other_merchant, clerk, org, store
):
    product, _m, _ = catalogue(org)
    mine = sign(
        clerk,
        customer=CustomerFactory(organisation=org),
        store=store,
        product=product,
        merchant=merchant,
    )
    theirs = sign(
        clerk,
        customer=CustomerFactory(organisation=org),
        store=store,
        product=product,
        merchant=other_merchant,
    )
    api.as_(merchant_admin)
    assert [c["id"] for c in api.get(URL).json()["results"]] == [mine.pk]
    assert api.get(f"{URL}{theirs.pk}/").status_code == 404
    # It sees the phone masked for a customer another merchant registered.
    assert "****" in api.get(f"{URL}{mine.pk}/").json()["customer_mobile"]
    own_customer = CustomerFactory(organisation=org, merchant=merchant)
    own_product, m1, _ = catalogue(org, merchant=merchant)
    r = api.post(
        URL,
        {
            "customer": own_customer.pk,
            "store": store.pk,
            "signed_on": YESTERDAY.isoformat(),
            "lines": [
                {"product": own_product.pk, "model": m1.pk, "quantity": 1, "unit_price": "10"}
            ],
        },
    )
    assert r.status_code == 201 and r.json()["merchant"] == merchant.pk


def test_a_technician_is_refused(api, make_user, clerk, customer, store, goods):
    c = sign(clerk, customer=customer, store=store, product=goods[0])
    api.as_(make_user("technician"))
    assert api.get(URL).status_code == 403
    assert api.get(f"{URL}{c.pk}/").status_code == 403
    r = api.post(URL, body(customer, store, goods))
    assert r.status_code == 403 and r.json()["error"]["code"] == "role_required"


def test_payment_action_with_replay(api, clerk, customer, store, goods):
    c = sign(clerk, customer=customer, store=store, product=goods[0], unit_price="500.00")
    api.as_(clerk)
    url = f"{URL}{c.pk}/payments/"
    r = api.post(
        url,
        {"amount": "200.00", "method": "wechat", "receipt_no": "R1"},
        **{"Idempotency-Key": "p1"},
    )
    assert r.status_code == 201 and r.json()["balance_due"] == "300.00"
    again = api.post(url, {"amount": "200.00", "method": "wechat"}, **{"Idempotency-Key": "p1"})
    assert again.status_code == 201 and again["Idempotent-Replayed"] == "true"
    assert ContractPayment.objects.count() == 1
    too_much = api.post(url, {"amount": "300.01", "method": "cash"})
    assert too_much.status_code == 400 and "amount" in too_much.json()["error"]["fields"]
    assert api.post(url, {"amount": "0", "method": "cash"}).status_code == 400
    assert api.post(url, {"amount": "-1", "method": "cash"}).status_code == 400
    c.refresh_from_db()
    assert str(c.paid) == "200.00"


def test_cancel_delivery_and_deliver_actions(api, clerk, customer, store, goods, make_user):
    c = sign(clerk, customer=customer, store=store, product=goods[0])
    api.as_(clerk)
    new = (TODAY + dt.timedelta(days=9)).isoformat()
    r = api.post(f"{URL}{c.pk}/delivery/", {"delivery_date": new, "note": "客户要求改期"})
    assert r.status_code == 200 and r.json()["delivery_date"] == new
    bad = api.post(f"{URL}{c.pk}/delivery/", {"delivery_date": "2000-01-01"})
    assert bad.status_code == 400
    crew = make_user("delivery_crew")
    api.as_(crew)
    r = api.post(f"{URL}{c.pk}/deliver/", {})
    assert r.status_code == 200 and r.json()["status"] == "delivered"
    api.as_(clerk)
    r = api.post(f"{URL}{c.pk}/cancel/", {"reason": "晚了"})
    assert r.status_code == 409 and r.json()["error"]["code"] == "invalid_transition"
    other = sign(clerk, customer=customer, store=store, product=goods[0])
    assert api.post(f"{URL}{other.pk}/cancel/", {}).status_code == 400
    r = api.post(f"{URL}{other.pk}/cancel/", {"reason": "客户退订"})
    assert r.status_code == 200 and r.json()["status"] == "cancelled"
    assert AuditEvent.all_objects.filter(action="shouhou.contract.cancelled").count() == 1
