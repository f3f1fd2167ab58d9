"""Sales contract pages: list, detail (with payment, delivery and cancel forms), create (customer
by phone search via htmx, lines as a formset with add-line), and the printable three copies."""

from __future__ import annotations

import uuid

from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.core.paginator import Paginator
from django.shortcuts import redirect, render
from django.urls import NoReverseMatch, reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from shouhou.core import pages
from shouhou.core.errors import DomainError
from shouhou.core.forms import add_domain_error
from shouhou.core.idempotency import run_idempotent
from shouhou.core.phones import mask_phone
from shouhou.customers.selectors import customer_phones_visible, customer_visible_qs
from shouhou.org import roles as r

from . import selectors, services
from .forms import (
    CancelForm,
    ContractForm,
    ContractSearchForm,
    DeliveredForm,
    DeliveryForm,
    LineFormSet,
    PaymentForm,
)

_reader = pages.reader(selectors.can_read)


def _contract_or_404(request, pk):
    return pages.get_or_404(selectors.contract_get, user=request.user, pk=pk)


def _url(name, *args):
    try:
        return reverse(name, args=args)
    except NoReverseMatch:
        return None


def _phone_for(user, customer) -> str:
    if customer_phones_visible(user=user, customer=customer):
        return customer.mobile
    return mask_phone(customer.mobile)


# --- list -----------------------------------------------------------------------------------


@login_required
def contract_list(request):
    _reader(request)
    form = ContractSearchForm(request.GET or None, user=request.user)
    params = form.cleaned_data if form.is_valid() else {}
    qs = selectors.contract_list(
        user=request.user,
        q=params.get("q", ""),
        store=params.get("store"),
        status=params.get("status") or None,
        delivery_from=params.get("delivery_from"),
        delivery_to=params.get("delivery_to"),
        balance_due=params.get("balance_due"),
    )
    page = Paginator(qs, 50).get_page(request.GET.get("page"))
    for c in page:
        c.phone = _phone_for(request.user, c.customer)
    query = request.GET.copy()
    query.pop("page", None)
    return render(
        request,
        "sales/list.html",
        {
            "form": form,
            "page": page,
            "query": query.urlencode(),
            "can_create": r.has_role(request.user, *services.WRITER_ROLES),
        },
    )


# --- detail and its actions -----------------------------------------------------------------


def _detail(request, contract, *, status=200, **forms):
    lines = selectors.contract_lines(contract)
    can_write = r.has_role(request.user, *services.WRITER_ROLES)
    is_open = contract.status in selectors.OPEN_STATUSES
    context = {
        "contract": contract,
        "lines": lines,
        "payments": contract.payments.all(),
        "phone": _phone_for(request.user, contract.customer),
        "customer_url": _url("customers:detail", contract.customer_id),
        "can_pay": can_write
        and contract.status != contract.Status.CANCELLED
        and contract.balance_due > 0,
        "can_change": can_write and is_open,
        "can_deliver": can_write and contract.status == contract.Status.CONFIRMED,
        "payment_form": forms.get("payment_form")
        or PaymentForm(initial={"idempotency_key": uuid.uuid4().hex}),
        "delivery_form": forms.get("delivery_form")
        or DeliveryForm(
            initial={
                "delivery_date": contract.delivery_date,
                "delivery_district": contract.delivery_district,
                "delivery_address": contract.delivery_address,
            }
        ),
        "cancel_form": forms.get("cancel_form") or CancelForm(),
        "delivered_form": forms.get("delivered_form")
        or DeliveredForm(initial={"delivered_on": timezone.localdate()}),
    }
    return render(request, "sales/detail.html", context, status=status)


@login_required
def contract_detail(request, pk):
    _reader(request)
    return _detail(request, _contract_or_404(request, pk))


# Run a detail-page action; on error show the detail page with the form's errors.
_act = pages.detail_action(
    check=_reader, load=_contract_or_404, detail=_detail, success="sales:detail"
)


@login_required
@require_POST
def contract_pay(request, pk):
    def call(contract, data):
        run_idempotent(
            user=request.user,
            scope=f"sales:pay:{contract.pk}",
            key=data.get("idempotency_key"),
            action=lambda: (
                201,
                {
                    "id": services.contract_record_payment(
                        by=request.user,
                        contract=contract,
                        amount=data["amount"],
                        method=data["method"],
                        receipt_no=data["receipt_no"],
                    ).pk
                },
            ),
        )

    return _act(request, pk, "payment_form", PaymentForm(request.POST), call)


@login_required
@require_POST
def contract_change_delivery(request, pk):
    def call(contract, data):
        services.contract_change_delivery(by=request.user, contract=contract, **data)

    return _act(request, pk, "delivery_form", DeliveryForm(request.POST), call)


@login_required
@require_POST
def contract_cancel(request, pk):
    def call(contract, data):
        services.contract_cancel(by=request.user, contract=contract, reason=data["reason"])

    return _act(request, pk, "cancel_form", CancelForm(request.POST), call)


@login_required
@require_POST
def contract_deliver(request, pk):
    def call(contract, data):
        services.contract_mark_delivered(
            by=request.user, contract=contract, delivered_on=data["delivered_on"]
        )

    return _act(request, pk, "delivered_form", DeliveredForm(request.POST), call)


# --- print ----------------------------------------------------------------------------------


@login_required
def contract_print(request, pk):
    _reader(request)
    contract = _contract_or_404(request, pk)
    copies = [
        (_("Copy 1"), _("Finance copy")),
        (_("Copy 2"), _("Customer-service copy")),
        (_("Copy 3"), _("Customer copy")),
    ]
    return render(
        request,
        "sales/print.html",
        {
            "contract": contract,
            "lines": selectors.contract_lines(contract),
            "phone": _phone_for(request.user, contract.customer),
            "copies": copies,
        },
    )


# --- create ---------------------------------------------------------------------------------


def _line_formset(request, data=None):
    return LineFormSet(data, prefix="lines", form_kwargs={"user": request.user})


def _selected_customer(request, form):
    raw = form.data.get("customer") if form.is_bound else None
    if not raw or not str(raw).isdigit():
        return None
    customer = customer_visible_qs(user=request.user).filter(pk=int(raw)).first()
    if customer is not None:
        customer.phone = _phone_for(request.user, customer)
    return customer


def _place_errors(form, formset, line_forms, exc: DomainError) -> list[str]:
    """Put `lines.<i>.<field>` errors on the line forms, the rest on the main form.

    Returns messages about the lines as a whole ("lines")."""
    line_errors: list[str] = []
    other = {}
    for key, messages in exc.fields.items():
        parts = key.split(".")
        if parts[0] == "lines" and len(parts) == 3 and parts[1].isdigit():
            index = int(parts[1])
            if index < len(line_forms):
                target = line_forms[index]
                field = parts[2] if parts[2] in target.fields else None
                for m in messages:
                    target.add_error(field, m)
                continue
        if key == "lines" or parts[0] == "lines":
            line_errors.extend(messages)
            continue
        other[key] = messages
    if other:
        add_domain_error(form, DomainError(exc.message, fields=other))
    else:
        form.add_error(None, str(exc.message))
    return line_errors


@login_required
def contract_create(request):
    if not r.has_role(request.user, *services.WRITER_ROLES):
        raise PermissionDenied
    user = request.user
    status = 200
    line_errors: list[str] = []
    if request.method == "POST":
        form = ContractForm(request.POST, user=user)
        formset = _line_formset(request, request.POST)
        status = 400
        if form.is_valid() and formset.is_valid():
            line_forms = [
                f for f in formset.forms if not f.cleaned_data.get("DELETE") and not f.is_blank()
            ]
            data = dict(form.cleaned_data)
            key = data.pop("idempotency_key", "")
            data["lines"] = [
                {
                    "product": f.cleaned_data.get("product"),
                    "model": f.cleaned_data.get("model"),
                    "quantity": f.cleaned_data.get("quantity"),
                    "unit_price": f.cleaned_data.get("unit_price"),
                }
                for f in line_forms
            ]
            try:
                _status, body, _replayed = run_idempotent(
                    user=user,
                    scope="sales:create",
                    key=key,
                    action=lambda: (
                        201,
                        {"id": services.contract_create(by=user, **data).pk},
                    ),
                )
            except DomainError as exc:
                line_errors = _place_errors(form, formset, line_forms, exc)
            else:
                return redirect("sales:detail", pk=body["id"])
    else:
        form = ContractForm(
            user=user,
            initial={
                "idempotency_key": uuid.uuid4().hex,
                "signed_on": timezone.localdate(),
                "store": user.store_id,
                "salesperson": user.pk if r.SALES in r.user_roles(user) else None,
            },
        )
        formset = LineFormSet(
            prefix="lines", form_kwargs={"user": user}, initial=[{"quantity": "1"}]
        )
    return render(
        request,
        "sales/create.html",
        {
            "form": form,
            "formset": formset,
            "line_errors": line_errors,
            "customer": _selected_customer(request, form),
            "new_customer_url": _url("customers:create"),
        },
        status=status,
    )


@login_required
def line_row(request):
    """htmx: one more empty line for the formset (and the new TOTAL_FORMS count, out of band)."""
    if not r.has_role(request.user, *services.WRITER_ROLES):
        raise PermissionDenied
    try:
        index = max(0, int(request.GET.get("lines-TOTAL_FORMS", "0")))
    except ValueError:
        index = 0
    formset = LineFormSet(
        prefix="lines", form_kwargs={"user": request.user, "initial": {"quantity": "1"}}
    )
    form = formset.empty_form
    form.prefix = formset.add_prefix(index)
    return render(
        request, "sales/_line_row.html", {"line": form, "oob_total": index + 1, "formset": formset}
    )


@login_required
def customer_search(request):
    """htmx: customers matching a phone number (or its last four digits) or a name."""
    if not r.has_role(request.user, *services.WRITER_ROLES):
        raise PermissionDenied
    q = request.GET.get("customer_q", "")
    customers = selectors.customer_search(user=request.user, q=q)
    for c in customers:
        c.phone = _phone_for(request.user, c)
        c.address = c.default_address
    return render(
        request,
        "sales/_customer_results.html",
        {
            "customers": customers,
            "q": q,
            "new_customer_url": _url("customers:create"),
        },
    )
