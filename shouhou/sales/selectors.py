"""Reading sales contracts, limited to what the user may see.

- office roles (`OFFICE_ROLES`, including sales) and superusers: every contract of the
  organisation;
- a merchant's administrator: its own merchant's contracts only;
- everybody else (technicians, delivery crews, ...): none through these selectors.
"""

from __future__ import annotations

import datetime as dt
import re

from django.db.models import F, Q, QuerySet
from django.urls import reverse
from django.utils import timezone
from django.utils.http import urlencode
from django.utils.translation import gettext as _

from shouhou.core.errors import NotFoundError
from shouhou.customers.selectors import customer_list
from shouhou.org import roles as r

from .models import Contract, ContractLine, SalesSettings

READER_ROLES = frozenset(r.OFFICE_ROLES | {r.MERCHANT_ADMIN})
OPEN_STATUSES = (Contract.Status.DRAFT, Contract.Status.CONFIRMED)


def is_office(user) -> bool:
    return r.has_role(user, *r.OFFICE_ROLES)


def merchant_limited(user) -> bool:
    """A merchant's administrator without an office role: sees only its merchant's contracts."""
    return not is_office(user) and r.has_role(user, r.MERCHANT_ADMIN)


def can_read(user) -> bool:
    return r.has_role(user, *READER_ROLES)


def sales_settings(organisation) -> SalesSettings:
    return SalesSettings.for_org(organisation)


def contract_visible_qs(*, user) -> QuerySet[Contract]:
    """Every contract `user` may see (no ordering or joins added)."""
    qs = Contract.objects.all()
    if user is None or not user.is_authenticated:
        return qs.none()
    if getattr(user, "organisation_id", None):
        qs = qs.filter(organisation_id=user.organisation_id)
    elif not user.is_superuser:
        return qs.none()
    if is_office(user):
        return qs
    if r.has_role(user, r.MERCHANT_ADMIN) and getattr(user, "merchant_id", None):
        return qs.filter(merchant_id=user.merchant_id)
    return qs.none()


def _phone_or_text(q: str) -> Q:
    compact = re.sub(r"[\s\-+()]", "", q)
    cond = (
        Q(number__icontains=q) | Q(customer__name__icontains=q) | Q(delivery_address__icontains=q)
    )
    if compact.isdigit() and len(compact) >= 4:
        cond |= Q(customer__mobile__contains=compact) | Q(
            customer__phones__number__contains=compact
        )
    return cond


def contract_list(
    *,
    user,
    q: str = "",
    store=None,
    status: str | None = None,
    customer=None,
    delivery_from: dt.date | None = None,
    delivery_to: dt.date | None = None,
    merchant=None,
    balance_due: bool | None = None,
    signed_from: dt.date | None = None,
    signed_to: dt.date | None = None,
) -> QuerySet[Contract]:
    """Contracts `user` may see, newest signed first.

    `q` matches the number, the customer's name or phone (4+ digits), or the delivery address;
    `balance_due` True: open contracts with money still to collect (尾款).
    """
    qs = contract_visible_qs(user=user)
    q = (q or "").strip()
    if q:
        qs = qs.filter(_phone_or_text(q)).distinct()
    if store not in (None, ""):
        qs = qs.filter(store_id=getattr(store, "pk", store))
    if merchant not in (None, ""):
        qs = qs.filter(merchant_id=getattr(merchant, "pk", merchant))
    if customer not in (None, ""):
        qs = qs.filter(customer_id=getattr(customer, "pk", customer))
    if status:
        qs = qs.filter(status=status)
    if delivery_from:
        qs = qs.filter(delivery_date__gte=delivery_from)
    if delivery_to:
        qs = qs.filter(delivery_date__lte=delivery_to)
    if signed_from:
        qs = qs.filter(signed_on__gte=signed_from)
    if signed_to:
        qs = qs.filter(signed_on__lte=signed_to)
    if balance_due is True:
        qs = qs.filter(paid__lt=F("total")).exclude(status=Contract.Status.CANCELLED)
    elif balance_due is False:
        qs = qs.filter(paid__gte=F("total"))
    return qs.select_related("customer", "store", "merchant", "salesperson").order_by(
        "-signed_on", "-id"
    )


def contract_get(*, user, pk) -> Contract:
    """One contract with its lines and payments; NotFoundError for what the user may not see."""
    try:
        pk = int(pk)
    except (TypeError, ValueError):
        raise NotFoundError() from None
    contract = (
        contract_visible_qs(user=user)
        .select_related("customer", "store", "merchant", "salesperson", "created_by")
        .prefetch_related("lines__product__brand", "lines__model", "payments__received_by")
        .filter(pk=pk)
        .first()
    )
    if contract is None:
        raise NotFoundError()
    return contract


def contract_lines(contract: Contract) -> QuerySet[ContractLine]:
    return contract.lines.select_related("product", "product__brand", "model").order_by("id")


def customer_search(*, user, q: str, limit: int = 10) -> list:
    """Customers to put on a contract, found by phone (full or last four digits) or name.

    Uses the customers app's visibility rules (a merchant admin sees its own customers).
    """

    q = (q or "").strip()
    if len(q) < 2:
        return []
    return list(customer_list(user=user, q=q)[:limit])


def dashboard_cards(*, user) -> list[dict]:
    """Open contracts with a balance due, and deliveries due in the next N days (configurable)."""
    if not can_read(user) or not getattr(user, "organisation_id", None):
        return []
    today = timezone.localdate()
    days = sales_settings(user.organisation_id).delivery_soon_days
    until = today + dt.timedelta(days=days)  # calendar days: a delivery window, not a deadline
    visible = contract_visible_qs(user=user)
    url = reverse("sales:list")
    due = visible.filter(paid__lt=F("total")).exclude(status=Contract.Status.CANCELLED).count()
    soon = visible.filter(
        status__in=OPEN_STATUSES, delivery_date__gte=today, delivery_date__lte=until
    ).count()
    overdue = visible.filter(status__in=OPEN_STATUSES, delivery_date__lt=today).count()
    cards = [
        {
            "label": _("Contracts with a balance due"),
            "value": due,
            "url": f"{url}?{urlencode({'balance_due': 'true'})}",
            "alert": False,
        },
        {
            "label": _("Deliveries in the next %(days)d days") % {"days": days},
            "value": soon,
            "url": f"{url}?{urlencode({'status': 'confirmed', 'delivery_from': today.isoformat(), 'delivery_to': until.isoformat()})}",
            "alert": False,
        },
    ]
    if overdue:
        cards.append(
            {
                "label": _("Deliveries past their agreed date"),
                "value": overdue,
                "url": f"{url}?{urlencode({'status': 'confirmed', 'delivery_to': (today - dt.timedelta(days=1)).isoformat()})}",
                "alert": True,
            }
        )
    return cards


# --- the page frame's global search (registered in navigation.py) ----------------------------

SEARCH_HITS = 5


def search_hits(*, user, q: str) -> list[dict]:
    """Contracts the user may see by number, customer name or phone, or delivery address; the
    contract numbered exactly `q` is an exact hit."""
    if not can_read(user):
        return []
    rows = list(
        contract_list(user=user, q=q).select_related("customer").order_by("-id")[: SEARCH_HITS + 1]
    )
    kind = _("Sales contracts")
    hits = [
        {
            "kind": kind,
            "label": f"{c.number} · {c.customer}",
            "detail": c.get_status_display(),
            "url": reverse("sales:detail", args=[c.pk]),
            "exact": (c.number or "").lower() == q.lower(),
        }
        for c in rows[:SEARCH_HITS]
    ]
    if len(rows) > SEARCH_HITS:
        more = reverse("sales:list") + "?" + urlencode({"q": q})
        hits.append({"kind": kind, "label": _("All matching contracts"), "url": more, "more": True})
    return hits
