"""The month's bonus sheet for finance (考核奖金表): a header (organisation, month, closed or
open), then one row per technician — rank, name, permit number, store, base orders, the five
rates (as percentages), the five scores, the total and the bonus base — and the sum of the
bonus bases."""

from __future__ import annotations

from decimal import Decimal

from django.utils import timezone
from django.utils.translation import gettext as _

from .models import RATES, Rate
from .selectors import MonthView

# Money: the Decimal itself in a number cell, shown as yuan (tiny and local until the shared
# Excel helper of shouhou.core.exports is merged).
YUAN_FORMAT = '"¥"#,##0.00'


def month_workbook(view: MonthView, *, organisation, store_name: str = "") -> bytes:

    from openpyxl.styles import Alignment, Font
    from openpyxl.utils import get_column_letter

    from shouhou.core import exports

    labels = dict(Rate.choices)
    wb = exports.new_workbook(f"{view.month:%Y-%m}")
    ws = wb.active
    exports.write_row(ws, [_("Technician scores and bonus base"), str(organisation)])
    exports.write_row(ws, [_("Month"), f"{view.month:%Y-%m}"])
    if view.closed:
        who = str(view.state.closed_by) if view.state.closed_by_id else _("the month-end job")
        status = _("Closed %(at)s by %(by)s (figures frozen)") % {
            "at": timezone.localtime(view.state.closed_at).strftime("%Y-%m-%d %H:%M"),
            "by": who,
        }
    else:
        status = _("Open: computed live, not final")
    exports.write_row(ws, [_("Status"), status])
    if store_name:
        exports.write_row(ws, [_("Store"), store_name])
    weights = view.scheme.get("weights", {})
    exports.write_row(
        ws, [_("Weights")] + [f"{labels[k]} {weights.get(k, '')}%" for k in RATES if k in weights]
    )
    exports.write_row(ws, [_("Printed"), timezone.localtime().strftime("%Y-%m-%d %H:%M")])
    exports.write_row(ws, [])
    header = [
        _("Rank"),
        _("Technician"),
        _("Permit number"),
        _("Store"),
        _("Base orders"),
        *[_("%(rate)s rate") % {"rate": labels[k]} for k in RATES],
        *[_("%(rate)s score") % {"rate": labels[k]} for k in RATES],
        _("Total score"),
        _("Bonus base (yuan)"),
    ]
    exports.write_row(ws, header)
    header_row = ws.max_row
    for cell in ws[header_row]:
        cell.font = Font(bold=True)
        cell.alignment = Alignment(wrap_text=True, vertical="top")
    for cell in ws[1]:
        cell.font = Font(bold=True, size=13)
    for row in view.rows:
        exports.write_row(
            ws,
            [
                row.rank,
                row.name,
                row.permit_number,
                row.store_name,
                row.base,
                *[Decimal(str(row.rates[k])) / 100 for k in RATES],
                *[Decimal(str(row.scores[k])) for k in RATES],
                Decimal(str(row.total)),
                exports.money(row.bonus_base),
            ],
        )
        r = ws.max_row
        for i in range(len(RATES)):
            ws.cell(r, 6 + i).number_format = "0.00%"
        for i in range(len(RATES) + 1):
            ws.cell(r, 11 + i).number_format = "0.00"
    total_row = ws.max_row + 1
    exports.write_cell(ws, total_row, 1, _("Total"))
    exports.write_cell(ws, total_row, 5, sum(r.base for r in view.rows))
    exports.write_cell(
        ws, total_row, 17, exports.money(sum((r.bonus_base for r in view.rows), Decimal(0)))
    )
    for cell in ws[total_row]:
        cell.font = Font(bold=True)
    widths = [6, 12, 14, 12, 8] + [11] * 10 + [9, 12]
    for i, w in enumerate(widths, 1):
        ws.column_dimensions[get_column_letter(i)].width = w
    ws.freeze_panes = ws.cell(header_row + 1, 3)
    return exports.workbook_bytes(wb)
