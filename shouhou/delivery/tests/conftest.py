import datetime as dt
from zoneinfo import ZoneInfo

import pytest
import time_machine

from .factories import make_contract, make_crew

SHANGHAI = ZoneInfo("Asia/Shanghai")
# Monday 14 September 2026: the Mid-Autumn festival (25-27 Sep) and the National Day week
# (1-7 Oct, make-up working day Saturday 10 Oct) lie ahead.
START = dt.datetime(2026, 9, 14, 10, 0, tzinfo=SHANGHAI)


@pytest.fixture
def travel():
    with time_machine.travel(START, tick=False) as t:
        yield t


@pytest.fixture
def sales(travel, make_user, store):
    return make_user("sales", store=store, display_name="李销售")


@pytest.fixture
def supervisor(make_user, store):
    return make_user("cs_supervisor", store=store, display_name="赵主管")


@pytest.fixture
def workshop(make_user, store):
    return make_user("workshop_supervisor", store=store, display_name="钱车间")


@pytest.fixture
def crew_user(make_user, store):
    return make_user("delivery_crew", store=store, display_name="刘师傅")


@pytest.fixture
def crew(crew_user):
    return make_crew(crew_user)


@pytest.fixture
def contract(sales, store):
    return make_contract(sales, store)
