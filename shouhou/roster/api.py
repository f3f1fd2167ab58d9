"""/api/v1/roster-…: shifts (week, copy last week, pattern), leave (request, approve, reject),
appointment windows (reschedule, confirmation call), the board (read, dispatch, suggestions),
service areas, store visits and the technician's calendar link. Thin: services check rules,
selectors limit reads; errors in the project's JSON shape."""

from __future__ import annotations

import datetime as dt

from django.urls import reverse
from django.utils import timezone
from drf_spectacular.utils import extend_schema
from rest_framework import serializers, status, viewsets
from rest_framework.decorators import action
from rest_framework.response import Response

from shouhou.core.api import IntegerIn
from shouhou.core.errors import PermissionDeniedError, ValidationFailed
from shouhou.core.pagination import KeysetPagination
from shouhou.org.models import Store
from shouhou.staff.models import ServiceStaff
from shouhou.workorders.models import WorkOrder

from . import calendar_feed, selectors, services
from .models import Appointment, LeaveRequest, ServiceArea, Shift, StoreVisit


def _valid(cls, data) -> dict:
    s = cls(data=data)
    s.is_valid(raise_exception=True)
    return dict(s.validated_data)


def _obj(model, pk, user, field):
    obj = selectors.org_object(model, pk, user=user)
    if obj is None:
        raise ValidationFailed(fields={field: ["Not found."]})
    return obj


def _read(request):
    if not selectors.can_read(request.user):
        raise PermissionDeniedError()


# Output ---------------------------------------------------------------------------------------
class ShiftOut(serializers.ModelSerializer):
    staff_name = serializers.CharField(source="staff.name", read_only=True)
    kind_display = serializers.CharField(source="get_kind_display", read_only=True)

    class Meta:
        model = Shift
        fields = ["id", "staff", "staff_name", "date", "kind", "kind_display", "starts", "ends"]


class LeaveOut(serializers.ModelSerializer):
    staff_name = serializers.CharField(source="staff.name", read_only=True)
    status_display = serializers.CharField(source="get_status_display", read_only=True)

    class Meta:
        model = LeaveRequest
        fields = [
            "id",
            "staff",
            "staff_name",
            "first_day",
            "last_day",
            "reason",
            "status",
            "status_display",
            "decided_at",
            "decision_note",
        ]


class AppointmentOut(serializers.ModelSerializer):
    id = IntegerIn(source="order_id", read_only=True)
    appointment = IntegerIn(source="pk", read_only=True)
    order_number = serializers.CharField(source="order.number", read_only=True)
    technician = IntegerIn(source="order.technician_id", read_only=True)
    history = serializers.SerializerMethodField()

    class Meta:
        model = Appointment
        fields = [
            "id",
            "appointment",
            "order_number",
            "technician",
            "starts_at",
            "ends_at",
            "status",
            "confirmed_at",
            "changes",
            "history",
        ]

    def get_history(self, obj) -> list[dict]:
        if not self.context.get("history"):
            return []
        return [
            {
                "kind": h.kind,
                "starts_at": h.starts_at,
                "ends_at": h.ends_at,
                "previous_starts_at": h.previous_starts_at,
                "reason": h.reason,
                "at": h.at,
            }
            for h in obj.history.all()
        ]


class AreaOut(serializers.ModelSerializer):
    technicians = serializers.SerializerMethodField()

    class Meta:
        model = ServiceArea
        fields = ["id", "store", "name", "districts", "radius_km", "is_active", "technicians"]

    def get_technicians(self, obj) -> list[int]:
        return sorted(obj.members.values_list("staff_id", flat=True))


class VisitOut(serializers.ModelSerializer):
    staff_name = serializers.CharField(source="staff.name", read_only=True)
    store_name = serializers.CharField(source="store.name", read_only=True)

    class Meta:
        model = StoreVisit
        fields = [
            "id",
            "staff",
            "staff_name",
            "store",
            "store_name",
            "week",
            "planned_on",
            "done_at",
            "note",
        ]


# Input ----------------------------------------------------------------------------------------
class RangeIn(serializers.Serializer):
    """Days from `date_from` to `date_to` (default: this week), at most 62."""

    date_from = serializers.DateField(required=False)
    date_to = serializers.DateField(required=False)
    staff = IntegerIn(required=False)

    def validate(self, attrs):
        monday = selectors.week_start(timezone.localdate())
        attrs.setdefault("date_from", monday)
        attrs.setdefault("date_to", attrs["date_from"] + dt.timedelta(days=6))
        if attrs["date_to"] < attrs["date_from"]:
            raise serializers.ValidationError({"date_to": "Before date_from."})
        if (attrs["date_to"] - attrs["date_from"]).days > 62:
            raise serializers.ValidationError({"date_to": "At most 62 days."})
        return attrs


class DayIn(serializers.Serializer):
    kind = serializers.ChoiceField(choices=[("", "-")] + Shift.Kind.choices, allow_blank=True)
    starts = serializers.TimeField(required=False, allow_null=True)
    ends = serializers.TimeField(required=False, allow_null=True)
    note = serializers.CharField(required=False, allow_blank=True, max_length=200)


class WeekIn(serializers.Serializer):
    staff = IntegerIn()
    week = serializers.DateField()
    days = DayIn(many=True)


class CopyIn(serializers.Serializer):
    week = serializers.DateField()
    staff = IntegerIn(required=False, allow_null=True)


class PatternIn(serializers.Serializer):
    staff = IntegerIn()
    first_day = serializers.DateField()
    days = IntegerIn(min_value=1, max_value=92)
    pattern = serializers.CharField(max_length=20)
    holidays_off = serializers.BooleanField(default=True)


class LeaveIn(serializers.Serializer):
    staff = IntegerIn(required=False)
    first_day = serializers.DateField()
    last_day = serializers.DateField()
    reason = serializers.CharField(max_length=200, allow_blank=True)


class NoteIn(serializers.Serializer):
    note = serializers.CharField(required=False, allow_blank=True, max_length=200)


class RescheduleIn(serializers.Serializer):
    starts_at = serializers.DateTimeField()
    reason = serializers.CharField(max_length=200, allow_blank=True)


class ConfirmIn(serializers.Serializer):
    reached = serializers.BooleanField()
    note = serializers.CharField(required=False, allow_blank=True, max_length=200)


class BoardIn(serializers.Serializer):
    day = serializers.DateField(required=False)
    view = serializers.ChoiceField(choices=["day", "week"], default="day")
    store = IntegerIn(required=False)
    area = IntegerIn(required=False)


class BoardDispatchIn(serializers.Serializer):
    order = IntegerIn()
    technician = IntegerIn()
    starts_at = serializers.DateTimeField()


class SuggestIn(serializers.Serializer):
    order = IntegerIn()
    starts_at = serializers.DateTimeField()


class AreaIn(serializers.Serializer):
    store = IntegerIn()
    name = serializers.CharField(max_length=60, allow_blank=True)
    districts = serializers.ListField(child=serializers.CharField(max_length=30), required=False)
    radius_km = serializers.DecimalField(
        max_digits=6, decimal_places=1, required=False, allow_null=True
    )
    technicians = serializers.ListField(child=IntegerIn(), required=False)


class WeekOnlyIn(serializers.Serializer):
    week = serializers.DateField()


class WeekFilterIn(serializers.Serializer):
    week = serializers.DateField(required=False)


# Viewsets -------------------------------------------------------------------------------------
class ShiftViewSet(viewsets.GenericViewSet):
    pagination_class = KeysetPagination
    queryset = selectors.empty(Shift)
    serializer_class = ShiftOut

    @extend_schema(parameters=[RangeIn], responses=ShiftOut(many=True))
    def list(self, request):
        _read(request)
        p = _valid(RangeIn, request.query_params)
        staff = _obj(ServiceStaff, p["staff"], request.user, "staff") if "staff" in p else None
        qs = selectors.shifts_list(
            user=request.user, first=p["date_from"], last=p["date_to"], staff=staff
        )
        page = self.paginate_queryset(qs)
        return self.get_paginated_response(ShiftOut(page, many=True).data)

    @extend_schema(request=WeekIn, responses=ShiftOut(many=True))
    @action(detail=False, methods=["post"])
    def week(self, request):
        """Enter one person's week: seven days, Monday first."""
        d = _valid(WeekIn, request.data)
        staff = _obj(ServiceStaff, d["staff"], request.user, "staff")
        out = services.shift_week_set(by=request.user, staff=staff, week=d["week"], days=d["days"])
        return Response(ShiftOut(out, many=True).data)

    @extend_schema(request=CopyIn, responses={200: dict})
    @action(detail=False, methods=["post"], url_path="copy-last-week")
    def copy_last_week(self, request):
        d = _valid(CopyIn, request.data)
        staff = _obj(ServiceStaff, d["staff"], request.user, "staff") if d.get("staff") else None
        n = services.shift_copy_last_week(by=request.user, week=d["week"], staff=staff)
        return Response({"written": n})

    @extend_schema(request=PatternIn, responses={200: dict})
    @action(detail=False, methods=["post"])
    def pattern(self, request):
        """Fill days with a rotation such as 做六休一."""
        d = _valid(PatternIn, request.data)
        staff = _obj(ServiceStaff, d.pop("staff"), request.user, "staff")
        n = services.shift_pattern_apply(by=request.user, staff=staff, **d)
        return Response({"written": n})


class LeaveViewSet(viewsets.GenericViewSet):
    pagination_class = KeysetPagination
    queryset = selectors.empty(LeaveRequest)
    serializer_class = LeaveOut

    def list(self, request):
        _read(request)
        qs = selectors.leave_list(user=request.user, status=request.query_params.get("status"))
        page = self.paginate_queryset(qs)
        return self.get_paginated_response(LeaveOut(page, many=True).data)

    def retrieve(self, request, pk=None):
        return Response(LeaveOut(selectors.leave_get(user=request.user, pk=pk)).data)

    @extend_schema(request=LeaveIn, responses={201: LeaveOut})
    def create(self, request):
        """Ask for leave (a technician for themself; a supervisor for anyone)."""
        d = _valid(LeaveIn, request.data)
        if d.get("staff"):
            staff = _obj(ServiceStaff, d.pop("staff"), request.user, "staff")
        else:
            d.pop("staff", None)
            staff = selectors.own_staff(request.user)
            if staff is None:
                raise ValidationFailed(fields={"staff": ["Required."]})
        leave = services.leave_request(by=request.user, staff=staff, **d)
        return Response(LeaveOut(leave).data, status=status.HTTP_201_CREATED)

    @extend_schema(request=NoteIn, responses=LeaveOut)
    @action(detail=True, methods=["post"])
    def approve(self, request, pk=None):
        d = _valid(NoteIn, request.data)
        leave = selectors.leave_get(user=request.user, pk=pk)
        return Response(LeaveOut(services.leave_approve(by=request.user, leave=leave, **d)).data)

    @extend_schema(request=NoteIn, responses=LeaveOut)
    @action(detail=True, methods=["post"])
    def reject(self, request, pk=None):
        d = _valid(NoteIn, request.data)
        leave = selectors.leave_get(user=request.user, pk=pk)
        return Response(LeaveOut(services.leave_reject(by=request.user, leave=leave, **d)).data)


class AppointmentViewSet(viewsets.GenericViewSet):
    """Windows, looked up by work-order id."""

    pagination_class = KeysetPagination
    queryset = selectors.empty(WorkOrder)
    serializer_class = AppointmentOut

    @extend_schema(parameters=[RangeIn], responses=AppointmentOut(many=True))
    def list(self, request):
        _read(request)
        p = _valid(RangeIn, request.query_params)
        tech = _obj(ServiceStaff, p["staff"], request.user, "staff") if "staff" in p else None
        qs = selectors.appointments_list(
            user=request.user, first=p["date_from"], last=p["date_to"], technician=tech
        )
        page = self.paginate_queryset(qs)
        return self.get_paginated_response(AppointmentOut(page, many=True).data)

    def retrieve(self, request, pk=None):
        a = selectors.appointment_get(user=request.user, order_pk=pk)
        return Response(AppointmentOut(a, context={"history": True}).data)

    @extend_schema(request=RescheduleIn, responses=AppointmentOut)
    @action(detail=True, methods=["post"])
    def reschedule(self, request, pk=None):
        d = _valid(RescheduleIn, request.data)
        order = selectors.order_get(user=request.user, pk=pk)
        a = services.appointment_reschedule(by=request.user, order=order, **d)
        return Response(AppointmentOut(a, context={"history": True}).data)

    @extend_schema(request=ConfirmIn, responses=AppointmentOut)
    @action(detail=True, methods=["post"])
    def confirm(self, request, pk=None):
        """The day's confirmation call before leaving."""
        d = _valid(ConfirmIn, request.data)
        order = selectors.order_get(user=request.user, pk=pk)
        services.appointment_confirm(by=request.user, order=order, **d)
        a = selectors.appointment_get(user=request.user, order_pk=pk)
        return Response(AppointmentOut(a, context={"history": True}).data)


def _board_json(b) -> dict:
    return {
        "view": b.view,
        "days": [d.isoformat() for d in b.days],
        "hours": b.hours,
        "rows": [
            {
                "technician": row.technician.pk,
                "name": row.technician.name,
                "shifts": {d.isoformat(): s.kind for d, s in row.shifts.items()},
                "on_leave": sorted(d.isoformat() for d in row.on_leave),
                "day_load": {d.isoformat(): n for d, n in row.day_load.items()},
                "week_load": row.week_load,
                "over_capacity": row.over_day or row.over_week,
                "blocks": [
                    {
                        "order": blk.order_id,
                        "number": blk.number,
                        "starts_at": blk.starts_at.isoformat(),
                        "ends_at": blk.ends_at.isoformat(),
                        "status": blk.status,
                        "late": blk.late,
                    }
                    for blocks in row.blocks.values()
                    for blk in blocks
                ],
            }
            for row in b.rows
        ],
        "unassigned": [
            {
                "order": o.pk,
                "number": o.number,
                "kind": o.kind,
                "district": o.district,
                "is_reissued": o.is_reissued,
                "onsite_due_at": o.onsite_due_at,
            }
            for o in b.unassigned
        ],
    }


class BoardViewSet(viewsets.GenericViewSet):
    queryset = selectors.empty(WorkOrder)
    serializer_class = BoardIn

    def _check(self, request):
        if not selectors.can_dispatch(request.user):
            raise PermissionDeniedError()

    @extend_schema(parameters=[BoardIn], responses={200: dict})
    def list(self, request):
        """Technicians × hours (day) or × days (week), with appointments and unassigned orders."""
        self._check(request)
        p = _valid(BoardIn, request.query_params)
        store = _obj(Store, p["store"], request.user, "store") if "store" in p else None
        area = _obj(ServiceArea, p["area"], request.user, "area") if "area" in p else None
        b = selectors.board(
            user=request.user,
            day=p.get("day") or timezone.localdate(),
            view=p["view"],
            store=store,
            area=area,
        )
        return Response(_board_json(b))

    @extend_schema(request=BoardDispatchIn, responses={200: dict})
    @action(detail=False, methods=["post"], url_path="dispatch")
    def book(self, request):
        """Dispatch an order to a technician at an hour (the drop on the board)."""
        self._check(request)
        d = _valid(BoardDispatchIn, request.data)
        order = selectors.order_get(user=request.user, pk=d["order"])
        tech = _obj(ServiceStaff, d["technician"], request.user, "technician")
        booking = services.board_dispatch(
            by=request.user, order=order, technician=tech, starts_at=d["starts_at"]
        )
        return Response(
            {
                "appointment": AppointmentOut(booking.appointment).data,
                "warnings": [str(w) for w in booking.warnings],
            }
        )

    @extend_schema(parameters=[RangeIn], responses={200: dict})
    @action(detail=False)
    def workload(self, request):
        """Appointments per technician per day in a range (default: this week) and the total,
        with the organisation's warning thresholds."""
        self._check(request)
        p = _valid(RangeIn, request.query_params)
        st = selectors.settings_for(request.user.organisation_id)
        rows = selectors.workload(user=request.user, first=p["date_from"], last=p["date_to"])
        return Response(
            {
                "daily_capacity": st.daily_capacity,
                "weekly_capacity": st.weekly_capacity,
                "rows": [
                    {
                        "technician": row["technician"].pk,
                        "name": row["technician"].name,
                        "days": {d.isoformat(): n for d, n in sorted(row["days"].items())},
                        "total": row["total"],
                        "over": any(n > st.daily_capacity for n in row["days"].values()),
                    }
                    for row in rows
                ],
            }
        )

    @extend_schema(parameters=[SuggestIn], responses={200: dict})
    @action(detail=False)
    def suggest(self, request):
        """Free, permitted technicians for an order at a time (its area's first)."""
        self._check(request)
        p = _valid(SuggestIn, request.query_params)
        order = selectors.order_get(user=request.user, pk=p["order"])
        out = selectors.suggest_technicians(order=order, starts_at=p["starts_at"])
        return Response(
            [
                {
                    "technician": s["technician"].pk,
                    "name": s["technician"].name,
                    **{"in_area": s["in_area"], "load": s["load"]},
                }
                for s in out
            ]
        )


class AreaViewSet(viewsets.GenericViewSet):
    pagination_class = KeysetPagination
    queryset = selectors.empty(ServiceArea)
    serializer_class = AreaOut

    def list(self, request):
        _read(request)
        page = self.paginate_queryset(selectors.areas_list(user=request.user))
        return self.get_paginated_response(AreaOut(page, many=True).data)

    def retrieve(self, request, pk=None):
        return Response(AreaOut(selectors.area_get(user=request.user, pk=pk)).data)

    def _save(self, request, area=None):
        d = _valid(AreaIn, request.data)
        store = _obj(Store, d["store"], request.user, "store")
        techs = None
        if "technicians" in d:
            techs = [_obj(ServiceStaff, i, request.user, "technicians") for i in d["technicians"]]
        return services.area_save(
            by=request.user,
            store=store,
            name=d["name"],
            districts=d.get("districts"),
            radius_km=d.get("radius_km"),
            technicians=techs,
            area=area,
        )

    @extend_schema(request=AreaIn, responses={201: AreaOut})
    def create(self, request):
        return Response(AreaOut(self._save(request)).data, status=status.HTTP_201_CREATED)

    @extend_schema(request=AreaIn, responses=AreaOut)
    def update(self, request, pk=None):
        area = selectors.area_get(user=request.user, pk=pk)
        return Response(AreaOut(self._save(request, area)).data)


class StoreVisitViewSet(viewsets.GenericViewSet):
    pagination_class = KeysetPagination
    queryset = selectors.empty(StoreVisit)
    serializer_class = VisitOut

    @extend_schema(parameters=[WeekFilterIn], responses=VisitOut(many=True))
    def list(self, request):
        _read(request)
        p = _valid(WeekFilterIn, request.query_params)
        week = selectors.week_start(p.get("week") or timezone.localdate())
        page = self.paginate_queryset(selectors.visits_list(user=request.user, week=week))
        return self.get_paginated_response(VisitOut(page, many=True).data)

    @extend_schema(responses=VisitOut(many=True))
    @action(detail=False)
    def missing(self, request):
        """Visits not checked off whose planned day has passed."""
        _read(request)
        page = self.paginate_queryset(
            selectors.visits_missing(user=request.user, today=timezone.localdate())
        )
        return self.get_paginated_response(VisitOut(page, many=True).data)

    @extend_schema(request=WeekOnlyIn, responses={200: dict})
    @action(detail=False, methods=["post"])
    def plan(self, request):
        d = _valid(WeekOnlyIn, request.data)
        return Response({"planned": services.store_visits_plan(by=request.user, week=d["week"])})

    @extend_schema(request=NoteIn, responses=VisitOut)
    @action(detail=True, methods=["post"])
    def done(self, request, pk=None):
        d = _valid(NoteIn, request.data)
        visit = selectors.visit_get(user=request.user, pk=pk)
        return Response(VisitOut(services.store_visit_done(by=request.user, visit=visit, **d)).data)


class CalendarLinkViewSet(viewsets.GenericViewSet):
    """The signed iCalendar address of a technician's appointments (their own, or any for the
    office)."""

    queryset = selectors.empty(ServiceStaff)
    serializer_class = NoteIn

    def _link(self, request, staff) -> dict:
        token = calendar_feed.token_for(staff)
        url = request.build_absolute_uri(reverse("roster:ical", args=[token]))
        return {"technician": staff.pk, "name": staff.name, "url": url}

    @extend_schema(responses={200: dict})
    def list(self, request):
        """The caller's own feed (a technician), or every technician's (a supervisor)."""
        _read(request)
        if selectors.can_plan(request.user):
            staff = list(selectors.technicians()[:500])
        else:
            me = selectors.own_staff(request.user)
            staff = [me] if me else []
        return Response([self._link(request, s) for s in staff])

    @extend_schema(responses={200: dict})
    def retrieve(self, request, pk=None):
        _read(request)
        staff = selectors.staff_get(user=request.user, pk=pk)
        if not (selectors.can_plan(request.user) or staff == selectors.own_staff(request.user)):
            raise PermissionDeniedError()
        return Response(self._link(request, staff))


def register(router):
    router.register("roster-shifts", ShiftViewSet, basename="roster-shift")
    router.register("roster-leave", LeaveViewSet, basename="roster-leave")
    router.register("roster-appointments", AppointmentViewSet, basename="roster-appointment")
    router.register("roster-board", BoardViewSet, basename="roster-board")
    router.register("roster-areas", AreaViewSet, basename="roster-area")
    router.register("roster-store-visits", StoreVisitViewSet, basename="roster-store-visit")
    router.register("roster-calendar-links", CalendarLinkViewSet, basename="roster-calendar-link")
