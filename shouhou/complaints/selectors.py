"""Reads of the complaints app: cases, the approval queue, notifications, monthly statistics."""

from __future__ import annotations

import datetime as dt
from collections import Counter
from decimal import Decimal

from django.db.models import Count, Exists, OuterRef, Q, QuerySet, Sum
from django.urls import reverse
from django.utils import timezone
from django.utils.http import urlencode
from django.utils.translation import gettext as _

from shouhou.core import dates
from shouhou.core.errors import NotFoundError
from shouhou.core.money import quantize
from shouhou.org import roles as r
from shouhou.promises.models import Cause
from shouhou.workorders.models import WorkOrder

from . import routing
from . import states as s
from .defaults import DEFAULT_STATISTICS_RECIPIENT_ROLES
from .models import Case, ComplaintCause, ComplaintSettings, Kind, Notification, Responsibility

READER_ROLES = frozenset(r.OFFICE_ROLES)


def can_read(user) -> bool:
    return r.has_role(user, *READER_ROLES)


def case_list(*, user, kind: str | None = None, status: str | None = None, q: str = "") -> QuerySet:
    if not can_read(user):
        return Case.objects.none()
    qs = Case.objects.filter(organisation_id=user.organisation_id).select_related(
        "customer", "product", "contract", "cause", "store"
    )
    if kind:
        qs = qs.filter(kind=kind)
    if status:
        qs = qs.filter(status=status)
    if q:
        qs = qs.filter(
            Q(number__icontains=q)
            | Q(customer__name__icontains=q)
            | Q(customer__mobile__contains=q)
            | Q(description__icontains=q)
        )
    return qs


def case_get(*, user, pk) -> Case:
    try:
        pk = int(pk)
    except (TypeError, ValueError):
        raise NotFoundError() from None
    row = case_list(user=user).select_related("fault", "service_case").filter(pk=pk).first()
    if row is None:
        raise NotFoundError()
    return row


def role_ranks(organisation) -> dict:
    """The organisation's order of authority of the approving roles (a setting; default
    `routing.DEFAULT_RANK` until the organisation has its settings row)."""
    org_id = getattr(organisation, "pk", organisation)
    row = ComplaintSettings.objects.filter(organisation_id=org_id).only("role_ranks").first()
    ranks = row.role_ranks if row is not None else None
    return ranks if isinstance(ranks, dict) else dict(routing.DEFAULT_RANK)


def statistics_recipient_roles(organisation) -> list[str]:
    """Who receives the monthly complaint statistics (a setting; seed 004 五.6 default)."""
    org_id = getattr(organisation, "pk", organisation)
    row = (
        ComplaintSettings.objects.filter(organisation_id=org_id)
        .only("statistics_recipient_roles")
        .first()
    )
    roles = row.statistics_recipient_roles if row is not None else None
    return list(roles) if isinstance(roles, list) else list(DEFAULT_STATISTICS_RECIPIENT_ROLES)


def approval_queue(*, user) -> list[Case]:
    """Cases whose next signature the user may give (and has not signed yet)."""
    roles = r.user_roles(user)
    rows = (
        case_list(user=user, status=s.AWAITING_APPROVAL)
        .exclude(signatures__signed_by=user)
        .order_by("submitted_at", "id")
    )
    ranks = role_ranks(user.organisation_id)
    return [
        c
        for c in rows
        if routing.may_sign(roles, c.current_role, ranks=ranks, superuser=user.is_superuser)
    ]


def notification_list(*, user) -> QuerySet:
    return Notification.objects.filter(recipient=user)


def dashboard_cards(*, user) -> list[dict]:
    if not can_read(user):
        return []
    cards = []
    queue = approval_queue(user=user)
    if queue:
        cards.append(
            {
                "label": _("Cases awaiting your approval"),
                "value": len(queue),
                "url": reverse("complaints:approvals"),
                "alert": True,
            }
        )
    open_count = case_list(user=user).filter(status__in=s.OPEN_STATES).count()
    cards.append(
        {
            "label": _("Open complaints and returns"),
            "value": open_count,
            "url": reverse("complaints:list"),
            "alert": False,
        }
    )
    return cards


# --- monthly statistics -------------------------------------------------------------------


def _counts(qs, field: str) -> list[tuple]:
    return list(qs.order_by().values(field).annotate(n=Count("id")).values_list(field, "n"))


def month_bounds(month: dt.date) -> tuple[dt.datetime, dt.datetime]:
    return dates.month_bounds(month, timezone.get_current_timezone())


def monthly_statistics(*, organisation, month: dt.date) -> dict:
    """顾客投诉统计表, 顾客投诉因素分类统计表 and returns/exchanges with their reasons."""
    start, end = month_bounds(month)
    cases = Case.objects.filter(
        organisation=organisation, created_at__gte=start, created_at__lt=end
    )
    kinds = dict(Kind.choices)
    by_kind = dict.fromkeys(kinds, 0)
    by_kind.update(dict(_counts(cases, "kind")))
    status_counts = Counter()
    for k, st, n in (
        cases.order_by()
        .values_list("kind", "status")
        .annotate(n=Count("id"))
        .values_list("kind", "status", "n")
    ):
        status_counts[(k, st)] += n
    summary = [
        {
            "kind": k,
            "label": str(kinds[k]),
            "total": by_kind.get(k, 0),
            "done": status_counts[(k, s.DONE)],
            "refused": status_counts[(k, s.REFUSED)],
            "open": sum(status_counts[(k, st)] for st in s.OPEN_STATES),
        }
        for k in kinds
    ]
    complaints = cases.filter(kind=s.COMPLAINT)
    causes = []
    rows = dict(_counts(complaints, "cause"))
    total_complaints = sum(rows.values())
    for cause in ComplaintCause.objects.filter(organisation=organisation).order_by("order"):
        n = rows.get(cause.pk, 0)
        causes.append(
            {
                "cause": cause.name,
                "count": n,
                "share": round(100 * n / total_complaints, 1) if total_complaints else 0,
            }
        )
    if rows.get(None):
        n = rows[None]
        causes.append(
            {
                "cause": _("Not classified"),
                "count": n,
                "share": round(100 * n / total_complaints, 1) if total_complaints else 0,
            }
        )
    resp = dict(Responsibility.choices)
    responsibility = [
        {"responsibility": str(resp.get(code, code)), "count": n}
        for code, n in _counts(complaints, "responsibility")
    ]
    goods = cases.filter(kind__in=[s.EXCHANGE, s.RETURN, s.INSTALLED_EXCHANGE])

    cause_labels = dict(Cause.choices)
    reasons = Counter()
    for kind, facts in goods.values_list("kind", "decision__facts"):
        reasons[(kind, (facts or {}).get("cause", ""))] += 1
    returns = [
        {
            "kind": str(kinds[k]),
            "reason": str(cause_labels.get(reason, reason or _("Not recorded"))),
            "count": n,
        }
        for (k, reason), n in sorted(reasons.items())
    ]
    cost = cases.aggregate(amount=Sum("amount"), claims=Sum("supplier_claim_amount"))
    problems, repeats = _problems(cases)
    return {
        "month": month.replace(day=1),
        "summary": summary,
        "causes": causes,
        "responsibility": responsibility,
        "returns": returns,
        "total": sum(by_kind.values()),
        "complaints": total_complaints,
        "problems": problems,
        "repeats": repeats,
        "cost": quantize(Decimal(cost["amount"] or 0)),
        "claims": quantize(Decimal(cost["claims"] or 0)),
    }


def _problems(cases) -> tuple[int, int]:
    """(problems, repeats) of the month's cases (issue 16.9): the cases of one service case are
    one problem; a case is a repeat when an earlier record of its service case exists (an
    earlier complaint or return, or a work order received before it, e.g. the repair it
    follows). One query."""
    earlier_case = Case.objects.filter(
        service_case_id=OuterRef("service_case_id"), created_at__lt=OuterRef("created_at")
    )
    earlier_order = WorkOrder.objects.filter(
        service_case_id=OuterRef("service_case_id"), received_at__lt=OuterRef("created_at")
    )
    row = (
        cases.order_by()
        .annotate(is_repeat=Exists(earlier_case) | Exists(earlier_order))
        .aggregate(
            alone=Count("pk", filter=Q(service_case__isnull=True)),
            joined=Count("service_case_id", distinct=True),
            repeats=Count("pk", filter=Q(service_case__isnull=False, is_repeat=True)),
        )
    )
    return row["alone"] + row["joined"], row["repeats"]


# Money cells: the Decimal itself (openpyxl writes it exactly) shown as yuan. Kept local and tiny
# until the shared Excel helper of shouhou.core.exports is merged.
YUAN_FORMAT = '"¥"#,##0.00'


def statistics_workbook(stats: dict) -> bytes:
    """The month's three tables as an Excel workbook."""
    from shouhou.core import exports

    wb = exports.new_workbook(_("Complaint statistics"))
    ws = wb.active
    exports.write_row(ws, [_("Month"), stats["month"].strftime("%Y-%m")])
    exports.write_row(ws, [_("Kind"), _("Total"), _("Done"), _("Refused"), _("Open")])
    for row in stats["summary"]:
        exports.write_row(
            ws, [row["label"], row["total"], row["done"], row["refused"], row["open"]]
        )
    exports.write_row(
        ws, [_("Problems (a repeat of a known problem counts once)"), stats["problems"]]
    )
    exports.write_row(ws, [_("Repeats of a known problem"), stats["repeats"]])
    exports.write_row(ws, [_("Total cost"), exports.money(stats["cost"])])
    exports.write_row(ws, [_("Claimed back from suppliers"), exports.money(stats["claims"])])
    ws2 = wb.create_sheet(exports.safe_title(_("Complaint causes")))
    exports.write_row(ws2, [_("Cause category"), _("Complaints"), _("Share (%)")])
    for row in stats["causes"]:
        exports.write_row(ws2, [row["cause"], row["count"], row["share"]])
    exports.write_row(ws2, [])
    exports.write_row(ws2, [_("Responsibility"), _("Complaints")])
    for row in stats["responsibility"]:
        exports.write_row(ws2, [row["responsibility"], row["count"]])
    ws3 = wb.create_sheet(exports.safe_title(_("Returns and exchanges")))
    exports.write_row(ws3, [_("Kind"), _("Reason"), _("Count")])
    for row in stats["returns"]:
        exports.write_row(ws3, [row["kind"], row["reason"], row["count"]])
    return exports.workbook_bytes(wb)


# --- the page frame: menu badges and the global search (registered in navigation.py) ---------

SEARCH_HITS = 5


def approvals_count(*, user) -> int:
    """ "Approvals" badge: the cases waiting for the user's own signature."""
    return len(approval_queue(user=user)) if can_read(user) else 0


def unread_notifications_count(*, user) -> int:
    return notification_list(user=user).filter(read_at__isnull=True).count()


def search_hits(*, user, q: str) -> list[dict]:
    """Complaints and returns the user may see by number, customer, phone or description; the
    case numbered exactly `q` is an exact hit."""
    if not can_read(user):
        return []
    rows = list(case_list(user=user, q=q).order_by("-id")[: SEARCH_HITS + 1])
    kind = _("Complaints and returns")
    hits = [
        {
            "kind": kind,
            "label": f"{c.number or c.pk} · {c.customer}",
            "detail": c.get_status_display(),
            "url": reverse("complaints:detail", args=[c.pk]),
            "exact": bool(c.number) and c.number.lower() == q.lower(),
        }
        for c in rows[:SEARCH_HITS]
    ]
    if len(rows) > SEARCH_HITS:
        more = reverse("complaints:list") + "?" + urlencode({"q": q})
        hits.append({"kind": kind, "label": _("All matching cases"), "url": more, "more": True})
    return hits
