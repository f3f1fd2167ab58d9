"""Rows of other apps that customer tests need (contracts, products), made directly."""

import datetime as dt
from decimal import Decimal

from shouhou.catalog.models import Product, ProductModel
from shouhou.sales.models import Contract, ContractLine


def make_product(org, *, name="智能马桶", warranty_months=12, needs_installation=False):
    return Product.objects.create(
        organisation=org,
        name=name,
        warranty_months=warranty_months,
        needs_installation=needs_installation,
    )


def make_model(product, *, code="ZM-100", warranty_months=None):
    return ProductModel.objects.create(
        organisation=product.organisation,
        product=product,
        code=code,
        warranty_months=warranty_months,
    )


_n = [0]


def make_contract(customer, store, *, merchant=None, signed_on=dt.date(2025, 3, 15), product=None):
    _n[0] += 1
    contract = Contract.objects.create(
        organisation=customer.organisation,
        number=f"HT-TEST-{_n[0]:05d}",
        customer=customer,
        store=store,
        merchant=merchant,
        signed_on=signed_on,
        total=Decimal("3000.00"),
        paid=Decimal("1000.00"),
    )
    line = None
    if product is not None:
        line = ContractLine.objects.create(
            organisation=customer.organisation,
            contract=contract,
            product=product,
            quantity=2,
            unit_price=Decimal("1500.00"),
            line_total=Decimal("3000.00"),
        )
    return contract, line
