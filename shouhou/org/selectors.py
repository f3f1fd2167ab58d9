"""Reads of stores and merchants: office roles see all; a merchant admin all stores (a
contract needs one) and only its own merchant; other roles are refused."""

from __future__ import annotations

from shouhou.core.errors import NotFoundError

from . import roles as r
from .models import Merchant, Store
from .services import _org_id

STORE_READERS = tuple(sorted(r.OFFICE_ROLES | {r.MERCHANT_ADMIN}))

# --- reads (selectors) --------------------------------------------------------------------


def store_list(*, user):
    r.require_role(user, *STORE_READERS)
    return Store.objects.filter(organisation_id=_org_id(user)).order_by("name", "id")


def merchant_list(*, user):
    r.require_role(user, *r.OFFICE_ROLES, r.MERCHANT_ADMIN)
    qs = Merchant.objects.filter(organisation_id=_org_id(user)).order_by("name", "id")
    if not r.has_role(user, *r.OFFICE_ROLES):
        qs = qs.filter(pk=user.merchant_id) if user.merchant_id else qs.none()
    return qs


def get_in(qs, pk):
    obj = qs.filter(pk=pk).first() if str(pk).isdigit() else None
    if obj is None:
        raise NotFoundError()
    return obj
