import pytest

from .factories import make_technician


@pytest.fixture
def manager(make_user, store):
    return make_user("cs_manager", store=store, display_name="李经理")


@pytest.fixture
def finance(make_user):
    return make_user("finance", display_name="钱会计")


@pytest.fixture
def tech(org, store):
    t = make_technician(org, name="王师傅")
    t.store = store
    t.save(update_fields=["store"])
    return t


@pytest.fixture
def tech2(org):
    return make_technician(org, name="赵师傅")
