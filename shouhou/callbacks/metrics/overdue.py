"""Overdue callbacks: what should have been called by today and was not."""

from __future__ import annotations

import datetime as dt

from django.db.models import (
    Count,
    Min,
)
from django.utils.translation import gettext as _

from shouhou.workdays.services import calendar_for

from ..models import CallbackTask
from .common import LIST_LIMIT, _store_q


def overdue(organisation, today: dt.date, store=None, *, list_limit: int = LIST_LIMIT) -> dict:
    """Open callback tasks due before `today`: the count, by kind, by agent, the oldest first."""
    qs = CallbackTask.objects.filter(
        organisation=organisation, status=CallbackTask.Status.OPEN, due_on__lt=today
    )
    if store is not None:
        qs = qs.filter(_store_q(store))
    labels = dict(CallbackTask.Kind.choices)
    by_kind = [
        {"kind": kind, "label": str(labels.get(kind, kind)), "count": n, "oldest": oldest}
        for kind, n, oldest in qs.values_list("kind")
        .annotate(n=Count("pk"), oldest=Min("due_on"))
        .order_by("-n", "kind")
    ]
    by_agent = [
        {
            "user_id": uid,
            "agent": (display or username) if uid else _("(not assigned)"),
            "count": n,
            "oldest": oldest,
        }
        for uid, display, username, n, oldest in qs.values_list(
            "assigned_to", "assigned_to__display_name", "assigned_to__username"
        )
        .annotate(n=Count("pk"), oldest=Min("due_on"))
        .order_by("-n", "assigned_to")
    ]
    cal = calendar_for(organisation)
    oldest = [
        {
            "id": t.pk,
            "kind": t.kind,
            "kind_label": str(t.get_kind_display()),
            "due_on": t.due_on,
            "working_days_overdue": cal.working_days_between(t.due_on, today),
            "customer": t.customer.name,
            "agent": (t.assigned_to.display_name or t.assigned_to.username)
            if t.assigned_to_id
            else "",
            "work_order_id": t.work_order_id,
            "work_order": str(t.work_order) if t.work_order_id else "",
            "delivery_id": t.delivery_id,
            "attempts": t.attempts,
        }
        for t in qs.select_related("customer", "assigned_to", "work_order").order_by(
            "due_on", "pk"
        )[:list_limit]
    ]
    return {
        "today": today,
        "total": sum(row["count"] for row in by_kind),
        "by_kind": by_kind,
        "by_agent": by_agent,
        "oldest": oldest,
    }
