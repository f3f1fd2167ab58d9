"""What the lost-property services share: roles, the allowed state moves, locking, and input
checks (text, choice, amount, phone), and the due dates of an item."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from typing import TYPE_CHECKING

from django.db import models
from django.utils import timezone
from django.utils.translation import gettext as _

from shouhou.core.audit import audit_record, diff, snapshot
from shouhou.core.errors import (
    InvalidTransition,
    NotFoundError,
    PermissionDeniedError,
    ValidationFailed,
)
from shouhou.core.money import to_money
from shouhou.core.phones import normalise_phone
from shouhou.org import roles as r
from shouhou.org.models import Store

from ..models import (
    LostItem,
)

if TYPE_CHECKING:
    from shouhou.org.models import User

S = LostItem.Status


DESK_ROLES = (r.CLERK, r.SERVICE_DESK, r.CS_SUPERVISOR, r.CS_MANAGER, r.DUTY_MANAGER)


VALUABLE_ROLES = (r.CS_SUPERVISOR, r.DUTY_MANAGER)


MOVE_ROLES = (*DESK_ROLES, r.SECURITY, r.SECURITY_HEAD)


READ_ROLES = (
    *MOVE_ROLES,
    r.LP_SUPERVISOR,
    r.ADMINISTRATION,
    r.STORE_MANAGER,
    r.VP_OPERATIONS,
    r.GENERAL_MANAGER,
)


OPEN = (S.AT_DESK, S.OVERNIGHT, S.BACK_AT_DESK, S.ARCHIVE_DUE, S.ARCHIVED, S.VALUABLE_KEPT,
        S.DISPOSAL_DUE)  # fmt: skip


CLOSED = (S.DISPOSED, S.CLAIMED)


EDITABLE = tuple(s for s in OPEN if s != S.DISPOSAL_DUE)


# Which action is allowed from which state (anything else raises InvalidTransition).
ALLOWED_FROM: dict[str, set[str]] = {
    "edit": set(EDITABLE),
    "announce": {S.AT_DESK, S.BACK_AT_DESK},
    "photo": set(EDITABLE),
    "check_valuable": {S.AT_DESK, S.OVERNIGHT, S.BACK_AT_DESK},
    "keep": {S.AT_DESK, S.OVERNIGHT, S.BACK_AT_DESK, S.ARCHIVE_DUE, S.ARCHIVED},
    "move": {S.OVERNIGHT},
    "archive": {S.ARCHIVE_DUE},
    "sign_disposal": {S.DISPOSAL_DUE},
    "dispose": {S.DISPOSAL_DUE},
    "claim": set(OPEN),
}


def _now(now: dt.datetime | None = None) -> dt.datetime:
    return now or timezone.now()


def _org_id(by: User) -> int:
    org_id = by.organisation_id
    if not org_id:
        raise PermissionDeniedError(
            _("Only a member of an organisation can do this."), code="no_organisation"
        )
    return org_id


def _require(by: User, *roles: str) -> int:
    r.require_role(by, *roles)
    return _org_id(by)


def _at_store(by: User, store_id: int) -> None:
    """A person attached to a store acts on that store's items only."""
    if by.store_id and by.store_id != store_id:
        raise PermissionDeniedError(
            _("This item belongs to another store's service desk."), code="other_store"
        )


def _pk(value: object) -> int:
    """A primary key from an instance, a number or a string of one; 0 (none) otherwise."""
    if isinstance(value, models.Model):
        value = value.pk
    if isinstance(value, int | str | float | Decimal):
        try:
            return int(value)
        except ValueError:
            return 0
    return 0


def _store(by: User, store: object) -> Store:
    pk = _pk(store or by.store_id)
    row = Store.objects.filter(organisation_id=_org_id(by), pk=pk, is_active=True).first()
    if row is None:
        raise ValidationFailed(fields={"store": [_("Choose the store whose desk has the item.")]})
    _at_store(by, row.pk)
    return row


def _lock(by: User, item: object) -> LostItem:
    pk = _pk(item)
    if not pk:
        raise NotFoundError()
    row = LostItem.objects.select_for_update().filter(organisation_id=_org_id(by), pk=pk).first()
    if row is None:
        raise NotFoundError()
    return row


def _check(item: LostItem, action: str) -> None:
    if item.status not in ALLOWED_FROM[action]:
        if item.status in CLOSED:
            raise InvalidTransition(
                _("This item is %(status)s; its record is closed.")
                % {"status": item.get_status_display()},
                code="item_closed",
            )
        raise InvalidTransition(
            _("Not possible for an item that is %(status)s.")
            % {"status": item.get_status_display()}
        )


def _move(
    item: LostItem,
    action: str,
    new_status: str | None,
    *,
    by: User,
    now: dt.datetime,
    **values: object,
) -> LostItem:
    """Guarded update from the state we read, audited with the states before and after."""
    _check(item, action)
    before = snapshot(item)
    values["updated_at"] = now
    if new_status:
        values["status"] = new_status
    if not LostItem.objects.filter(pk=item.pk, status=item.status).update(**values):
        raise InvalidTransition(_("The item changed meanwhile; please reload."))
    item.refresh_from_db()
    old, new = diff(before, snapshot(item))
    audit_record(actor=by, action=f"shouhou.lost_item.{action}", obj=item, before=old, after=new)
    return item


def _text(
    value: object,
    field: str,
    errors: dict[str, list[str]],
    *,
    max_length: int,
    required: bool = True,
) -> str:
    text = (value or "").strip() if isinstance(value, str) or value is None else str(value)
    if required and not text:
        errors.setdefault(field, []).append(_("This field is required."))
    elif len(text) > max_length:
        errors.setdefault(field, []).append(_("At most %(n)s characters.") % {"n": max_length})
    return text


def _choice(
    value: object, field: str, choices: type[models.TextChoices], errors: dict[str, list[str]]
) -> str:
    if not isinstance(value, str) or value not in choices.values:
        errors.setdefault(field, []).append(_("Choose one of the options."))
        return ""
    return value


def _amount(value: object, field: str, errors: dict[str, list[str]]) -> Decimal | None:
    if value in (None, ""):
        return None
    try:
        amount = to_money(value)
    except ValueError as exc:
        errors.setdefault(field, []).append(str(exc))
        return None
    if amount < 0:
        errors.setdefault(field, []).append(_("The amount cannot be negative."))
        return None
    return amount


def _phone(value: str | None, field: str, errors: dict[str, list[str]], *, required: bool) -> str:
    if value is None or not value.strip():
        if required:
            errors.setdefault(field, []).append(_("A phone number is required."))
        return ""
    try:
        return normalise_phone(value)
    except ValueError as exc:
        errors.setdefault(field, []).append(str(exc))
        return ""


def _raise(errors: dict[str, list[str]]) -> None:
    if errors:
        raise ValidationFailed(_("Some fields are not valid."), fields=errors)
