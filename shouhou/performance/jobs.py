"""Month-end: close every organisation's ended months (seed 001: the month closes on its last
day; a visit dated the last day counts in that month).

`close_months(now)` closes, for each organisation, every month up to the last one that has ended
(plus the organisation's configured working days, default 0) and is still open — at most the
last 12, and none before the organisation's first visited order or its creation. Each month is
frozen with one INSERT ... SELECT of its orders' facts and one bulk insert of the technicians'
rows. A month a manager re-opened is left for a manager to close again. Running twice closes
nothing twice (the month row is locked and checked).
"""

from __future__ import annotations

import datetime as dt

from django.db.models import Min
from django.db.models.functions import Coalesce
from django.utils import timezone

from . import figures, services
from .models import MonthClose

LOOK_BACK_MONTHS = 12


def _first_month(org) -> dt.date:
    """The earlier of the organisation's creation and its first visited order."""
    from shouhou.workorders.models import WorkOrder

    first_visit = (
        WorkOrder.all_objects.filter(organisation_id=org.pk, technician__isnull=False)
        .exclude(arrived_at__isnull=True, completed_at__isnull=True)
        .aggregate(first=Min(Coalesce("arrived_at", "completed_at")))["first"]
    )
    created = figures.month_of(org.created_at)
    return min(created, figures.month_of(first_visit)) if first_visit else created


def close_months(now: dt.datetime | None = None) -> dict:
    from shouhou.org.models import Organisation

    now = now or timezone.now()
    today = timezone.localtime(now).date()
    result = {"organisations": 0, "months_closed": 0, "technicians": 0, "orders": 0}
    for org in Organisation.objects.order_by("pk"):
        last = services.closable_through(org, today)
        if last is None:
            continue
        start = max(figures.add_months(last, -(LOOK_BACK_MONTHS - 1)), _first_month(org))
        done = {
            m.month
            for m in MonthClose.all_objects.filter(
                organisation_id=org.pk, month__gte=start, month__lte=last
            )
            if m.is_closed or m.reopen_count
        }
        month, closed_here = start, 0
        while month <= last:
            if month not in done:
                mc = services.month_close_by_job(org.pk, month, now=now)
                if mc is not None:
                    closed_here += 1
                    event = mc.events.order_by("-at", "-id").first()
                    result["technicians"] += event.technicians
                    result["orders"] += event.orders
            month = figures.add_months(month, 1)
        result["months_closed"] += closed_here
        result["organisations"] += bool(closed_here)
    return result
