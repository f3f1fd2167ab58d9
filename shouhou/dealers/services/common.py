"""What the dealer services share: settings, input parsing, the own-dealer check and numbering."""

from __future__ import annotations

from decimal import Decimal
from typing import TYPE_CHECKING, TypeVar

from django.db import models
from django.utils.translation import gettext as _

from shouhou.core.errors import (
    NotFoundError,
)
from shouhou.core.money import to_money

from .. import access as A
from ..models import (
    ZERO,
    DealerSettings,
    RepairRecord,
    ServiceTask,
    WarrantyCard,
    WriteOffNotice,
)

if TYPE_CHECKING:
    from shouhou.org.models import Organisation, User

settings_for = DealerSettings.for_org


S = RepairRecord.Status


def _text(
    value: str | None,
    field: str,
    errors: dict[str, list[str]],
    message: str,
    *,
    required: bool = True,
    max_length: int | None = None,
) -> str:
    text = (value or "").strip()
    if required and not text:
        errors[field] = [message]
    if max_length and len(text) > max_length:
        errors[field] = [_("At most %(n)s characters.") % {"n": max_length}]
    return text


def _money(value: object, field: str, errors: dict[str, list[str]]) -> Decimal:
    try:
        amount = to_money(value)
    except ValueError as exc:
        errors[field] = [str(exc)]
        return ZERO
    if amount < 0:
        errors[field] = [_("The amount cannot be negative.")]
    return amount


# The rows a dealer's login reaches only for its own dealer.
_Owned = TypeVar("_Owned", RepairRecord, ServiceTask, WarrantyCard, WriteOffNotice)

# The rows numbered per organisation.
_Numbered = TypeVar("_Numbered", RepairRecord, WriteOffNotice)


def _pk(obj: object) -> int:
    """The primary key of an instance, or a number (or a string of one); NotFoundError else."""
    value = obj.pk if isinstance(obj, models.Model) else obj
    if not isinstance(value, int | str | float | Decimal):
        raise NotFoundError()
    try:
        return int(value)
    except ValueError:
        raise NotFoundError() from None


def _own(model: type[_Owned], user: User, obj: object) -> _Owned:
    """Load `obj` (or its pk) of `model` in the user's organisation, and for a dealer's login
    only of its own dealer; NotFoundError otherwise."""
    pk = _pk(obj)
    if user.organisation_id is None:
        raise NotFoundError()
    qs = model.objects.filter(pk=pk, organisation_id=user.organisation_id)
    dealer = A.member_dealer(user)
    if dealer is not None:
        qs = qs.filter(dealer=dealer)
    row = qs.select_for_update().first()
    if row is None:
        raise NotFoundError()
    return row


def _next_number(model: type[_Numbered], organisation: Organisation | int, prefix: str) -> str:
    n = model.objects.filter(organisation=organisation, number__startswith=prefix).count() + 1
    while model.objects.filter(organisation=organisation, number=f"{prefix}{n:04d}").exists():
        n += 1
    return f"{prefix}{n:04d}"
