"""The callbacks' dashboard panel for the desk (issue 22.2), registered in navigation.py: the
callbacks due today (the user's own and the unassigned pool, with the overdue ones) and the first
calls of the user's list. Two queries whatever the data: one of conditional counts, one for the
list (`selectors.call_list`, the same order as "My callbacks").
"""

from __future__ import annotations

import datetime as dt

from django.db.models import Count, Q
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from shouhou.core.panels import Panel, compare

from . import selectors
from .models import CallbackTask

T = CallbackTask.Status
LIST_ITEMS = 8


def due_counts(*, user, today: dt.date) -> dict[str, int]:
    """The open tasks callable today and the overdue ones, the user's and nobody's; the user's
    calls done today and yesterday."""
    start = timezone.make_aware(dt.datetime.combine(today, dt.time.min))
    yesterday = start - dt.timedelta(days=1)
    callable_today = Q(status=T.OPEN) & selectors.callable_on(today)
    overdue = Q(status=T.OPEN, due_on__lt=today)
    mine, nobody = Q(assigned_to_id=user.pk), Q(assigned_to__isnull=True)
    done = Q(status=T.DONE, assigned_to_id=user.pk)
    return CallbackTask.objects.filter(organisation_id=user.organisation_id).aggregate(
        mine_today=Count("id", filter=callable_today & mine),
        mine_overdue=Count("id", filter=overdue & mine),
        pool_today=Count("id", filter=callable_today & nobody),
        pool_overdue=Count("id", filter=overdue & nobody),
        done_today=Count("id", filter=done & Q(closed_at__gte=start)),
        done_yesterday=Count("id", filter=done & Q(closed_at__gte=yesterday, closed_at__lt=start)),
    )


def desk_panels(*, user, now: dt.datetime) -> Panel | None:
    if not selectors.can_read(user):
        return None
    today = timezone.localtime(now).date()
    n = due_counts(user=user, today=today)
    mine_url = reverse("callbacks:my_list")
    pool_url = mine_url + "?view=unassigned"
    calls = list(selectors.call_list(user=user, today=today)[:LIST_ITEMS])
    return Panel(
        key="callbacks-today",
        title=_("Callbacks due today"),
        url=mine_url,
        chart={
            "kind": "bar",
            "horizontal": True,
            "category_label": _("Whose"),
            "categories": [_("Mine"), _("Unassigned")],
            "series": [
                {"name": _("Callable today"), "data": [n["mine_today"], n["pool_today"]]},
                {"name": _("Overdue"), "data": [n["mine_overdue"], n["pool_overdue"]]},
            ],
            "urls": [mine_url, pool_url],
        },
        compare=[
            compare(
                _("My calls done today"),
                n["done_today"],
                n["done_yesterday"],
                against=_("yesterday:"),
            )
        ],
        items=[
            {
                "text": f"{t.get_kind_display()} · {t.customer.name if t.customer else ''}",
                "url": reverse("callbacks:task_detail", args=[t.pk]),
                "detail": _("due %(day)s") % {"day": f"{t.due_on:%m-%d}"},
                "alert": _("Overdue") if t.due_on < today else "",
            }
            for t in calls
        ],
        empty=_("No callbacks of yours to make today."),
    )
