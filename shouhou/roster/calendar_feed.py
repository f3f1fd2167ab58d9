"""A technician's appointments as an iCalendar feed (RFC 5545), on a signed address.

The token holds the organisation and the staff id, signed with the customer-link secret
(`shouhou.core.links`, salt "roster.ical"); rotating that secret revokes every feed.
"""

from __future__ import annotations

import datetime as dt

from django.core import signing
from django.utils import timezone

from shouhou.core.links import load_customer_link, sign_customer_link

SALT = "roster.ical"


def token_for(staff) -> str:
    return sign_customer_link({"o": staff.organisation_id, "s": staff.pk}, salt=SALT)


def read_token(token: str) -> tuple[int, int] | None:
    try:
        data = load_customer_link(token, salt=SALT)
    except signing.BadSignature:
        return None
    if not isinstance(data, dict) or not {"o", "s"} <= set(data):
        return None
    return int(data["o"]), int(data["s"])


def _escape(text: str) -> str:
    return (
        str(text)
        .replace("\\", "\\\\")
        .replace(";", "\\;")
        .replace(",", "\\,")
        .replace("\r\n", "\\n")
        .replace("\n", "\\n")
    )


def _fold(line: str) -> str:
    """Lines longer than 75 octets are folded (CRLF + space), never inside a UTF-8 sequence."""
    out, cur, size = [], "", 0
    for ch in line:
        n = len(ch.encode())
        if size + n > (75 if not out else 74):
            out.append(cur)
            cur, size = "", 0
        cur += ch
        size += n
    out.append(cur)
    return "\r\n ".join(out)


def _utc(t: dt.datetime) -> str:
    return t.astimezone(dt.UTC).strftime("%Y%m%dT%H%M%SZ")


def render(*, staff, appointments, host: str, now: dt.datetime | None = None) -> str:
    now = now or timezone.now()
    lines = [
        "BEGIN:VCALENDAR",
        "VERSION:2.0",
        "PRODID:-//Shouhou//Roster//ZH",
        "CALSCALE:GREGORIAN",
        "METHOD:PUBLISH",
        f"X-WR-CALNAME:{_escape(staff.name)}",
        "X-WR-TIMEZONE:Asia/Shanghai",
    ]
    for a in appointments:
        o = a.order
        summary = f"{o.number} {o.get_kind_display()} {o.customer.name if o.customer_id else ''}"
        where = " ".join(x for x in (o.district, o.address) if x)
        lines += [
            "BEGIN:VEVENT",
            f"UID:roster-{a.pk}@{host}",
            f"DTSTAMP:{_utc(now)}",
            f"LAST-MODIFIED:{_utc(a.updated_at)}",
            f"SEQUENCE:{a.changes}",
            f"DTSTART:{_utc(a.starts_at)}",
            f"DTEND:{_utc(a.ends_at)}",
            f"SUMMARY:{_escape(summary.strip())}",
            f"LOCATION:{_escape(where)}",
            f"DESCRIPTION:{_escape(o.description[:500])}",
            "STATUS:" + ("CONFIRMED" if a.status in ("agreed", "confirmed") else "TENTATIVE"),
            "END:VEVENT",
        ]
    lines.append("END:VCALENDAR")
    return "\r\n".join(_fold(line) for line in lines) + "\r\n"
