"""Callback coverage metrics (回访覆盖率): the reads behind the coverage page, its Excel and API.

Seed 004 §六.2: "100%会员客户回访" and "客户在接受了服务后,在3天之内回访是最有效的"; seed 003: a
delivery is called back within 3 days. So, for a period of local dates:

* `coverage(...)`: services (work orders completed in the period, not cancelled, not marked
  `no_callback`) and deliveries (delivered in the period): how many were called back in time,
  late, not at all, or are still inside their window; the share in time against the target
  (100%), for all customers and for members, in total and per store.

  *In time* means a `CallbackRecord` on that order / delivery with
  `completed_at <= called_at` and `called_at` on or before the deadline day, which is the
  completion's local date + `CallbackSettings.coverage_working_days` **working** days on the
  organisation's calendar (Friday 2026-09-25, a holiday, + 3 = Wednesday 2026-09-30). A record
  made before the completion (e.g. the call after the appointment) is not a callback of the
  service. *Pending*: no record yet and the deadline day has not ended; pending rows are left
  out of the percentage (``pct = in_time / (total - pending)``) so that a period that is still
  running is not shown as failing.

  The deadline is computed once per distinct completion date of the period in Python (at most
  366 dates, no query: the calendar is cached) and handed to the database as one ``CASE``
  over the completion time (consecutive dates with the same deadline share one branch); each
  row's state comes from one correlated subquery on its records (index on the link column);
  the counts are one ``GROUP BY`` (store, state, member) per kind. No Python loop over orders:
  `bench/callbacks_coverage.py` measures 1.7 s for a month of 200,000 orders and 20,000
  deliveries on PostgreSQL, 0.3 s for 20,000 on SQLite, and checks the numbers against a
  plain Python computation.
* `overdue(...)`: open callback tasks due before today, by kind and by agent, oldest first.
* `satisfaction(...)`: scored callback records of the period grouped by store, technician or
  product model: count, average (2 places), share satisfied (score >= `satisfied_from`) and
  not satisfied, and the count of each score 1-5; one grouped query.

Everything is read for one organisation (explicitly, with the unscoped managers, so jobs and the
benchmark can call it too). Who may read: `can_read(user)` = an office role of an organisation;
everyone else gets 403 (merchants and technicians have their own pages).
"""

from __future__ import annotations

import datetime as dt
from contextlib import contextmanager
from decimal import ROUND_HALF_UP, Decimal

from django.db import connection, transaction
from django.db.models import (
    Case,
    CharField,
    Count,
    DateTimeField,
    F,
    Min,
    OuterRef,
    Q,
    Subquery,
    Sum,
    Value,
    When,
)
from django.db.models.functions import Coalesce
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from shouhou.core.errors import PermissionDeniedError, ValidationFailed
from shouhou.delivery.models import Delivery
from shouhou.org import roles as r
from shouhou.org.models import Store
from shouhou.workdays.services import calendar_for
from shouhou.workorders import states
from shouhou.workorders.models import WorkOrder

from .models import CallbackRecord, CallbackTask

MAX_PERIOD_DAYS = 366
LIST_LIMIT = 50  # rows of the page's lists
XLSX_LIST_LIMIT = 5000  # rows of the workbook's lists
READER_ROLES = tuple(sorted(r.OFFICE_ROLES))

IN_TIME, LATE, MISSING, PENDING = "in_time", "late", "missing", "pending"
STATES = (IN_TIME, LATE, MISSING, PENDING)
GROUPINGS = {
    "store": gettext_lazy("Store"),
    "technician": gettext_lazy("Technician"),
    "product": gettext_lazy("Product model"),
}
SATISFACTION_TITLES = {
    "store": gettext_lazy("Satisfaction by store"),
    "technician": gettext_lazy("Satisfaction by technician"),
    "product": gettext_lazy("Satisfaction by product model"),
}
DELIVERED_STATUSES = ("delivered", "reported")

_CENT = Decimal("0.01")
_TENTH = Decimal("0.1")


# -- who may read, and the inputs -------------------------------------------------------------
def can_read(user) -> bool:
    return bool(getattr(user, "organisation_id", None)) and r.has_role(user, *READER_ROLES)


def require_reader(user) -> None:
    if not can_read(user):
        raise PermissionDeniedError(
            _("Callback coverage is for the customer-service office."), code="role_required"
        )


def default_period(today: dt.date) -> tuple[dt.date, dt.date]:
    """This month: its first and last day."""
    first = today.replace(day=1)
    last = (first + dt.timedelta(days=32)).replace(day=1) - dt.timedelta(days=1)
    return first, last


def period_errors(date_from: dt.date, date_to: dt.date) -> dict[str, list[str]]:
    """What is wrong with a period (field name -> messages); empty when it is fine."""
    if date_from > date_to:
        return {"to": [_("The end of the period is before its start.")]}
    if (date_to - date_from).days + 1 > MAX_PERIOD_DAYS:
        return {"to": [_("A period can be at most %(n)s days.") % {"n": MAX_PERIOD_DAYS}]}
    return {}


def parse_period(raw_from, raw_to, *, today: dt.date) -> tuple[dt.date, dt.date]:
    """`from` / `to` as YYYY-MM-DD (either may be empty: this month); ValidationFailed naming
    the field otherwise."""
    default_from, default_to = default_period(today)
    errors: dict[str, list[str]] = {}
    values = {}
    for field, raw, default in (("from", raw_from, default_from), ("to", raw_to, default_to)):
        if raw in (None, ""):
            values[field] = default
            continue
        try:
            values[field] = dt.date.fromisoformat(str(raw).strip())
        except ValueError:
            errors[field] = [_("Enter a valid date (YYYY-MM-DD).")]
    if not errors:
        errors = period_errors(values["from"], values["to"])
    if errors:
        raise ValidationFailed(fields=errors)
    return values["from"], values["to"]


def resolve_store(organisation, raw):
    """The organisation's store with id `raw` (None for empty); ValidationFailed otherwise."""

    if raw in (None, ""):
        return None
    try:
        pk = int(raw)
    except (TypeError, ValueError):
        pk = None
    store = Store.objects.filter(organisation=organisation, pk=pk).first() if pk else None
    if store is None:
        raise ValidationFailed(fields={"store": [_("Choose one of your organisation's stores.")]})
    return store


def resolve_grouping(raw) -> str:
    by = raw or "store"
    if by not in GROUPINGS:
        raise ValidationFailed(
            fields={"by": [_("Use one of: %(choices)s.") % {"choices": ", ".join(GROUPINGS)}]}
        )
    return by


def target_pct(settings) -> Decimal:
    return Decimal(settings.coverage_target_pct)


def _settings(organisation):
    from .services import settings_for

    return settings_for(organisation)


# -- small helpers ----------------------------------------------------------------------------
def _start_of(cal, day: dt.date) -> dt.datetime:
    """The first moment of a local date, aware (the calendar's time zone)."""
    return dt.datetime.combine(day, dt.time.min, tzinfo=cal.tz)


def _bounds(cal, date_from: dt.date, date_to: dt.date) -> tuple[dt.datetime, dt.datetime]:
    return _start_of(cal, date_from), _start_of(cal, date_to + dt.timedelta(days=1))


def _pct(part: int, whole: int, places: Decimal = _TENTH) -> Decimal | None:
    if not whole:
        return None
    return (Decimal(part) * 100 / Decimal(whole)).quantize(places, rounding=ROUND_HALF_UP)


def deadline_for(cal, day: dt.date, n: int) -> dt.date:
    """The last day a callback of something completed on `day` is in time."""
    return cal.add_working_days(day, n)


def _cutoff_case(field: str, cal, date_from: dt.date, date_to: dt.date, n: int) -> Case:
    """For a row completed (`field`) in the period: the first moment that is too late.

    One branch per run of consecutive completion dates sharing a deadline (a Friday, the
    weekend and the holiday after it all end on the same day), tested in date order, so the
    first `field < end of run` that holds is the row's run.
    """
    runs: list[list] = []  # [first day after the run, cutoff]
    day = date_from
    while day <= date_to:
        cutoff = _start_of(cal, deadline_for(cal, day, n) + dt.timedelta(days=1))
        if runs and runs[-1][1] == cutoff:
            runs[-1][0] = day + dt.timedelta(days=1)
        else:
            runs.append([day + dt.timedelta(days=1), cutoff])
        day += dt.timedelta(days=1)
    return Case(
        *[
            When(**{f"{field}__lt": _start_of(cal, end)}, then=Value(cutoff))
            for end, cutoff in runs
        ],
        default=Value(None),
        output_field=DateTimeField(),
    )


def _records_of(organisation, link: str, completed: str):
    """Callback records of the outer row (an order or a delivery) made after its completion.

    The organisation is compared as `organisation_id + 0`: the same check, but no index can
    serve it, so the planner takes the index on the link column (with the plain comparison
    SQLite walks the (organisation, called_at) index for every outer row: quadratic)."""
    return (
        CallbackRecord.all_objects.alias(org_id=F("organisation_id") + Value(0))
        .filter(org_id=organisation.pk, **{link: OuterRef("pk")})
        .filter(called_at__gte=OuterRef(completed))
        .order_by()
    )


def _state(organisation, link: str, completed: str, now: dt.datetime) -> Coalesce:
    """in_time / late / pending / missing of the outer row, with one subquery per row: the
    smallest of "in_time" (a record before the cutoff) and "late" (after it) — "in_time" sorts
    first — or, without any record, pending while the window is open, else missing."""
    code = Case(
        When(called_at__lt=OuterRef("cutoff"), then=Value(IN_TIME)),
        default=Value(LATE),
        output_field=CharField(),
    )
    best = Subquery(
        _records_of(organisation, link, completed)
        .values(link)
        .annotate(best=Min(code))
        .values("best"),
        output_field=CharField(),
    )
    return Coalesce(
        best,
        Case(When(cutoff__gt=now, then=Value(PENDING)), default=Value(MISSING)),
        output_field=CharField(),
    )


def _first_callback(organisation, link: str, completed: str) -> Subquery:
    return Subquery(
        _records_of(organisation, link, completed)
        .values(link)
        .annotate(first=Min("called_at"))
        .values("first"),
        output_field=DateTimeField(),
    )


def _services(organisation, start, end, store, cal, date_from, date_to, n, now):
    qs = WorkOrder.objects.filter(
        organisation=organisation,
        completed_at__gte=start,
        completed_at__lt=end,
        no_callback=False,
    ).exclude(status=states.CANCELLED)
    if store is not None:
        qs = qs.filter(store=store)
    return qs.alias(cutoff=_cutoff_case("completed_at", cal, date_from, date_to, n)).annotate(
        state=_state(organisation, "work_order", "completed_at", now)
    )


def _deliveries(organisation, start, end, store, cal, date_from, date_to, n, now):
    qs = Delivery.objects.filter(
        organisation=organisation,
        status__in=DELIVERED_STATUSES,
        delivered_at__gte=start,
        delivered_at__lt=end,
    )
    if store is not None:
        qs = qs.filter(contract__store=store)
    return qs.alias(cutoff=_cutoff_case("delivered_at", cal, date_from, date_to, n)).annotate(
        state=_state(organisation, "delivery", "delivered_at", now)
    )


def _empty_counts() -> dict:
    return {
        "total": 0,
        **dict.fromkeys(STATES, 0),
        "members_total": 0,
        "members_in_time": 0,
        "members_pending": 0,
    }


def _finish(counts: dict, target: Decimal) -> dict:
    due = counts["total"] - counts[PENDING]
    members_due = counts["members_total"] - counts["members_pending"]
    pct = _pct(counts[IN_TIME], due)
    return {
        "total": counts["total"],
        "due": due,
        IN_TIME: counts[IN_TIME],
        LATE: counts[LATE],
        MISSING: counts[MISSING],
        PENDING: counts[PENDING],
        "pct": pct,
        "below_target": pct is not None and pct < target,
        "members_total": counts["members_total"],
        "members_due": members_due,
        "members_in_time": counts["members_in_time"],
        "members_pct": _pct(counts["members_in_time"], members_due),
    }


def _tally(grouped_rows, target: Decimal) -> tuple[dict, dict]:
    """Rows of (store_id, state, is_member, n) -> (totals, {store_id: counts})."""
    totals = _empty_counts()
    per_store: dict = {}
    for store_id, state, is_member, n in grouped_rows:
        for bucket in (totals, per_store.setdefault(store_id, _empty_counts())):
            bucket["total"] += n
            bucket[state] += n
            if is_member:
                bucket["members_total"] += n
                if state == IN_TIME:
                    bucket["members_in_time"] += n
                if state == PENDING:
                    bucket["members_pending"] += n
    return _finish(totals, target), {k: _finish(v, target) for k, v in per_store.items()}


def _grouped(qs, store_field: str):
    return (
        qs.values_list(store_field, "state", "customer__is_member")
        .annotate(n=Count("pk"))
        .order_by()
    )


# -- coverage ---------------------------------------------------------------------------------
@contextmanager
def _without_jit():
    """On PostgreSQL, no JIT for these queries: their long CASE expressions cost seconds to
    compile (2.7 s of 3.4 s for 200,000 orders) for a plan that runs in a fraction of that."""
    if connection.vendor != "postgresql":
        yield
        return
    with transaction.atomic(), connection.cursor() as cursor:
        cursor.execute("SET LOCAL jit = off")
        yield


def coverage(
    organisation,
    date_from: dt.date,
    date_to: dt.date,
    store=None,
    *,
    now: dt.datetime | None = None,
    list_limit: int = LIST_LIMIT,
) -> dict:
    """Callback coverage of the services and deliveries completed from `date_from` to `date_to`
    (local dates, both included). See the module docstring for the definitions."""
    errors = period_errors(date_from, date_to)
    if errors:
        raise ValidationFailed(fields=errors)
    with _without_jit():
        return _coverage(organisation, date_from, date_to, store, now, list_limit)


def _coverage(organisation, date_from, date_to, store, now, list_limit) -> dict:
    now = now or timezone.now()
    settings = _settings(organisation)
    n = settings.coverage_working_days
    target = target_pct(settings)
    cal = calendar_for(organisation)
    start, end = _bounds(cal, date_from, date_to)
    args = (organisation, start, end, store, cal, date_from, date_to, n, now)
    services_qs = _services(*args)
    deliveries_qs = _deliveries(*args)

    services, services_by_store = _tally(_grouped(services_qs, "store_id"), target)
    deliveries, deliveries_by_store = _tally(_grouped(deliveries_qs, "contract__store_id"), target)
    store_ids = set(services_by_store) | set(deliveries_by_store)
    names = dict(
        Store.objects.filter(organisation=organisation, pk__in=store_ids - {None}).values_list(
            "pk", "name"
        )
    )
    empty = _finish(_empty_counts(), target)
    by_store = [
        {
            "store_id": sid,
            "store": names.get(sid) or _("(no store)"),
            "services": services_by_store.get(sid, empty),
            "deliveries": deliveries_by_store.get(sid, empty),
        }
        for sid in sorted(store_ids, key=lambda s: (s is None, names.get(s, ""), s or 0))
    ]
    return {
        "date_from": date_from,
        "date_to": date_to,
        "store_id": store.pk if store is not None else None,
        "window_working_days": n,
        "target_pct": target,
        "services": services,
        "deliveries": deliveries,
        "by_store": by_store,
        "list_limit": list_limit,
        "services_not_in_time": _service_rows(organisation, services_qs, cal, n, list_limit),
        "deliveries_not_in_time": _delivery_rows(organisation, deliveries_qs, cal, n, list_limit),
    }


def _not_in_time(qs, organisation, link, limit, order_field):
    return (
        qs.filter(state__in=(LATE, MISSING))
        .annotate(first_at=_first_callback(organisation, link, order_field))
        .order_by(order_field, "pk")[:limit]
    )


def _local_date(cal, moment):
    return cal.local_date(moment) if moment is not None else None


def _service_rows(organisation, qs, cal, n, limit) -> list[dict]:
    rows = []
    qs = _not_in_time(qs, organisation, "work_order", limit, "completed_at").select_related(
        "customer", "store", "technician"
    )
    for o in qs:
        done = cal.local_date(o.completed_at)
        rows.append(
            {
                "id": o.pk,
                "number": str(o),
                "state": o.state,
                "customer": o.customer.name,
                "store": o.store.name if o.store_id else "",
                "technician": o.technician.name if o.technician_id else "",
                "completed_on": done,
                "deadline": deadline_for(cal, done, n),
                "called_on": _local_date(cal, o.first_at),
            }
        )
    return rows


def _delivery_rows(organisation, qs, cal, n, limit) -> list[dict]:
    rows = []
    qs = _not_in_time(qs, organisation, "delivery", limit, "delivered_at").select_related(
        "customer", "contract__store", "crew"
    )
    for d in qs:
        done = cal.local_date(d.delivered_at)
        rows.append(
            {
                "id": d.pk,
                "number": d.contract.number,
                "state": d.state,
                "customer": d.customer.name,
                "store": d.contract.store.name,
                "technician": d.crew.name if d.crew_id else "",
                "completed_on": done,
                "deadline": deadline_for(cal, done, n),
                "called_on": _local_date(cal, d.first_at),
            }
        )
    return rows


# -- overdue tasks ----------------------------------------------------------------------------
def _store_q(store) -> Q:
    return (
        Q(work_order__store=store)
        | Q(delivery__contract__store=store)
        | Q(work_order__isnull=True, delivery__isnull=True, customer__store=store)
    )


def overdue(organisation, today: dt.date, store=None, *, list_limit: int = LIST_LIMIT) -> dict:
    """Open callback tasks due before `today`: the count, by kind, by agent, the oldest first."""
    qs = CallbackTask.objects.filter(
        organisation=organisation, status=CallbackTask.Status.OPEN, due_on__lt=today
    )
    if store is not None:
        qs = qs.filter(_store_q(store))
    labels = dict(CallbackTask.Kind.choices)
    by_kind = [
        {"kind": kind, "label": str(labels.get(kind, kind)), "count": n, "oldest": oldest}
        for kind, n, oldest in qs.values_list("kind")
        .annotate(n=Count("pk"), oldest=Min("due_on"))
        .order_by("-n", "kind")
    ]
    by_agent = [
        {
            "user_id": uid,
            "agent": (display or username) if uid else _("(not assigned)"),
            "count": n,
            "oldest": oldest,
        }
        for uid, display, username, n, oldest in qs.values_list(
            "assigned_to", "assigned_to__display_name", "assigned_to__username"
        )
        .annotate(n=Count("pk"), oldest=Min("due_on"))
        .order_by("-n", "assigned_to")
    ]
    cal = calendar_for(organisation)
    oldest = [
        {
            "id": t.pk,
            "kind": t.kind,
            "kind_label": str(t.get_kind_display()),
            "due_on": t.due_on,
            "working_days_overdue": cal.working_days_between(t.due_on, today),
            "customer": t.customer.name,
            "agent": (t.assigned_to.display_name or t.assigned_to.username)
            if t.assigned_to_id
            else "",
            "work_order_id": t.work_order_id,
            "work_order": str(t.work_order) if t.work_order_id else "",
            "delivery_id": t.delivery_id,
            "attempts": t.attempts,
        }
        for t in qs.select_related("customer", "assigned_to", "work_order").order_by(
            "due_on", "pk"
        )[:list_limit]
    ]
    return {
        "today": today,
        "total": sum(row["count"] for row in by_kind),
        "by_kind": by_kind,
        "by_agent": by_agent,
        "oldest": oldest,
    }


# -- satisfaction -----------------------------------------------------------------------------
_GROUP_FIELDS = {
    "store": ("store_id", "store__name", None),
    "technician": ("technician_id", "technician__name", None),
    "product": ("product_model_id", "product_model__product__name", "product_model__code"),
}


def _score_row(key, label, scored, total, satisfied, scores) -> dict:
    return {
        "id": key,
        "label": label,
        "scored": scored,
        "average": (Decimal(total) / Decimal(scored)).quantize(_CENT, rounding=ROUND_HALF_UP)
        if scored
        else None,
        "satisfied": satisfied,
        "not_satisfied": scored - satisfied,
        "satisfied_pct": _pct(satisfied, scored),
        "not_satisfied_pct": _pct(scored - satisfied, scored),
        "scores": scores,
    }


def satisfaction(
    organisation, date_from: dt.date, date_to: dt.date, by: str = "store", store=None
) -> dict:
    """Scored callback records (called in the period) grouped by store, technician or product
    model, in one grouped query; `rows` by name, `overall` for all of them."""
    by = resolve_grouping(by)
    errors = period_errors(date_from, date_to)
    if errors:
        raise ValidationFailed(fields=errors)
    settings = _settings(organisation)
    threshold = settings.satisfied_from
    cal = calendar_for(organisation)
    start, end = _bounds(cal, date_from, date_to)
    qs = CallbackRecord.objects.filter(
        organisation=organisation,
        called_at__gte=start,
        called_at__lt=end,
        satisfaction__isnull=False,
    )
    if store is not None:
        qs = qs.filter(store=store)
    key, name, extra = _GROUP_FIELDS[by]
    fields = [key, name] + ([extra] if extra else [])
    grouped = (
        qs.values(*fields)
        .annotate(
            scored=Count("pk"),
            total=Sum("satisfaction"),
            satisfied=Count("pk", filter=Q(satisfaction__gte=threshold)),
            **{f"s{k}": Count("pk", filter=Q(satisfaction=k)) for k in range(1, 6)},
        )
        .order_by(name, key)
    )
    none_label = {
        "store": _("(no store)"),
        "technician": _("(no technician)"),
        "product": _("(no product model)"),
    }[by]
    rows = []
    sums = {"scored": 0, "total": 0, "satisfied": 0, "scores": [0] * 5}
    for g in grouped:
        label = " ".join(str(g[f]) for f in fields[1:] if g[f]) or none_label
        scores = [g[f"s{k}"] for k in range(1, 6)]
        rows.append(_score_row(g[key], label, g["scored"], g["total"], g["satisfied"], scores))
        sums["scored"] += g["scored"]
        sums["total"] += g["total"]
        sums["satisfied"] += g["satisfied"]
        sums["scores"] = [a + b for a, b in zip(sums["scores"], scores, strict=True)]
    rows.sort(key=lambda row: row["id"] is None)  # the "no store / technician" row last
    return {
        "date_from": date_from,
        "date_to": date_to,
        "by": by,
        "satisfied_from": threshold,
        "rows": rows,
        "overall": _score_row(
            None, _("All"), sums["scored"], sums["total"], sums["satisfied"], sums["scores"]
        ),
    }


# -- everything, for the page and the workbook -----------------------------------------------
def report(
    organisation,
    date_from: dt.date,
    date_to: dt.date,
    store=None,
    *,
    today: dt.date | None = None,
    now: dt.datetime | None = None,
    list_limit: int = LIST_LIMIT,
) -> dict:
    now = now or timezone.now()
    today = today or timezone.localdate(now)
    return {
        "coverage": coverage(
            organisation, date_from, date_to, store, now=now, list_limit=list_limit
        ),
        "overdue": overdue(organisation, today, store, list_limit=list_limit),
        "satisfaction": {
            by: satisfaction(organisation, date_from, date_to, by, store) for by in GROUPINGS
        },
    }


def workbook(*, organisation, data: dict, store=None) -> bytes:
    """The report as an Excel workbook: one sheet per section, each headed by the organisation,
    the period and the store filter."""
    from decimal import Decimal

    from shouhou.core import exports

    cov = data["coverage"]
    period = f"{cov['date_from']:%Y-%m-%d} – {cov['date_to']:%Y-%m-%d}"
    store_name = ""
    if store is not None:
        store_name = store.name
    wb = exports.new_workbook()

    def sheet(title, first=False):
        ws = wb.active if first else wb.create_sheet()
        ws.title = exports.safe_title(title)
        exports.write_row(ws, [_("Organisation"), str(organisation)])
        exports.write_row(ws, [_("Period"), period])
        exports.write_row(ws, [_("Store"), store_name or _("All stores")])
        exports.write_row(ws, [])
        return ws

    def header(ws, cells):
        exports.write_row(ws, cells, bold=True)

    def num(value):
        return Decimal(value) if value is not None else None

    cov_cols = [
        _("Completed"),
        _("Due"),
        _("Called back in time"),
        _("Called back late"),
        _("Not called back"),
        _("Window still open"),
        _("In time (%)"),
        _("Target (%)"),
        _("Members"),
        _("Members in time"),
        _("Members in time (%)"),
    ]

    def cov_cells(c):
        return [
            c["total"],
            c["due"],
            c[IN_TIME],
            c[LATE],
            c[MISSING],
            c[PENDING],
            num(c["pct"]),
            num(cov["target_pct"]),
            c["members_total"],
            c["members_in_time"],
            num(c["members_pct"]),
        ]

    ws = sheet(_("Coverage"), first=True)
    exports.write_row(
        ws,
        [
            _("Window (working days)"),
            cov["window_working_days"],
        ],
    )
    header(ws, ["", *cov_cols])
    exports.write_row(ws, [_("Services"), *cov_cells(cov["services"])])
    exports.write_row(ws, [_("Deliveries"), *cov_cells(cov["deliveries"])])
    exports.write_row(ws, [])
    header(ws, [_("Store"), _("Kind"), *cov_cols])
    for row in cov["by_store"]:
        exports.write_row(ws, [row["store"], _("Services"), *cov_cells(row["services"])])
        exports.write_row(ws, [row["store"], _("Deliveries"), *cov_cells(row["deliveries"])])
    ws.column_dimensions["A"].width = 22

    ws = sheet(_("Not called back in time"))
    header(
        ws,
        [
            _("Kind"),
            _("Number"),
            _("Customer"),
            _("Store"),
            _("Technician / crew"),
            _("Completed on"),
            _("Deadline"),
            _("First callback"),
            _("Result"),
        ],
    )
    state_labels = {LATE: _("Called back late"), MISSING: _("Not called back")}
    for kind, rows in (
        (_("Service"), cov["services_not_in_time"]),
        (_("Delivery"), cov["deliveries_not_in_time"]),
    ):
        for row in rows:
            exports.write_row(
                ws,
                [
                    kind,
                    row["number"],
                    row["customer"],
                    row["store"],
                    row["technician"],
                    row["completed_on"],
                    row["deadline"],
                    row["called_on"],
                    state_labels[row["state"]],
                ],
            )

    od = data["overdue"]
    ws = sheet(_("Overdue callbacks"))
    exports.write_row(ws, [_("Overdue on"), od["today"], _("Overdue tasks"), od["total"]])
    header(ws, [_("Kind"), _("Overdue"), _("Oldest due on")])
    for row in od["by_kind"]:
        exports.write_row(ws, [row["label"], row["count"], row["oldest"]])
    exports.write_row(ws, [])
    header(ws, [_("Agent"), _("Overdue"), _("Oldest due on")])
    for row in od["by_agent"]:
        exports.write_row(ws, [row["agent"], row["count"], row["oldest"]])
    exports.write_row(ws, [])
    header(
        ws,
        [_("Due on"), _("Working days overdue"), _("Kind"), _("Customer"), _("Agent"), _("Order")],
    )
    for row in od["oldest"]:
        exports.write_row(
            ws,
            [
                row["due_on"],
                row["working_days_overdue"],
                row["kind_label"],
                row["customer"],
                row["agent"],
                row["work_order"],
            ],
        )

    for by, label in GROUPINGS.items():
        sat = data["satisfaction"][by]
        ws = sheet(SATISFACTION_TITLES[by])
        exports.write_row(ws, [_("Satisfied from (score)"), sat["satisfied_from"]])
        header(
            ws,
            [
                label,
                _("Scored"),
                _("Average"),
                _("Satisfied (%)"),
                _("Not satisfied (%)"),
                *[str(k) for k in range(1, 6)],
            ],
        )
        for row in [*sat["rows"], sat["overall"]]:
            exports.write_row(
                ws,
                [
                    row["label"],
                    row["scored"],
                    num(row["average"]),
                    num(row["satisfied_pct"]),
                    num(row["not_satisfied_pct"]),
                    *row["scores"],
                ],
            )
        ws.column_dimensions["A"].width = 24

    return exports.workbook_bytes(wb)
