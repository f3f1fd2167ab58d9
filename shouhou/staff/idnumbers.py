"""PRC resident identity numbers (居民身份证号码, GB 11643): pure functions, no ORM.

18 characters: a 6-digit region code, the birth date YYYYMMDD, a 3-digit sequence and a check
character computed with ISO 7064 MOD 11-2 (0-9 or X).
"""

from __future__ import annotations

import datetime as dt

from django.utils.translation import gettext_lazy as _

WEIGHTS = (7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2)
CHECK_CHARS = "10X98765432"
# First two digits: provinces, autonomous regions, municipalities, Taiwan, Hong Kong, Macao.
PROVINCES = {
    "11", "12", "13", "14", "15", "21", "22", "23", "31", "32", "33", "34", "35", "36", "37",
    "41", "42", "43", "44", "45", "46", "50", "51", "52", "53", "54", "61", "62", "63", "64",
    "65", "71", "81", "82", "83", "91",
}  # fmt: skip


def check_char(first17: str) -> str:
    """The ISO 7064 MOD 11-2 check character for the first 17 digits."""
    total = sum(int(c) * w for c, w in zip(first17, WEIGHTS, strict=True))
    return CHECK_CHARS[total % 11]


def normalise_id_number(raw: str, *, today: dt.date | None = None) -> str:
    """Return the ID number in canonical form (upper-case X) or raise ValueError with a message."""
    text = (raw or "").strip().replace(" ", "").upper()
    if not text:
        raise ValueError(_("An ID number is required."))
    if len(text) != 18 or not text[:17].isdigit() or not (text[17].isdigit() or text[17] == "X"):
        raise ValueError(_("An ID number has 18 characters: 17 digits and a digit or X."))
    if text[:2] not in PROVINCES:
        raise ValueError(_("The ID number does not start with a valid region code."))
    try:
        born = dt.date(int(text[6:10]), int(text[10:12]), int(text[12:14]))
    except ValueError as exc:
        raise ValueError(_("The birth date in the ID number is not a real date.")) from exc
    if born.year < 1900 or born > (today or dt.date.today()):
        raise ValueError(_("The birth date in the ID number is not possible."))
    if check_char(text[:17]) != text[17]:
        raise ValueError(_("The ID number's check digit is wrong; please check the number."))
    return text


def is_valid_id_number(raw: str) -> bool:
    try:
        normalise_id_number(raw)
    except ValueError:
        return False
    return True


def birth_date(id_number: str) -> dt.date:
    return dt.date(int(id_number[6:10]), int(id_number[10:12]), int(id_number[12:14]))


def mask_id_number(id_number: str) -> str:
    """4101**********1234: the first and last four characters kept."""
    if not id_number:
        return ""
    if len(id_number) <= 8:
        return "*" * len(id_number)
    return f"{id_number[:4]}{'*' * (len(id_number) - 8)}{id_number[-4:]}"


def make_id_number(region: str, born: dt.date, sequence: int) -> str:
    """Build a valid number (used by factories and demo data)."""
    first17 = f"{region}{born:%Y%m%d}{sequence:03d}"
    return first17 + check_char(first17)
