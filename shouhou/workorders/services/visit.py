"""The technician's steps before the work: contact, appointment, postponement, arrival, waiting for
parts, customer not at home.
"""

from __future__ import annotations

import datetime as dt

from django.db import transaction
from django.db.models import F
from django.utils import timezone
from django.utils.translation import gettext as _

from shouhou.core.errors import (
    InvalidTransition,
    ValidationFailed,
)

from .. import config, signals, states
from ..models import (
    ContactAttempt,
    WorkOrder,
)
from .common import _lock, _news, _now, _reply_fields, _require_actor, _transition, calendar


# The technician's steps -----------------------------------------------------------------------
def workorder_contact(*, by, order, note: str = "", now=None) -> WorkOrder:
    """The technician reached the customer."""
    now = _now(now)
    _require_actor(by, order)
    with transaction.atomic():
        order = _lock(order)
        states.check("contact", order.status)
        ContactAttempt.objects.create(
            organisation_id=order.organisation_id,
            order=order,
            at=now,
            reached=True,
            note=note,
            by=by,
        )
        return _transition(
            order,
            "contact",
            by=by,
            now=now,
            note=note,
            updates={
                "contacted_at": order.contacted_at or now,
                "unreachable_since": None,
                "unreachable_report_due_at": None,
                **_reply_fields(order, now),
            },
        )


def workorder_unreachable(*, by, order, note: str = "", now=None) -> WorkOrder:
    """A call that did not reach the customer. After N consecutive working days the technician
    must report why (`workorder_report_unreachable`)."""
    now = _now(now)
    _require_actor(by, order)
    settings = config.ensure_defaults(order.organisation_id)
    with transaction.atomic():
        order = _lock(order)
        states.check("unreachable", order.status)
        ContactAttempt.objects.create(
            organisation_id=order.organisation_id,
            order=order,
            at=now,
            reached=False,
            note=note,
            by=by,
        )
        updates = _reply_fields(order, now)
        if order.unreachable_since is None:
            updates["unreachable_since"] = now
            updates["unreachable_report_due_at"] = calendar(order.organisation_id).add_working_days(
                now, settings.unreachable_report_after_days
            )
        return _transition(order, "unreachable", by=by, now=now, updates=updates, note=note)


def workorder_report_unreachable(*, by, order, reason: str, now=None) -> WorkOrder:
    now = _now(now)
    _require_actor(by, order)
    reason = (reason or "").strip()
    if not reason:
        raise ValidationFailed(fields={"reason": [_("Say why the customer cannot be reached.")]})
    with transaction.atomic():
        order = _lock(order)
        if order.unreachable_since is None:
            raise InvalidTransition(
                _("No failed call is recorded for this order."), code="not_unreachable"
            )
        return _transition(
            order,
            "report_unreachable",
            by=by,
            now=now,
            updates={"unreachable_reason": reason, **_reply_fields(order, now)},
            note=reason,
        )


def workorder_appoint(*, by, order, appointment_at: dt.datetime, now=None) -> WorkOrder:
    """The appointment is made and reported; the call centre calls back one working day after."""
    now = _now(now)
    _require_actor(by, order)
    return _appoint(order, appointment_at, by=by, now=now)


def workorder_customer_reschedule(*, order, appointment_at: dt.datetime, now=None) -> WorkOrder:
    """The customer moved the agreed time on the self-service page (the portal checked its own
    rules first): the same change as the desk's, through the roster's availability guard,
    attributed to no user and audited as the customer's."""
    now = _now(now)
    if order.appointment_at is None:
        raise InvalidTransition(_("This order has no appointment to move."))
    return _appoint(
        order,
        appointment_at,
        by=None,
        now=now,
        note=str(_("moved by the customer on the self-service page")),
        audit_action="shouhou.workorder.customer_reschedule",
    )


def _appoint(
    order, appointment_at, *, by, now, note: str = "", audit_action: str | None = None
) -> WorkOrder:
    if appointment_at is None or timezone.is_naive(appointment_at):
        raise ValidationFailed(fields={"appointment_at": [_("Give a date and time.")]})
    if timezone.localtime(appointment_at).date() < timezone.localtime(now).date():
        raise ValidationFailed(
            fields={"appointment_at": [_("The appointment cannot be in the past.")]}
        )
    settings = config.ensure_defaults(order.organisation_id)
    with transaction.atomic():
        order = _lock(order)
        states.check("appoint", order.status)
        signals.workorder_appointing.publish(
            sender=WorkOrder, order=order, appointment_at=appointment_at, by=by
        )
        _skip_appointment_callbacks(order, by=by, note=_("The appointment was changed."))
        callback_on = None
        if not order.no_callback:
            callback_on = calendar(order.organisation_id).add_working_days(
                timezone.localtime(appointment_at).date(), settings.callback_after_appointment_days
            )
        return _transition(
            order,
            "appoint",
            by=by,
            now=now,
            note=note,
            audit_action=audit_action,
            updates={
                "appointment_at": appointment_at,
                "appointment_seq": F("appointment_seq") + 1,
                "callback_due_on": callback_on,
                "callback_created": False,
                "contacted_at": order.contacted_at or now,
                "unreachable_since": None,
                "unreachable_report_due_at": None,
                **_reply_fields(order, now),
            },
        )


def _skip_appointment_callbacks(order, *, by, note) -> None:
    signals.workorder_appointment_voided.publish(
        sender=WorkOrder, order=order, note=str(note), by=by
    )


def workorder_postpone(*, by, order, note: str, now=None) -> WorkOrder:
    """The customer asked for a later date: the clock stops until an appointment is made."""
    now = _now(now)
    _require_actor(by, order)
    with transaction.atomic():
        order = _lock(order)
        return _transition(
            order, "postpone", by=by, now=now, updates=_reply_fields(order, now), note=note
        )


def workorder_arrive(*, by, order, now=None) -> WorkOrder:
    now = _now(now)
    _require_actor(by, order)
    with transaction.atomic():
        order = _lock(order)
        return _transition(
            order,
            "arrive",
            by=by,
            now=now,
            updates={
                "arrived_at": order.arrived_at or now,
                "contacted_at": order.contacted_at or now,
                **_reply_fields(order, now),
            },
        )


def workorder_wait_parts(*, by, order, note: str = "", now=None) -> WorkOrder:
    """Cannot finish now (parts needed): another visit is needed; the clock stops meanwhile."""
    now = _now(now)
    _require_actor(by, order)
    with transaction.atomic():
        order = _lock(order)
        return _transition(
            order,
            "wait_parts",
            by=by,
            now=now,
            updates={"needs_revisit": True, **_news(now)},
            note=note,
        )


def workorder_not_home(*, by, order, note: str, now=None) -> WorkOrder:
    """The customer was not at home at the agreed time: a note was left, the customer must ask
    again, and the call centre does not call back the next day."""
    now = _now(now)
    _require_actor(by, order)
    note = (note or "").strip()
    if not note:
        raise ValidationFailed(
            fields={"note": [_("Write what the note left for the customer says.")]}
        )
    with transaction.atomic():
        order = _lock(order)
        states.check("not_home", order.status)
        _skip_appointment_callbacks(order, by=by, note=_("The customer was not at home."))
        return _transition(
            order,
            "not_home",
            by=by,
            now=now,
            updates={
                "not_home_note": note,
                "callback_due_on": None,
                "callback_created": False,
                **_reply_fields(order, now),
            },
            note=note,
        )
