"""Pages: the month's ranking (month picker, store filter, sort; close / re-open and exclusions
for managers), the finance sheet (Excel), one technician's month with the orders behind each
rate, "my scores" for a technician, the department targets with their trend, and the scoring
settings."""

from __future__ import annotations

import uuid

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from shouhou.core.errors import DomainError, PermissionDeniedError
from shouhou.core.forms import add_domain_error, submit_idempotent
from shouhou.org import roles as r

from . import excel, figures, selectors, services
from .forms import ExclusionForm, ReasonForm, SettingsForm
from .models import BASE_HELP, RATE_HELP, RATES, Exclusion, Rate


def _month(request):
    raw = request.GET.get("month") or request.POST.get("month")
    return figures.parse_month(raw) if raw else timezone.localdate().replace(day=1)


def _is_manager(user) -> bool:
    return r.has_role(user, *services.MANAGER_ROLES)


def _definitions():
    labels = dict(Rate.choices)
    return [(k, labels[k], RATE_HELP[k]) for k in RATES]


def _ranking_reader(request):
    if not r.has_role(request.user, *selectors.RANKING_ROLES):
        raise PermissionDeniedError()


def _ranking_context(request, month, **extra) -> dict:
    user = request.user
    store = request.GET.get("store") or ""
    sort = request.GET.get("sort") or "-total"
    view = selectors.month_view(user=user, month=month, store=store or None, sort=sort)
    is_manager = _is_manager(user)
    ctx = {
        "view": view,
        "month": month,
        "stores": selectors.stores(user=user),
        "store": store,
        "sort": sort,
        "rates": [(k, dict(Rate.choices)[k]) for k in RATES],
        "definitions": _definitions(),
        "base_help": BASE_HELP,
        "is_manager": is_manager,
        "sees_everyone": selectors.sees_everyone(user),
        "exclusions": selectors.exclusion_list(user=user, month=month),
        "events": selectors.month_events(user=user, month=month),
        "exclusion_form": ExclusionForm(
            initial={"idempotency_key": uuid.uuid4().hex, "kind": Exclusion.Kind.COMPLAINT}
        ),
        "reopen_form": ReasonForm(),
        "query": f"month={month:%Y-%m}" + (f"&store={store}" if store else ""),
    }
    ctx.update(extra)
    return ctx


@login_required
def ranking(request):
    if not selectors.sees_everyone(request.user) and not r.has_role(request.user, r.MERCHANT_ADMIN):
        if selectors.can_read(request.user):
            return redirect("performance:me")
        raise PermissionDeniedError()
    month = _month(request)
    return render(request, "performance/ranking.html", _ranking_context(request, month))


@login_required
def export(request):
    _ranking_reader(request)
    month = _month(request)
    store = request.GET.get("store") or None
    view = selectors.month_view(user=request.user, month=month, store=store)
    store_name = ""
    if store:
        store_name = selectors.stores(user=request.user).get(pk=store).name
    data = excel.month_workbook(view, organisation=request.user.organisation, store_name=store_name)
    resp = HttpResponse(
        data, content_type="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
    )
    resp["Content-Disposition"] = f'attachment; filename="technician-scores-{month:%Y-%m}.xlsx"'
    return resp


@login_required
@require_POST
def close(request):
    month = _month(request)
    try:
        services.month_close(by=request.user, month=month)
    except DomainError as exc:
        if exc.status == 403:
            raise
        return render(
            request,
            "performance/ranking.html",
            _ranking_context(request, month, error=exc),
            status=exc.status,
        )
    messages.success(
        request, _("%(month)s is closed: the figures are frozen.") % {"month": f"{month:%Y-%m}"}
    )
    return redirect(reverse("performance:ranking") + f"?month={month:%Y-%m}")


@login_required
@require_POST
def reopen(request):
    month = _month(request)
    form = ReasonForm(request.POST)
    form.is_valid()
    try:
        services.month_reopen(by=request.user, month=month, reason=form.cleaned_data.get("reason"))
    except DomainError as exc:
        if exc.status == 403:
            raise
        add_domain_error(form, exc)
        return render(
            request,
            "performance/ranking.html",
            _ranking_context(request, month, reopen_form=form, show_reopen=True),
            status=exc.status,
        )
    messages.success(request, _("%(month)s is open again.") % {"month": f"{month:%Y-%m}"})
    return redirect(reverse("performance:ranking") + f"?month={month:%Y-%m}")


@login_required
@require_POST
def exclude(request):
    """Exclude a complaint or a dissatisfied callback (from the ranking or a drill-down)."""
    user = request.user
    form = ExclusionForm(request.POST, organisation_id=user.organisation_id)
    month = _month(request)
    if form.is_valid():
        d = form.cleaned_data
        if d["kind"] == Exclusion.Kind.COMPLAINT and form.case_id() == -1:
            form.add_error("case", _("No complaint with this number."))
    if form.is_valid():
        d = form.cleaned_data

        def action():
            ex = services.exclusion_create(
                by=user,
                kind=d["kind"],
                case=form.case_id() if d["kind"] == Exclusion.Kind.COMPLAINT else None,
                callback=d.get("callback") if d["kind"] == Exclusion.Kind.DISSATISFACTION else None,
                category=d["category"],
                reason=d.get("reason", ""),
            )
            return 201, {"id": ex.pk, "month": f"{ex.month:%Y-%m}"}

        body = submit_idempotent(request, form, scope="page:performance:exclude", action=action)
        if body is not None:
            messages.success(request, _("Excluded from the figures."))
            back = request.POST.get("next") or ""
            if back.startswith("/performance/"):
                return redirect(back)
            return redirect(reverse("performance:ranking") + f"?month={body['month']}")
    back = request.POST.get("next") or ""
    tech, rate = request.POST.get("technician"), request.POST.get("rate")
    if back.startswith("/performance/") and tech and rate in selectors.DRILL_RATES:
        ctx = _orders_context(request, tech, rate, month, failed_form=form)
        return render(request, "performance/orders.html", ctx, status=400)
    return render(
        request,
        "performance/ranking.html",
        _ranking_context(request, month, exclusion_form=form, show_exclusion=True),
        status=400,
    )


@login_required
@require_POST
def revoke(request, pk):
    month = _month(request)
    form = ReasonForm(request.POST)
    form.is_valid()
    try:
        services.exclusion_revoke(
            by=request.user, exclusion=pk, reason=form.cleaned_data.get("reason")
        )
    except DomainError as exc:
        if exc.status in (403, 404):
            raise
        return render(
            request,
            "performance/ranking.html",
            _ranking_context(request, month, error=exc),
            status=exc.status,
        )
    messages.success(request, _("The exclusion is revoked: it counts again."))
    return redirect(reverse("performance:ranking") + f"?month={month:%Y-%m}")


def _technician_context(request, staff, month, *, is_me=False) -> dict:
    user = request.user
    view = selectors.month_view(user=user, month=month, technician_id=staff.pk)
    row = view.rows[0] if view.rows else None
    history = []
    for i in range(5, 0, -1):
        m = figures.add_months(month, -i)
        v = selectors.month_view(user=user, month=m, technician_id=staff.pk)
        history.append({"month": m, "row": v.rows[0] if v.rows else None, "closed": v.closed})
    history.append({"month": month, "row": row, "closed": view.closed})
    labels = dict(Rate.choices)
    return {
        "staff": staff,
        "view": view,
        "month": month,
        "row": row,
        "items": row.items() if row else [(k, labels[k], None, None, None) for k in RATES],
        "definitions": _definitions(),
        "base_help": BASE_HELP,
        "history": history,
        "is_me": is_me,
        "weights": view.scheme.get("weights", {}),
    }


@login_required
def technician(request, pk):
    staff = selectors.technician_get(user=request.user, pk=pk)
    month = _month(request)
    own = selectors.own_staff(request.user)
    return render(
        request,
        "performance/technician.html",
        _technician_context(request, staff, month, is_me=own is not None and own.pk == staff.pk),
    )


@login_required
def me(request):
    if not selectors.can_read(request.user):
        raise PermissionDeniedError()
    staff = selectors.own_staff(request.user)
    if staff is None:
        return render(request, "performance/no_staff.html", status=200)
    month = _month(request)
    return render(
        request,
        "performance/technician.html",
        _technician_context(request, staff, month, is_me=True),
    )


def _orders_context(request, technician_pk, rate, month, *, failed_form=None) -> dict:
    staff, state, orders = selectors.drilldown(
        user=request.user, technician_id=technician_pk, month=month, rate=rate
    )
    labels = dict(Rate.choices)
    is_manager = _is_manager(request.user) and not (state and state.is_closed)
    exclusions = selectors.exclusion_list(user=request.user, month=month).filter(technician=staff)
    return {
        "staff": staff,
        "month": month,
        "rate": rate,
        "rate_label": labels.get(rate, _("Base orders")),
        "rate_help": RATE_HELP.get(rate, BASE_HELP),
        "closed": bool(state and state.is_closed),
        "orders": orders,
        "can_exclude": is_manager,
        "exclusions": exclusions,
        "categories": Exclusion.Category.choices,
        "failed_form": failed_form,
        "new_key": uuid.uuid4().hex,
        "rates": [("base", _("Base orders"))] + [(k, labels[k]) for k in RATES],
    }


@login_required
def orders(request, pk, rate):
    month = _month(request)
    return render(request, "performance/orders.html", _orders_context(request, pk, rate, month))


@login_required
def targets(request):
    if not selectors.sees_everyone(request.user):
        raise PermissionDeniedError()
    month = _month(request)
    store = request.GET.get("store") or None
    current = selectors.department(user=request.user, month=month, store=store)
    series = selectors.trend(user=request.user, month=month, store=store)
    return render(
        request,
        "performance/targets.html",
        {
            "month": month,
            "prev": figures.add_months(month, -1),
            "next": figures.add_months(month, 1),
            "current": current,
            "trend": series,
            "stores": selectors.stores(user=request.user),
            "store": store or "",
        },
    )


@login_required
def settings_page(request):
    user = request.user
    if not selectors.sees_everyone(user):
        raise PermissionDeniedError()
    can_edit = r.has_role(user, *services.SETTINGS_ROLES)
    data = services.settings_as_dict(user.organisation_id)
    status = 200
    if request.method == "POST":
        if not can_edit:
            r.require_role(user, *services.SETTINGS_ROLES)
        form = SettingsForm(request.POST)
        form.is_valid()
        try:
            services.scoring_settings_update(by=user, **form.payload())
        except DomainError as exc:
            if exc.status == 403:
                raise
            form.add_service_error(exc)
            status = exc.status
        else:
            messages.success(request, _("Scoring settings saved. Open months use them at once."))
            return redirect("performance:settings")
    else:
        form = SettingsForm(initial=SettingsForm.initial_from(data))
    return render(
        request,
        "performance/settings.html",
        {
            "form": form,
            "can_edit": can_edit,
            "satisfied_from": data["satisfied_from"],
            "definitions": _definitions(),
        },
        status=status,
    )
