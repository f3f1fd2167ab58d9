"""The summaries as Excel workbooks and as e-mail text (one sheet / one paragraph per section)."""

from __future__ import annotations

from django.utils.translation import gettext as _

from shouhou.core.exports import money, new_workbook, safe_title, workbook_bytes, write_row


def daily_sections(s: dict) -> list[tuple[str, list[str], list[list]]]:
    """(title, header, rows) for each section of the daily summary."""
    c = s["contacts"]
    r = s["reservations"]
    return [
        (
            _("Contacts"),
            [_("kind"), _("count")],
            [[k["kind"], k["count"]] for k in c["by_kind"]]
            + [
                [_("total"), c["total"]],
                [_("repeat contacts"), c["repeats"]],
                [_("not answered"), c["not_answered"]],
            ],
        ),
        (
            _("Complaints"),
            [_("number"), _("customer"), _("what the customer says"), _("status")],
            [[x["number"], x["customer"], x["description"], x["status"]] for x in s["complaints"]],
        ),
        (
            _("Returns and exchanges"),
            [_("number"), _("kind"), _("customer"), _("status")],
            [[x["number"], x["kind"], x["customer"], x["status"]] for x in s["returns"]]
            + [
                [_("taken back at the desk"), x["item"], x["customer"], x["stored_at"]]
                for x in s["taken_back"]
            ],
        ),
        (
            _("Reservations"),
            [_("number"), _("customer"), _("goods"), _("deposit"), _("promised for")],
            [
                [x["number"], x["customer"], x["goods"], money(x["deposit"]), x["promised_on"]]
                for x in r["taken"]
            ]
            + [
                [_("arrived"), r["arrived"]],
                [_("collected"), r["collected"]],
                [_("cancelled"), r["cancelled"]],
                [_("overdue"), r["overdue"]],
            ],
        ),
    ]


def weekly_sections(s: dict) -> list[tuple[str, list[str], list[list]]]:
    return [
        (
            _("Overview"),
            [_("item"), _("count")],
            [
                [_("complaints"), s["total"]],
                [_("still open"), s["open"]],
                [_("complaint contacts"), s["complaint_contacts"]],
                [_("repeat contacts"), s["repeat_contacts"]],
            ],
        ),
        (_("Causes"), [_("cause"), _("count")], [[x["cause"], x["count"]] for x in s["causes"]]),
        (_("Status"), [_("status"), _("count")], [[x["status"], x["count"]] for x in s["states"]]),
        (
            _("Complaints"),
            [
                _("number"),
                _("day"),
                _("customer"),
                _("what the customer says"),
                _("cause"),
                _("status"),
            ],
            [
                [x["number"], x["day"], x["customer"], x["description"], x["cause"], x["status"]]
                for x in s["cases"]
            ],
        ),
    ]


def plain(sections):
    """The sections with money cells as plain amounts (for a page)."""
    return [
        (title, header, [[getattr(v, "amount", v) for v in row] for row in rows])
        for title, header, rows in sections
    ]


def workbook(sections) -> bytes:
    wb = new_workbook()
    wb.remove(wb.active)
    for title, header, rows in sections:
        ws = wb.create_sheet()
        ws.title = safe_title(title)
        write_row(ws, header, bold=True)
        for row in rows:
            write_row(ws, row)
    return workbook_bytes(wb)


def text(title: str, sections) -> str:
    lines = [title, ""]
    for name, _header, rows in plain(sections):
        lines.append(f"【{name}】")
        if not rows:
            lines.append("  " + _("none"))
        for row in rows:
            lines.append("  " + " · ".join(str(v) for v in row))
        lines.append("")
    return "\n".join(lines)
