"""The handover book between shifts: opened, written, handed over and signed by the next shift."""

from __future__ import annotations

import datetime as dt
from typing import TYPE_CHECKING

from django.db import IntegrityError, transaction
from django.utils.translation import gettext as _

from shouhou.core.audit import audit_record, snapshot
from shouhou.core.errors import (
    InvalidTransition,
    PermissionDeniedError,
    ValidationFailed,
)
from shouhou.org import roles as r

from .. import carryover
from ..models import (
    Handover,
    HandoverStatus,
    Shift,
)
from .common import _move, _now, _require_desk, _same_org
from .language import language_note

if TYPE_CHECKING:
    from shouhou.org.models import Store, User

MANAGER_ROLES = {r.CS_SUPERVISOR, r.CS_MANAGER, r.STORE_MANAGER, r.VP_OPERATIONS, r.GENERAL_MANAGER}


def handover_open(
    *, by: User, store: Store | None, day: dt.date, shift: str, desk: str = "服务台"
) -> Handover:
    """The page of the handover book for this store, desk, day and shift (the existing one when
    it is there already: a double submit makes one page)."""
    org_id = _require_desk(by)
    if store is None:
        raise ValidationFailed(fields={"store": [_("Choose the store.")]})
    _same_org(by, store, "store")
    if shift not in Shift.values:
        raise ValidationFailed(fields={"shift": [_("Unknown shift.")]})
    desk = (desk or "").strip() or "服务台"
    key = {"organisation_id": org_id, "store": store, "desk": desk, "day": day}
    existing = Handover.objects.filter(**key, shift=shift).first()
    if existing is not None:
        return existing
    try:
        with transaction.atomic():
            page = Handover.objects.create(**key, shift=shift, outgoing=by)
            audit_record(actor=by, action="shouhou.handover.opened", obj=page, after=snapshot(page))
    except IntegrityError:
        return Handover.objects.get(**key, shift=shift)
    return page


def handover_write(
    *,
    by: User,
    handover: Handover,
    notes: str | None = None,
    morning_meeting: str | None = None,
    manager_note: str | None = None,
    now: dt.datetime | None = None,
) -> Handover:
    """The outgoing clerk's notes (while the page is open), the morning meeting record, and the
    manager's daily note (managers only)."""
    if manager_note is not None:
        r.require_role(by, *MANAGER_ROLES)
    else:
        _require_desk(by)
    _same_org(by, handover)
    now = _now(now)
    with transaction.atomic():
        page = Handover.objects.select_for_update().get(pk=handover.pk)
        before = snapshot(page, ["notes", "morning_meeting", "manager_note"])
        if notes is not None:
            if page.status != HandoverStatus.OPEN:
                raise InvalidTransition(_("The page is handed over; its notes are final."))
            if page.outgoing_id != by.pk:
                raise PermissionDeniedError(_("Only the outgoing clerk writes the notes."))
            page.notes = notes.strip()
        if morning_meeting is not None:
            page.morning_meeting = morning_meeting.strip()
        if manager_note is not None:
            page.manager_note = manager_note.strip()
        page.save()
        audit_record(
            actor=by,
            action="shouhou.handover.written",
            obj=page,
            before=before,
            after=snapshot(page, ["notes", "morning_meeting", "manager_note"]),
        )
        text = "\n".join(t for t in (notes, morning_meeting, manager_note) if t)
        page.language_result = language_note(by=by, where="handover", obj=page, text=text, now=now)
    return page


def handover_hand_over(*, by: User, handover: Handover, now: dt.datetime | None = None) -> Handover:
    """The outgoing clerk hands over: what is open is carried over and frozen on the page."""
    _require_desk(by)
    _same_org(by, handover)
    now = _now(now)
    if handover.outgoing_id != by.pk:
        raise PermissionDeniedError(_("Only the outgoing clerk hands the page over."))
    items = carryover.collect(organisation=by.organisation, store=handover.store, now=now)
    with transaction.atomic():
        return _move(
            Handover,
            Handover.objects.select_for_update().get(pk=handover.pk),
            frm={HandoverStatus.OPEN},
            to=HandoverStatus.HANDED_OVER,
            by=by,
            action="shouhou.handover.handed_over",
            carry_over=items,
            handed_over_at=now,
        )


def handover_sign(*, by: User, handover: Handover, now: dt.datetime | None = None) -> Handover:
    """The incoming clerk has read the page and signs it (2.1.2)."""
    _require_desk(by)
    _same_org(by, handover)
    if handover.outgoing_id == by.pk:
        raise PermissionDeniedError(_("The incoming clerk signs, not the one handing over."))
    with transaction.atomic():
        return _move(
            Handover,
            Handover.objects.select_for_update().get(pk=handover.pk),
            frm={HandoverStatus.HANDED_OVER},
            to=HandoverStatus.SIGNED,
            by=by,
            action="shouhou.handover.signed",
            incoming=by,
            signed_at=_now(now),
        )
