"""The clerk's counter screen: find the contract, pick the product, see the decision and the rule
that made it, then start the flow (complaints app). Also the list of the organisation's rules."""

from __future__ import annotations

from django.contrib.auth.decorators import login_required
from django.db.models import Q
from django.http import Http404
from django.shortcuts import render

from shouhou.core import pages
from shouhou.core.errors import DomainError, NotFoundError
from shouhou.core.forms import add_domain_error
from shouhou.org import roles as r
from shouhou.sales.models import ContractLine
from shouhou.sales.selectors import contract_list

from . import selectors, services
from .forms import FactsForm

_reader = pages.reader(selectors.can_read)


def _line_or_404(request, pk):
    try:
        pk = int(pk)
    except (TypeError, ValueError):
        raise Http404 from None
    visible = contract_list(user=request.user)
    line = (
        ContractLine.objects.filter(pk=pk, contract__in=visible)
        .select_related("contract", "contract__customer", "product", "model")
        .first()
    )
    if line is None:
        raise Http404
    return line


@login_required
def counter(request):
    _reader(request)
    q = (request.GET.get("q") or "").strip()
    contracts = []
    if q:
        contracts = list(
            contract_list(user=request.user)
            .filter(
                Q(number__icontains=q)
                | Q(customer__mobile__endswith=q)
                | Q(customer__name__icontains=q)
            )
            .select_related("customer")
            .prefetch_related("lines__product", "lines__model")[:20]
        )
    line = _line_or_404(request, request.GET["line"]) if request.GET.get("line") else None
    decision = None
    status = 200
    form = None
    if line is not None:
        if request.method == "POST":
            form = FactsForm(request.POST)
            if form.is_valid():
                data = form.cleaned_data
                try:
                    decision = services.promise_decide(
                        by=request.user,
                        contract_line=line,
                        installed_by=data["installed_by"],
                        installed_on=data.get("installed_on"),
                        opened=data["opened"],
                        cause=data["cause"],
                        wanted=data["wanted"],
                        has_receipt=data["has_receipt"],
                        has_packaging=data["has_packaging"],
                    )
                except DomainError as exc:
                    add_domain_error(form, exc)
                    status = 400
            else:
                status = 400
        else:
            form = FactsForm(
                initial={
                    "installed_by": "us" if line.product.needs_installation else "not_installed",
                    "installed_on": line.contract.delivered_on
                    if line.product.needs_installation
                    else None,
                }
            )
    return render(
        request,
        "promises/counter.html",
        {
            "q": q,
            "contracts": contracts,
            "line": line,
            "form": form,
            "decision": decision,
            "can_start": r.has_role(
                request.user, r.CLERK, r.CS_SUPERVISOR, r.CS_MANAGER, r.CALL_CENTRE, r.SERVICE_DESK
            ),
        },
        status=status,
    )


@login_required
def rule_list(request):
    _reader(request)
    return render(
        request, "promises/rules.html", {"rules": selectors.promise_rule_list(user=request.user)}
    )


@login_required
def decision_detail(request, pk):
    _reader(request)
    try:
        decision = selectors.promise_decision_get(user=request.user, pk=pk)
    except NotFoundError as exc:
        raise Http404 from exc
    return render(request, "promises/decision.html", {"decision": decision})
