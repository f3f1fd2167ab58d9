import pytest

from shouhou.workorders.tests.factories import make_technician


@pytest.fixture
def desk(make_user, store):
    return make_user("service_desk", store=store)


@pytest.fixture
def tech(org):
    return make_technician(org, name="王师傅")
