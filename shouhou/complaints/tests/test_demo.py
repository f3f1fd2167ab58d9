"""The demo builds cases in every state, and running it twice adds nothing."""

import datetime as dt
from types import SimpleNamespace

import pytest
from django.utils import timezone

from shouhou.catalog import demo as catalog_demo
from shouhou.complaints import demo
from shouhou.complaints.models import Case
from shouhou.customers import demo as customers_demo
from shouhou.org import demo as org_demo
from shouhou.promises import demo as promises_demo
from shouhou.promises.models import PackagingPromise, PromiseRule
from shouhou.sales import demo as sales_demo

pytestmark = pytest.mark.django_db


def test_the_demo_has_cases_in_every_state_and_is_idempotent():
    from shouhou.org.roles import ensure_roles

    ensure_roles()
    ctx = SimpleNamespace(today=timezone.localdate() - dt.timedelta(days=0))
    for seed in (org_demo.seed, catalog_demo.seed, customers_demo.seed, sales_demo.seed):
        seed(ctx)
    promises_demo.seed(ctx)
    demo.seed(ctx)
    assert PromiseRule.objects.exists() and PackagingPromise.objects.exists()
    states = set(Case.objects.values_list("status", flat=True))
    assert states >= {
        "registered",
        "inspecting",
        "awaiting_approval",
        "approved",
        "carried_out",
        "done",
        "refused",
    }
    kinds = set(Case.objects.values_list("kind", flat=True))
    assert kinds >= {"complaint", "exchange", "return"}
    n = Case.objects.count()
    demo.seed(ctx)
    assert Case.objects.count() == n
