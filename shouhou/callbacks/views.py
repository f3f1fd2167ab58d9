"""Pages of the call centre: the agent's list for today, a task with its attempts and context,
the supervisor's team view (counts per agent, reassign in bulk) and the settings page.

Every action on a task is a small POST form (take, assign, log an unanswered attempt,
reschedule, close as unreachable, skip, cancel) with a hidden idempotency key: a double click
acts once. A refused action shows the page it came from again, with the message next to the
field and what was typed (status 400 or 409).
"""

from __future__ import annotations

import uuid
from urllib.parse import urlsplit

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import QueryDict
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy as _l
from django.views.decorators.http import require_POST

from shouhou.core.errors import DomainError, PermissionDeniedError
from shouhou.core.forms import add_domain_error
from shouhou.core.idempotency import run_idempotent
from shouhou.delivery.services import settings_for as delivery_settings
from shouhou.org import roles as r
from shouhou.org.models import Organisation
from shouhou.workdays.services import calendar_for
from shouhou.workorders.config import settings_for as workorder_settings

from . import schedule, selectors, services
from .forms import ACTION_FORMS, AssignForm, SettingsForm
from .models import CallbackTask

TEAM_LIMIT = 300


def _require_reader(user) -> None:
    if not selectors.can_read(user):
        raise PermissionDeniedError()


def _key() -> dict:
    return {"idempotency_key": uuid.uuid4().hex}


def _forms_for(task: CallbackTask, user, cfg, agents, failed=None) -> dict:
    """The action forms a task shows to this user (one bound form when an action failed)."""
    supervisor = services.is_supervisor(user)
    mine = supervisor or task.assigned_to_id in (None, user.pk)
    names = []
    if task.status == CallbackTask.Status.OPEN:
        if task.assigned_to_id is None and services.is_agent(user):
            names.append("take")
        if mine:
            names += ["attempt", "reschedule", "skip"]
            if task.attempts >= cfg.max_attempts:
                names.append("unreachable")
        if supervisor:
            names += ["assign", "cancel"]
    forms = {}
    for name in names:
        kw = {"auto_id": f"id_{name}_{task.pk}_%s"}
        if name == "assign":
            kw["agents"] = agents
        if failed and failed[0] == task.pk and failed[1] == name:
            forms[name] = failed[2]
        else:
            initial = _key()
            if name == "assign":
                initial["agent"] = str(task.assigned_to_id or "")
            forms[name] = ACTION_FORMS[name](initial=initial, **kw)
    return forms


def _decorate(tasks, user, today, failed=None) -> list:
    cfg = services.settings_for(user.organisation_id)
    agents = (
        list(services.assignable_agents(user.organisation_id))
        if services.is_supervisor(user)
        else []
    )
    out = []
    for t in tasks:
        t.forms = _forms_for(t, user, cfg, agents, failed)
        t.is_overdue = t.status == CallbackTask.Status.OPEN and t.due_on < today
        t.attempts_needed = max(0, cfg.max_attempts - t.attempts)
        out.append(t)
    return out


# -- the agent's list ---------------------------------------------------------------------------
def _list_context(request, params: QueryDict, failed=None) -> dict:
    user = request.user
    today = timezone.localdate()
    view = params.get("view", "mine")
    supervisor = services.is_supervisor(user)
    agent = None
    if supervisor and params.get("agent", "").isdigit():
        agent = services.assignable_agents(user.organisation_id).filter(pk=params["agent"]).first()
    overdue_only = params.get("due") == "overdue"
    tasks = selectors.call_list(
        user=user,
        today=today,
        unassigned=view == "unassigned",
        agent=agent,
        overdue=overdue_only,
    )
    tasks = _decorate(tasks, user, today, failed)
    return {
        "tasks": tasks,
        "today": today,
        "view": "unassigned" if view == "unassigned" else "mine",
        "agent": agent,
        "overdue_only": overdue_only,
        "is_supervisor": supervisor,
        "can_configure": r.has_role(user, *services.SETTINGS_ROLES),
        "n_overdue": sum(1 for t in tasks if t.is_overdue),
        "here": request.get_full_path() if request.method == "GET" else params.get("_next", ""),
        "page": "list",
    }


@login_required
def my_list(request):
    _require_reader(request.user)
    return render(request, "callbacks/my_list.html", _list_context(request, request.GET))


# -- one task -----------------------------------------------------------------------------------
def _detail_context(request, task: CallbackTask, failed=None) -> dict:
    today = timezone.localdate()
    _decorate([task], request.user, today, failed)
    return {
        "t": task,
        "attempts": list(task.attempt_rows.all()),
        "record": selectors.task_record(task),
        "today": today,
        "is_supervisor": services.is_supervisor(request.user),
        "here": reverse("callbacks:task_detail", args=[task.pk]),
        "page": "detail",
    }


@login_required
def task_detail(request, pk):
    task = selectors.task_get(user=request.user, pk=pk)
    return render(request, "callbacks/task_detail.html", _detail_context(request, task))


# -- actions ------------------------------------------------------------------------------------
def _run(name: str, user, task: CallbackTask, data: dict):
    if name == "take":
        return services.callback_task_assign(by=user, task=task, agent=user)
    if name == "assign":
        return services.callback_task_assign(by=user, task=task, agent=data.get("agent") or None)
    if name == "attempt":
        return services.callback_task_attempt(
            by=user, task=task, result=data.get("result") or "", note=data.get("note", "")
        )
    if name == "reschedule":
        return services.callback_task_reschedule(
            by=user, task=task, due_on=data.get("due_on"), reason=data.get("reason", "")
        )
    if name == "unreachable":
        return services.callback_task_close_unreachable(
            by=user, task=task, note=data.get("note", "")
        )
    if name == "skip":
        return services.callback_task_skip(by=user, task=task, reason=data.get("reason", ""))
    if name == "cancel":
        return services.callback_task_cancel(by=user, task=task, reason=data.get("reason", ""))
    raise PermissionDeniedError()


DONE_MESSAGES = {
    "take": _l("The task is on your list."),
    "assign": _l("Assigned."),
    "attempt": _l("Attempt logged."),
    "reschedule": _l("Rescheduled."),
    "unreachable": _l("Closed as unreachable."),
    "skip": _l("Skipped."),
    "cancel": _l("Cancelled."),
}


def _safe_next(request, fallback: str) -> str:
    target = request.POST.get("_next", "")
    if target and url_has_allowed_host_and_scheme(
        target, allowed_hosts={request.get_host()}, require_https=request.is_secure()
    ):
        return target
    return fallback


@login_required
@require_POST
def task_action(request, pk, name):
    task = selectors.task_get(user=request.user, pk=pk)
    form_class = ACTION_FORMS.get(name)
    if form_class is None:
        raise PermissionDeniedError()
    kw = {"auto_id": f"id_{name}_{task.pk}_%s"}
    if name == "assign":
        kw["agents"] = services.assignable_agents(request.user.organisation_id)
    form = form_class(request.POST, **kw)
    form.is_valid()
    data = dict(form.cleaned_data)

    def action():
        _run(name, request.user, task, data)
        return 200, {"id": task.pk}

    try:
        run_idempotent(
            user=request.user,
            scope=f"page:callbacks:{name}:{task.pk}",
            key=data.get("idempotency_key") or None,
            action=action,
        )
    except DomainError as exc:
        if exc.status in (403, 404):
            raise
        add_domain_error(form, exc)
        task = selectors.task_get(user=request.user, pk=pk)
        failed = (task.pk, name, form)
        if request.POST.get("_page") == "detail":
            ctx = _detail_context(request, task, failed)
            ctx.update({"failed": name})
            return render(request, "callbacks/task_detail.html", ctx, status=exc.status)
        params = QueryDict(urlsplit(request.POST.get("_next", "")).query, mutable=True)
        params["_next"] = _safe_next(request, reverse("callbacks:my_list"))
        ctx = _list_context(request, params, failed)
        ctx.update({"failed": name, "failed_task": task})
        if not any(t.pk == task.pk for t in ctx["tasks"]):
            # The task is not on the list shown (e.g. taken from the unassigned pool): show it
            # on its own page with the message.
            ctx = _detail_context(request, task, failed)
            return render(request, "callbacks/task_detail.html", ctx, status=exc.status)
        return render(request, "callbacks/my_list.html", ctx, status=exc.status)
    messages.success(request, DONE_MESSAGES[name])
    return redirect(_safe_next(request, reverse("callbacks:my_list")))


# -- the supervisor's team view -----------------------------------------------------------------
def _team_context(request, params, form=None) -> dict:
    user = request.user
    today = timezone.localdate()
    agents = list(services.assignable_agents(user.organisation_id))
    who = params.get("who", "")
    tasks = selectors.task_list(user=user, status=CallbackTask.Status.OPEN, today=today)
    if who == "unassigned":
        tasks = tasks.filter(assigned_to__isnull=True)
    elif who.isdigit():
        tasks = tasks.filter(assigned_to_id=int(who))
    if params.get("overdue"):
        tasks = tasks.filter(due_on__lt=today)
    else:
        tasks = tasks.filter(selectors.callable_on(today))
    total = tasks.count()
    if form is None:
        form = AssignForm(initial=_key(), agents=agents)
    return {
        "rows": selectors.team_overview(user=user, today=today),
        "tasks": list(tasks[:TEAM_LIMIT]),
        "total": total,
        "limit": TEAM_LIMIT,
        "agents": agents,
        "who": who,
        "overdue": bool(params.get("overdue")),
        "form": form,
        "today": today,
        "selected": {int(x) for x in params.getlist("tasks") if str(x).isdigit()},
    }


@login_required
def team(request):
    if not (selectors.can_read(request.user) and services.is_supervisor(request.user)):
        raise PermissionDeniedError()
    if request.method != "POST":
        return render(request, "callbacks/team.html", _team_context(request, request.GET))
    agents = list(services.assignable_agents(request.user.organisation_id))
    form = AssignForm(request.POST, agents=agents)
    form.is_valid()
    ids = request.POST.getlist("tasks")

    def action():
        n = services.callback_tasks_assign(
            by=request.user, tasks=ids, agent=form.cleaned_data.get("agent") or None
        )
        return 200, {"changed": n}

    try:
        _s, body, _r = run_idempotent(
            user=request.user,
            scope="page:callbacks:team_assign",
            key=form.cleaned_data.get("idempotency_key") or None,
            action=action,
        )
    except DomainError as exc:
        if exc.status in (403, 404):
            raise
        add_domain_error(form, exc)
        ctx = _team_context(request, request.POST, form)
        return render(request, "callbacks/team.html", ctx, status=exc.status)
    messages.success(request, _("%(n)d task(s) reassigned.") % {"n": body.get("changed", 0)})
    query = request.POST.get("_query", "")
    return redirect(reverse("callbacks:team") + (f"?{query}" if query else ""))


# -- settings -----------------------------------------------------------------------------------
def _schedules(org_id) -> dict:
    """The after-delivery and after-appointment schedules (edited where they live) and what the
    rules give for an event today."""

    today = timezone.localdate()
    cal = calendar_for(org_id)
    cfg = services.settings_for(org_id)
    delivery = delivery_settings(org_id)

    workorder = workorder_settings(Organisation.objects.get(pk=org_id))
    offsets = schedule.parse_offsets(delivery.callback_offsets)
    greetings = schedule.greetings_due(today, 366, cfg.holiday_names(), cal)
    seen, upcoming = set(), []
    for holiday, dates in greetings:
        if holiday.name not in seen:
            seen.add(holiday.name)
            upcoming.append((holiday, dates))
    return {
        "today": today,
        "delivery_settings": delivery,
        "workorder_settings": workorder,
        "delivery_preview": [(o, schedule.after_delivery(today, o, cal)) for o in offsets],
        "appointment_preview": schedule.after_appointment(
            today, workorder.callback_after_appointment_days, cal
        ),
        "service_preview": schedule.after_service(today, cfg.after_service_working_days, cal),
        "greetings_preview": upcoming,
        # Names the calendar never uses (a typo): no greeting would ever be due.
        "missing_names": [
            n
            for n in cfg.holiday_names()
            if n not in {name for working, name in cal.exceptions.values() if not working}
        ],
    }


@login_required
def settings_page(request):
    r.require_role(request.user, *services.SETTINGS_ROLES)
    org_id = request.user.organisation_id
    cfg = services.settings_for(org_id)
    status = 200
    if request.method == "POST":
        form = SettingsForm(request.POST, instance=services.settings_for(org_id))
        if form.is_valid():
            values = {f: form.cleaned_data[f] for f in form.Meta.fields}
            try:
                services.callback_settings_update(by=request.user, **values)
            except DomainError as exc:
                if exc.status in (403, 404):
                    raise
                add_domain_error(form, exc)
                status = exc.status
            else:
                messages.success(request, _("Settings saved."))
                return redirect("callbacks:settings")
        else:
            status = 400
    else:
        form = SettingsForm(instance=cfg)
    return render(
        request,
        "callbacks/settings.html",
        {"form": form, **_schedules(org_id)},
        status=status,
    )
