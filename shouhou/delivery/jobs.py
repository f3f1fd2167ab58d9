"""The daily delivery job: one query per rule, tasks created with ignore_conflicts on a unique
key, so running it twice (or every hour) raises each task once.

Rules (seed 003):
- re-confirmation due: a delivery whose `reconfirm_due_on` has come and is not re-confirmed
  -> task for the customer-service supervisor (key reconfirm:<id>:<date>);
- the day before: a delivery within the organisation's `crew_confirm_lead_days` (default 1:
  tomorrow, or today) not yet confirmed with the customer -> task for the crew, due that many
  days before the delivery (key day_before:<id>:<date>); one query per distinct setting value;
- transit storage limit passed (or a date after it) -> task for the salesperson, who tells the
  customer (key storage:<id>);
- workshop work late: requests not accepted whose due date has passed, or whose delivery is
  tomorrow or earlier -> task for the workshop supervisor (key workshop:<id>:<date>).
"""

from __future__ import annotations

import datetime as dt

from django.db.models import F, Q
from django.utils import timezone

from shouhou.org import roles as r

from .models import Delivery, DeliverySettings, DeliveryTask, WorkshopRequest

S = Delivery.Status
BEFORE_WORKSHOP = (S.SCHEDULED, S.RECONFIRMED)
ACTIVE = (S.SCHEDULED, S.RECONFIRMED, S.WORKSHOP_DONE, S.LOADED, S.OUT)


def _local_date(now) -> dt.date:
    return timezone.localdate(now) if timezone.is_aware(now) else now.date()


def _create(rows: list[DeliveryTask]) -> int:
    """Insert, skipping keys that exist; returns how many rows are new."""
    if not rows:
        return 0
    keys = [t.key for t in rows]
    before = DeliveryTask.all_objects.filter(key__in=keys).count()
    DeliveryTask.all_objects.bulk_create(rows, ignore_conflicts=True, batch_size=1000)
    return DeliveryTask.all_objects.filter(key__in=keys).count() - before


def _by_crew_lead():
    """(lead days, organisation ids or None for "every other", ids to exclude) per distinct
    `crew_confirm_lead_days`: the default covers every organisation not set otherwise."""
    default = DeliverySettings._meta.get_field("crew_confirm_lead_days").default
    custom: dict[int, list[int]] = {}
    for org, lead in DeliverySettings.objects.exclude(crew_confirm_lead_days=default).values_list(
        "organisation_id", "crew_confirm_lead_days"
    ):
        custom.setdefault(lead, []).append(org)
    others = [org for orgs in custom.values() for org in orgs]
    yield default, None, others
    for lead, orgs in sorted(custom.items()):
        yield lead, orgs, []


def daily(now) -> dict:
    today = _local_date(now)
    tomorrow = today + dt.timedelta(days=1)
    task = DeliveryTask.Kind

    reconfirm = [
        DeliveryTask(
            organisation_id=org,
            delivery_id=pk,
            kind=task.RECONFIRM,
            role=r.CS_SUPERVISOR,
            due_on=due,
            key=f"reconfirm:{pk}:{day.isoformat()}",
        )  # fmt: skip
        for pk, org, due, day in Delivery.all_objects.filter(
            status=S.SCHEDULED, reconfirm_due_on__lte=today, scheduled_date__gte=today
        ).values_list("pk", "organisation_id", "reconfirm_due_on", "scheduled_date")
    ]

    day_before = []
    for lead, orgs, others in _by_crew_lead():
        rows = Delivery.all_objects.filter(
            status__in=ACTIVE[:-1],
            scheduled_date__gte=today,
            scheduled_date__lte=today + dt.timedelta(days=lead),
            customer_confirmed_at__isnull=True,
        )
        rows = rows.filter(organisation_id__in=orgs) if orgs is not None else rows
        rows = rows.exclude(organisation_id__in=others) if others else rows
        day_before += [
            DeliveryTask(
                organisation_id=org,
                delivery_id=pk,
                kind=task.DAY_BEFORE,
                role=r.DELIVERY_CREW,
                assigned_to_id=crew_user,
                due_on=day - dt.timedelta(days=lead),
                key=f"day_before:{pk}:{day.isoformat()}",
            )  # fmt: skip
            for pk, org, day, crew_user in rows.values_list(
                "pk", "organisation_id", "scheduled_date", "crew__user_id"
            )
        ]

    storage = [
        DeliveryTask(
            organisation_id=org,
            delivery_id=pk,
            kind=task.STORAGE_LIMIT,
            role=r.SALES,
            assigned_to_id=salesperson,
            due_on=today,
            key=f"storage:{pk}",
        )  # fmt: skip
        for pk, org, salesperson in Delivery.all_objects.filter(status__in=ACTIVE[:-1])
        .filter(Q(storage_limit_on__lt=today) | Q(scheduled_date__gt=F("storage_limit_on")))
        .values_list("pk", "organisation_id", "contract__salesperson_id")
    ]

    late = {
        (pk, org, due)
        for pk, org, due in WorkshopRequest.all_objects.filter(delivery__status__in=BEFORE_WORKSHOP)
        .exclude(status=WorkshopRequest.Status.ACCEPTED)
        .filter(Q(due_on__lt=today) | Q(delivery__scheduled_date__lte=tomorrow))
        .values_list("delivery_id", "organisation_id", "delivery__scheduled_date")
    }
    workshop = [
        DeliveryTask(
            organisation_id=org,
            delivery_id=pk,
            kind=task.WORKSHOP_LATE,
            role=r.WORKSHOP_SUPERVISOR,
            due_on=today,
            key=f"workshop:{pk}:{day.isoformat()}",
        )  # fmt: skip
        for pk, org, day in sorted(late)
    ]

    return {
        "reconfirm": _create(reconfirm),
        "day_before": _create(day_before),
        "storage_limit": _create(storage),
        "workshop_late": _create(workshop),
    }
