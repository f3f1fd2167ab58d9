"""Every read of the front desk: the log, the caller lookup, the handover book's carry-over,
reservations, the returns register, the summaries and the language report."""

from __future__ import annotations

import datetime as dt
from collections import Counter

from django.db.models import Count, Q
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from shouhou.complaints import states as cs
from shouhou.complaints.models import Case
from shouhou.core.errors import NotFoundError, ValidationFailed
from shouhou.core.phones import normalise_phone
from shouhou.customers.selectors import customer_find_by_phone
from shouhou.lostfound import selectors as lost
from shouhou.org import roles as r
from shouhou.org.models import Store
from shouhou.workorders import states as ws
from shouhou.workorders.models import WorkOrder

from .models import (
    Contact,
    ContactKind,
    ContactStatus,
    DeskReturn,
    FrontdeskSettings,
    Handover,
    LanguageWarning,
    Reservation,
    ReservationStatus,
    ReturnStatus,
)

READ_ROLES = r.OFFICE_ROLES


def can_read(user) -> bool:
    return r.has_role(user, *READ_ROLES) and bool(getattr(user, "organisation_id", None))


def _org(user):
    if not can_read(user):
        return None
    return user.organisation_id


def empty(model):
    """No rows of `model` (a viewset's queryset, for the OpenAPI schema only)."""
    return model.objects.none()


def org_object(*, user, model, pk):
    """The object of `model` with this id in the user's organisation, or None."""
    org = _org(user)
    if not org or pk is None:
        return None
    return model.objects.filter(pk=pk, organisation_id=org).first()


def store_choices(*, user):
    return Store.objects.filter(organisation_id=user.organisation_id, is_active=True)


def case_by_number(*, user, number: str):
    org = _org(user)
    return Case.objects.filter(organisation_id=org, number=number).first() if org else None


# Contacts ------------------------------------------------------------------------------------


def contact_list(*, user, status=None, kind=None, channel=None, q: str = ""):
    org = _org(user)
    qs = Contact.objects.filter(organisation_id=org) if org else Contact.objects.none()
    if status:
        qs = qs.filter(status=status)
    if kind:
        qs = qs.filter(kind=kind)
    if channel:
        qs = qs.filter(channel=channel)
    q = (q or "").strip()
    if q:
        qs = qs.filter(Q(phone__contains=q) | Q(caller_name__contains=q) | Q(subject__contains=q))
    return qs.select_related("store", "customer", "taken_by", "work_order", "case").order_by(
        "-received_at", "-id"
    )


def contact_get(*, user, pk) -> Contact:
    org = _org(user)
    obj = (
        Contact.objects.filter(organisation_id=org, pk=pk)
        .select_related(
            "store", "customer", "taken_by", "answered_by", "work_order", "case", "parent"
        )
        .first()
        if org
        else None
    )
    if obj is None:
        raise NotFoundError()
    return obj


def open_matters(*, user, phone: str = "", customer=None, days: int | None = None):
    """The caller's contacts still open (or about an open order or case), to join a new one to."""
    org = _org(user)
    if not org or not (phone or customer):
        return Contact.objects.none()
    if phone:
        try:
            phone = normalise_phone(phone)
        except ValueError:
            phone = ""
        if not phone and customer is None:
            return Contact.objects.none()
    days = days if days is not None else FrontdeskSettings.for_org(org).repeat_window_days
    since = timezone.now() - dt.timedelta(days=days)
    who = Q(phone=phone) if phone else Q()
    if customer is not None:
        who |= Q(customer=customer)
    open_ = (
        Q(work_order__status__in=ws.UNRESOLVED_STATES)
        | Q(case__status__in=cs.OPEN_STATES)
        | Q(
            work_order__isnull=True,
            case__isnull=True,
            status__in=[ContactStatus.OPEN, ContactStatus.FOLLOW_UP],
        )
    )
    return (
        Contact.objects.filter(who, open_, organisation_id=org, parent__isnull=True)
        .filter(received_at__gte=since)
        .select_related("work_order", "case")
        .order_by("-received_at", "-id")[:10]
    )


def caller_lookup(*, user, phone: str) -> dict:
    """What the desk needs when a number rings: the customer, their open orders, complaints,
    reservations and last contacts (a fixed number of queries whatever the history)."""
    org = _org(user)
    if not org:
        raise NotFoundError()
    try:
        number = normalise_phone(phone or "")
    except ValueError as exc:
        raise ValidationFailed(fields={"phone": [str(exc)]}) from exc
    cfg = FrontdeskSettings.for_org(org)
    customer = customer_find_by_phone(user=user, phone=number)
    contacts_q = Q(phone=number)
    orders = complaints = reservations = []
    if customer is not None:
        contacts_q |= Q(customer=customer)
        orders = list(
            WorkOrder.objects.filter(
                organisation_id=org, customer=customer, status__in=ws.UNRESOLVED_STATES
            ).order_by("-received_at")[:20]
        )
        complaints = list(
            Case.objects.filter(
                organisation_id=org, customer=customer, status__in=cs.OPEN_STATES
            ).order_by("-created_at")[:20]
        )
        reservations = list(
            Reservation.objects.filter(
                organisation_id=org,
                customer=customer,
                status__in=[
                    ReservationStatus.ORDERED,
                    ReservationStatus.ARRIVED,
                    ReservationStatus.TOLD,
                ],
            )
            .select_related("customer", "product")
            .order_by("promised_on")[:20]
        )
    contacts = list(
        Contact.objects.filter(contacts_q, organisation_id=org)
        .select_related("taken_by")
        .order_by("-received_at", "-id")[: cfg.lookup_recent_contacts]
    )
    return {
        "phone": number,
        "customer": customer,
        "orders": orders,
        "complaints": complaints,
        "reservations": reservations,
        "contacts": contacts,
    }


# Handover book -------------------------------------------------------------------------------


def handover_list(*, user, store=None):
    org = _org(user)
    qs = Handover.objects.filter(organisation_id=org) if org else Handover.objects.none()
    if store is not None:
        qs = qs.filter(store=store)
    return qs.select_related("store", "outgoing", "incoming").order_by("-day", "-shift", "-id")


def handover_get(*, user, pk) -> Handover:
    obj = handover_list(user=user).filter(pk=pk).first()
    if obj is None:
        raise NotFoundError()
    return obj


def _url(name, pk) -> str:
    return reverse(name, args=[pk])


def carry_unanswered(*, organisation, store, now) -> dict:
    rows = Contact.objects.filter(
        organisation=organisation, store=store, status=ContactStatus.OPEN
    ).order_by("received_at")[:50]
    return {
        "key": "unanswered",
        "label": gettext_lazy("Contacts not answered yet"),
        "items": [
            {
                "text": f"{timezone.localtime(c.received_at):%m-%d %H:%M} "
                f"{c.caller_name or c.phone}: {c.subject[:60]}",
                "url": _url("frontdesk:contact_detail", c.pk),
            }
            for c in rows
        ],
    }


def carry_lost_items(*, organisation, store, now) -> dict:
    """Lost property (seed 004 三.2–3): yesterday's items to take back from security to the desk,
    and today's items not yet on an end-of-day list."""
    today = timezone.localtime(now).date()
    move, unlisted_label = _("to take back to the desk"), _("not on an end-of-day list yet")
    to_move = list(lost.items_to_move(store=store, on_date=today)[:50])
    unlisted = list(lost.items_unlisted_today(store=store, on_date=today)[:50])
    return {
        "key": "lost_items",
        "label": gettext_lazy("Lost property to move or to list"),
        "items": [
            {
                "text": f"{move}: {i.number} {i.description[:60]}",
                "url": _url("lostfound:detail", i.pk),
            }
            for i in to_move
        ]
        + [
            {
                "text": f"{unlisted_label}: {i.number} {i.description[:60]}",
                "url": _url("lostfound:detail", i.pk),
            }
            for i in unlisted
        ],
    }


def carry_follow_ups(*, organisation, store, now) -> dict:
    rows = Contact.objects.filter(
        organisation=organisation, store=store, status=ContactStatus.FOLLOW_UP
    ).order_by("follow_up_due_at")[:50]
    return {
        "key": "follow_ups",
        "label": gettext_lazy("Follow-ups due"),
        "items": [
            {
                "text": _("due %(due)s")
                % {"due": f"{timezone.localtime(c.follow_up_due_at):%m-%d %H:%M}"}
                + f" {c.caller_name or c.phone}: {c.follow_up_note[:60]}",
                "url": _url("frontdesk:contact_detail", c.pk),
            }
            for c in rows
        ],
    }


def carry_reservations(*, organisation, store, now) -> dict:
    today = timezone.localtime(now).date()
    rows = (
        Reservation.objects.filter(organisation=organisation, store=store)
        .filter(
            Q(status=ReservationStatus.ARRIVED)
            | Q(status=ReservationStatus.ORDERED, promised_on__lte=today)
        )
        .select_related("customer", "product")
        .order_by("promised_on")[:50]
    )
    return {
        "key": "reservations",
        "label": gettext_lazy("Reservations to confirm"),
        "items": [
            {
                "text": f"{x.number} {x.customer.name} {x.goods} · {x.get_status_display()}",
                "url": _url("frontdesk:reservation_detail", x.pk),
            }
            for x in rows
        ],
    }


def carry_complaints(*, organisation, store, now) -> dict:
    rows = (
        Case.objects.filter(organisation=organisation, store=store, status__in=cs.OPEN_STATES)
        .select_related("customer")
        .order_by("created_at")[:50]
    )
    return {
        "key": "complaints",
        "label": gettext_lazy("Complaints, returns and exchanges in progress"),
        "items": [
            {
                "text": f"{c.number} {c.customer.name} · {c.get_status_display()}",
                "url": reverse("complaints:detail", args=[c.pk]),
            }
            for c in rows
        ],
    }


def carry_returns(*, organisation, store, now) -> dict:
    rows = DeskReturn.objects.filter(
        organisation=organisation, store=store, status=ReturnStatus.HELD
    ).order_by("received_at")[:50]
    return {
        "key": "desk_returns",
        "label": gettext_lazy("Goods taken back, still at the desk"),
        "items": [
            {
                "text": f"{x.item} · {x.stored_at}",
                "url": _url("frontdesk:return_detail", x.pk),
            }
            for x in rows
        ],
    }


# Reservations and returns --------------------------------------------------------------------


def reservation_list(*, user, status=None, overdue: bool = False):
    org = _org(user)
    qs = Reservation.objects.filter(organisation_id=org) if org else Reservation.objects.none()
    if status:
        qs = qs.filter(status=status)
    if overdue:
        qs = qs.filter(status=ReservationStatus.ORDERED, promised_on__lt=timezone.localdate())
    return qs.select_related("customer", "product", "store").order_by("-created_at", "-id")


def reservation_get(*, user, pk) -> Reservation:
    obj = reservation_list(user=user).filter(pk=pk).first()
    if obj is None:
        raise NotFoundError()
    return obj


def desk_return_list(*, user, status=None):
    org = _org(user)
    qs = DeskReturn.objects.filter(organisation_id=org) if org else DeskReturn.objects.none()
    if status:
        qs = qs.filter(status=status)
    return qs.select_related("customer", "store", "case", "received_by").order_by(
        "-received_at", "-id"
    )


def desk_return_get(*, user, pk) -> DeskReturn:
    obj = desk_return_list(user=user).filter(pk=pk).first()
    if obj is None:
        raise NotFoundError()
    return obj


# Summaries -----------------------------------------------------------------------------------


def _day_bounds(day: dt.date) -> tuple[dt.datetime, dt.datetime]:
    tz = timezone.get_current_timezone()
    start = dt.datetime.combine(day, dt.time.min, tzinfo=tz)
    return start, start + dt.timedelta(days=1)


def daily_summary(*, organisation, day: dt.date) -> dict:
    """The desk's day (2.3.2): contacts, complaints, returns and exchanges, reservations."""
    org = getattr(organisation, "pk", organisation)
    a, b = _day_bounds(day)
    contacts = Contact.objects.filter(organisation_id=org, received_at__gte=a, received_at__lt=b)
    by_kind = dict(contacts.values_list("kind").annotate(n=Count("id")))
    kinds = [
        {"kind": str(label), "count": by_kind.get(value, 0)} for value, label in ContactKind.choices
    ]
    cases = list(
        Case.objects.filter(organisation_id=org, created_at__gte=a, created_at__lt=b)
        .select_related("customer", "cause")
        .order_by("created_at")
    )
    complaints = [c for c in cases if c.kind == cs.COMPLAINT]
    case_returns = [c for c in cases if c.kind != cs.COMPLAINT]
    taken_back = list(
        DeskReturn.objects.filter(organisation_id=org, received_at__gte=a, received_at__lt=b)
        .select_related("customer")
        .order_by("received_at")
    )
    res = Reservation.objects.filter(organisation_id=org)
    reservations = {
        "taken": list(
            res.filter(created_at__gte=a, created_at__lt=b).select_related("customer", "product")
        ),
        "arrived": res.filter(arrived_at__gte=a, arrived_at__lt=b).count(),
        "collected": res.filter(collected_at__gte=a, collected_at__lt=b).count(),
        "cancelled": res.filter(cancelled_at__gte=a, cancelled_at__lt=b).count(),
        "overdue": res.filter(status=ReservationStatus.ORDERED, promised_on__lt=day).count(),
    }
    return {
        "day": day,
        "contacts": {
            "total": sum(by_kind.values()),
            "by_kind": kinds,
            "repeats": contacts.filter(joined_existing=True).count(),
            "not_answered": contacts.exclude(status=ContactStatus.ANSWERED).count(),
        },
        "complaints": [
            {
                "number": c.number,
                "customer": c.customer.name,
                "description": c.description,
                "status": str(c.get_status_display()),
            }
            for c in complaints
        ],
        "returns": [
            {
                "number": c.number,
                "kind": str(c.get_kind_display()),
                "customer": c.customer.name,
                "status": str(c.get_status_display()),
            }
            for c in case_returns
        ],
        "taken_back": [
            {
                "item": x.item,
                "customer": x.customer.name,
                "reason": x.reason,
                "stored_at": x.stored_at,
            }
            for x in taken_back
        ],
        "reservations": {
            "taken": [
                {
                    "number": x.number,
                    "customer": x.customer.name,
                    "goods": x.goods,
                    "deposit": x.deposit,
                    "promised_on": x.promised_on,
                }
                for x in reservations["taken"]
            ],
            "arrived": reservations["arrived"],
            "collected": reservations["collected"],
            "cancelled": reservations["cancelled"],
            "overdue": reservations["overdue"],
        },
    }


def week_start(day: dt.date) -> dt.date:
    return day - dt.timedelta(days=day.weekday())


def weekly_complaint_summary(*, organisation, start: dt.date) -> dict:
    """The week's complaints (1.2.5): how many, their causes and state, the repeat contacts."""
    org = getattr(organisation, "pk", organisation)
    start = week_start(start)
    a = _day_bounds(start)[0]
    b = _day_bounds(start + dt.timedelta(days=6))[1]
    cases = list(
        Case.objects.filter(
            organisation_id=org, kind=cs.COMPLAINT, created_at__gte=a, created_at__lt=b
        )
        .select_related("customer", "cause")
        .order_by("created_at")
    )
    causes = Counter(str(c.cause) if c.cause_id else _("No cause yet") for c in cases)
    states = Counter(str(c.get_status_display()) for c in cases)
    contacts = Contact.objects.filter(
        organisation_id=org, kind=ContactKind.COMPLAINT, received_at__gte=a, received_at__lt=b
    )
    return {
        "start": start,
        "end": start + dt.timedelta(days=6),
        "total": len(cases),
        "open": sum(1 for c in cases if c.status in cs.OPEN_STATES),
        "causes": [{"cause": k, "count": v} for k, v in causes.most_common()],
        "states": [{"status": k, "count": v} for k, v in states.most_common()],
        "complaint_contacts": contacts.count(),
        "repeat_contacts": contacts.filter(joined_existing=True).count(),
        "cases": [
            {
                "number": c.number,
                "day": timezone.localtime(c.created_at).date(),
                "customer": c.customer.name,
                "description": c.description,
                "cause": str(c.cause) if c.cause_id else "",
                "status": str(c.get_status_display()),
            }
            for c in cases
        ],
    }


# Language report -----------------------------------------------------------------------------


def language_report(*, user, month: dt.date) -> list[dict]:
    """Warnings per person in the month, most first."""
    org = _org(user)
    if not org:
        return []
    tz = timezone.get_current_timezone()
    a = dt.datetime.combine(month.replace(day=1), dt.time.min, tzinfo=tz)
    nxt = (month.replace(day=28) + dt.timedelta(days=4)).replace(day=1)
    b = dt.datetime.combine(nxt, dt.time.min, tzinfo=tz)
    rows = (
        LanguageWarning.objects.filter(organisation_id=org, at__gte=a, at__lt=b)
        .values("person_id", "person__display_name", "person__username")
        .annotate(n=Count("id"))
        .order_by("-n", "person__username")
    )
    return [
        {
            "person": x["person_id"],
            "name": x["person__display_name"] or x["person__username"],
            "warnings": x["n"],
        }
        for x in rows
    ]


def dashboard_cards(*, user) -> list[dict]:
    org = _org(user)
    if not org:
        return []
    now = timezone.now()
    open_ = Contact.objects.filter(organisation_id=org).exclude(status=ContactStatus.ANSWERED)
    overdue = open_.filter(status=ContactStatus.FOLLOW_UP, follow_up_due_at__lt=now).count()
    late = Reservation.objects.filter(
        organisation_id=org, status=ReservationStatus.ORDERED, promised_on__lt=timezone.localdate()
    ).count()
    return [
        {
            "label": _("Contacts not answered"),
            "value": open_.count(),
            "url": reverse("frontdesk:contacts") + "?status=open",
            "alert": overdue > 0,
        },
        {
            "label": _("Overdue reservations"),
            "value": late,
            "url": reverse("frontdesk:reservations") + "?overdue=1",
            "alert": late > 0,
        },
    ]
