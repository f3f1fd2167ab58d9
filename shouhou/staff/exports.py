"""The three staff reports as rows, and their Excel (openpyxl) export. Phones and ID numbers
are masked in exports."""

from __future__ import annotations

from django.http import HttpResponse
from django.utils import timezone
from django.utils.translation import gettext as _

from shouhou.core import exports
from shouhou.core.phones import mask_phone

from . import selectors

# Tiny and local until the shared Excel helper of shouhou.core.exports is merged.
YUAN_FORMAT = '"¥"#,##0.00'
XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


def report_expiring(*, user, today=None):
    headers = [
        _("Permit number"),
        _("Holder"),
        _("Mobile"),
        _("Kinds of work"),
        _("Valid until"),
        _("Status"),
    ]
    rows = [
        [
            p.number,
            p.staff.name,
            mask_phone(p.staff.mobile),
            "、".join(p.kind_labels()),
            p.valid_until,
            str(p.get_status_display()),
        ]
        for p in selectors.permits_expiring(user=user, today=today)
    ]
    days = selectors.permit_expiry_warning_days(user.organisation_id)
    return _("Permits expiring in the next %(days)s days") % {"days": days}, headers, rows


def report_owing(*, user, now=None):
    headers = [
        _("Name"),
        _("Mobile"),
        _("Merchant"),
        _("Unpaid fees"),
        _("Unpaid fines"),
        _("Overdue fines"),
        _("Total due"),
    ]
    rows = [
        [
            x["staff"].name,
            mask_phone(x["staff"].mobile),
            str(x["staff"].merchant or ""),
            exports.money(x["fees_due"]),
            exports.money(x["fines_due"]),
            exports.money(x["fines_overdue"]),
            exports.money(x["total"]),
        ]
        for x in selectors.staff_owing(user=user, now=now)
    ]
    return _("Staff with unpaid fines or fees"), headers, rows


def report_pipeline(*, user, now=None):
    headers = [
        _("Name"),
        _("Flow"),
        _("Waiting at"),
        _("Done by"),
        _("Waiting since"),
        _("Days waited"),
    ]
    rows = [
        [
            x["staff"].name,
            str(x["flow"]),
            str(x["step"]),
            x["role"],
            timezone.localtime(x["since"]).strftime("%Y-%m-%d %H:%M"),
            x["waited_days"],
        ]
        for x in selectors.onboarding_pipeline(user=user, now=now)
    ]
    return _("Onboarding pipeline"), headers, rows


REPORTS = {"expiring": report_expiring, "owing": report_owing, "pipeline": report_pipeline}


def xlsx_response(title: str, headers: list, rows: list, filename: str) -> HttpResponse:
    wb = exports.new_workbook(title)
    ws = wb.active
    exports.write_row(ws, headers, bold=True)
    for row in rows:
        exports.write_row(ws, row)
    for col in ws.columns:
        width = max(len(str(c.value or "")) for c in col) + 4
        ws.column_dimensions[col[0].column_letter].width = min(width * 1.6, 50)
    return exports.xlsx_response(exports.workbook_bytes(wb), filename)
