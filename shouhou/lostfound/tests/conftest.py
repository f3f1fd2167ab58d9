import datetime as dt
from zoneinfo import ZoneInfo

import pytest
import time_machine

from shouhou.lostfound import services

SHANGHAI = ZoneInfo("Asia/Shanghai")
# Tuesday 15 September 2026, 10:00 in Shanghai (the Mid-Autumn festival 25-27 Sep lies ahead).
START = dt.datetime(2026, 9, 15, 10, 0, tzinfo=SHANGHAI)


def at(day: dt.date, hour: int, minute: int = 0) -> dt.datetime:
    return dt.datetime.combine(day, dt.time(hour, minute), tzinfo=SHANGHAI)


@pytest.fixture
def travel():
    with time_machine.travel(START, tick=False) as t:
        yield t


@pytest.fixture
def other_store(org):
    from shouhou.org.tests.factories import StoreFactory

    return StoreFactory(organisation=org, name="二号店", code="s2")


@pytest.fixture
def supervisor(make_user, store):
    return make_user("cs_supervisor", store=store, display_name="赵主管")


@pytest.fixture
def duty_manager(make_user, store):
    return make_user("duty_manager", store=store, display_name="朱值班")


@pytest.fixture
def guard(make_user, store):
    return make_user("security", store=store, display_name="褚保安")


@pytest.fixture
def keeper(make_user, store):
    return make_user("security_head", store=store, display_name="杨主管")


@pytest.fixture
def lp(make_user, store):
    return make_user("lp_supervisor", store=store, display_name="韩防损")


@pytest.fixture
def admin_user(make_user):
    return make_user("administration", display_name="何行政")


@pytest.fixture
def register(travel, clerk):
    """`register(**overrides)`: an umbrella handed in by a customer this morning."""

    def make(by=None, **kw):
        values = {
            "category": "umbrella",
            "description": "黑色折叠伞，木质手柄",
            "found_place": "一楼卫浴展区",
            "finder_kind": "customer",
            "finder_name": "热心顾客",
            "found_at": START - dt.timedelta(hours=1),
        }
        values.update(kw)
        return services.item_register(by=by or clerk, **values)

    return make


CLAIM = {
    "claimant_name": "王女士",
    "claimant_phone": "13812345678",
    "id_type": "resident_id",
    "id_number": "11010519491231002X",
    "claim_description": "黑色折叠伞，木柄",
    "description_matches": True,
    "signature": "王女士",
}
