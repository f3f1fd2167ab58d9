import datetime as dt

import pytest
from django.utils import timezone

from shouhou.core.errors import NotFoundError
from shouhou.sales import selectors, services
from shouhou.sales.models import Contract

from .factories import CustomerFactory, catalogue, sign

pytestmark = pytest.mark.django_db

TODAY = timezone.localdate()


def test_the_list_filters(clerk, org, store, goods):
    product = goods[0]
    wang = CustomerFactory(organisation=org, name="王建国", mobile="13912345678")
    zhao = CustomerFactory(organisation=org, name="赵敏", mobile="13712340000")
    soon = sign(
        clerk,
        customer=wang,
        store=store,
        product=product,
        delivery_date=TODAY + dt.timedelta(days=3),
    )
    paid = sign(
        clerk, customer=zhao, store=store, product=product, paid="100.00", payment_method="cash"
    )
    later = sign(
        clerk,
        customer=zhao,
        store=store,
        product=product,
        delivery_date=TODAY + dt.timedelta(days=30),
    )
    services.contract_cancel(by=clerk, contract=later, reason="退订")

    def ids(**kw):
        return {c.pk for c in selectors.contract_list(user=clerk, **kw)}

    assert ids(q="王建国") == {soon.pk}
    assert ids(q="5678") == {soon.pk}
    assert ids(q=soon.number) == {soon.pk}
    assert ids(customer=zhao) == {paid.pk, later.pk}
    assert ids(status="cancelled") == {later.pk}
    assert ids(delivery_from=TODAY, delivery_to=TODAY + dt.timedelta(days=7)) == {soon.pk}
    assert ids(balance_due=True) == {soon.pk}
    assert ids(balance_due=False) == {paid.pk}
    assert ids(store=store) == {soon.pk, paid.pk, later.pk}


def test_a_merchant_admin_sees_only_its_merchants_contracts(
    merchant_admin, merchant, other_merchant, clerk, org, store
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
    sign(clerk, customer=CustomerFactory(organisation=org), store=store, product=product)
    assert list(selectors.contract_list(user=merchant_admin)) == [mine]
    with pytest.raises(NotFoundError):
        selectors.contract_get(user=merchant_admin, pk=theirs.pk)
    assert selectors.contract_get(user=merchant_admin, pk=mine.pk) == mine


def test_other_organisations_and_field_roles_see_nothing(
    outsider, make_user, clerk, customer, store, goods
):
    c = sign(clerk, customer=customer, store=store, product=goods[0])
    assert not selectors.contract_list(user=outsider).exists()
    assert not selectors.contract_list(user=make_user("technician")).exists()
    with pytest.raises(NotFoundError):
        selectors.contract_get(user=outsider, pk=c.pk)
    with pytest.raises(NotFoundError):
        selectors.contract_get(user=clerk, pk="abc")


def test_dashboard_cards_count_balances_and_deliveries(clerk, customer, store, goods, make_user):
    product = goods[0]
    sign(
        clerk,
        customer=customer,
        store=store,
        product=product,
        delivery_date=TODAY + dt.timedelta(days=2),
    )
    sign(
        clerk,
        customer=customer,
        store=store,
        product=product,
        paid="100",
        payment_method="cash",
        delivery_date=TODAY + dt.timedelta(days=20),
    )
    late = sign(
        clerk,
        customer=customer,
        store=store,
        product=product,
        paid="100",
        payment_method="cash",
        signed_on=TODAY - dt.timedelta(days=10),
        delivery_date=TODAY - dt.timedelta(days=1),
    )
    assert late.status == Contract.Status.CONFIRMED
    cards = selectors.dashboard_cards(user=clerk)
    values = [c["value"] for c in cards]
    assert values == [1, 1, 1]
    assert cards[2]["alert"] is True
    assert "balance_due=true" in cards[0]["url"]
    assert selectors.dashboard_cards(user=make_user("technician")) == []
