"""Reads of the organisation pages, limited to what the user may see (`org.access`): office roles
see every store, department, merchant and dealer; a merchant's administrator every store and
only its merchant; a dealer's login only its dealer. Another organisation's rows never show
(django-scopes), and an id the user may not see is a NotFoundError (404), never a 403."""

from __future__ import annotations

from django.contrib.auth.models import Group
from django.db.models import Count, Prefetch, Q, QuerySet

from shouhou.core.errors import NotFoundError

from . import access as A
from . import roles as r
from .models import Dealer, Department, Merchant, OrganisationSettings, Store, User
from .services import _org_id

STORE_READERS = tuple(sorted(A.STORE_READERS))

# --- who reads which page -------------------------------------------------------------------


def can_read_stores(user) -> bool:
    return r.has_role(user, *A.STORE_READERS)


def can_read_departments(user) -> bool:
    return r.has_role(user, *A.DEPARTMENT_READERS) and not A.is_dealer_login(user)


def can_read_merchants(user) -> bool:
    return r.has_role(user, *A.MERCHANT_READERS)


def can_read_dealers(user) -> bool:
    return r.has_role(user, *A.DEALER_READERS)


# --- lists ----------------------------------------------------------------------------------


def store_list(*, user, kind: str | None = None) -> QuerySet[Store]:
    r.require_role(user, *A.STORE_READERS)
    qs = Store.objects.filter(organisation_id=_org_id(user))
    if kind:
        qs = qs.filter(kind=kind)
    return qs.order_by("name", "id")


def store_rows(*, user, kind: str | None = None) -> QuerySet[Store]:
    """The store list page: each store with how many people and departments it has (counted in
    the one query)."""
    return store_list(user=user, kind=kind).annotate(
        people=Count("users", filter=Q(users__is_active=True), distinct=True),
        department_count=Count("departments", distinct=True),
    )


def department_list(*, user, store: Store | None = None) -> QuerySet[Department]:
    r.require_role(user, *A.DEPARTMENT_READERS)
    if A.is_dealer_login(user):
        return Department.objects.none()
    qs = Department.objects.filter(organisation_id=_org_id(user)).select_related("store")
    if store is not None:
        qs = qs.filter(store=store)
    return qs.order_by("name", "id")


def department_rows(*, user, store: Store | None = None) -> QuerySet[Department]:
    return department_list(user=user, store=store).annotate(
        people=Count("users", filter=Q(users__is_active=True))
    )


def merchant_list(*, user) -> QuerySet[Merchant]:
    r.require_role(user, *A.MERCHANT_READERS)
    qs = Merchant.objects.filter(organisation_id=_org_id(user)).order_by("name", "id")
    if not A.is_office(user):
        qs = qs.filter(pk=user.merchant_id) if user.merchant_id else qs.none()
    return qs


def merchant_rows(*, user) -> QuerySet[Merchant]:
    return merchant_list(user=user).annotate(people=Count("users", filter=Q(users__is_active=True)))


def dealer_list(*, user) -> QuerySet[Dealer]:
    r.require_role(user, *A.DEALER_READERS)
    qs = Dealer.objects.filter(organisation_id=_org_id(user)).order_by("name", "id")
    if A.is_dealer_login(user):
        own = A.own_dealer_id(user)
        return qs.filter(pk=own) if own is not None else qs.none()
    return qs


def empty(model):
    """An empty queryset of `model` (a viewset's `queryset`, read for its model only)."""
    return model.objects.none()


# --- one row --------------------------------------------------------------------------------


def get_in(qs, pk):
    obj = qs.filter(pk=pk).first() if str(pk).isdigit() else None
    if obj is None:
        raise NotFoundError()
    return obj


def store_get(*, user, pk) -> Store:
    return get_in(store_list(user=user), pk)


def department_get(*, user, pk) -> Department:
    return get_in(department_list(user=user), pk)


def merchant_get(*, user, pk) -> Merchant:
    return get_in(merchant_list(user=user), pk)


def dealer_get(*, user, pk) -> Dealer:
    return get_in(dealer_list(user=user), pk)


# --- what a detail page shows ---------------------------------------------------------------


def _people(qs) -> list[User]:
    """Active people with their role names (two queries: the users and their groups)."""
    people = list(
        qs.filter(is_active=True)
        .select_related("department")
        .prefetch_related(Prefetch("groups", queryset=Group.objects.order_by("name")))
        .order_by("display_name", "username", "id")
    )
    for p in people:
        p.role_labels = [str(r.ROLES.get(g.name, g.name)) for g in p.groups.all()]
    return people


def store_people(*, store: Store) -> list[User]:
    return _people(User.objects.filter(store=store))


def department_people(*, department: Department) -> list[User]:
    return _people(User.objects.filter(department=department))


def merchant_people(*, merchant: Merchant) -> list[User]:
    return _people(User.objects.filter(merchant=merchant))


def store_departments(*, user, store: Store) -> list[Department]:
    if not can_read_departments(user):
        return []
    return list(department_rows(user=user, store=store))


def opening_hours(store: Store, settings: OrganisationSettings | None = None) -> dict:
    """The store's own hours, else the organisation's office hours (`own` says which)."""
    if store.opens_at and store.closes_at:
        return {"opens": store.opens_at, "closes": store.closes_at, "own": True}
    settings = settings or OrganisationSettings.for_org(store.organisation_id)
    return {"opens": settings.office_opens, "closes": settings.office_closes, "own": False}
