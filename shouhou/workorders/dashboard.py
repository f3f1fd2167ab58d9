"""The work orders' dashboard panels (issue 22.2), registered in navigation.py:

* managers: orders received, closed and gone overdue per day over the last 30 days;
* the desk clerk: today's queue (orders waiting for dispatch, waiting for the customer to be
  contacted);
* a technician: today's visits.

Each panel costs a fixed few queries whatever the data (GROUP BY the day in Asia/Shanghai, never a
query per day), and reads through `selectors.workorder_visible_qs`, so a user sees the orders of
the list behind the panel and nothing of another organisation.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.db.models import Case, Count, DateTimeField, F, Q, QuerySet, When
from django.db.models.functions import TruncDate
from django.urls import reverse
from django.utils import formats, timezone
from django.utils.http import urlencode
from django.utils.translation import gettext as _

from shouhou.core.panels import Panel, compare

from . import selectors, states
from .models import WorkOrder

TREND_DAYS = 30
QUEUE_ITEMS = 8

# When an order went overdue: the due time of the first target it missed (the reply comes
# first, then the contact, the visit, the fix). The sweep sets the flags once the due time
# has passed, so the day is the day the limit ran out.
WENT_OVERDUE = Case(
    When(reply_missed=True, reply_due_at__isnull=False, then=F("reply_due_at")),
    When(contact_overdue=True, contact_due_at__isnull=False, then=F("contact_due_at")),
    When(onsite_overdue=True, onsite_due_at__isnull=False, then=F("onsite_due_at")),
    When(fixed_overdue=True, fixed_due_at__isnull=False, then=F("fixed_due_at")),
    output_field=DateTimeField(),
)


def _day_start(day: dt.date) -> dt.datetime:
    return timezone.make_aware(dt.datetime.combine(day, dt.time.min))


def _list_url(**params: str) -> str:
    url = reverse("workorders:list")
    return url + "?" + urlencode(params) if params else url


def per_day(qs: QuerySet, field: str, start: dt.datetime, end: dt.datetime) -> dict[dt.date, int]:
    """{local day: count} of the rows whose `field` falls in [start, end): one GROUP BY query."""
    tz = timezone.get_current_timezone()
    rows = (
        qs.filter(**{f"{field}__gte": start, f"{field}__lt": end})
        .annotate(day=TruncDate(field, tzinfo=tz))
        .values("day")
        .annotate(n=Count("id"))
        .order_by()
    )
    return {row["day"]: row["n"] for row in rows}


def daily_flow(*, user, today: dt.date, days: int = TREND_DAYS) -> dict[str, Any]:
    """Orders received, closed and gone overdue on each of the `days` days up to `today`
    (three GROUP BY queries): `{"days": [date...], "received": [...], "closed": [...],
    "overdue": [...]}`."""
    first = today - dt.timedelta(days=days - 1)
    start, end = _day_start(first), _day_start(today + dt.timedelta(days=1))
    visible = selectors.workorder_visible_qs(user=user).order_by()
    received = per_day(visible, "received_at", start, end)
    closed = per_day(visible, "closed_at", start, end)
    overdue = per_day(visible.annotate(went_overdue=WENT_OVERDUE), "went_overdue", start, end)
    span = [first + dt.timedelta(days=i) for i in range(days)]
    return {
        "days": span,
        "received": [received.get(d, 0) for d in span],
        "closed": [closed.get(d, 0) for d in span],
        "overdue": [overdue.get(d, 0) for d in span],
    }


def manager_panels(*, user, now: dt.datetime) -> Panel | None:
    if not user.organisation_id:
        return None
    today = timezone.localtime(now).date()
    flow = daily_flow(user=user, today=today)
    week, before = _("Last 7 days"), _("the 7 days before:")

    def last_week(name: str) -> dict[str, Any]:
        values = flow[name]
        return {"now": sum(values[-7:]), "before": sum(values[-14:-7])}

    return Panel(
        key="workorders-flow",
        title=_("Work orders per day, last %(n)d days") % {"n": TREND_DAYS},
        url=_list_url(),
        chart={
            "kind": "line",
            "category_label": _("Day"),
            "categories": [f"{d:%m-%d}" for d in flow["days"]],
            "series": [
                {"name": _("Received"), "data": flow["received"], "url": _list_url()},
                {"name": _("Closed"), "data": flow["closed"], "url": _list_url(status="closed")},
                {
                    "name": _("Gone overdue"),
                    "data": flow["overdue"],
                    "url": _list_url(status="unresolved", overdue="1"),
                },
            ],
        },
        compare=[
            compare(_("Received") + " · " + week, **last_week("received"), against=before),
            compare(_("Closed") + " · " + week, **last_week("closed"), against=before),
            compare(
                _("Gone overdue") + " · " + week,
                **last_week("overdue"),
                against=before,
                better="down",
            ),
        ],
    )


# The clerk's queue -------------------------------------------------------------------------------


def queue_counts(*, user, today: dt.date) -> dict[str, int]:
    """Orders waiting for dispatch, dispatched but the customer not contacted yet, and of those
    the ones past a limit; received today and yesterday (one query)."""
    start = _day_start(today)
    yesterday = _day_start(today - dt.timedelta(days=1))
    waiting_contact = Q(status=states.DISPATCHED, contacted_at__isnull=True)
    waiting = Q(status=states.NEW) | waiting_contact
    return selectors.workorder_visible_qs(user=user).aggregate(
        dispatch=Count("id", filter=Q(status=states.NEW)),
        contact=Count("id", filter=waiting_contact),
        late=Count("id", filter=waiting & selectors.OVERDUE),
        today=Count("id", filter=Q(received_at__gte=start)),
        yesterday=Count("id", filter=Q(received_at__gte=yesterday, received_at__lt=start)),
    )


def clerk_panels(*, user, now: dt.datetime) -> Panel | None:
    if not user.organisation_id:
        return None
    today = timezone.localtime(now).date()
    n = queue_counts(user=user, today=today)
    waiting = list(
        selectors.workorder_visible_qs(user=user)
        .filter(Q(status=states.NEW) | Q(status=states.DISPATCHED, contacted_at__isnull=True))
        .select_related("customer")
        .only(
            "id",
            "number",
            "status",
            "received_at",
            "district",
            "is_emergency",
            "contact_overdue",
            "customer__name",
        )
        .order_by("-is_emergency", "received_at", "id")[:QUEUE_ITEMS]
    )
    labels = [_("Waiting for dispatch"), _("Waiting for contact"), _("Past a time limit")]
    urls = [
        _list_url(status=states.NEW),
        _list_url(status=states.DISPATCHED),
        _list_url(status="unresolved", overdue="1"),
    ]
    counts = [n["dispatch"], n["contact"], n["late"]]
    return Panel(
        key="workorders-queue",
        title=_("Today's queue: work orders"),
        url=urls[0],
        chart={
            "kind": "bar",
            "horizontal": True,
            "category_label": _("Queue"),
            "categories": labels,
            "series": [{"name": _("Orders"), "data": counts}],
            "urls": urls,
        },
        compare=[compare(_("Received today"), n["today"], n["yesterday"], against=_("yesterday:"))],
        items=[
            {
                "text": f"{o.number} · {o.customer.name}",
                "url": reverse("workorders:detail", args=[o.pk]),
                "detail": " · ".join(
                    x
                    for x in (
                        o.get_status_display(),
                        o.district,
                        formats.date_format(timezone.localtime(o.received_at), "m-d H:i"),
                    )
                    if x
                ),
                "alert": _("Emergency") if o.is_emergency else "",
            }
            for o in waiting
        ],
        empty=_("Nothing waits for dispatch or contact."),
    )


# The technician's day ---------------------------------------------------------------------------


def todays_visits(*, user, today: dt.date) -> list[WorkOrder]:
    """The technician's own orders with an appointment today (open, or done today), by time."""
    staff = selectors._staff(user)
    if staff is None:
        return []
    start, end = _day_start(today), _day_start(today + dt.timedelta(days=1))
    return list(
        WorkOrder.objects.filter(
            technician=staff,
            appointment_at__gte=start,
            appointment_at__lt=end,
            status__in=states.ASSIGNED_STATES | {states.DONE, states.CONFIRMED, states.CLOSED},
        )
        .select_related("customer")
        .order_by("appointment_at", "id")
    )


def technician_panels(*, user, now: dt.datetime) -> Panel | None:
    today = timezone.localtime(now).date()
    visits = todays_visits(user=user, today=today)
    return Panel(
        key="workorders-visits",
        title=_("Today's visits"),
        url=reverse("workorders:my_jobs"),
        items=[
            {
                "text": " · ".join(
                    (
                        formats.time_format(timezone.localtime(o.appointment_at), "H:i"),
                        o.number,
                        o.customer.name,
                    )
                ),
                "url": reverse("workorders:detail", args=[o.pk]),
                "detail": " · ".join(
                    x for x in (o.district, o.address, o.get_status_display()) if x
                ),
            }
            for o in visits
        ],
        empty=_("No visits booked for today."),
    )
