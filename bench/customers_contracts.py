"""Create N customers and N contracts (two lines each) through the service layer.

Measures the write path a clerk's counter uses: validation (names, phones, addresses), the
duplicate-by-phone check, contract numbering, totals and owned products, audit events — one
transaction per call. N defaults to 10,000 (BENCH_N overrides).
"""

import datetime as dt
import os
import time
from decimal import Decimal

SURNAMES = "王李张刘陈杨黄赵吴周徐孙马朱胡郭何高林罗郑梁谢宋唐许韩冯邓曹彭曾肖田董袁潘于蒋蔡余杜叶程苏魏吕丁任沈"
GIVEN = "伟芳娜秀英敏静丽强磊军洋勇艳杰娟涛明超秀兰霞平刚桂英华红玉兰飞鹏辉建国志强晓燕海涛丽娟"
DISTRICTS = ["金水区", "二七区", "中原区", "管城回族区", "惠济区", "郑东新区"]


def _name(i: int) -> str:
    return (
        SURNAMES[i % len(SURNAMES)] + GIVEN[(i // 7) % len(GIVEN)] + GIVEN[(i // 13) % len(GIVEN)]
    )


def run() -> dict:
    from shouhou.catalog.models import Product, ProductModel
    from shouhou.customers.services import customer_create
    from shouhou.org.models import Organisation, OrganisationSettings, Store, User
    from shouhou.org.roles import CLERK, ensure_roles
    from shouhou.sales.services import contract_create

    n = int(os.environ.get("BENCH_N", "10000"))
    ensure_roles()
    org = Organisation.objects.create(name="压测建材城", code="bench", kind="market")
    OrganisationSettings.objects.get_or_create(organisation=org)
    store = Store.objects.create(organisation=org, name="压测门店", code="bench")
    clerk = User.objects.create(username="bench-clerk", organisation=org, store=store)
    from django.contrib.auth.models import Group

    clerk.groups.add(Group.objects.get(name=CLERK))
    product = Product.objects.create(organisation=org, name="连体座便器", needs_installation=True)
    model = ProductModel.objects.create(
        organisation=org, product=product, code="YJ-1101", list_price=Decimal("1999.00")
    )

    started = time.perf_counter()
    customers = []
    for i in range(n):
        customers.append(
            customer_create(
                by=clerk,
                name=_name(i),
                mobile=f"139{i:08d}",
                district=DISTRICTS[i % len(DISTRICTS)],
                address_detail=f"花园路{i % 300 + 1}号{i % 20 + 1}栋",
                store=store,
            )
        )
    customers_s = time.perf_counter() - started

    started = time.perf_counter()
    signed = dt.date(2026, 3, 2)
    for i, customer in enumerate(customers):
        contract_create(
            by=clerk,
            customer=customer,
            store=store,
            signed_on=signed,
            lines=[
                {
                    "product": product,
                    "model": model,
                    "quantity": 1,
                    "unit_price": Decimal("1999.00"),
                },
                {"product": product, "quantity": 2, "unit_price": Decimal("35.50")},
            ],
            paid=Decimal("500.00") if i % 2 else Decimal("0"),
            payment_method="cash" if i % 2 else "",
            delivery_date=dt.date(2026, 3, 20),
        )
    contracts_s = time.perf_counter() - started
    return {
        "customers": n,
        "customers_per_second": round(n / customers_s, 1),
        "contracts": n,
        "contracts_per_second": round(n / contracts_s, 1),
    }
