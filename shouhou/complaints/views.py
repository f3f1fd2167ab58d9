"""Complaint, exchange and return pages: list (the complaint register), register, detail with the
actions of its flow, the approval queue, monthly statistics (page and Excel), notifications."""

from __future__ import annotations

import datetime as dt
import uuid

from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.core.paginator import Paginator
from django.http import Http404, HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from shouhou.core import pages
from shouhou.core.audit import audit_events_for
from shouhou.core.errors import DomainError, ValidationFailed
from shouhou.core.forms import add_domain_error
from shouhou.core.idempotency import run_idempotent
from shouhou.customers.models import Customer
from shouhou.customers.selectors import (
    fault_categories,
    owned_product_by_serial,
    service_case_records,
)
from shouhou.org import roles as r
from shouhou.promises.selectors import promise_decision_get
from shouhou.sales.selectors import contract_list

from . import selectors, services
from . import states as s
from .forms import (
    CaseForm,
    ClaimForm,
    EditForm,
    InspectForm,
    MonthForm,
    PenaltyForm,
    RefuseForm,
    RepairItemForm,
    ResponsibilityForm,
    SignForm,
    SubmitForm,
)
from .models import Kind, Responsibility, Status

_reader = pages.reader(selectors.can_read)


def _case_or_404(request, pk):
    return pages.get_or_404(selectors.case_get, user=request.user, pk=pk)


@login_required
def case_list(request):
    _reader(request)
    kind = request.GET.get("kind") or None
    status = request.GET.get("status") or None
    q = (request.GET.get("q") or "").strip()
    qs = selectors.case_list(
        user=request.user,
        kind=kind if kind in Kind.values else None,
        status=status if status in Status.values else None,
        q=q,
    )
    page = Paginator(qs, 50).get_page(request.GET.get("page"))
    query = request.GET.copy()
    query.pop("page", None)
    return render(
        request,
        "complaints/list.html",
        {
            "page": page,
            "q": q,
            "kind": kind,
            "status": status,
            "kinds": Kind.choices,
            "statuses": Status.choices,
            "query": query.urlencode(),
            "can_create": r.has_role(request.user, *services.DESK_ROLES),
        },
    )


def _resolve_customer(user, data):

    contract = customer = None
    number = (data.get("contract") or "").strip()
    if number:
        contract = contract_list(user=user).filter(number=number).first()
        if contract is None:
            raise ValidationFailed(fields={"contract": [_("No contract with this number.")]})
        customer = contract.customer
    mobile = (data.get("customer_mobile") or "").strip()
    if customer is None and mobile:
        customer = Customer.objects.filter(
            organisation_id=user.organisation_id, mobile=mobile
        ).first()
        if customer is None:
            raise ValidationFailed(fields={"customer_mobile": [_("No customer with this mobile.")]})
    return contract, customer


def _owned_product(customer, serial_no):
    """The customer's unit with this serial number (None: no number typed)."""
    serial_no = (serial_no or "").strip()
    if not serial_no:
        return None
    owned = (
        owned_product_by_serial(customer=customer, serial_no=serial_no)
        if customer is not None
        else None
    )
    if owned is None:
        raise ValidationFailed(
            fields={"serial_no": [_("The customer owns no product with this serial number.")]}
        )
    return owned


@login_required
def case_create(request):
    _reader(request)
    if not r.has_role(request.user, *services.DESK_ROLES):
        raise PermissionDenied
    if request.method == "POST":
        form = CaseForm(request.POST, user=request.user)
        if form.is_valid():
            data = form.cleaned_data
            try:
                decision = None
                if data.get("decision"):
                    decision = promise_decision_get(user=request.user, pk=data["decision"])
                contract, customer = _resolve_customer(request.user, data)
                owned = _owned_product(customer, data.get("serial_no"))

                def act():
                    case = services.case_register(
                        by=request.user,
                        kind=data["kind"],
                        customer=customer,
                        contract=contract,
                        decision=decision,
                        description=data["description"],
                        demand=data["demand"],
                        cause=data.get("cause"),
                        fault=data.get("fault"),
                        owned_product=owned,
                        product=owned.product if owned is not None else None,
                    )
                    return 201, {"id": case.pk}

                _status, body, _replayed = run_idempotent(
                    user=request.user,
                    scope="complaints:create",
                    key=data.get("idempotency_key"),
                    action=act,
                )
                return redirect("complaints:detail", pk=body["id"])
            except DomainError as exc:
                add_domain_error(form, exc)
        return render(request, "complaints/create.html", {"form": form}, status=400)
    fault_categories(organisation=request.user.organisation)  # the defaults, for the choices
    form = CaseForm(
        user=request.user,
        initial={"kind": request.GET.get("kind", "complaint"), "idempotency_key": uuid.uuid4().hex},
    )
    return render(request, "complaints/create.html", {"form": form})


def _detail(request, case, *, status=200, **forms):
    user = request.user
    desk = r.has_role(user, *services.DESK_ROLES)
    nexts = s.next_states(case.kind, case.status)
    role = case.current_role
    covers = services.steps_user_covers(user, case)
    may_sign = bool(covers) and not case.signatures.filter(signed_by=user).exists()
    context = {
        "case": case,
        "signatures": case.signatures.select_related("signed_by"),
        "steps": [
            {"n": i, "role": r.ROLES.get(code, code), "done": i < case.current_step}
            for i, code in enumerate(case.route_roles or [])
        ],
        "required": services.role_names([role]) if role else "",
        "repair_items": case.repair_items.all(),
        "penalties": case.penalties.select_related("person", "issued_by"),
        "events": audit_events_for(case),
        "editable": desk and case.status in s.EDITABLE_STATES,
        "can_inspect": desk and s.INSPECTING in nexts,
        "can_submit": desk and s.AWAITING_APPROVAL in nexts,
        "can_sign": may_sign,
        "covers_roles": (
            services.role_names(case.route_roles[case.current_step : case.current_step + covers])
            if may_sign
            else ""
        ),
        "can_carry_out": desk and s.CARRIED_OUT in nexts,
        "can_close": desk and s.DONE in nexts,
        "can_refuse": r.has_role(user, *services.SUPERVISOR_ROLES) and s.REFUSED in nexts,
        "can_penalise": r.has_role(user, *services.SUPERVISOR_ROLES),
        "is_workmanship": case.responsibility == Responsibility.WORKMANSHIP,
        "is_supplier": case.responsibility == Responsibility.SUPPLIER,
        "open": case.status in s.OPEN_STATES,
        "desk": desk,
        "edit_form": forms.get("edit_form")
        or EditForm(initial={"description": case.description, "demand": case.demand}),
        "inspect_form": forms.get("inspect_form") or InspectForm(),
        "responsibility_form": forms.get("responsibility_form")
        or ResponsibilityForm(
            user=user,
            initial={
                "responsibility": case.responsibility or None,
                "cause": case.cause_id,
                "findings": case.findings,
                "supplier": case.supplier_id or getattr(case.product, "supplier_id", None),
            },
        ),
        "submit_form": forms.get("submit_form") or SubmitForm(),
        "sign_form": forms.get("sign_form") or SignForm(initial={"approve": "1"}),
        "refuse_form": forms.get("refuse_form") or RefuseForm(),
        "repair_form": forms.get("repair_form") or RepairItemForm(),
        "claim_form": forms.get("claim_form") or ClaimForm(),
        "penalty_form": forms.get("penalty_form") or PenaltyForm(user=user),
        # One problem, one case: every record about the same fault (one query).
        "service_case": case.service_case if case.service_case_id else None,
        "case_records": service_case_records(case.service_case_id) if case.service_case_id else [],
    }
    return render(request, "complaints/detail.html", context, status=status)


@login_required
def case_detail(request, pk):
    _reader(request)
    return _detail(request, _case_or_404(request, pk))


_act = pages.detail_action(
    check=_reader, load=_case_or_404, detail=_detail, success="complaints:detail"
)


@login_required
@require_POST
def case_edit(request, pk):
    def call(case, d):
        services.case_update(
            by=request.user, case=case, description=d["description"], demand=d["demand"]
        )

    return _act(request, pk, "edit_form", EditForm(request.POST), call)


@login_required
@require_POST
def case_inspect(request, pk):
    def call(case, d):
        services.case_start_inspection(by=request.user, case=case, description=d["description"])

    return _act(request, pk, "inspect_form", InspectForm(request.POST), call)


@login_required
@require_POST
def case_responsibility(request, pk):
    def call(case, d):
        services.case_set_responsibility(
            by=request.user,
            case=case,
            responsibility=d["responsibility"],
            findings=d["findings"],
            supplier=d.get("supplier"),
            cause=d.get("cause"),
        )

    form = ResponsibilityForm(request.POST, user=request.user)
    return _act(request, pk, "responsibility_form", form, call)


@login_required
@require_POST
def case_submit(request, pk):
    def call(case, d):
        services.case_submit(
            by=request.user,
            case=case,
            resolution=d["resolution"],
            compensation=d["compensation"],
            rework_goods=d["rework_goods"],
        )

    return _act(request, pk, "submit_form", SubmitForm(request.POST), call)


@login_required
@require_POST
def case_sign(request, pk):
    def call(case, d):
        services.case_sign(by=request.user, case=case, approve=d["approve"], note=d["note"])

    return _act(request, pk, "sign_form", SignForm(request.POST), call)


@login_required
@require_POST
def case_carry_out(request, pk):
    return _act(
        request,
        pk,
        "refuse_form",
        RefuseForm(request.POST),
        lambda case, d: services.case_carry_out(by=request.user, case=case),
    )


@login_required
@require_POST
def case_close(request, pk):
    return _act(
        request,
        pk,
        "refuse_form",
        RefuseForm(request.POST),
        lambda case, d: services.case_close(by=request.user, case=case),
    )


@login_required
@require_POST
def case_refuse(request, pk):
    def call(case, d):
        services.case_refuse(by=request.user, case=case, reason=d["reason"])

    return _act(request, pk, "refuse_form", RefuseForm(request.POST), call)


@login_required
@require_POST
def case_repair_item(request, pk):
    def call(case, d):
        services.case_add_repair_item(
            by=request.user,
            case=case,
            item=d["item"],
            quantity=d["quantity"],
            unit_cost=d["unit_cost"],
        )

    return _act(request, pk, "repair_form", RepairItemForm(request.POST), call)


@login_required
@require_POST
def case_claim(request, pk):
    def call(case, d):
        services.case_record_supplier_claim(by=request.user, case=case, amount=d["amount"])

    return _act(request, pk, "claim_form", ClaimForm(request.POST), call)


@login_required
@require_POST
def case_penalty(request, pk):
    def call(case, d):
        services.penalty_issue(
            by=request.user, case=case, person=d["person"], reason=d["reason"], amount=d["amount"]
        )

    return _act(request, pk, "penalty_form", PenaltyForm(request.POST, user=request.user), call)


@login_required
def approvals(request):
    _reader(request)
    return render(
        request, "complaints/approvals.html", {"cases": selectors.approval_queue(user=request.user)}
    )


def _month(request) -> dt.date:
    form = MonthForm(request.GET or None)
    if form.is_valid() and form.cleaned_data.get("month"):
        return form.cleaned_data["month"].replace(day=1)
    today = timezone.localdate()
    return today.replace(day=1)


@login_required
def statistics(request):
    _reader(request)
    month = _month(request)
    stats = selectors.monthly_statistics(organisation=request.user.organisation, month=month)
    if request.GET.get("format") == "xlsx":
        response = HttpResponse(
            selectors.statistics_workbook(stats),
            content_type="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
        )
        response["Content-Disposition"] = f'attachment; filename="complaints-{month:%Y-%m}.xlsx"'
        return response
    prev = (month - dt.timedelta(days=1)).replace(day=1)
    nxt = (month + dt.timedelta(days=32)).replace(day=1)
    return render(
        request,
        "complaints/statistics.html",
        {"stats": stats, "month": month, "prev": prev, "next": nxt},
    )


@login_required
def notifications(request):
    if request.method == "POST":
        try:
            services.notification_mark_read(by=request.user, notification=request.POST.get("id"))
        except (DomainError, ValueError):
            raise Http404 from None
        return redirect("complaints:notifications")
    rows = selectors.notification_list(user=request.user)[:100]
    return render(request, "complaints/notifications.html", {"notifications": rows})
