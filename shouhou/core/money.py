"""Money is Decimal yuan with two places, never float."""

from __future__ import annotations

from decimal import ROUND_HALF_UP, Decimal, InvalidOperation
from typing import Any

from django.core.validators import MinValueValidator
from django.db import models
from django.utils.translation import gettext_lazy as _

CENT = Decimal("0.01")
# MoneyField's column: 12 digits, 2 of them decimals; anything larger overflows the database.
MONEY_MAX = Decimal("9999999999.99")


def to_money(value: object) -> Decimal:
    """Parse a value into Decimal yuan; refuse more than two decimals rather than round silently."""
    try:
        d = value if isinstance(value, Decimal) else Decimal(str(value).strip())
    except (InvalidOperation, ValueError, TypeError) as exc:
        raise ValueError(_("Not an amount of money.")) from exc
    if not d.is_finite():
        raise ValueError(_("Not an amount of money."))
    if d != d.quantize(CENT):
        raise ValueError(_("An amount has at most two decimals (fen)."))
    if abs(d) > MONEY_MAX:
        raise ValueError(_("An amount is at most 9,999,999,999.99 yuan."))
    return d.quantize(CENT, rounding=ROUND_HALF_UP)


def quantize(value: Decimal) -> Decimal:
    return Decimal(value).quantize(CENT, rounding=ROUND_HALF_UP)


class MoneyField(models.DecimalField):  # type: ignore[type-arg]  # generic only in the stubs
    """A yuan amount: 12 digits, 2 decimals."""

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        kwargs.setdefault("max_digits", 12)
        kwargs.setdefault("decimal_places", 2)
        super().__init__(*args, **kwargs)

    def deconstruct(self) -> Any:
        name, path, args, kwargs = super().deconstruct()
        return name, "django.db.models.DecimalField", args, kwargs


non_negative = MinValueValidator(Decimal("0.00"), message=_("The amount cannot be negative."))
positive = MinValueValidator(Decimal("0.01"), message=_("The amount must be more than zero."))
