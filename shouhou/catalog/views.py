"""Catalogue pages: the product list with search, a product with its models, and the forms."""

from __future__ import annotations

import uuid

from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.core.paginator import Paginator
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _

from shouhou.core import pages
from shouhou.core.errors import DomainError
from shouhou.core.forms import add_domain_error
from shouhou.core.idempotency import run_idempotent

from . import selectors, services
from .forms import (
    BrandForm,
    CategoryForm,
    ProductForm,
    ProductModelForm,
    ProductSearchForm,
    SupplierForm,
)


def _member(request):
    user = request.user
    if not (getattr(user, "organisation_id", None) or user.is_superuser):
        raise PermissionDenied


_get_or_404 = pages.get_or_404


def _new_key() -> str:
    return uuid.uuid4().hex


def _submit(request, form, scope: str, make) -> tuple[object | None, int]:
    """Run `make()` once per idempotency key; return (id of the row, status)."""

    def action():
        obj = make()
        return 201, {"id": obj.pk}

    try:
        _status, body, _replayed = run_idempotent(
            user=request.user,
            scope=scope,
            key=form.cleaned_data.get("idempotency_key"),
            action=action,
        )
    except DomainError as exc:
        add_domain_error(form, exc)
        return None, 400
    return body["id"], 201


@login_required
def product_list(request):
    _member(request)
    user = request.user
    form = ProductSearchForm(request.GET or None, user=user)
    params = form.cleaned_data if form.is_valid() else {}
    qs = selectors.product_list(
        user=user,
        q=params.get("q", ""),
        category=params.get("category"),
        brand=params.get("brand"),
        needs_installation=params.get("needs_installation"),
    ).prefetch_related("models")
    page = Paginator(qs, 50).get_page(request.GET.get("page"))
    query = request.GET.copy()
    query.pop("page", None)
    return render(
        request,
        "catalog/product_list.html",
        {
            "form": form,
            "page": page,
            "query": query.urlencode(),
            "can_add": selectors.can_add_product(user),
            "can_edit_references": selectors.can_edit_references(user),
        },
    )


@login_required
def product_detail(request, pk):
    _member(request)
    product = _get_or_404(selectors.product_get, user=request.user, pk=pk)
    return render(
        request,
        "catalog/product_detail.html",
        {
            "product": product,
            "models": product.models.all(),
            "can_edit": selectors.can_edit_product(request.user, product),
        },
    )


def _product_data(form) -> dict:
    data = dict(form.cleaned_data)
    data.pop("idempotency_key", None)
    return data


@login_required
def product_create(request):
    _member(request)
    if not selectors.can_add_product(request.user):
        raise PermissionDenied
    form = ProductForm(
        request.POST or None,
        user=request.user,
        initial={
            "idempotency_key": _new_key(),
            "warranty_months": selectors.default_warranty_months(request.user.organisation),
        },
    )
    status = 200
    if request.method == "POST":
        status = 400
        if form.is_valid():
            pk, status = _submit(
                request,
                form,
                "catalog:create",
                lambda: services.product_create(by=request.user, **_product_data(form)),
            )
            if pk:
                return redirect("catalog:detail", pk=pk)
    return render(
        request,
        "catalog/form.html",
        {"form": form, "title": _("New product"), "back": reverse("catalog:list")},
        status=status,
    )


@login_required
def product_edit(request, pk):
    _member(request)
    product = _get_or_404(selectors.product_get, user=request.user, pk=pk)
    if not selectors.can_edit_product(request.user, product):
        raise PermissionDenied
    initial = {
        f: getattr(product, f)
        for f in ProductForm.base_fields
        if f not in ("idempotency_key", "brand", "category", "supplier", "merchant")
    }
    initial.update(
        brand=product.brand_id,
        category=product.category_id,
        supplier=product.supplier_id,
        merchant=product.merchant_id,
    )
    form = ProductForm(request.POST or None, user=request.user, initial=initial)
    status = 200
    if request.method == "POST":
        status = 400
        if form.is_valid():
            data = _product_data(form)
            if data.get("warranty_months") is None:
                data["warranty_months"] = product.warranty_months
            try:
                services.product_update(by=request.user, product=product, **data)
                return redirect("catalog:detail", pk=product.pk)
            except DomainError as exc:
                add_domain_error(form, exc)
    return render(
        request,
        "catalog/form.html",
        {
            "form": form,
            "title": _("Edit %(name)s") % {"name": product},
            "back": reverse("catalog:detail", args=[product.pk]),
        },
        status=status,
    )


@login_required
def model_create(request, pk):
    _member(request)
    product = _get_or_404(selectors.product_get, user=request.user, pk=pk)
    if not selectors.can_edit_product(request.user, product):
        raise PermissionDenied
    form = ProductModelForm(request.POST or None, initial={"idempotency_key": _new_key()})
    status = 200
    if request.method == "POST":
        status = 400
        if form.is_valid():
            data = _product_data(form)
            model_pk, status = _submit(
                request,
                form,
                f"catalog:model_create:{product.pk}",
                lambda: services.model_create(by=request.user, product=product, **data),
            )
            if model_pk:
                return redirect("catalog:detail", pk=product.pk)
    return render(
        request,
        "catalog/form.html",
        {
            "form": form,
            "title": _("New model of %(name)s") % {"name": product},
            "back": reverse("catalog:detail", args=[product.pk]),
        },
        status=status,
    )


@login_required
def model_edit(request, pk):
    _member(request)
    pm = _get_or_404(selectors.model_get, user=request.user, pk=pk)
    if not selectors.can_edit_product(request.user, pm.product):
        raise PermissionDenied
    form = ProductModelForm(
        request.POST or None,
        initial={
            "code": pm.code,
            "name": pm.name,
            "list_price": pm.list_price,
            "warranty_months": pm.warranty_months,
            "is_active": pm.is_active,
        },
    )
    status = 200
    if request.method == "POST":
        status = 400
        if form.is_valid():
            try:
                services.model_update(by=request.user, model=pm, **_product_data(form))
                return redirect("catalog:detail", pk=pm.product_id)
            except DomainError as exc:
                add_domain_error(form, exc)
    return render(
        request,
        "catalog/form.html",
        {
            "form": form,
            "title": _("Edit model %(code)s") % {"code": pm},
            "back": reverse("catalog:detail", args=[pm.product_id]),
        },
        status=status,
    )


REFERENCE_FORMS = {
    "brand": (BrandForm, services.brand_create),
    "category": (CategoryForm, services.category_create),
    "supplier": (SupplierForm, services.supplier_create),
}


@login_required
def references(request):
    """Brands, categories and suppliers, each with a small form to add one."""
    _member(request)
    user = request.user
    can_edit = selectors.can_edit_references(user)

    def make(kind, data=None):
        form_class = REFERENCE_FORMS[kind][0]
        kwargs = {"user": user} if form_class is CategoryForm else {}
        return form_class(data, prefix=kind, initial={"idempotency_key": _new_key()}, **kwargs)

    forms = {kind: make(kind) for kind in REFERENCE_FORMS}
    status = 200
    kind = request.POST.get("kind")
    if request.method == "POST":
        if not can_edit or kind not in REFERENCE_FORMS:
            raise PermissionDenied
        form = forms[kind] = make(kind, request.POST)
        status = 400
        if form.is_valid():
            data = _product_data(form)
            pk, status = _submit(
                request,
                form,
                f"catalog:references:{kind}",
                lambda: REFERENCE_FORMS[kind][1](by=user, **data),
            )
            if pk:
                return redirect("catalog:references")
    return render(
        request,
        "catalog/references.html",
        {
            "brands": selectors.brand_list(user=user),
            "categories": selectors.category_list(user=user),
            "suppliers": selectors.supplier_list(user=user),
            "forms": forms,
            "can_edit": can_edit,
        },
        status=status,
    )
