"""The metrics report as one dict for the page and the API, and as an Excel workbook."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

from django.utils import timezone
from django.utils.translation import gettext as _

from shouhou.core import exports

from .common import GROUPINGS, IN_TIME, LATE, LIST_LIMIT, MISSING, PENDING, SATISFACTION_TITLES
from .coverage import coverage
from .overdue import overdue
from .satisfaction import satisfaction


# -- everything, for the page and the workbook -----------------------------------------------
def report(
    organisation,
    date_from: dt.date,
    date_to: dt.date,
    store=None,
    *,
    today: dt.date | None = None,
    now: dt.datetime | None = None,
    list_limit: int = LIST_LIMIT,
) -> dict:
    now = now or timezone.now()
    today = today or timezone.localdate(now)
    return {
        "coverage": coverage(
            organisation, date_from, date_to, store, now=now, list_limit=list_limit
        ),
        "overdue": overdue(organisation, today, store, list_limit=list_limit),
        "satisfaction": {
            by: satisfaction(organisation, date_from, date_to, by, store) for by in GROUPINGS
        },
    }


def workbook(*, organisation, data: dict, store=None) -> bytes:
    """The report as an Excel workbook: one sheet per section, each headed by the organisation,
    the period and the store filter."""
    cov = data["coverage"]
    heading = [
        [_("Organisation"), str(organisation)],
        [_("Period"), f"{cov['date_from']:%Y-%m-%d} – {cov['date_to']:%Y-%m-%d}"],
        [_("Store"), (store.name if store is not None else "") or _("All stores")],
    ]
    wb = exports.new_workbook()
    _coverage_sheet(_sheet(wb, _("Coverage"), heading, first=True), cov)
    _not_in_time_sheet(_sheet(wb, _("Not called back in time"), heading), cov)
    _overdue_sheet(_sheet(wb, _("Overdue callbacks"), heading), data["overdue"])
    for by, label in GROUPINGS.items():
        sheet = _sheet(wb, SATISFACTION_TITLES[by], heading)
        _satisfaction_sheet(sheet, label, data["satisfaction"][by])
    return exports.workbook_bytes(wb)


def _sheet(wb, title, heading: list[list], *, first: bool = False):
    """A new sheet (the workbook's first one reused), headed by organisation, period and store."""
    ws = wb.active if first else wb.create_sheet()
    ws.title = exports.safe_title(title)
    for cells in heading:
        exports.write_row(ws, cells)
    exports.write_row(ws, [])
    return ws


def _header(ws, cells) -> None:
    exports.write_row(ws, cells, bold=True)


def _num(value):
    return Decimal(value) if value is not None else None


def _coverage_columns() -> list:
    return [
        _("Completed"),
        _("Due"),
        _("Called back in time"),
        _("Called back late"),
        _("Not called back"),
        _("Window still open"),
        _("In time (%)"),
        _("Target (%)"),
        _("Members"),
        _("Members in time"),
        _("Members in time (%)"),
    ]


def _coverage_cells(c: dict, target_pct) -> list:
    return [
        c["total"],
        c["due"],
        c[IN_TIME],
        c[LATE],
        c[MISSING],
        c[PENDING],
        _num(c["pct"]),
        _num(target_pct),
        c["members_total"],
        c["members_in_time"],
        _num(c["members_pct"]),
    ]


def _coverage_sheet(ws, cov: dict) -> None:
    """Services and deliveries in total, then per store."""
    target = cov["target_pct"]
    exports.write_row(ws, [_("Window (working days)"), cov["window_working_days"]])
    _header(ws, ["", *_coverage_columns()])
    exports.write_row(ws, [_("Services"), *_coverage_cells(cov["services"], target)])
    exports.write_row(ws, [_("Deliveries"), *_coverage_cells(cov["deliveries"], target)])
    exports.write_row(ws, [])
    _header(ws, [_("Store"), _("Kind"), *_coverage_columns()])
    for row in cov["by_store"]:
        for kind, label in (("services", _("Services")), ("deliveries", _("Deliveries"))):
            exports.write_row(ws, [row["store"], label, *_coverage_cells(row[kind], target)])
    ws.column_dimensions["A"].width = 22


def _not_in_time_sheet(ws, cov: dict) -> None:
    """Every service and delivery called back late or not at all."""
    _header(
        ws,
        [
            _("Kind"),
            _("Number"),
            _("Customer"),
            _("Store"),
            _("Technician / crew"),
            _("Completed on"),
            _("Deadline"),
            _("First callback"),
            _("Result"),
        ],
    )
    state_labels = {LATE: _("Called back late"), MISSING: _("Not called back")}
    for kind, rows in (
        (_("Service"), cov["services_not_in_time"]),
        (_("Delivery"), cov["deliveries_not_in_time"]),
    ):
        for row in rows:
            exports.write_row(
                ws,
                [
                    kind,
                    row["number"],
                    row["customer"],
                    row["store"],
                    row["technician"],
                    row["completed_on"],
                    row["deadline"],
                    row["called_on"],
                    state_labels[row["state"]],
                ],
            )


def _overdue_sheet(ws, od: dict) -> None:
    """Overdue tasks by kind, by agent, and the oldest ones."""
    exports.write_row(ws, [_("Overdue on"), od["today"], _("Overdue tasks"), od["total"]])
    _header(ws, [_("Kind"), _("Overdue"), _("Oldest due on")])
    for row in od["by_kind"]:
        exports.write_row(ws, [row["label"], row["count"], row["oldest"]])
    exports.write_row(ws, [])
    _header(ws, [_("Agent"), _("Overdue"), _("Oldest due on")])
    for row in od["by_agent"]:
        exports.write_row(ws, [row["agent"], row["count"], row["oldest"]])
    exports.write_row(ws, [])
    _header(
        ws,
        [_("Due on"), _("Working days overdue"), _("Kind"), _("Customer"), _("Agent"), _("Order")],
    )
    for row in od["oldest"]:
        exports.write_row(
            ws,
            [
                row["due_on"],
                row["working_days_overdue"],
                row["kind_label"],
                row["customer"],
                row["agent"],
                row["work_order"],
            ],
        )


def _satisfaction_sheet(ws, label, sat: dict) -> None:
    """Scores 1–5 of one grouping (per store, technician, …), each row and the overall one."""
    exports.write_row(ws, [_("Satisfied from (score)"), sat["satisfied_from"]])
    _header(
        ws,
        [
            label,
            _("Scored"),
            _("Average"),
            _("Satisfied (%)"),
            _("Not satisfied (%)"),
            *[str(k) for k in range(1, 6)],
        ],
    )
    for row in [*sat["rows"], sat["overall"]]:
        exports.write_row(
            ws,
            [
                row["label"],
                row["scored"],
                _num(row["average"]),
                _num(row["satisfied_pct"]),
                _num(row["not_satisfied_pct"]),
                *row["scores"],
            ],
        )
    ws.column_dimensions["A"].width = 24
