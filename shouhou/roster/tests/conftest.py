import pytest

from shouhou.workorders.tests.factories import make_customer, make_technician


@pytest.fixture
def desk(make_user, store):
    return make_user("service_desk", store=store, display_name="李调度")


@pytest.fixture
def supervisor(make_user, store):
    return make_user("cs_supervisor", store=store, display_name="周主管")


@pytest.fixture
def tech(org):
    return make_technician(org, name="王师傅")


@pytest.fixture
def tech2(org):
    return make_technician(org, name="刘师傅")


@pytest.fixture
def customer(org, store):
    return make_customer(org, store=store)
