"""Decisions stored with the rule version; rules seeded once per organisation and editable."""

import datetime as dt

import pytest

from shouhou.catalog.tests.factories import ProductFactory
from shouhou.promises.models import PackagingPromise, PromiseDecision, PromiseRule
from shouhou.promises.services import promise_decide, promise_rules_ensure_defaults

pytestmark = pytest.mark.django_db

TODAY = dt.date(2026, 11, 23)


@pytest.fixture
def kettle(org):
    return ProductFactory(organisation=org, name="电水壶", is_electronic=True)


def test_default_rules_are_written_once_per_organisation(org):
    promise_rules_ensure_defaults(org)
    promise_rules_ensure_defaults(org)
    assert PromiseRule.objects.filter(organisation=org).count() == 13


def test_a_decision_is_stored_with_the_rule_and_its_version(clerk, kettle, org):
    d = promise_decide(
        by=clerk, product=kettle, sold_on=TODAY - dt.timedelta(days=7), on=TODAY, wanted="return"
    )
    assert d.outcome == "return" and d.rule_code == "r6-no-installation" and d.rule_version == 1
    rule = PromiseRule.objects.get(organisation=org, code="r6-no-installation")
    rule.return_amount = 3
    rule.save()
    d2 = promise_decide(
        by=clerk, product=kettle, sold_on=TODAY - dt.timedelta(days=7), on=TODAY, wanted="return"
    )
    assert d2.outcome == "exchange" and d2.rule_version == 2
    assert rule.history.count() == 2
    assert PromiseDecision.objects.count() == 2


def test_a_packaging_promise_wins_over_the_rules(clerk, kettle, org):
    PackagingPromise.objects.create(
        organisation=org, product=kettle, exchange_amount=30, exchange_unit="days"
    )
    d = promise_decide(
        by=clerk, product=kettle, sold_on=TODAY - dt.timedelta(days=30), on=TODAY, wanted="exchange"
    )
    assert d.outcome == "exchange" and d.rule_code == "r3-packaging"


def test_bad_input_is_refused_naming_the_fields_and_nothing_is_written(clerk, kettle):
    from shouhou.core.errors import ValidationFailed

    with pytest.raises(ValidationFailed) as exc:
        promise_decide(
            by=clerk, product=kettle, sold_on=TODAY + dt.timedelta(days=1), on=TODAY, cause="x"
        )
    assert {"sold_on", "cause"} <= set(exc.value.fields)
    assert not PromiseDecision.objects.exists()


def test_someone_without_an_office_role_cannot_decide(make_user, kettle):
    from shouhou.core.errors import PermissionDeniedError

    with pytest.raises(PermissionDeniedError):
        promise_decide(by=make_user("technician"), product=kettle, sold_on=TODAY, on=TODAY)


def test_the_api_refuses_a_request_outside_every_rule(api, clerk, org):
    cabinet = ProductFactory(organisation=org, name="橱柜", needs_installation=True)
    r = api.as_(clerk).post(
        "/api/v1/promise-decisions/",
        {"product": cabinet.pk, "sold_on": "2026-11-01", "installed_by": "us"},
    )
    assert r.status_code == 400 and r.json()["error"]["code"] == "outside_rules"
    assert not PromiseDecision.objects.exists()
    assert api.get("/api/v1/promise-rules/").status_code == 200
