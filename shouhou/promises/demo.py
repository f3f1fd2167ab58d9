"""Demo promise rules (seed 004's defaults) for every organisation, and packaging promises for the
products whose packaging says more (e.g. 整机包修三年: warranty repair for three years)."""

from __future__ import annotations

import re

from .models import PackagingPromise
from .services import promise_rules_ensure_defaults

NUMBERS = {
    "一": 1,
    "二": 2,
    "两": 2,
    "三": 3,
    "四": 4,
    "五": 5,
    "六": 6,
    "七": 7,
    "八": 8,
    "九": 9,
    "十": 10,
}


def _years(text: str) -> int | None:
    m = re.search(r"([一二两三四五六七八九十]|\d+)年", text or "")
    if not m:
        return None
    token = m.group(1)
    return int(token) if token.isdigit() else NUMBERS[token]


def seed(ctx) -> None:
    for org in (getattr(ctx, "orgs", None) or {}).values():
        promise_rules_ensure_defaults(org)
    for products in (getattr(ctx, "products", None) or {}).values():
        for item in products if isinstance(products, list) else []:
            # catalog's demo lists product models; take their product.
            product = getattr(item, "product", item)
            years = _years(getattr(product, "packaging_promise", ""))
            if years:
                PackagingPromise.all_objects.get_or_create(
                    product=product,
                    defaults={
                        "organisation_id": product.organisation_id,
                        "repair_amount": years,
                        "repair_unit": "years",
                        "note": product.packaging_promise[:200],
                    },
                )
