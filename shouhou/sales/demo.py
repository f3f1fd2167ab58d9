"""Demo sales contracts (after catalog and customers): a few hundred over the last six months.

Older contracts are delivered and paid in full (the balance is collected on delivery, seed 003);
recent ones have a deposit and a delivery date in the coming weeks; a few wait for the
customer's renovation without a date, a few are cancelled. In the market, each contract belongs
to the merchant (booth) whose products it sells.

Idempotent by contract number: numbers are given in order per organisation and year and an
existing number is skipped. Sets `ctx.contracts`: organisation code -> list of Contract.
"""

from __future__ import annotations

import datetime as dt
import logging
import random
from collections import defaultdict
from decimal import ROUND_DOWN, Decimal

from django.utils import timezone

from shouhou.org import roles as r

from . import selectors, services
from .models import Contract, PaymentMethod

log = logging.getLogger(__name__)

PLAN = {"jiaju": 160, "jiancai": 150, "brand": 40}
DAYS_BACK = 180
BULK_PRODUCTS = ("窗膜", "瓷砖胶", "灯泡")  # sold by the square metre, bag or box


def _customers_of(ctx, organisation) -> list:
    customers = getattr(ctx, "customers", None) or {}
    if isinstance(customers, dict):
        rows = list(customers.get(organisation.code, []))
    else:
        rows = [c for c in customers if c.organisation_id == organisation.pk]
    # A contract needs the full name and an address to deliver to.
    return [c for c in rows if c.name_is_full and c.addresses.exists()]


def _users_of(ctx, organisation) -> tuple[object | None, list]:
    users = [
        u
        for u in (getattr(ctx, "users", None) or {}).values()
        if u.organisation_id == organisation.pk and u.is_active
    ]
    sales = [u for u in users if r.SALES in r.user_roles(u)]
    office = [u for u in users if r.has_role(u, *r.OFFICE_ROLES) and not u.is_superuser]
    by = (sales or office or [None])[0]
    return by, sales


def _price(model, rng: random.Random) -> Decimal:
    base = model.list_price or Decimal("100.00")
    discount = Decimal(rng.choice(["1", "1", "0.95", "0.9", "0.88"]))
    # Round down to whole yuan, as a salesperson would quote.
    return (base * discount).quantize(Decimal("1"), rounding=ROUND_DOWN).quantize(Decimal("0.01"))


def _lines(models: list, rng: random.Random) -> list[dict]:
    picked = rng.sample(models, k=min(len(models), rng.choice([1, 1, 2, 2, 3])))
    lines = []
    for m in picked:
        bulk = any(word in m.product.name for word in BULK_PRODUCTS)
        lines.append(
            {
                "product": m.product,
                "model": m,
                "quantity": rng.randint(8, 40) if bulk else rng.choice([1, 1, 1, 2]),
                "unit_price": _price(m, rng),
            }
        )
    return lines


def _models_by_merchant(models: list) -> dict:
    grouped = defaultdict(list)
    for m in models:
        grouped[m.product.merchant_id].append(m)
    return grouped


def seed(ctx) -> None:
    ctx.contracts = {}
    real_today = timezone.localdate()
    today = min(getattr(ctx, "today", None) or real_today, real_today)
    products = getattr(ctx, "products", None) or {}
    for code, count in PLAN.items():
        organisation = (getattr(ctx, "orgs", None) or {}).get(code)
        models = [m for m in products.get(code, []) if m.is_active and m.product.is_active]
        if organisation is None or not models:
            continue
        customers = _customers_of(ctx, organisation)
        by, salespeople = _users_of(ctx, organisation)
        stores = [
            s
            for s in (getattr(ctx, "stores", None) or {}).values()
            if s.organisation_id == organisation.pk and s.is_active
        ]
        if not customers or by is None or not stores:
            log.warning("sales demo: %s needs customers, an office user and a store", code)
            continue
        prefix = selectors.sales_settings(organisation).contract_number_prefix
        by_merchant = _models_by_merchant(models)
        rng = random.Random(f"shouhou-demo-contracts-{code}")  # noqa: S311 - demo data
        # Signing dates first, oldest first, so numbers rise with the date.
        days = sorted((rng.randint(0, DAYS_BACK) for _ in range(count)), reverse=True)
        per_year: dict[int, int] = defaultdict(int)
        contracts = []
        for days_ago in days:
            signed = today - dt.timedelta(days=days_ago)
            per_year[signed.year] += 1
            number = f"{prefix}{signed.year}-{per_year[signed.year]:06d}"
            existing = Contract.objects.filter(organisation=organisation, number=number).first()
            if existing is not None:
                contracts.append(existing)
                continue
            contracts.append(
                _one(
                    rng,
                    by,
                    salespeople,
                    organisation,
                    customers,
                    stores,
                    by_merchant,
                    number,
                    signed,
                    today,
                )
            )
        ctx.contracts[code] = contracts


def _one(
    rng, by, salespeople, organisation, customers, stores, by_merchant, number, signed, today
) -> Contract:
    customer = rng.choice(customers)
    merchant_id = rng.choice(sorted(by_merchant, key=lambda k: (k is None, k or 0)))
    if customer.merchant_id in by_merchant and rng.random() < 0.7:
        merchant_id = customer.merchant_id
    lines = _lines(by_merchant[merchant_id], rng)
    merchant = lines[0]["product"].merchant
    total = sum(line["unit_price"] * line["quantity"] for line in lines)
    age = (today - signed).days
    # Delivery: recent contracts in the coming weeks; older ones already delivered; a few
    # waiting for the customer's renovation (no date yet).
    delivery = None
    roll = rng.random()
    if age <= 14:
        delivery = today + dt.timedelta(days=rng.randint(1, 35))
    elif roll < 0.1:
        delivery = None
    elif roll < 0.2:
        delivery = today + dt.timedelta(days=rng.randint(7, 60))
    else:
        delivery = signed + dt.timedelta(days=rng.randint(2, min(20, age)))
    paid_roll = rng.random()
    if paid_roll < 0.45:
        paid = total
    elif paid_roll < 0.9:
        paid = (total * Decimal("0.3")).quantize(Decimal("1"), rounding=ROUND_DOWN)
    else:
        paid = Decimal("0")
    method = rng.choice([m for m, _label in PaymentMethod.choices if m != "other"])
    contract = services.contract_create(
        by=by,
        customer=customer,
        store=customer.store if customer.store in stores else rng.choice(stores),
        signed_on=signed,
        lines=lines,
        number=number,
        merchant=merchant,
        salesperson=rng.choice(salespeople) if salespeople else None,
        delivery_date=delivery,
        paid=paid,
        payment_method=method if paid else "",
        notes=rng.choice(["", "", "", "送货前一天电话联系", "电梯房 12楼", "需预约安装师傅"]),
    )
    if rng.random() < 0.03 and (delivery is None or delivery > today):
        return services.contract_cancel(by=by, contract=contract, reason="客户装修延期,取消订单")
    if delivery is not None and delivery < today:
        if contract.balance_due > 0:
            services.contract_record_payment(
                by=by,
                contract=contract,
                amount=contract.balance_due,
                method=rng.choice(["cash", "card", "wechat", "alipay"]),
                receipt_no=f"SK{number[-6:]}",
            )
        contract = services.contract_mark_delivered(by=by, contract=contract, delivered_on=delivery)
    return contract
