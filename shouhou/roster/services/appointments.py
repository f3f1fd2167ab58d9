"""Appointment windows agreed with the customer: recorded, voided, rescheduled and confirmed."""

from __future__ import annotations

import datetime as dt
from typing import TYPE_CHECKING

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from shouhou.core.audit import audit_record, snapshot
from shouhou.core.errors import (
    InvalidTransition,
    NotFoundError,
    ValidationFailed,
)
from shouhou.org import roles as r
from shouhou.workorders import services as wo
from shouhou.workorders.models import WorkOrder

from .. import selectors as sel
from ..models import (
    Appointment,
    AppointmentChange,
    ConfirmationCall,
)
from .common import _now, _same_org

if TYPE_CHECKING:
    from shouhou.org.models import User


# Appointment windows --------------------------------------------------------------------------
def window_record(
    *,
    order: WorkOrder,
    starts_at: dt.datetime,
    ends_at: dt.datetime,
    kind: str,
    by: User | None,
    now: dt.datetime,
    reason: str = "",
    status: str | None = None,
) -> Appointment:
    """Keep the order's window and its history (called by the board and by the receivers of
    the work-order events, inside their transaction)."""
    a = Appointment.objects.select_for_update().filter(order_id=order.pk).first()
    previous = a.starts_at if a is not None and a.active else None
    if status is None:
        status = (
            Appointment.Status.PLANNED
            if kind == AppointmentChange.Kind.PLANNED
            else Appointment.Status.AGREED
        )
    if a is None:
        a = Appointment.objects.create(
            organisation_id=order.organisation_id,
            order_id=order.pk,
            starts_at=starts_at,
            ends_at=ends_at,
            status=status,
        )
    else:
        if (
            previous is not None
            and kind != AppointmentChange.Kind.PLANNED
            and a.status != Appointment.Status.PLANNED
            and previous != starts_at
        ):
            kind = AppointmentChange.Kind.RESCHEDULED
            a.changes += 1
        a.starts_at, a.ends_at, a.status, a.confirmed_at = starts_at, ends_at, status, None
        a.customer_confirmed_at = None
        a.save()
    AppointmentChange.objects.create(
        organisation_id=order.organisation_id,
        appointment=a,
        kind=kind,
        starts_at=starts_at,
        ends_at=ends_at,
        previous_starts_at=previous,
        reason=reason[:200],
        at=now,
        by=by if getattr(by, "is_authenticated", False) else None,
    )
    return a


def window_void(
    *, order: WorkOrder, note: str, by: User | None, now: dt.datetime | None = None
) -> None:
    now = _now(now)
    a = Appointment.objects.filter(order_id=order.pk).exclude(status="voided").first()
    if a is None:
        return
    Appointment.objects.filter(pk=a.pk).update(status=Appointment.Status.VOIDED)
    AppointmentChange.objects.create(
        organisation_id=order.organisation_id,
        appointment=a,
        kind=AppointmentChange.Kind.VOIDED,
        starts_at=a.starts_at,
        ends_at=a.ends_at,
        reason=str(note)[:200],
        at=now,
        by=by if getattr(by, "is_authenticated", False) else None,
    )


def appointment_reschedule(
    *,
    by: User,
    order: WorkOrder,
    starts_at: dt.datetime,
    reason: str,
    now: dt.datetime | None = None,
) -> Appointment:
    """Move the agreed time (the customer asked, the technician cannot): the reason is kept in
    the window's history; the work order's appointment (and its callback) move with it."""
    now = _now(now)
    reason = (reason or "").strip()
    if not reason:
        raise ValidationFailed(fields={"reason": [_("Say why the appointment moves.")]})
    with transaction.atomic():
        wo.workorder_appoint(by=by, order=order, appointment_at=starts_at, now=now)
        a = Appointment.objects.get(order_id=order.pk)
        last = a.history.order_by("-at", "-id").first()
        if last is not None:  # the window's change, recorded by the appointment's event
            AppointmentChange.objects.filter(pk=last.pk).update(reason=reason[:200])
        return a


def appointment_confirm(
    *, by: User, order: WorkOrder, reached: bool, note: str = "", now: dt.datetime | None = None
) -> ConfirmationCall:
    """The day's call before leaving (seed 000 四.7): reached → the window is confirmed."""
    now = _now(now)
    _confirm_check(by, order)
    with transaction.atomic():
        a = Appointment.objects.select_for_update().filter(order_id=order.pk).first()
        if a is None or not a.active:
            raise InvalidTransition(_("This order has no appointment to confirm."))
        if timezone.localtime(a.starts_at).date() < timezone.localtime(now).date():
            raise InvalidTransition(_("The appointment is already past."))
        if not reached and not (note or "").strip():
            raise ValidationFailed(fields={"note": [_("Say what happened on the call.")]})
        before = snapshot(a)
        call = ConfirmationCall.objects.create(
            organisation_id=order.organisation_id,
            appointment=a,
            at=now,
            reached=reached,
            note=(note or "")[:200],
            by=by,
        )
        if reached:
            a.status, a.confirmed_at = Appointment.Status.CONFIRMED, now
            a.save(update_fields=["status", "confirmed_at", "updated_at"])
        audit_record(
            actor=by,
            action="shouhou.roster.appointment_confirmed"
            if reached
            else "shouhou.roster.confirmation_unreached",
            obj=a,
            before=before,
            after=snapshot(a),
            note=note,
        )
        return call


def appointment_customer_confirm(
    *, order: WorkOrder, now: dt.datetime | None = None
) -> Appointment:
    """The customer says the agreed time suits them (self-service page): kept on the window and
    audited as the customer's; confirming twice changes nothing."""
    now = _now(now)
    with transaction.atomic():
        a = Appointment.objects.select_for_update().filter(order_id=order.pk).first()
        if a is None or not a.active:
            raise InvalidTransition(_("This order has no appointment to confirm."))
        if a.starts_at <= now:
            raise InvalidTransition(_("The appointment is already past."))
        if a.customer_confirmed_at is not None:
            return a
        before = snapshot(a)
        a.customer_confirmed_at = now
        a.save(update_fields=["customer_confirmed_at", "updated_at"])
        audit_record(
            actor=None,
            action="shouhou.roster.appointment_customer_confirmed",
            obj=a,
            before=before,
            after=snapshot(a),
            note=str(_("confirmed by the customer on the self-service page")),
        )
        return a


def _confirm_check(by: User, order: WorkOrder) -> None:
    _same_org(by, order)
    if r.has_role(by, *sel.DISPATCHERS):
        return
    me = sel.own_staff(by)
    if me is not None and order.technician_id == me.pk and r.has_role(by, *sel.TECHS):
        return
    raise NotFoundError()
