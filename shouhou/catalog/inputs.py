"""Checking raw input inside services: each helper adds its message to `errors` and goes on,
so a service can report every bad field at once (`ValidationFailed(fields=errors)`).

Values may come typed (from a form or another service) or raw (strings from an API body).
"""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

from django.db import models
from django.utils.translation import gettext_lazy as _

from shouhou.core.money import to_money

REQUIRED = _("This field is required.")
UNKNOWN = _("Unknown: there is no such record in your organisation.")


def add(errors: dict, field: str, message) -> None:
    errors.setdefault(field, []).append(str(message))


def text(value, field: str, errors: dict, *, max_length: int, required: bool = False) -> str:
    if value is None:
        value = ""
    if not isinstance(value, str):
        add(errors, field, _("Enter text."))
        return ""
    value = value.strip()
    if required and not value:
        add(errors, field, REQUIRED)
    elif len(value) > max_length:
        add(
            errors,
            field,
            _("At most %(n)d characters (this has %(len)d).")
            % {"n": max_length, "len": len(value)},
        )
    return value


def as_id(value):
    """A primary key from an int or a string of digits; None for anything else."""
    if isinstance(value, bool):
        return None
    if isinstance(value, int):
        return value if value > 0 else None
    if isinstance(value, str) and value.strip().isdigit():
        return int(value.strip())
    return None


def ref(
    model: type[models.Model],
    value,
    field: str,
    errors: dict,
    *,
    organisation_id: int,
    required: bool = False,
    queryset=None,
):
    """An instance of `model` in the organisation, from an instance or a primary key.

    Anything else (another organisation's row, a row the caller may not use, a bad id) is
    reported as unknown, so ids of other organisations do not leak.
    """
    if value is None or value == "":
        if required:
            add(errors, field, REQUIRED)
        return None
    qs = queryset if queryset is not None else model.objects.all()
    if isinstance(value, model):
        if value.organisation_id != organisation_id or not qs.filter(pk=value.pk).exists():
            add(errors, field, UNKNOWN)
            return None
        return value
    pk = as_id(value)
    obj = qs.filter(organisation_id=organisation_id, pk=pk).first() if pk else None
    if obj is None:
        add(errors, field, UNKNOWN)
    return obj


def boolean(value, field: str, errors: dict, *, default: bool = False) -> bool:
    if value is None or value == "":
        return default
    if isinstance(value, bool):
        return value
    if isinstance(value, str) and value.strip().lower() in ("true", "1", "yes", "on"):
        return True
    if isinstance(value, str) and value.strip().lower() in ("false", "0", "no", "off"):
        return False
    add(errors, field, _("Enter true or false."))
    return default


def whole_number(
    value,
    field: str,
    errors: dict,
    *,
    minimum: int,
    maximum: int,
    required: bool = True,
    message=None,
):
    """An integer in [minimum, maximum]; "1.5", 1.5, True and "abc" are refused."""
    if value is None or value == "":
        if required:
            add(errors, field, REQUIRED)
        return None
    number = None
    if isinstance(value, int) and not isinstance(value, bool):
        number = value
    elif isinstance(value, str) and value.strip().lstrip("-").isdigit():
        number = int(value.strip())
    elif isinstance(value, Decimal | float) and value == int(value):
        number = int(value)
    if number is None:
        add(errors, field, _("Enter a whole number."))
        return None
    if number < minimum or number > maximum:
        add(
            errors,
            field,
            message
            or _("Enter a whole number from %(a)d to %(b)d.") % {"a": minimum, "b": maximum},
        )
        return None
    return number


MAX_MONEY = Decimal("9999999999.99")


def money(value, field: str, errors: dict, *, required: bool = True, default=None):
    """Decimal yuan, not negative, at most two decimals (shouhou.core.money.to_money)."""
    if value is None or value == "":
        if required:
            add(errors, field, REQUIRED)
        return default
    if isinstance(value, bool):
        add(errors, field, _("Not an amount of money."))
        return default
    try:
        amount = to_money(value)
    except ValueError as exc:
        add(errors, field, exc)
        return default
    if amount < 0:
        add(errors, field, _("The amount cannot be negative."))
        return default
    if amount > MAX_MONEY:
        add(errors, field, _("The amount is too large."))
        return default
    return amount


def date(value, field: str, errors: dict, *, required: bool = False):
    if value is None or value == "":
        if required:
            add(errors, field, REQUIRED)
        return None
    if isinstance(value, dt.datetime):
        add(errors, field, _("Enter a date (YYYY-MM-DD)."))
        return None
    if isinstance(value, dt.date):
        return value
    if isinstance(value, str):
        try:
            return dt.date.fromisoformat(value.strip())
        except ValueError:
            pass
    add(errors, field, _("Enter a date (YYYY-MM-DD)."))
    return None
