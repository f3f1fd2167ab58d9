"""Test data for deliveries: a signed contract with two lines and a deposit, a crew member with
a delivery permit, and a helper that walks a delivery up to a given status through the services."""

import datetime as dt

from shouhou.sales.tests.factories import CustomerFactory, catalogue
from shouhou.staff.tests.factories import ServiceStaffFactory, WorkPermitFactory


def make_contract(sales, store, *, signed_on=None, paid="500.00", customer=None, **kw):
    from shouhou.sales.services import contract_create

    org = sales.organisation
    product, m1, m2 = catalogue(org)
    customer = customer or CustomerFactory(organisation=org)
    return contract_create(
        by=sales,
        customer=customer,
        store=store,
        signed_on=signed_on or (dt.date.today() - dt.timedelta(days=3)),
        salesperson=sales,
        lines=[
            {"product": product, "model": m1, "quantity": 2, "unit_price": "1000.00"},
            {"product": product, "model": m2, "quantity": 1, "unit_price": "2000.00"},
        ],
        paid=paid,
        payment_method="cash" if paid not in ("0", 0, "0.00") else "",
        **kw,
    )


def make_crew(user, *, name="刘师傅"):
    staff = ServiceStaffFactory(
        organisation=user.organisation, user=user, name=name, kinds=["delivery"]
    )
    WorkPermitFactory(
        staff=staff,
        kinds=["delivery"],
        issued_on=dt.date.today() - dt.timedelta(days=30),
        valid_until=dt.date.today() + dt.timedelta(days=365),
    )
    return staff


def full_checklist(contract) -> list[dict]:
    return [
        {"line": line.pk, "quantity": line.quantity, "accessories": True}
        for line in contract.lines.all()
    ]


# A 1×1 transparent PNG.
SIGNATURE = (
    "data:image/png;base64,iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAQAAAC1HAwCAAAAC0lEQVR42mNkYAAAAAYA"
    "AjCB0C8AAAAASUVORK5CYII="
)
