import datetime as dt
from decimal import Decimal
from zoneinfo import ZoneInfo

import pytest

from shouhou.parts import services as ps
from shouhou.parts.models import Location, Part
from shouhou.workorders import services as wo
from shouhou.workorders.tests.factories import make_customer, make_technician

SH = ZoneInfo("Asia/Shanghai")
PNG = (
    "data:image/png;base64,iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR42mNk"
    "YPhfDwAChwGA60e6kgAAAABJRU5ErkJggg=="
)


def at(y, m, d, hh=10, mm=0):
    return dt.datetime(y, m, d, hh, mm, tzinfo=SH)


@pytest.fixture
def keeper(make_user, store):
    return make_user("warehouse_keeper", store=store, display_name="仓管小刘")


@pytest.fixture
def supervisor(make_user, store):
    return make_user("workshop_supervisor", store=store, display_name="技术主管老陈")


@pytest.fixture
def manager(make_user, store):
    return make_user("store_manager", store=store, display_name="店长")


@pytest.fixture
def desk(make_user, store):
    return make_user("service_desk", store=store, display_name="李调度")


@pytest.fixture
def tech(org):
    return make_technician(org, name="王师傅")


@pytest.fixture
def central(org):
    return Location.all_objects.create(organisation=org, code="central", name="中心备件库",
                                       kind="central")  # fmt: skip


@pytest.fixture
def part(org):
    return Part.all_objects.create(
        organisation=org, code="JSF-01", name="进水阀", specification="G1/2", unit="个",
        cost_price=Decimal("35.00"), sale_price=Decimal("58.00"), reorder_level=5,
    )  # fmt: skip


@pytest.fixture
def stocked(keeper, central, part):
    ps.receipt_create(by=keeper, location=central, supplier="厂家",
                      lines=[{"part": part.pk, "quantity": 10, "unit_cost": "35.00"}],
                      now=at(2026, 3, 2))  # fmt: skip
    return part


def on_site(desk, tech, customer):
    order = wo.workorder_intake(by=desk, customer=customer, source="hotline", kind="repair",
                                description="马桶漏水", now=at(2026, 3, 9, 9)).order  # fmt: skip
    order = wo.workorder_dispatch(by=desk, order=order, technician=tech, now=at(2026, 3, 9, 9))
    order = wo.workorder_contact(by=tech.user, order=order, now=at(2026, 3, 9, 10))
    order = wo.workorder_appoint(by=tech.user, order=order, appointment_at=at(2026, 3, 10, 9),
                                 now=at(2026, 3, 9, 10))  # fmt: skip
    return wo.workorder_arrive(by=tech.user, order=order, now=at(2026, 3, 10, 9))


@pytest.fixture
def order(desk, tech, org, store):
    return on_site(desk, tech, make_customer(org, store=store))
