"""Approval routing (处理权限, seed 004 §五.5) without the ORM.

An organisation's approval rules are data (`ApprovalRule` rows turned into `Route` values): kind
of case, conditions (installed or not, within the promises or not, an amount range), and the
roles that must sign, in order (the second and later ones are countersignatures). The first
rule, by `order`, whose conditions hold decides the signatures a case needs.

The seed (004 五.5.3–5.4)::

    5.3客服经理权限: 根据店长授权,额外赔偿及返工时所需商品总值在2000元以内,但需报店长审批;
    5.4店长权限: 总费用在2000元以内,总费用在2000元至5000元,报营运副总审批;
               总费用在5000元以上,报总经理审批。

Which side each boundary falls on: "以内" includes the number named (the usual reading in Chinese
rules, e.g. 刑法 第九十九条 "以上、以下、以内,包括本数"), so exactly ¥2,000.00 is in the first band
and the store manager decides it. "2000元至5000元" ends at 5000 and "5000元以上" begins there, so
the seed names ¥5,000.00 twice; we give it to the band that names it as its end, as at ¥2,000:
every band is (lower, upper]. `min_amount` is exclusive and `max_amount` inclusive:

    amount ≤ 2,000.00            cs_manager → store_manager (the store manager decides)
    2,000.00 < amount ≤ 5,000.00 store_manager → vp_operations
    amount > 5,000.00            store_manager → general_manager

The amount is the total cost to the company of the case: extra compensation plus the goods used
for rework (a refund or an exchange within the promises is not counted).

Who may sign a step: whoever has the step's role, or a role ranked above it (the ranks are an
organisation setting, default `DEFAULT_RANK`). A signer's one signature covers the current step
and every following step they could sign too (`steps_covered`), so a higher-ranked role may sign
any earlier step of the chain itself: the general manager alone settles any case, the VP of
operations alone a case up to ¥5,000, the store manager alone one up to ¥2,000.
"""

from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal

# The order of authority (default of the organisation setting `ComplaintSettings.role_ranks`):
# a higher rank may sign for a lower one, never the other way round.
DEFAULT_RANK = {
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


def rank(role: str, ranks: dict | None = None) -> int:
    return (DEFAULT_RANK if ranks is None else ranks).get(role, 0)


def top_rank(route_: Route, ranks: dict | None = None) -> int:
    return max((rank(r, ranks) for r in route_.approver_roles), default=0)


def may_sign(
    user_roles: set[str], step_role: str, *, ranks: dict | None = None, superuser: bool = False
) -> bool:
    """Someone with the step's role may sign it; so may someone with a role ranked above it."""
    if superuser or step_role in user_roles:
        return True
    need = rank(step_role, ranks)
    return need > 0 and any(rank(r, ranks) > need for r in user_roles)


def steps_covered(
    user_roles: set[str],
    route_roles,
    current_step: int,
    *,
    ranks: dict | None = None,
    superuser: bool = False,
) -> int:
    """How many steps, from the current one on, one signature of this person covers: the current
    step if they may sign it, and each following step they may sign as well. 0: they may not
    sign now. (A superuser signs one step at a time: the chain's people still decide.)"""
    roles = list(route_roles or ())
    n = 0
    for role in roles[current_step:]:
        if not may_sign(user_roles, role, ranks=ranks, superuser=superuser and n == 0):
            break
        n += 1
    return n
