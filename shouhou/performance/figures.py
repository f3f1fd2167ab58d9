"""The month's facts, computed in the database: one query per month, grouped in SQL.

Which orders count ("base orders") — an order counts in the month of its visit:

* the visit is `arrived_at` (the technician arrived on site), else `completed_at`, taken in
  Asia/Shanghai: a visit at 23:59 on the month's last day counts in that month (seed 001), one
  at 00:00 on the 1st counts in the next;
* the order has a technician and is not cancelled;
* for the technician's rates, a directly received job reported too late (`no_bonus`, seed 001:
  "超出两天… 不计入奖金报表") is left out of the base; the department figures keep it.

The facts of each order (each a yes/no; a rate is the number of "yes" over the base orders):

* `not_contacted` — not contacted within 1 working day: never contacted (`contacted_at` empty),
  or contacted after `contact_due_at` (set at dispatch on the working-day calendar), or flagged
  `contact_overdue` by the sweep;
* `not_on_time` — not on time: arrived after `onsite_due_at`, or flagged `onsite_overdue`, or a
  callback record of the order says the technician was not on time or did not come as agreed;
* `not_satisfied` — a callback record of the order scored satisfaction below the organisation's
  "satisfied from" (callback settings, default 4 of 5), unless a manager excluded that record
  (dissatisfaction caused by product quality); `rated`: some callback gave a score;
* `complaint` — a complaint case (kind complaint) is linked to the order and not excluded by a
  manager (malicious or product-quality complaints); `service_complaint`: such a case with the
  responsibility "our workmanship" (seed 002 §3.2: complaints for which the service is to blame);
* `missed` — a missed service (遗漏服务) of the order's technician is recorded on the order
  (no reply in time, no-show, late self-report), or the order is flagged missed service with no
  record naming anyone.

A closed month reads the same fields from its frozen rows (`MonthOrder`), so both paths share
the aggregation below.
"""

from __future__ import annotations

import datetime as dt
from zoneinfo import ZoneInfo

from django.conf import settings
from django.db import connection, transaction
from django.db.models import Count, Q
from django.utils.translation import gettext as _

from shouhou.callbacks.models import CallbackRecord
from shouhou.complaints.models import Case
from shouhou.core import dates
from shouhou.core.dates import month_bounds  # [start, end) in Asia/Shanghai
from shouhou.core.errors import ValidationFailed
from shouhou.staff.models import ServiceStaff
from shouhou.workorders import states
from shouhou.workorders.models import MissedService, WorkOrder

FLAGS = (
    "not_contacted",
    "not_on_time",
    "rated",
    "not_satisfied",
    "complaint",
    "service_complaint",
    "missed",
)
# The technician's five rates and the fact each counts.
RATE_FLAGS = ("not_contacted", "not_on_time", "not_satisfied", "complaint", "missed")


def tz():
    return ZoneInfo(settings.TIME_ZONE)


# Months -----------------------------------------------------------------------------------------


def parse_month(value, *, field: str = "month") -> dt.date:
    """'YYYY-MM' (or a date) → the month's first day; a clear 400 otherwise."""
    if isinstance(value, dt.date):
        return value.replace(day=1)
    try:
        year, month = str(value).strip().split("-")
        if len(year) != 4 or len(month) != 2:
            raise ValueError
        return dt.date(int(year), int(month), 1)
    except (ValueError, TypeError):
        raise ValidationFailed(
            fields={field: [_("Give the month as YYYY-MM, e.g. 2026-10.")]}
        ) from None


def add_months(month: dt.date, n: int) -> dt.date:
    """The first day of the month `n` months from `month`'s."""
    return dates.add_months(dates.month_start(month), n)


def month_of(moment: dt.datetime) -> dt.date:
    return moment.astimezone(tz()).date().replace(day=1)


month_last_day = dates.month_last_day


# The facts ----------------------------------------------------------------------------------------


def _t(model) -> str:
    return connection.ops.quote_name(model._meta.db_table)


def _dt(value):
    return connection.ops.adapt_datetimefield_value(value)


def facts_sql(
    *,
    organisation_id: int,
    month: dt.date | None = None,
    satisfied_from: int,
    technician_id: int | None = None,
    merchant_id: int | None = None,
    store_id: int | None = None,
    home_store_id: int | None = None,
    bounds: tuple[dt.datetime, dt.datetime] | None = None,
) -> tuple[str, list]:
    """SQL (and its parameters) selecting the month's base orders, one row each:
    id, technician_id, store_id, visit_at, in_base and the FLAGS as 0/1.

    The month's orders are read once (the `base` CTE, by the index on the visit); callbacks,
    complaints and missed services are joined to them and folded to one row per order, so
    each table is visited once for the month's orders rather than once per order and rule.
    Filters: one technician, a merchant's technicians, the order's store, the technician's
    home store. `bounds` ([start, end) of the visit) replaces the month: the dashboard's weeks.
    """

    from .models import Exclusion

    if bounds is not None:
        start, end = bounds
    elif month is not None:
        start, end = month_bounds(month)
    else:
        raise TypeError("facts_sql needs a month or bounds")
    joins, where, params = "", [], [organisation_id, states.CANCELLED, _dt(start), _dt(end)]
    if technician_id is not None:
        where.append("w.technician_id = %s")
        params.append(technician_id)
    if store_id is not None:
        where.append("w.store_id = %s")
        params.append(store_id)
    if merchant_id is not None or home_store_id is not None:
        joins = f" JOIN {_t(ServiceStaff)} s ON s.id = w.technician_id"
        if merchant_id is not None:
            where.append("s.merchant_id = %s")
            params.append(merchant_id)
        if home_store_id is not None:
            where.append("s.store_id = %s")
            params.append(home_store_id)
    extra = "".join(f" AND {w}" for w in where)
    params += [satisfied_from, "workmanship", "complaint"]
    sql = f"""
WITH base AS (
  SELECT w.id, w.technician_id, w.store_id, {VISIT} AS visit_at,
    CASE WHEN w.no_bonus THEN 0 ELSE 1 END AS in_base,
    CASE WHEN w.contacted_at IS NULL
           OR (w.contact_due_at IS NOT NULL AND w.contacted_at > w.contact_due_at)
           OR w.contact_overdue THEN 1 ELSE 0 END AS not_contacted,
    CASE WHEN (w.arrived_at IS NOT NULL AND w.onsite_due_at IS NOT NULL
               AND w.arrived_at > w.onsite_due_at)
           OR w.onsite_overdue THEN 1 ELSE 0 END AS late,
    CASE WHEN w.missed_service THEN 1 ELSE 0 END AS missed_flag
  FROM {_t(WorkOrder)} w{joins}
  WHERE w.organisation_id = %s AND w.technician_id IS NOT NULL AND w.status <> %s
    AND {VISIT} >= %s AND {VISIT} < %s{extra}
),
cb AS (
  SELECT c.work_order_id AS id,
    MAX(CASE WHEN c.on_time = FALSE OR c.technician_came = FALSE THEN 1 ELSE 0 END) AS late,
    MAX(CASE WHEN c.satisfaction IS NOT NULL THEN 1 ELSE 0 END) AS rated,
    MAX(CASE WHEN c.satisfaction < %s AND NOT EXISTS (
          SELECT 1 FROM {_t(Exclusion)} e WHERE e.callback_id = c.id AND e.revoked_at IS NULL
        ) THEN 1 ELSE 0 END) AS unsatisfied
  FROM {_t(CallbackRecord)} c JOIN base b ON b.id = c.work_order_id
  GROUP BY c.work_order_id
),
cs AS (
  SELECT k.work_order_id AS id,
    MAX(CASE WHEN k.responsibility = %s THEN 1 ELSE 0 END) AS service
  FROM {_t(Case)} k JOIN base b ON b.id = k.work_order_id
  WHERE k.kind = %s AND NOT EXISTS (
    SELECT 1 FROM {_t(Exclusion)} e WHERE e.case_id = k.id AND e.revoked_at IS NULL)
  GROUP BY k.work_order_id
),
ms AS (
  SELECT m.order_id AS id,
    MAX(CASE WHEN m.technician_id = b.technician_id THEN 1 ELSE 0 END) AS mine
  FROM {_t(MissedService)} m JOIN base b ON b.id = m.order_id
  GROUP BY m.order_id
)
SELECT b.id, b.technician_id, b.store_id, b.visit_at, b.in_base, b.not_contacted,
  CASE WHEN b.late = 1 OR cb.late = 1 THEN 1 ELSE 0 END AS not_on_time,
  COALESCE(cb.rated, 0) AS rated,
  COALESCE(cb.unsatisfied, 0) AS not_satisfied,
  CASE WHEN cs.id IS NULL THEN 0 ELSE 1 END AS complaint,
  COALESCE(cs.service, 0) AS service_complaint,
  CASE WHEN ms.mine = 1 OR (ms.id IS NULL AND b.missed_flag = 1) THEN 1 ELSE 0 END AS missed
FROM base b
  LEFT JOIN cb ON cb.id = b.id
  LEFT JOIN cs ON cs.id = b.id
  LEFT JOIN ms ON ms.id = b.id"""  # noqa: S608 - table names from the models, values are parameters
    return sql, params


# The visit of an order, as written in the SQL (and in the index perf_wo_visit, migration 0002).
VISIT = "COALESCE(w.arrived_at, w.completed_at)"
COLUMNS = ("id", "technician_id", "store_id", "visit_at", "in_base", *FLAGS)


def _no_jit(cur) -> None:
    """PostgreSQL's JIT compiles this query's many expressions for longer (0.5–1.5 s) than the
    query runs (~0.3 s for 80,000 orders); it is turned off for the current transaction."""
    if connection.vendor == "postgresql":
        cur.execute("SET LOCAL jit = off")


def _fetch(sql: str, params: list) -> list[dict]:
    with transaction.atomic(), connection.cursor() as cur:
        _no_jit(cur)
        cur.execute(sql, params)
        names = [c[0] for c in cur.description]
        return [dict(zip(names, row, strict=True)) for row in cur.fetchall()]


def _sum_sql(facts: str, by: str | None, where: str = "") -> str:
    sums = ", ".join(f"SUM(f.{flag}) AS {flag}" for flag in FLAGS)
    group = f"f.{by}, " if by else ""
    satisfied = "SUM(CASE WHEN f.rated = 1 AND f.not_satisfied = 0 THEN 1 ELSE 0 END)"
    sql = f"SELECT {group}COUNT(*) AS base, {sums}, {satisfied} AS satisfied FROM ({facts}) f"  # noqa: S608
    return sql + where + (f" GROUP BY f.{by}" if by else "")


def _clean(rows: list[dict]) -> list[dict]:
    keys = ("base", "satisfied", *FLAGS)
    return [{**row, **{k: int(row[k] or 0) for k in keys}} for row in rows]


class LiveFacts:
    """The month's facts computed from the orders (an open month)."""

    def __init__(self, **kwargs):
        self.sql, self.params = facts_sql(**kwargs)

    def technician_counts(self) -> list[dict]:
        return _clean(
            _fetch(_sum_sql(self.sql, "technician_id", " WHERE f.in_base = 1"), self.params)
        )

    def store_counts(self) -> list[dict]:
        return _clean(_fetch(_sum_sql(self.sql, "store_id"), self.params))

    def orders(self, flag: str | None = None) -> list[dict]:
        """The technician's base orders (with their facts), optionally only where `flag`."""
        where = " WHERE f.in_base = 1"
        if flag is not None:
            if flag not in FLAGS:
                raise ValueError(flag)
            where += f" AND f.{flag} = 1"
        rows = _fetch(f"SELECT f.* FROM ({self.sql}) f{where}", self.params)  # noqa: S608
        for row in rows:
            if isinstance(row["visit_at"], str):  # SQLite returns the stored text (UTC)
                row["visit_at"] = dt.datetime.fromisoformat(row["visit_at"]).replace(tzinfo=dt.UTC)
            elif row["visit_at"] is not None and row["visit_at"].tzinfo is None:
                row["visit_at"] = row["visit_at"].replace(tzinfo=dt.UTC)
            for k in ("in_base", *FLAGS):
                row[k] = bool(row[k])
        return rows


def daily_counts(facts: LiveFacts) -> list[dict]:
    """[{day, base, <flag>: count, satisfied}] per local day of the visit (Asia/Shanghai) over
    every order counted (the department figures), one GROUP BY query."""
    day, day_params = connection.ops.datetime_cast_date_sql("f.visit_at", (), settings.TIME_ZONE)
    sums = ", ".join(f"SUM(g.{flag}) AS {flag}" for flag in FLAGS)
    satisfied = "SUM(CASE WHEN g.rated = 1 AND g.not_satisfied = 0 THEN 1 ELSE 0 END)"
    sql = (
        f"SELECT g.day, COUNT(*) AS base, {sums}, {satisfied} AS satisfied "  # noqa: S608
        f"FROM (SELECT {day} AS day, f.* FROM ({facts.sql}) f) g GROUP BY g.day"
    )
    rows = _clean(_fetch(sql, [*day_params, *facts.params]))
    for row in rows:
        if isinstance(row["day"], str):  # SQLite returns the date as text
            row["day"] = dt.date.fromisoformat(row["day"])
    return rows


def frozen_daily_counts(qs) -> list[dict]:
    """The same per-day counts over a closed month's frozen rows (the ORM, TruncDate)."""
    from django.db.models.functions import TruncDate

    aggregates = {
        "n_base": Count("pk"),
        **{f"n_{f}": Count("pk", filter=Q(**{f: True})) for f in FLAGS},
        "n_satisfied": Count("pk", filter=Q(rated=True, not_satisfied=False)),
    }
    rows = (
        qs.annotate(day=TruncDate("visit_at", tzinfo=tz()))
        .values("day")
        .annotate(**aggregates)
        .order_by()
    )
    return [{"day": row["day"], **{k[2:]: row[k] or 0 for k in aggregates}} for row in rows]


def live_facts(**kwargs) -> LiveFacts:
    return LiveFacts(**kwargs)


def frozen_facts(*, organisation_id: int, month: dt.date, **filters):
    """The same facts from a closed month's frozen rows."""
    from .models import MonthOrder

    qs = MonthOrder.objects.filter(organisation_id=organisation_id, month=month)
    if filters.get("technician_id") is not None:
        qs = qs.filter(technician_id=filters["technician_id"])
    if filters.get("merchant_id") is not None:
        qs = qs.filter(technician__merchant_id=filters["merchant_id"])
    if filters.get("store_id") is not None:
        qs = qs.filter(store_id=filters["store_id"])
    return qs


def _orm_counts(qs, by: str | None):
    """The same counts over frozen rows (booleans), with the ORM."""
    aggregates = {
        "n_base": Count("pk"),
        **{f"n_{f}": Count("pk", filter=Q(**{f: True})) for f in FLAGS},
        "n_satisfied": Count("pk", filter=Q(rated=True, not_satisfied=False)),
    }
    rows = qs.values(by).annotate(**aggregates).order_by()
    return [{by: row[by], **{k[2:]: row[k] or 0 for k in aggregates}} for row in rows]


def technician_counts(facts) -> list[dict]:
    """[{technician_id, base, <flag>: count, satisfied}] over the technicians' base orders."""
    if isinstance(facts, LiveFacts):
        return facts.technician_counts()
    return _orm_counts(facts.filter(in_base=True), "technician_id")


def store_counts(facts) -> list[dict]:
    """[{store_id, base, <flag>: count, satisfied}] over every order counted (department)."""
    if isinstance(facts, LiveFacts):
        return facts.store_counts()
    return _orm_counts(facts, "store_id")


# Freezing a month: INSERT ... SELECT of the facts --------------------------------------------------


def freeze_orders(*, organisation_id: int, month: dt.date, satisfied_from: int, now) -> int:
    """Write the month's facts into MonthOrder with one INSERT ... SELECT; returns rows written."""
    from .models import MonthOrder

    facts = LiveFacts(organisation_id=organisation_id, month=month, satisfied_from=satisfied_from)
    qn = connection.ops.quote_name
    names = [
        "organisation_id",
        "month",
        "order_id",
        "technician_id",
        "store_id",
        "visit_at",
        "in_base",
        *FLAGS,
        "created_at",
        "updated_at",
    ]
    cols = ", ".join(qn(MonthOrder._meta.get_field(n).column) for n in names)
    select = ", ".join(
        [
            "%s",
            "%s",
            "f.id",
            "f.technician_id",
            "f.store_id",
            "f.visit_at",
            "(f.in_base = 1)",
            *[f"(f.{flag} = 1)" for flag in FLAGS],
            "%s",
            "%s",
        ]
    )
    stamp = _dt(now)
    head = [organisation_id, connection.ops.adapt_datefield_value(month)]
    sql = (
        f"INSERT INTO {qn(MonthOrder._meta.db_table)} ({cols}) "  # noqa: S608
        f"SELECT {select} FROM ({facts.sql}) f WHERE f.id > 0 ON CONFLICT DO NOTHING"
    )
    with transaction.atomic(), connection.cursor() as cur:
        _no_jit(cur)
        # placeholders in text order: the select list's four, then the facts' own
        cur.execute(sql, [*head, stamp, stamp, *facts.params])
        return cur.rowcount
