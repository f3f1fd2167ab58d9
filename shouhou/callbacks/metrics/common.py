"""What the callback metrics share: who may read them, the period and store parsed from a request,
the working-day deadlines, percentages.
"""

from __future__ import annotations

import datetime as dt
from decimal import ROUND_HALF_UP, Decimal

from django.db.models import (
    Case,
    DateTimeField,
    Q,
    Value,
    When,
)
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from shouhou.core.errors import PermissionDeniedError, ValidationFailed
from shouhou.org import roles as r
from shouhou.org.models import Store

from ..services import settings_for

MAX_PERIOD_DAYS = 366


LIST_LIMIT = 50  # rows of the page's lists


XLSX_LIST_LIMIT = 5000  # rows of the workbook's lists


READER_ROLES = tuple(sorted(r.OFFICE_ROLES))


IN_TIME, LATE, MISSING, PENDING = "in_time", "late", "missing", "pending"


STATES = (IN_TIME, LATE, MISSING, PENDING)


GROUPINGS = {
    "store": gettext_lazy("Store"),
    "technician": gettext_lazy("Technician"),
    "product": gettext_lazy("Product model"),
}


SATISFACTION_TITLES = {
    "store": gettext_lazy("Satisfaction by store"),
    "technician": gettext_lazy("Satisfaction by technician"),
    "product": gettext_lazy("Satisfaction by product model"),
}


DELIVERED_STATUSES = ("delivered", "reported")


_CENT = Decimal("0.01")


_TENTH = Decimal("0.1")


# -- who may read, and the inputs -------------------------------------------------------------
def can_read(user) -> bool:
    return bool(getattr(user, "organisation_id", None)) and r.has_role(user, *READER_ROLES)


def require_reader(user) -> None:
    if not can_read(user):
        raise PermissionDeniedError(
            _("Callback coverage is for the customer-service office."), code="role_required"
        )


def default_period(today: dt.date) -> tuple[dt.date, dt.date]:
    """This month: its first and last day."""
    first = today.replace(day=1)
    last = (first + dt.timedelta(days=32)).replace(day=1) - dt.timedelta(days=1)
    return first, last


def period_errors(date_from: dt.date, date_to: dt.date) -> dict[str, list[str]]:
    """What is wrong with a period (field name -> messages); empty when it is fine."""
    if date_from > date_to:
        return {"to": [_("The end of the period is before its start.")]}
    if (date_to - date_from).days + 1 > MAX_PERIOD_DAYS:
        return {"to": [_("A period can be at most %(n)s days.") % {"n": MAX_PERIOD_DAYS}]}
    return {}


def parse_period(raw_from, raw_to, *, today: dt.date) -> tuple[dt.date, dt.date]:
    """`from` / `to` as YYYY-MM-DD (either may be empty: this month); ValidationFailed naming
    the field otherwise."""
    default_from, default_to = default_period(today)
    errors: dict[str, list[str]] = {}
    values = {}
    for field, raw, default in (("from", raw_from, default_from), ("to", raw_to, default_to)):
        if raw in (None, ""):
            values[field] = default
            continue
        try:
            values[field] = dt.date.fromisoformat(str(raw).strip())
        except ValueError:
            errors[field] = [_("Enter a valid date (YYYY-MM-DD).")]
    if not errors:
        errors = period_errors(values["from"], values["to"])
    if errors:
        raise ValidationFailed(fields=errors)
    return values["from"], values["to"]


def resolve_store(organisation, raw):
    """The organisation's store with id `raw` (None for empty); ValidationFailed otherwise."""

    if raw in (None, ""):
        return None
    try:
        pk = int(raw)
    except (TypeError, ValueError):
        pk = None
    store = Store.objects.filter(organisation=organisation, pk=pk).first() if pk else None
    if store is None:
        raise ValidationFailed(fields={"store": [_("Choose one of your organisation's stores.")]})
    return store


def resolve_grouping(raw) -> str:
    by = raw or "store"
    if by not in GROUPINGS:
        raise ValidationFailed(
            fields={"by": [_("Use one of: %(choices)s.") % {"choices": ", ".join(GROUPINGS)}]}
        )
    return by


def target_pct(settings) -> Decimal:
    return Decimal(settings.coverage_target_pct)


def _settings(organisation):
    return settings_for(organisation)


# -- small helpers ----------------------------------------------------------------------------
def _start_of(cal, day: dt.date) -> dt.datetime:
    """The first moment of a local date, aware (the calendar's time zone)."""
    return dt.datetime.combine(day, dt.time.min, tzinfo=cal.tz)


def _bounds(cal, date_from: dt.date, date_to: dt.date) -> tuple[dt.datetime, dt.datetime]:
    return _start_of(cal, date_from), _start_of(cal, date_to + dt.timedelta(days=1))


def _pct(part: int, whole: int, places: Decimal = _TENTH) -> Decimal | None:
    if not whole:
        return None
    return (Decimal(part) * 100 / Decimal(whole)).quantize(places, rounding=ROUND_HALF_UP)


def deadline_for(cal, day: dt.date, n: int) -> dt.date:
    """The last day a callback of something completed on `day` is in time."""
    return cal.add_working_days(day, n)


def _cutoff_case(field: str, cal, date_from: dt.date, date_to: dt.date, n: int) -> Case:
    """For a row completed (`field`) in the period: the first moment that is too late.

    One branch per run of consecutive completion dates sharing a deadline (a Friday, the
    weekend and the holiday after it all end on the same day), tested in date order, so the
    first `field < end of run` that holds is the row's run.
    """
    runs: list[list] = []  # [first day after the run, cutoff]
    day = date_from
    while day <= date_to:
        cutoff = _start_of(cal, deadline_for(cal, day, n) + dt.timedelta(days=1))
        if runs and runs[-1][1] == cutoff:
            runs[-1][0] = day + dt.timedelta(days=1)
        else:
            runs.append([day + dt.timedelta(days=1), cutoff])
        day += dt.timedelta(days=1)
    return Case(
        *[
            When(**{f"{field}__lt": _start_of(cal, end)}, then=Value(cutoff))
            for end, cutoff in runs
        ],
        default=Value(None),
        output_field=DateTimeField(),
    )


def _local_date(cal, moment):
    return cal.local_date(moment) if moment is not None else None


# -- overdue tasks ----------------------------------------------------------------------------
def _store_q(store) -> Q:
    return (
        Q(work_order__store=store)
        | Q(delivery__contract__store=store)
        | Q(work_order__isnull=True, delivery__isnull=True, customer__store=store)
    )
