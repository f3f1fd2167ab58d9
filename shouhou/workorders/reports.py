"""The daily reports (seed 001): one set of rows for the page, the API and the Excel file."""

from __future__ import annotations

import datetime as dt

from django.conf import settings
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from shouhou.core.phones import mask_phone

from . import config, selectors

SECTIONS = [
    ("no_news", gettext_lazy("Dispatched over 2 working days ago, no news")),
    ("missed", gettext_lazy("Missed services of the day")),
    ("reissued", gettext_lazy("Re-issued orders")),
    ("needs_revisit", gettext_lazy("Orders needing another visit")),
    ("unreachable", gettext_lazy("Unreachable customers")),
]


def sections_for(organisation) -> list[tuple[str, str]]:
    """The sections with their titles; the no-news one names the organisation's
    `no_news_after_days` (default 2)."""
    days = config.settings_for(organisation).no_news_after_days
    titles = {
        "no_news": _("Dispatched over %(n)s working days ago, no news") % {"n": days},
    }
    return [(key, titles.get(key, str(title))) for key, title in SECTIONS]


COLUMNS = [
    ("number", gettext_lazy("Order")),
    ("customer", gettext_lazy("Customer")),
    ("phone", gettext_lazy("Phone")),
    ("kind", gettext_lazy("Kind")),
    ("status", gettext_lazy("Status")),
    ("technician", gettext_lazy("Technician")),
    ("dispatched_at", gettext_lazy("Dispatched")),
    ("detail", gettext_lazy("Detail")),
]


def _local(value) -> str:
    return timezone.localtime(value).strftime("%Y-%m-%d %H:%M") if value else ""


def _row(order, detail="", *, full_phone: bool) -> dict:
    phone = order.contact_phone or order.customer.mobile
    return {
        "id": order.pk,
        "number": order.number,
        "customer": order.customer.name,
        "phone": phone if full_phone else mask_phone(phone),
        "kind": str(order.get_kind_display()),
        "status": str(order.status_label),
        "technician": order.technician.name if order.technician_id else "",
        "dispatched_at": _local(order.dispatched_at),
        "detail": str(detail),
    }


def report_rows(
    *, user, day: dt.date | None = None, full_phone: bool = False, limit: int | None = None
) -> dict:
    """Every section's rows (its first `limit`), `counts` with each section's full size, and
    the month's response tiers."""
    data = selectors.daily_report(user=user, day=day, limit=limit)
    out = {"day": data["day"].isoformat(), "counts": data["counts"]}
    out["no_news"] = [_row(o, full_phone=full_phone) for o in data["no_news"]]
    out["missed"] = [
        _row(m.order, f"{m.get_reason_display()} · ¥{m.deduction}", full_phone=full_phone)
        for m in data["missed"]
    ]
    out["reissued"] = [
        _row(o, _("re-issued %(n)s time(s)") % {"n": o.reissue_count}, full_phone=full_phone)
        for o in data["reissued"]
    ]
    out["needs_revisit"] = [
        _row(o, _local(o.appointment_at), full_phone=full_phone) for o in data["needs_revisit"]
    ]
    out["unreachable"] = [
        _row(
            o,
            o.unreachable_reason
            or _("no reason reported yet (due %(due)s)")
            % {"due": _local(o.unreachable_report_due_at)},
            full_phone=full_phone,
        )
        for o in data["unreachable"]
    ]
    out["tiers"] = selectors.tier_summary(user=user, day=data["day"])
    return out


TIER_COLUMNS = [
    ("name", gettext_lazy("Response tier")),
    ("count", gettext_lazy("Orders this month")),
    ("on_time", gettext_lazy("On time")),
    ("late", gettext_lazy("Late")),
]


def report_xlsx(*, user, day: dt.date | None = None, full_phone: bool = False) -> bytes:
    from shouhou.core import exports

    limit = settings.SHOUHOU_REPORT_EXPORT_ROWS
    rows = report_rows(user=user, day=day, full_phone=full_phone, limit=limit)
    wb = exports.new_workbook()
    wb.remove(wb.active)
    for key, title in sections_for(user.organisation):
        ws = wb.create_sheet(exports.safe_title(title))
        exports.write_row(ws, [label for _k, label in COLUMNS], bold=True)
        for row in rows[key]:
            exports.write_row(ws, [row[k] for k, _label in COLUMNS])
        if rows["counts"][key] > len(rows[key]):
            exports.write_row(
                ws,
                [
                    _("First %(shown)s of %(total)s rows; filter the work-order list for the rest.")
                    % {"shown": len(rows[key]), "total": rows["counts"][key]}
                ],
            )
        for col, width in zip("ABCDEFGH", (18, 12, 14, 10, 14, 10, 17, 40), strict=True):
            ws.column_dimensions[col].width = width
    ws = wb.create_sheet(exports.safe_title(str(gettext_lazy("Response tiers"))))
    exports.write_row(ws, [label for _k, label in TIER_COLUMNS], bold=True)
    for row in rows["tiers"]:
        exports.write_row(ws, [row[k] for k, _label in TIER_COLUMNS])
    ws.column_dimensions["A"].width = 40
    return exports.workbook_bytes(wb)
