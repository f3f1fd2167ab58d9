"""The resident identity number: checksum and masking (GB 11643)."""

from __future__ import annotations

import re

# Resident ID numbers (GB 11643): 17 digits and a check character.
_ID_WEIGHTS = (7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2)


_ID_CHECK = "10X98765432"


def resident_id_valid(number: str) -> bool:
    if not re.fullmatch(r"\d{17}[\dX]", number):
        return False
    total = sum(int(d) * w for d, w in zip(number[:17], _ID_WEIGHTS, strict=True))
    return _ID_CHECK[total % 11] == number[17]


def mask_id(number: str) -> str:
    """Only a masked copy is stored: the first 3 and last 4 characters of a long number."""
    if len(number) >= 10:
        return number[:3] + "*" * (len(number) - 7) + number[-4:]
    return "*" * max(len(number) - 2, 0) + number[-2:]
