"""The work-order sweep: missed services, overdue flags, and the rules of higher apps
(callbacks registers the call-centre task after an appointment).

Set-based: each rule is one indexed query over the rows it has not handled yet (the due times
are stored on the order, so no calendar arithmetic happens here); the rows it finds are acted
on in batches with one statement per table:

* the rule's rows are read in (due, id) order from the rule's partial index (`SWEEP_SCOPES` in
  models.py), `batch_size` at a time, each batch starting after the last row of the previous
  one (keyset), locked `FOR NO KEY UPDATE SKIP LOCKED` on PostgreSQL;
* records the rule creates (missed services, callback tasks) are written with one
  `INSERT ... SELECT ... ON CONFLICT DO NOTHING` from the orders, keyed by unique constraints;
* one `UPDATE` sets the rule's flag on the batch. The flags are not in any index, so on
  PostgreSQL the row is rewritten in place (a HOT update, no index writes).

Incremental: a run looks only at what fell due since the last successful run of the rule. Each
rule keeps a high-water mark (`core.JobMark` "workorders.sweep.<rule>": every row due before it
has been handled); a run reads `mark - SWEEP_OVERLAP <= due < now` from the rule's (due, id)
index, so its cost follows what fell due, not how many orders are open or how many overdue rows
are still in the scope. A full recheck (no lower bound) runs when there is no mark and every
`SWEEP_FULL_EVERY`, and catches what the range cannot see: a row skipped because another
transaction held its lock for longer than the overlap, or a due time moved into the past by a
change of policy.

Each batch is one transaction whose last write is the flag that takes the rows out of the rule's
query, so:

* running the sweep twice changes nothing the second time (the flags, and the unique constraints
  on missed services and callback tasks);
* killing it mid-run loses at most the batch in progress, which rolls back and is redone by the
  next run.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from dataclasses import dataclass, field

from django.db import connection, transaction
from django.db.models import BooleanField, DateTimeField, Q
from django.db.models.expressions import RawSQL
from django.utils import timezone

from shouhou.core.bulk import insert_select_columns
from shouhou.core.models import JobMark

from . import signals
from .models import SWEEP_SCOPES, MissedService, WorkOrder, WorkOrderSettings, WrittenContact

BATCH = 5000
# How far before the mark a run starts reading (rows skipped while locked by a transaction that
# ended since), and how often a run rechecks everything.
SWEEP_OVERLAP = dt.timedelta(minutes=15)
SWEEP_FULL_EVERY = dt.timedelta(hours=6)


@dataclass(frozen=True)
class Rule:
    name: str  # key of the sweep's result
    scope: str  # key of SWEEP_SCOPES (and of the partial index)
    due: str  # the due column: order of the batches
    flag: str  # set on the rows handled; the rule skips rows that have it
    also: dict = field(default_factory=dict)  # other fields set with the flag
    overdue_only: bool = True  # only rows whose due time has passed
    insert: Callable[[list[int], dt.datetime], None] | None = None  # records, before the flag
    escalate: bool = False  # tell the people who can act (`workorders.limits_missed`)

    def where(self, now: dt.datetime, since: dt.datetime | None = None) -> Q:
        q = SWEEP_SCOPES[self.scope] & Q(**{self.flag: False})
        if self.overdue_only:
            q &= Q(**{f"{self.due}__lt": now})
        if since is not None:
            q &= Q(**{f"{self.due}__gte": since})
        return q


# Records written from the orders ---------------------------------------------------------------
def insert_from_orders(model, exprs: dict, ids: list[int], *, now, joins: str = "") -> None:
    """INSERT INTO model SELECT ... FROM the orders `ids` ON CONFLICT DO NOTHING.

    `exprs` maps a column to (SQL over the order `w`, params); other columns get their default
    (created_at/updated_at: `now`).
    """
    cols, sql, params = insert_select_columns(model, exprs, now=now)
    order_table = connection.ops.quote_name(WorkOrder._meta.db_table)
    # Names come from the models' metadata, quoted; every value is a parameter.
    table = connection.ops.quote_name(model._meta.db_table)
    placeholders = ", ".join(["%s"] * len(ids))
    query = (
        f"INSERT INTO {table} ({', '.join(cols)}) "  # noqa: S608
        f"SELECT {', '.join(sql)} FROM {order_table} w {joins} "
        f"WHERE w.id IN ({placeholders}) ON CONFLICT DO NOTHING"
    )
    with connection.cursor() as cur:
        cur.execute(query, [*params, *ids])


def _insert_missed_no_reply(ids: list[int], now: dt.datetime) -> None:
    """A missed service (遗漏服务) for each order, with the organisation's deduction."""
    deduction = WorkOrderSettings._meta.get_field("missed_service_deduction")
    prep = MissedService._meta.get_field("detected_at").get_db_prep_save
    insert_from_orders(
        MissedService,
        {
            "organisation_id": ("w.organisation_id", []),
            "order_id": ("w.id", []),
            "technician_id": ("w.technician_id", []),
            "reason": ("%s", [MissedService.Reason.NO_REPLY.value]),
            "cycle": ("w.dispatch_seq", []),
            "detected_at": ("%s", [prep(now, connection)]),
            "deduction": (
                f"COALESCE(s.{deduction.column}, %s)",
                [deduction.get_db_prep_save(deduction.get_default(), connection)],
            ),
        },
        ids,
        now=now,
        joins=(
            f"LEFT JOIN {connection.ops.quote_name(WorkOrderSettings._meta.db_table)} s "
            "ON s.organisation_id = w.organisation_id"
        ),
    )


RULES = [
    # No reply within the time limit after dispatch: a missed service (遗漏服务).
    Rule(
        "missed_no_reply",
        "reply",
        "reply_due_at",
        "reply_missed",
        also={"missed_service": True},
        insert=_insert_missed_no_reply,
    ),
    Rule("contact_overdue", "contact", "contact_due_at", "contact_overdue"),
    Rule("onsite_overdue", "onsite", "onsite_due_at", "onsite_overdue"),
    Rule("fixed_overdue", "fixed", "fixed_due_at", "fixed_overdue"),
    Rule("unreachable_overdue", "unreachable", "unreachable_report_due_at", "unreachable_overdue"),
    # A response tier's "arranged within N hours" (seed 002 范文2 四.1: 三包 2 hours) passed
    # with nobody dispatched: marked, and escalated.
    Rule("arrange_overdue", "arrange", "arrange_due_at", "arrange_overdue", escalate=True),
    # Apps above add their own rules over the orders with `register_rule` (callbacks: the task
    # after an appointment, see callbacks/jobs.py).
]


def register_rule(rule: Rule) -> None:
    """Add a rule of a higher app to the sweep (from its `AppConfig.ready`); once per name."""
    if all(r.name != rule.name for r in RULES):
        RULES.append(rule)


def _after(due: str, value, pk: int) -> RawSQL:
    """`(due, id) > (value, pk)`: a row comparison, so the (due, id) index is scanned from the
    last row of the previous batch on, in order (PostgreSQL and SQLite both support it)."""
    f = WorkOrder._meta.get_field(due)
    table = connection.ops.quote_name(WorkOrder._meta.db_table)
    qn = connection.ops.quote_name
    return RawSQL(  # noqa: S611 - names from the model's metadata; values are parameters
        f"({table}.{qn(f.column)}, {table}.{qn('id')}) > (%s, %s)",
        (f.get_db_prep_value(value, connection), pk),
        output_field=BooleanField(),
    )


def run_rule(
    rule: Rule, now: dt.datetime, batch_size: int = BATCH, *, since: dt.datetime | None = None
) -> int:
    """Apply one rule to every row that needs it (due from `since` on, when given); returns how
    many rows it changed."""
    done = 0
    where = rule.where(now, since)
    after = None  # (due, id) of the last row of the previous batch
    while True:
        with transaction.atomic():
            qs = WorkOrder.all_objects.filter(where)
            if after is not None:
                qs = qs.filter(_after(rule.due, *after))
            rows = list(
                qs.select_for_update(skip_locked=True, no_key=True)
                .order_by(rule.due, "pk")
                .values_list("pk", rule.due, "organisation_id")[:batch_size]
            )
            if not rows:
                return done
            ids = [pk for pk, _due, _org in rows]
            if rule.insert is not None:
                rule.insert(ids, now)
            # The rows are locked (PostgreSQL) or the database is (SQLite): they still match.
            done += WorkOrder.all_objects.filter(pk__in=ids).update(
                **{rule.flag: True}, **rule.also
            )
            if rule.escalate:
                _escalate(rule.name, [(org, pk) for pk, _due, org in rows], now)
        if len(rows) < batch_size:
            return done
        after = rows[-1][1], rows[-1][0]


def _escalate(rule: str, rows: list[tuple[int, int]], now: dt.datetime) -> None:
    """One event per organisation with the orders the rule has just marked (sent on commit of
    the batch, so a rolled-back batch escalates nothing and a marked row never again)."""
    by_org: dict[int, list[int]] = {}
    for org_id, pk in rows:
        by_org.setdefault(org_id, []).append(pk)
    for org_id, ids in by_org.items():
        signals.workorder_limits_missed.publish(
            sender=WorkOrder, organisation_id=org_id, rule=rule, order_ids=ids, at=now
        )


def mark_written_overdue(now: dt.datetime) -> int:
    """Written contacts (seed 002 3.2.3) not written by their due time: one conditional UPDATE
    sets the marker (a marked row is not matched again, so a second run changes nothing), and
    the orders are escalated once, with the marker's transaction."""
    with transaction.atomic():
        qs = WrittenContact.all_objects.filter(
            written_at__isnull=True, overdue=False, due_at__lt=now
        )
        rows = list(
            qs.select_for_update(skip_locked=True, no_key=True).values_list(
                "pk", "organisation_id", "order_id"
            )
        )
        if not rows:
            return 0
        n = WrittenContact.all_objects.filter(pk__in=[pk for pk, _o, _w in rows]).update(
            overdue=True, updated_at=now
        )
        _escalate("written_overdue", [(org, order) for _pk, org, order in rows], now)
    return n


def _mark_name(rule: Rule) -> str:
    return f"workorders.sweep.{rule.name}"


def _since(rule: Rule, mark: dt.datetime) -> dt.datetime | dt.date | None:
    """Where the rule's range starts: the mark less the overlap, as a value of its due column.
    A rule that is not about overdue rows has no range (its partial index holds only the rows
    it has not handled)."""
    if not rule.overdue_only:
        return None
    start = mark - SWEEP_OVERLAP
    if isinstance(WorkOrder._meta.get_field(rule.due), DateTimeField):
        return start
    return timezone.localtime(start).date()


def sweep(now: dt.datetime, *, batch_size: int = BATCH, full: bool = False) -> dict:
    """Run every rule once on what fell due since its mark (everything when `full`, when the
    rule has no mark yet, or when its last full recheck is older than SWEEP_FULL_EVERY);
    returns how many rows each rule changed."""
    marks = {m.name: m for m in JobMark.objects.filter(name__startswith="workorders.sweep.")}
    out: dict[str, int] = {}
    for rule in RULES:
        mark = marks.get(_mark_name(rule))
        recheck = (
            full
            or mark is None
            or mark.full_at is None
            or now - mark.full_at >= SWEEP_FULL_EVERY
            or now < mark.high_water  # a run for an earlier moment (a job replayed, a test)
        )
        since = _since(rule, mark.high_water) if mark is not None and not recheck else None
        out[rule.name] = run_rule(rule, now, batch_size, since=since)
        # Only after the rule went through every batch: a run killed before this line leaves
        # the old mark, and the next run reads the same range again (the flags make it a no-op
        # for the rows already handled).
        values: dict[str, dt.datetime] = {"high_water": now}
        if recheck:
            values["full_at"] = now
        JobMark.objects.update_or_create(name=_mark_name(rule), defaults=values)
    out["written_overdue"] = mark_written_overdue(now)
    return out
