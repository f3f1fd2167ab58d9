"""The complaints' dashboard panel for managers (issue 22.2), registered in navigation.py:
complaints by cause category (顾客投诉因素分类), this month against last month.

The counts are those of the monthly statistics (`selectors.monthly_statistics`: complaints
registered in the month, Asia/Shanghai, by their cause category) in two queries: the counts
of both months grouped by cause, and the organisation's categories.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.db.models import Count, Q
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from shouhou.core import dates
from shouhou.core.panels import Panel, compare

from . import selectors
from . import states as s
from .models import Case, ComplaintCause


def causes_by_month(*, user, month: dt.date) -> dict[str, Any]:
    """Complaints per cause category in `month` and the month before: `{"causes": [name...],
    "this": [n...], "last": [n...]}` in the categories' order, "not classified" last (only
    when some complaint has no category)."""
    start, end = selectors.month_bounds(month)
    last_start, _end = selectors.month_bounds(dates.add_months(month, -1))
    in_this = Q(created_at__gte=start, created_at__lt=end)
    in_last = Q(created_at__gte=last_start, created_at__lt=start)
    counts: dict[int | None, dict[str, Any]] = {
        row["cause"]: dict(row)
        for row in Case.objects.filter(
            organisation_id=user.organisation_id,
            kind=s.COMPLAINT,
            created_at__gte=last_start,
            created_at__lt=end,
        )
        .values("cause")
        .annotate(this=Count("id", filter=in_this), last=Count("id", filter=in_last))
        .order_by()
    }
    names, this, last = [], [], []
    causes = ComplaintCause.objects.filter(organisation_id=user.organisation_id).order_by("order")
    for pk, name in causes.values_list("pk", "name"):
        row = counts.get(pk, {"this": 0, "last": 0})
        names.append(name)
        this.append(row["this"])
        last.append(row["last"])
    if None in counts:
        names.append(_("Not classified"))
        this.append(counts[None]["this"])
        last.append(counts[None]["last"])
    return {"causes": names, "this": this, "last": last}


def manager_panels(*, user, now: dt.datetime) -> Panel | None:
    if not user.organisation_id or not selectors.can_read(user):
        return None
    month = timezone.localtime(now).date().replace(day=1)
    before = dates.add_months(month, -1)
    data = causes_by_month(user=user, month=month)
    url = reverse("complaints:statistics") + f"?month={month:%Y-%m}"
    return Panel(
        key="complaints-causes",
        title=_("Complaints by cause: this month and last"),
        url=url,
        chart={
            "kind": "bar",
            "category_label": _("Cause category"),
            "categories": data["causes"],
            "series": [
                {
                    "name": f"{before:%Y-%m}",
                    "data": data["last"],
                    "url": reverse("complaints:statistics") + f"?month={before:%Y-%m}",
                },
                {"name": f"{month:%Y-%m}", "data": data["this"], "url": url},
            ],
        }
        if data["causes"]
        else None,
        compare=[
            compare(
                _("Complaints this month"),
                sum(data["this"]),
                sum(data["last"]),
                against=_("last month:"),
                better="down",
            )
        ],
        empty=_("No complaint cause categories are set up."),
    )
