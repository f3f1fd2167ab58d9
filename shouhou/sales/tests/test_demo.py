import datetime as dt
from types import SimpleNamespace

import pytest
from django.db.models import F
from django.utils import timezone

from shouhou.catalog import demo as catalog_demo
from shouhou.org.models import Organisation
from shouhou.org.tests.factories import (
    MerchantFactory,
    OrganisationFactory,
    StoreFactory,
    UserFactory,
)
from shouhou.sales import demo
from shouhou.sales.models import Contract

from .factories import CustomerFactory

pytestmark = pytest.mark.django_db


def make_ctx():
    kinds = {
        "jiancai": Organisation.Kind.MARKET,
        "jiaju": Organisation.Kind.FURNITURE,
        "brand": Organisation.Kind.BRAND_CENTRE,
    }
    orgs = {code: OrganisationFactory(code=code, kind=kind) for code, kind in kinds.items()}
    stores = {
        f"{code}-1": StoreFactory(organisation=org, code=f"{code}-1") for code, org in orgs.items()
    }
    merchants = [MerchantFactory(organisation=orgs["jiancai"]) for _ in range(4)]
    users = {}
    for code, org in orgs.items():
        users[f"{code}-sales"] = UserFactory(
            organisation=org, roles=["sales"], username=f"{code}-sales"
        )
    customers = {
        code: [CustomerFactory(organisation=org, mobile=f"139{i:02d}{n:06d}") for n in range(15)]
        for i, (code, org) in enumerate(orgs.items())
    }
    customers["jiaju"].append(
        CustomerFactory(organisation=orgs["jiaju"], name="李先生", name_is_full=False)
    )
    return SimpleNamespace(
        orgs=orgs,
        stores=stores,
        merchants=merchants,
        users=users,
        customers=customers,
        today=timezone.localdate(),
    )


def test_the_demo_signs_a_few_hundred_believable_contracts_once():
    ctx = make_ctx()
    catalog_demo.seed(ctx)
    demo.seed(ctx)
    total = Contract.objects.count()
    assert 300 <= total <= 400
    demo.seed(ctx)
    assert Contract.objects.count() == total
    assert sum(len(v) for v in ctx.contracts.values()) == total
    today = timezone.localdate()
    upcoming = Contract.objects.filter(
        status="confirmed",
        delivery_date__gt=today,
        delivery_date__lte=today + dt.timedelta(days=21),
    )
    assert upcoming.count() >= 10
    assert Contract.objects.filter(status="delivered", paid=F("total")).exists()
    assert Contract.objects.filter(status="cancelled").exists()
    assert Contract.objects.filter(paid__lt=F("total")).exclude(status="cancelled").exists()
    market = Contract.objects.filter(organisation=ctx.orgs["jiancai"])
    assert not market.filter(merchant__isnull=True).exists()
    for c in market.prefetch_related("lines__product")[:30]:
        assert {line.product.merchant_id for line in c.lines.all()} == {c.merchant_id}
    assert not Contract.objects.filter(customer__name_is_full=False).exists()
