"""Demo scoring and a three-month history (after work orders, callbacks and complaints).

1. The default settings, tiers and bonus table of every demo organisation (written only where
   missing).
2. For every demo organisation with technicians (active service staff whose kinds include
   installation or repair), the three calendar months before the current one get a history:
   15–40 visited, closed work orders per technician per month (numbered
   ``DEMO-H-<yyyymm>-<n>``), with their SLA due times computed from the organisation's policy on
   its working-day calendar. A realistic minority are contacted or visited late, a few are
   missed services (with their `MissedService` row), most are called back (`CallbackRecord`,
   satisfaction mostly 4–5) and one or two per month carry a complaint case (kind complaint,
   finished). Each technician has a steady profile (good, average or weak) and the whole
   department improves a little from month to month, so the ranking has a spread and the trend
   moves. Everything is drawn from `random.Random(org.pk)` (deterministic), written with
   `bulk_create`, and a month whose orders already exist is skipped (seed_demo runs twice).
   No callback task is created: the orders completed in the callbacks safety net's window
   (the last working days) are flagged `no_callback`, so the callback job leaves them alone.
3. The two older months are closed by the month-end code itself
   (`services.month_close_by_job`, as the job `performance.close_months` does): the frozen
   rows, scores and trend are computed, not invented. **The most recent month is left open** on purpose: the manager sees the dashboard
   alert "last month is not closed", can still exclude a complaint or a dissatisfied callback
   (only possible before the close) and closes the month from the ranking page. If the periodic
   job runs first it closes that month itself (as it would in production).
"""

from __future__ import annotations

import datetime as dt
import random
from zoneinfo import ZoneInfo

from django.conf import settings
from django.db.models import F
from django.utils import timezone

from . import figures, services
from .models import MonthClose

HISTORY_MONTHS = 3
CLOSED_MONTHS = 2  # the older ones; the most recent past month stays open
SERVICE_KINDS = {"installation", "repair"}
PREFIX = "DEMO-H-"
# What customers call about, by kind: a month of history that reads like a real service log.
FAULTS = {
    "repair": (
        "燃气热水器打不着火",
        "智能马桶座圈不加热",
        "油烟机吸力变小、噪音大",
        "水龙头关不紧滴水",
        "花洒出水小，水压不稳",
        "浴室柜门铰链松脱",
        "空调不制冷，外机不转",
        "地漏返味",
        "橱柜台面开裂",
        "马桶进水阀一直进水",
        "净水器滤芯到期指示灯亮",
        "木地板起拱",
    ),
    "installation": (
        "新购燃气热水器上门安装",
        "智能马桶安装并接电",
        "油烟机与燃气灶安装",
        "淋浴房安装",
        "浴室柜与镜柜安装",
        "净水器安装",
        "卫浴五金挂件安装",
        "壁挂空调安装",
    ),
}

# chances per order: late contact, late on site, missed service, a dissatisfied callback,
# a 5 (else a 4) when satisfied, and the weight for drawing the month's complaints.
# About 85 % of the orders are called back.
PROFILES = {
    "good": (0.01, 0.015, 0.0, 0.01, 0.7, 1),
    "average": (0.025, 0.04, 0.012, 0.035, 0.55, 2),
    "weak": (0.05, 0.07, 0.03, 0.08, 0.45, 4),
}
# the department gets a little better each month (oldest first)
TREND = (1.4, 1.0, 0.7)


def seed(ctx) -> None:
    orgs = list((getattr(ctx, "orgs", None) or {}).values())
    for organisation in orgs:
        services.ensure_defaults(organisation)
    staff = _flat(getattr(ctx, "staff", None))
    customers = _flat(getattr(ctx, "customers", None))
    today = getattr(ctx, "today", None) or timezone.localdate()
    for organisation in orgs:
        techs = sorted(
            (
                s
                for s in staff
                if s.organisation_id == organisation.pk
                and s.status == "active"
                and SERVICE_KINDS & set(s.kinds or [])
            ),
            key=lambda s: s.pk,
        )
        org_customers = [c for c in customers if c.organisation_id == organisation.pk]
        if techs and org_customers:
            seed_history(organisation, techs, org_customers, today=today)


def _flat(x) -> list:
    items = list(x.values()) if isinstance(x, dict) else list(x or [])
    out = []
    for item in items:
        out.extend(item if isinstance(item, list | tuple) else [item])
    return out


def history_months(today: dt.date) -> list[dt.date]:
    """The months before today's, oldest first."""
    first = today.replace(day=1)
    return [figures.add_months(first, -n) for n in range(HISTORY_MONTHS, 0, -1)]


def seed_history(organisation, techs, customers, *, today: dt.date) -> dict:
    """Write the missing months of history and close the older months; returns counts."""
    from shouhou.workorders.models import WorkOrder

    now = min(
        timezone.now(),
        dt.datetime.combine(today, dt.time(23, 0), tzinfo=ZoneInfo(settings.TIME_ZONE)),
    )
    rng = random.Random(organisation.pk)
    profiles = {t.pk: rng.choice(("good", "good", "average", "average", "weak")) for t in techs}
    made = {"orders": 0, "months_closed": 0}
    months = history_months(today)
    for i, month in enumerate(months):
        # one generator per month, so a month written later draws the same numbers
        mrng = random.Random(organisation.pk * 1000 + month.year * 12 + month.month)
        prefix = f"{PREFIX}{month:%Y%m}-"
        if WorkOrder.all_objects.filter(
            organisation=organisation, number__startswith=prefix
        ).exists():
            continue
        made["orders"] += _month(
            organisation,
            month,
            techs,
            customers,
            profiles,
            TREND[i],
            mrng,
            now=now,
            # the open month gets a second complaint (customer's own cause) a manager may exclude
            complaints=2 if i >= CLOSED_MONTHS else mrng.choice((1, 2)),
        )
    for month in months[:CLOSED_MONTHS]:
        if figures.month_bounds(month)[1] > now:
            continue
        mc = MonthClose.all_objects.filter(organisation=organisation, month=month).first()
        if mc is not None and (mc.is_closed or mc.reopen_count):
            continue
        if services.month_close_by_job(organisation.pk, month, now=now):
            made["months_closed"] += 1
    return made


def _month(organisation, month, techs, customers, profiles, factor, rng, *, now, complaints) -> int:
    from shouhou.callbacks.models import CallbackRecord
    from shouhou.callbacks.services import settings_for as callback_settings
    from shouhou.complaints.models import Case
    from shouhou.org import roles as r
    from shouhou.org.models import User
    from shouhou.workorders import config, states
    from shouhou.workorders import deadlines as dl
    from shouhou.workorders.models import MissedService, WorkOrder
    from shouhou.workorders.services import calendar

    cal = calendar(organisation)
    policy = config.choose_policy(organisation=organisation)
    specs = config.target_specs(policy)
    wo_cfg = config.ensure_defaults(organisation)
    cb_cfg = callback_settings(organisation)
    window = cb_cfg.after_service_working_days
    safety_from = cal.add_working_days(timezone.localtime(now).date(), -window) if window else None
    caller = (
        User.objects.filter(organisation=organisation, groups__name=r.CALL_CENTRE)
        .order_by("pk")
        .first()
    )
    start, end = figures.month_bounds(month)
    days = (end - start).days
    orders, facts, n = [], [], 0
    for tech in techs:
        p_contact, p_onsite, p_missed, p_unhappy, p_five, weight = PROFILES[profiles[tech.pk]]
        for _ in range(rng.randint(15, 40)):
            n += 1
            customer = customers[rng.randrange(len(customers))]
            for _try in range(8):
                received = start + dt.timedelta(
                    days=rng.randrange(days), hours=rng.randint(8, 17), minutes=rng.randrange(60)
                )
                dispatched = received + dt.timedelta(minutes=rng.randint(10, 90))
                due = dl.due_times(cal, specs, dl.Anchors(received, dispatched), [])
                contact_due = due[dl.CONTACT] or dispatched + dt.timedelta(hours=24)
                onsite_due = due[dl.ONSITE] or contact_due + dt.timedelta(hours=48)
                late_contact = rng.random() < p_contact * factor
                missed = rng.random() < p_missed * factor
                late_onsite = missed or rng.random() < p_onsite * factor
                if late_contact:
                    contacted = contact_due + dt.timedelta(minutes=rng.randint(30, 600))
                else:
                    first_due = min(contact_due, onsite_due)
                    span = min(3 * 3600, (first_due - dispatched).total_seconds() / 2)
                    contacted = dispatched + dt.timedelta(seconds=rng.uniform(300, max(span, 600)))
                if late_onsite:
                    arrived = max(onsite_due, contacted) + dt.timedelta(
                        minutes=rng.randint(40, 1500)
                    )
                else:
                    arrived = onsite_due - dt.timedelta(minutes=rng.randint(30, 360))
                arrived = max(arrived, contacted + dt.timedelta(minutes=30))
                late_onsite = arrived > onsite_due
                completed = arrived + dt.timedelta(minutes=rng.randint(40, 180))
                if completed < end and completed < now:
                    break
            else:  # pragma: no cover - the last days of a month: visit on the last day
                arrived = min(end, now) - dt.timedelta(hours=3)
                completed = arrived + dt.timedelta(hours=1)
                contacted = min(contacted, arrived - dt.timedelta(hours=1))
                late_contact, late_onsite = contacted > contact_due, arrived > onsite_due
            address = customer.default_address
            completed_day = timezone.localtime(completed).date()
            orders.append(
                WorkOrder(
                    organisation=organisation,
                    number=f"{PREFIX}{month:%Y%m}-{n}",
                    kind=(kind := rng.choice(("installation", "repair", "repair"))),
                    source="hotline",
                    status=states.CLOSED,
                    customer=customer,
                    contact_phone=customer.mobile,
                    district=getattr(address, "district", "") or "",
                    address=str(address) if address else "",
                    store=customer.store,
                    merchant=customer.merchant,
                    description=rng.choice(FAULTS[kind]),
                    policy=policy,
                    technician=tech,
                    dispatch_seq=1,
                    received_at=received,
                    reported_at=received,
                    dispatched_at=dispatched,
                    contact_due_at=contact_due,
                    onsite_due_at=onsite_due,
                    reply_due_at=due[dl.REPLY],
                    fixed_due_at=due[dl.FIXED],
                    contacted_at=contacted,
                    replied_at=contacted,
                    arrived_at=arrived,
                    completed_at=completed,
                    confirmed_at=completed + dt.timedelta(minutes=10),
                    closed_at=completed + dt.timedelta(minutes=20),
                    last_news_at=completed,
                    contact_overdue=late_contact,
                    onsite_overdue=late_onsite,
                    missed_service=missed,
                    # the callback job's safety net must not make tasks for demo history
                    no_callback=bool(safety_from and completed_day >= safety_from),
                )
            )
            facts.append((missed, rng.random() < 0.85, p_unhappy, p_five, weight, late_onsite))
    WorkOrder.all_objects.bulk_create(orders, batch_size=500)
    # bulk_create sets the ids on SQLite and PostgreSQL; read them back by number to be safe
    ids = dict(
        WorkOrder.all_objects.filter(
            organisation=organisation, number__startswith=f"{PREFIX}{month:%Y%m}-"
        ).values_list("number", "pk")
    )
    for order in orders:
        order.pk = order.id = ids[order.number]
    WorkOrder.all_objects.filter(pk__in=ids.values()).update(created_at=F("received_at"))

    missed_rows, records, candidates = [], [], []
    for order, (missed, rated, p_unhappy, p_five, weight, late_onsite) in zip(
        orders, facts, strict=True
    ):
        if missed:
            missed_rows.append(
                MissedService(
                    organisation=organisation,
                    order=order,
                    technician=order.technician,
                    reason=MissedService.Reason.NO_SHOW,
                    cycle=1,
                    detected_at=order.onsite_due_at + dt.timedelta(minutes=30),
                    deduction=wo_cfg.missed_service_deduction,
                    note="演示：未按约定时间上门",
                )
            )
        if rated:
            if rng.random() < p_unhappy * (1.5 if late_onsite else 1):
                satisfaction = rng.choice((3, 3, 2, 1))
            else:
                satisfaction = 5 if rng.random() < p_five else 4
            called = min(
                order.completed_at + dt.timedelta(days=rng.randint(1, 3), hours=rng.randint(0, 4)),
                max(now - dt.timedelta(hours=1), order.completed_at + dt.timedelta(minutes=30)),
            )
            records.append(
                CallbackRecord(
                    organisation=organisation,
                    customer=order.customer,
                    work_order=order,
                    technician=order.technician,
                    store=order.store,
                    channel=CallbackRecord.Channel.PHONE
                    if caller
                    else CallbackRecord.Channel.SELF_FEEDBACK,
                    called_at=called,
                    caller=caller,
                    satisfaction=satisfaction,
                    technician_came=True,
                    on_time=not late_onsite,
                    problem_solved=satisfaction >= 3,
                    comment="" if satisfaction >= 4 else "师傅态度一般，安装后未清理现场",
                )
            )
        candidates.extend([order] * weight)
    MissedService.all_objects.bulk_create(missed_rows)
    CallbackRecord.all_objects.bulk_create(records, batch_size=500)
    CallbackRecord.all_objects.filter(
        organisation=organisation, work_order_id__in=ids.values()
    ).update(created_at=F("called_at"))

    # one or two complaints, more likely about the weaker technicians' orders; the first is
    # the service's fault, a second one the customer's own (a candidate for an exclusion)
    cases, seen = [], set()
    for k in range(complaints):
        order = rng.choice([o for o in candidates if o.pk not in seen])
        seen.add(order.pk)
        opened = max(
            min(order.completed_at + dt.timedelta(days=1, hours=2), now - dt.timedelta(hours=1)),
            order.completed_at + dt.timedelta(minutes=30),
        )
        cases.append(
            Case(
                organisation=organisation,
                number=f"{PREFIX}{month:%Y%m}-C{k + 1}",
                kind="complaint",
                status="done",
                customer=order.customer,
                store=order.store,
                work_order=order,
                description="顾客投诉：安装后漏水，上门师傅未试水就离开。",
                demand="重新安装并道歉",
                responsibility="workmanship" if k == 0 else "customer",
                findings="现场复查属实" if k == 0 else "顾客自行改动管路所致",
                resolution="重新上门安装，向顾客致歉",
                submitted_at=opened,
                closed_at=min(opened + dt.timedelta(days=2), now),
            )
        )
    Case.all_objects.bulk_create(cases)
    Case.all_objects.filter(
        organisation=organisation, number__startswith=f"{PREFIX}{month:%Y%m}-C"
    ).update(created_at=F("submitted_at"))
    return len(orders)
