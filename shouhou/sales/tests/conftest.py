import pytest

from shouhou.org.tests.factories import MerchantFactory

from .factories import CustomerFactory, catalogue


@pytest.fixture
def customer(org):
    return CustomerFactory(organisation=org, name="张伟", mobile="13812345678")


@pytest.fixture
def goods(org):
    """(product, model 1, model 2) of the organisation's own catalogue."""
    return catalogue(org)


@pytest.fixture
def sales(make_user, store):
    return make_user("sales", store=store, display_name="李销售")


@pytest.fixture
def other_merchant(org):
    return MerchantFactory(organisation=org, name="隔壁建材")


@pytest.fixture
def merchant_admin(make_user, merchant):
    return make_user("merchant_admin", merchant=merchant, display_name="商户管理员")
