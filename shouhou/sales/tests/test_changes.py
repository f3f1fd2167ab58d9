"""Payments, delivery changes, delivery and cancellation: rules, states, scoping and audit."""

import datetime as dt
from decimal import Decimal

import pytest
from django.utils import timezone

from shouhou.core.errors import (
    InvalidTransition,
    NotFoundError,
    PermissionDeniedError,
    ValidationFailed,
)
from shouhou.core.models import AuditEvent
from shouhou.sales import services
from shouhou.sales.models import Contract, ContractPayment

from .factories import CustomerFactory, catalogue, sign

pytestmark = pytest.mark.django_db

TODAY = timezone.localdate()


@pytest.fixture
def contract(clerk, customer, store, goods):
    return sign(
        clerk,
        customer=customer,
        store=store,
        product=goods[0],
        model=goods[1],
        quantity=2,
        unit_price="1500.00",
        paid="1000",
        payment_method="cash",
    )


def test_a_payment_lowers_the_balance_due(clerk, contract):
    payment = services.contract_record_payment(
        by=clerk, contract=contract, amount="1500.50", method="card", receipt_no="SK0001"
    )
    contract.refresh_from_db()
    assert contract.paid == Decimal("2500.50")
    assert contract.balance_due == Decimal("499.50")
    assert payment.receipt_no == "SK0001" and payment.received_by == clerk
    event = AuditEvent.all_objects.get(action="shouhou.contract.payment_recorded")
    assert event.before["paid"] == "1000.00" and event.after["paid"] == "2500.50"
    services.contract_record_payment(by=clerk, contract=contract.pk, amount="499.50", method="cash")
    contract.refresh_from_db()
    assert contract.balance_due == Decimal("0.00")


@pytest.mark.parametrize(
    "amount, method",
    [
        ("2000.01", "cash"),
        ("0", "cash"),
        ("-5", "cash"),
        ("1.001", "cash"),
        ("abc", "cash"),
        ("", "cash"),
        ("100", ""),
        ("100", "bitcoin"),
    ],
)
def test_bad_payments_are_refused_and_nothing_is_written(clerk, contract, amount, method):
    before = (ContractPayment.objects.count(), AuditEvent.all_objects.count())
    with pytest.raises(ValidationFailed) as exc:
        services.contract_record_payment(by=clerk, contract=contract, amount=amount, method=method)
    assert set(exc.value.fields) <= {"amount", "method"}
    contract.refresh_from_db()
    assert contract.paid == Decimal("1000.00")
    assert (ContractPayment.objects.count(), AuditEvent.all_objects.count()) == before


def test_more_than_the_balance_names_the_balance(clerk, contract):
    with pytest.raises(ValidationFailed) as exc:
        services.contract_record_payment(
            by=clerk, contract=contract, amount="2000.01", method="cash"
        )
    assert "2,000.00" in exc.value.fields["amount"][0]


def test_a_cancelled_contract_takes_no_payment(clerk, contract):
    services.contract_cancel(by=clerk, contract=contract, reason="客户退订")
    with pytest.raises(InvalidTransition):
        services.contract_record_payment(by=clerk, contract=contract, amount="1", method="cash")


def test_another_organisation_cannot_touch_the_contract(outsider, contract):
    with pytest.raises(NotFoundError):
        services.contract_record_payment(by=outsider, contract=contract, amount="1", method="cash")
    with pytest.raises(NotFoundError):
        services.contract_cancel(by=outsider, contract=contract, reason="x")
    with pytest.raises(NotFoundError):
        services.contract_change_delivery(by=outsider, contract=contract, delivery_date=TODAY)


def test_a_merchant_admin_acts_only_on_its_merchants_contracts(
    merchant_admin, merchant, other_merchant, clerk, org, store
):
    product, model, _ = catalogue(org)
    theirs = sign(
        clerk,
        customer=CustomerFactory(organisation=org),
        store=store,
        product=product,
        merchant=other_merchant,
    )
    mine = sign(
        clerk,
        customer=CustomerFactory(organisation=org),
        store=store,
        product=product,
        merchant=merchant,
    )
    with pytest.raises(NotFoundError):
        services.contract_record_payment(
            by=merchant_admin, contract=theirs, amount="1", method="cash"
        )
    services.contract_record_payment(by=merchant_admin, contract=mine, amount="1", method="cash")
    mine.refresh_from_db()
    assert mine.paid == Decimal("1.00")


def test_a_technician_never_writes_contracts(make_user, contract):
    tech = make_user("technician")
    with pytest.raises(PermissionDeniedError):
        services.contract_record_payment(by=tech, contract=contract, amount="1", method="cash")
    with pytest.raises(PermissionDeniedError):
        services.contract_cancel(by=tech, contract=contract, reason="x")
    with pytest.raises(PermissionDeniedError):
        services.contract_mark_delivered(by=tech, contract=contract)


def test_changing_the_delivery_date_is_audited(clerk, contract):
    new = TODAY + dt.timedelta(days=20)
    c = services.contract_change_delivery(
        by=clerk, contract=contract, delivery_date=new, note="客户新房装修延期"
    )
    assert c.delivery_date == new
    assert "望京西路" in c.delivery_address  # from the customer's default address
    c = services.contract_change_delivery(
        by=clerk, contract=contract, delivery_date=new, delivery_address="海淀区中关村大街1号"
    )
    assert c.delivery_address == "海淀区中关村大街1号"
    event = AuditEvent.all_objects.filter(action="shouhou.contract.delivery_changed").first()
    assert event.after["delivery_address"] == "海淀区中关村大街1号"


def test_a_delivery_date_before_signing_is_refused(clerk, contract):
    with pytest.raises(ValidationFailed) as exc:
        services.contract_change_delivery(
            by=clerk, contract=contract, delivery_date=contract.signed_on - dt.timedelta(days=1)
        )
    assert "delivery_date" in exc.value.fields
    contract.refresh_from_db()
    assert contract.delivery_date is None


def test_cancelling_needs_a_reason_and_happens_once(clerk, contract):
    with pytest.raises(ValidationFailed) as exc:
        services.contract_cancel(by=clerk, contract=contract, reason="  ")
    assert "reason" in exc.value.fields
    c = services.contract_cancel(by=clerk, contract=contract, reason="客户退订")
    assert (
        c.status == Contract.Status.CANCELLED and c.cancelled_at and c.cancel_reason == "客户退订"
    )
    with pytest.raises(InvalidTransition):
        services.contract_cancel(by=clerk, contract=contract, reason="再来一次")
    with pytest.raises(InvalidTransition):
        services.contract_change_delivery(by=clerk, contract=contract, delivery_date=TODAY)
    assert AuditEvent.all_objects.filter(action="shouhou.contract.cancelled").count() == 1


def test_delivery_by_the_crew_then_no_cancel(make_user, clerk, contract):
    crew = make_user("delivery_crew")
    c = services.contract_mark_delivered(by=crew, contract=contract)
    assert c.status == Contract.Status.DELIVERED and c.delivered_on == TODAY
    with pytest.raises(InvalidTransition):
        services.contract_mark_delivered(by=clerk, contract=contract)
    with pytest.raises(InvalidTransition):
        services.contract_cancel(by=clerk, contract=contract, reason="x")
    # The balance can still be collected after delivery.
    services.contract_record_payment(by=clerk, contract=contract, amount="2000", method="cash")


def test_a_delivery_date_in_the_future_is_refused(clerk, contract):
    with pytest.raises(ValidationFailed) as exc:
        services.contract_mark_delivered(
            by=clerk, contract=contract, delivered_on=TODAY + dt.timedelta(days=1)
        )
    assert "delivered_on" in exc.value.fields
