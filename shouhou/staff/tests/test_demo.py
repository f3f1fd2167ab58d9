from types import SimpleNamespace

from django.utils import timezone

from shouhou.org.tests.factories import MerchantFactory, OrganisationFactory, StoreFactory
from shouhou.staff import demo, flows
from shouhou.staff.models import Fine, OnboardingApplication, ServiceStaff, WorkPermit


def _ctx():
    orgs = {
        "jiancai": OrganisationFactory(code="jiancai", name="建材城"),
        "jiaju": OrganisationFactory(code="jiaju", name="家具城"),
        "brand": OrganisationFactory(code="brand", name="卫浴服务中心"),
    }
    merchants = [MerchantFactory(organisation=orgs["jiancai"]) for _ in range(3)]
    stores = {
        "s-jiaju": StoreFactory(organisation=orgs["jiaju"]),
        "s-brand": StoreFactory(organisation=orgs["brand"]),
    }
    return SimpleNamespace(
        orgs=orgs, merchants=merchants, stores=stores, users={}, today=timezone.localdate()
    )


def test_demo_has_staff_in_every_onboarding_state_and_runs_twice(db):
    ctx = _ctx()
    demo.seed(ctx)
    assert sum(len(v) for v in ctx.staff.values()) >= 20
    waiting = set(OnboardingApplication.objects.filter(status="open").values_list("flow", "step"))
    for flow, steps in flows.FLOWS.items():
        for step in steps:
            assert (flow, step.code) in waiting, (flow, step.code)
    assert WorkPermit.objects.filter(status="valid").count() >= 10
    assert WorkPermit.objects.filter(status="expired").count() == 1
    assert WorkPermit.objects.filter(status="suspended", suspend_reason="fine_overdue").count() == 1
    assert Fine.objects.count() >= 3
    assert ServiceStaff.objects.filter(user__username="tech1").exists()
    assert ctx.users["tech1"].check_password("demo12345")
    counts = (ServiceStaff.objects.count(), WorkPermit.objects.count(), Fine.objects.count())
    demo.seed(ctx)
    assert (
        ServiceStaff.objects.count(),
        WorkPermit.objects.count(),
        Fine.objects.count(),
    ) == counts
