import datetime as dt
from types import SimpleNamespace

import pytest

from shouhou.delivery import demo
from shouhou.delivery.models import Delivery, DeliverySettings

from .factories import make_contract

pytestmark = pytest.mark.django_db


def test_demo_schedules_deliveries_once(org, sales, supervisor, crew, store):
    contracts = [
        make_contract(sales, store, delivery_date=dt.date(2026, 9, 20 + i)) for i in range(4)
    ]
    ctx = SimpleNamespace(
        orgs={"jiaju": org},
        users={"sales": sales, "supervisor": supervisor},
        contracts={"jiaju": contracts},
        staff={"jiaju": [crew]},
    )
    demo.seed(ctx)
    demo.seed(ctx)
    assert Delivery.objects.count() == 4
    assert DeliverySettings.objects.filter(organisation=org).count() == 1
    statuses = sorted(Delivery.objects.values_list("status", flat=True))
    assert statuses == ["scheduled", "scheduled", "workshop_done", "workshop_done"]
    assert Delivery.objects.filter(crew=crew).count() == 2
