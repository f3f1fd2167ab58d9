"""Reading customers: who sees which, search, history and dashboard cards."""

import datetime as dt

import pytest
from django.utils import timezone

from shouhou.core.errors import NotFoundError, ValidationFailed
from shouhou.customers import selectors, services
from shouhou.customers.tests.factories import CustomerFactory, CustomerPhoneFactory
from shouhou.customers.tests.helpers import make_contract
from shouhou.org.tests.factories import MerchantFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def cast(org, store, merchant):
    other_merchant = MerchantFactory(organisation=org, name="别的商户")
    mine = CustomerFactory(organisation=org, name="张伟", mobile="13811110001", merchant=merchant)
    theirs = CustomerFactory(
        organisation=org, name="李娜", mobile="13811110002", merchant=other_merchant
    )
    bought = CustomerFactory(
        organisation=org, name="赵敏", mobile="13811110003", merchant=other_merchant
    )
    make_contract(bought, store, merchant=merchant)
    market = CustomerFactory(organisation=org, name="钱多多", mobile="13811110004")
    return {"mine": mine, "theirs": theirs, "bought": bought, "market": market}


def names(qs):
    return sorted(c.name for c in qs)


def test_office_roles_see_every_customer_of_their_organisation_only(clerk, cast, other_org):
    CustomerFactory(organisation=other_org, name="外人甲")
    assert names(selectors.customer_list(user=clerk)) == ["张伟", "李娜", "赵敏", "钱多多"]


def test_a_merchant_admin_sees_their_customers_and_those_with_a_contract_with_them(
    merchant_admin, cast
):
    assert names(selectors.customer_list(user=merchant_admin)) == ["张伟", "赵敏"]
    with pytest.raises(NotFoundError):
        selectors.customer_get(user=merchant_admin, pk=cast["theirs"].pk)
    assert selectors.customer_get(user=merchant_admin, pk=cast["bought"].pk) == cast["bought"]


def test_a_technician_sees_no_customer_through_the_list(technician, cast):
    assert list(selectors.customer_list(user=technician)) == []
    with pytest.raises(NotFoundError):
        selectors.customer_get(user=technician, pk=cast["mine"].pk)


def test_another_organisations_customer_is_not_found(clerk, other_org):
    stranger = CustomerFactory(organisation=other_org)
    with pytest.raises(NotFoundError):
        selectors.customer_get(user=clerk, pk=stranger.pk)
    with pytest.raises(NotFoundError):
        selectors.customer_get(user=clerk, pk="abc")


def test_phones_are_shown_in_full_to_office_roles_and_to_the_registering_merchant_only(
    clerk, merchant_admin, technician, cast
):
    assert selectors.customer_phones_visible(user=clerk, customer=cast["bought"])
    assert selectors.customer_phones_visible(user=merchant_admin, customer=cast["mine"])
    assert not selectors.customer_phones_visible(user=merchant_admin, customer=cast["bought"])
    assert not selectors.customer_phones_visible(user=technician, customer=cast["mine"])


@pytest.mark.parametrize(
    ("q", "expected"),
    [
        ("张伟", ["张伟"]),
        ("张", ["张伟"]),
        ("13811110002", ["李娜"]),
        ("138 1111 0002", ["李娜"]),
        ("0003", ["赵敏"]),
        ("花园路", ["张伟", "李娜", "赵敏", "钱多多"]),
        ("金水", ["张伟", "李娜", "赵敏", "钱多多"]),
        ("nobody", []),
    ],
)
def test_customers_are_found_by_name_mobile_last_four_digits_or_address(clerk, cast, q, expected):
    assert names(selectors.customer_list(user=clerk, q=q)) == expected


def test_customers_are_found_by_their_other_phones_too(clerk, cast):
    CustomerPhoneFactory(customer=cast["market"], number="0371-65432100")
    assert names(selectors.customer_list(user=clerk, q="0371-65432100")) == ["钱多多"]
    assert names(selectors.customer_list(user=clerk, q="2100")) == ["钱多多"]
    assert names(selectors.customer_list(user=clerk, q="03716543")) == ["钱多多"]
    assert selectors.customer_find_by_phone(user=clerk, phone="037165432100") == cast["market"]


def test_find_by_phone_is_limited_to_what_the_user_sees(merchant_admin, clerk, cast):
    assert selectors.customer_find_by_phone(user=clerk, phone="13811110002") == cast["theirs"]
    assert selectors.customer_find_by_phone(user=merchant_admin, phone="13811110002") is None
    assert selectors.customer_find_by_phone(user=clerk, phone="13899999999") is None
    with pytest.raises(ValidationFailed):
        selectors.customer_find_by_phone(user=clerk, phone="12")


def test_customers_can_be_filtered_by_store_membership_and_overdue_archive(clerk, cast, store):
    CustomerFactory(
        organisation=clerk.organisation,
        name="孙会员",
        store=store,
        is_member=True,
        archive_due_at=timezone.now() - dt.timedelta(days=1),
    )
    assert names(selectors.customer_list(user=clerk, store=store)) == ["孙会员"]
    assert names(selectors.customer_list(user=clerk, is_member=True)) == ["孙会员"]
    assert names(selectors.customer_list(user=clerk, archive_overdue=True)) == ["孙会员"]


def test_the_dashboard_counts_customers_and_archives_overdue(clerk, cast, technician):
    CustomerFactory(
        organisation=clerk.organisation,
        archive_due_at=timezone.now() - dt.timedelta(hours=1),
    )
    CustomerFactory(
        organisation=clerk.organisation,
        archive_due_at=timezone.now() - dt.timedelta(hours=1),
        archive_completed_at=timezone.now(),
    )
    total, overdue = selectors.dashboard_cards(user=clerk)
    assert total["value"] == 6 and overdue["value"] == 1 and overdue["alert"] is True
    assert overdue["url"].endswith("?archive=overdue")
    assert selectors.dashboard_cards(user=technician) == []


def test_a_customers_history_has_their_events_and_contracts_newest_first(clerk, good, store):
    customer = services.customer_create(by=clerk, **good)
    services.customer_update(by=clerk, customer=customer, notes="周末联系")
    make_contract(customer, store, signed_on=dt.date(2020, 1, 1))
    history = selectors.customer_history(customer)
    assert [i["kind"] for i in history] == ["event", "event", "contract"]
    assert str(history[-1]["title"]).endswith(customer.contracts.get().number)


def test_a_merchant_admin_sees_only_their_merchants_contracts(merchant_admin, clerk, cast, store):
    make_contract(cast["bought"], store)  # the market's own contract
    assert selectors.customer_contracts(user=clerk, customer=cast["bought"]).count() == 2
    assert selectors.customer_contracts(user=merchant_admin, customer=cast["bought"]).count() == 1
