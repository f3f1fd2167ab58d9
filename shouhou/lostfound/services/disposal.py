"""Archiving and disposal: both signatures (customer service and loss prevention), then disposed."""

from __future__ import annotations

import datetime as dt
from typing import TYPE_CHECKING

from django.db import transaction
from django.utils.translation import gettext as _

from shouhou.core.errors import (
    InvalidTransition,
    ValidationFailed,
)
from shouhou.org import roles as r

from ..models import (
    DisposalMethod,
    LostItem,
)
from .common import (
    S,
    _amount,
    _at_store,
    _check,
    _choice,
    _lock,
    _move,
    _now,
    _raise,
    _require,
    _text,
)

if TYPE_CHECKING:
    from shouhou.org.models import User

ARCHIVE_ROLES = (r.CLERK, r.SERVICE_DESK, r.CS_SUPERVISOR)


CS_SIGN_ROLES = (r.CS_SUPERVISOR,)


LP_SIGN_ROLES = (r.LP_SUPERVISOR,)


DISPOSE_ROLES = (r.ADMINISTRATION,)


SIDES = {"cs": CS_SIGN_ROLES, "lp": LP_SIGN_ROLES}


def item_archive(
    *, by: User, item: LostItem | int, location: object = "", now: dt.datetime | None = None
) -> LostItem:
    """Unclaimed after the archive period: placed with security and archived by the clerk."""
    _require(by, *ARCHIVE_ROLES)
    errors: dict[str, list[str]] = {}
    place = _text(location, "location", errors, max_length=60)
    _raise(errors)
    with transaction.atomic():
        item = _lock(by, item)
        _at_store(by, item.store_id)
        now = _now(now)
        return _move(
            item,
            "archive",
            S.ARCHIVED,
            by=by,
            now=now,
            archived_by=by,
            archived_at=now,
            archive_location=place,
        )


def item_sign_disposal(
    *, by: User, item: LostItem | int, side: str, now: dt.datetime | None = None
) -> LostItem:
    """One of the two disposal signatures: `side` "cs" (customer-service supervisor) or "lp"
    (loss-prevention supervisor). The same person cannot give both."""
    if side not in SIDES:
        raise ValidationFailed(fields={"side": [_("Choose one of the options.")]})
    _require(by, *SIDES[side])
    with transaction.atomic():
        item = _lock(by, item)
        other = item.lp_signed_by_id if side == "cs" else item.cs_signed_by_id
        mine = item.cs_signed_at if side == "cs" else item.lp_signed_at
        _check(item, "sign_disposal")
        if mine:
            raise InvalidTransition(_("This signature is given already."), code="signed_already")
        if other == by.pk:
            raise ValidationFailed(
                _("The two disposal signatures must come from two different people."),
                code="same_signer",
            )
        now = _now(now)
        values = (
            {"cs_signed_by": by, "cs_signed_at": now}
            if side == "cs"
            else {"lp_signed_by": by, "lp_signed_at": now}
        )
        return _move(item, "sign_disposal", None, by=by, now=now, **values)


def item_dispose(
    *,
    by: User,
    item: LostItem | int,
    method: object,
    proceeds: object = None,
    note: object = "",
    now: dt.datetime | None = None,
) -> LostItem:
    """Administration records how the item was disposed of, once both have signed."""
    _require(by, *DISPOSE_ROLES)
    errors: dict[str, list[str]] = {}
    how = _choice(method, "method", DisposalMethod, errors)
    text = _text(note, "note", errors, max_length=200, required=False)
    amount = _amount(proceeds, "proceeds", errors)
    if how == DisposalMethod.SOLD and amount is None and "proceeds" not in errors:
        errors.setdefault("proceeds", []).append(_("Record what the sale brought in."))
    if how and how != DisposalMethod.SOLD and amount is not None:
        errors.setdefault("proceeds", []).append(_("Proceeds are recorded for a sale only."))
    _raise(errors)
    with transaction.atomic():
        item = _lock(by, item)
        _check(item, "dispose")
        if not (item.cs_signed_at and item.lp_signed_at):
            raise InvalidTransition(
                _(
                    "Both the customer-service supervisor and the loss-prevention supervisor "
                    "must sign first."
                ),
                code="signatures_missing",
            )
        now = _now(now)
        return _move(
            item,
            "dispose",
            S.DISPOSED,
            by=by,
            now=now,
            disposed_by=by,
            disposed_at=now,
            disposal_method=how,
            disposal_proceeds=amount,
            disposal_note=text,
        )
