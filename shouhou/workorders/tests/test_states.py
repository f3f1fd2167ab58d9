"""The state machine and policy choice, without a database."""

from decimal import Decimal

import pytest

from shouhou.core.errors import InvalidTransition
from shouhou.workorders import policies, states


def test_every_state_has_a_clock_category():
    assert set(states.CATEGORY) == {s for s, _ in states.STATUS_CHOICES}


def test_the_happy_path_is_allowed():
    path = [
        ("dispatch", states.DISPATCHED),
        ("contact", states.CONTACTED),
        ("appoint", states.APPOINTED),
        ("arrive", states.ON_SITE),
        ("complete", states.DONE),
        ("sign", states.CONFIRMED),
        ("close", states.CLOSED),
    ]
    status = states.NEW
    for action, expected in path:
        status = states.target_of(action, status)
        assert status == expected


@pytest.mark.parametrize(
    "status", [states.NEW, states.DISPATCHED, states.CONTACTED, states.APPOINTED, states.ON_SITE]
)
def test_closing_an_order_never_visited_is_refused(status):
    with pytest.raises(InvalidTransition):
        states.check("close", status)


def test_signing_before_completion_is_refused():
    for status in states.UNRESOLVED_STATES:
        assert not states.allowed("sign", status)


def test_nothing_happens_to_a_closed_or_cancelled_order():
    for status in (states.CLOSED, states.CANCELLED):
        assert states.actions_from(status) == []


def test_paused_states_stop_the_clock():
    assert states.category(states.WAITING_PARTS) == states.PAUSED
    assert states.category(states.POSTPONED) == states.PAUSED
    assert states.category(states.NOT_HOME) == states.PAUSED


def test_a_customer_not_at_home_asks_again_and_the_order_goes_back_to_the_technician():
    assert states.target_of("reask", states.NOT_HOME) == states.DISPATCHED


def test_the_error_message_names_the_action_and_the_state():
    with pytest.raises(InvalidTransition) as exc:
        states.check("close", states.DISPATCHED)
    assert exc.value.status == 409
    assert exc.value.extra["status"] == states.DISPATCHED


# --- policy choice ----------------------------------------------------------------------------
DEFAULT = policies.PolicyCriteria(pk=1)
EMERGENCY = policies.PolicyCriteria(pk=2, for_emergency=True)
FAR = policies.PolicyCriteria(pk=3, min_distance_km=Decimal(100))
STORE = policies.PolicyCriteria(pk=4, store_id=7)
CATEGORY = policies.PolicyCriteria(pk=5, category_id=30)
PARENT_CATEGORY = policies.PolicyCriteria(pk=6, category_id=31)
CUSTOMER = policies.PolicyCriteria(pk=7, customer_id=99)
ALL = [DEFAULT, EMERGENCY, FAR, STORE, CATEGORY, PARENT_CATEGORY, CUSTOMER]


def facts(**kw):
    base = {"customer_id": 1, "category_ids": (), "store_id": None}
    base.update(kw)
    return policies.OrderFacts(**base)


def test_the_organisation_default_applies_when_nothing_more_specific_matches():
    assert policies.choose(ALL, facts()) == DEFAULT


def test_an_emergency_gets_the_emergency_policy():
    assert policies.choose(ALL, facts(is_emergency=True)) == EMERGENCY


def test_beyond_100_km_gets_the_distance_policy_but_not_at_exactly_100():
    assert policies.choose(ALL, facts(distance_km=Decimal("150"))) == FAR
    assert policies.choose(ALL, facts(distance_km=Decimal("100"))) == DEFAULT


def test_customer_beats_category_beats_store_beats_default():
    f = facts(customer_id=99, category_ids=(30, 31), store_id=7)
    assert policies.choose(ALL, f) == CUSTOMER
    assert policies.choose([DEFAULT, STORE, CATEGORY, PARENT_CATEGORY], f) == CATEGORY
    assert policies.choose([DEFAULT, STORE, PARENT_CATEGORY], f) == PARENT_CATEGORY
    assert policies.choose([DEFAULT, STORE], f) == STORE


def test_no_policy_when_none_matches():
    assert policies.choose([CUSTOMER], facts()) is None
