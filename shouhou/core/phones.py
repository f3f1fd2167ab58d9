"""Chinese phone numbers, validated with `phonenumbers` (region CN), never a regex."""

from __future__ import annotations

import phonenumbers
from django.utils.translation import gettext_lazy as _

from .errors import ValidationFailed


def normalise_phone(raw: str, *, mobile_only: bool = False) -> str:
    """Return the number in a canonical form: 11 digits for a mobile, 0371-65551234 for a landline.

    Raises ValueError with a user-facing message when the number is not a real CN number.
    """
    text = (raw or "").strip().replace(" ", "").replace("-", "")
    if not text:
        raise ValueError(_("A phone number is required."))
    try:
        num = phonenumbers.parse(text, "CN")
    except phonenumbers.NumberParseException as exc:
        raise ValueError(_("This is not a phone number.")) from exc
    if num.country_code != 86 or not phonenumbers.is_valid_number(num):
        raise ValueError(_("This is not a valid Chinese phone number."))
    kind = phonenumbers.number_type(num)
    is_mobile = kind in (
        phonenumbers.PhoneNumberType.MOBILE,
        phonenumbers.PhoneNumberType.FIXED_LINE_OR_MOBILE,
    )
    if mobile_only and not is_mobile:
        raise ValueError(_("This is not a valid mobile number (11 digits, e.g. 13812345678)."))
    if is_mobile:
        return str(num.national_number)
    nsn = phonenumbers.national_significant_number(num)
    area = phonenumbers.length_of_geographical_area_code(num)
    return f"0{nsn[:area]}-{nsn[area:]}" if area else nsn


def is_mobile(number: str) -> bool:
    return len(number) == 11 and number.isdigit() and number.startswith("1")


def check_phone(field: str, raw: str, *, mobile_only: bool = False) -> str:
    try:
        return normalise_phone(raw, mobile_only=mobile_only)
    except ValueError as exc:
        raise ValidationFailed(fields={field: [str(exc)]}) from exc


def mask_phone(number: str) -> str:
    """138****1234 for mobiles; the last four digits kept for landlines."""
    if not number:
        return ""
    if is_mobile(number):
        return f"{number[:3]}****{number[-4:]}"
    return "*" * max(len(number) - 4, 0) + number[-4:]
