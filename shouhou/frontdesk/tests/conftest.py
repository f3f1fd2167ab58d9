import datetime as dt

import pytest
from django.utils import timezone

from shouhou.customers.tests.factories import CustomerFactory

# A Thursday morning in office hours (Asia/Shanghai), far from any public holiday.
MORNING = dt.datetime(2026, 3, 12, 9, 30, tzinfo=dt.timezone(dt.timedelta(hours=8)))


@pytest.fixture
def store(org):
    from shouhou.org.tests.factories import StoreFactory

    return StoreFactory(organisation=org, name="一号店", code="s1", hotline="0371-65550001")


@pytest.fixture
def customer(org, store):
    return CustomerFactory(organisation=org, name="张伟", mobile="13812345678", store=store)


@pytest.fixture
def colleague(make_user, store):
    return make_user("clerk", store=store, display_name="刘客服")


@pytest.fixture
def manager(make_user, store):
    return make_user("cs_manager", store=store, display_name="李经理", email="li@example.com")


@pytest.fixture
def log(clerk):
    """`log(kind=..., **kw)`: a hotline contact logged by the clerk."""
    from shouhou.frontdesk import services

    def make(kind="consultation", subject="问一下营业时间", phone="13812345678", **kw):
        return services.contact_log(
            by=kw.pop("by", clerk),
            channel=kw.pop("channel", "hotline"),
            kind=kind,
            subject=subject,
            phone=phone,
            **kw,
        )

    return make


def local(d, h, m=0):
    return timezone.make_aware(dt.datetime(d.year, d.month, d.day, h, m))
