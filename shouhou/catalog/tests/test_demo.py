import datetime as dt
from types import SimpleNamespace

import pytest

from shouhou.catalog import demo
from shouhou.catalog.models import Product, ProductModel
from shouhou.org.models import Organisation
from shouhou.org.tests.factories import MerchantFactory, OrganisationFactory

pytestmark = pytest.mark.django_db


def make_ctx():
    orgs = {
        "jiancai": OrganisationFactory(code="jiancai", kind=Organisation.Kind.MARKET),
        "jiaju": OrganisationFactory(code="jiaju", kind=Organisation.Kind.FURNITURE),
        "brand": OrganisationFactory(code="brand", kind=Organisation.Kind.BRAND_CENTRE),
    }
    merchants = [MerchantFactory(organisation=orgs["jiancai"]) for _ in range(3)]
    return SimpleNamespace(
        orgs=orgs, stores={}, merchants=merchants, users={}, today=dt.date(2026, 3, 2)
    )


def test_the_demo_catalogue_is_believable_and_idempotent():
    ctx = make_ctx()
    demo.seed(ctx)
    counts = (Product.objects.count(), ProductModel.objects.count())
    demo.seed(ctx)
    assert (Product.objects.count(), ProductModel.objects.count()) == counts
    assert set(ctx.products) == {"jiancai", "jiaju", "brand"}
    assert all(ctx.products[code] for code in ctx.products)
    market = Product.objects.filter(organisation=ctx.orgs["jiancai"])
    names = set(market.values_list("name", flat=True))
    assert {"连体座便器", "亚克力浴缸", "LED灯泡", "燃气热水器", "隔热防爆窗膜", "瓷砖胶"} <= names
    assert market.filter(is_bulb_or_speaker=True).exists()
    assert market.filter(is_window_film=True).exists()
    assert market.filter(is_adhesive=True).exists()
    assert market.filter(is_single_use=True).exists()
    assert market.filter(
        is_electronic=True, needs_installation=True, name__contains="热水器"
    ).exists()
    assert not market.filter(merchant__isnull=True).exists()
    furniture = set(
        Product.objects.filter(organisation=ctx.orgs["jiaju"]).values_list("name", flat=True)
    )
    assert {"真皮沙发", "实木床", "推拉门衣柜"} <= furniture
    assert not Product.objects.get(
        organisation=ctx.orgs["jiaju"], name="真皮沙发"
    ).needs_installation
