"""Excel files of the dealers app, through `shouhou.core.exports`: a supplier claim (attached to
the e-mail) and a dealer's monthly statement."""

from __future__ import annotations

from django.utils import timezone
from django.utils.translation import gettext as _

from shouhou.core import exports


def claim_workbook(claim) -> bytes:
    wb = exports.new_workbook(claim.number)
    ws = wb.active
    exports.write_row(ws, [_("Supplier claim"), claim.number], bold=True)
    exports.write_row(ws, [_("From"), claim.organisation.name])
    exports.write_row(ws, [_("Supplier"), claim.supplier.name])
    exports.write_row(ws, [_("Products and serial numbers"), claim.products])
    exports.write_row(ws, [_("Fault"), claim.fault])
    exports.write_row(ws, [_("Evidence"), claim.evidence])
    exports.write_row(ws, [])
    exports.write_row(ws, [_("Item"), _("Description"), _("Amount")], bold=True)
    total = None
    for item in claim.items.all():
        exports.write_row(
            ws, [item.get_kind_display(), item.description, exports.money(item.amount)]
        )
        total = item.amount if total is None else total + item.amount
    exports.write_row(ws, [_("Total"), "", exports.money(total or 0)], bold=True)
    ws.column_dimensions["A"].width = 24
    ws.column_dimensions["B"].width = 48
    ws.column_dimensions["C"].width = 14
    return exports.workbook_bytes(wb)


def statement_workbook(statement) -> bytes:
    first = statement["first"]
    wb = exports.new_workbook(f"{first:%Y-%m}")
    ws = wb.active
    exports.write_row(
        ws, [_("Dealer statement"), str(statement["dealer"]), f"{first:%Y-%m}"], bold=True
    )
    exports.write_row(ws, [])
    exports.write_row(ws, [_("Date"), _("Entry"), _("Kind"), _("Amount"), _("Balance")], bold=True)
    exports.write_row(
        ws, [first, _("Opening balance"), "", "", exports.money(statement["opening"])]
    )
    for line in statement["lines"]:
        e = line["entry"]
        exports.write_row(
            ws,
            [
                e.on,
                e.description,
                e.get_kind_display(),
                exports.money(e.amount),
                exports.money(line["balance"]),
            ],
        )
    exports.write_row(
        ws,
        [statement["last"], _("Closing balance"), "", "", exports.money(statement["closing"])],
        bold=True,
    )
    exports.write_row(ws, [])
    exports.write_row(ws, [_("Goods charged"), exports.money(statement["charges"])])
    exports.write_row(ws, [_("Payments received"), exports.money(statement["payments"])])
    exports.write_row(ws, [_("Three-guarantee write-offs"), exports.money(statement["write_offs"])])
    if statement["records"]:
        exports.write_row(ws, [])
        exports.write_row(
            ws, [_("Record"), _("Customer"), _("Repaired on"), _("Covered cost")], bold=True
        )
        for rec in statement["records"]:
            exports.write_row(
                ws, [rec.number, rec.customer_name, rec.repaired_on, exports.money(rec.total_cost)]
            )
    for col, width in zip("ABCDE", (14, 40, 20, 14, 14), strict=True):
        ws.column_dimensions[col].width = width
    exports.write_row(ws, [])
    exports.write_row(ws, [_("Printed"), timezone.localtime().strftime("%Y-%m-%d %H:%M")])
    return exports.workbook_bytes(wb)
