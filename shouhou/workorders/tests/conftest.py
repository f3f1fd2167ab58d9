import pytest

from .factories import make_customer, make_technician


@pytest.fixture
def desk(make_user, store):
    return make_user("service_desk", store=store, display_name="李调度")


@pytest.fixture
def call_centre(make_user):
    return make_user("call_centre", display_name="赵回访")


@pytest.fixture
def tech(org):
    return make_technician(org, name="王师傅")


@pytest.fixture
def customer(org, store):
    return make_customer(org, store=store)


@pytest.fixture
def product(org):
    from shouhou.catalog.models import Product

    return Product.all_objects.create(organisation=org, name="智能马桶")
