"""When each callback is due and from when it may be made (DOMAIN.md §6, seeds 001, 003, 004).

Pure date arithmetic over a working-day `Calendar` (shouhou.workdays.calendar): no ORM here, so
the rules are tested without a database. Callers pass the organisation's calendar
(`shouhou.workdays.services.calendar_for(org)`) and the numbers of its settings.

Every rule returns `Dates(available_on, due_on)`: the first day the call may be made and the day
it is due. `available_on` is None when it is the due day itself.

* after a delivery (`DeliverySettings.callback_offsets`, default "3d,1m,3m,6m"): "nd" is due n
  working days after the delivery and may be made from the next working day; "nm" is due n
  calendar months after it, moved to the next working day when that is not one;
* after an appointment (`WorkOrderSettings.callback_after_appointment_days`, default 1): due
  that many working days after the appointment date;
* after a completed service (`CallbackSettings.after_service_working_days`, default 3): due n
  working days after the completion, may be made from the next working day;
* holiday greetings (`CallbackSettings.greeting_holidays`): due on the first day of the holiday
  as the calendar names it, may be sent `greeting_lead_days` calendar days before;
* birthday greetings: due on the birthday in that year (29 February: 28 February in a year
  without it), may be sent `greeting_lead_days` calendar days before.
"""

from __future__ import annotations

import calendar as _cal
import datetime as dt
import re
from typing import NamedTuple

from shouhou.core.dates import add_months
from shouhou.workdays.calendar import Calendar, Holiday


class Dates(NamedTuple):
    available_on: dt.date | None
    due_on: dt.date

    @property
    def call_from(self) -> dt.date:
        return self.available_on or self.due_on


def _dates(available_on: dt.date | None, due_on: dt.date) -> Dates:
    return Dates(available_on if available_on and available_on < due_on else None, due_on)


# -- after a delivery ---------------------------------------------------------------------------
OFFSET = re.compile(r"^(\d{1,3})([dm])$")


def parse_offsets(raw: str) -> list[str]:
    """Parse "3d, 1m,3m ,6m" into ["3d", "1m", "3m", "6m"]; other entries are left out."""
    parts = [p.strip() for p in (raw or "").replace("，", ",").split(",")]
    return [p for p in parts if OFFSET.match(p)]


def after_delivery(delivered_on: dt.date, offset: str, cal: Calendar) -> Dates:
    """`offset` "nd": n working days (from the next working day on); "nm": n months, on the
    next working day when that day is not one."""
    m = OFFSET.match(offset)
    if m is None:
        raise ValueError(f"not a callback offset: {offset!r}")
    n, unit = int(m.group(1)), m.group(2)
    if unit == "d":
        return _dates(cal.add_working_days(delivered_on, 1), cal.add_working_days(delivered_on, n))
    return _dates(None, cal.add_working_days(add_months(delivered_on, n), 0))


# -- after an appointment -----------------------------------------------------------------------
def after_appointment(appointment_on: dt.date, working_days: int, cal: Calendar) -> Dates:
    """The call centre calls back `working_days` working days after the appointment date."""
    return _dates(None, cal.add_working_days(appointment_on, working_days))


# -- after a completed service ------------------------------------------------------------------
def after_service(completed_on: dt.date, working_days: int, cal: Calendar) -> Dates:
    """Due `working_days` working days after the completion ("within 3 days is most effective"),
    callable from the next working day on; 0 working days: the completion day (or the next
    working day when it is not one)."""
    due = cal.add_working_days(completed_on, working_days)
    if working_days <= 0:
        return _dates(None, due)
    return _dates(cal.add_working_days(completed_on, 1), due)


# -- holiday greetings --------------------------------------------------------------------------
# The longest official holiday (Spring Festival) is 9 days; look this far back to find where a
# holiday that is already running began.
LOOK_BACK_DAYS = 31


def holiday_starts(holidays: list[Holiday]) -> list[Holiday]:
    """The first day of each run of consecutive days with the same name (a holiday that spans a
    weekend is one run). `holidays` by date, as `Calendar.holidays_between` gives them."""
    starts: list[Holiday] = []
    previous: Holiday | None = None
    for h in sorted(holidays, key=lambda h: h.date):
        if previous is None or previous.name != h.name or (h.date - previous.date).days != 1:
            starts.append(h)
        previous = h
    return starts


def greetings_due(
    today: dt.date, lead_days: int, names: list[str], cal: Calendar
) -> list[tuple[Holiday, Dates]]:
    """Holidays named in `names` whose first day falls in [today, today + lead_days], with the
    greeting's dates (due on the first day, from `lead_days` calendar days before)."""
    end = today + dt.timedelta(days=lead_days)
    wanted = set(names)
    found = cal.holidays_between(today - dt.timedelta(days=LOOK_BACK_DAYS), end)
    return [
        (h, greeting(h.date, lead_days))
        for h in holiday_starts(found)
        if h.name in wanted and today <= h.date <= end
    ]


def greeting(day: dt.date, lead_days: int) -> Dates:
    """A greeting due on `day`, which may be sent from `lead_days` calendar days before (a
    greeting is not a business time limit: the days before are counted on the calendar)."""
    return _dates(day - dt.timedelta(days=lead_days), day)


# -- birthday greetings -------------------------------------------------------------------------
def birthday_in(year: int, birthday: dt.date) -> dt.date:
    """The birthday in `year`; 29 February is greeted on 28 February in a year without it."""
    if birthday.month == 2 and birthday.day == 29 and not _cal.isleap(year):
        return dt.date(year, 2, 28)
    return dt.date(year, birthday.month, birthday.day)


def birthday_greeting(birthday: dt.date, year: int, lead_days: int) -> Dates:
    return greeting(birthday_in(year, birthday), lead_days)


def birthdays_in_window(today: dt.date, lead_days: int) -> dict[dt.date, list[tuple[int, int]]]:
    """For each day of [today, today + lead_days]: the (month, day) of the birthdays greeted on
    it — its own, plus 29 February on 28 February of a year without it."""
    out: dict[dt.date, list[tuple[int, int]]] = {}
    for i in range(lead_days + 1):
        d = today + dt.timedelta(days=i)
        pairs = [(d.month, d.day)]
        if d.month == 2 and d.day == 28 and not _cal.isleap(d.year):
            pairs.append((2, 29))
        out[d] = pairs
    return out
