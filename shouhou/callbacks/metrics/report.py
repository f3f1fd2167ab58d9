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
    period = f"{cov['date_from']:%Y-%m-%d} – {cov['date_to']:%Y-%m-%d}"
    store_name = ""
    if store is not None:
        store_name = store.name
    wb = exports.new_workbook()

    def sheet(title, first=False):
        ws = wb.active if first else wb.create_sheet()
        ws.title = exports.safe_title(title)
        exports.write_row(ws, [_("Organisation"), str(organisation)])
        exports.write_row(ws, [_("Period"), period])
        exports.write_row(ws, [_("Store"), store_name or _("All stores")])
        exports.write_row(ws, [])
        return ws

    def header(ws, cells):
        exports.write_row(ws, cells, bold=True)

    def num(value):
        return Decimal(value) if value is not None else None

    cov_cols = [
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

    def cov_cells(c):
        return [
            c["total"],
            c["due"],
            c[IN_TIME],
            c[LATE],
            c[MISSING],
            c[PENDING],
            num(c["pct"]),
            num(cov["target_pct"]),
            c["members_total"],
            c["members_in_time"],
            num(c["members_pct"]),
        ]

    ws = sheet(_("Coverage"), first=True)
    exports.write_row(
        ws,
        [
            _("Window (working days)"),
            cov["window_working_days"],
        ],
    )
    header(ws, ["", *cov_cols])
    exports.write_row(ws, [_("Services"), *cov_cells(cov["services"])])
    exports.write_row(ws, [_("Deliveries"), *cov_cells(cov["deliveries"])])
    exports.write_row(ws, [])
    header(ws, [_("Store"), _("Kind"), *cov_cols])
    for row in cov["by_store"]:
        exports.write_row(ws, [row["store"], _("Services"), *cov_cells(row["services"])])
        exports.write_row(ws, [row["store"], _("Deliveries"), *cov_cells(row["deliveries"])])
    ws.column_dimensions["A"].width = 22

    ws = sheet(_("Not called back in time"))
    header(
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

    od = data["overdue"]
    ws = sheet(_("Overdue callbacks"))
    exports.write_row(ws, [_("Overdue on"), od["today"], _("Overdue tasks"), od["total"]])
    header(ws, [_("Kind"), _("Overdue"), _("Oldest due on")])
    for row in od["by_kind"]:
        exports.write_row(ws, [row["label"], row["count"], row["oldest"]])
    exports.write_row(ws, [])
    header(ws, [_("Agent"), _("Overdue"), _("Oldest due on")])
    for row in od["by_agent"]:
        exports.write_row(ws, [row["agent"], row["count"], row["oldest"]])
    exports.write_row(ws, [])
    header(
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

    for by, label in GROUPINGS.items():
        sat = data["satisfaction"][by]
        ws = sheet(SATISFACTION_TITLES[by])
        exports.write_row(ws, [_("Satisfied from (score)"), sat["satisfied_from"]])
        header(
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
                    num(row["average"]),
                    num(row["satisfied_pct"]),
                    num(row["not_satisfied_pct"]),
                    *row["scores"],
                ],
            )
        ws.column_dimensions["A"].width = 24

    return exports.workbook_bytes(wb)
