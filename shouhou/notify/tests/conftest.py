import datetime as dt
import itertools
from zoneinfo import ZoneInfo

import pytest
from django.core.cache import cache

from shouhou.customers.models import Customer
from shouhou.notify import backends

SH = ZoneInfo("Asia/Shanghai")
_seq = itertools.count(1)


def at(y, m, d, hh=10, mm=0):
    return dt.datetime(y, m, d, hh, mm, tzinfo=SH)


def make_customer(org, name="张伟"):
    n = next(_seq)
    return Customer.all_objects.create(organisation=org, name=name, mobile=f"1391234{n:04d}")


@pytest.fixture(autouse=True)
def _locmem(settings):
    cache.clear()
    backends.outbox.clear()
    settings.SHOUHOU_NOTIFY_BACKENDS = {
        "sms": "shouhou.notify.backends.LocmemBackend",
        "wechat": "shouhou.notify.backends.LocmemBackend",
        "email": "shouhou.notify.backends.LocmemBackend",
    }
    yield
    backends.outbox.clear()


@pytest.fixture
def customer(org):
    return make_customer(org)
