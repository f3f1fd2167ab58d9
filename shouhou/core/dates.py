"""Calendar-month arithmetic, the one copy every app uses (working days live in `workdays`)."""

from __future__ import annotations

import calendar
import datetime as dt
from zoneinfo import ZoneInfo

from django.utils import timezone


def add_months(day: dt.date, months: int) -> dt.date:
    """The same day `months` later (or earlier), on the month's last day when it is shorter:
    31 January + 1 month = 28 (29) February; 29 February + 12 months = 28 February."""
    index = day.year * 12 + day.month - 1 + months
    year, month = divmod(index, 12)
    month += 1
    return dt.date(year, month, min(day.day, calendar.monthrange(year, month)[1]))


def month_start(day: dt.date) -> dt.date:
    """The first day of the day's month."""
    return day.replace(day=1)


def month_last_day(day: dt.date) -> dt.date:
    """The last day of the day's month."""
    return day.replace(day=calendar.monthrange(day.year, day.month)[1])


def month_bounds(
    month: dt.date, tz: dt.tzinfo | ZoneInfo | None = None
) -> tuple[dt.datetime, dt.datetime]:
    """[start, end) of the month of `month` as aware datetimes (default: settings.TIME_ZONE)."""
    tz = tz or timezone.get_default_timezone()
    first = month_start(month)
    return (
        dt.datetime.combine(first, dt.time.min, tzinfo=tz),
        dt.datetime.combine(add_months(first, 1), dt.time.min, tzinfo=tz),
    )
