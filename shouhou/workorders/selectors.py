"""Reads of work orders, limited to what the user may see.

- office roles (`OFFICE_ROLES`) and superusers: every order of their organisation;
- a merchant admin: their merchant's orders;
- a technician / delivery crew: the orders dispatched to them (their own jobs);
- everybody else: none. An id the user may not see is a 404, never a 403.
"""

from __future__ import annotations

import datetime as dt

from django.conf import settings as django_settings
from django.db.models import Count, Exists, OuterRef, Q, QuerySet, Subquery
from django.db.models.functions import Coalesce
from django.urls import reverse
from django.utils import timezone
from django.utils.http import urlencode
from django.utils.translation import gettext as _

from shouhou.core.errors import NotFoundError
from shouhou.org import roles as r
from shouhou.staff.models import ServiceStaff
from shouhou.staff.services import staff_for_user
from shouhou.workdays.services import calendar_for

from . import config, states
from . import due as due_
from .models import (
    Call,
    LoanUnit,
    MissedService,
    PublicRequest,
    ReportPart,
    ReportPhoto,
    SlaPolicy,
    WorkOrder,
    WrittenContact,
)

LIST_RELATED = ("customer", "technician", "store", "merchant", "policy", "product")


def _staff(user):
    return staff_for_user(user)


def workorder_visible_qs(*, user) -> QuerySet:
    if user is None or not user.is_authenticated:
        return WorkOrder.objects.none()
    qs = WorkOrder.objects.all()
    if not (user.is_superuser and not user.organisation_id):
        qs = qs.filter(organisation_id=user.organisation_id)
    if user.is_superuser or r.has_role(user, *r.OFFICE_ROLES):
        return qs
    if r.has_role(user, r.MERCHANT_ADMIN) and user.merchant_id:
        return qs.filter(merchant_id=user.merchant_id)
    if r.has_role(user, r.TECHNICIAN, r.DELIVERY_CREW):
        staff = _staff(user)
        return qs.filter(technician=staff) if staff else qs.none()
    return qs.none()


# What a list row shows (the summary; the detail endpoint and page show the full order).
SUMMARY_FIELDS = (
    "id",
    "organisation_id",
    "updated_at",  # with the customer's and technician's: the list's ETag (core.listing)
    "customer__updated_at",
    "technician__updated_at",
    "number",
    "kind",
    "status",
    "customer_id",
    "customer__id",
    "customer__name",
    "contact_phone",
    "technician_id",
    "technician__id",
    "technician__name",
    "store_id",
    "merchant_id",
    "description",
    "is_emergency",
    "is_reissued",
    "needs_revisit",
    "missed_service",
    "received_at",
    "contact_due_at",
    "onsite_due_at",
    "reply_due_at",
    "fixed_due_at",
    "contact_overdue",
    "onsite_overdue",
    "fixed_overdue",
    "reply_missed",
    "unreachable_since",
    *due_.ROW_FIELDS,
)
OVERDUE = (
    Q(contact_overdue=True)
    | Q(onsite_overdue=True)
    | Q(fixed_overdue=True)
    | Q(reply_missed=True)
    | Q(arrange_overdue=True)
)
# The `flag` filter of the work-order list: each one a boolean column of WorkOrder.
LIST_FLAGS = (
    "missed_service",
    "is_reissued",
    "needs_revisit",
    "contact_overdue",
    "onsite_overdue",
    "fixed_overdue",
    "unreachable_overdue",
    "arrange_overdue",
)


def workorder_list(
    *,
    user,
    status: str | None = None,
    kind: str | None = None,
    q: str | None = None,
    flag: str | None = None,
    technician_id: int | None = None,
    store_id: int | None = None,
    merchant_id: int | None = None,
    policy_id: int | None = None,
    overdue: bool | None = None,
    due: str | None = None,
    sort: str | None = None,
    now: dt.datetime | None = None,
    summary: bool = False,
) -> QuerySet:
    """Orders `user` may see, re-issued first, then newest (the index `wo_list_default` and,
    for one technician, `wo_list_technician` serve this order). `status` is a state, a clock
    category (`open`, `paused`, `resolved`) or `unresolved`; `due` one of `due.DUE_FILTERS`
    (over the next due time, `next_due_at`); `sort="due"`: the orders with a limit still open,
    the next due first (index `wo_list_due`); `summary=True` loads only what a list row shows
    (`SUMMARY_FIELDS`)."""
    qs = workorder_visible_qs(user=user)
    if summary:
        qs = qs.select_related("customer", "technician").only(*SUMMARY_FIELDS)
    else:
        qs = qs.select_related(*LIST_RELATED)
    if status == "unresolved":
        qs = qs.filter(status__in=states.UNRESOLVED_STATES)
    elif status in (states.OPEN, states.PAUSED, states.RESOLVED):
        qs = qs.filter(status__in=[s for s, c in states.CATEGORY.items() if c == status])
    elif status:
        qs = qs.filter(status=status)
    if kind:
        qs = qs.filter(kind=kind)
    if technician_id:
        qs = qs.filter(technician_id=technician_id)
    if store_id:
        qs = qs.filter(store_id=store_id)
    if merchant_id:
        qs = qs.filter(merchant_id=merchant_id)
    if policy_id:  # one response tier (the tier table of the reports links here)
        qs = qs.filter(policy_id=policy_id)
    if overdue is not None:
        qs = qs.filter(OVERDUE) if overdue else qs.exclude(OVERDUE)
    if flag in LIST_FLAGS:
        qs = qs.filter(**{flag: True})
    if due in due_.DUE_FILTERS:
        now = now or timezone.now()
        qs = qs.filter(due_.due_q(due, organisation_id=user.organisation_id, now=now))
    if q:
        q = q.strip()
        qs = qs.filter(
            Q(number__icontains=q)
            | Q(customer__name__icontains=q)
            | Q(customer__mobile__contains=q)
            | Q(contact_phone__contains=q)
            | Q(address__icontains=q)
        )
    if sort == due_.SORT_DUE:
        return qs.filter(next_due_at__isnull=False).order_by("next_due_at", "id")
    return qs.order_by("-is_reissued", "-received_at", "-id")


def assignable_technicians(*, user) -> QuerySet:
    """The active service staff `user` may give orders to from the list (a merchant admin
    without a desk role: their merchant's own staff)."""
    qs = ServiceStaff.objects.filter(
        organisation_id=user.organisation_id, status=ServiceStaff.Status.ACTIVE
    )
    desk = r.OFFICE_ROLES - {r.MERCHANT_ADMIN}
    if user.merchant_id and not (user.is_superuser or r.has_role(user, *desk)):
        qs = qs.filter(merchant_id=user.merchant_id)
    return qs.order_by("name")


def workorder_get(*, user, pk) -> WorkOrder:
    try:
        pk = int(pk)
    except (TypeError, ValueError) as exc:
        raise NotFoundError() from exc
    order = (
        workorder_visible_qs(user=user)
        .select_related(*LIST_RELATED, "fault", "service_case")
        .annotate(joined_calls=_joined_calls())
        .filter(pk=pk)
        .first()
    )
    if order is None:
        raise NotFoundError()
    return order


# The repeat contacts of an order (later calls joined to it), read with the order itself: a
# subquery, not a join with GROUP BY, so a detail page costs no extra query.
def _joined_calls() -> Coalesce:
    return Coalesce(
        Subquery(
            Call.objects.filter(order_id=OuterRef("pk"), joined=True)
            .order_by()
            .values("order_id")
            .annotate(n=Count("pk"))
            .values("n")[:1]
        ),
        0,
    )


def with_repeat_contacts(qs: QuerySet) -> QuerySet:
    """Each order with its repeat-contact count (`joined_calls`), in the same query."""
    return qs.annotate(joined_calls=_joined_calls())


def can_see_phone(*, user, order) -> bool:
    """Office roles, the merchant's admin and the order's own technician see the number."""
    return workorder_visible_qs(user=user).filter(pk=order.pk).exists()


def my_jobs(*, user, include_done_today: bool = False) -> list[WorkOrder]:
    """The technician's open jobs: re-issued first, then by appointment and dispatch time."""
    staff = _staff(user)
    if staff is None:
        return []
    qs = WorkOrder.objects.filter(technician=staff, status__in=states.ASSIGNED_STATES)
    if include_done_today:
        start = timezone.localtime().replace(hour=0, minute=0, second=0, microsecond=0)
        qs = qs | WorkOrder.objects.filter(
            technician=staff, status=states.DONE, completed_at__gte=start
        )
    return list(
        qs.select_related("customer", "product", "technician").order_by(
            "-is_reissued", "appointment_at", "dispatched_at", "id"
        )
    )


# Daily reports ---------------------------------------------------------------------------------
def _day_bounds(day: dt.date) -> tuple[dt.datetime, dt.datetime]:
    start = timezone.make_aware(dt.datetime.combine(day, dt.time.min))
    return start, start + dt.timedelta(days=1)


def report_no_news(*, user, now: dt.datetime | None = None) -> QuerySet:
    """Dispatched more than N working days ago and still no news from the technician."""
    now = now or timezone.now()
    org = user.organisation
    settings = config.settings_for(org)

    cal = calendar_for(org)
    cutoff = cal.add_working_days(timezone.localtime(now).date(), -settings.no_news_after_days)
    _, end = _day_bounds(cutoff)
    return (
        workorder_visible_qs(user=user)
        .filter(status__in=states.ASSIGNED_STATES, replied_at__isnull=True, dispatched_at__lt=end)
        .select_related(*LIST_RELATED)
        .order_by("dispatched_at")
    )


def report_missed(*, user, day: dt.date) -> QuerySet:
    start, end = _day_bounds(day)
    visible = workorder_visible_qs(user=user)
    return (
        MissedService.objects.filter(order__in=visible, detected_at__gte=start, detected_at__lt=end)
        # the row names the order's technician and customer: one join, not a query per row
        .select_related("order", "order__customer", "order__technician", "technician")
        .order_by("detected_at", "id")
    )


def report_reissued(*, user, day: dt.date | None = None) -> QuerySet:
    qs = workorder_visible_qs(user=user).filter(is_reissued=True)
    if day is not None:
        start, end = _day_bounds(day)
        qs = qs.filter(reissued_at__gte=start, reissued_at__lt=end)
    else:
        qs = qs.filter(status__in=states.UNRESOLVED_STATES)
    return qs.select_related(*LIST_RELATED).order_by("-reissued_at")


def report_needs_revisit(*, user) -> QuerySet:
    return (
        workorder_visible_qs(user=user)
        .filter(needs_revisit=True, status__in=states.UNRESOLVED_STATES)
        .select_related(*LIST_RELATED)
        .order_by("dispatched_at")
    )


def report_unreachable(*, user) -> QuerySet:
    return (
        workorder_visible_qs(user=user)
        .filter(unreachable_since__isnull=False, status__in=states.ASSIGNED_STATES)
        .select_related(*LIST_RELATED)
        .order_by("unreachable_since")
    )


def _bounded(qs: QuerySet, limit: int) -> tuple[list, int]:
    """The first `limit` rows and the section's total: a busy organisation's open re-issues or
    unreachable customers run into thousands, and the report is read, not scrolled. The total
    costs a COUNT only when the section is longer than the page."""
    rows = list(qs[: limit + 1])
    if len(rows) <= limit:
        return rows, len(rows)
    return rows[:limit], qs.order_by().count()


def daily_report(
    *, user, day: dt.date | None = None, now: dt.datetime | None = None, limit: int | None = None
) -> dict:
    """The five sections of seed 001's daily report, each its first `limit` rows
    (settings.SHOUHOU_REPORT_SECTION_ROWS), with `counts` giving every section's full size."""
    now = now or timezone.now()
    day = day or timezone.localtime(now).date()
    limit = limit or django_settings.SHOUHOU_REPORT_SECTION_ROWS
    sections = {
        "no_news": report_no_news(user=user, now=now),
        "missed": report_missed(user=user, day=day),
        "reissued": report_reissued(user=user, day=day),
        "needs_revisit": report_needs_revisit(user=user),
        "unreachable": report_unreachable(user=user),
    }
    out: dict = {"day": day, "counts": {}}
    for key, qs in sections.items():
        out[key], out["counts"][key] = _bounded(qs, limit)
    return out


# Response tiers (seed 002) ---------------------------------------------------------------------
# An order is late in its tier when the sweep marked any of its limits (or its written contact).
TIER_LATE = (
    Q(arrange_overdue=True)
    | Q(contact_overdue=True)
    | Q(onsite_overdue=True)
    | Q(fixed_overdue=True)
    | Q(reply_missed=True)
    | Q(written_contact__overdue=True)
)


def tier_summary(*, user, day: dt.date) -> list[dict]:
    """Per policy (response tier), the orders received in the month of `day` up to that day:
    how many, how many on time so far, how many late (one GROUP BY query; the names come from
    the cached configuration)."""
    month_start, _ = _day_bounds(day.replace(day=1))
    _, end = _day_bounds(day)
    rows = (
        workorder_visible_qs(user=user)
        .filter(received_at__gte=month_start, received_at__lt=end, policy__isnull=False)
        .order_by()
        .values("policy_id")
        .annotate(count=Count("pk"), late=Count("pk", filter=TIER_LATE))
    )
    counts = {row["policy_id"]: row for row in rows}
    out = []
    cfg = config.org_config(user.organisation_id)
    names = {p.pk: p for p in cfg.policies}
    for pk in sorted(counts, key=lambda k: (names[k].name if k in names else "", k)):
        row = counts[pk]
        policy = names.get(pk)
        out.append(
            {
                "policy": pk,
                "code": policy.code if policy else "",
                "name": policy.name if policy else str(pk),
                "count": row["count"],
                "on_time": row["count"] - row["late"],
                "late": row["late"],
            }
        )
    return out


def written_contact_for(order: WorkOrder) -> WrittenContact | None:
    """The order's written contact (seed 002 3.2.3), if its tier asked for one."""
    return WrittenContact.objects.filter(order=order).select_related("written_by").first()


def written_contact_get(*, user, pk) -> WrittenContact:
    contact = WrittenContact.objects.filter(pk=pk).select_related("order").first()
    if contact is None or not workorder_visible_qs(user=user).filter(pk=contact.order_id).exists():
        raise NotFoundError()
    return contact


def written_contacts_late(*, user) -> QuerySet:
    """Written contacts past their due time and not written yet (the escalation list)."""
    return (
        WrittenContact.objects.filter(
            written_at__isnull=True,
            overdue=True,
            order__in=workorder_visible_qs(user=user),
        )
        .select_related("order", "order__customer")
        .order_by("due_at", "id")
    )


def sla_policies(*, user) -> QuerySet:
    """The organisation's SLA policies and response tiers, with their targets (office roles)."""
    if not (user.is_superuser or r.has_role(user, *r.OFFICE_ROLES)):
        return SlaPolicy.objects.none()
    return SlaPolicy.objects.prefetch_related("targets").order_by("name", "pk")


# Old parts (旧件) -------------------------------------------------------------------------------
OLD_PART_STATES = ("outstanding", "received", "all")


def _old_parts_visible(*, user) -> QuerySet:
    """Replaced parts to be returned, on orders whose work is finished: the warehouse keeper
    and the office see the organisation's, a merchant admin their merchant's, a technician
    their own."""
    if user is None or not user.is_authenticated:
        return ReportPart.objects.none()
    qs = ReportPart.objects.filter(return_old=True, report__order__completed_at__isnull=False)
    if user.is_superuser and not user.organisation_id:
        return qs
    qs = qs.filter(organisation_id=user.organisation_id)
    if user.is_superuser or r.has_role(user, r.WAREHOUSE_KEEPER, *r.OFFICE_ROLES):
        return qs
    return qs.filter(report__order__in=workorder_visible_qs(user=user))


def old_parts_list(
    *, user, state: str = "outstanding", technician_id: int | None = None, q: str | None = None
) -> QuerySet:
    qs = _old_parts_visible(user=user).select_related(
        "report__order__customer", "report__order__technician", "old_received_by"
    )
    if state == "outstanding":
        qs = qs.filter(old_returned_at__isnull=True)
    elif state == "received":
        qs = qs.filter(old_returned_at__isnull=False)
    if technician_id:
        qs = qs.filter(report__order__technician_id=technician_id)
    if q:
        q = q.strip()
        qs = qs.filter(
            Q(name__icontains=q)
            | Q(report__order__number__icontains=q)
            | Q(report__order__customer__name__icontains=q)
        )
    if state == "received":
        return qs.order_by("-old_returned_at", "-id")
    return qs.order_by("report__order__completed_at", "id")


def old_part_get(*, user, pk) -> ReportPart:
    try:
        pk = int(pk)
    except (TypeError, ValueError) as exc:
        raise NotFoundError() from exc
    part = _old_parts_visible(user=user).filter(pk=pk).select_related("report__order").first()
    if part is None:
        raise NotFoundError()
    return part


def report_photo_get(*, user, pk) -> ReportPhoto:
    """A photo of an order the user may see (others: 404)."""
    try:
        pk = int(pk)
    except (TypeError, ValueError) as exc:
        raise NotFoundError() from exc
    photo = (
        ReportPhoto.objects.filter(pk=pk, report__order__in=workorder_visible_qs(user=user))
        .select_related("report")
        .first()
    )
    if photo is None:
        raise NotFoundError()
    return photo


def public_request_get(*, user, pk) -> PublicRequest:
    try:
        pk = int(pk)
    except (TypeError, ValueError) as exc:
        raise NotFoundError() from exc
    req = PublicRequest.objects.filter(pk=pk, organisation_id=user.organisation_id).first()
    if req is None or not r.has_role(user, *r.OFFICE_ROLES):
        raise NotFoundError()
    return req


def public_requests_pending(*, user) -> QuerySet:
    if not r.has_role(user, *r.OFFICE_ROLES):
        return PublicRequest.objects.none()
    return PublicRequest.objects.filter(
        organisation_id=user.organisation_id, status=PublicRequest.Status.PENDING
    ).select_related("store")


# Loan units ------------------------------------------------------------------------------------
LOAN_FILTERS = ("due", "out", "overdue", "returned", "all")


def _loans_due_q(now: dt.datetime) -> Q:
    """Orders whose promise includes a loan unit, past their fix limit, not fixed, none out."""
    out = LoanUnit.objects.filter(order=OuterRef("pk"), returned_at__isnull=True)
    return (
        Q(policy__loan_unit_if_late=True, fixed_due_at__lt=now, completed_at__isnull=True)
        & Q(status__in=states.ASSIGNED_STATES)
        & ~Exists(out)
    )


def loan_unit_due(order: WorkOrder, *, now: dt.datetime | None = None) -> bool:
    """Does this order owe the customer a loan unit now (shown as "loan unit due")?"""
    now = now or timezone.now()
    return WorkOrder.objects.filter(pk=order.pk).filter(_loans_due_q(now)).exists()


def loans_for_order(order: WorkOrder) -> list[LoanUnit]:
    return list(LoanUnit.objects.filter(order=order).select_related("lent_by", "returned_by"))


def loan_overdue_cutoff(organisation_id: int, today: dt.date) -> dt.datetime:
    """A unit is overdue when the order was fixed before the start of this local day: `today`
    less the organisation's `loan_return_working_days` working days."""
    cal = calendar_for(organisation_id)
    n = config.settings_for(organisation_id).loan_return_working_days
    day = cal.add_working_days(today, -n) if n else today
    return _day_bounds(day)[0]


def loan_list(*, user, which: str = "out", now: dt.datetime | None = None) -> QuerySet:
    """Loan units (`out`, `overdue`, `returned`, `all`) or, for `due`, the orders that owe one;
    limited to the orders the user may see."""
    if which not in LOAN_FILTERS:
        raise ValueError(which)
    now = now or timezone.now()
    orders = workorder_visible_qs(user=user)
    if which == "due":
        return (
            orders.filter(_loans_due_q(now))
            .select_related(*LIST_RELATED)
            .order_by("fixed_due_at", "pk")
        )
    qs = LoanUnit.objects.filter(order__in=orders).select_related(
        "order", "order__customer", "order__technician", "lent_by"
    )
    if which == "out":
        qs = qs.filter(returned_at__isnull=True)
    elif which == "returned":
        qs = qs.filter(returned_at__isnull=False)
    elif which == "overdue":
        cutoff = loan_overdue_cutoff(user.organisation_id, timezone.localtime(now).date())
        qs = qs.filter(returned_at__isnull=True, order__completed_at__lt=cutoff)
    return qs.order_by("lent_at", "pk")


def loan_get(*, user, pk) -> LoanUnit:
    loan = (
        LoanUnit.objects.filter(pk=pk, order__in=workorder_visible_qs(user=user))
        .select_related("order")
        .first()
    )
    if loan is None:
        raise NotFoundError()
    return loan


def dashboard_cards(*, user) -> list[dict]:
    if r.has_role(user, r.WAREHOUSE_KEEPER) and not r.has_role(user, *r.OFFICE_ROLES):
        n = old_parts_list(user=user).count()
        return [
            {
                "label": _("Old parts to receive"),
                "value": n,
                "url": reverse("workorders:old_parts"),
                "alert": False,
            }
        ]
    if not (user.is_superuser or r.has_role(user, *r.OFFICE_ROLES, r.MERCHANT_ADMIN)):
        if r.has_role(user, r.TECHNICIAN, r.DELIVERY_CREW):
            jobs = my_jobs(user=user)
            return [
                {
                    "label": _("My open jobs"),
                    "value": len(jobs),
                    "url": reverse("workorders:my_jobs"),
                    "alert": any(j.is_reissued for j in jobs),
                }
            ]
        return []
    if not user.organisation_id:
        return []
    today = timezone.localdate()
    base = reverse("workorders:reports")
    missed = report_missed(user=user, day=today).count()
    no_news = report_no_news(user=user).count()
    reissued = report_reissued(user=user).count()
    loans_due = loan_list(user=user, which="due").count()
    return [
        {
            "label": _("Loan units due"),
            "value": loans_due,
            "url": reverse("workorders:loans") + "?which=due",
            "alert": loans_due > 0,
        },
        {"label": _("Missed services today"), "value": missed, "url": base, "alert": missed > 0},
        {"label": _("Orders without news"), "value": no_news, "url": base, "alert": no_news > 0},
        {
            "label": _("Re-issued orders open"),
            "value": reissued,
            "url": reverse("workorders:list") + "?flag=is_reissued",
            "alert": reissued > 0,
        },
    ]


def customer_history_items(customer) -> list[dict]:
    """Entries for the customer's history page (customers app)."""
    out = []
    for o in WorkOrder.objects.filter(customer=customer).order_by("-received_at")[:50]:
        out.append(
            {
                "at": o.received_at,
                "kind": _("Work order"),
                "title": f"{o.number} {o.get_kind_display()} · {o.status_label}",
                "url": reverse("workorders:detail", args=[o.pk]),
            }
        )
    return out


# --- the page frame: menu badges and the global search (registered in navigation.py) ---------

SEARCH_HITS = 5


def overdue_count(*, user) -> int:
    """The work-order menu's badge: orders in the user's view whose next time limit has passed.

    The same rows as the list's `?due=overdue` (the generated `next_due_at`, over the index
    `wo_list_due`), so the badge and the list it leads to agree whatever the sweep has flagged
    yet; `next_due_at` is NULL once an order is resolved."""
    return workorder_visible_qs(user=user).filter(next_due_at__lt=timezone.now()).count()


def my_jobs_count(*, user) -> int:
    """ "My jobs" badge: the technician's open jobs (a count, not the list `my_jobs` loads)."""
    staff = _staff(user)
    if staff is None:
        return 0
    return WorkOrder.objects.filter(technician=staff, status__in=states.ASSIGNED_STATES).count()


def search_hits(*, user, q: str) -> list[dict]:
    """Orders the user may see whose number, customer, phone or address matches `q`; the
    order whose number is exactly `q` is an exact hit (the search opens it)."""
    if not (user.is_superuser or r.has_role(user, *r.OFFICE_ROLES, r.MERCHANT_ADMIN, r.TECHNICIAN)):
        return []
    rows = list(workorder_list(user=user, q=q, summary=True)[: SEARCH_HITS + 1])
    kind = _("Work orders")
    hits = [
        {
            "kind": kind,
            "label": f"{o.number} · {o.customer}",
            "detail": o.get_status_display(),
            "url": reverse("workorders:detail", args=[o.pk]),
            "exact": o.number.lower() == q.lower(),
        }
        for o in rows[:SEARCH_HITS]
    ]
    if len(rows) > SEARCH_HITS and r.has_role(user, *r.OFFICE_ROLES, r.MERCHANT_ADMIN):
        more = reverse("workorders:list") + "?" + urlencode({"q": q})
        hits.append({"kind": kind, "label": _("All matching orders"), "url": more, "more": True})
    return hits
