import datetime as dt

import pytest

from shouhou.workorders.tests.factories import at, make_customer, make_technician


@pytest.fixture
def supervisor(make_user, store):
    return make_user("cs_supervisor", store=store, display_name="刘主管")


@pytest.fixture
def tech(org):
    return make_technician(org, name="王师傅")


@pytest.fixture
def customer(org, store):
    return make_customer(org, store=store)


@pytest.fixture
def asset(supervisor, customer, store):
    from shouhou.maintenance import services

    return services.asset_create(
        by=supervisor,
        customer=customer,
        name="中央空调机组",
        kind="project",
        serial_no="AC-2026-001",
        location="幸福小区3号楼设备房",
        installed_on=dt.date(2026, 1, 5),
        accepted_on=dt.date(2026, 1, 12),
    )


@pytest.fixture
def plan(supervisor, asset, tech):
    from shouhou.maintenance import services

    return services.plan_create(
        by=supervisor,
        asset=asset,
        tasks=["检查压缩机", "清洗过滤网"],
        interval_months=6,
        technician=tech,
    )


def now_at(y, m, d, hh=8):
    return at(y, m, d, hh)
