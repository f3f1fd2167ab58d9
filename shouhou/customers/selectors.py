"""Reads of customers, limited to what the user may see.

Who sees which customers (the organisation itself is enforced by django-scopes in requests and
by an explicit filter here):
- office roles (`OFFICE_ROLES`, superusers): every customer of the organisation;
- a merchant admin: customers registered by their merchant (`merchant`) or who have a contract
  with their merchant (`contracts__merchant`);
- everybody else (technicians, delivery crews, warehouse keepers, security ...): none through
  these selectors. Work-order apps show a technician the customer of their own job.

Phone numbers (`customer_phones_visible`): office roles see them in full; a merchant admin sees
them in full only for customers their own merchant registered (for a customer who merely has a
contract with them, the numbers are masked 138****1234); everybody else sees them masked.
"""

from __future__ import annotations

import datetime as dt
import logging
import re
from collections.abc import Callable

from django.db import transaction
from django.db.models import CharField, Exists, OuterRef, Q, QuerySet, Subquery, Value
from django.db.models.functions import Concat, Replace
from django.urls import reverse
from django.utils import timezone
from django.utils.http import urlencode
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from shouhou.core.audit import audit_events_for
from shouhou.core.errors import NotFoundError, ValidationFailed
from shouhou.core.phones import normalise_phone
from shouhou.org.roles import MERCHANT_ADMIN, OFFICE_ROLES, has_role

from . import cases, defaults
from .models import (
    Customer,
    CustomerAddress,
    CustomerPhone,
    FaultCategory,
    OwnedProduct,
    ServiceCase,
)

log = logging.getLogger(__name__)

# Higher apps add entries to a customer's history by registering a source from their
# `AppConfig.ready` (customers sits below them and must not import them):
# `fn(customer) -> list[dict]` with {"at": aware datetime, "kind": str, "title": str,
# "url": str | None}, optional "detail", "actor", "obj".
HistorySource = Callable[[Customer], list[dict]]
_history_sources: dict[str, HistorySource] = {}


def register_history_source(fn: HistorySource) -> None:
    """Add `fn`'s entries to every customer's history (idempotent per function)."""
    _history_sources[f"{fn.__module__}.{fn.__qualname__}"] = fn


ACTION_LABELS = {
    "shouhou.customer.created": gettext_lazy("Customer registered"),
    "shouhou.customer.updated": gettext_lazy("Customer details changed"),
    "shouhou.customer.phone_added": gettext_lazy("Phone number added"),
    "shouhou.customer.address_added": gettext_lazy("Address added"),
    "shouhou.customer.product_recorded": gettext_lazy("Product owned recorded"),
    "shouhou.customer.archive_completed": gettext_lazy("Archive completed"),
}


def _contract_model():
    return Customer._meta.get_field("contracts").related_model


def is_office(user) -> bool:
    return has_role(user, *OFFICE_ROLES)


def is_merchant_admin(user) -> bool:
    return (
        not is_office(user)
        and has_role(user, MERCHANT_ADMIN)
        and getattr(user, "merchant_id", None) is not None
    )


def customer_visible_qs(*, user) -> QuerySet:
    """Every customer `user` may see (no ordering or prefetching added)."""
    qs = Customer.objects.all()
    if user is None or not user.is_authenticated:
        return qs.none()
    if user.organisation_id is None:
        return qs if user.is_superuser else qs.none()
    qs = qs.filter(organisation_id=user.organisation_id)
    if is_office(user):
        return qs
    if is_merchant_admin(user):
        contracts = _contract_model().objects.filter(
            customer=OuterRef("pk"), merchant_id=user.merchant_id
        )
        return qs.filter(Q(merchant_id=user.merchant_id) | Exists(contracts))
    return qs.none()


def customer_phones_visible(*, user, customer: Customer) -> bool:
    """May `user` see this customer's phone numbers unmasked? (see the module docstring)"""
    if is_office(user):
        return True
    return is_merchant_admin(user) and customer.merchant_id == user.merchant_id


def _phone_condition(q: str) -> Q | None:
    """A search term that is a phone number (or its last digits) → condition, else None."""
    compact = re.sub(r"[\s\-+()]", "", q)
    if not compact.isdigit():
        return None
    digits = compact
    if len(digits) >= 7:
        try:
            number = normalise_phone(q)
        except ValueError:
            lookup, value = "contains", digits
        else:
            lookup, value = "exact", number
    elif len(digits) == 4:
        lookup, value = "endswith", digits  # the last four digits, read out on the phone
    else:
        lookup, value = "contains", digits
    # Landlines are stored as 0371-65432100: compare digits only.
    others = (
        CustomerPhone.objects.annotate(digits=Replace("number", Value("-"), Value("")))
        .filter(customer=OuterRef("pk"))
        .filter(**({"number": value} if lookup == "exact" else {f"digits__{lookup}": value}))
    )
    return Q(**{f"mobile__{lookup}": value}) | Exists(others)


def customer_list(
    *,
    user,
    q: str = "",
    store=None,
    is_member: bool | None = None,
    archive_overdue: bool | None = None,
    merchant=None,
) -> QuerySet:
    """Customers `user` may see, newest first, searched by name, phone (full or last 4 digits),
    address or member number; filtered by store, membership and overdue archive."""
    qs = customer_visible_qs(user=user)
    q = (q or "").strip()
    if q:
        cond = _phone_condition(q)
        if cond is None:
            addresses = CustomerAddress.objects.filter(customer=OuterRef("pk")).filter(
                Q(detail__icontains=q) | Q(district__icontains=q) | Q(city__icontains=q)
            )
            cond = Q(name__icontains=q) | Q(member_no__iexact=q) | Exists(addresses)
        qs = qs.filter(cond)
    if store is not None and store != "":
        qs = qs.filter(store_id=getattr(store, "pk", store))
    if merchant is not None and merchant != "":
        qs = qs.filter(merchant_id=getattr(merchant, "pk", merchant))
    if is_member is not None:
        qs = qs.filter(is_member=is_member)
    if archive_overdue is not None:
        overdue = Q(archive_completed_at__isnull=True, archive_due_at__lt=timezone.now())
        qs = qs.filter(overdue) if archive_overdue else qs.exclude(overdue)
    return (
        qs.select_related("store", "merchant")
        .prefetch_related("addresses")
        .order_by("-created_at", "-id")
    )


def _for_intake(qs: QuerySet) -> QuerySet:
    """What a work-order intake reads of a customer, in one query: the row (locked, as the
    intake's "one intake at a time per customer"), its store, and its default address as
    `intake_district` / `intake_address` (the text of `CustomerAddress.__str__`)."""
    default = CustomerAddress.objects.filter(customer=OuterRef("pk")).order_by("-is_default", "id")
    text = Concat("province", "city", "district", "detail", output_field=CharField())
    if transaction.get_connection().in_atomic_block:
        qs = qs.select_for_update(of=("self",))
    # The store rides along: the order takes it, and the customer's message names it.
    return qs.select_related("store").annotate(
        intake_district=Subquery(default.values("district")[:1]),
        intake_address=Subquery(default.annotate(t=text).values("t")[:1]),
    )


def customer_get(*, user, pk, for_intake: bool = False) -> Customer:
    """One customer `user` may see, with phones, addresses and products; NotFoundError else.

    `for_intake=True`: only what an intake reads, in one query (see `_for_intake`)."""
    try:
        pk = int(pk)
    except (TypeError, ValueError):
        raise NotFoundError() from None
    qs = customer_visible_qs(user=user)
    if for_intake:
        qs = _for_intake(qs)
    else:
        qs = qs.select_related("store", "merchant", "created_by").prefetch_related(
            "phones", "addresses", "products__product", "products__model__product"
        )
    customer = qs.filter(pk=pk).first()
    if customer is None:
        raise NotFoundError(_("No such customer."))
    return customer


def customer_find_by_phone(*, user, phone, for_intake: bool = False) -> Customer | None:
    """The visible customer with this mobile or other phone, or None.

    Raises ValidationFailed (field "phone") when `phone` is not a phone number.
    `for_intake=True`: only what an intake reads, in one query (see `_for_intake`).
    """
    try:
        number = normalise_phone(str(phone or ""))
    except ValueError as exc:
        raise ValidationFailed(fields={"phone": [str(exc)]}) from exc
    others = CustomerPhone.objects.filter(customer=OuterRef("pk"), number=number)
    if for_intake:
        # The ids with this number as mobile or other phone, as one UNION of two index
        # lookups: an OR over both tables would read every customer of the organisation.
        ids = (
            Customer.objects.filter(organisation_id=user.organisation_id, mobile=number)
            .order_by()
            .values("pk")
            .union(
                CustomerPhone.objects.filter(organisation_id=user.organisation_id, number=number)
                .order_by()
                .values("customer_id")
            )
        )
        qs = customer_visible_qs(user=user).filter(pk__in=ids)
        return _for_intake(qs).order_by("pk").first()
    qs = customer_visible_qs(user=user).filter(Q(mobile=number) | Exists(others))
    return qs.select_related("store", "merchant").prefetch_related("addresses").first()


def customer_contracts(*, user, customer: Customer) -> QuerySet:
    """The customer's contracts `user` may see: a merchant admin only their merchant's."""
    qs = customer.contracts.select_related("store", "merchant").order_by("-signed_on", "-id")
    if is_office(user):
        return qs
    if is_merchant_admin(user):
        return qs.filter(merchant_id=user.merchant_id)
    return qs.none()


# Service cases (issue 16.9) -----------------------------------------------------------------
def fault_categories(*, organisation) -> QuerySet:
    """The organisation's active fault categories, the defaults written on first use."""
    defaults.fault_categories_ensure_defaults(organisation)
    return FaultCategory.objects.filter(
        organisation_id=getattr(organisation, "pk", organisation), is_active=True
    ).order_by("order", "name")


def no_service_cases() -> QuerySet:
    return ServiceCase.objects.none()


def no_fault_categories() -> QuerySet:
    return FaultCategory.objects.none()


def owned_product_by_serial(*, customer, serial_no: str) -> OwnedProduct | None:
    """The customer's unit with this serial number (None: none)."""
    return (
        OwnedProduct.objects.filter(customer=customer, serial_no=serial_no)
        .select_related("product")
        .first()
    )


def service_case_get(*, user, pk) -> ServiceCase:
    """A case of a customer the user may see (office roles; a merchant admin: their
    merchant's customers); NotFoundError else (another organisation's id reads as unknown)."""
    try:
        pk = int(pk)
    except (TypeError, ValueError):
        raise NotFoundError() from None
    case = (
        ServiceCase.objects.filter(pk=pk, customer__in=customer_visible_qs(user=user))
        .select_related("customer", "product", "fault", "owned_product")
        .first()
    )
    if case is None:
        raise NotFoundError()
    return case


def service_case_list(*, user, customer: int | None = None) -> QuerySet:
    """The cases of the customers the user may see (or of one customer), newest first over
    the primary key (the keyset pages need no other index)."""
    qs = ServiceCase.objects.filter(customer__in=customer_visible_qs(user=user))
    if customer is not None:
        qs = qs.filter(customer_id=customer)
    return qs.select_related("customer", "product", "fault", "owned_product").order_by("-id")


def service_case_records(case: ServiceCase | int) -> list[dict]:
    """Every record of the case (work orders, complaints, returns…) in time order, one query."""
    return cases.case_records(case.pk if isinstance(case, ServiceCase) else case)


def _start_of_day(d: dt.date) -> dt.datetime:
    return timezone.make_aware(dt.datetime.combine(d, dt.time.min))


def customer_history(customer: Customer) -> list[dict]:
    """The customer's service history, newest first: audit events, contracts, and entries from
    the registered sources of higher apps (work orders ...). Each entry is a dict with
    "at" (aware datetime), "kind", "title", "detail", "actor", "url" and "obj"."""
    items: list[dict] = []
    for e in audit_events_for(customer):
        items.append(
            {
                "at": e.at,
                "kind": "event",
                "title": str(ACTION_LABELS.get(e.action, e.action)),
                "detail": e.note,
                "actor": str(e.actor) if e.actor_id else "",
                "url": None,
                "obj": e,
            }
        )
    for c in customer.contracts.select_related("merchant", "store").order_by("-signed_on"):
        items.append(
            {
                "at": _start_of_day(c.signed_on),
                "kind": "contract",
                "title": _("Contract %(number)s") % {"number": c.number},
                "detail": f"{c.store} {c.merchant or ''}".strip(),
                "actor": "",
                "url": _url_or_none("sales:detail", c.pk),
                "obj": c,
            }
        )
    for source in _history_sources.values():
        for item in source(customer):
            item.setdefault("detail", "")
            item.setdefault("actor", "")
            item.setdefault("url", None)
            item.setdefault("obj", None)
            items.append(item)
    items.sort(key=lambda i: i["at"], reverse=True)
    return items


def _url_or_none(name: str, *args) -> str | None:
    from django.urls import NoReverseMatch

    try:
        return reverse(name, args=args)
    except NoReverseMatch:
        return None


def dashboard_cards(*, user) -> list[dict]:
    """Customers the user can see, and archives not completed in time (DOMAIN.md §2)."""
    if not (is_office(user) or is_merchant_admin(user)):
        return []
    qs = customer_visible_qs(user=user)
    total = qs.count()
    overdue = qs.filter(
        archive_completed_at__isnull=True, archive_due_at__lt=timezone.now()
    ).count()
    url = reverse("customers:list")
    return [
        {"label": _("Customers"), "value": total, "url": url, "alert": False},
        {
            "label": _("Customer archives overdue"),
            "value": overdue,
            "url": f"{url}?archive=overdue",
            "alert": overdue > 0,
        },
    ]


# --- the page frame's global search (registered in navigation.py) ----------------------------

SEARCH_HITS = 5


def search_hits(*, user, q: str) -> list[dict]:
    """Customers the user may see by name, phone (or its last four digits), address or member
    number, and the owners of a product whose serial number is exactly `q` (exact hits)."""
    if not (is_office(user) or is_merchant_admin(user)):
        return []
    visible = customer_visible_qs(user=user)
    # Serial numbers are compared as written (the index `owned_serial` serves it).
    owners = OwnedProduct.objects.filter(
        organisation_id=user.organisation_id, serial_no=q.strip()
    ).values("customer_id")[:SEARCH_HITS]
    by_serial = list(visible.filter(pk__in=owners).only("id", "name", "mobile").order_by("-id"))
    rows = by_serial + [
        c
        for c in customer_list(user=user, q=q).prefetch_related(None)[: SEARCH_HITS + 1]
        if c not in by_serial
    ]
    kind = _("Customers")
    hits = [
        {
            "kind": kind,
            "label": c.name,
            "detail": (_("serial number %(serial)s") % {"serial": q})
            if c in by_serial
            else c.mobile,
            "url": reverse("customers:detail", args=[c.pk]),
            "exact": c in by_serial,
        }
        for c in rows[:SEARCH_HITS]
    ]
    if len(rows) > SEARCH_HITS:
        more = reverse("customers:list") + "?" + urlencode({"q": q})
        hits.append({"kind": kind, "label": _("All matching customers"), "url": more, "more": True})
    return hits
