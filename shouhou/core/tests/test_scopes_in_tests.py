"""Test code calls services and selectors in their actor's scope, as a request would."""

import pytest
from django_scopes.state import get_scope

from shouhou.customers import selectors as customer_selectors
from shouhou.customers import services as customer_services
from shouhou.workdays import services as workday_services


def _scope_seen(*, by=None, organisation=None):
    return dict(get_scope())


def test_the_service_and_selector_layers_are_wrapped():
    for fn in (
        customer_services.customer_create,
        customer_selectors.customer_visible_qs,
        workday_services.calendar_for,
    ):
        assert getattr(fn, "__wrapped_in_actor_scope__", False), fn


def test_a_call_from_test_code_runs_in_the_actors_organisation(db, make_user, org, other_org):
    import conftest

    seen = conftest._in_actor_scope(_scope_seen)
    assert seen(by=make_user("clerk"))["organisation"] == org.pk
    assert seen(organisation=other_org)["organisation"] == other_org.pk
    assert get_scope()["_enabled"] is False  # the test code itself stays unscoped


def test_an_outsider_calling_a_selector_finds_nothing_of_the_organisation(db, org, outsider):
    from shouhou.customers.tests.factories import CustomerFactory

    CustomerFactory(organisation=org)
    assert list(customer_selectors.customer_visible_qs(user=outsider)) == []


@pytest.mark.cross_org
def test_the_cross_org_marker_leaves_the_calls_unscoped(db, make_user):
    import conftest

    seen = conftest._in_actor_scope(_scope_seen)
    assert seen(by=make_user("clerk"))["_enabled"] is False
