"""Pages: dealers (cards due and late per dealer, tasks not arranged in time, obligations
missing), one dealer's page (cards, service log, repair records, notices, account, plans, spot
checks, with their forms), a repair record, a write-off notice, the monthly statement in Excel;
supplier claims (list with ageing and monthly totals, a claim with its steps, its Excel) and
the supplier's public acknowledgement page (signed link)."""

from __future__ import annotations

import datetime as dt
import uuid

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import Http404
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.views.decorators.http import require_POST

from shouhou.core import exports, pages
from shouhou.core.errors import DomainError, NotFoundError, PermissionDeniedError
from shouhou.core.forms import add_domain_error, submit_idempotent

from . import access as A
from . import claims, excel, forms, selectors, services
from .models import RepairRecord, SupplierClaim

_reader = pages.reader(A.can_read)
_claims_reader = pages.reader(A.can_read_claims)


def _key() -> dict:
    """A fresh idempotency key for a page form (a double-clicked submit is acted on once)."""
    return {"idempotency_key": uuid.uuid4().hex}


def _dealer(request, pk):
    return pages.get_or_404(selectors.dealer_get, user=request.user, dealer=pk)


@login_required
def index(request):
    _reader(request)
    own = A.member_dealer(request.user)
    if own is not None:
        return redirect("dealers:dealer", pk=own.pk)
    return render(
        request,
        "dealers/index.html",
        {
            "rows": selectors.cards_by_dealer(user=request.user),
            "accounts": selectors.dealer_accounts(user=request.user),
            "late_tasks": selectors.tasks_not_arranged_in_time(user=request.user)[:50],
            "missing": selectors.obligations_missing(user=request.user),
        },
    )


def _dealer_page(request, dealer, status=200, **bound):
    user = request.user
    today = timezone.localdate()
    cards = list(selectors.card_list(user=user, dealer=dealer)[:200])
    ctx = {
        "dealer": dealer,
        "today": today,
        "cards": [(c, c.state(today)) for c in cards],
        "tasks": selectors.task_list(user=user, dealer=dealer)[:100],
        "repairs": selectors.repair_list(user=user, dealer=dealer)[:100],
        "notices": selectors.notice_list(user=user, dealer=dealer)[:50],
        "balance": selectors.dealer_balance(user=user, dealer=dealer),
        "ledger": selectors.ledger_list(user=user, dealer=dealer).order_by("-on", "-id")[:30],
        "plans": selectors.plan_list(user=user, dealer=dealer)[:10],
        "checks": selectors.spot_check_list(user=user, dealer=dealer)[:10],
        "missing": [m for m in selectors.obligations_missing(user=user) if m["dealer"] == dealer],
        "is_dealer": A.member_dealer(user) is not None,
        "is_office": not A.is_dealer_user(user) and A.r.has_role(user, *A.OFFICE),
        "is_finance": not A.is_dealer_user(user) and A.r.has_role(user, *A.FINANCE),
        "is_checker": not A.is_dealer_user(user) and A.r.has_role(user, *A.SPOT_CHECKERS),
        "month": today.strftime("%Y-%m"),
        "forms": {
            "card": bound.get("card")
            or forms.CardForm(initial=_key(), products=selectors.products_for(user=user)),
            "task": bound.get("task") or forms.TaskForm(initial=_key()),
            "repair": bound.get("repair") or forms.RepairForm(initial=_key(), cards=cards),
            "plan": bound.get("plan") or forms.PlanForm(initial=_key()),
            "spot_check": bound.get("spot_check") or forms.SpotCheckForm(initial=_key()),
            "ledger": bound.get("ledger") or forms.LedgerForm(initial=_key()),
            "writeoff": bound.get("writeoff") or forms.EmptyForm(initial=_key()),
        },
    }
    return render(request, "dealers/dealer.html", ctx, status=status)


@login_required
def dealer(request, pk):
    _reader(request)
    return _dealer_page(request, _dealer(request, pk))


def _dealer_form(request, name, dealer):
    user = request.user
    if name == "card":
        return forms.CardForm(request.POST, products=selectors.products_for(user=user))
    if name == "repair":
        return forms.RepairForm(
            request.POST, cards=selectors.card_list(user=user, dealer=dealer)[:200]
        )
    classes = {
        "task": forms.TaskForm,
        "plan": forms.PlanForm,
        "spot_check": forms.SpotCheckForm,
        "ledger": forms.LedgerForm,
        "writeoff": forms.EmptyForm,
    }
    if name not in classes:
        raise Http404
    return classes[name](request.POST)


def _dealer_call(request, name, dealer, form):
    user = request.user
    d = form.cleaned_data
    if name == "card":
        services.card_register(
            by=user,
            dealer=dealer,
            number=d["number"],
            product=selectors.org_object(
                selectors.Product, user=user, pk=d["product"], field="product"
            ),
            serial=d["serial"],
            customer_name=d["customer_name"],
            customer_phone=d["customer_phone"],
            customer_address=d["customer_address"],
            sold_on=d["sold_on"],
        )
    elif name == "task":
        fn = services.task_forward if d["source"] == "forwarded" else services.task_log
        fn(
            by=user,
            dealer=dealer,
            channel=d["channel"],
            customer_name=d["customer_name"],
            customer_phone=d["customer_phone"],
            problem=d["problem"],
        )
    elif name == "repair":
        services.repair_record_create(
            by=user,
            dealer=dealer,
            card=selectors.card_for_form(user=user, pk=d.get("card")),
            customer_name=d["customer_name"],
            fault=d["fault"],
            work_done=d["work_done"],
            repaired_on=d["repaired_on"],
            signed_by_customer=d["signed_by_customer"],
            labour_hours=d["labour_hours"],
            travel_km=d["travel_km"],
            parts=form.parts(),
        )
    elif name == "plan":
        services.stocking_plan_record(
            by=user, dealer=dealer, season_start=d["season_start"], items=d["items"]
        )
    elif name == "spot_check":
        services.spot_check_record(
            by=user,
            dealer=dealer,
            checked_on=d["checked_on"],
            records_checked=d["records_checked"],
            findings=d["findings"],
        )
    elif name == "ledger":
        services.ledger_post(
            by=user,
            dealer=dealer,
            kind=d["kind"],
            amount=d["amount"],
            on=d["on"],
            description=d["description"],
        )
    elif name == "writeoff":
        notice = services.writeoff_issue(by=user, dealer=dealer)
        return reverse("dealers:notice", kwargs={"pk": notice.pk})
    return reverse("dealers:dealer", kwargs={"pk": dealer.pk})


@login_required
@require_POST
def dealer_action(request, pk, name):
    _reader(request)
    dealer = _dealer(request, pk)
    form = _dealer_form(request, name, dealer)
    if form.is_valid():
        body = submit_idempotent(
            request,
            form,
            scope=f"page:dealers:{dealer.pk}:{name}",
            action=lambda: (200, {"url": _dealer_call(request, name, dealer, form)}),
        )
        if body is not None:
            return redirect(body["url"])
    return _dealer_page(request, dealer, status=400, **{name: form})


@login_required
@require_POST
def card_receive(request, pk):
    _reader(request)
    card = pages.get_or_404(selectors.card_get, user=request.user, pk=pk)
    form = forms.ReceiveCardForm(request.POST)
    if form.is_valid():
        try:
            services.card_receive(
                by=request.user, card=card, received_on=form.cleaned_data.get("received_on")
            )
        except DomainError as exc:
            if isinstance(exc, PermissionDeniedError | NotFoundError):
                raise
            messages.error(request, str(exc.message))
    else:
        messages.error(request, "; ".join(str(e) for es in form.errors.values() for e in es))
    return redirect("dealers:dealer", pk=card.dealer_id)


@login_required
@require_POST
def task_action(request, pk, name):
    _reader(request)
    task = pages.get_or_404(selectors.task_get, user=request.user, pk=pk)
    if name == "arrange":
        form = forms.ArrangeForm(request.POST)
        call = lambda d: services.task_arrange(  # noqa: E731
            by=request.user,
            task=task,
            arrangement=d["arrangement"],
            customer_told=d["customer_told"],
        )
    elif name == "close":
        form = forms.OutcomeForm(request.POST)
        call = lambda d: services.task_close(by=request.user, task=task, outcome=d["outcome"])  # noqa: E731
    else:
        raise Http404
    if form.is_valid():
        try:
            call(form.cleaned_data)
        except DomainError as exc:
            if isinstance(exc, PermissionDeniedError):
                raise
            add_domain_error(form, exc)
        else:
            return redirect("dealers:dealer", pk=task.dealer_id)
    return render(
        request, "dealers/task.html", {"task": task, "form": form, "name": name}, status=400
    )


# Repair records -----------------------------------------------------------------------------


def _repair_page(request, record, status=200, **bound):
    parts = list(record.parts.all())
    user = request.user
    office = not A.is_dealer_user(user)
    return render(
        request,
        "dealers/repair.html",
        {
            "record": record,
            "parts": parts,
            "can_receive": office
            and A.r.has_role(user, *(A.OFFICE | A.TECHNICAL))
            and record.status == RepairRecord.Status.SIGNED,
            "can_appraise": office
            and A.r.has_role(user, *A.TECHNICAL)
            and record.status == RepairRecord.Status.RETURNED,
            "can_approve": office
            and A.r.has_role(user, *A.FINANCE)
            and record.status == RepairRecord.Status.APPRAISED,
            "can_refuse": office
            and A.r.has_role(user, *(A.TECHNICAL | A.FINANCE))
            and record.status
            in (
                RepairRecord.Status.SIGNED,
                RepairRecord.Status.RETURNED,
                RepairRecord.Status.APPRAISED,
            ),
            "forms": {
                "receive": bound.get("receive") or forms.RepairReceiveForm(),
                "appraise": bound.get("appraise") or forms.AppraiseForm(parts=parts),
                "approve": bound.get("approve") or forms.EmptyForm(),
                "refuse": bound.get("refuse") or forms.ReasonForm(),
            },
        },
        status=status,
    )


def _repair(request, pk):
    return pages.get_or_404(selectors.repair_get, user=request.user, pk=pk)


@login_required
def repair(request, pk):
    _reader(request)
    return _repair_page(request, _repair(request, pk))


@login_required
@require_POST
def repair_action(request, pk, name):
    _reader(request)
    record = _repair(request, pk)
    user = request.user
    if name == "receive":
        form = forms.RepairReceiveForm(request.POST)
        call = lambda d: services.repair_record_receive(  # noqa: E731
            by=user,
            record=record,
            old_parts_back=d["old_parts_back"],
            returned_on=d.get("returned_on"),
        )
    elif name == "appraise":
        form = forms.AppraiseForm(request.POST, parts=record.parts.all())
        call = lambda d: services.repair_record_appraise(  # noqa: E731
            by=user, record=record, appraisals=form.appraisals(), note=d.get("note", "")
        )
    elif name == "approve":
        form = forms.EmptyForm(request.POST)
        call = lambda d: services.repair_record_approve(by=user, record=record)  # noqa: E731
    elif name == "refuse":
        form = forms.ReasonForm(request.POST)
        call = lambda d: services.repair_record_refuse(by=user, record=record, reason=d["reason"])  # noqa: E731
    else:
        raise Http404
    if form.is_valid():
        try:
            call(form.cleaned_data)
        except DomainError as exc:
            if isinstance(exc, PermissionDeniedError):
                raise
            add_domain_error(form, exc)
        else:
            return redirect("dealers:repair", pk=record.pk)
    return _repair_page(request, _repair(request, pk), status=400, **{name: form})


@login_required
def notice(request, pk):
    _reader(request)
    n = pages.get_or_404(selectors.notice_get, user=request.user, pk=pk)
    return render(
        request,
        "dealers/notice.html",
        {
            "notice": n,
            "can_confirm": n.confirmed_at is None
            and (
                A.member_dealer(request.user) is not None
                or (not A.is_dealer_user(request.user) and A.r.has_role(request.user, *A.FINANCE))
            ),
        },
    )


@login_required
@require_POST
def notice_confirm(request, pk):
    _reader(request)
    n = pages.get_or_404(selectors.notice_get, user=request.user, pk=pk)
    try:
        services.writeoff_confirm(by=request.user, notice=n)
    except DomainError as exc:
        if isinstance(exc, PermissionDeniedError | NotFoundError):
            raise
        return render(
            request, "dealers/notice.html", {"notice": n, "error": exc.message}, status=400
        )
    return redirect("dealers:notice", pk=n.pk)


@login_required
def statement(request, pk):
    _reader(request)
    dealer = _dealer(request, pk)
    try:
        month = dt.datetime.strptime(request.GET.get("month", ""), "%Y-%m").date()
    except ValueError:
        month = timezone.localdate()
    st = selectors.dealer_statement(
        user=request.user, dealer=dealer, year=month.year, month=month.month
    )
    return exports.xlsx_response(
        excel.statement_workbook(st), f"dealer-{dealer.pk}-{month:%Y-%m}.xlsx"
    )


# Supplier claims ----------------------------------------------------------------------------


@login_required
def claim_list(request):
    _claims_reader(request)
    status = request.GET.get("status", "")
    if status not in SupplierClaim.Status.values:
        status = ""
    year = timezone.localdate().year
    months = selectors.claim_monthly(user=request.user, year=year)
    return render(
        request,
        "dealers/claims.html",
        {
            "claims": selectors.claim_list(user=request.user, status=status)[:200],
            "status": status,
            "statuses": SupplierClaim.Status.choices,
            "ageing": selectors.claim_ageing(user=request.user),
            "months": months,
            "year": year,
            "can_create": A.r.has_role(request.user, *A.CLAIMS),
        },
    )


@login_required
def claim_new(request):
    _claims_reader(request)
    suppliers = selectors.suppliers_for(user=request.user)
    form = forms.ClaimForm(request.POST or None, initial=_key(), suppliers=suppliers)
    status = 200
    if request.method == "POST":
        status = 400
        if form.is_valid():
            d = form.cleaned_data

            def create():
                claim = claims.claim_create(
                    by=request.user,
                    supplier=selectors.org_object(
                        selectors.Supplier, user=request.user, pk=d["supplier"], field="supplier"
                    ),
                    products=d["products"],
                    fault=d["fault"],
                    evidence=d["evidence"],
                    email_to=d["email_to"],
                )
                return 201, {"pk": claim.pk}

            body = submit_idempotent(request, form, scope="page:dealers:claim_new", action=create)
            if body is not None:
                return redirect("dealers:claim", pk=body["pk"])
    return render(request, "dealers/claim_new.html", {"form": form}, status=status)


CLAIM_FORMS = {
    "item": forms.ClaimItemForm,
    "send": forms.SendForm,
    "acknowledge": forms.AckForm,
    "settle": forms.SettleForm,
    "reject": forms.RejectForm,
}


def _claim(request, pk):
    return pages.get_or_404(selectors.claim_get, user=request.user, pk=pk)


def _claim_page(request, claim, status=200, **bound):
    allowed = claims.TRANSITIONS.get(claim.status, set())
    S = SupplierClaim.Status
    can = A.r.has_role(request.user, *A.CLAIMS)
    return render(
        request,
        "dealers/claim.html",
        {
            "claim": claim,
            "can_edit": can and claim.status == S.DRAFT,
            "can_send": can and S.SENT in allowed,
            "can_ack": can and S.ACKNOWLEDGED in allowed,
            "can_settle": can and S.SETTLED_FULL in allowed,
            "can_reject": can and S.REJECTED in allowed,
            "forms": {k: bound.get(k) or cls(initial=_key()) for k, cls in CLAIM_FORMS.items()},
        },
        status=status,
    )


@login_required
def claim_detail(request, pk):
    _claims_reader(request)
    return _claim_page(request, _claim(request, pk))


@login_required
@require_POST
def claim_action(request, pk, name):
    _claims_reader(request)
    claim = _claim(request, pk)
    if name not in CLAIM_FORMS:
        raise Http404
    form = CLAIM_FORMS[name](request.POST)
    user = request.user
    if form.is_valid() and name == "item":
        d = form.cleaned_data

        def add():
            item = claims.claim_item_add(
                by=user,
                claim=claim,
                kind=d["kind"],
                amount=d["amount"],
                description=d["description"],
            )
            return 201, {"pk": item.pk}

        if submit_idempotent(
            request, form, scope=f"page:dealers:claim:{claim.pk}:item", action=add
        ):
            return redirect("dealers:claim", pk=claim.pk)
    elif form.is_valid():
        d = form.cleaned_data
        try:
            if name == "send":
                claims.claim_send(by=user, claim=claim, email_to=d["email_to"] or None)
            elif name == "acknowledge":
                claims.claim_acknowledge(by=user, claim=claim, name=d["name"])
            elif name == "settle":
                claims.claim_settle(
                    by=user,
                    claim=claim,
                    amount=d["amount"],
                    settled_on=d.get("settled_on"),
                    note=d["note"],
                )
            elif name == "reject":
                claims.claim_reject(by=user, claim=claim, note=d["note"])
        except DomainError as exc:
            if isinstance(exc, PermissionDeniedError):
                raise
            add_domain_error(form, exc)
        else:
            return redirect("dealers:claim", pk=claim.pk)
    return _claim_page(request, _claim(request, pk), status=400, **{name: form})


@login_required
def claim_xlsx(request, pk):
    _claims_reader(request)
    claim = _claim(request, pk)
    return exports.xlsx_response(excel.claim_workbook(claim), f"{claim.number}.xlsx")


def claim_ack(request, token):
    """The supplier's page behind the signed link: the claim, and a button to acknowledge."""
    try:
        claim = claims.claim_for_link(token)
    except NotFoundError as exc:
        raise Http404 from exc
    form = forms.PublicAckForm(request.POST or None)
    status = 200
    done = claim.status != SupplierClaim.Status.SENT
    if request.method == "POST" and not done:
        status = 400
        if form.is_valid():
            try:
                claims.claim_acknowledge_by_link(token=token, name=form.cleaned_data["name"])
            except DomainError as exc:
                add_domain_error(form, exc)
            else:
                return redirect("dealers:claim_ack", token=token)
    return render(
        request,
        "dealers/claim_ack.html",
        {"claim": claim, "form": form, "done": done},
        status=status,
    )
