"""Pages of the service clerk's paid repairs and post: quotes (有偿服务: a quote for a work order,
shown or printed for the customer, accepted or declined, a supervisor's approved change) and the
postage of parts sent by post (the handler signs, a supervisor writes it off). The services
compute the amounts and check the rules (`quote_*`, `postage_*`)."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import Http404
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from shouhou.core.errors import DomainError, NotFoundError
from shouhou.core.forms import add_domain_error, submit_idempotent
from shouhou.core.pages import get_or_404
from shouhou.org import roles as r

from . import selectors, services
from .forms import AcceptForm, ChangeForm, NoteForm, PostageForm, QuoteForm, new_key, parse_lines
from .models import PostageWriteOff, Quote
from .views import _office, _remap, check
from .views_stock import keyset_page

# Quotes -------------------------------------------------------------------------------------


@login_required
def quotes(request):
    check(request)
    status = request.GET.get("status", "")
    qs = selectors.quote_list(user=request.user).select_related("prepared_by")
    if status in Quote.Status.values:
        qs = qs.filter(status=status)
    return render(request, "parts/quotes.html", {
        **keyset_page(request, qs), "status": status, "statuses": Quote.Status.choices,
    })  # fmt: skip


@login_required
def quote_new(request, pk):
    """A paid-repair quote for work order `pk`: parts at sale price, labour and travel at the
    organisation's rates (the service computes the yuan amounts)."""
    check(request)
    order = get_or_404(selectors.work_order_get, user=request.user, pk=pk)
    if not r.has_role(request.user, *services.QUOTE_ROLES):
        raise PermissionDenied
    settings = services.settings_for(order.organisation_id)
    form = QuoteForm(request.POST or None, initial=new_key())
    if request.method == "POST" and form.is_valid():
        d = form.cleaned_data

        def act():
            try:
                return 201, services.quote_create(
                    by=request.user, work_order=order, lines=parse_lines(d["lines"]),
                    labour_hours=d["labour_hours"], travel_km=d["travel_km"] or 0,
                )  # fmt: skip
            except DomainError as exc:
                exc.fields = _remap(exc.fields)
                raise

        body = submit_idempotent(request, form, scope=f"page:parts:quote:{order.pk}",
                                 action=act, render=lambda obj, s: {"id": obj.pk})  # fmt: skip
        if body is not None:
            return redirect("parts:quote_detail", pk=body["id"])
    return render(request, "parts/quote_new.html", {
        "form": form, "order": order, "settings": settings,
        "earlier": selectors.quote_list(user=request.user, work_order=order)[:20],
    }, status=400 if form.errors else 200)  # fmt: skip


def _quote_page(request, quote, *, status=200, template="parts/quote_detail.html", **forms):
    u = request.user
    return render(request, template, {
        "quote": quote, "lines": list(quote.lines.all()),
        "settings": services.settings_for(quote.organisation_id),
        "can_answer": quote.status == Quote.Status.DRAFT and r.has_role(u, *services.QUOTE_ROLES),
        "can_change": quote.status == Quote.Status.ACCEPTED
        and r.has_role(u, *services.SUPERVISOR_ROLES),
        "accept_form": forms.get("accept_form") or AcceptForm(),
        "decline_form": forms.get("decline_form") or NoteForm(),
        "change_form": forms.get("change_form")
        or ChangeForm(initial={"amount": quote.agreed_fee}),
    }, status=status)  # fmt: skip


def _quote(request, pk):
    return get_or_404(selectors.quote_get, user=request.user, pk=pk)


@login_required
def quote_detail(request, pk):
    check(request)
    return _quote_page(request, _quote(request, pk))


@login_required
def quote_print(request, pk):
    """The quote as the customer reads and signs it (范文2 二.5: 严禁漫天要价, every line shown)."""
    check(request)
    return _quote_page(request, _quote(request, pk), template="parts/quote_print.html")


@login_required
@require_POST
def quote_action(request, pk, name):
    check(request)
    quote = _quote(request, pk)
    u = request.user
    forms = {
        "accept": ("accept_form", AcceptForm, lambda d: services.quote_accept(
            by=u, quote=quote, customer_name=d["customer_name"])),
        "decline": ("decline_form", NoteForm, lambda d: services.quote_decline(by=u, quote=quote)),
        "change": ("change_form", ChangeForm, lambda d: services.quote_change_approve(
            by=u, quote=quote, amount=d["amount"], reason=d["reason"])),
    }  # fmt: skip
    if name not in forms:
        raise Http404
    form_name, form_class, call = forms[name]
    roles = services.SUPERVISOR_ROLES if name == "change" else services.QUOTE_ROLES
    if not r.has_role(u, *roles):
        raise PermissionDenied
    form = form_class(request.POST)
    if form.is_valid():
        try:
            call(form.cleaned_data)
        except NotFoundError as exc:
            raise Http404 from exc
        except DomainError as exc:
            add_domain_error(form, exc)
        else:
            return redirect("parts:quote_detail", pk=quote.pk)
    return _quote_page(request, _quote(request, pk), status=400, **{form_name: form})


# Postage ------------------------------------------------------------------------------------


@login_required
def postage(request):
    _office(request)
    status = request.GET.get("status", "")
    qs = selectors.postage_list(user=request.user).select_related("work_order")
    if status in PostageWriteOff.Status.values:
        qs = qs.filter(status=status)
    return render(request, "parts/postage.html", {
        **keyset_page(request, qs), "status": status, "statuses": PostageWriteOff.Status.choices,
        "can_record": r.has_role(request.user, *services.POSTAGE_ROLES),
        "can_approve": r.has_role(request.user, *services.SUPERVISOR_ROLES),
    })  # fmt: skip


@login_required
def postage_new(request):
    """The handler's signature on the postage of parts sent by post (§3.6.3)."""
    _office(request)
    if not r.has_role(request.user, *services.POSTAGE_ROLES):
        raise PermissionDenied
    initial = new_key()
    if request.GET.get("order"):
        order = get_or_404(selectors.work_order_get, user=request.user, pk=request.GET["order"])
        initial["work_order"] = order.number
    form = PostageForm(request.POST or None, initial=initial)
    if request.method == "POST" and form.is_valid():
        d = form.cleaned_data
        order = None
        if d["work_order"]:
            order = selectors.work_order_by_number(user=request.user, number=d["work_order"])
            if order is None:
                form.add_error("work_order", _("No work order has this number."))
        if not form.errors:
            body = submit_idempotent(
                request, form, scope="page:parts:postage",
                action=lambda: (201, services.postage_record(
                    by=request.user, carrier=d["carrier"], waybill=d["waybill"],
                    amount=d["amount"], description=d["description"], work_order=order,
                )),
                render=lambda obj, s: {"id": obj.pk},
            )  # fmt: skip
            if body is not None:
                messages.success(request, _("Postage recorded; a supervisor signs it off."))
                return redirect("parts:postage")
    return render(request, "parts/postage_new.html", {"form": form},
                  status=400 if form.errors else 200)  # fmt: skip


@login_required
@require_POST
def postage_approve(request, pk):
    """The supervisor's second signature: the postage is written off."""
    _office(request)
    row = get_or_404(selectors.postage_get, user=request.user, pk=pk)
    if not r.has_role(request.user, *services.SUPERVISOR_ROLES):
        raise PermissionDenied
    try:
        services.postage_approve(by=request.user, postage=row)
    except DomainError as exc:
        messages.error(request, str(exc.message))
    else:
        messages.success(request, _("Postage written off."))
    return redirect("parts:postage")
