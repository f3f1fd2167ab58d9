"""contract_create: totals, numbers, every bad input (nothing written), scoping and roles."""

import datetime as dt
from decimal import Decimal

import pytest
from django.utils import timezone

from shouhou.catalog.tests.factories import ProductFactory, ProductModelFactory
from shouhou.core.errors import PermissionDeniedError, ValidationFailed
from shouhou.core.models import AuditEvent
from shouhou.customers.models import OwnedProduct
from shouhou.org.models import OrganisationSettings
from shouhou.org.tests.factories import MerchantFactory, StoreFactory
from shouhou.sales.models import Contract, ContractLine, ContractPayment
from shouhou.sales.services import contract_create

from .factories import CustomerFactory, catalogue

pytestmark = pytest.mark.django_db

TODAY = timezone.localdate()
YESTERDAY = TODAY - dt.timedelta(days=1)


def counts():
    return (
        Contract.objects.count(),
        ContractLine.objects.count(),
        ContractPayment.objects.count(),
        OwnedProduct.objects.count(),
        AuditEvent.all_objects.filter(action__startswith="shouhou.contract").count(),
    )


def test_a_contract_with_lines_totals_exactly_in_decimal(clerk, customer, store, goods):
    product, m1, m2 = goods
    c = contract_create(
        by=clerk,
        customer=customer,
        store=store,
        signed_on=YESTERDAY,
        lines=[
            {"product": product, "model": m1, "quantity": 3, "unit_price": "0.10"},
            {"product": product.pk, "model": m2.pk, "quantity": "2", "unit_price": "1999.99"},
            {"product": product, "quantity": 1, "unit_price": Decimal("0.01")},
        ],
        paid="1000",
        payment_method="card",
    )
    c.refresh_from_db()
    assert c.total == Decimal("4000.29")
    assert c.paid == Decimal("1000.00")
    assert c.balance_due == Decimal("3000.29")
    totals = list(c.lines.order_by("id").values_list("line_total", flat=True))
    assert totals == [Decimal("0.30"), Decimal("3999.98"), Decimal("0.01")]
    assert c.status == Contract.Status.CONFIRMED
    assert c.created_by == clerk


def test_numbers_count_up_per_organisation_and_year(
    clerk, outsider, customer, store, goods, other_org
):
    product = goods[0]
    a = contract_create(
        by=clerk,
        customer=customer,
        store=store,
        signed_on=YESTERDAY,
        lines=[{"product": product, "quantity": 1, "unit_price": "1"}],
    )
    b = contract_create(
        by=clerk,
        customer=customer,
        store=store,
        signed_on=YESTERDAY,
        lines=[{"product": product, "quantity": 1, "unit_price": "1"}],
    )
    year = YESTERDAY.year
    assert (a.number, b.number) == (f"HT{year}-000001", f"HT{year}-000002")
    last_year = dt.date(year - 1, 12, 31)
    c = contract_create(
        by=clerk,
        customer=customer,
        store=store,
        signed_on=last_year,
        lines=[{"product": product, "quantity": 1, "unit_price": "1"}],
    )
    assert c.number == f"HT{year - 1}-000001"
    # Another organisation counts on its own.
    other_product, _m1, _m2 = catalogue(other_org)
    d = contract_create(
        by=outsider,
        customer=CustomerFactory(organisation=other_org),
        store=StoreFactory(organisation=other_org),
        signed_on=YESTERDAY,
        lines=[{"product": other_product, "quantity": 1, "unit_price": "1"}],
    )
    assert d.number == f"HT{year}-000001"


def test_a_hand_typed_number_is_kept_and_the_sequence_moves_past_it(clerk, customer, store, goods):
    line = [{"product": goods[0], "quantity": 1, "unit_price": "1"}]
    year = YESTERDAY.year
    manual = contract_create(
        by=clerk,
        customer=customer,
        store=store,
        signed_on=YESTERDAY,
        lines=line,
        number=f"HT{year}-000007",
    )
    nxt = contract_create(by=clerk, customer=customer, store=store, signed_on=YESTERDAY, lines=line)
    assert manual.number == f"HT{year}-000007" and nxt.number == f"HT{year}-000008"
    other = contract_create(
        by=clerk,
        customer=customer,
        store=store,
        signed_on=YESTERDAY,
        lines=line,
        number="纸质-0001",
    )
    assert other.number == "纸质-0001"
    before = counts()
    with pytest.raises(ValidationFailed) as exc:
        contract_create(
            by=clerk,
            customer=customer,
            store=store,
            signed_on=YESTERDAY,
            lines=line,
            number="纸质-0001",
        )
    assert "number" in exc.value.fields
    assert counts() == before


def test_the_sequence_skips_a_number_already_taken_by_hand(clerk, customer, store, goods):
    line = [{"product": goods[0], "quantity": 1, "unit_price": "1"}]
    year = YESTERDAY.year
    Contract.objects.create(  # an imported paper contract, bypassing the sequence
        organisation=clerk.organisation,
        number=f"HT{year}-000001",
        customer=customer,
        store=store,
        signed_on=YESTERDAY,
    )
    c = contract_create(by=clerk, customer=customer, store=store, signed_on=YESTERDAY, lines=line)
    assert c.number == f"HT{year}-000002"


def test_every_line_becomes_a_product_the_customer_owns(clerk, customer, store, goods):
    product, m1, m2 = goods
    c = contract_create(
        by=clerk,
        customer=customer,
        store=store,
        signed_on=YESTERDAY,
        lines=[
            {"product": product, "model": m1, "quantity": 2, "unit_price": "10"},
            {"product": product, "model": m2, "quantity": 1, "unit_price": "20"},
        ],
    )
    owned = OwnedProduct.objects.filter(customer=customer).order_by("id")
    assert [o.contract_line.contract_id for o in owned] == [c.pk, c.pk]
    assert [o.model for o in owned] == [m1, m2]
    assert all(o.purchased_on == YESTERDAY for o in owned)


def test_the_event_is_audited_with_the_lines(clerk, customer, store, goods):
    c = contract_create(
        by=clerk,
        customer=customer,
        store=store,
        signed_on=YESTERDAY,
        lines=[{"product": goods[0], "model": goods[1], "quantity": 2, "unit_price": "5"}],
    )
    event = AuditEvent.all_objects.get(action="shouhou.contract.created", object_id=str(c.pk))
    assert event.actor == clerk
    assert event.after["number"] == c.number
    assert event.after["lines"][0]["line_total"] == "10.00"


def test_a_deposit_is_the_first_payment_and_needs_a_method(clerk, customer, store, goods):
    line = [{"product": goods[0], "quantity": 1, "unit_price": "1000"}]
    with pytest.raises(ValidationFailed) as exc:
        contract_create(
            by=clerk, customer=customer, store=store, signed_on=YESTERDAY, lines=line, paid="300"
        )
    assert "payment_method" in exc.value.fields
    c = contract_create(
        by=clerk,
        customer=customer,
        store=store,
        signed_on=YESTERDAY,
        lines=line,
        paid="300",
        payment_method="wechat",
    )
    payment = c.payments.get()
    assert payment.amount == Decimal("300.00") and payment.method == "wechat"
    assert payment.received_by == clerk


def test_the_delivery_address_defaults_to_the_customers_address(clerk, customer, store, goods):
    c = contract_create(
        by=clerk,
        customer=customer,
        store=store,
        signed_on=YESTERDAY,
        lines=[{"product": goods[0], "quantity": 1, "unit_price": "1"}],
        delivery_date=TODAY + dt.timedelta(days=10),
    )
    assert c.delivery_district == "朝阳区"
    assert "望京西路88号" in c.delivery_address
    typed = contract_create(
        by=clerk,
        customer=customer,
        store=store,
        signed_on=YESTERDAY,
        lines=[{"product": goods[0], "quantity": 1, "unit_price": "1"}],
        delivery_date=TODAY,
        delivery_address="海淀区中关村大街1号",
    )
    assert typed.delivery_address == "海淀区中关村大街1号"


def test_a_delivery_date_without_any_address_is_refused(clerk, org, store, goods):
    homeless = CustomerFactory(organisation=org, address=False)
    before = counts()
    with pytest.raises(ValidationFailed) as exc:
        contract_create(
            by=clerk,
            customer=homeless,
            store=store,
            signed_on=YESTERDAY,
            lines=[{"product": goods[0], "quantity": 1, "unit_price": "1"}],
            delivery_date=TODAY,
        )
    assert "delivery_address" in exc.value.fields
    assert counts() == before
    # Without a delivery date the address can wait.
    contract_create(
        by=clerk,
        customer=homeless,
        store=store,
        signed_on=YESTERDAY,
        lines=[{"product": goods[0], "quantity": 1, "unit_price": "1"}],
    )


def test_a_customer_known_only_as_li_xiansheng_is_refused(clerk, org, store, goods):
    li = CustomerFactory(organisation=org, name="李先生", name_is_full=False)
    OrganisationSettings.objects.filter(organisation=org).delete()  # created with defaults
    before = counts()
    with pytest.raises(ValidationFailed) as exc:
        contract_create(
            by=clerk,
            customer=li,
            store=store,
            signed_on=YESTERDAY,
            lines=[{"product": goods[0], "quantity": 1, "unit_price": "1"}],
        )
    message = exc.value.fields["customer"][0]
    assert "李先生" in message
    assert counts() == before


def test_missing_organisation_settings_are_created_with_the_defaults(
    clerk, org, customer, store, goods
):
    OrganisationSettings.objects.filter(organisation=org).delete()
    contract_create(
        by=clerk,
        customer=customer,
        store=store,
        signed_on=YESTERDAY,
        lines=[{"product": goods[0], "quantity": 1, "unit_price": "1"}],
    )
    assert OrganisationSettings.objects.get(organisation=org).contract_requires_full_name


def test_an_organisation_may_accept_a_surname_on_contracts(clerk, org, store, goods):
    li = CustomerFactory(organisation=org, name="李先生", name_is_full=False)
    OrganisationSettings.objects.filter(organisation=org).update(contract_requires_full_name=False)
    c = contract_create(
        by=clerk,
        customer=li,
        store=store,
        signed_on=YESTERDAY,
        lines=[{"product": goods[0], "quantity": 1, "unit_price": "1"}],
    )
    assert c.customer == li


def test_all_errors_come_together_and_nothing_is_written(
    clerk, org, other_org, customer, store, goods
):
    product, m1, _m2 = goods
    foreign_product, foreign_model, _ = catalogue(other_org)
    another = ProductFactory(organisation=org)
    before = counts()
    with pytest.raises(ValidationFailed) as exc:
        contract_create(
            by=clerk,
            customer=CustomerFactory(organisation=other_org),
            store=StoreFactory(organisation=other_org).pk,
            merchant=MerchantFactory(organisation=other_org),
            signed_on=TODAY + dt.timedelta(days=1),
            lines=[
                {"product": product, "model": m1, "quantity": 0, "unit_price": "-1"},
                {
                    "product": foreign_product,
                    "model": foreign_model,
                    "quantity": "1.5",
                    "unit_price": "1.234",
                },
                {"product": another, "model": m1, "quantity": "abc", "unit_price": "abc"},
                {"model": m1, "quantity": True, "unit_price": None},
                "junk",
            ],
            paid="-5",
            delivery_date=TODAY,
            payment_method="bitcoin",
        )
    fields = exc.value.fields
    expected = {
        "customer",
        "store",
        "merchant",
        "signed_on",
        "paid",
        "payment_method",
        "delivery_date",
        "lines.0.quantity",
        "lines.0.unit_price",
        "lines.1.product",
        "lines.1.model",
        "lines.1.quantity",
        "lines.1.unit_price",
        "lines.2.model",
        "lines.2.quantity",
        "lines.2.unit_price",
        "lines.3.product",
        "lines.3.quantity",
        "lines.3.unit_price",
        "lines.4",
    }
    assert expected <= set(fields), expected - set(fields)
    assert counts() == before


@pytest.mark.parametrize(
    "line, field",
    [
        ({"quantity": 0}, "quantity"),
        ({"quantity": -1}, "quantity"),
        ({"quantity": "1.5"}, "quantity"),
        ({"quantity": 2.5}, "quantity"),
        ({"quantity": ""}, "quantity"),
        ({"quantity": 10**9}, "quantity"),
        ({"unit_price": "-0.01"}, "unit_price"),
        ({"unit_price": "9.999"}, "unit_price"),
        ({"unit_price": "NaN"}, "unit_price"),
        ({"unit_price": "一百"}, "unit_price"),
        ({"unit_price": "99999999999"}, "unit_price"),
        ({"product": None}, "product"),
        ({"product": 987654}, "product"),
        ({"product": "x"}, "product"),
        ({"model": 987654}, "model"),
    ],
)
def test_one_bad_line_field_is_refused_and_nothing_is_written(
    clerk, customer, store, goods, line, field
):
    product, m1, _m2 = goods
    good = {"product": product, "model": m1, "quantity": 1, "unit_price": "10.00"}
    before = counts()
    with pytest.raises(ValidationFailed) as exc:
        contract_create(
            by=clerk,
            customer=customer,
            store=store,
            signed_on=YESTERDAY,
            lines=[good, {**good, **line}],
        )
    assert set(exc.value.fields) == {f"lines.1.{field}"}
    assert counts() == before


@pytest.mark.parametrize(
    "kwargs, field",
    [
        ({"lines": []}, "lines"),
        ({"lines": "x"}, "lines"),
        ({"signed_on": None}, "signed_on"),
        ({"signed_on": "2026-13-01"}, "signed_on"),
        ({"customer": None}, "customer"),
        ({"customer": 987654}, "customer"),
        ({"store": None}, "store"),
        ({"paid": "10.001"}, "paid"),
        ({"paid": "100.01", "payment_method": "cash"}, "paid"),
        ({"delivery_date": "2000-01-01"}, "delivery_date"),
        ({"delivery_address": "x" * 201, "delivery_date": TODAY}, "delivery_address"),
        ({"salesperson": 987654}, "salesperson"),
        ({"number": "x" * 41}, "number"),
    ],
)
def test_one_bad_contract_field_is_refused_and_nothing_is_written(
    clerk, customer, store, goods, kwargs, field
):
    args = {
        "by": clerk,
        "customer": customer,
        "store": store,
        "signed_on": YESTERDAY,
        "lines": [{"product": goods[0], "quantity": 1, "unit_price": "100.00"}],
    }
    before = counts()
    with pytest.raises(ValidationFailed) as exc:
        contract_create(**{**args, **kwargs})
    assert set(exc.value.fields) == {field}
    assert counts() == before


def test_a_model_of_another_product_is_refused(clerk, customer, store, goods, org):
    product = goods[0]
    alien = ProductModelFactory(product=ProductFactory(organisation=org), code="Z1")
    with pytest.raises(ValidationFailed) as exc:
        contract_create(
            by=clerk,
            customer=customer,
            store=store,
            signed_on=YESTERDAY,
            lines=[{"product": product, "model": alien, "quantity": 1, "unit_price": "1"}],
        )
    assert "Z1" in exc.value.fields["lines.0.model"][0]


def test_inactive_products_and_closed_stores_are_refused(clerk, customer, org, goods):
    product = goods[0]
    product.is_active = False
    product.save()
    closed = StoreFactory(organisation=org, is_active=False)
    with pytest.raises(ValidationFailed) as exc:
        contract_create(
            by=clerk,
            customer=customer,
            store=closed,
            signed_on=YESTERDAY,
            lines=[{"product": product, "quantity": 1, "unit_price": "1"}],
        )
    assert {"store", "lines.0.product"} <= set(exc.value.fields)


def test_a_salesperson_is_the_salesperson_of_their_own_contracts(sales, customer, store, goods):
    c = contract_create(
        by=sales,
        customer=customer,
        store=store,
        signed_on=YESTERDAY,
        lines=[{"product": goods[0], "quantity": 1, "unit_price": "1"}],
    )
    assert c.salesperson == sales


def test_a_salesperson_of_another_organisation_is_unknown(clerk, customer, store, goods, outsider):
    with pytest.raises(ValidationFailed) as exc:
        contract_create(
            by=clerk,
            customer=customer,
            store=store,
            signed_on=YESTERDAY,
            salesperson=outsider,
            lines=[{"product": goods[0], "quantity": 1, "unit_price": "1"}],
        )
    assert "salesperson" in exc.value.fields


@pytest.mark.parametrize("role", ["technician", "delivery_crew", "warehouse_keeper", "security"])
def test_field_roles_cannot_sign_contracts(make_user, customer, store, goods, role):
    with pytest.raises(PermissionDeniedError):
        contract_create(
            by=make_user(role),
            customer=customer,
            store=store,
            signed_on=YESTERDAY,
            lines=[{"product": goods[0], "quantity": 1, "unit_price": "1"}],
        )
    assert Contract.objects.count() == 0


def test_a_merchant_admins_contract_belongs_to_its_merchant(merchant_admin, merchant, org, store):
    customer = CustomerFactory(organisation=org, merchant=merchant)
    product, m1, _m2 = catalogue(org, merchant=merchant)
    c = contract_create(
        by=merchant_admin,
        customer=customer,
        store=store,
        signed_on=YESTERDAY,
        lines=[{"product": product, "model": m1, "quantity": 1, "unit_price": "1"}],
    )
    assert c.merchant == merchant
    # Shared catalogue products are fine too.
    shared = ProductFactory(organisation=org)
    c2 = contract_create(
        by=merchant_admin,
        customer=customer,
        store=store,
        signed_on=YESTERDAY,
        merchant=merchant.pk,
        lines=[{"product": shared, "quantity": 1, "unit_price": "1"}],
    )
    assert c2.merchant == merchant


def test_a_merchant_admin_cannot_sell_for_another_merchant(
    merchant_admin, merchant, other_merchant, org, store
):
    customer = CustomerFactory(organisation=org, merchant=merchant)
    theirs, their_model, _ = catalogue(org, merchant=other_merchant)
    stranger = CustomerFactory(organisation=org, merchant=other_merchant)
    before = counts()
    with pytest.raises(ValidationFailed) as exc:
        contract_create(
            by=merchant_admin,
            customer=customer,
            store=store,
            signed_on=YESTERDAY,
            merchant=other_merchant,
            lines=[{"product": theirs, "model": their_model, "quantity": 1, "unit_price": "1"}],
        )
    assert {"merchant", "lines.0.product", "lines.0.model"} <= set(exc.value.fields)
    with pytest.raises(ValidationFailed) as exc:
        contract_create(
            by=merchant_admin,
            customer=stranger,
            store=store,
            signed_on=YESTERDAY,
            lines=[{"product": ProductFactory(organisation=org), "quantity": 1, "unit_price": "1"}],
        )
    assert "customer" in exc.value.fields
    assert counts() == before


def test_a_merchant_admin_without_a_merchant_is_refused(make_user, customer, store, goods):
    with pytest.raises(PermissionDeniedError):
        contract_create(
            by=make_user("merchant_admin"),
            customer=customer,
            store=store,
            signed_on=YESTERDAY,
            lines=[{"product": goods[0], "quantity": 1, "unit_price": "1"}],
        )
