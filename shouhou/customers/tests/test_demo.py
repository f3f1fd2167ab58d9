"""The demo customers: believable, valid by the same rules, and seeded once."""

import datetime as dt
from types import SimpleNamespace

import pytest

from shouhou.customers import demo
from shouhou.customers.models import Customer
from shouhou.customers.validation import validate_address, validate_mobile, validate_person_name

pytestmark = pytest.mark.django_db


@pytest.fixture
def ctx():
    from shouhou.org import demo as org_demo

    ctx = SimpleNamespace(today=dt.date(2025, 6, 2))
    org_demo.seed(ctx)
    return ctx


def test_the_demo_has_over_two_hundred_valid_customers_and_running_it_again_adds_none(ctx):
    demo.seed(ctx)
    total = Customer.objects.count()
    assert total >= 200
    assert set(ctx.customers) == {"jiancai", "jiaju", "brand"}
    assert sum(len(v) for v in ctx.customers.values()) == total
    for c in Customer.objects.prefetch_related("addresses"):
        assert validate_mobile(c.mobile) == c.mobile
        assert validate_person_name(c.name, allow_honorific=True)[1] == c.name_is_full
        address = c.default_address
        assert validate_address(address.district, address.detail)
    first_ids = [c.pk for c in ctx.customers["jiancai"]]

    demo.seed(ctx)
    assert Customer.objects.count() == total
    assert [c.pk for c in ctx.customers["jiancai"]] == first_ids


def test_demo_customers_are_spread_over_stores_and_merchants_with_some_archives_overdue(ctx):
    demo.seed(ctx)
    market = ctx.orgs["jiancai"]
    assert Customer.objects.filter(organisation=market, merchant__isnull=False).count() > 30
    assert Customer.objects.filter(organisation=market).values("store").distinct().count() == 2
    assert Customer.objects.filter(archive_completed_at__isnull=False).exists()
    assert Customer.objects.filter(archive_completed_at__isnull=True).exists()
    assert Customer.objects.filter(name_is_full=False).exists()
