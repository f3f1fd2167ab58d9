"""Domain events of the apps below, told to the customer (connected in `PortalConfig.ready`).

Each receiver calls `notify_send` with a key naming the event's occurrence, so an event sent
twice (a retried request, a replayed job) is one message. The in-transaction events write the
message with the change; the job sends it after the commit.

| event | message |
|---|---|
| `workorders.received` | order received, with the self-service link |
| `workorders.transitioned` `dispatch`/`reassign` | the technician and their (masked) phone |
| `workorders.transitioned` `appoint` | the appointment, with the link to move it |
| `workorders.completed` | visit done, with the callbacks feedback link |
| `delivery.scheduled` | delivery date |
| `delivery.signed` | goods signed for |

| `frontdesk.reservation_arrived` | reserved goods arrived at the desk |
"""

from __future__ import annotations

import functools
import logging

from django.conf import settings
from django.dispatch import receiver
from django.utils import timezone

from shouhou.callbacks import feedback
from shouhou.callbacks.models import CallbackTask
from shouhou.core.errors import DomainError
from shouhou.core.middleware import organisation_scope
from shouhou.delivery.signals import delivery_scheduled, delivery_signed
from shouhou.frontdesk.signals import reservation_arrived
from shouhou.notify.models import Event
from shouhou.notify.services import notify_send
from shouhou.workorders.signals import (
    workorder_completed,
    workorder_received,
    workorder_transitioned,
)

from . import links, selectors

log = logging.getLogger("shouhou.portal")


def _quietly(fn):
    """A message that cannot be written (a domain error: unknown event, another
    organisation's customer) is logged and never undoes the change it is about."""

    @functools.wraps(fn)
    def wrapper(*args, **kwargs):
        try:
            return fn(*args, **kwargs)
        except DomainError:
            log.exception("message not written: %s", fn.__name__)
            return None

    return wrapper


def _salutation(customer) -> str:
    name = (customer.name or "").strip()
    if not name or not customer.name_is_full:
        return name
    if customer.gender == "m":
        return f"{name[0]}先生"
    if customer.gender == "f":
        return f"{name[0]}女士"
    return name


def _order_context(order) -> dict:
    tech = order.technician if order.technician_id else None
    return {
        "name": _salutation(order.customer),
        "order_number": order.number,
        "store": order.store.name if order.store_id else str(order.organisation),
        "link": links.order_url(order),
        "technician": tech.name if tech else "",
        "technician_phone": selectors.masked_phone(tech.mobile) if tech else "",
        "appointment": timezone.localtime(order.appointment_at).strftime("%m月%d日 %H:%M")
        if order.appointment_at
        else "",
    }


def _send_order(order, event, key) -> None:
    notify_send(
        organisation=order.organisation_id,
        event=event,
        key=key,
        customer=order.customer,
        context=_order_context(order),
    )


@receiver(workorder_received, dispatch_uid="portal.order_received")
@_quietly
def order_received(sender, *, order, by, **kwargs) -> None:
    # The public form has no user scope: open the order's organisation.
    with organisation_scope(order.organisation_id):
        _send_order(order, Event.ORDER_RECEIVED, f"wo:{order.pk}:received")


@receiver(workorder_transitioned, dispatch_uid="portal.order_transitioned")
@_quietly
def order_transitioned(sender, *, order, action, from_status, to_status, by, **kwargs) -> None:
    if action in ("dispatch", "reassign") and order.technician_id:
        _send_order(order, Event.TECHNICIAN_ON_WAY, f"wo:{order.pk}:tech:{order.technician_id}")
    elif action == "appoint" and order.appointment_at:
        stamp = int(order.appointment_at.timestamp())
        _send_order(order, Event.APPOINTMENT_SET, f"wo:{order.pk}:appoint:{stamp}")


@receiver(workorder_completed, dispatch_uid="portal.visit_done")
@_quietly
def visit_done(sender, *, order, completed_at, by, **kwargs) -> None:
    """The callbacks receiver has just written the after-service task (it connects first):
    the message carries its feedback link; without a task, the order's own page."""
    context = _order_context(order)
    task = (
        CallbackTask.objects.filter(
            work_order=order, kind__in=feedback.FEEDBACK_KINDS, status=CallbackTask.Status.OPEN
        )
        .order_by("-id")
        .first()
    )
    if task is not None:
        path = feedback.feedback_link_for(task).url
        context["link"] = f"{settings.SHOUHOU_PUBLIC_URL.rstrip('/')}{path}"
    notify_send(
        organisation=order.organisation_id,
        event=Event.VISIT_DONE,
        key=f"wo:{order.pk}:done:{int(completed_at.timestamp())}",
        customer=order.customer,
        context=context,
    )


def _delivery_context(delivery) -> dict:
    contract = delivery.contract
    return {
        "name": _salutation(delivery.customer),
        "contract_number": contract.number,
        "store": contract.store.name if contract.store_id else str(delivery.organisation),
        "date": delivery.scheduled_date.strftime("%m月%d日"),
    }


@receiver(delivery_scheduled, dispatch_uid="portal.delivery_scheduled")
@_quietly
def on_delivery_scheduled(sender, *, delivery, by, **kwargs) -> None:
    notify_send(
        organisation=delivery.organisation_id,
        event=Event.DELIVERY_SCHEDULED,
        key=f"dl:{delivery.pk}:scheduled:{delivery.scheduled_date.isoformat()}",
        customer=delivery.customer,
        context=_delivery_context(delivery),
    )


@receiver(delivery_signed, dispatch_uid="portal.delivery_signed")
@_quietly
def on_delivery_signed(sender, *, delivery, delivered_on, by, **kwargs) -> None:
    notify_send(
        organisation=delivery.organisation_id,
        event=Event.DELIVERY_SIGNED,
        key=f"dl:{delivery.pk}:signed",
        customer=delivery.customer,
        context=_delivery_context(delivery),
    )


@receiver(reservation_arrived, dispatch_uid="portal.reservation_arrived")
@_quietly
def on_reservation_arrived(sender, *, reservation, by, **kwargs) -> None:
    # Sent after the commit: open the reservation's organisation, whatever opened it.
    with organisation_scope(reservation.organisation_id):
        store = reservation.store
        goods = reservation.description or (
            str(reservation.product) if reservation.product_id else ""
        )
        notify_send(
            organisation=reservation.organisation_id,
            event=Event.RESERVATION_ARRIVED,
            key=f"fd:{reservation.pk}:arrived",
            customer=reservation.customer,
            context={
                "name": _salutation(reservation.customer),
                "store": getattr(store, "name", ""),
                "goods": goods,
            },
        )
