"""Customer pages: list with live search, detail (archive), create and edit. Thin: forms check
types, services decide, selectors limit what is seen."""

from __future__ import annotations

import uuid

from django import forms
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.core.paginator import Paginator
from django.http import Http404, JsonResponse
from django.shortcuts import redirect, render
from django.urls import NoReverseMatch, reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods, require_POST

from shouhou.core.errors import (
    DomainError,
    DuplicateError,
    NotFoundError,
    PermissionDeniedError,
)
from shouhou.core.exports import xlsx_response
from shouhou.core.forms import add_domain_error
from shouhou.core.idempotency import run_idempotent
from shouhou.org.roles import MANAGER_ROLES, has_role

from . import selectors, services
from .forms import AddressForm, ArchiveForm, CustomerEditForm, CustomerForm, PhoneForm
from .models import Customer

PAGE_SIZE = 30


def _require_customer_pages(user) -> None:
    if not (selectors.is_office(user) or selectors.is_merchant_admin(user)):
        raise PermissionDenied


def _require_customer_editor(user) -> None:
    """Forms that write: the customer editors only (services.EDITOR_ROLES)."""
    _require_customer_pages(user)
    if not has_role(user, *services.EDITOR_ROLES):
        raise PermissionDenied


def _get(user, pk) -> Customer:
    try:
        return selectors.customer_get(user=user, pk=pk)
    except NotFoundError:
        raise Http404 from None


def _domain_error_status(exc: DomainError) -> int:
    if isinstance(exc, PermissionDeniedError):
        raise PermissionDenied from exc
    if isinstance(exc, NotFoundError):
        raise Http404 from exc
    return exc.status


def _existing_link(user, exc: DomainError):
    """The existing customer of a duplicate phone, when the user may open it."""
    if not isinstance(exc, DuplicateError):
        return None
    pk = exc.extra.get("existing_id")
    try:
        return selectors.customer_get(user=user, pk=pk)
    except NotFoundError:
        return None


@login_required
def customer_list(request):
    _require_customer_pages(request.user)
    q = request.GET.get("q", "").strip()
    archive = request.GET.get("archive", "")
    member = request.GET.get("member", "")
    customers = selectors.customer_list(
        user=request.user,
        q=q,
        is_member={"yes": True, "no": False}.get(member),
        archive_overdue={"overdue": True, "ok": False}.get(archive),
    )
    page = Paginator(customers, PAGE_SIZE).get_page(request.GET.get("page"))
    rows = [(c, selectors.customer_phones_visible(user=request.user, customer=c)) for c in page]
    context = {
        "page": page,
        "rows": rows,
        "q": q,
        "archive": archive,
        "member": member,
        "can_create": True,
    }
    if request.htmx and request.htmx.target == "customer-results":
        return render(request, "customers/_results.html", context)
    return render(request, "customers/list.html", context)


def _render_form(request, form, *, customer=None, existing=None, status=200):
    return render(
        request,
        "customers/form.html",
        {"form": form, "customer": customer, "existing": existing},
        status=status,
    )


def _with_lookup(form: CustomerForm) -> CustomerForm:
    """htmx: while the mobile is typed, say whether it already belongs to a customer."""
    form.fields["mobile"].widget.attrs.update(
        {
            "hx-get": reverse("customers:lookup"),
            "hx-trigger": "change, keyup changed delay:500ms",
            "hx-target": "#mobile-lookup",
            "hx-sync": "this:replace",
        }
    )
    return form


@login_required
@require_http_methods(["GET", "POST"])
def customer_create(request):
    _require_customer_editor(request.user)
    if request.method == "GET":
        initial = {"idempotency_key": uuid.uuid4().hex, "mobile": request.GET.get("mobile", "")}
        return _render_form(request, _with_lookup(CustomerForm(user=request.user, initial=initial)))
    form = _with_lookup(CustomerForm(request.POST, user=request.user))
    if not form.is_valid():
        return _render_form(request, form, status=400)

    def act():
        customer = services.customer_create(by=request.user, **form.service_kwargs())
        return 201, {"id": customer.pk}

    try:
        _status, body, replayed = run_idempotent(
            user=request.user,
            scope="page:customers:create",
            key=form.cleaned_data.get("idempotency_key"),
            action=act,
        )
    except DomainError as exc:
        status = _domain_error_status(exc)
        add_domain_error(form, exc)
        return _render_form(
            request, form, existing=_existing_link(request.user, exc), status=status
        )
    if not replayed:
        messages.success(request, _("Customer registered."))
    return redirect("customers:detail", pk=body["id"])


@login_required
@require_http_methods(["GET", "POST"])
def customer_edit(request, pk):
    _require_customer_editor(request.user)
    customer = _get(request.user, pk)
    if request.method == "GET":
        return _render_form(
            request, CustomerEditForm(user=request.user, customer=customer), customer=customer
        )
    form = CustomerEditForm(request.POST, user=request.user, customer=customer)
    if not form.is_valid():
        return _render_form(request, form, customer=customer, status=400)
    try:
        services.customer_update(by=request.user, customer=customer, **form.changes())
    except DomainError as exc:
        status = _domain_error_status(exc)
        add_domain_error(form, exc)
        return _render_form(
            request,
            form,
            customer=customer,
            existing=_existing_link(request.user, exc),
            status=status,
        )
    messages.success(request, _("Customer saved."))
    return redirect("customers:detail", pk=customer.pk)


def _contract_url(pk) -> str | None:
    try:
        return reverse("sales:detail", args=[pk])
    except NoReverseMatch:
        return None


def _detail_context(request, customer, **extra) -> dict:
    user = request.user
    contracts = [
        (c, _contract_url(c.pk)) for c in selectors.customer_contracts(user=user, customer=customer)
    ]
    other_history = [
        i for i in selectors.customer_history(customer) if i["kind"] not in ("event", "contract")
    ]
    context = {
        "customer": customer,
        "phones_visible": selectors.customer_phones_visible(user=user, customer=customer),
        "can_privacy": has_role(user, *MANAGER_ROLES),
        "contracts": contracts,
        "other_history": other_history,
        "phone_form": PhoneForm(),
        "address_form": AddressForm(),
    }
    context.update(extra)
    return context


@login_required
def customer_detail(request, pk):
    _require_customer_pages(request.user)
    customer = _get(request.user, pk)
    return render(request, "customers/detail.html", _detail_context(request, customer))


@login_required
@require_POST
def customer_add_phone(request, pk):
    _require_customer_editor(request.user)
    customer = _get(request.user, pk)
    form = PhoneForm(request.POST)
    if form.is_valid():
        try:
            services.customer_add_phone(by=request.user, customer=customer, **form.cleaned_data)
        except DomainError as exc:
            status = _domain_error_status(exc)
            add_domain_error(form, exc)
        else:
            messages.success(request, _("Phone number added."))
            return redirect("customers:detail", pk=customer.pk)
    else:
        status = 400
    context = _detail_context(request, _get(request.user, pk), phone_form=form)
    return render(request, "customers/detail.html", context, status=status)


@login_required
@require_POST
def customer_add_address(request, pk):
    _require_customer_editor(request.user)
    customer = _get(request.user, pk)
    form = AddressForm(request.POST)
    if form.is_valid():
        try:
            services.customer_add_address(by=request.user, customer=customer, **form.cleaned_data)
        except DomainError as exc:
            status = _domain_error_status(exc)
            add_domain_error(form, exc)
        else:
            messages.success(request, _("Address added."))
            return redirect("customers:detail", pk=customer.pk)
    else:
        status = 400
    context = _detail_context(request, _get(request.user, pk), address_form=form)
    return render(request, "customers/detail.html", context, status=status)


@login_required
@require_http_methods(["GET", "POST"])
def customer_archive(request, pk):
    """Complete the archive (after a callback): birthday, preferences, full name ..."""
    _require_customer_editor(request.user)
    customer = _get(request.user, pk)
    status = 200
    if request.method == "POST":
        form = ArchiveForm(request.POST)
        if form.is_valid():
            data = dict(form.cleaned_data)
            if not data.get("full_name"):
                data.pop("full_name")
            if not data.get("member_no"):
                data.pop("member_no")
            try:
                services.customer_complete_archive(by=request.user, customer=customer, **data)
            except DomainError as exc:
                status = _domain_error_status(exc)
                add_domain_error(form, exc)
            else:
                messages.success(request, _("Archive completed."))
                return redirect("customers:detail", pk=customer.pk)
        else:
            status = 400
    else:
        form = ArchiveForm(
            initial={
                "gender": customer.gender,
                "birthday": customer.birthday,
                "preferences": customer.preferences,
                "is_member": customer.is_member,
                "member_no": customer.member_no,
                "notes": customer.notes,
            }
        )
    return render(
        request, "customers/archive.html", {"form": form, "customer": customer}, status=status
    )


@login_required
def customer_lookup(request):
    """htmx: while typing a mobile on the create form, say whether it is already known."""
    _require_customer_pages(request.user)
    phone = request.GET.get("mobile", "").strip()
    customer = None
    if len(phone) >= 7:
        try:
            customer = selectors.customer_find_by_phone(user=request.user, phone=phone)
        except DomainError:
            customer = None
    return render(request, "customers/_lookup.html", {"found": customer})


# --- PIPL: personal data export and anonymisation (privacy.py) --------------------------------


def _require_manager(user) -> None:
    _require_customer_pages(user)
    if not has_role(user, *MANAGER_ROLES):
        raise PermissionDenied


@login_required
def customer_personal_data(request, pk):
    """The manager's PIPL page: download everything held (JSON or Excel), or go anonymise."""

    from . import privacy

    _require_manager(request.user)
    customer = _get(request.user, pk)
    fmt = request.GET.get("download", "")
    if fmt == "json":
        data = privacy.customer_personal_data(by=request.user, customer=customer)
        resp = JsonResponse(data, json_dumps_params={"ensure_ascii": False, "indent": 2})
        resp["Content-Disposition"] = f'attachment; filename="customer-{customer.pk}.json"'
        return resp
    if fmt == "xlsx":
        data = privacy.customer_personal_data(by=request.user, customer=customer)
        return xlsx_response(privacy.personal_data_xlsx(data), f"customer-{customer.pk}.xlsx")
    if fmt:
        raise Http404
    return render(
        request, "customers/personal_data.html", {"customer": customer, "form": _AnonymiseForm()}
    )


class _AnonymiseForm(forms.Form):
    confirm = forms.CharField(
        label=_("Confirmation"),
        max_length=20,
        help_text=_("Type ANONYMISE: names, phones and addresses are replaced for good."),
    )


@login_required
@require_POST
def customer_anonymise(request, pk):
    from . import privacy

    _require_manager(request.user)
    customer = _get(request.user, pk)
    form = _AnonymiseForm(request.POST)
    if form.is_valid():
        try:
            privacy.customer_anonymise(
                by=request.user, customer=customer, confirm=form.cleaned_data["confirm"]
            )
        except DomainError as exc:
            add_domain_error(form, exc)
        else:
            messages.success(request, _("The customer's personal data was anonymised."))
            return redirect("customers:detail", pk=customer.pk)
    return render(
        request,
        "customers/personal_data.html",
        {"customer": customer, "form": form},
        status=400,
    )
