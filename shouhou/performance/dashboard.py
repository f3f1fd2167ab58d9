"""The performance app's dashboard panels for managers (issue 22.2), registered in navigation.py:

* on-time rate, satisfaction and service-caused complaints per week (the last eight weeks)
  against the department targets (`ScoringSettings`: ≥ 90 %, ≥ 85 %, < 3 %), the target drawn
  as a line. The weeks are counted with the reports' own facts (`figures.facts_sql`, grouped by
  the visit's day in Asia/Shanghai) and rates (`selectors._department_row`), and a closed month
  reads its frozen rows as the department report does, so the numbers agree with
  "Department targets";
* the five technicians with the lowest score this month (`selectors.month_view`, the ranking's
  own figures).

Fixed cost: the month states, one facts query for the weeks, one over frozen rows when a closed
month is in range, and the ranking's few queries.
"""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from typing import Any

from django.urls import reverse
from django.utils import timezone
from django.utils.http import urlencode
from django.utils.translation import gettext as _

from shouhou.core.panels import Panel, compare

from . import figures, selectors, services
from .models import MonthClose, MonthOrder

WEEKS = 8
WORST = 5
KEYS = ("base", "satisfied", *figures.FLAGS)  # FLAGS has "rated"


def _day_start(day: dt.date) -> dt.datetime:
    return timezone.make_aware(dt.datetime.combine(day, dt.time.min))


def _months(first: dt.date, last: dt.date) -> list[dt.date]:
    months, m = [], first.replace(day=1)
    while m <= last:
        months.append(m)
        m = figures.add_months(m, 1)
    return months


def daily_department_counts(*, organisation_id: int, first: dt.date, last: dt.date) -> dict:
    """{day: counts} of the department figures for each day of [first, last] with visits: live
    facts for open months, the frozen rows for closed ones (as `selectors.department`)."""
    months = _months(first, last)
    closed = set(
        MonthClose.objects.filter(
            organisation_id=organisation_id, month__in=months, status=MonthClose.Status.CLOSED
        ).values_list("month", flat=True)
    )
    bounds = (_day_start(first), _day_start(last + dt.timedelta(days=1)))
    live = figures.live_facts(
        organisation_id=organisation_id,
        satisfied_from=services.satisfied_from(organisation_id),
        bounds=bounds,
    )
    days = {
        row["day"]: row
        for row in figures.daily_counts(live)
        if row["day"].replace(day=1) not in closed
    }
    if closed:
        frozen = MonthOrder.objects.filter(
            organisation_id=organisation_id,
            month__in=closed,
            visit_at__gte=bounds[0],
            visit_at__lt=bounds[1],
        )
        for row in figures.frozen_daily_counts(frozen):
            days[row["day"]] = row
    return days


def weekly_department(*, user, today: dt.date, weeks: int = WEEKS) -> dict[str, Any]:
    """The department figures of each week (Monday to Sunday) of the last `weeks` weeks up to
    `today` (this week so far), with the targets: `{"weeks": [monday...], "rows": [row...],
    "targets": {...}}`, each row as a row of the department report."""
    org_id = user.organisation_id
    monday = today - dt.timedelta(days=today.weekday())
    first = monday - dt.timedelta(weeks=weeks - 1)
    days = daily_department_counts(organisation_id=org_id, first=first, last=today)
    mondays = [first + dt.timedelta(weeks=i) for i in range(weeks)]
    sums = {m: dict.fromkeys(KEYS, 0) for m in mondays}
    for day, row in days.items():
        week = sums.get(day - dt.timedelta(days=day.weekday()))
        if week is not None:
            for k in KEYS:
                week[k] += row[k]
    cfg = services.settings_for(org_id)
    return {
        "weeks": mondays,
        "rows": [selectors._department_row(sums[m], cfg) for m in mondays],
        "targets": {
            "on_time": cfg.target_on_time,
            "satisfaction": cfg.target_satisfaction,
            "service_complaints": cfg.target_service_complaints,
        },
    }


def _rate_panel(
    key: str,
    title: str,
    field: str,
    target: Decimal,
    weekly: dict[str, Any],
    url: str,
    *,
    better: str = "up",
    target_name: str,
) -> Panel:
    values = [row[field] for row in weekly["rows"]]
    return Panel(
        key=key,
        title=title,
        url=url,
        chart={
            "kind": "line",
            "unit": "%",
            "category_label": _("Week from"),
            "categories": [f"{m:%m-%d}" for m in weekly["weeks"]],
            "series": [{"name": title, "data": values}],
            "target": {"name": target_name, "value": target},
        },
        compare=[
            compare(
                _("This week"),
                values[-1],
                values[-2],
                against=_("last week:"),
                unit="%",
                better=better,
            )
        ],
    )


def manager_panels(*, user, now: dt.datetime) -> list[Panel] | None:
    if not user.organisation_id or not selectors.sees_everyone(user):
        return None
    today = timezone.localtime(now).date()
    month = today.replace(day=1)
    weekly = weekly_department(user=user, today=today)
    targets = weekly["targets"]
    url = reverse("performance:targets") + f"?month={month:%Y-%m}"
    return [
        _rate_panel(
            "performance-on-time",
            _("On-time rate per week"),
            "on_time_pct",
            targets["on_time"],
            weekly,
            url,
            target_name=_("Target ≥"),
        ),
        _rate_panel(
            "performance-satisfaction",
            _("Satisfaction per week"),
            "satisfaction_pct",
            targets["satisfaction"],
            weekly,
            url,
            target_name=_("Target ≥"),
        ),
        _rate_panel(
            "performance-service-complaints",
            _("Service-caused complaints per week"),
            "service_complaints_pct",
            targets["service_complaints"],
            weekly,
            url,
            better="down",
            target_name=_("Limit <"),
        ),
        worst_technicians_panel(user=user, month=month),
    ]


def worst_technicians_panel(*, user, month: dt.date) -> Panel:
    """The five lowest totals of the month's ranking (ties: by name), lowest first."""
    view = selectors.month_view(user=user, month=month, sort="total")
    rows = view.rows[:WORST]
    query = urlencode({"month": f"{month:%Y-%m}", "sort": "total"})
    detail = [
        reverse("performance:technician", args=[row.technician_id]) + f"?month={month:%Y-%m}"
        for row in rows
    ]
    return Panel(
        key="performance-worst",
        title=_("Lowest technician scores, %(month)s") % {"month": f"{month:%Y-%m}"},
        url=reverse("performance:ranking") + "?" + query,
        chart={
            "kind": "bar",
            "horizontal": True,
            "category_label": _("Technician"),
            "categories": [row.name for row in rows],
            "series": [{"name": _("Total score"), "data": [row.total for row in rows]}],
            "urls": detail,
        }
        if rows
        else None,
        table={
            "columns": [_("Technician"), _("Total score"), _("Base orders"), _("Rank")],
            "rows": [[row.name, row.total, row.base, row.rank] for row in rows],
        }
        if rows
        else None,
        empty=_("No visited orders this month yet."),
    )
