"""Approval routing (处理权限, seed 004 §五.5) without the ORM.

An organisation's approval rules are data (`ApprovalRule` rows turned into `Route` values): kind
of case, conditions (installed or not, within the promises or not, an amount range), and the
roles that must sign, in order (the second and later ones are countersignatures). The first
rule, by `order`, whose conditions hold decides the signatures a case needs.

Amount ranges: `min_amount` is exclusive and `max_amount` inclusive, so with the defaults
exactly ¥2,000.00 stays with the customer-service manager and the store manager, ¥2,000.01 up to
and including ¥5,000.00 needs the VP of operations, and ¥5,000.01 or more the general manager.
The amount is the total cost to the company of the case: extra compensation plus the goods used
for rework (a refund or an exchange within the promises is not counted).
"""

from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal

# The order of authority: a higher rank may sign for a lower one, never the other way round.
RANK = {
    "clerk": 1,
    "cs_supervisor": 2,
    "cs_manager": 3,
    "store_manager": 4,
    "vp_operations": 5,
    "general_manager": 6,
}

ANY = "any"
YES = "yes"
NO = "no"


class NoRouteMatches(Exception):
    """No approval rule covers the case (the configuration has a gap)."""


@dataclass(frozen=True)
class Case:
    kind: str
    amount: Decimal = Decimal("0.00")
    installed: bool = False
    within_promises: bool = True


@dataclass(frozen=True)
class Route:
    name: str
    approver_roles: tuple  # in order of signature
    order: int = 100
    kinds: tuple = ()  # empty: every kind of case
    installed: str = ANY
    within_promises: str = ANY
    min_amount: Decimal | None = None  # exclusive
    max_amount: Decimal | None = None  # inclusive
    pk: int | None = None

    def matches(self, case: Case) -> bool:
        if self.kinds and case.kind not in self.kinds:
            return False
        if self.installed != ANY and case.installed != (self.installed == YES):
            return False
        if self.within_promises != ANY and case.within_promises != (self.within_promises == YES):
            return False
        if self.min_amount is not None and not case.amount > self.min_amount:
            return False
        return not (self.max_amount is not None and case.amount > self.max_amount)


def route(case: Case, routes: list[Route]) -> Route:
    """The first route whose conditions hold."""
    if case.amount < 0:
        raise ValueError("negative amount")
    for r in sorted(routes, key=lambda r: (r.order, r.name)):
        if r.matches(case):
            return r
    raise NoRouteMatches


def rank(role: str) -> int:
    return RANK.get(role, 0)


def top_rank(route_: Route) -> int:
    return max((rank(r) for r in route_.approver_roles), default=0)


def may_sign(
    user_roles: set[str], step_role: str, *, later_roles=(), superuser: bool = False
) -> bool:
    """Someone with the step's role may sign it; so may someone with a higher role, unless that
    role countersigns later in the same route (the store manager does not sign for the
    customer-service manager when the store manager's countersignature follows)."""
    if superuser or step_role in user_roles:
        return True
    need = rank(step_role)
    return need > 0 and any(rank(r) > need and r not in later_roles for r in user_roles)
