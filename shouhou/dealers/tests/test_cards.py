"""Warranty registration cards (三包回执卡, 范文2 二.2): due within 20 days of the sale; a late
card is not recognised, and the promise decision says so."""

import datetime as dt

import pytest
from django.utils import translation

from shouhou.core.errors import DuplicateError, NotFoundError, ValidationFailed
from shouhou.dealers import selectors, services
from shouhou.dealers.models import DealerSettings
from shouhou.promises.services import promise_decide

from .conftest import days_ago

pytestmark = pytest.mark.django_db


def register(by, dealer, contract, product, number="HK-001"):
    return services.card_register(
        by=by,
        dealer=dealer,
        number=number,
        product=product,
        contract=contract,
        customer_name="张伟",
        customer_phone="13812345678",
        sold_on=contract.delivered_on,
    )


def test_a_card_is_due_twenty_days_after_the_sale(clerk, dealer, kettle, dealer_sale):
    card = register(clerk, dealer, dealer_sale(kettle, 3), kettle)
    assert card.due_on == card.sold_on + dt.timedelta(days=20)


def test_a_card_back_on_the_twentieth_day_is_recognised(clerk, dealer, kettle, dealer_sale):
    contract = dealer_sale(kettle, 25)
    card = register(clerk, dealer, contract, kettle)
    services.card_receive(
        by=clerk, card=card, received_on=contract.delivered_on + dt.timedelta(days=20)
    )
    decision = promise_decide(
        by=clerk, contract_line=contract.lines.get(), wanted="warranty_repair"
    )
    assert decision.outcome == "warranty_repair"
    assert decision.facts["warranty_refusals"] == []


def test_a_card_back_on_the_twenty_first_day_is_not_recognised(clerk, dealer, kettle, dealer_sale):
    contract = dealer_sale(kettle, 25)
    card = register(clerk, dealer, contract, kettle)
    services.card_receive(
        by=clerk, card=card, received_on=contract.delivered_on + dt.timedelta(days=21)
    )
    decision = promise_decide(
        by=clerk, contract_line=contract.lines.get(), wanted="warranty_repair"
    )
    assert decision.outcome == "paid_repair"
    assert decision.allowed == []
    assert decision.explanation.startswith("Card returned late: not recognised")
    assert "HK-001" in decision.explanation
    with translation.override("zh-hans"):
        words = promise_decide(by=clerk, contract_line=contract.lines.get()).explanation
    assert words.startswith("三包回执卡逾期返回，不予认定")


def test_a_card_never_returned_is_not_recognised_once_the_due_day_has_passed(
    clerk, dealer, kettle, dealer_sale
):
    contract = dealer_sale(kettle, 21)
    register(clerk, dealer, contract, kettle)
    decision = promise_decide(by=clerk, contract_line=contract.lines.get())
    assert decision.outcome == "paid_repair"
    assert decision.explanation.startswith("Card not returned in time: not recognised")


def test_a_card_still_in_time_does_not_change_the_decision(clerk, dealer, kettle, dealer_sale):
    contract = dealer_sale(kettle, 20)
    register(clerk, dealer, contract, kettle)
    decision = promise_decide(
        by=clerk, contract_line=contract.lines.get(), wanted="warranty_repair"
    )
    assert decision.outcome == "warranty_repair"


def test_a_sale_without_a_dealer_card_is_decided_as_before(clerk, kettle, dealer_sale):
    contract = dealer_sale(kettle, 40)
    decision = promise_decide(
        by=clerk, contract_line=contract.lines.get(), wanted="warranty_repair"
    )
    assert decision.outcome == "warranty_repair"


def test_the_card_period_is_an_organisation_setting(org, clerk, dealer, kettle, dealer_sale):
    conf = DealerSettings.for_org(org)
    conf.card_due_days = 30
    conf.save()
    card = register(clerk, dealer, dealer_sale(kettle, 3), kettle)
    assert card.due_on == card.sold_on + dt.timedelta(days=30)


def test_a_card_needs_the_customers_details_and_a_valid_phone(clerk, dealer, kettle):
    with pytest.raises(ValidationFailed) as err:
        services.card_register(
            by=clerk,
            dealer=dealer,
            number="",
            product=kettle,
            customer_name="",
            customer_phone="12",
            sold_on=None,
        )
    assert set(err.value.fields) >= {"number", "customer_name", "customer_phone", "sold_on"}


def test_a_card_number_is_registered_once(clerk, dealer, kettle, dealer_sale):
    register(clerk, dealer, dealer_sale(kettle, 3), kettle)
    with pytest.raises(DuplicateError):
        register(clerk, dealer, dealer_sale(kettle, 2), kettle)


def test_lists_show_cards_due_overdue_and_late_per_dealer(
    clerk, dealer, other_dealer, kettle, dealer_sale
):
    on_time = register(clerk, dealer, dealer_sale(kettle, 30), kettle, "A1")
    services.card_receive(by=clerk, card=on_time, received_on=days_ago(15))
    late = register(clerk, dealer, dealer_sale(kettle, 30), kettle, "A2")
    services.card_receive(by=clerk, card=late, received_on=days_ago(5))
    register(clerk, dealer, dealer_sale(kettle, 25), kettle, "A3")  # overdue
    register(clerk, other_dealer, dealer_sale(kettle, 2), kettle, "B1")  # due
    rows = {r["dealer__name"]: r for r in selectors.cards_by_dealer(user=clerk)}
    assert (
        rows[dealer.name]["on_time"],
        rows[dealer.name]["late"],
        rows[dealer.name]["overdue"],
    ) == (1, 1, 1)
    assert rows[other_dealer.name]["due"] == 1
    assert [c.number for c in selectors.card_list(user=clerk, state="late")] == ["A2"]


def test_a_dealer_user_registers_only_its_own_cards_and_sees_only_them(
    dealer_user, other_dealer_user, dealer, other_dealer, kettle, clerk, dealer_sale
):
    card = register(dealer_user, dealer, dealer_sale(kettle, 3), kettle)
    with pytest.raises(NotFoundError):
        register(dealer_user, other_dealer, dealer_sale(kettle, 3), kettle, "X")
    assert list(selectors.card_list(user=other_dealer_user)) == []
    with pytest.raises(NotFoundError):
        selectors.card_get(user=other_dealer_user, pk=card.pk)
    assert [c.pk for c in selectors.card_list(user=dealer_user)] == [card.pk]
