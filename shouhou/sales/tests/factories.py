"""Test data for sales: customers made directly (no service), catalogue rows, and a helper that
signs a contract through the service."""

import datetime as dt
from decimal import Decimal

import factory
from django.utils import timezone

from shouhou.catalog.tests.factories import ProductFactory, ProductModelFactory
from shouhou.customers.models import Customer, CustomerAddress
from shouhou.org.tests.factories import OrganisationFactory


class CustomerFactory(factory.django.DjangoModelFactory):
    """A customer with a default address; `address=False` for none."""

    class Meta:
        model = Customer
        skip_postgeneration_save = True

    organisation = factory.SubFactory(OrganisationFactory)
    name = factory.Sequence(lambda n: f"张{'一二三四五六七八九十'[n % 10]}华")
    mobile = factory.Sequence(lambda n: f"1381234{n:04d}")
    name_is_full = True

    @factory.post_generation
    def address(obj, create, extracted, **kwargs):
        if create and extracted is not False:
            CustomerAddress.objects.create(
                organisation=obj.organisation,
                customer=obj,
                province="北京市",
                city="北京市",
                district="朝阳区",
                detail="望京西路88号3号楼501",
                is_default=True,
            )


def catalogue(org, *, merchant=None):
    """A product with two models (list prices 1999.00 and 2599.00)."""
    product = ProductFactory(organisation=org, name="燃气热水器", merchant=merchant)
    m1 = ProductModelFactory(product=product, code="HW-13L", list_price="1999.00")
    m2 = ProductModelFactory(product=product, code="HW-16L", list_price="2599.00")
    return product, m1, m2


def sign(by, *, customer, store, product, model=None, quantity=1, unit_price="100.00", **kw):
    from shouhou.sales.services import contract_create

    kw.setdefault("signed_on", timezone.localdate() - dt.timedelta(days=1))
    return contract_create(
        by=by,
        customer=customer,
        store=store,
        lines=[
            {"product": product, "model": model, "quantity": quantity, "unit_price": unit_price}
        ],
        **kw,
    )


D = Decimal
