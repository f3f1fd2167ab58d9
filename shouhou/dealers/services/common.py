"""What the dealer services share: settings, input parsing, the own-dealer check and numbering."""

from __future__ import annotations

from decimal import Decimal

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
)

settings_for = DealerSettings.for_org


S = RepairRecord.Status


def _text(value, field, errors, message, *, required=True, max_length=None) -> str:
    value = (value or "").strip()
    if required and not value:
        errors[field] = [message]
    if max_length and len(value) > max_length:
        errors[field] = [_("At most %(n)s characters.") % {"n": max_length}]
    return value


def _money(value, field, errors) -> Decimal:
    try:
        amount = to_money(value)
    except ValueError as exc:
        errors[field] = [str(exc)]
        return ZERO
    if amount < 0:
        errors[field] = [_("The amount cannot be negative.")]
    return amount


def _own(model, user, obj):
    """Load `obj` (or its pk) of `model` in the user's organisation, and for a dealer's login
    only of its own dealer; NotFoundError otherwise."""
    pk = getattr(obj, "pk", obj)
    try:
        pk = int(pk)
    except (TypeError, ValueError):
        raise NotFoundError() from None
    qs = model.objects.filter(pk=pk, organisation_id=user.organisation_id)
    dealer = A.member_dealer(user)
    if dealer is not None:
        qs = qs.filter(dealer=dealer)
    row = qs.select_for_update().first()
    if row is None:
        raise NotFoundError()
    return row


def _next_number(model, organisation, prefix: str) -> str:
    n = model.objects.filter(organisation=organisation, number__startswith=prefix).count() + 1
    while model.objects.filter(organisation=organisation, number=f"{prefix}{n:04d}").exists():
        n += 1
    return f"{prefix}{n:04d}"
