"""Approval routing (处理权限) with the default rules, at and around each limit. Pure: no database."""

from decimal import Decimal

import pytest
from hypothesis import given
from hypothesis import strategies as st

from shouhou.complaints import routing
from shouhou.complaints.defaults import default_routes

ROUTES = default_routes()
D = Decimal


def roles_for(amount, *, kind="exchange", installed=False, within=True):
    case = routing.Case(kind=kind, amount=D(amount), installed=installed, within_promises=within)
    return routing.route(case, ROUTES).approver_roles


def test_the_clerk_decides_a_return_within_the_promises_of_goods_not_installed():
    assert roles_for("0.00", kind="return") == ("clerk",)


def test_a_cent_of_extra_cost_takes_it_from_the_clerk_to_the_cs_manager_and_store_manager():
    assert roles_for("0.01") == ("cs_manager", "store_manager")


def test_the_supervisor_decides_installed_goods_reworked_without_extra_compensation():
    assert roles_for("0.00", installed=True) == ("cs_supervisor",)


def test_installed_goods_with_compensation_go_to_the_cs_manager_with_countersignature():
    assert roles_for("0.01", installed=True) == ("cs_manager", "store_manager")


def test_a_case_outside_the_promises_without_cost_goes_to_the_cs_manager():
    assert roles_for("0.00", within=False) == ("cs_manager", "store_manager")


@pytest.mark.parametrize("amount", ["1999.99", "2000.00"])
def test_up_to_and_including_2000_the_store_manager_countersigns_last(amount):
    assert roles_for(amount) == ("cs_manager", "store_manager")


@pytest.mark.parametrize("amount", ["2000.01", "3000.00", "4999.99", "5000.00"])
def test_over_2000_up_to_and_including_5000_the_vp_signs_last(amount):
    assert roles_for(amount) == ("cs_manager", "store_manager", "vp_operations")


@pytest.mark.parametrize("amount", ["5000.01", "100000.00"])
def test_over_5000_the_general_manager_signs_last(amount):
    assert roles_for(amount) == ("cs_manager", "store_manager", "general_manager")


def test_a_negative_amount_is_refused():
    with pytest.raises(ValueError):
        roles_for("-0.01")


def test_a_gap_in_the_rules_is_reported():
    with pytest.raises(routing.NoRouteMatches):
        routing.route(routing.Case(kind="return", amount=D("1")), ROUTES[:2])


def test_a_rule_limited_to_a_kind_applies_only_to_that_kind():
    special = routing.Route(
        name="x", approver_roles=("general_manager",), order=1, kinds=("return",)
    )
    assert routing.route(routing.Case(kind="return"), [special, *ROUTES]).name == "x"
    assert routing.route(routing.Case(kind="exchange"), [special, *ROUTES]).name != "x"


def test_a_higher_role_may_sign_for_a_lower_one_but_not_the_other_way_round():
    assert routing.may_sign({"vp_operations"}, "store_manager")
    assert not routing.may_sign({"store_manager"}, "vp_operations")
    assert not routing.may_sign({"clerk"}, "cs_supervisor")
    assert not routing.may_sign({"finance"}, "clerk")


amounts = st.decimals(min_value=0, max_value=100000, places=2, allow_nan=False)


@given(
    amounts,
    amounts,
    st.booleans(),
    st.booleans(),
    st.sampled_from(["complaint", "exchange", "return"]),
)
def test_routing_is_monotonic_in_the_amount(a, b, installed, within, kind):
    low, high = sorted((a, b))
    r1 = routing.route(routing.Case(kind, low, installed, within), ROUTES)
    r2 = routing.route(routing.Case(kind, high, installed, within), ROUTES)
    assert routing.top_rank(r1) <= routing.top_rank(r2)


@given(amounts)
def test_every_amount_finds_an_approver(amount):
    assert routing.route(routing.Case("complaint", amount, True, False), ROUTES).approver_roles


def test_the_store_manager_does_not_sign_for_the_cs_manager_when_countersigning_later():
    assert not routing.may_sign({"store_manager"}, "cs_manager", later_roles=("store_manager",))
    assert routing.may_sign({"vp_operations"}, "cs_manager", later_roles=("store_manager",))
