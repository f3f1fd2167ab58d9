"""Choosing an SLA policy for an order: the most specific match wins (pure, no ORM).

Specificity, most to least: a policy for this customer, for this route (the response tiers of
seed 002: partner manufacturer, marketing department, project maintenance, three-guarantee), for
this fault category, for this product category (a closer category beats a parent category), for
this store, then the organisation's defaults. Within one level a policy with a condition that
holds (emergency, distance beyond N km, within N km) beats one without.

Distance bands: "within N km" holds at N km exactly and when the distance is not known (the
seed's ordinary case, 服务半径在100km以内); "beyond N km" holds only above N km (超出100km).
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from decimal import Decimal


@dataclass(frozen=True)
class PolicyCriteria:
    pk: int
    customer_id: int | None = None
    category_id: int | None = None
    store_id: int | None = None
    for_emergency: bool = False
    min_distance_km: Decimal | None = None
    max_distance_km: Decimal | None = None
    fault_category: str = ""
    route: str = ""
    priority: int = 0  # admin tie-breaker: higher wins


@dataclass(frozen=True)
class OrderFacts:
    customer_id: int | None
    category_ids: Sequence[int]  # the product's category first, then its parents
    store_id: int | None
    is_emergency: bool = False
    distance_km: Decimal | None = None
    fault_category: str = ""
    route: str = ""


def matches(p: PolicyCriteria, o: OrderFacts) -> bool:
    if p.customer_id is not None and p.customer_id != o.customer_id:
        return False
    if p.category_id is not None and p.category_id not in o.category_ids:
        return False
    if p.store_id is not None and p.store_id != o.store_id:
        return False
    if p.for_emergency and not o.is_emergency:
        return False
    if p.fault_category and p.fault_category != o.fault_category:
        return False
    if p.route and p.route != o.route:
        return False
    if (
        p.max_distance_km is not None
        and o.distance_km is not None
        and Decimal(o.distance_km) > p.max_distance_km
    ):
        return False
    return not (
        p.min_distance_km is not None
        and (o.distance_km is None or Decimal(o.distance_km) <= p.min_distance_km)
    )


def score(p: PolicyCriteria, o: OrderFacts) -> tuple:
    depth = len(o.category_ids)
    category_rank = depth - list(o.category_ids).index(p.category_id) if p.category_id else 0
    return (
        p.customer_id is not None,
        bool(p.route),
        bool(p.fault_category),
        category_rank,
        p.store_id is not None,
        p.for_emergency,
        p.min_distance_km is not None,
        p.min_distance_km or Decimal(0),
        p.max_distance_km is not None,
        p.priority,
        -p.pk,  # stable: the older policy wins a full tie
    )


def choose(policies: Iterable[PolicyCriteria], order: OrderFacts) -> PolicyCriteria | None:
    candidates = [p for p in policies if matches(p, order)]
    if not candidates:
        return None
    return max(candidates, key=lambda p: score(p, order))


def reasons(p: PolicyCriteria, o: OrderFacts) -> list[str]:
    """Which of the policy's conditions held for the order, as codes the page words
    (`config.policy_reason`): "customer", "route", "fault", "category", "store", "emergency",
    "beyond", "within", "within_unknown", or "default" when it has none."""
    out = []
    if p.customer_id is not None:
        out.append("customer")
    if p.route:
        out.append("route")
    if p.fault_category:
        out.append("fault")
    if p.category_id is not None:
        out.append("category")
    if p.store_id is not None:
        out.append("store")
    if p.for_emergency:
        out.append("emergency")
    if p.min_distance_km is not None:
        out.append("beyond")
    if p.max_distance_km is not None:
        out.append("within" if o.distance_km is not None else "within_unknown")
    return out or ["default"]
