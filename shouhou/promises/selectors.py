"""Reads of the promises app."""

from __future__ import annotations

from shouhou.core.errors import NotFoundError
from shouhou.org import roles as r

from .models import PromiseDecision, PromiseRule
from .services import promise_rules_ensure_defaults


def can_read(user) -> bool:
    return r.has_role(user, *r.OFFICE_ROLES)


def promise_rule_list(*, user):
    promise_rules_ensure_defaults(user.organisation)
    return PromiseRule.objects.filter(organisation=user.organisation).select_related("category")


def promise_decision_list(*, user, customer=None):
    qs = PromiseDecision.objects.filter(organisation=user.organisation).select_related(
        "product", "contract", "customer", "rule"
    )
    if customer is not None:
        qs = qs.filter(customer=customer)
    return qs


def promise_decision_get(*, user, pk) -> PromiseDecision:
    try:
        pk = int(pk)
    except (TypeError, ValueError):
        raise NotFoundError() from None
    row = promise_decision_list(user=user).filter(pk=pk).first()
    if row is None or not can_read(user):
        raise NotFoundError()
    return row
