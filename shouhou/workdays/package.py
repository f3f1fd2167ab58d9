"""The official schedule bundled with the `chinesecalendar` package (import `chinese_calendar`).

Pure data access, no ORM: `package_years()` lists the years the installed package knows and
`package_year(year)` gives that year's exceptions as `{date: (is_working, name)}`, with Chinese
names: holidays by festival ("春节", "国庆节"...; holidays falling on a weekend are included),
make-up working days as "调休上班（春节）".
"""

from __future__ import annotations

import datetime as dt
from functools import cache

from chinese_calendar import constants

# Fuller names than the package's short ones ("中秋" -> "中秋节"), for greetings and pages.
_NAMES = {
    "New Year's Day": "元旦",
    "Spring Festival": "春节",
    "Tomb-sweeping Day": "清明节",
    "Labour Day": "劳动节",
    "Dragon Boat Festival": "端午节",
    "National Day": "国庆节",
    "Mid-autumn Festival": "中秋节",
}
MAKEUP_DAY = "调休上班"


def holiday_name(value: str) -> str:
    """The Chinese name of one of the package's holiday values ("Spring Festival" -> "春节")."""
    if value in _NAMES:
        return _NAMES[value]
    for member in constants.Holiday:
        if member.value == value:
            return str(member.chinese)
    return value


def makeup_name(value: str | None) -> str:
    return f"{MAKEUP_DAY}（{holiday_name(value)}）" if value else MAKEUP_DAY


@cache
def _by_year() -> dict[int, dict[dt.date, tuple[bool, str]]]:
    years: dict[int, dict[dt.date, tuple[bool, str]]] = {}
    for d, value in constants.holidays.items():
        years.setdefault(d.year, {})[d] = (False, holiday_name(value))
    for d, value in constants.workdays.items():
        years.setdefault(d.year, {})[d] = (True, makeup_name(value))
    return years


def package_years() -> list[int]:
    """The years the installed chinesecalendar package has an official schedule for."""
    return sorted(_by_year())


def package_year(year: int) -> dict[dt.date, tuple[bool, str]]:
    """That year's exceptions from the package ({} for a year it does not know)."""
    return dict(_by_year().get(year, {}))
