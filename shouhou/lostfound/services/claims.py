"""The owner's claim at the desk (description, identity, signature) and the reminders of items
waiting, seen to by the desk or the manager."""

from __future__ import annotations

import datetime as dt
from typing import TYPE_CHECKING

from django.db import transaction
from django.utils.translation import gettext as _

from shouhou.core.audit import audit_record
from shouhou.core.errors import (
    NotFoundError,
    PermissionDeniedError,
)
from shouhou.org import roles as r

from ..models import (
    IdType,
    LostItem,
    LostItemReminder,
)
from .common import (
    DESK_ROLES,
    VALUABLE_ROLES,
    S,
    _check,
    _choice,
    _lock,
    _move,
    _now,
    _phone,
    _raise,
    _require,
    _text,
)
from .items import _id_number

if TYPE_CHECKING:
    from shouhou.org.models import User


def item_claim(
    *,
    by: User,
    item: LostItem | int,
    claimant_name: object,
    claimant_phone: str | None,
    id_type: object,
    id_number: object,
    claim_description: object,
    description_matches: bool,
    signature: object,
    now: dt.datetime | None = None,
) -> LostItem:
    """The owner claims the item at the desk of the store that holds it: a matching description,
    an identity check (the number is stored masked), a valid phone and the owner's signature.
    A valuable is released by the customer-service supervisor or the duty manager, whose
    signature this is. The record closes wherever the item was."""
    _require(by, *DESK_ROLES)
    errors: dict[str, list[str]] = {}
    name = _text(claimant_name, "claimant_name", errors, max_length=50)
    phone = _phone(claimant_phone, "claimant_phone", errors, required=True)
    kind_of_id = _choice(id_type, "id_type", IdType, errors)
    masked = _id_number(kind_of_id, id_number, errors) if kind_of_id else ""
    description = _text(claim_description, "claim_description", errors, max_length=2000)
    signed = _text(signature, "signature", errors, max_length=50)
    if not description_matches:
        errors.setdefault("description_matches", []).append(
            _("The owner's description must match the item before it is handed over.")
        )
    _raise(errors)
    with transaction.atomic():
        item = _lock(by, item)
        if by.store_id != item.store_id:
            raise PermissionDeniedError(
                _("An item is claimed at the service desk of the store that holds it."),
                code="other_store",
            )
        _check(item, "claim")
        values: dict[str, User] = {}
        if item.is_valuable:
            if not r.has_role(by, *VALUABLE_ROLES):
                raise PermissionDeniedError(
                    _(
                        "A valuable is released with the signature of the customer-service "
                        "supervisor or the duty manager."
                    ),
                    code="release_signature_needed",
                )
            values["release_signed_by"] = by
        now = _now(now)
        return _move(
            item,
            "claim",
            S.CLAIMED,
            by=by,
            now=now,
            claimant_name=name,
            claimant_phone=phone,
            claimant_id_type=kind_of_id,
            claimant_id_masked=masked,
            claim_description=description,
            claimant_signature=signed,
            claim_handled_by=by,
            claimed_at=now,
            claimed_from=item.status,
            **values,
        )


def reminder_done(
    *, by: User, reminder: LostItemReminder | int, now: dt.datetime | None = None
) -> LostItemReminder:
    """The desk or the manager has seen to a reminder."""
    org_id = _require(by, *DESK_ROLES, r.STORE_MANAGER, r.LP_SUPERVISOR, r.ADMINISTRATION)
    with transaction.atomic():
        row = (
            LostItemReminder.objects.select_for_update()
            .filter(organisation_id=org_id, pk=getattr(reminder, "pk", reminder))
            .first()
        )
        if row is None:
            raise NotFoundError()
        if row.done_at:
            return row
        row.done_at = _now(now)
        row.save(update_fields=["done_at", "updated_at"])
        audit_record(
            actor=by, action="shouhou.lost_item_reminder.done", obj=row,
            after={"done_at": row.done_at},
        )  # fmt: skip
        return row
