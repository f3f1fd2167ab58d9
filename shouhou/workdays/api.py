"""API: the organisation's calendar years and deadline arithmetic for clients.

* `GET /api/v1/workdays/calendars/` and `/api/v1/workdays/calendars/<year>/`: years with days.
* administrators (administration, cs_manager): `PUT /api/v1/workdays/calendars/<year>/` enters
  the whole year (`holidays`, `workdays`: lists of `{date, name}`); `POST .../<year>/days/`
  sets one day (`date`, `is_working`, `name`), `DELETE .../<year>/days/<date>/` removes one;
  `POST /api/v1/workdays/calendars/import-notice/` reads the State Council's notice text
  (`text`, optional `year`) and with `dry_run: true` only shows the days it read.
* `GET /api/v1/calendar/is-working-day?date=YYYY-MM-DD` and
  `GET /api/v1/calendar/add-working-days?date=YYYY-MM-DD&days=N`: the same calendar for other
  systems.
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
from decimal import Decimal, InvalidOperation
from typing import Any

from django.db.models import QuerySet
from django.urls import path, re_path
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiParameter, extend_schema, inline_serializer
from rest_framework import serializers, viewsets
from rest_framework.decorators import action, api_view
from rest_framework.request import Request
from rest_framework.response import Response

from shouhou.core.api import IntegerIn
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
    holiday_count = IntegerIn(read_only=True)
    workday_count = IntegerIn(read_only=True)

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


class DayIn(serializers.Serializer):
    date = serializers.DateField()
    name = serializers.CharField(required=False, allow_blank=True, default="", max_length=50)


class YearIn(serializers.Serializer):
    holidays = DayIn(many=True, required=False, default=list)
    workdays = DayIn(many=True, required=False, default=list)
    note = serializers.CharField(required=False, allow_blank=True, default="", max_length=500)


class DaySetIn(serializers.Serializer):
    date = serializers.DateField()
    is_working = serializers.BooleanField()
    name = serializers.CharField(required=False, allow_blank=True, default="", max_length=50)


class NoticeIn(serializers.Serializer):
    text = serializers.CharField(max_length=20000)
    year = IntegerIn(required=False, allow_null=True, default=None)
    dry_run = serializers.BooleanField(required=False, default=False)
    note = serializers.CharField(required=False, allow_blank=True, default="", max_length=500)


class NoticeSectionOut(serializers.Serializer):
    name = serializers.CharField()
    first = serializers.DateField()
    last = serializers.DateField()
    days = IntegerIn()
    workdays = serializers.ListField(child=serializers.DateField())


class NoticeOut(serializers.Serializer):
    year = IntegerIn()
    saved = serializers.BooleanField()
    holidays = DayIn(many=True)
    workdays = DayIn(many=True)
    sections = NoticeSectionOut(many=True)
    warnings = serializers.ListField(child=serializers.CharField())


def _valid(cls, data) -> dict:
    ser = cls(data=data)
    if not ser.is_valid():
        raise ValidationFailed(fields={k: [str(e) for e in v] for k, v in ser.errors.items()})
    return ser.validated_data


def _editor_org(request):
    org = _organisation(request)
    if not selectors.can_edit(request.user):
        raise PermissionDeniedError(
            _("Only an administrator or the customer-service manager changes the calendar.")
        )
    return org


class WorkCalendarViewSet(viewsets.ReadOnlyModelViewSet):
    """The working-day calendar years of the caller's organisation, each with its exception days
    (holidays with `is_working=false`, make-up working days with `is_working=true`). A year that
    is not listed is counted Monday to Friday. Administrators write through `PUT <year>/`,
    `days/` and `import-notice/`."""

    serializer_class = WorkCalendarOut
    lookup_field = "year"
    lookup_value_regex = r"\d{4}"
    filter_backends: list[Any] = []  # a handful of rows per organisation

    def get_queryset(self) -> QuerySet[WorkCalendar]:
        return selectors.workcalendar_list(user=self.request.user)

    def get_object(self) -> WorkCalendar:
        return selectors.workcalendar_get(user=self.request.user, year=int(self.kwargs["year"]))

    def _year_out(self, year: int):
        return WorkCalendarOut(selectors.workcalendar_get(user=self.request.user, year=year)).data

    @extend_schema(request=YearIn, responses=WorkCalendarOut)
    def update(self, request, year=None):
        """Enter (or replace) the whole year: every holiday (weekend days of a holiday included,
        each with its name) and every make-up working day (a Saturday or Sunday)."""
        org = _editor_org(request)
        d = _valid(YearIn, request.data)
        services.calendar_enter_year(
            organisation=org,
            year=int(year),
            holidays=[(x["date"], x["name"]) for x in d["holidays"]],
            workdays=[(x["date"], x["name"]) for x in d["workdays"]],
            by=request.user,
            note=d["note"],
        )
        return Response(self._year_out(int(year)))

    @extend_schema(request=DaySetIn, responses=WorkCalendarDayOut)
    @action(detail=True, methods=["post"], url_path="days")
    def day_set(self, request, year=None):
        """Add or change one holiday or make-up working day of a year already entered."""
        org = _editor_org(request)
        d = _valid(DaySetIn, request.data)
        if d["date"].year != int(year):
            raise ValidationFailed(
                fields={"date": [_("The date must be in %(year)s.") % {"year": year}]}
            )
        day = services.calendar_day_set(
            by=request.user,
            organisation=org,
            date=d["date"],
            is_working=d["is_working"],
            name=d["name"],
        )
        return Response(WorkCalendarDayOut(day).data)

    @extend_schema(request=None, responses={204: None})
    @action(
        detail=True,
        methods=["delete"],
        url_path=r"days/(?P<day>\d{4}-\d{2}-\d{2})",
        url_name="day-remove",
    )
    def day_remove(self, request, year=None, day=None):
        """Remove one exception day: the date then follows Monday to Friday."""
        org = _editor_org(request)
        try:
            date = dt.date.fromisoformat(day)
        except ValueError:
            raise ValidationFailed(fields={"date": [_("Enter a valid date.")]}) from None
        if date.year != int(year):
            raise ValidationFailed(
                fields={"date": [_("The date must be in %(year)s.") % {"year": year}]}
            )
        services.calendar_day_remove(by=request.user, organisation=org, date=date)
        return Response(status=204)

    @extend_schema(request=NoticeIn, responses={200: NoticeOut, 201: NoticeOut})
    @action(detail=False, methods=["post"], url_path="import-notice")
    def import_notice(self, request):
        """Read the State Council's holiday notice as published ("元旦：1月1日放假，共1天。春节：
        2月15日至23日放假调休，共9天。2月14日（星期六）、2月28日（星期六）上班。…"). With
        `dry_run: true` it answers the days it read and saves nothing; without, it replaces the
        year's schedule with them (201). An unreadable text is a 400 listing every problem."""
        org = _editor_org(request)
        d = _valid(NoticeIn, request.data)
        parsed, cal = services.calendar_import_notice(
            organisation=org,
            text=d["text"],
            year=d["year"],
            by=request.user,
            dry_run=d["dry_run"],
            note=d["note"],
        )
        body = {
            "year": parsed.year,
            "saved": cal is not None,
            "holidays": [{"date": x, "name": n} for x, n in parsed.holidays],
            "workdays": [{"date": x, "name": n} for x, n in parsed.workdays],
            "sections": [
                {
                    "name": sec.name,
                    "first": sec.first,
                    "last": sec.last,
                    "days": sec.days,
                    "workdays": sec.workdays,
                }
                for sec in parsed.sections
            ],
            "warnings": parsed.warnings,
        }
        return Response(NoticeOut(body).data, status=201 if cal is not None else 200)


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
            "days": IntegerIn(allow_null=True),
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
            "working_days": IntegerIn(),
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


def _date_param(request, name: str = "date") -> dt.date:
    raw = (request.query_params.get(name) or "").strip()
    if not raw:
        raise ValidationFailed(fields={name: [_("This parameter is required.")]})
    try:
        return dt.date.fromisoformat(raw)
    except ValueError:
        raise ValidationFailed(fields={name: [_("Give a date as YYYY-MM-DD.")]}) from None


def _coverage(cal, *dates) -> dict:
    years = sorted({d.year for d in dates})
    return {
        "covered": all(cal.covers(y) for y in years),
        "warnings": [selectors.uncovered_warning(y) for y in years if not cal.covers(y)],
    }


@extend_schema(
    parameters=[OpenApiParameter("date", OpenApiTypes.DATE, required=True)],
    responses=inline_serializer(
        "CalendarIsWorkingDay",
        {
            "date": serializers.DateField(),
            "is_working_day": serializers.BooleanField(),
            "name": serializers.CharField(),
            "covered": serializers.BooleanField(),
            "warnings": serializers.ListField(child=serializers.CharField()),
        },
    ),
)
@api_view(["GET"])
def is_working_day(request):
    """Is the date a working day in the organisation's calendar (holidays and make-up working
    days included)? `name`: the holiday's or make-up day's name, if any."""
    org = _organisation(request)
    day = _date_param(request)
    cal = services.calendar_for(org)
    exc = cal.exceptions.get(day)
    return Response(
        {
            "date": day.isoformat(),
            "is_working_day": cal.is_working_day(day),
            "name": exc[1] if exc else "",
            **_coverage(cal, day),
        }
    )


@extend_schema(
    parameters=[
        OpenApiParameter("date", OpenApiTypes.DATE, required=True),
        OpenApiParameter("days", OpenApiTypes.INT, required=True, description=">= 0"),
    ],
    responses=inline_serializer(
        "CalendarAddWorkingDays",
        {
            "date": serializers.DateField(),
            "days": IntegerIn(),
            "due": serializers.DateField(),
            "covered": serializers.BooleanField(),
            "warnings": serializers.ListField(child=serializers.CharField()),
        },
    ),
)
@api_view(["GET"])
def add_working_days(request):
    """The n-th working day after `date` (`days=0`: the date itself if it is a working day,
    else the next working day)."""
    org = _organisation(request)
    day = _date_param(request)
    days = _number(request, "days", int, 0, MAX_DAYS)
    if days is None:
        raise ValidationFailed(fields={"days": [_("This parameter is required.")]})
    cal = services.calendar_for(org)
    due = cal.add_working_days(day, days)
    return Response(
        {
            "date": day.isoformat(),
            "days": days,
            "due": due.isoformat(),
            **_coverage(cal, day, due),
        }
    )


def register(router: Any) -> None:
    """Add this app's viewsets to the /api/v1/ router."""
    router.register("workdays/calendars", WorkCalendarViewSet, basename="workdays-calendar")


extra_urls = [
    path("workdays/add/", add, name="workdays-add"),
    path("workdays/between/", between, name="workdays-between"),
    # other systems call these without the trailing slash too
    re_path(r"^calendar/is-working-day/?$", is_working_day, name="calendar-is-working-day"),
    re_path(r"^calendar/add-working-days/?$", add_working_days, name="calendar-add-working-days"),
]
