"""Who may do what in the dealers app, and which dealer a dealer's login belongs to."""

from __future__ import annotations

from shouhou.core.errors import NotFoundError, PermissionDeniedError
from shouhou.org import roles as r
from shouhou.org.models import Dealer

from .models import DealerMember

# 销售内勤 (sales office): registers cards and forwards work; receives records and old parts.
OFFICE = {r.CLERK, r.CS_SUPERVISOR, r.CS_MANAGER, r.SERVICE_DESK, r.SALES, r.CALL_CENTRE}
# 技术部: appraises returned records and old parts.
TECHNICAL = {r.WORKSHOP_SUPERVISOR, r.CS_MANAGER, r.SERVICE_DESK}
# 财务部: approves covered costs, issues write-off notices, keeps the dealer's account.
FINANCE = {r.FINANCE}
# The sales representative who spot-checks the dealers' records.
SPOT_CHECKERS = {r.SALES, r.CS_MANAGER}
# Supplier claims (二次索赔).
CLAIMS = {r.SERVICE_DESK, r.CS_SUPERVISOR, r.CS_MANAGER, r.FINANCE}
READERS = set(r.OFFICE_ROLES) | {r.DEALER}


def member_dealer(user) -> Dealer | None:
    """The dealer a dealer's login belongs to (None for the company's own staff)."""
    if user is None or not user.is_authenticated:
        return None
    cached = getattr(user, "_dealer_member", "unset")
    if cached == "unset":
        row = DealerMember.objects.filter(user=user).select_related("dealer").first()
        cached = row.dealer if row else None
        user._dealer_member = cached
    return cached


def is_dealer_user(user) -> bool:
    return member_dealer(user) is not None or (r.has_role(user, r.DEALER) and not user.is_superuser)


def can_read(user) -> bool:
    return r.has_role(user, *READERS)


def can_read_claims(user) -> bool:
    return r.has_role(user, *r.OFFICE_ROLES) and not is_dealer_user(user)


def require(user, roles) -> None:
    if is_dealer_user(user):
        raise PermissionDeniedError()
    r.require_role(user, *roles)


def require_dealer_or(user, dealer, roles) -> None:
    """The dealer's own login, or one of the company's `roles`."""
    own = member_dealer(user)
    if own is not None:
        if own.pk != dealer.pk:
            raise NotFoundError()
        return
    require(user, roles)


def visible_dealers(user):
    """The dealers the user may see: a dealer's login only its own."""
    own = member_dealer(user)
    qs = Dealer.objects.filter(organisation_id=user.organisation_id)
    if own is not None:
        return qs.filter(pk=own.pk)
    if is_dealer_user(user) or not can_read(user):
        return qs.none()
    return qs


def dealer_get(user, dealer) -> Dealer:
    pk = getattr(dealer, "pk", dealer)
    try:
        pk = int(pk)
    except (TypeError, ValueError):
        raise NotFoundError() from None
    row = visible_dealers(user).filter(pk=pk).first()
    if row is None:
        raise NotFoundError()
    return row
