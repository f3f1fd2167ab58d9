"""API: the organisation's calendar years (read-only) and deadline arithmetic for clients.

* `GET /api/v1/workdays/calendars/` and `/api/v1/workdays/calendars/<year>/`: years with days.
* `GET /api/v1/workdays/add/?start=...&days=N` (or `&hours=H`): the due date/time.
* `GET /api/v1/workdays/between/?start=...&end=...`: working days and working seconds.

Any member of an organisation may read them (the calendar is not confidential; technicians'
clients show due times). Dates are `YYYY-MM-DD`; datetimes ISO 8601, a naive one is read as
Asia/Shanghai time.
"""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Callable
from typing import Any

from django.db.models import QuerySet
from django.urls import path
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiParameter, extend_schema, inline_serializer
from rest_framework import serializers, viewsets
from rest_framework.decorators import api_view
from rest_framework.request import Request
from rest_framework.response import Response

from shouhou.core.errors import PermissionDeniedError, ValidationFailed

from . import selectors, services
from .models import WorkCalendar, WorkCalendarDay

MAX_DAYS = 3660
MAX_HOURS = 100_000


class WorkCalendarDayOut(serializers.ModelSerializer):
    class Meta:
        model = WorkCalendarDay
        fields = ["date", "is_working", "name"]


class WorkCalendarOut(serializers.ModelSerializer):
    days = WorkCalendarDayOut(many=True, read_only=True)
    entered_by = serializers.StringRelatedField()
    holiday_count = serializers.IntegerField(read_only=True)
    workday_count = serializers.IntegerField(read_only=True)

    class Meta:
        model = WorkCalendar
        fields = [
            "organisation",
            "year",
            "source",
            "note",
            "entered_by",
            "updated_at",
            "holiday_count",
            "workday_count",
            "days",
        ]


class WorkCalendarViewSet(viewsets.ReadOnlyModelViewSet):
    """The working-day calendar years of the caller's organisation, each with its exception days
    (holidays with `is_working=false`, make-up working days with `is_working=true`). A year that
    is not listed is counted Monday to Friday."""

    serializer_class = WorkCalendarOut
    lookup_field = "year"
    lookup_value_regex = r"\d{4}"
    filter_backends: list[Any] = []  # a handful of rows per organisation

    def get_queryset(self) -> QuerySet[WorkCalendar]:
        return selectors.workcalendar_list(user=self.request.user)

    def get_object(self) -> WorkCalendar:
        return selectors.workcalendar_get(user=self.request.user, year=int(self.kwargs["year"]))


def _moment(value: str | None, field: str) -> Any:
    """A date (YYYY-MM-DD) or an aware datetime (naive -> Asia/Shanghai)."""
    value = (value or "").strip()
    if not value:
        raise ValidationFailed(fields={field: [_("This parameter is required.")]})
    if len(value) == 10:
        try:
            return dt.date.fromisoformat(value)
        except ValueError:
            pass
    # "+08:00" arrives as " 08:00" when the client did not encode the "+" of the query string
    m = re.fullmatch(r"(\d{4}-\d{2}-\d{2}T[\d:.]+) (\d{2}:?\d{2})", value)
    if m:
        value = f"{m[1]}+{m[2]}"
    try:
        moment = dt.datetime.fromisoformat(value)
    except ValueError:
        raise ValidationFailed(
            fields={field: [_("Give a date (YYYY-MM-DD) or a datetime (ISO 8601).")]}
        ) from None
    if timezone.is_naive(moment):
        moment = timezone.make_aware(moment)
    return moment


def _organisation(request: Request) -> Any:
    org = getattr(request.user, "organisation", None)
    if org is None:
        raise PermissionDeniedError(_("You do not belong to an organisation."))
    return org


def _out(value: dt.date | dt.datetime) -> str:
    if isinstance(value, dt.datetime):
        return timezone.localtime(value).isoformat()
    return value.isoformat()


def _number(request: Request, name: str, cast: Callable[[str], Any], low: Any, high: Any) -> Any:
    raw = request.query_params.get(name)
    if raw in (None, ""):
        return None
    try:
        value = cast(raw)
    except (TypeError, ValueError):
        raise ValidationFailed(fields={name: [_("Enter a number.")]}) from None
    if not low <= value <= high:
        raise ValidationFailed(
            fields={name: [_("Must be between %(low)s and %(high)s.") % {"low": low, "high": high}]}
        )
    return value


def _decimal(raw: str) -> Any:
    from decimal import Decimal, InvalidOperation

    try:
        value = Decimal(raw)
    except InvalidOperation:
        raise ValueError(raw) from None
    if not value.is_finite():
        raise ValueError(raw)
    return value


@extend_schema(
    parameters=[
        OpenApiParameter(
            "start",
            OpenApiTypes.STR,
            required=True,
            description="YYYY-MM-DD or an ISO 8601 datetime (naive = Asia/Shanghai)",
        ),
        OpenApiParameter("days", OpenApiTypes.INT, description="working days to add (>= 0)"),
        OpenApiParameter(
            "hours", OpenApiTypes.NUMBER, description="working hours to add (>= 0), not with days"
        ),
    ],
    responses=inline_serializer(
        "WorkdaysAdd",
        {
            "start": serializers.CharField(),
            "days": serializers.IntegerField(allow_null=True),
            "hours": serializers.CharField(allow_null=True),
            "due": serializers.CharField(),
            "due_is_working_day": serializers.BooleanField(),
            "covered": serializers.BooleanField(),
            "warnings": serializers.ListField(child=serializers.CharField()),
        },
    ),
)
@api_view(["GET"])
def add(request: Request) -> Response:
    """The due date of `start` + `days` working days, or `start` + `hours` working hours.

    A date plus n days is the n-th working day after it (0: itself if working, else the next).
    A datetime is first moved to the next working moment (office hours of a working day), then
    moved n working days keeping its time of day. Hours consume office time only.
    """
    org = _organisation(request)
    start = _moment(request.query_params.get("start"), "start")
    days = _number(request, "days", int, 0, MAX_DAYS)
    hours = _number(request, "hours", _decimal, 0, MAX_HOURS)
    if (days is None) == (hours is None):
        raise ValidationFailed(fields={"days": [_("Give either days or hours.")]})
    cal = services.calendar_for(org)
    if days is not None:
        due = cal.add_working_days(start, days)
    else:
        if not isinstance(start, dt.datetime):
            raise ValidationFailed(fields={"start": [_("Working hours need a datetime.")]})
        due = cal.add_working_hours(start, hours)
    due_date = cal.local_date(due)
    years = sorted({cal.local_date(start).year, due_date.year})
    return Response(
        {
            "start": _out(start),
            "days": days,
            "hours": None if hours is None else str(hours),
            "due": _out(due),
            "due_is_working_day": cal.is_working_day(due_date),
            "covered": all(cal.covers(y) for y in years),
            "warnings": [selectors.uncovered_warning(y) for y in years if not cal.covers(y)],
        }
    )


@extend_schema(
    parameters=[
        OpenApiParameter("start", OpenApiTypes.STR, required=True),
        OpenApiParameter("end", OpenApiTypes.STR, required=True),
    ],
    responses=inline_serializer(
        "WorkdaysBetween",
        {
            "working_days": serializers.IntegerField(),
            "working_seconds": serializers.FloatField(allow_null=True),
        },
    ),
)
@api_view(["GET"])
def between(request: Request) -> Response:
    """Working days in (start, end] by date, and, for datetimes, the seconds of office time in
    [start, end)."""
    org = _organisation(request)
    start = _moment(request.query_params.get("start"), "start")
    end = _moment(request.query_params.get("end"), "end")
    if isinstance(start, dt.datetime) != isinstance(end, dt.datetime):
        raise ValidationFailed(fields={"end": [_("Give two dates or two datetimes.")]})
    cal = services.calendar_for(org)
    both_moments = isinstance(start, dt.datetime)
    return Response(
        {
            "working_days": cal.working_days_between(start, end),
            "working_seconds": cal.working_seconds_between(start, end) if both_moments else None,
        }
    )


def register(router: Any) -> None:
    """Add this app's viewsets to the /api/v1/ router."""
    router.register("workdays/calendars", WorkCalendarViewSet, basename="workdays-calendar")


extra_urls = [
    path("workdays/add/", add, name="workdays-add"),
    path("workdays/between/", between, name="workdays-between"),
]
