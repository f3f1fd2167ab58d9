"""The demo walks the routine in both demo organisations: items in every state, once."""

from types import SimpleNamespace

import pytest

from shouhou.lostfound import demo
from shouhou.lostfound.models import EndOfDayList, LostItem, LostItemPhoto, LostItemReminder
from shouhou.org.tests.factories import StoreFactory, UserFactory

pytestmark = pytest.mark.django_db


def test_the_demo_has_items_in_every_state_in_both_organisations_and_runs_once(
    org, other_org, store, travel
):
    jj_store = StoreFactory(organisation=other_org, code="jj-main")
    users = {
        "clerk": UserFactory(roles=["clerk"], organisation=org, store=store),
        "supervisor": UserFactory(roles=["cs_supervisor"], organisation=org, store=store),
        "security": UserFactory(roles=["security"], organisation=org, store=store),
        "manager": UserFactory(roles=["administration"], organisation=org, store=store),
        "jj_clerk": UserFactory(
            roles=["clerk", "cs_supervisor"], organisation=other_org, store=jj_store
        ),
    }
    ctx = SimpleNamespace(
        orgs={"jiancai": org, "jiaju": other_org},
        stores={"jc-main": store, "jj-main": jj_store},
        users=users,
        today=None,
    )
    demo.seed(ctx)
    counts = LostItem.objects.count()
    demo.seed(ctx)
    assert LostItem.objects.count() == counts
    for organisation in (org, other_org):
        states = set(
            LostItem.objects.filter(organisation=organisation).values_list("status", flat=True)
        )
        assert states == set(LostItem.Status.values), organisation
        assert EndOfDayList.objects.filter(organisation=organisation, guard_signed_at__isnull=False)
        assert LostItemPhoto.objects.filter(organisation=organisation).exists()
        assert LostItemReminder.objects.filter(organisation=organisation).exists()
