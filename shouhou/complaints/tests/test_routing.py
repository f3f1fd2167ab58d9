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
def test_up_to_and_including_2000_the_cs_manager_with_the_store_managers_approval(amount):
    """5.3 "总值在2000元以内,但需报店长审批": 以内 includes 2000.00."""
    assert roles_for(amount) == ("cs_manager", "store_manager")


@pytest.mark.parametrize("amount", ["2000.01", "3000.00", "4999.99", "5000.00"])
def test_over_2000_up_to_and_including_5000_the_store_manager_then_the_vp(amount):
    """5.4 "总费用在2000元至5000元,报营运副总审批": no customer-service manager step."""
    assert roles_for(amount) == ("store_manager", "vp_operations")


@pytest.mark.parametrize("amount", ["5000.01", "100000.00"])
def test_over_5000_the_store_manager_then_the_general_manager(amount):
    """5.4 "总费用在5000元以上,报总经理审批"."""
    assert roles_for(amount) == ("store_manager", "general_manager")


SIGNERS = ["clerk", "cs_supervisor", "cs_manager", "store_manager", "vp_operations"]
SIGNERS.append("general_manager")


def alone(amount, **kw) -> set[str]:
    """The roles whose one signature covers every step of the case's route."""
    roles = roles_for(amount, **kw)
    return {c for c in SIGNERS if routing.steps_covered({c}, roles, 0) == len(roles)}


@pytest.mark.parametrize(
    "amount,who",
    [
        ("1999.99", {"store_manager", "vp_operations", "general_manager"}),
        ("2000.00", {"store_manager", "vp_operations", "general_manager"}),
        ("2000.01", {"vp_operations", "general_manager"}),
        ("4999.99", {"vp_operations", "general_manager"}),
        ("5000.00", {"vp_operations", "general_manager"}),
        ("5000.01", {"general_manager"}),
    ],
)
def test_who_alone_may_approve_at_and_around_each_boundary(amount, who):
    assert alone(amount) == who


def test_the_clerk_band_may_be_approved_alone_by_anyone_from_the_clerk_up():
    assert alone("0.00", kind="return") == set(SIGNERS)
    assert alone("0.00", installed=True) == set(SIGNERS) - {"clerk"}


def test_a_lower_signature_covers_only_the_steps_it_may_sign():
    band_3 = ("store_manager", "general_manager")
    assert routing.steps_covered({"store_manager"}, band_3, 0) == 1
    assert routing.steps_covered({"vp_operations"}, band_3, 0) == 1
    assert routing.steps_covered({"vp_operations"}, band_3, 1) == 0
    assert routing.steps_covered({"cs_manager"}, band_3, 0) == 0
    assert routing.steps_covered({"general_manager"}, band_3, 1) == 1


def test_the_ranks_come_from_the_organisation_when_given():
    ranks = {**routing.DEFAULT_RANK, "store_manager": 7}
    assert routing.steps_covered({"store_manager"}, ("store_manager", "general_manager"), 0) == 1
    assert (
        routing.steps_covered(
            {"store_manager"}, ("store_manager", "general_manager"), 0, ranks=ranks
        )
        == 2
    )
    assert not routing.may_sign({"finance"}, "clerk", ranks={**ranks, "finance": 0})
    assert routing.may_sign({"finance"}, "clerk", ranks={**ranks, "finance": 2})


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


def test_a_higher_role_may_sign_an_earlier_step_of_the_chain_itself():
    band_1 = ("cs_manager", "store_manager")
    assert routing.may_sign({"store_manager"}, "cs_manager")
    assert routing.steps_covered({"store_manager"}, band_1, 0) == 2
    assert routing.steps_covered({"cs_manager"}, band_1, 0) == 1
