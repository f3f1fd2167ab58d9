"""Reads of deliveries, limited to what the user may see.

Office roles and the workshop see the organisation's deliveries; a delivery crew member sees
only the runs they lead; a merchant administrator sees its merchant's contracts' deliveries.
"""

from __future__ import annotations

import datetime as dt

from django.db.models import Q
from django.utils import timezone

from shouhou.core.errors import NotFoundError, PermissionDeniedError
from shouhou.org import roles as r
from shouhou.sales.models import Contract

from .models import Delivery, DeliveryTask, WorkshopRequest

S = Delivery.Status
READER_ROLES = tuple(
    sorted(r.OFFICE_ROLES | {r.MERCHANT_ADMIN, r.DELIVERY_CREW, r.WAREHOUSE_KEEPER})
)


def delivery_visible_qs(*, user):
    org_id = getattr(user, "organisation_id", None)
    qs = Delivery.objects.filter(organisation_id=org_id).select_related(
        "contract", "customer", "crew"
    )
    if not org_id or not r.has_role(user, *READER_ROLES):
        return qs.none()
    if r.has_role(user, *r.OFFICE_ROLES, r.WAREHOUSE_KEEPER):
        return qs
    if r.has_role(user, r.MERCHANT_ADMIN):
        return qs.filter(contract__merchant_id=user.merchant_id) if user.merchant_id else qs.none()
    return qs.filter(crew__user_id=user.pk)


def can_read(user) -> bool:
    return r.has_role(user, *READER_ROLES)


def delivery_list(*, user, day=None, date_from=None, date_to=None, status=None, crew=None):
    if not can_read(user):
        raise PermissionDeniedError()
    qs = delivery_visible_qs(user=user)
    if day is not None:
        qs = qs.filter(scheduled_date=day)
    if date_from is not None:
        qs = qs.filter(scheduled_date__gte=date_from)
    if date_to is not None:
        qs = qs.filter(scheduled_date__lte=date_to)
    if status:
        qs = qs.filter(status=status)
    if crew:
        qs = qs.filter(crew_id=crew)
    return qs.order_by("scheduled_date", "crew__name", "id")


def delivery_get(*, user, pk) -> Delivery:
    row = delivery_visible_qs(user=user).filter(pk=pk).first() if str(pk).isdigit() else None
    if row is None:
        raise NotFoundError()
    return row


def day_by_crew(*, user, day: dt.date) -> list[tuple]:
    """[(crew or None, [deliveries])] for the calendar's day view."""
    groups: dict = {}
    for d in delivery_list(user=user, day=day).exclude(status=S.CANCELLED):
        groups.setdefault(d.crew, []).append(d)
    return sorted(groups.items(), key=lambda kv: (kv[0] is None, kv[0].name if kv[0] else ""))


def my_runs(*, user, day: dt.date | None = None):
    day = day or timezone.localdate()
    return (
        Delivery.objects.filter(
            organisation_id=user.organisation_id, crew__user_id=user.pk, scheduled_date=day
        )
        .exclude(status=S.CANCELLED)
        .select_related("contract", "customer")
        .order_by("id")
    )


def workshop_queue(*, user):
    if not r.has_role(user, r.WORKSHOP_SUPERVISOR, r.CS_SUPERVISOR, r.CS_MANAGER):
        raise PermissionDeniedError()
    return (
        WorkshopRequest.objects.filter(organisation_id=user.organisation_id)
        .exclude(status=WorkshopRequest.Status.ACCEPTED)
        .exclude(delivery__status=S.CANCELLED)
        .select_related("delivery", "delivery__customer", "delivery__contract")
        .order_by("due_on", "id")
    )


def task_list(*, user, open_only: bool = True, overdue_on: dt.date | None = None):
    """The delivery tasks the user works on, by due day; `overdue_on`: only the open ones due
    before that day."""
    qs = DeliveryTask.objects.filter(organisation_id=user.organisation_id).select_related(
        "delivery", "delivery__customer", "delivery__contract"
    )
    if not r.has_role(user, r.CS_SUPERVISOR, r.CS_MANAGER):
        qs = qs.filter(Q(role__in=r.user_roles(user)) | Q(assigned_to=user))
        if r.has_role(user, r.DELIVERY_CREW):
            qs = qs.filter(Q(assigned_to=user) | ~Q(kind=DeliveryTask.Kind.DAY_BEFORE))
    if open_only:
        qs = qs.filter(status=DeliveryTask.Status.OPEN)
    if overdue_on is not None:
        qs = qs.filter(status=DeliveryTask.Status.OPEN, due_on__lt=overdue_on)
    return qs.order_by("due_on", "id")


def storage_over_limit(*, user, today: dt.date | None = None):
    """Deliveries whose goods passed (or will pass) the transit storage limit."""
    from django.db.models import F

    today = today or timezone.localdate()
    return (
        delivery_list(user=user)
        .filter(status__in=(S.SCHEDULED, S.RECONFIRMED, S.WORKSHOP_DONE, S.LOADED))
        .filter(Q(storage_limit_on__lt=today) | Q(scheduled_date__gt=F("storage_limit_on")))
    )


def contracts_to_schedule(*, user, limit: int = 50):
    """Confirmed contracts of the organisation with no delivery yet (soonest agreed date first)."""

    return (
        Contract.objects.filter(
            organisation_id=user.organisation_id, status=Contract.Status.CONFIRMED
        )
        .exclude(deliveries__status__in=[s for s in S.values if s != S.CANCELLED])
        .select_related("customer")
        .order_by("delivery_date", "id")[:limit]
    )


def dashboard_cards(*, user) -> list[dict]:
    from django.urls import reverse
    from django.utils.translation import gettext as _

    if (
        not can_read(user)
        or r.has_role(user, r.DELIVERY_CREW)
        and not r.has_role(user, *r.OFFICE_ROLES)
    ):
        return []
    today = timezone.localdate()
    n_today = delivery_list(user=user, day=today).exclude(status=S.CANCELLED).count()
    n_tasks = task_list(user=user).count()
    return [
        {
            "label": _("Deliveries today"),
            "value": n_today,
            "url": reverse("delivery:calendar"),
            "alert": False,
        },
        {
            "label": _("Open delivery tasks"),
            "value": n_tasks,
            "url": reverse("delivery:tasks"),
            "alert": n_tasks > 0,
        },
    ]
