"""What the customer sees: one order through its link, masked, and nothing of anyone else."""

from __future__ import annotations

import datetime as dt

from django.utils import timezone
from django.utils.translation import gettext as _

from shouhou.callbacks import feedback
from shouhou.callbacks.models import CallbackRecord, CallbackTask
from shouhou.core.errors import NotFoundError
from shouhou.customers.models import OwnedProduct
from shouhou.org.models import Organisation
from shouhou.roster.selectors import active_appointment
from shouhou.roster.selectors import settings_for as roster_settings_for
from shouhou.workdays.services import calendar_for
from shouhou.workorders import states
from shouhou.workorders.models import WorkOrder

from . import links
from .models import AppointmentMove, PortalSettings, RequestPhoto


def order_for_token(token: str, now: dt.datetime | None = None) -> WorkOrder:
    """The order a link names: forged or unknown 404, older than `link_days` 410."""
    now = now or timezone.now()
    order_id, org_id, issued = links.read(token)
    order = (
        WorkOrder.objects.select_related("technician", "store", "customer", "organisation")
        .filter(pk=order_id, organisation_id=org_id)
        .first()
    )
    if order is None:
        raise links.invalid()
    days = PortalSettings.for_org(org_id).link_days
    if now.timestamp() - issued > days * 86400:
        raise links.LinkExpired()
    return order


def masked_phone(phone: str) -> str:
    digits = (phone or "").strip()
    if len(digits) < 7:
        return digits[:1] + "*" * max(0, len(digits) - 1)
    return digits[:3] + "****" + digits[-4:]


def masked_name(name: str) -> str:
    name = (name or "").strip()
    return name[:1] + "*" * (len(name) - 1) if len(name) > 1 else name


def progress(order: WorkOrder) -> dict:
    """The customer's view of the order: five steps, the appointment, the technician's name
    and masked phone, and no address, no fee, no other person's data."""
    status = order.status
    cancelled = status == states.CANCELLED
    steps = [
        (_("Received"), order.received_at, True),
        (_("Appointment"), order.appointment_at, order.appointment_at is not None),
        (_("Visited"), order.arrived_at, order.arrived_at is not None),
        (_("Done"), order.completed_at, order.completed_at is not None),
        (_("Closed"), order.closed_at, status == states.CLOSED),
    ]
    tech = order.technician
    return {
        "number": order.number,
        "status": states.STATUS_LABELS.get(status, status),
        "cancelled": cancelled,
        "steps": [{"label": label, "at": at, "done": done} for label, at, done in steps],
        "appointment_at": order.appointment_at,
        "technician_name": tech.name if tech else "",
        "technician_phone": masked_phone(tech.mobile) if tech else "",
        "store_name": order.store.name if order.store_id else str(order.organisation),
        "store_hotline": getattr(order.store, "hotline", "") if order.store_id else "",
        "description": order.description,
        "customer_name": masked_name(order.customer.name),
        "photos": RequestPhoto.objects.filter(order=order).count(),
    }


# The appointment on the page (issue 24.1c) -----------------------------------------------------
def move_slots(order: WorkOrder, now: dt.datetime) -> list[dt.datetime]:
    """The times the customer may choose: from the next working day, for
    `move_working_days_ahead` working days, every appointment length (roster setting) from the
    office's opening until the last one that ends by closing. The roster's guard still refuses
    a time the technician is not available on the chosen one."""
    cfg = PortalSettings.for_org(order.organisation_id)
    cal = calendar_for(order.organisation_id)
    length = dt.timedelta(minutes=roster_settings_for(order.organisation_id).appointment_minutes)
    hours = cal.office_hours
    tz = timezone.get_current_timezone()
    day = cal.next_working_day(timezone.localtime(now).date())
    slots = []
    for _i in range(cfg.move_working_days_ahead):
        start = dt.datetime.combine(day, hours.opens, tzinfo=tz)
        closes = dt.datetime.combine(day, hours.closes, tzinfo=tz)
        while start + length <= closes:
            if start != order.appointment_at:
                slots.append(start)
            start += length
        day = cal.next_working_day(day)
    return slots


def appointment_for(order: WorkOrder, now: dt.datetime | None = None) -> dict | None:
    """What the page offers about the appointment: confirm it, move it (with the rule that
    forbids it, when one does). None: no appointment that still stands."""
    now = now or timezone.now()
    if order.appointment_at is None or not states.allowed("appoint", order.status):
        return None
    window = active_appointment(order)
    if window is None or window.starts_at <= now:
        return None
    cfg = PortalSettings.for_org(order.organisation_id)
    cal = calendar_for(order.organisation_id)
    moves = AppointmentMove.objects.filter(order=order).count()
    last_day = cal.add_working_days(
        timezone.localtime(window.starts_at).date(), -cfg.move_until_working_days_before
    )
    why_not = ""
    if moves >= cfg.customer_moves_max:
        why_not = _("It has been moved %(n)d times on this page; please call the hotline.") % {
            "n": moves
        }
    elif timezone.localtime(now).date() > last_day:
        why_not = _("It is too close to the appointment; please call the hotline.")
    return {
        "starts_at": window.starts_at,
        "ends_at": window.ends_at,
        "confirmed": window.customer_confirmed_at is not None,
        "moves": moves,
        "can_move": not why_not,
        "why_not": why_not,
    }


def feedback_for(order: WorkOrder, now: dt.datetime | None = None) -> dict | None:
    """The callbacks app's own feedback link for the order's open after-service task (the
    form and its rules live in callbacks/feedback.py); `done` when the customer answered."""
    task = (
        CallbackTask.objects.filter(work_order=order, kind__in=feedback.FEEDBACK_KINDS)
        .order_by("-id")
        .first()
    )
    if task is None:
        return None
    if CallbackRecord.objects.filter(task_id=task.pk).exists():
        return {"done": True, "url": ""}
    if task.status != CallbackTask.Status.OPEN:
        return None
    return {"done": False, "url": feedback.feedback_link_for(task, now).url}


def purchases(customer) -> list[OwnedProduct]:
    """The customer's own products (chosen from when asking for service)."""
    return list(
        OwnedProduct.objects.filter(customer=customer).select_related("product", "model")[:50]
    )


def order_lookup(*, organisation, number: str, last4: str) -> WorkOrder:
    """The order with this number whose contact phone ends in these 4 digits; one message for
    every miss, so a guesser learns nothing about which part was wrong."""
    number, last4 = (number or "").strip().upper(), (last4 or "").strip()
    order = None
    if number and len(last4) == 4 and last4.isdigit():
        order = (
            WorkOrder.objects.select_related("customer")
            .filter(organisation_id=organisation.pk, number__iexact=number)
            .first()
        )
    phones = [
        getattr(order, "contact_phone", ""),
        getattr(getattr(order, "customer", None), "mobile", ""),
    ]
    if order is None or not any((p or "").endswith(last4) for p in phones):
        raise NotFoundError(
            _("No order with this number and phone digits."), fields={"number": [_("Not found.")]}
        )
    return order


def organisation_by_code(code: str):
    org = Organisation.objects.filter(code=code).first()
    if org is None:
        raise NotFoundError()
    return org
