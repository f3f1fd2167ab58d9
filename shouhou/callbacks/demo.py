"""Demo callbacks (after customers, sales and work orders): the settings of every organisation,
and for each organisation's call-centre agent (the market's "callcentre") a list for today —
some calls overdue, some due today, after services, after deliveries, after an appointment and
one holiday greeting — plus a few unassigned tasks to take. Idempotent, and
no duplicate of what the jobs write: a task the jobs or events also write (after service, after
an appointment, greetings) has their source key; only tasks no job writes (a contract's
delivery calls, the pool) have a `demo:` key."""

from __future__ import annotations

from django.db.models import Q
from django.utils import timezone

from shouhou.org import roles as r

from . import schedule, services
from .models import CallbackTask

K = CallbackTask.Kind


def _agent(ctx, organisation):
    """The organisation's call-centre user ("callcentre" in the market), else a clerk."""
    users = [
        u
        for u in (getattr(ctx, "users", None) or {}).values()
        if u.organisation_id == organisation.pk and u.is_active
    ]
    named = [u for u in users if u.username == "callcentre"]
    for group in (named, [u for u in users if r.has_role(u, r.CALL_CENTRE)]):
        if group:
            return group[0]
    return next((u for u in users if r.has_role(u, r.CLERK)), None)


def _task(organisation, *, key, customer, kind, due_on, assigned_to, occasion="", **kw):
    task = services.callback_task_create(
        organisation=organisation,
        customer=customer,
        kind=kind,
        due_on=due_on,
        occasion=occasion,
        source_key=key,
        **kw,
    )
    if task.assigned_to_id is None and assigned_to is not None and task.status == "open":
        CallbackTask.all_objects.filter(pk=task.pk, assigned_to__isnull=True).update(
            assigned_to=assigned_to
        )
    return task


def seed(ctx) -> None:
    from shouhou.sales.models import Contract
    from shouhou.workdays.services import calendar_for
    from shouhou.workorders import states
    from shouhou.workorders.models import WorkOrder

    today = getattr(ctx, "today", None) or timezone.localdate()
    for code, organisation in (getattr(ctx, "orgs", None) or {}).items():
        cfg = services.settings_for(organisation)
        agent = _agent(ctx, organisation)
        customers = list((getattr(ctx, "customers", None) or {}).get(code, []))
        if agent is None or not customers:
            continue
        cal = calendar_for(organisation)
        overdue = cal.add_working_days(today, -2)
        # After services: the completed demo orders, two of them overdue.
        done = WorkOrder.all_objects.filter(
            organisation=organisation,
            status__in=(states.DONE, states.CONFIRMED, states.CLOSED),
            customer__isnull=False,
        ).order_by("pk")
        for i, order in enumerate(done[:3]):
            # The job's own key (`workorder:<id>:service:<dispatch no.>`, as completing the
            # order and the daily safety net write it): if completing the order already wrote
            # the task, or the next job run looks for it, it is this one, never a second.
            _task(
                organisation,
                key=services.after_service_source_key(order),
                customer=order.customer,
                work_order=order,
                kind=K.AFTER_SERVICE,
                due_on=overdue if i < 2 else today,
                occasion=f"{cfg.after_service_working_days}d",
                assigned_to=agent,
            )
        # After an appointment (the re-issued order first in the list).
        appointed = WorkOrder.all_objects.filter(
            Q(status=states.APPOINTED) | Q(is_reissued=True),
            organisation=organisation,
            customer__isnull=False,
        ).order_by("-is_reissued", "pk")
        for order in appointed[:2]:
            _task(
                organisation,
                # The work-order sweep's key for this appointment.
                key=f"workorder:{order.pk}:appointment:{order.appointment_seq}",
                customer=order.customer,
                work_order=order,
                kind=K.AFTER_APPOINTMENT,
                due_on=today,
                assigned_to=agent,
            )
        # After deliveries: customers whose contracts were delivered.
        delivered = Contract.all_objects.filter(
            organisation=organisation, status=Contract.Status.DELIVERED
        ).order_by("-delivered_on", "pk")
        for i, contract in enumerate(delivered[:3]):
            occasion = ("3d", "1m", "3m")[i]
            _task(
                organisation,
                key=f"demo:delivery:{contract.pk}:{occasion}",
                customer=contract.customer,
                kind=K.AFTER_DELIVERY,
                due_on=overdue if i == 0 else today,
                occasion=occasion,
                # Unassigned: one for the agent to take from the pool.
                assigned_to=agent if i < 2 else None,
            )
        # One greeting: the next configured holiday the calendar knows, else the nearest
        # birthday of a member; to send from today.
        _greeting(organisation, cfg, cal, customers, today, agent)
        # Two more in the unassigned pool.
        for customer in customers[-2:]:
            _task(
                organisation,
                key=f"demo:pool:{customer.pk}",
                customer=customer,
                kind=K.AFTER_SERVICE,
                due_on=today,
                occasion=f"{cfg.after_service_working_days}d",
                assigned_to=None,
            )


def _greeting(organisation, cfg, cal, customers, today, agent) -> None:
    members = [c for c in customers if c.is_member and c.mobile] or customers
    upcoming = schedule.greetings_due(today, 366, cfg.holiday_names(), cal)
    if upcoming:
        holiday, dates = upcoming[0]
        customer = members[0]
        key = f"greeting:{holiday.name}:{holiday.date.isoformat()}:{customer.pk}"
        kind, due_on, occasion = K.HOLIDAY_GREETING, dates.due_on, holiday.name
    else:
        born = [c for c in members if c.birthday] or [c for c in customers if c.birthday]
        if not born:
            return

        def next_birthday(c):
            day = schedule.birthday_in(today.year, c.birthday)
            return day if day >= today else schedule.birthday_in(today.year + 1, c.birthday)

        customer = min(born, key=lambda c: (next_birthday(c), c.pk))
        due_on = next_birthday(customer)
        key = f"birthday:{due_on.year}:{customer.pk}"
        kind, occasion = K.BIRTHDAY_GREETING, "birthday"
    _task(
        organisation,
        key=key,
        customer=customer,
        kind=kind,
        due_on=due_on,
        available_on=today,
        occasion=occasion,
        assigned_to=agent,
    )
