"""Reading callback records: who may, the list, one record, its outcome in words."""

from __future__ import annotations

import datetime as dt

from django.db.models import Q, QuerySet
from django.utils import timezone
from django.utils.translation import gettext as _

from shouhou.catalog import inputs
from shouhou.core.errors import (
    NotFoundError,
    PermissionDeniedError,
)
from shouhou.org import roles as r

from ..models import CallbackRecord, CallbackTask
from .common import READ_ROLES, RECORD_ROLES


def outcome_summary(record: CallbackRecord) -> list[str]:
    """What the record's outcomes did, in words for the agent (and the API)."""
    out = []
    if record.outcome_no_show and record.work_order_id:
        order = record.work_order
        out.append(
            _("Order %(number)s re-issued (重发); missed service recorded for %(tech)s.")
            % {"number": order.number, "tech": getattr(order.technician, "name", "")}
        )
    if record.second_visit_order_id:
        order = record.second_visit_order
        if record.work_order_id == order.pk:
            out.append(
                _("Order %(number)s marked as needing another visit.") % {"number": order.number}
            )
        elif order.created_at and order.created_at >= record.created_at:
            out.append(_("Second-visit order %(number)s created.") % {"number": order.number})
        else:
            out.append(
                _("The customer's open order %(number)s carries the second visit.")
                % {"number": order.number}
            )
    if record.complaint_case_id:
        out.append(_("Complaint %(number)s registered.") % {"number": record.complaint_case.number})
    if record.archive_updates:
        labels = {"birthday": _("birthday"), "preferences": _("preferences")}
        out.append(
            _("Customer archive updated: %(fields)s.")
            % {"fields": "、".join(str(labels.get(k, k)) for k in record.archive_updates)}
        )
    return out


# --- reads ---------------------------------------------------------------------------------------
def can_read(user) -> bool:
    return bool(getattr(user, "organisation_id", None)) and r.has_role(user, *READ_ROLES)


def can_record(user) -> bool:
    return bool(getattr(user, "organisation_id", None)) and r.has_role(user, *RECORD_ROLES)


def record_list(
    *,
    user,
    date_from: dt.date | None = None,
    date_to: dt.date | None = None,
    channel: str | None = None,
    satisfaction: int | None = None,
    technician: int | None = None,
    customer: int | None = None,
    work_order: int | None = None,
    task: int | None = None,
    outcome: str | None = None,
    q: str | None = None,
) -> QuerySet:
    """The organisation's callback records, newest first (office roles)."""
    if not can_read(user):
        raise PermissionDeniedError()
    qs = CallbackRecord.objects.filter(organisation_id=user.organisation_id)
    tz = timezone.get_current_timezone()
    if date_from:
        qs = qs.filter(called_at__gte=dt.datetime.combine(date_from, dt.time.min, tzinfo=tz))
    if date_to:
        end = dt.datetime.combine(date_to + dt.timedelta(days=1), dt.time.min, tzinfo=tz)
        qs = qs.filter(called_at__lt=end)
    if channel:
        qs = qs.filter(channel=channel)
    if satisfaction:
        qs = qs.filter(satisfaction=satisfaction)
    if technician:
        qs = qs.filter(technician_id=technician)
    if customer:
        qs = qs.filter(customer_id=customer)
    if work_order:
        qs = qs.filter(work_order_id=work_order)
    if task:
        qs = qs.filter(task_id=task)
    if outcome in ("no_show", "second_visit", "complaint"):
        qs = qs.filter(**{f"outcome_{outcome}": True})
    if q:
        q = q.strip()
        qs = qs.filter(
            Q(customer__name__icontains=q)
            | Q(customer__mobile__contains=q)
            | Q(work_order__number__icontains=q)
            | Q(comment__icontains=q)
        )
    return qs.select_related(
        "customer",
        "work_order",
        "delivery__contract",
        "technician",
        "caller",
        "task",
        "second_visit_order",
        "complaint_case",
    ).order_by("-called_at", "-id")


def record_get(*, user, pk) -> CallbackRecord:
    pk = inputs.as_id(pk)
    row = record_list(user=user).filter(pk=pk).first() if pk else None
    if row is None:
        raise NotFoundError()
    return row


def task_for_record(*, user, pk) -> CallbackTask:
    """A task of the caller's organisation to record (any status: the page explains why not)."""
    if not can_record(user):
        raise PermissionDeniedError()
    pk = inputs.as_id(pk)
    task = (
        CallbackTask.objects.filter(organisation_id=user.organisation_id, pk=pk)
        .select_related(
            "customer",
            "work_order__technician",
            "work_order__product",
            "work_order__product_model",
            "delivery__contract",
            "delivery__crew",
            "assigned_to",
        )
        .first()
        if pk
        else None
    )
    if task is None:
        raise NotFoundError()
    return task
