"""The daily callback job: greetings and the after-service safety net, set-based.

For every organisation (its own settings and calendar), each rule is one
`INSERT INTO callbacks_callbacktask (...) SELECT ... FROM <customers or orders> WHERE ...
ON CONFLICT DO NOTHING` per batch of 5,000 source rows (keyset over the id), keyed by the
unique (organisation, source_key): running the job twice, or every few hours, creates each task
once, and a task someone closed is never created again.

* holiday greetings: every holiday named in `greeting_holidays` whose first day falls in
  [today, today + greeting_lead_days] -> a task for each customer with a mobile (members only
  when `greeting_members_only`), due on the first day, from `greeting_lead_days` before
  (key `greeting:<name>:<yyyy-mm-dd>:<customer id>`);
* birthday greetings (when `birthday_greetings`): customers whose birthday falls in the same
  window (29 February: greeted on 28 February in other years), due on the birthday
  (key `birthday:<yyyy>:<customer id>`);
* the after-service safety net (when `after_service_enabled`): orders completed on the last
  `after_service_working_days` working days (whose callback is not past due yet) that have no
  after-service task for their dispatch get one (key `workorder:<id>:service:<dispatch no.>`,
  the same key `workorder_complete` uses).
"""

from __future__ import annotations

import datetime as dt

from django.db import connection, transaction
from django.utils import timezone

from shouhou.core.bulk import insert_select_columns
from shouhou.workorders.jobs import Rule, insert_from_orders

from . import schedule
from .models import CallbackSettings, CallbackTask

BATCH = 5000
K = CallbackTask.Kind


def _local_date(now) -> dt.date:
    return timezone.localdate(now) if timezone.is_aware(now) else now.date()


def _prep(field_name: str, value):
    return CallbackTask._meta.get_field(field_name).get_db_prep_save(value, connection)


def _insert_select(source_qs, exprs: dict, *, now) -> int:
    """INSERT INTO the tasks SELECT `exprs` FROM the rows of `source_qs` (alias `s`) ON CONFLICT
    DO NOTHING; returns how many rows were inserted. `exprs` maps a task column to (SQL over `s`,
    params); the other columns get their default (created_at/updated_at: `now`)."""
    cols, sql, params = insert_select_columns(CallbackTask, exprs, now=now)
    model = source_qs.model
    sub_sql, sub_params = source_qs.values("pk").query.sql_with_params()
    qn = connection.ops.quote_name
    # Names come from the models' metadata, quoted; every value is a parameter.
    query = (
        f"INSERT INTO {qn(CallbackTask._meta.db_table)} ({', '.join(cols)}) "  # noqa: S608
        f"SELECT {', '.join(sql)} FROM {qn(model._meta.db_table)} s "
        f"WHERE s.{qn(model._meta.pk.column)} IN ({sub_sql}) ON CONFLICT DO NOTHING"
    )
    with connection.cursor() as cur:
        cur.execute(query, [*params, *sub_params])
        return max(cur.rowcount, 0)


def _in_batches(source_qs, exprs: dict, *, now) -> int:
    """`_insert_select` over `source_qs` in batches of BATCH rows by id, one transaction each."""
    done, last = 0, None
    while True:
        qs = source_qs if last is None else source_qs.filter(pk__gt=last)
        ids = list(qs.order_by("pk").values_list("pk", flat=True)[:BATCH])
        if not ids:
            return done
        with transaction.atomic():
            done += _insert_select(
                source_qs.filter(pk__gte=ids[0], pk__lte=ids[-1]), exprs, now=now
            )
        if len(ids) < BATCH:
            return done
        last = ids[-1]


def _task_exprs(*, org_id: int, kind: str, occasion: str, dates: schedule.Dates, key, **more):
    """Columns common to every task written here; `key` = (SQL, params) of the source key."""
    return {
        "organisation_id": ("%s", [org_id]),
        "kind": ("%s", [kind]),
        "occasion": ("%s", [occasion[:60]]),
        "due_on": ("%s", [_prep("due_on", dates.due_on)]),
        "available_on": ("%s", [_prep("available_on", dates.available_on)]),
        "source_key": key,
        **more,
    }


def _customers(org_id: int, cfg: CallbackSettings):
    from shouhou.customers.models import Customer

    qs = Customer.all_objects.filter(organisation_id=org_id).exclude(mobile="")
    if cfg.greeting_members_only:
        qs = qs.filter(is_member=True)
    return qs


def holiday_greetings(org_id: int, cfg: CallbackSettings, today: dt.date, now) -> int:
    from shouhou.workdays.services import calendar_for

    names = cfg.holiday_names()
    if not names:
        return 0
    created = 0
    for holiday, dates in schedule.greetings_due(
        today, cfg.greeting_lead_days, names, calendar_for(org_id)
    ):
        prefix = f"greeting:{holiday.name}:{holiday.date.isoformat()}:"
        created += _in_batches(
            _customers(org_id, cfg),
            _task_exprs(
                org_id=org_id,
                kind=K.HOLIDAY_GREETING,
                occasion=holiday.name,
                dates=dates,
                key=("%s || CAST(s.id AS TEXT)", [prefix]),
                customer_id=("s.id", []),
            ),
            now=now,
        )
    return created


def birthday_greetings(org_id: int, cfg: CallbackSettings, today: dt.date, now) -> int:
    from django.db.models import Q

    if not cfg.birthday_greetings:
        return 0
    created = 0
    for day, pairs in schedule.birthdays_in_window(today, cfg.greeting_lead_days).items():
        born = Q()
        for month, mday in pairs:
            born |= Q(birthday__month=month, birthday__day=mday)
        created += _in_batches(
            _customers(org_id, cfg).filter(born),
            _task_exprs(
                org_id=org_id,
                kind=K.BIRTHDAY_GREETING,
                occasion="birthday",
                dates=schedule.greeting(day, cfg.greeting_lead_days),
                key=("%s || CAST(s.id AS TEXT)", [f"birthday:{day.year}:"]),
                customer_id=("s.id", []),
            ),
            now=now,
        )
    return created


def after_service_safety_net(org_id: int, cfg: CallbackSettings, today: dt.date, now) -> int:
    """Orders completed on the last N working days without their after-service task."""
    from shouhou.workdays.services import calendar_for
    from shouhou.workorders import states
    from shouhou.workorders.models import WorkOrder

    if not cfg.after_service_enabled:
        return 0
    cal = calendar_for(org_id)
    n = cfg.after_service_working_days
    first = cal.add_working_days(today, -n) if n else today
    created = 0
    day = first
    while day <= today:
        start = timezone.make_aware(dt.datetime.combine(day, dt.time.min))
        orders = WorkOrder.all_objects.filter(
            organisation_id=org_id,
            status__in=(states.DONE, states.CONFIRMED, states.CLOSED),
            completed_at__gte=start,
            completed_at__lt=start + dt.timedelta(days=1),
            no_callback=False,
            customer__isnull=False,
        )
        created += _in_batches(
            orders,
            _task_exprs(
                org_id=org_id,
                kind=K.AFTER_SERVICE,
                occasion=f"{n}d",
                dates=schedule.after_service(day, n, cal),
                key=(
                    "%s || CAST(s.id AS TEXT) || %s || CAST(s.dispatch_seq AS TEXT)",
                    ["workorder:", ":service:"],
                ),
                customer_id=("s.customer_id", []),
                work_order_id=("s.id", []),
            ),
            now=now,
        )
        day += dt.timedelta(days=1)
    return created


def _settings_of_every_organisation() -> list[CallbackSettings]:
    from shouhou.org.models import Organisation

    missing = Organisation.objects.exclude(callback_settings__isnull=False).values_list(
        "pk", flat=True
    )
    CallbackSettings.objects.bulk_create(
        [CallbackSettings(organisation_id=pk) for pk in missing], ignore_conflicts=True
    )
    return list(CallbackSettings.objects.order_by("organisation_id"))


def daily(now) -> dict:
    today = _local_date(now)
    counts = {"holiday_greetings": 0, "birthday_greetings": 0, "after_service": 0}
    for cfg in _settings_of_every_organisation():
        org = cfg.organisation_id
        counts["holiday_greetings"] += holiday_greetings(org, cfg, today, now)
        counts["birthday_greetings"] += birthday_greetings(org, cfg, today, now)
        counts["after_service"] += after_service_safety_net(org, cfg, today, now)
    return counts


# -- the call after an appointment: a rule of the work-order sweep ------------------------------
def _insert_appointment_tasks(ids: list[int], now: dt.datetime) -> None:
    """The call centre's task, due one working day after the appointment date (stored on the
    order as `callback_due_on`); one per appointment (source key)."""
    insert_from_orders(
        CallbackTask,
        {
            "organisation_id": ("w.organisation_id", []),
            "customer_id": ("w.customer_id", []),
            "work_order_id": ("w.id", []),
            "kind": ("%s", [K.AFTER_APPOINTMENT.value]),
            "due_on": ("w.callback_due_on", []),
            # f"workorder:{id}:appointment:{appointment_seq}"
            "source_key": (
                "%s || CAST(w.id AS TEXT) || %s || CAST(w.appointment_seq AS TEXT)",
                ["workorder:", ":appointment:"],
            ),
        },
        ids,
        now=now,
    )


# The call centre calls back one working day after the appointment date: the task is written by
# the work-order sweep (every few minutes) as soon as the appointment is known.
APPOINTMENT_TASKS = Rule(
    "callback_tasks",
    "callback",
    "callback_due_on",
    "callback_created",
    overdue_only=False,
    insert=_insert_appointment_tasks,
)
