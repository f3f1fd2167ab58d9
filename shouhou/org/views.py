"""The organisation pages (/org/): stores, service stations, departments, merchants and dealers,
each a list, a detail with its people, sections of other apps and its timeline, and an edit form
for the roles that own it (`org.access`).

Every page costs a fixed number of queries whatever the number of rows (counts are annotated,
people and their roles prefetched, other apps' sections asked once per page)."""

from __future__ import annotations

import uuid

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.core.paginator import Paginator
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _

from shouhou.core.forms import submit_idempotent
from shouhou.core.pages import get_or_404

from . import access as A
from . import selectors, services
from .extensions import sections
from .forms import DealerForm, DepartmentForm, MerchantForm, StoreForm
from .models import OrganisationSettings, Store

PER_PAGE = 50


def _check(request, can_read) -> None:
    if not can_read(request.user):
        raise PermissionDenied


def _page(request, qs):
    return Paginator(qs, PER_PAGE).get_page(request.GET.get("page"))


def _settings(request):
    return OrganisationSettings.for_org(request.user.organisation_id)


def _hours_of(rows, settings) -> None:
    for s in rows:
        s.hours = selectors.opening_hours(s, settings)


def _edit(request, *, obj, form_class, allowed, scope, save, back, title, template="org/form.html"):
    """The edit form of one row: only the fields the user may change, run once per hidden key
    (a double-clicked submit saves once); a refused value shows on the form again (400)."""
    if allowed is None:
        raise PermissionDenied
    initial = {f: getattr(obj, f) for f in allowed if f != "store"}
    if "store" in allowed:
        initial["store"] = obj.store_id
    initial["idempotency_key"] = uuid.uuid4().hex
    form = form_class(
        request.POST or None,
        allowed=allowed,
        organisation_id=request.user.organisation_id,
        initial=initial,
    )
    status = 200
    if request.method == "POST":
        status = 400
        if form.is_valid():
            body = submit_idempotent(
                request,
                form,
                scope=scope,
                action=lambda: (200, {"id": save(**form.changes()).pk}),
            )
            if body is not None:
                messages.success(request, _("Saved."))
                return redirect(back)
    return render(
        request,
        template,
        {"form": form, "title": title, "back": back, "obj": obj},
        status=status,
    )


# --- stores and service stations ------------------------------------------------------------


def _store_list(request, kind, title):
    _check(request, selectors.can_read_stores)
    page = _page(request, selectors.store_rows(user=request.user, kind=kind))
    _hours_of(page.object_list, _settings(request))
    by_store = sections("store", user=request.user, rows=page.object_list)
    for s in page.object_list:
        s.sections = by_store.get(s.pk, [])
    return render(
        request,
        "org/store_list.html",
        {
            "page": page,
            "title": title,
            "kind": kind,
        },
    )


@login_required
def store_list(request):
    return _store_list(request, None, _("Stores and service stations"))


@login_required
def station_list(request):
    return _store_list(request, Store.Kind.STATION, _("Service stations"))


@login_required
def store_detail(request, pk):
    _check(request, selectors.can_read_stores)
    user = request.user
    store = get_or_404(selectors.store_get, user=user, pk=pk)
    merchants = (
        list(selectors.merchant_list(user=user).filter(store=store))
        if selectors.can_read_merchants(user)
        else []
    )
    return render(
        request,
        "org/store_detail.html",
        {
            "store": store,
            "hours": selectors.opening_hours(store, _settings(request)),
            "people": selectors.store_people(store=store) if A.is_office(user) else [],
            "departments": selectors.store_departments(user=user, store=store),
            "merchants": merchants,
            "sections": sections("store", user=user, rows=[store]).get(store.pk, []),
            "can_edit": A.store_fields(user, store) is not None,
        },
    )


@login_required
def store_edit(request, pk):
    _check(request, selectors.can_read_stores)
    user = request.user
    store = get_or_404(selectors.store_get, user=user, pk=pk)
    return _edit(
        request,
        obj=store,
        form_class=StoreForm,
        allowed=A.store_fields(user, store),
        scope=f"page:org:store_edit:{store.pk}",
        save=lambda **changes: services.store_update(by=user, store=store, **changes),
        back=reverse("org:store", args=[store.pk]),
        title=_("Edit %(name)s") % {"name": store},
    )


# --- departments ----------------------------------------------------------------------------


@login_required
def department_list(request):
    _check(request, selectors.can_read_departments)
    page = _page(request, selectors.department_rows(user=request.user))
    by_row = sections("department", user=request.user, rows=page.object_list)
    for d in page.object_list:
        d.sections = by_row.get(d.pk, [])
    return render(request, "org/department_list.html", {"page": page})


@login_required
def department_detail(request, pk):
    _check(request, selectors.can_read_departments)
    user = request.user
    department = get_or_404(selectors.department_get, user=user, pk=pk)
    return render(
        request,
        "org/department_detail.html",
        {
            "department": department,
            "people": selectors.department_people(department=department),
            "sections": sections("department", user=user, rows=[department]).get(department.pk, []),
            "can_edit": A.department_fields(user, department) is not None,
        },
    )


@login_required
def department_edit(request, pk):
    _check(request, selectors.can_read_departments)
    user = request.user
    department = get_or_404(selectors.department_get, user=user, pk=pk)
    return _edit(
        request,
        obj=department,
        form_class=DepartmentForm,
        allowed=A.department_fields(user, department),
        scope=f"page:org:department_edit:{department.pk}",
        save=lambda **changes: services.department_update(
            by=user, department=department, **changes
        ),
        back=reverse("org:department", args=[department.pk]),
        title=_("Edit %(name)s") % {"name": department},
    )


# --- merchants ------------------------------------------------------------------------------


@login_required
def merchant_list(request):
    _check(request, selectors.can_read_merchants)
    page = _page(request, selectors.merchant_rows(user=request.user).select_related("store"))
    by_row = sections("merchant", user=request.user, rows=page.object_list)
    for m in page.object_list:
        m.sections = by_row.get(m.pk, [])
    return render(request, "org/merchant_list.html", {"page": page})


@login_required
def merchant_detail(request, pk):
    _check(request, selectors.can_read_merchants)
    user = request.user
    merchant = get_or_404(selectors.merchant_get, user=user, pk=pk)
    return render(
        request,
        "org/merchant_detail.html",
        {
            "merchant": merchant,
            "people": selectors.merchant_people(merchant=merchant),
            "sections": sections("merchant", user=user, rows=[merchant]).get(merchant.pk, []),
            "can_edit": A.merchant_fields(user, merchant) is not None,
        },
    )


@login_required
def merchant_edit(request, pk):
    _check(request, selectors.can_read_merchants)
    user = request.user
    merchant = get_or_404(selectors.merchant_get, user=user, pk=pk)
    return _edit(
        request,
        obj=merchant,
        form_class=MerchantForm,
        allowed=A.merchant_fields(user, merchant),
        scope=f"page:org:merchant_edit:{merchant.pk}",
        save=lambda **changes: services.merchant_update(by=user, merchant=merchant, **changes),
        back=reverse("org:merchant", args=[merchant.pk]),
        title=_("Edit %(name)s") % {"name": merchant},
    )


# --- dealers --------------------------------------------------------------------------------


@login_required
def dealer_list(request):
    _check(request, selectors.can_read_dealers)
    page = _page(request, selectors.dealer_list(user=request.user))
    by_row = sections("dealer", user=request.user, rows=page.object_list)
    for d in page.object_list:
        d.sections = by_row.get(d.pk, [])
    return render(request, "org/dealer_list.html", {"page": page})


@login_required
def dealer_detail(request, pk):
    _check(request, selectors.can_read_dealers)
    user = request.user
    dealer = get_or_404(selectors.dealer_get, user=user, pk=pk)
    return render(
        request,
        "org/dealer_detail.html",
        {
            "dealer": dealer,
            "sections": sections("dealer", user=user, rows=[dealer]).get(dealer.pk, []),
            "can_edit": A.dealer_fields(user, dealer) is not None,
        },
    )


@login_required
def dealer_edit(request, pk):
    _check(request, selectors.can_read_dealers)
    user = request.user
    dealer = get_or_404(selectors.dealer_get, user=user, pk=pk)
    return _edit(
        request,
        obj=dealer,
        form_class=DealerForm,
        allowed=A.dealer_fields(user, dealer),
        scope=f"page:org:dealer_edit:{dealer.pk}",
        save=lambda **changes: services.dealer_update(by=user, dealer=dealer, **changes),
        back=reverse("org:dealer", args=[dealer.pk]),
        title=_("Edit %(name)s") % {"name": dealer},
    )
