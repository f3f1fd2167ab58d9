"""Reads of the dealers app, limited to what the user may see (a dealer's login: its own)."""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from decimal import Decimal

from django.db.models import Count, F, Max, Q, Sum
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from shouhou.catalog.models import Product, Supplier
from shouhou.core.dates import month_last_day, month_start
from shouhou.core.errors import NotFoundError, ValidationFailed

from . import access as A
from .models import (
    ZERO,
    ClaimItem,
    DealerSettings,
    LedgerEntry,
    RepairRecord,
    ServiceTask,
    SpotCheck,
    StockingPlan,
    SupplierClaim,
    WarrantyCard,
    WriteOffNotice,
)

can_read = A.can_read
can_read_claims = A.can_read_claims
dealer_list = A.visible_dealers
dealer_get = A.dealer_get


def _of_dealers(model, user):
    return model.objects.filter(
        organisation_id=user.organisation_id, dealer__in=A.visible_dealers(user)
    )


def _get(qs, pk):
    try:
        pk = int(pk)
    except (TypeError, ValueError):
        raise NotFoundError() from None
    row = qs.filter(pk=pk).first()
    if row is None:
        raise NotFoundError()
    return row


# Cards ---------------------------------------------------------------------------------------


def card_list(*, user, dealer=None, state: str = "", today: dt.date | None = None):
    """Cards, optionally of one dealer and in one state: due (not back, still in time), overdue
    (not back, too late), late (came back after the due day), on_time."""
    today = today or timezone.localdate()
    qs = _of_dealers(WarrantyCard, user).select_related("dealer", "product")
    if dealer is not None:
        qs = qs.filter(dealer=dealer)
    if state == "due":
        qs = qs.filter(received_on__isnull=True, due_on__gte=today)
    elif state == "overdue":
        qs = qs.filter(received_on__isnull=True, due_on__lt=today)
    elif state == "late":
        qs = qs.filter(received_on__gt=F("due_on"))
    elif state == "on_time":
        qs = qs.filter(received_on__lte=F("due_on"))
    return qs.order_by("due_on", "id")


def card_get(*, user, pk) -> WarrantyCard:
    return _get(_of_dealers(WarrantyCard, user).select_related("dealer", "product"), pk)


def cards_by_dealer(*, user, today: dt.date | None = None) -> list[dict]:
    """Per dealer: cards due (still in time), overdue (not back, too late), late, on time."""
    today = today or timezone.localdate()
    rows = (
        _of_dealers(WarrantyCard, user)
        .values("dealer_id", "dealer__name")
        .annotate(
            due=Count("id", filter=Q(received_on__isnull=True, due_on__gte=today)),
            overdue=Count("id", filter=Q(received_on__isnull=True, due_on__lt=today)),
            late=Count("id", filter=Q(received_on__gt=F("due_on"))),
            on_time=Count("id", filter=Q(received_on__lte=F("due_on"))),
        )
        .order_by("dealer__name")
    )
    return list(rows)


# Tasks and repair records -------------------------------------------------------------------


def task_list(*, user, dealer=None, open_only: bool = False):
    qs = _of_dealers(ServiceTask, user).select_related("dealer")
    if dealer is not None:
        qs = qs.filter(dealer=dealer)
    if open_only:
        qs = qs.filter(arranged_at__isnull=True)
    return qs.order_by("-received_at", "-id")


def task_get(*, user, pk) -> ServiceTask:
    return _get(_of_dealers(ServiceTask, user).select_related("dealer", "card"), pk)


def tasks_not_arranged_in_time(*, user, now=None):
    now = now or timezone.now()
    return task_list(user=user, open_only=True).filter(arrange_due_at__lt=now)


def repair_list(*, user, dealer=None, status: str = ""):
    qs = _of_dealers(RepairRecord, user).select_related("dealer", "card")
    if dealer is not None:
        qs = qs.filter(dealer=dealer)
    if status:
        qs = qs.filter(status=status)
    return qs.order_by("-repaired_on", "-id")


def repair_get(*, user, pk) -> RepairRecord:
    return _get(
        _of_dealers(RepairRecord, user)
        .select_related("dealer", "card", "task", "notice")
        .prefetch_related("parts"),
        pk,
    )


def notice_list(*, user, dealer=None):
    qs = _of_dealers(WriteOffNotice, user).select_related("dealer")
    if dealer is not None:
        qs = qs.filter(dealer=dealer)
    return qs.order_by("-issued_at", "-id")


def notice_get(*, user, pk) -> WriteOffNotice:
    return _get(
        _of_dealers(WriteOffNotice, user).select_related("dealer").prefetch_related("records"), pk
    )


# The dealer's account -----------------------------------------------------------------------


def ledger_list(*, user, dealer):
    return _of_dealers(LedgerEntry, user).filter(dealer=dealer).order_by("on", "id")


def dealer_balance(*, user, dealer, before: dt.date | None = None) -> Decimal:
    qs = ledger_list(user=user, dealer=dealer)
    if before is not None:
        qs = qs.filter(on__lt=before)
    return qs.aggregate(s=Sum("amount"))["s"] or ZERO


def dealer_statement(*, user, dealer, year: int, month: int) -> dict:
    """The month's statement: opening balance, every entry with the running balance, totals."""
    first = month_start(dt.date(year, month, 1))
    last = month_last_day(first)
    opening = dealer_balance(user=user, dealer=dealer, before=first)
    balance = opening
    lines = []
    totals: dict[str, Decimal] = defaultdict(lambda: ZERO)
    for e in ledger_list(user=user, dealer=dealer).filter(on__gte=first, on__lte=last):
        balance += e.amount
        totals[e.kind] += e.amount
        lines.append({"entry": e, "balance": balance})
    return {
        "dealer": dealer,
        "first": first,
        "last": last,
        "opening": opening,
        "lines": lines,
        "closing": balance,
        "charges": totals[LedgerEntry.Kind.CHARGE],
        "payments": -totals[LedgerEntry.Kind.PAYMENT],
        "write_offs": -totals[LedgerEntry.Kind.WRITE_OFF],
        "records": list(
            repair_list(user=user, dealer=dealer).filter(
                notice__confirmed_at__date__gte=first, notice__confirmed_at__date__lte=last
            )
        ),
    }


# Obligations --------------------------------------------------------------------------------


def obligations_missing(*, user, today: dt.date | None = None) -> list[dict]:
    """What dealers owe and have not done: a stocking plan due (the plan's day has come and the
    season has not started, or started without a plan) and spot checks overdue."""
    today = today or timezone.localdate()
    conf = DealerSettings.for_org(user.organisation_id)
    dealers = list(A.visible_dealers(user).filter(is_active=True))
    if not dealers:
        return []
    plans = set(
        StockingPlan.objects.filter(
            organisation_id=user.organisation_id, dealer__in=dealers
        ).values_list("dealer_id", "season_start")
    )
    last_checks = dict(
        SpotCheck.objects.filter(organisation_id=user.organisation_id, dealer__in=dealers)
        .values("dealer_id")
        .annotate(last=Max("checked_on"))
        .values_list("dealer_id", "last")
    )
    seasons = [
        s
        for y in (today.year, today.year + 1)
        for s in conf.season_dates(y)
        if s - dt.timedelta(days=conf.stocking_plan_days) <= today <= s + dt.timedelta(days=60)
    ]
    out = []
    for d in dealers:
        for s in seasons:
            if (d.pk, s) not in plans:
                out.append(
                    {
                        "dealer": d,
                        "kind": "stocking_plan",
                        "label": _("Parts stocking plan for the season starting %(day)s")
                        % {"day": s},
                        "due_on": s - dt.timedelta(days=conf.stocking_plan_days),
                    }
                )
        last = last_checks.get(d.pk)
        if last is None or (today - last).days > conf.spot_check_every_days:
            out.append(
                {
                    "dealer": d,
                    "kind": "spot_check",
                    "label": _("Spot check of the repair records (last: %(last)s)")
                    % {"last": last or _("never")},
                    "due_on": (last + dt.timedelta(days=conf.spot_check_every_days))
                    if last
                    else today,
                }
            )
    return out


def plan_list(*, user, dealer):
    return _of_dealers(StockingPlan, user).filter(dealer=dealer)


def spot_check_list(*, user, dealer):
    return _of_dealers(SpotCheck, user).filter(dealer=dealer).select_related("checked_by")


# Supplier claims ----------------------------------------------------------------------------


def claim_list(*, user, status: str = ""):
    if not A.can_read_claims(user):
        return SupplierClaim.objects.none()
    qs = SupplierClaim.objects.filter(organisation_id=user.organisation_id).select_related(
        "supplier"
    )
    if status:
        qs = qs.filter(status=status)
    return qs.annotate(claimed=Sum("items__amount")).order_by("-id")


def claim_get(*, user, pk) -> SupplierClaim:
    if not A.can_read_claims(user):
        raise NotFoundError()
    return _get(
        SupplierClaim.objects.filter(organisation_id=user.organisation_id)
        .select_related("supplier", "case", "sent_by", "acknowledged_by", "settled_by")
        .prefetch_related("items"),
        pk,
    )


AGE_BUCKETS = ((0, 30), (31, 60), (61, 90), (91, None))


def claim_ageing(*, user, today: dt.date | None = None) -> list[dict]:
    """Open claims (sent or acknowledged, not settled) by age since sending, oldest first."""
    today = today or timezone.localdate()
    rows = []
    for c in (
        claim_list(user=user)
        .filter(status__in=(SupplierClaim.Status.SENT, SupplierClaim.Status.ACKNOWLEDGED))
        .order_by("sent_at", "id")
    ):
        days = (today - timezone.localtime(c.sent_at).date()).days
        bucket = next(
            f"{lo}–{hi}" if hi else f">{lo - 1}"
            for lo, hi in AGE_BUCKETS
            if days >= lo and (hi is None or days <= hi)
        )
        rows.append({"claim": c, "days": days, "bucket": bucket})
    return rows


def claim_monthly(*, user, year: int) -> list[dict]:
    """Per month of the year: amounts claimed (by the month sent) and recovered (by the month
    settled)."""
    claimed = defaultdict(lambda: ZERO)
    recovered = defaultdict(lambda: ZERO)
    if A.can_read_claims(user):
        for sent_at, amount in ClaimItem.objects.filter(
            organisation_id=user.organisation_id,
            claim__sent_at__isnull=False,
            claim__sent_at__year__in=(year - 1, year, year + 1),
        ).values_list("claim__sent_at", "amount"):
            local = timezone.localtime(sent_at)
            if local.year == year:
                claimed[local.month] += amount
        for settled_on, amount in SupplierClaim.objects.filter(
            organisation_id=user.organisation_id, settled_on__year=year
        ).values_list("settled_on", "settled_amount"):
            recovered[settled_on.month] += amount
    return [{"month": m, "claimed": claimed[m], "recovered": recovered[m]} for m in range(1, 13)]


# Dashboard ----------------------------------------------------------------------------------


def dashboard_cards(*, user) -> list[dict]:
    if not A.can_read(user):
        return []
    today = timezone.localdate()
    overdue = card_list(user=user, state="overdue", today=today).count()
    late_tasks = tasks_not_arranged_in_time(user=user).count()
    cards = [
        {
            "label": _("Warranty cards overdue"),
            "value": overdue,
            "url": reverse("dealers:index"),
            "alert": overdue > 0,
        },
        {
            "label": _("Dealer tasks not arranged in time"),
            "value": late_tasks,
            "url": reverse("dealers:index"),
            "alert": late_tasks > 0,
        },
    ]
    if A.can_read_claims(user):
        open_claims = (
            claim_list(user=user)
            .filter(status__in=(SupplierClaim.Status.SENT, SupplierClaim.Status.ACKNOWLEDGED))
            .count()
        )
        cards.append(
            {
                "label": _("Open supplier claims"),
                "value": open_claims,
                "url": reverse("dealers:claims"),
                "alert": False,
            }
        )
    return cards


# Lookups of the ids an API body or a form names (the user's organisation only) -------------


def org_object(model, *, user, pk, field: str):
    """The row of `model` with id `pk` in the user's organisation; a field error otherwise."""
    if pk in (None, ""):
        return None
    try:
        pk = int(pk)
    except (TypeError, ValueError):
        raise ValidationFailed(fields={field: [_("Not found.")]}) from None
    row = model.objects.filter(pk=pk, organisation_id=user.organisation_id).first()
    if row is None:
        raise ValidationFailed(fields={field: [_("Not found.")]})
    return row


def card_for_form(*, user, pk, field="card"):
    if pk in (None, ""):
        return None
    try:
        return card_get(user=user, pk=pk)
    except NotFoundError:
        raise ValidationFailed(fields={field: [_("Not found.")]}) from None


def task_for_form(*, user, pk, field="task"):
    if pk in (None, ""):
        return None
    try:
        return task_get(user=user, pk=pk)
    except NotFoundError:
        raise ValidationFailed(fields={field: [_("Not found.")]}) from None


def dealer_accounts(*, user) -> list[dict]:
    balances = dict(
        _of_dealers(LedgerEntry, user)
        .values("dealer_id")
        .annotate(s=Sum("amount"))
        .values_list("dealer_id", "s")
    )
    return [{"dealer": d, "balance": balances.get(d.pk) or ZERO} for d in A.visible_dealers(user)]


def products_for(*, user):
    return Product.objects.filter(organisation_id=user.organisation_id).order_by("name")[:500]


def suppliers_for(*, user):
    return Supplier.objects.filter(organisation_id=user.organisation_id).order_by("name")
