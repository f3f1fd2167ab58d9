import datetime as dt

import pytest
from django.utils import timezone

from shouhou.catalog.tests.factories import ProductFactory, SupplierFactory
from shouhou.sales.tests.factories import CustomerFactory, sign


@pytest.fixture
def customer(org, store):
    return CustomerFactory(organisation=org, name="张伟", mobile="13812345678", store=store)


@pytest.fixture
def supervisor(make_user, store):
    return make_user("cs_supervisor", store=store, display_name="张主管")


@pytest.fixture
def cs_manager(make_user, store):
    return make_user("cs_manager", store=store, display_name="李经理", email="li@example.com")


@pytest.fixture
def store_manager(make_user, store):
    return make_user("store_manager", store=store, display_name="赵店长", email="zhao@example.com")


@pytest.fixture
def vp(make_user):
    return make_user("vp_operations", display_name="钱副总")


@pytest.fixture
def gm(make_user):
    return make_user("general_manager", display_name="孙总")


@pytest.fixture
def kettle(org):
    """Goods that need no installation (rule 6)."""
    supplier = SupplierFactory(organisation=org, name="美的供应")
    return ProductFactory(organisation=org, name="电水壶", supplier=supplier, is_electronic=True)


@pytest.fixture
def hood(org):
    """Electronics that need installation (rule 1)."""
    return ProductFactory(
        organisation=org, name="抽油烟机", is_electronic=True, needs_installation=True
    )


def days_ago(n):
    return timezone.localdate() - dt.timedelta(days=n)


@pytest.fixture
def sold(clerk, customer, store):
    """`sold(product, days=3)`: a contract signed and delivered `days` ago; returns its line."""

    def make(product, days=3, unit_price="299.00"):
        contract = sign(
            clerk,
            customer=customer,
            store=store,
            product=product,
            unit_price=unit_price,
            signed_on=days_ago(days),
        )
        contract.delivered_on = days_ago(days)
        contract.save(update_fields=["delivered_on"])
        return contract.lines.get()

    return make
