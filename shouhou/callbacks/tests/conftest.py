"""Fixtures shared by the callback record tests (a module may define its own of the same name)."""

import pytest

from .records_factories import make_technician


@pytest.fixture
def agent(make_user):
    return make_user("call_centre", display_name="赵回访")


@pytest.fixture
def desk(make_user, store):
    return make_user("service_desk", store=store)


@pytest.fixture
def tech(org):
    return make_technician(org, name="王师傅")
