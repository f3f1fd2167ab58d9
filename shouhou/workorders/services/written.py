"""The written contact of seed 002 3.2.3 ("底盘发动机故障,用户直接向我公司营销部反映,服务组应在12小时内以
文字形式联系处理,联系结果应存档并及时向用户反馈"): the service desk records the text it sent and the
result (archived: never edited once written), then the result told to the customer (fed back).
The record and its due time are made at intake by the order's tier (`WrittenContact`)."""

from __future__ import annotations

import datetime as dt

from django.db import transaction
from django.utils.translation import gettext as _

from shouhou.core.audit import audit_record, snapshot
from shouhou.core.errors import InvalidTransition, ValidationFailed

from ..models import WrittenContact
from .common import DESK_ROLES, _now, _require_desk


def _text(value, field: str, message, errors: dict, limit: int = 4000) -> str:
    value = (value or "").strip()
    if not value:
        errors[field] = [message]
    elif len(value) > limit:
        errors[field] = [_("At most %(n)d characters.") % {"n": limit}]
    return value


def _locked(contact: WrittenContact) -> WrittenContact:
    return WrittenContact.objects.select_for_update().select_related("order").get(pk=contact.pk)


def written_contact_record(
    *,
    by,
    contact: WrittenContact,
    text: str,
    result: str,
    channel: str = "",
    now: dt.datetime | None = None,
) -> WrittenContact:
    """The written contact was sent: what was written, how, and the result. Once only (the
    archive is not edited; a second record is a 409)."""
    now = _now(now)
    _require_desk(by, contact.order, DESK_ROLES)
    errors: dict[str, list[str]] = {}
    text = _text(text, "text", _("Write down what was sent to the customer."), errors)
    result = _text(result, "result", _("Write down the result of the contact."), errors)
    channel = (channel or "").strip()
    if len(channel) > 40:
        errors["channel"] = [_("At most %(n)d characters.") % {"n": 40}]
    if errors:
        raise ValidationFailed(fields=errors)
    with transaction.atomic():
        contact = _locked(contact)
        if contact.written_at is not None:
            raise InvalidTransition(
                _("The written contact is recorded already."), code="written_already"
            )
        before = snapshot(contact)
        contact.written_at, contact.written_by = now, by
        contact.text, contact.result, contact.channel = text, result, channel
        contact.save(
            update_fields=["written_at", "written_by", "text", "result", "channel", "updated_at"]
        )
        audit_record(
            actor=by,
            action="shouhou.written_contact.written",
            obj=contact,
            before=before,
            after=snapshot(contact),
            note="" if contact.written_in_time else _("written late"),
        )
    return contact


def written_contact_feed_back(
    *, by, contact: WrittenContact, feedback: str, now: dt.datetime | None = None
) -> WrittenContact:
    """The result was told to the customer: the record is complete (archived)."""
    now = _now(now)
    _require_desk(by, contact.order, DESK_ROLES)
    errors: dict[str, list[str]] = {}
    feedback = _text(feedback, "feedback", _("Say what the customer was told."), errors)
    if errors:
        raise ValidationFailed(fields=errors)
    with transaction.atomic():
        contact = _locked(contact)
        if contact.written_at is None:
            raise InvalidTransition(_("Record the written contact first."), code="written_missing")
        if contact.fed_back_at is not None:
            raise InvalidTransition(
                _("The customer was told the result already."), code="fed_back_already"
            )
        before = snapshot(contact)
        contact.fed_back_at, contact.fed_back_by, contact.feedback = now, by, feedback
        contact.save(update_fields=["fed_back_at", "fed_back_by", "feedback", "updated_at"])
        audit_record(
            actor=by,
            action="shouhou.written_contact.fed_back",
            obj=contact,
            before=before,
            after=snapshot(contact),
        )
    return contact
