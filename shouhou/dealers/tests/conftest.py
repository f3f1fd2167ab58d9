import datetime as dt

import pytest
from django.utils import timezone

from shouhou.catalog.tests.factories import ProductFactory, SupplierFactory
from shouhou.dealers.models import DealerMember
from shouhou.org.models import Dealer
from shouhou.sales.tests.factories import CustomerFactory, sign


@pytest.fixture
def dealer(org):
    return Dealer.objects.create(organisation=org, name="石家庄经销商", region="河北")


@pytest.fixture
def other_dealer(org):
    return Dealer.objects.create(organisation=org, name="保定经销商", region="河北")


@pytest.fixture
def dealer_user(make_user, dealer):
    user = make_user("dealer", display_name="马经理")
    DealerMember.objects.create(organisation=dealer.organisation, user=user, dealer=dealer)
    return user


@pytest.fixture
def other_dealer_user(make_user, other_dealer):
    user = make_user("dealer", display_name="牛经理")
    DealerMember.objects.create(
        organisation=other_dealer.organisation, user=user, dealer=other_dealer
    )
    return user


@pytest.fixture
def finance(make_user):
    return make_user("finance", display_name="郑会计")


@pytest.fixture
def technical(make_user, store):
    return make_user("workshop_supervisor", store=store, display_name="陈技术")


@pytest.fixture
def desk(make_user, store):
    return make_user("service_desk", store=store, display_name="吴前台")


@pytest.fixture
def sales_rep(make_user, store):
    return make_user("sales", store=store, display_name="卫业务")


@pytest.fixture
def customer(org, store):
    return CustomerFactory(organisation=org, name="张伟", mobile="13812345678", store=store)


@pytest.fixture
def kettle(org):
    supplier = SupplierFactory(organisation=org, name="美的供应")
    return ProductFactory(organisation=org, name="电水壶", supplier=supplier, is_electronic=True)


def days_ago(n):
    return timezone.localdate() - dt.timedelta(days=n)


@pytest.fixture
def dealer_sale(clerk, customer, store):
    """`dealer_sale(product, days)`: a contract signed and delivered `days` ago."""

    def make(product, days):
        contract = sign(
            clerk,
            customer=customer,
            store=store,
            product=product,
            unit_price="299.00",
            signed_on=days_ago(days),
        )
        contract.delivered_on = days_ago(days)
        contract.save(update_fields=["delivered_on"])
        return contract

    return make


@pytest.fixture(autouse=True)
def _english():
    """Rules are asserted on the English words (the pages run in zh-hans; see test_cards for the
    Chinese wording of a late card)."""
    from django.utils import translation

    with translation.override("en"):
        yield
