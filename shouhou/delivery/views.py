"""Pages: the delivery calendar (by day, by crew) with the day's Excel, a delivery's page with its
actions, scheduling from a contract, the workshop's queue, tasks, goods over the storage limit,
and the crew's phone pages (today's runs; one run: checklist, balance, signature)."""

from __future__ import annotations

import datetime as dt
import uuid

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.db.models import Count
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy as _l
from django.views.decorators.http import require_POST

from shouhou.core.errors import DomainError, PermissionDeniedError
from shouhou.core.idempotency import run_idempotent
from shouhou.org import roles as r
from shouhou.sales.models import Contract, PaymentMethod
from shouhou.staff.models import ServiceStaff, WorkKind

from . import selectors, services
from .models import Delivery, Satisfaction, WorkshopRequest


def _day(request) -> dt.date:
    try:
        return dt.date.fromisoformat(request.GET.get("day", ""))
    except ValueError:
        return timezone.localdate()


@login_required
def calendar(request):
    if not r.has_role(request.user, *r.OFFICE_ROLES, r.WAREHOUSE_KEEPER, r.MERCHANT_ADMIN):
        raise PermissionDeniedError()
    day = _day(request)
    week = [day + dt.timedelta(days=i) for i in range(7)]
    counts = dict(
        selectors.delivery_list(user=request.user, date_from=week[0], date_to=week[-1])
        .exclude(status=Delivery.Status.CANCELLED)
        .values_list("scheduled_date")
        .annotate(n=Count("id"))
        .order_by()
    )
    return render(
        request,
        "delivery/calendar.html",
        {
            "day": day,
            "prev": day - dt.timedelta(days=1),
            "next": day + dt.timedelta(days=1),
            "week": [(d, counts.get(d, 0)) for d in week],
            "groups": [
                (crew, runs)
                for crew, runs in selectors.day_by_crew(user=request.user, day=day)
                if not request.GET.get("crew") or (crew and str(crew.pk) == request.GET["crew"])
            ],
            "crew_filter": request.GET.get("crew", ""),
            "can_schedule": r.has_role(request.user, *services.SCHEDULER_ROLES),
        },
    )


COLUMNS = [
    ("crew", _l("Crew")),
    ("vehicle", _l("Vehicle")),
    ("contract", _l("Contract")),
    ("customer", _l("Customer")),
    ("phone", _l("Phone")),
    ("address", _l("Delivery address")),
    ("goods", _l("Goods")),
    ("balance", _l("Balance due")),
    ("status", _l("Status")),
]


# Tiny and local until the shared Excel helper of shouhou.core.exports is merged.
YUAN_FORMAT = '"¥"#,##0.00'


@login_required
def day_xlsx(request):
    from shouhou.core import exports
    from shouhou.core.phones import mask_phone

    if not r.has_role(request.user, *r.OFFICE_ROLES, r.WAREHOUSE_KEEPER):
        raise PermissionDeniedError()
    day = _day(request)
    full_phone = r.has_role(request.user, r.CS_SUPERVISOR, r.CS_MANAGER) and bool(
        request.GET.get("full_phone")
    )
    wb = exports.new_workbook(day.isoformat())
    ws = wb.active
    exports.write_row(ws, [label for _k, label in COLUMNS], bold=True)
    for crew, runs in selectors.day_by_crew(user=request.user, day=day):
        for d in runs:
            goods = "；".join(
                f"{line.product} {line.model.code if line.model else ''} ×{line.quantity}"
                for line in d.contract.lines.select_related("product", "model")
            )
            phone = d.customer.mobile if full_phone else mask_phone(d.customer.mobile)
            exports.write_row(
                ws,
                [
                    crew.name if crew else "",
                    d.vehicle,
                    d.contract.number,
                    d.customer.name,
                    phone,
                    d.address,
                    goods,
                    exports.money(d.contract.balance_due),
                    str(d.get_status_display()),
                ],
            )
            ws.cell(ws.max_row, 8).number_format = YUAN_FORMAT
    for col, width in zip("ABCDEFGHI", (10, 12, 16, 10, 14, 40, 40, 12, 12), strict=True):
        ws.column_dimensions[col].width = width
    return exports.xlsx_response(exports.workbook_bytes(wb), f"deliveries-{day.isoformat()}.xlsx")


def _detail_context(request, d: Delivery) -> dict:
    user = request.user
    return {
        "d": d,
        "requests": d.workshop_requests.all(),
        "tasks": d.tasks.all(),
        "issues": d.issues.all(),
        "lines": services.checklist_rows(d),
        "is_scheduler": r.has_role(user, *services.SCHEDULER_ROLES),
        "is_supervisor": r.has_role(user, *services.SUPERVISOR_ROLES),
        "can_report": r.has_role(user, *services.REPORT_ROLES),
        "crews": [
            s
            for s in ServiceStaff.objects.filter(
                organisation_id=user.organisation_id, status=ServiceStaff.Status.ACTIVE
            ).order_by("name")
            if WorkKind.DELIVERY in (s.kinds or [])
        ],
        "allowed": {a for a, states in services.ALLOWED_FROM.items() if d.status in states},
    }


@login_required
def detail(request, pk):
    d = selectors.delivery_get(user=request.user, pk=pk)
    if r.has_role(request.user, r.DELIVERY_CREW) and not r.has_role(request.user, *r.OFFICE_ROLES):
        return redirect("delivery:run", pk=d.pk)
    return render(request, "delivery/detail.html", _detail_context(request, d))


@login_required
def schedule(request):
    if not r.has_role(request.user, *services.SCHEDULER_ROLES):
        raise PermissionDeniedError()
    contract = Contract.objects.filter(
        organisation_id=request.user.organisation_id, pk=request.GET.get("contract") or 0
    ).first()
    values = {
        "contract": request.POST.get("contract") or (contract.pk if contract else ""),
        "scheduled_date": request.POST.get("scheduled_date")
        or (contract.delivery_date.isoformat() if contract and contract.delivery_date else ""),
        "address": request.POST.get("address") or (contract.delivery_address if contract else ""),
        "in_transit_since": request.POST.get("in_transit_since", ""),
        "idempotency_key": request.POST.get("idempotency_key") or uuid.uuid4().hex,
    }
    error, status = None, 200
    if request.method == "POST":

        def action():
            d = services.delivery_schedule(
                by=request.user,
                contract=values["contract"],
                scheduled_date=values["scheduled_date"],
                address=values["address"],
                in_transit_since=values["in_transit_since"] or None,
            )
            return 201, {"id": d.pk}

        try:
            _s, body, _r = run_idempotent(
                user=request.user,
                scope="page:delivery:schedule",
                key=values["idempotency_key"],
                action=action,
            )
        except DomainError as exc:
            error, status = exc, 400 if exc.status == 400 else exc.status
        else:
            messages.success(request, _("Delivery scheduled."))
            return redirect("delivery:detail", pk=body["id"])
    return render(
        request,
        "delivery/schedule.html",
        {
            "values": values,
            "contract": contract,
            "error": error,
            "waiting": [] if contract else selectors.contracts_to_schedule(user=request.user),
        },
        status=status,
    )


def _checklist_from_post(post) -> list[dict]:
    ids = post.getlist("line")
    return [
        {
            "line": line_id,
            "quantity": post.get(f"quantity_{line_id}"),
            "accessories": post.get(f"accessories_{line_id}") == "on",
        }
        for line_id in ids
    ]


ACTIONS = {
    "reconfirm": lambda u, d, p: services.delivery_reconfirm(
        by=u, delivery=d, note=p.get("note", "")
    ),
    "reschedule": lambda u, d, p: services.delivery_reschedule(
        by=u,
        delivery=d,
        scheduled_date=p.get("scheduled_date"),
        address=p.get("address") or None,
        note=p.get("note", ""),
    ),
    "cancel": lambda u, d, p: services.delivery_cancel(by=u, delivery=d, reason=p.get("reason")),
    "workshop_request": lambda u, d, p: services.workshop_request_create(
        by=u, delivery=d, description=p.get("description", "")
    ),
    "workshop_done": lambda u, d, p: services.delivery_workshop_done(by=u, delivery=d),
    "assign": lambda u, d, p: services.delivery_assign(
        by=u,
        delivery=d,
        crew=p.get("crew"),
        vehicle=p.get("vehicle", ""),
        crew_members=p.get("crew_members", ""),
    ),
    "confirm_customer": lambda u, d, p: services.delivery_confirm_with_customer(
        by=u, delivery=d, note=p.get("note", "")
    ),
    "load": lambda u, d, p: services.delivery_load(
        by=u, delivery=d, lines=_checklist_from_post(p), tool_kit=p.get("tool_kit") == "on"
    ),
    "depart": lambda u, d, p: services.delivery_depart(by=u, delivery=d),
    "collect": lambda u, d, p: services.delivery_collect_balance(
        by=u,
        delivery=d,
        amount=p.get("amount"),
        method=p.get("method", ""),
        receipt_no=p.get("receipt_no", ""),
    ),
    "complete": lambda u, d, p: services.delivery_complete(
        by=u,
        delivery=d,
        signature=p.get("signature", ""),
        signer_name=p.get("signer_name", ""),
        satisfaction=p.get("satisfaction"),
        comments=p.get("comments", ""),
    ),
    "report": lambda u, d, p: services.delivery_report(
        by=u, delivery=d, note=p.get("note", ""), preferences=p.get("preferences", "")
    ),
    "issue": lambda u, d, p: services.delivery_issue_record(
        by=u, delivery=d, description=p.get("description", "")
    ),
}
CREW_ACTIONS = {"confirm_customer", "load", "depart", "collect", "complete", "issue"}


@login_required
@require_POST
def action(request, pk, name):
    d = selectors.delivery_get(user=request.user, pk=pk)
    fn = ACTIONS.get(name)
    if fn is None:
        raise PermissionDeniedError()
    on_run_page = request.POST.get("from") == "run"
    try:
        fn(request.user, d, request.POST)
    except DomainError as exc:
        d.refresh_from_db()
        ctx = _run_context(request, d) if on_run_page else _detail_context(request, d)
        ctx.update({"error": exc, "failed": name, "posted": request.POST})
        template = "delivery/run.html" if on_run_page else "delivery/detail.html"
        return render(request, template, ctx, status=exc.status)
    messages.success(request, _("Saved."))
    return redirect("delivery:run" if on_run_page else "delivery:detail", pk=d.pk)


@login_required
def workshop(request):
    rows = selectors.workshop_queue(user=request.user)
    return render(
        request,
        "delivery/workshop.html",
        {
            "rows": rows,
            "today": timezone.localdate(),
            "is_workshop": r.has_role(request.user, r.WORKSHOP_SUPERVISOR),
            "is_supervisor": r.has_role(request.user, *services.SUPERVISOR_ROLES),
        },
    )


@login_required
@require_POST
def workshop_action(request, pk, name):
    req = WorkshopRequest.objects.filter(
        organisation_id=request.user.organisation_id, pk=pk
    ).first()
    try:
        if req is None:
            from shouhou.core.errors import NotFoundError

            raise NotFoundError()
        if name == "done":
            services.workshop_request_done(
                by=request.user, request=req, note=request.POST.get("note", "")
            )
        elif name in ("accept", "return"):
            services.workshop_request_inspect(
                by=request.user,
                request=req,
                passed=name == "accept",
                note=request.POST.get("note", ""),
            )
        else:
            raise PermissionDeniedError()
    except DomainError as exc:
        if exc.status in (403, 404):
            raise
        messages.error(request, "; ".join([str(exc.message), *sum(exc.fields.values(), [])]))
        return redirect("delivery:workshop")
    messages.success(request, _("Saved."))
    return redirect("delivery:workshop")


@login_required
def tasks(request):
    """Open delivery tasks by due day, late ones marked; `?due=overdue`: only those."""
    today = timezone.localdate()
    overdue_only = request.GET.get("due") == "overdue"
    rows = selectors.task_list(user=request.user, overdue_on=today if overdue_only else None)
    return render(
        request,
        "delivery/tasks.html",
        {"tasks": rows, "today": today, "overdue_only": overdue_only},
    )


@login_required
@require_POST
def task_done(request, pk):
    services.delivery_task_done(by=request.user, task=pk)
    messages.success(request, _("Saved."))
    return redirect("delivery:tasks")


@login_required
def storage(request):
    if not r.has_role(request.user, *r.OFFICE_ROLES, r.WAREHOUSE_KEEPER):
        raise PermissionDeniedError()
    return render(
        request,
        "delivery/storage.html",
        {"rows": selectors.storage_over_limit(user=request.user)},
    )


@login_required
def my_runs(request):
    if not r.has_role(request.user, r.DELIVERY_CREW):
        raise PermissionDeniedError()
    day = _day(request)
    return render(
        request,
        "delivery/my_runs.html",
        {"runs": selectors.my_runs(user=request.user, day=day), "day": day},
    )


def _run_context(request, d: Delivery) -> dict:
    lines = services.checklist_rows(d)
    posted = request.POST if request.method == "POST" else {}
    for line in lines:  # what the crew typed stays on the form after an error
        line.typed_quantity = posted.get(f"quantity_{line.pk}", "")
        line.typed_accessories = posted.get(f"accessories_{line.pk}") == "on"
    return {
        "d": d,
        "lines": lines,
        "tool_kit_typed": posted.get("tool_kit") == "on",
        "balance_due": d.contract.balance_due,
        "can_sign": d.status == Delivery.Status.OUT
        and (d.collected_at is not None or d.contract.balance_due <= 0),
        "methods": PaymentMethod.choices,
        "satisfaction": Satisfaction.choices,
        "allowed": {a for a, states in services.ALLOWED_FROM.items() if d.status in states},
    }


@login_required
def run(request, pk):
    d = selectors.delivery_get(user=request.user, pk=pk)
    return render(request, "delivery/run.html", _run_context(request, d))
