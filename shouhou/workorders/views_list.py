"""The work-order list (issue 22.3): filters in the URL, the next due time with the remaining
working time and a badge, saved filters, bulk assignment, printing and the Excel export of
exactly what is filtered."""

from __future__ import annotations

import datetime as dt
import uuid
from typing import Any

from django import forms
from django.contrib.auth.decorators import login_required
from django.db.models import QuerySet
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_POST

from shouhou.core import savedfilters
from shouhou.core.errors import PermissionDeniedError
from shouhou.core.exports import new_workbook, workbook_bytes, write_row, xlsx_response
from shouhou.core.forms import IdempotentFormMixin, submit_idempotent
from shouhou.core.pagination import KeysetPagination
from shouhou.core.phones import mask_phone
from shouhou.org import roles as r
from shouhou.staff.models import ServiceStaff

from . import due as due_
from . import selectors, services, states
from .models import WorkOrder
from .views import my_jobs

LIST_PARAMS = ("q", "status", "flag", "due", "sort", "policy")
SAVED_LIST = savedfilters.SavedList(
    key="workorders", url_name="workorders:list", params=LIST_PARAMS
)
EXPORT_MAX = 5000
FLAG_LABELS = {
    "is_reissued": gettext_lazy("Re-issued"),
    "missed_service": gettext_lazy("Missed service"),
    "needs_revisit": gettext_lazy("Needs another visit"),
    "contact_overdue": gettext_lazy("Contact overdue"),
    "onsite_overdue": gettext_lazy("On site overdue"),
    "fixed_overdue": gettext_lazy("Fix overdue"),
    "unreachable_overdue": gettext_lazy("Unreachable report overdue"),
    "arrange_overdue": gettext_lazy("Not arranged in time"),
}
SORT_LABELS = {
    "": gettext_lazy("Re-issued first, then newest"),
    due_.SORT_DUE: gettext_lazy("Next due first"),
}


def can_read_list(user: Any) -> bool:
    return bool(user.is_superuser or r.has_role(user, *r.OFFICE_ROLES, r.MERCHANT_ADMIN))


def can_assign(user: Any) -> bool:
    return bool(user.is_superuser or r.has_role(user, *services.DISPATCH_ROLES))


class ListFilter(forms.Form):
    """The list's query parameters; a value the list does not know is ignored (the page shows
    the list without that filter, as a mistyped bookmark should)."""

    q = forms.CharField(required=False, max_length=100)
    status = forms.ChoiceField(
        required=False,
        choices=[
            ("", ""),
            ("unresolved", ""),
            (states.OPEN, ""),
            (states.PAUSED, ""),
            (states.RESOLVED, ""),
            *states.STATUS_CHOICES,
        ],
    )
    flag = forms.ChoiceField(required=False, choices=[("", ""), *FLAG_LABELS.items()])
    due = forms.ChoiceField(required=False, choices=[("", ""), *due_.DUE_FILTER_LABELS.items()])
    policy = forms.IntegerField(required=False, min_value=1)
    sort = forms.ChoiceField(required=False, choices=list(SORT_LABELS.items()))


def _params(request: HttpRequest) -> dict[str, Any]:
    form = ListFilter(request.GET)
    form.is_valid()
    return {k: v for k, v in form.cleaned_data.items() if v}


def filtered_orders(request: HttpRequest, *, now: dt.datetime) -> QuerySet[WorkOrder]:
    """The orders the list's filters in the URL select, in the list's order."""
    p = _params(request)
    return selectors.workorder_list(
        user=request.user,
        status=p.get("status"),
        q=p.get("q"),
        flag=p.get("flag"),
        due=p.get("due"),
        sort=p.get("sort"),
        policy_id=p.get("policy"),
        now=now,
        summary=True,
    )


@login_required
def order_list(request: HttpRequest) -> HttpResponse:
    from rest_framework.request import Request

    if not can_read_list(request.user):
        if r.has_role(request.user, r.TECHNICIAN, r.DELIVERY_CREW):
            return my_jobs(request)  # a technician's work orders are their jobs
        raise PermissionDeniedError()
    now = timezone.now()
    qs = filtered_orders(request, now=now)
    # The API's keyset pages: page 500 costs what page 1 costs, and no COUNT of the table.
    paginator = KeysetPagination()
    page = paginator.paginate_queryset(qs, Request(request))
    due_.DueReader(now=now).annotate(page)
    query = SAVED_LIST.clean_query(request.GET)
    return render(
        request,
        "workorders/list.html",
        {
            "page": page,
            "next_url": paginator.get_next_link(),
            "first_url": paginator.get_first_link() if request.GET.get("cursor") else None,
            "statuses": states.STATUS_CHOICES,
            "flags": FLAG_LABELS.items(),
            "due_filters": due_.DUE_FILTER_LABELS.items(),
            "sorts": SORT_LABELS.items(),
            "query": query,
            "can_assign": can_assign(request.user),
            "pending_requests": selectors.public_requests_pending(user=request.user)[:20],
            **savedfilters.context(
                SAVED_LIST,
                request,
                save_url_name="workorders:filter_save",
                delete_url_name="workorders:filter_delete",
            ),
        },
    )


filter_save = savedfilters.save_view(SAVED_LIST, can_use=can_read_list)
filter_delete = savedfilters.delete_view(SAVED_LIST)


# Excel ------------------------------------------------------------------------------------------
def _local(value: dt.datetime | None) -> str:
    return timezone.localtime(value).strftime("%Y-%m-%d %H:%M") if value else ""


EXPORT_COLUMNS = (
    gettext_lazy("Order"),
    gettext_lazy("Customer"),
    gettext_lazy("Phone"),
    gettext_lazy("Kind"),
    gettext_lazy("Status"),
    gettext_lazy("Technician"),
    gettext_lazy("Received"),
    gettext_lazy("Next due"),
    gettext_lazy("Next time limit"),
    gettext_lazy("Working time"),
    gettext_lazy("Overdue"),
    gettext_lazy("Flags"),
)


def _flags(order: WorkOrder) -> str:
    return ", ".join(str(label) for f, label in FLAG_LABELS.items() if getattr(order, f, False))


def orders_xlsx(orders: list[WorkOrder], *, now: dt.datetime, cut: bool) -> bytes:
    wb = new_workbook(_("Work orders"))
    ws = wb.active
    if cut:
        write_row(
            ws,
            [
                _(
                    "Only the first %(n)d orders of this filter are in this file: "
                    "narrow the filter to export the rest."
                )
                % {"n": EXPORT_MAX}
            ],
            bold=True,
        )
    write_row(ws, [str(c) for c in EXPORT_COLUMNS], bold=True)
    reader = due_.DueReader(now=now)
    for o in orders:
        info = reader.info(o)
        write_row(
            ws,
            [
                o.number,
                o.customer.name,
                mask_phone(o.contact_phone) if o.contact_phone else "",
                str(o.get_kind_display()),
                str(o.status_label),
                o.technician.name if o.technician else "",
                _local(o.received_at),
                _local(info.at),
                info.target,
                info.left,
                _("Yes") if info.state == due_.OVERDUE else "",
                _flags(o),
            ],
        )
    return workbook_bytes(wb)


def _export(orders_qs: QuerySet[WorkOrder], *, now: dt.datetime) -> HttpResponse:
    rows = list(orders_qs[: EXPORT_MAX + 1])
    cut = len(rows) > EXPORT_MAX
    rows = rows[:EXPORT_MAX]
    stamp = timezone.localtime(now).strftime("%Y%m%d-%H%M")
    resp = xlsx_response(orders_xlsx(rows, now=now, cut=cut), f"workorders-{stamp}.xlsx")
    resp["X-Export-Rows"] = str(len(rows))
    if cut:
        resp["X-Export-Cut"] = str(EXPORT_MAX)
    return resp


@login_required
def order_export(request: HttpRequest) -> HttpResponse:
    """The list's filters (the same URL parameters) as an Excel file, at most `EXPORT_MAX`
    rows; a longer result says so in its first row (and the `X-Export-Cut` header)."""
    if not can_read_list(request.user):
        raise PermissionDeniedError()
    now = timezone.now()
    return _export(filtered_orders(request, now=now), now=now)


# Bulk actions -----------------------------------------------------------------------------------
class BulkAssignForm(IdempotentFormMixin, forms.Form):
    technician: forms.ModelChoiceField[ServiceStaff] = forms.ModelChoiceField(
        label=gettext_lazy("Technician"), queryset=None
    )

    def __init__(self, *args: Any, user: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        field = self.fields["technician"]
        assert isinstance(field, forms.ModelChoiceField)
        field.queryset = selectors.assignable_technicians(user=user)


def _selected(request: HttpRequest) -> list[int]:
    ids = []
    for raw in request.POST.getlist("ids")[: services.BULK_MAX + 1]:
        try:
            ids.append(int(raw))
        except ValueError:
            continue
    return list(dict.fromkeys(i for i in ids if 0 < i < 2**63))


def _selected_orders(request: HttpRequest, ids: list[int], *, summary: bool) -> list[WorkOrder]:
    """The selected orders the user may see (any other id is left out), in the list's order."""
    qs = selectors.workorder_list(user=request.user, summary=summary).filter(pk__in=ids)
    return list(qs[: services.BULK_MAX])


@login_required
@require_POST
def order_bulk(request: HttpRequest) -> HttpResponse:
    """The selected rows: `action=print` (a page to print), `export` (Excel), `assign` (the
    technician to give them to, then the result: assigned, and why the others were not)."""
    user = request.user
    if not can_read_list(user):
        raise PermissionDeniedError()
    action = request.POST.get("action", "")
    ids = _selected(request)
    if not ids:
        return render(
            request,
            "workorders/bulk_result.html",
            {"error": _("Select at least one order.")},
            status=400,
        )
    if len(ids) > services.BULK_MAX:
        return render(
            request,
            "workorders/bulk_result.html",
            {"error": _("At most %(n)d orders at once.") % {"n": services.BULK_MAX}},
            status=400,
        )
    now = timezone.now()
    if action == "print":
        orders = _selected_orders(request, ids, summary=False)
        due_.DueReader(now=now).annotate(orders)
        return render(request, "workorders/print.html", {"orders": orders, "now": now})
    if action == "export":
        qs = selectors.workorder_list(user=user, summary=True).filter(pk__in=ids)
        return _export(qs, now=now)
    if action == "assign":
        return _bulk_assign(request, ids)
    return render(
        request, "workorders/bulk_result.html", {"error": _("Unknown action.")}, status=400
    )


def _bulk_assign(request: HttpRequest, ids: list[int]) -> HttpResponse:
    user = request.user
    if not can_assign(user):
        raise PermissionDeniedError()
    orders = _selected_orders(request, ids, summary=False)
    confirming = "technician" in request.POST
    form = BulkAssignForm(
        request.POST if confirming else None,
        user=user,
        initial={"idempotency_key": uuid.uuid4().hex},
    )
    if confirming and form.is_valid():
        technician = form.cleaned_data["technician"]

        def action() -> tuple[int, dict[str, Any]]:
            result = services.workorder_bulk_assign(by=user, orders=orders, technician=technician)
            return 200, {
                "technician": technician.name,
                "assigned": [{"id": o.pk, "number": o.number} for o in result.assigned],
                "failed": [
                    {"id": o.pk, "number": o.number, "reason": why} for o, why in result.failed
                ],
            }

        body = submit_idempotent(request, form, scope="page:workorders:bulk_assign", action=action)
        if body is not None:
            return render(request, "workorders/bulk_result.html", {"result": body})
    return render(
        request,
        "workorders/bulk_assign.html",
        {"form": form, "orders": orders},
        status=400 if confirming else 200,
    )
