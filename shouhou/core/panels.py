"""Dashboard panels: a trend or a queue an app shows on the dashboard (issue 22.2).

An app builds `Panel`s from its own selectors and registers the function that returns them
with `shouhou.core.navigation.register_dashboard_panel(fn, order=…, roles=…)`. Core draws
every panel the same way (core/dashboard.html, core/dashboard.js):

* `title`, and `url`: the list behind the panel (with its filters in the query string);
* `chart`: data only, for Apache ECharts (served from our static files) —
  `{"kind": "line" | "bar", "categories": [...], "series": [{"name", "data", "url"?}],
  "target": {"name", "value"} | None, "unit": "%" | "", "horizontal": bool, "urls": [...]}`;
  a click on a point opens its series' `url`, else the category's `urls[i]`, else `url`;
* `table`: the same numbers as an accessible HTML table (made from the chart when not given),
  shown without JavaScript;
* `compare`: figures against the previous period (`compare(...)` below: this week vs last,
  this month vs last) drawn as an arrow and a ± figure;
* `items`: a short list of what waits (today's visits, the queue), each `{"text", "url",
  "detail"}`.

The chart data reaches the page through `json_script` only (no inline script: the CSP forbids it).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from decimal import Decimal
from typing import Any

from django.utils.translation import gettext_lazy as _


@dataclass
class Panel:
    key: str
    title: Any
    url: str
    chart: dict[str, Any] | None = None
    table: dict[str, Any] | None = None
    compare: list[dict[str, Any]] = field(default_factory=list)
    items: list[dict[str, Any]] = field(default_factory=list)
    empty: Any = ""
    caption: Any = ""

    @property
    def dom_id(self) -> str:
        return "panel-" + "".join(c if c.isalnum() else "-" for c in self.key)

    @property
    def data_id(self) -> str:
        return self.dom_id + "-data"

    def numbers(self) -> dict[str, Any] | None:
        """The table shown under the chart: the given one, else the chart's numbers (one row per
        category, one column per series, and the target)."""
        if self.table is not None:
            return self.table
        if not self.chart:
            return None
        chart = self.chart
        series = chart.get("series", [])
        target = chart.get("target")
        unit = chart.get("unit", "")
        columns = [chart.get("category_label") or _("Period"), *[s["name"] for s in series]]
        if target:
            columns.append(target["name"])
        rows = []
        for i, category in enumerate(chart.get("categories", [])):
            row = [category, *[_cell(s["data"][i], unit) for s in series]]
            if target:
                row.append(_cell(target["value"], unit))
            rows.append(row)
        return {"columns": columns, "rows": rows}

    def chart_data(self) -> dict[str, Any]:
        """What dashboard.js reads (through json_script): plain numbers and strings."""
        return {"url": self.url, "title": str(self.title), **_plain(self.chart or {})}


def _cell(value: Any, unit: str) -> str:
    if value is None:
        return "—"
    return f"{value}{unit}" if unit else str(value)


def _plain(value: Any) -> Any:
    if isinstance(value, dict):
        return {k: _plain(v) for k, v in value.items()}
    if isinstance(value, list | tuple):
        return [_plain(v) for v in value]
    if isinstance(value, Decimal):
        return float(value)
    if value is None or isinstance(value, bool | int | float | str):
        return value
    return str(value)  # lazy translations, dates


def compare(
    label: Any,
    now: int | Decimal | None,
    before: int | Decimal | None,
    *,
    against: Any,
    unit: str = "",
    better: str = "up",
) -> dict[str, Any]:
    """A figure against the previous period: `{"label", "now", "before", "against", "delta",
    "direction" ("up", "down", "same", ""), "good" (True, False or None), "unit"}`.

    `better` says which way is good ("up": more is better, as on-time rate; "down": fewer is
    better, as overdue orders); with a figure missing there is no delta."""
    delta: Any = None
    direction = ""
    good = None
    if now is not None and before is not None:
        delta = now - before
        if isinstance(delta, Decimal):
            delta = delta.quantize(Decimal("0.1"))
        direction = "up" if delta > 0 else "down" if delta < 0 else "same"
        if direction != "same":
            good = (direction == "up") == (better == "up")
    return {
        "label": label,
        "now": now,
        "before": before,
        "against": against,
        "delta": delta,
        "direction": direction,
        "good": good,
        "unit": unit,
    }
