"""Requisition approval by value band, without the ORM (the idea of complaints/routing.py).

An organisation's bands are data (`ApprovalBand` rows): a requisition whose total cost value lies
in (min_value, max_value] needs the band's role. "以内" includes the number named, so exactly
¥500.00 is in the first default band. Someone with a role ranked above the band's role may
approve too (the general manager approves anything).

Default bands (an organisation setting, editable in the admin)::

    value ≤ 500.00              workshop_supervisor (技术主管)
    500.00 < value ≤ 2,000.00   store_manager (店长)
    value > 2,000.00            general_manager (总经理)
"""

from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal

RANK = {
    "warehouse_keeper": 1,
    "cs_supervisor": 2,
    "workshop_supervisor": 2,
    "cs_manager": 3,
    "store_manager": 4,
    "vp_operations": 5,
    "general_manager": 6,
}

DEFAULT_BANDS = [
    (None, Decimal("500.00"), "workshop_supervisor"),
    (Decimal("500.00"), Decimal("2000.00"), "store_manager"),
    (Decimal("2000.00"), None, "general_manager"),
]


class NoBandMatches(Exception):
    """No approval band covers the value (the configuration has a gap)."""


@dataclass(frozen=True)
class Band:
    min_value: Decimal | None
    max_value: Decimal | None
    role: str
    order: int = 100

    def matches(self, value: Decimal) -> bool:
        if self.min_value is not None and not value > self.min_value:
            return False
        return not (self.max_value is not None and value > self.max_value)


def band_for(value: Decimal, bands: list[Band]) -> Band:
    if value < 0:
        raise ValueError("negative value")
    for b in sorted(bands, key=lambda b: (b.order, b.min_value or Decimal("-1"))):
        if b.matches(value):
            return b
    raise NoBandMatches


def may_approve(user_roles: set[str], role: str, *, superuser: bool = False) -> bool:
    if superuser or role in user_roles:
        return True
    need = RANK.get(role, 0)
    return need > 0 and any(RANK.get(r, 0) > need for r in user_roles)


def moving_average(on_hand: int, average: Decimal, quantity_in: int, unit_cost: Decimal) -> Decimal:
    """The new average cost after `quantity_in` arrive at `unit_cost` (four decimals)."""
    total = on_hand + quantity_in
    if total <= 0:
        return Decimal(unit_cost).quantize(Decimal("0.0001"))
    if on_hand <= 0:
        return Decimal(unit_cost).quantize(Decimal("0.0001"))
    value = Decimal(on_hand) * average + Decimal(quantity_in) * Decimal(unit_cost)
    return (value / total).quantize(Decimal("0.0001"))


def quote_amounts(
    *,
    parts: list[tuple[int, Decimal]],
    hours: Decimal,
    km: int,
    labour_rate: Decimal,
    travel_flat: Decimal,
    travel_per_km: Decimal,
    free_km: int,
) -> tuple[Decimal, Decimal, Decimal, Decimal]:
    """(parts, labour, travel, total) of a quote: parts at sale price, labour by the hour,
    travel a flat amount plus each km beyond the free distance (范文2 二.5: 差旅费、工资构成)."""
    cent = Decimal("0.01")
    parts_total = sum((Decimal(q) * p for q, p in parts), Decimal("0")).quantize(cent)
    labour = (Decimal(hours) * labour_rate).quantize(cent)
    travel = (travel_flat + max(0, km - free_km) * travel_per_km).quantize(cent)
    return parts_total, labour, travel, parts_total + labour + travel
