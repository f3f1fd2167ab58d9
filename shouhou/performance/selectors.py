"""Reads of the performance figures, limited to what the user may see.

* Office roles of the organisation (clerks to the general manager, finance…) see every
  technician; a merchant's administrator sees the merchant's own technicians; a technician or
  delivery crew member sees only themself. Nobody sees another organisation (404, never 403).
* An open month is computed live (one aggregate query); a closed month reads its frozen rows.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from decimal import Decimal
from fractions import Fraction

from django.utils import timezone

from shouhou.callbacks.models import CallbackRecord
from shouhou.complaints.models import Case
from shouhou.core.errors import NotFoundError, PermissionDeniedError, ValidationFailed
from shouhou.core.money import quantize
from shouhou.org import roles as r
from shouhou.org.models import Store
from shouhou.staff.models import ServiceStaff
from shouhou.staff.services import staff_for_user
from shouhou.workorders.models import MissedService, WorkOrder

from . import figures, scoring, services
from .models import RATES, Exclusion, MonthClose, MonthEvent, Rate, TechnicianMonth

SELF_ROLES = (r.TECHNICIAN, r.DELIVERY_CREW)
READER_ROLES = tuple(sorted(r.OFFICE_ROLES | {r.MERCHANT_ADMIN, *SELF_ROLES}))
RANKING_ROLES = tuple(sorted(r.OFFICE_ROLES | {r.MERCHANT_ADMIN}))
DRILL_RATES = ("base", *RATES)
SORTS = {
    "total": lambda row: (row.total, row.name),
    "name": lambda row: (row.name,),
    "base": lambda row: (row.base, row.name),
    "bonus": lambda row: (row.bonus_base, row.name),
}


# Who sees what ----------------------------------------------------------------------------------


def can_read(user) -> bool:
    return bool(getattr(user, "organisation_id", None)) and r.has_role(user, *READER_ROLES)


def sees_everyone(user) -> bool:
    return r.has_role(user, *r.OFFICE_ROLES)


def own_staff(user):
    return staff_for_user(user)


def visibility(user) -> dict:
    """Filters for the figures: {} (everyone), {"merchant_id"} or {"technician_id"}."""
    if not can_read(user):
        raise PermissionDeniedError()
    if sees_everyone(user):
        return {}
    if r.has_role(user, r.MERCHANT_ADMIN):
        return {"merchant_id": user.merchant_id or -1}
    staff = own_staff(user)
    return {"technician_id": staff.pk if staff else -1}


def technician_get(*, user, pk):
    """A technician the user may see, else 404."""

    scope = visibility(user)
    qs = ServiceStaff.objects.filter(organisation_id=user.organisation_id).select_related(
        "store", "merchant"
    )
    if "merchant_id" in scope:
        qs = qs.filter(merchant_id=scope["merchant_id"])
    if "technician_id" in scope:
        qs = qs.filter(pk=scope["technician_id"])
    staff = qs.filter(pk=pk).first() if str(pk).isdigit() else None
    if staff is None:
        raise NotFoundError()
    return staff


# Rows --------------------------------------------------------------------------------------------


@dataclass
class TechRow:
    technician_id: int
    name: str
    permit_number: str
    store_id: int | None
    store_name: str
    merchant_id: int | None
    base: int
    rated: int
    counts: dict
    rates: dict
    scores: dict
    total: Decimal
    bonus_base: Decimal
    rank: int = 0

    def items(self):
        """[(rate, label, count, rate %, score)] in the seed's order, for templates."""
        labels = dict(Rate.choices)
        return [(k, labels[k], self.counts[k], self.rates[k], self.scores[k]) for k in RATES]


@dataclass
class MonthView:
    month: dt.date
    state: MonthClose | None
    rows: list = field(default_factory=list)
    scheme: dict = field(default_factory=dict)

    @property
    def closed(self) -> bool:
        return bool(self.state and self.state.is_closed)

    @property
    def ended(self) -> bool:
        return timezone.now() >= figures.month_bounds(self.month)[1]

    @property
    def prev(self) -> dt.date:
        return figures.add_months(self.month, -1)

    @property
    def next(self) -> dt.date:
        return figures.add_months(self.month, 1)


FROZEN_FIELDS = (
    "technician_id",
    "technician_name",
    "permit_number",
    "store_id",
    "store__name",
    "merchant_id",
    "base",
    "rated",
    "total",
    "bonus_base",
    *RATES,
    *(f"rate_{k}" for k in RATES),
    *(f"score_{k}" for k in RATES),
)


def _row_from_frozen(t: dict) -> TechRow:
    return TechRow(
        technician_id=t["technician_id"],
        name=t["technician_name"],
        permit_number=t["permit_number"],
        store_id=t["store_id"],
        store_name=t["store__name"] or "",
        merchant_id=t["merchant_id"],
        base=t["base"],
        rated=t["rated"],
        counts={k: t[k] for k in RATES},
        rates={k: t[f"rate_{k}"] for k in RATES},
        scores={k: t[f"score_{k}"] for k in RATES},
        total=t["total"],
        bonus_base=t["bonus_base"],
    )


def _live_rows(org_id: int, month: dt.date, scope: dict, home_store_id=None) -> list[TechRow]:
    facts = figures.live_facts(
        organisation_id=org_id,
        month=month,
        satisfied_from=services.satisfied_from(org_id),
        technician_id=scope.get("technician_id"),
        merchant_id=scope.get("merchant_id"),
        home_store_id=home_store_id,
    )
    counts = figures.technician_counts(facts)
    if not counts:
        return []
    scheme = services.scheme_for(org_id)
    staff = {
        s["pk"]: s
        for s in ServiceStaff.objects.filter(pk__in=[c["technician_id"] for c in counts]).values(
            "pk", "name", "store_id", "store__name", "merchant_id"
        )
    }
    permits = services.permit_numbers(list(staff))
    rows = []
    for c in counts:
        s = staff[c["technician_id"]]
        res = scoring.score({k: c[k] for k in figures.RATE_FLAGS}, c["base"], scheme)
        rows.append(
            TechRow(
                technician_id=s["pk"],
                name=s["name"],
                permit_number=permits.get(s["pk"], ""),
                store_id=s["store_id"],
                store_name=s["store__name"] or "",
                merchant_id=s["merchant_id"],
                base=c["base"],
                rated=c["rated"],
                counts={k: c[k] for k in RATES},
                rates=res.rates,
                scores=res.scores,
                total=res.total,
                bonus_base=res.bonus_base,
            )
        )
    return rows


def month_view(
    *, user, month, store=None, sort: str = "-total", technician_id: int | None = None
) -> MonthView:
    """The month's technicians with rates, scores, total and bonus base (ranked by total)."""
    scope = visibility(user)
    if technician_id is not None:
        if "technician_id" in scope and scope["technician_id"] != technician_id:
            raise NotFoundError()
        scope = {**scope, "technician_id": technician_id}
    org_id = user.organisation_id
    month = figures.parse_month(month)
    store_id = _store_id(user, store)
    state = services.month_state(org_id, month)
    view = MonthView(month=month, state=state)
    if view.closed:
        qs = TechnicianMonth.objects.filter(month_close=state)
        if "merchant_id" in scope:
            qs = qs.filter(merchant_id=scope["merchant_id"])
        if "technician_id" in scope:
            qs = qs.filter(technician_id=scope["technician_id"])
        if store_id is not None:
            qs = qs.filter(store_id=store_id)
        view.rows = [_row_from_frozen(t) for t in qs.values(*FROZEN_FIELDS)]
        view.scheme = state.scheme
    else:
        view.rows = _live_rows(org_id, month, scope, home_store_id=store_id)
        view.scheme = {
            **services.scheme_for(org_id).as_json(),
            "satisfied_from": services.satisfied_from(org_id),
        }
    _rank(view.rows)
    key, reverse = (sort[1:], True) if sort.startswith("-") else (sort, False)
    if key in SORTS:
        view.rows.sort(key=SORTS[key], reverse=reverse)
    return view


def _rank(rows: list[TechRow]) -> None:
    """Competition ranking by total (equal totals share a rank)."""
    ordered = sorted(rows, key=lambda x: x.total, reverse=True)
    for i, row in enumerate(ordered):
        row.rank = ordered[i - 1].rank if i and ordered[i - 1].total == row.total else i + 1


def _store_id(user, store) -> int | None:
    if store in (None, ""):
        return None
    pk = getattr(store, "pk", store)
    if (
        not str(pk).isdigit()
        or not Store.objects.filter(organisation_id=user.organisation_id, pk=pk).exists()
    ):
        raise ValidationFailed(fields={"store": [_no_store()]})
    return int(pk)


def _no_store():
    from django.utils.translation import gettext as _

    return _("No such store.")


def stores(*, user):
    return Store.objects.filter(organisation_id=user.organisation_id).order_by("name")


# Drill-down -------------------------------------------------------------------------------------


def drilldown(*, user, technician_id, month, rate: str):
    """The orders behind one rate of a technician's month ('base': every base order), with the
    facts of each. A closed month lists the frozen orders."""

    if rate not in DRILL_RATES:
        raise NotFoundError()
    staff = technician_get(user=user, pk=technician_id)
    month = figures.parse_month(month)
    org_id = user.organisation_id
    state = services.month_state(org_id, month)
    if state is not None and state.is_closed:
        facts = figures.frozen_facts(organisation_id=org_id, month=month, technician_id=staff.pk)
        facts = facts.filter(in_base=True)
        if rate != "base":
            facts = facts.filter(**{rate: True})
        rows = list(facts.values("order_id", "visit_at", *figures.FLAGS))
        for row in rows:
            row["id"] = row.pop("order_id")
    else:
        rows = figures.live_facts(
            organisation_id=org_id,
            month=month,
            satisfied_from=services.satisfied_from(org_id),
            technician_id=staff.pk,
        ).orders(None if rate == "base" else rate)
    flags = {row["id"]: row for row in rows}
    orders = list(
        WorkOrder.objects.filter(organisation_id=org_id, pk__in=list(flags)).select_related(
            "customer", "store"
        )
    )
    for o in orders:
        f = flags[o.pk]
        o.visit_at = f["visit_at"]
        for k in figures.FLAGS:
            setattr(o, k, bool(f[k]))
    orders.sort(key=lambda o: (o.visit_at, o.pk))
    _attach_details(orders, org_id)
    return staff, state, orders


def _attach_details(orders, org_id: int) -> None:
    """The callbacks, complaints, missed services and exclusions of each order (4 queries)."""

    ids = [o.pk for o in orders]
    by_order: dict = {pk: {"callbacks": [], "cases": [], "missed": []} for pk in ids}
    for c in CallbackRecord.objects.filter(work_order_id__in=ids).order_by("called_at"):
        by_order[c.work_order_id]["callbacks"].append(c)
    for c in Case.objects.filter(work_order_id__in=ids, kind="complaint").order_by("id"):
        by_order[c.work_order_id]["cases"].append(c)
    for m in MissedService.objects.filter(order_id__in=ids).select_related("technician"):
        by_order[m.order_id]["missed"].append(m)
    active = {
        (e.case_id or ("cb", e.callback_id)): e
        for e in Exclusion.objects.filter(work_order_id__in=ids, revoked_at__isnull=True)
    }
    threshold = services.satisfied_from(org_id)
    for o in orders:
        d = by_order[o.pk]
        for c in d["callbacks"]:
            c.exclusion = active.get(("cb", c.pk))
            c.dissatisfied = c.satisfaction is not None and c.satisfaction < threshold
        for c in d["cases"]:
            c.exclusion = active.get(c.pk)
        o.perf_callbacks, o.perf_cases, o.perf_missed = d["callbacks"], d["cases"], d["missed"]


# Department targets (seed 002 §3.2) ----------------------------------------------------------------


def _pct(part: int, whole: int) -> Decimal | None:
    if not whole:
        return None
    return quantize(Decimal(part) * 100 / Decimal(whole))


def _department_row(c: dict, cfg) -> dict:
    base, rated = c["base"], c["rated"]
    on_time = base - c["not_on_time"]
    row = {
        "base": base,
        "on_time": on_time,
        "rated": rated,
        "satisfied": c["satisfied"],
        "service_complaints": c["service_complaint"],
        "complaints": c["complaint"],
        "on_time_pct": _pct(on_time, base),
        "satisfaction_pct": _pct(c["satisfied"], rated),
        "service_complaints_pct": _pct(c["service_complaint"], base),
    }
    row["on_time_ok"] = (
        Fraction(on_time * 100, base) >= Fraction(cfg.target_on_time) if base else None
    )
    row["satisfaction_ok"] = (
        Fraction(c["satisfied"] * 100, rated) >= Fraction(cfg.target_satisfaction)
        if rated
        else None
    )
    row["service_complaints_ok"] = (
        Fraction(c["service_complaint"] * 100, base) < Fraction(cfg.target_service_complaints)
        if base
        else None
    )
    return row


def _month_store_counts(org_id: int, month: dt.date, store_id=None) -> tuple[list[dict], bool]:
    state = services.month_state(org_id, month)
    closed = bool(state and state.is_closed)
    if closed:
        facts = figures.frozen_facts(organisation_id=org_id, month=month, store_id=store_id)
    else:
        facts = figures.live_facts(
            organisation_id=org_id,
            month=month,
            satisfied_from=services.satisfied_from(org_id),
            store_id=store_id,
        )
    return figures.store_counts(facts), closed


def department(*, user, month, store=None) -> dict:
    """The month's department figures against the targets: the organisation and each store
    (the order's store)."""
    if not sees_everyone(user):
        raise PermissionDeniedError()
    org_id = user.organisation_id
    month = figures.parse_month(month)
    store_id = _store_id(user, store)
    cfg = services.settings_for(org_id)
    counts, closed = _month_store_counts(org_id, month, store_id)
    names = dict(stores(user=user).values_list("pk", "name"))
    keys = ("base", "rated", "satisfied", *figures.FLAGS)
    total = {k: sum(c[k] for c in counts) for k in keys}
    return {
        "month": month,
        "closed": closed,
        "targets": {
            "on_time": cfg.target_on_time,
            "satisfaction": cfg.target_satisfaction,
            "service_complaints": cfg.target_service_complaints,
        },
        "total": _department_row(total, cfg),
        "stores": sorted(
            (
                {
                    "store_id": c["store_id"],
                    "store": names.get(c["store_id"], ""),
                    **_department_row(c, cfg),
                }
                for c in counts
            ),
            key=lambda x: (x["store_id"] is None, x["store"]),
        ),
    }


def trend(*, user, month, months: int | None = None, store=None) -> list[dict]:
    """The department figures of the last `months` months up to `month` (oldest first)."""
    if not sees_everyone(user):
        raise PermissionDeniedError()
    month = figures.parse_month(month)
    cfg = services.settings_for(user.organisation_id)
    n = months or cfg.trend_months
    return [
        department(user=user, month=figures.add_months(month, -i), store=store)
        for i in range(n - 1, -1, -1)
    ]


# Exclusions and events ------------------------------------------------------------------------------


def exclusion_list(*, user, month=None, active_only: bool = False):
    scope = visibility(user)
    qs = Exclusion.objects.filter(organisation_id=user.organisation_id).select_related(
        "case", "callback", "work_order", "technician", "created_by", "revoked_by"
    )
    if "merchant_id" in scope:
        qs = qs.filter(technician__merchant_id=scope["merchant_id"])
    if "technician_id" in scope:
        qs = qs.filter(technician_id=scope["technician_id"])
    if month:
        qs = qs.filter(month=figures.parse_month(month))
    if active_only:
        qs = qs.filter(revoked_at__isnull=True)
    return qs.order_by("-created_at", "-id")


def month_events(*, user, month):
    visibility(user)
    return MonthEvent.objects.filter(
        organisation_id=user.organisation_id, month_close__month=figures.parse_month(month)
    ).select_related("by")


def months_list(*, user, count: int = 12) -> list[dict]:
    """The last `count` months (this one first) and whether each is closed."""
    visibility(user)
    this = timezone.localdate().replace(day=1)
    months = [figures.add_months(this, -i) for i in range(count)]
    states = {
        m.month: m
        for m in MonthClose.objects.filter(
            organisation_id=user.organisation_id, month__in=months
        ).select_related("closed_by", "reopened_by")
    }
    return [{"month": m, "state": states.get(m)} for m in months]


# Dashboard ----------------------------------------------------------------------------------------


def dashboard_cards(*, user) -> list[dict]:
    from django.urls import reverse
    from django.utils.translation import gettext as _

    if not can_read(user):
        return []
    this = timezone.localdate().replace(day=1)
    if r.has_role(user, *services.MANAGER_ROLES, r.FINANCE):
        last = figures.add_months(this, -1)
        state = services.month_state(user.organisation_id, last)
        closed = bool(state and state.is_closed)
        return [
            {
                "label": _("Technician scores %(month)s") % {"month": f"{last:%Y-%m}"},
                "value": _("closed") if closed else _("open"),
                "url": reverse("performance:ranking") + f"?month={last:%Y-%m}",
                "alert": not closed,
            }
        ]
    if not sees_everyone(user) and not r.has_role(user, r.MERCHANT_ADMIN):
        staff = own_staff(user)
        if staff is None:
            return []
        view = month_view(user=user, month=this, technician_id=staff.pk)
        row = view.rows[0] if view.rows else None
        return [
            {
                "label": _("My score this month"),
                "value": row.total if row else "—",
                "url": reverse("performance:me"),
                "alert": False,
            }
        ]
    return []
