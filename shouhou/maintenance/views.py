"""Pages: the supervisor's plan board, a plan, the technician's phone-width visit checklist,
the steps-skipped report, my duty checklists and the duty board. Reads through selectors,
writes through services; a domain error is shown on its form (status 400)."""

from __future__ import annotations

from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.shortcuts import redirect, render
from django.utils import timezone
from django.views.decorators.http import require_POST

from shouhou.core.errors import DomainError, PermissionDeniedError
from shouhou.core.forms import add_domain_error
from shouhou.core.pages import get_or_404, reader
from shouhou.org import roles as r

from . import forms as f
from . import selectors, services

check_reader = reader(selectors.can_read)


@login_required
def board(request):
    check_reader(request)
    return render(request, "maintenance/board.html", selectors.board(user=request.user))


def _plan_page(request, plan, status=200, **forms):
    ctx = {
        "plan": plan,
        "visits": selectors.plan_visits(user=request.user, plan=plan),
        "skip_form": forms.get("skip_form") or f.SkipForm(),
        "reschedule_form": forms.get("reschedule_form") or f.RescheduleForm(),
        "cancel_form": forms.get("cancel_form") or f.CancelPlanForm(),
        "renew_form": forms.get("renew_form") or f.RenewForm(),
        "can_manage": r.has_role(request.user, *services.PLAN_ROLES),
    }
    return render(request, "maintenance/plan_detail.html", ctx, status=status)


@login_required
def plan_detail(request, pk):
    check_reader(request)
    plan = get_or_404(selectors.plan_get, user=request.user, pk=pk)
    if request.method != "POST":
        return _plan_page(request, plan)
    action = request.POST.get("action")
    forms_by_action = {
        "skip": ("skip_form", f.SkipForm),
        "reschedule": ("reschedule_form", f.RescheduleForm),
        "cancel": ("cancel_form", f.CancelPlanForm),
        "renew": ("renew_form", f.RenewForm),
    }
    if action not in forms_by_action:
        return _plan_page(request, plan, status=400)
    name, cls = forms_by_action[action]
    form = cls(request.POST)
    if form.is_valid():
        data = form.cleaned_data
        try:
            if action in ("skip", "reschedule"):
                visit = get_or_404(
                    selectors.visit_get, user=request.user, pk=int(request.POST.get("visit") or 0)
                )
                if visit.plan_id != plan.pk:
                    raise PermissionDenied
                if action == "skip":
                    services.visit_skip(by=request.user, visit=visit, reason=data["reason"])
                else:
                    services.visit_reschedule(by=request.user, visit=visit, due_on=data["due_on"])
            elif action == "cancel":
                services.plan_cancel(by=request.user, plan=plan, reason=data["reason"])
            else:
                new = services.plan_renew(
                    by=request.user,
                    plan=plan,
                    ends_on=data["ends_on"],
                    fee=data["fee"],
                    interval_months=data.get("interval_months"),
                )
                return redirect("maintenance:plan_detail", pk=new.pk)
        except PermissionDeniedError as exc:
            raise PermissionDenied from exc
        except DomainError as exc:
            add_domain_error(form, exc)
        else:
            return redirect("maintenance:plan_detail", pk=plan.pk)
    plan = get_or_404(selectors.plan_get, user=request.user, pk=pk)
    return _plan_page(request, plan, status=400, **{name: form})


@login_required
def my_visits(request):
    return render(
        request, "maintenance/my_visits.html", {"visits": selectors.my_visits(user=request.user)}
    )


@login_required
def visit_steps(request, pk):
    data = get_or_404(selectors.visit_steps, user=request.user, order_id=pk)
    steps_form = f.StepsForm(
        initial={"steps_done": [s["code"] for s in data["steps"] if s["done"]]}
    )
    check = data["check"]
    check_form = f.CustomerCheckForm(
        initial={"satisfied": "1" if check and check.satisfied else "0", "note": check.note}
        if check
        else None
    )
    status = 200
    if request.method == "POST":
        action = request.POST.get("action")
        form = f.StepsForm(request.POST) if action == "steps" else f.CustomerCheckForm(request.POST)
        if form.is_valid():
            try:
                if action == "steps":
                    services.visit_steps_tick(
                        by=request.user, order=data["order"], steps=form.cleaned_data["steps_done"]
                    )
                else:
                    services.customer_check_record(
                        by=request.user,
                        order=data["order"],
                        satisfied=form.cleaned_data["satisfied"],
                        note=form.cleaned_data["note"],
                    )
            except PermissionDeniedError as exc:
                raise PermissionDenied from exc
            except DomainError as exc:
                add_domain_error(form, exc)
            else:
                return redirect("maintenance:visit_steps", pk=pk)
        status = 400
        if action == "steps":
            steps_form = form
        else:
            check_form = form
    ctx = {**data, "steps_form": steps_form, "check_form": check_form}
    return render(request, "maintenance/visit_steps.html", ctx, status=status)


@login_required
def steps_report(request):
    form = f.MonthForm(request.GET or None)
    month = timezone.localdate()
    status = 200
    if request.GET:
        if form.is_valid() and form.cleaned_data["month"]:
            month = form.cleaned_data["month"]
        elif not form.is_valid():
            status = 400
    try:
        rows = selectors.steps_skipped_report(user=request.user, month=month)
    except PermissionDeniedError as exc:
        raise PermissionDenied from exc
    return render(
        request,
        "maintenance/steps_report.html",
        {"rows": rows, "form": form, "month": month},
        status=status,
    )


@login_required
def my_duties(request, status=200, error_item=None, error_form=None):
    lists = selectors.my_duty_lists(user=request.user)
    return render(
        request,
        "maintenance/my_duties.html",
        {
            "lists": lists,
            "error_item": error_item,
            "error_form": error_form,
            "form": f.DutyTickForm(),
        },
        status=status,
    )


@login_required
@require_POST
def duty_tick(request, pk):
    item = get_or_404(selectors.duty_item_get, user=request.user, pk=pk)
    form = f.DutyTickForm(request.POST, request.FILES)
    if form.is_valid():
        try:
            services.duty_item_tick(
                by=request.user,
                item=item,
                note=form.cleaned_data["note"],
                photo=form.cleaned_data["photo"],
            )
        except PermissionDeniedError as exc:
            raise PermissionDenied from exc
        except DomainError as exc:
            add_domain_error(form, exc)
        else:
            return redirect("maintenance:my_duties")
    return my_duties(request, status=400, error_item=item.pk, error_form=form)


@login_required
def duty_board(request):
    try:
        data = selectors.duty_board(user=request.user)
    except PermissionDeniedError as exc:
        raise PermissionDenied from exc
    return render(request, "maintenance/duty_board.html", data)
