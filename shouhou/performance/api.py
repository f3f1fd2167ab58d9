"""/api/v1/performance/…: the month's ranking, one technician's month and the orders behind
each rate, month close and re-open, exclusions (Idempotency-Key), department targets with their
trend, and the scoring settings (GET / PUT, validated as a whole). Thin: services check the
rules, selectors limit what each user sees."""

from __future__ import annotations

from django.urls import path
from django.utils import timezone
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiParameter, extend_schema
from rest_framework import serializers, status, viewsets
from rest_framework.decorators import action
from rest_framework.response import Response
from rest_framework.views import APIView

from shouhou.core.api import IdempotentCreateMixin, IntegerIn
from shouhou.org import roles as r

from . import figures, selectors, services
from .models import RATES, Exclusion, MonthClose

MONTH = OpenApiParameter("month", str, description="YYYY-MM (default: this month)")
STORE = OpenApiParameter("store", int, description="a store's id")
TECH_ID = OpenApiParameter("id", int, OpenApiParameter.PATH, description="a technician's id")
MONTH_PATH = OpenApiParameter("month", str, OpenApiParameter.PATH, description="YYYY-MM")
OBJ = OpenApiTypes.OBJECT


def _month(request) -> str:
    return request.query_params.get("month") or f"{timezone.localdate():%Y-%m}"


def _dec(value) -> str | None:
    return None if value is None else str(value)


def row_json(row: selectors.TechRow) -> dict:
    return {
        "technician": row.technician_id,
        "name": row.name,
        "permit_number": row.permit_number,
        "store": row.store_id,
        "store_name": row.store_name,
        "rank": row.rank,
        "base": row.base,
        "rated": row.rated,
        "counts": {k: row.counts[k] for k in RATES},
        "rates": {k: _dec(row.rates[k]) for k in RATES},
        "scores": {k: _dec(row.scores[k]) for k in RATES},
        "total": _dec(row.total),
        "bonus_base": _dec(row.bonus_base),
    }


def state_json(month, state: MonthClose | None) -> dict:
    return {
        "month": f"{month:%Y-%m}",
        "status": state.status if state else MonthClose.Status.OPEN,
        "closed_at": state.closed_at.isoformat() if state and state.closed_at else None,
        "closed_by": str(state.closed_by) if state and state.closed_by_id else None,
        "reopen_count": state.reopen_count if state else 0,
    }


def view_json(view: selectors.MonthView) -> dict:
    return {
        **state_json(view.month, view.state),
        "computed": "frozen" if view.closed else "live",
        "scheme": view.scheme,
        "rows": [row_json(r) for r in view.rows],
    }


# Serializers (input, and the shapes for the schema) ------------------------------------------


class PerfTechRowOut(serializers.Serializer):
    technician = IntegerIn()
    name = serializers.CharField()
    permit_number = serializers.CharField()
    store = IntegerIn(allow_null=True)
    store_name = serializers.CharField()
    rank = IntegerIn()
    base = IntegerIn()
    rated = IntegerIn()
    counts = serializers.DictField(child=IntegerIn())
    rates = serializers.DictField(child=serializers.CharField())
    scores = serializers.DictField(child=serializers.CharField())
    total = serializers.CharField()
    bonus_base = serializers.CharField()


class PerfMonthOut(serializers.Serializer):
    month = serializers.CharField()
    status = serializers.CharField()
    closed_at = serializers.DateTimeField(allow_null=True)
    closed_by = serializers.CharField(allow_null=True)
    reopen_count = IntegerIn()
    computed = serializers.CharField()
    scheme = serializers.DictField()
    rows = PerfTechRowOut(many=True)


class PerfReasonIn(serializers.Serializer):
    reason = serializers.CharField(required=False, allow_blank=True)


class PerfExclusionIn(serializers.Serializer):
    kind = serializers.ChoiceField(choices=Exclusion.Kind.choices)
    case = IntegerIn(required=False, allow_null=True)
    callback = IntegerIn(required=False, allow_null=True)
    category = serializers.ChoiceField(choices=Exclusion.Category.choices, required=False)
    reason = serializers.CharField(required=False, allow_blank=True)


class PerfExclusionOut(serializers.ModelSerializer):
    month = serializers.DateField(format="%Y-%m")
    case_number = serializers.CharField(source="case.number", default=None, read_only=True)
    work_order_number = serializers.CharField(source="work_order.number", read_only=True)
    created_by_name = serializers.CharField(source="created_by.__str__", read_only=True)

    class Meta:
        model = Exclusion
        fields = [
            "id",
            "kind",
            "case",
            "case_number",
            "callback",
            "work_order",
            "work_order_number",
            "technician",
            "month",
            "category",
            "reason",
            "created_by",
            "created_by_name",
            "created_at",
            "revoked_at",
            "revoked_by",
            "revoke_reason",
        ]


class PerfTierIn(serializers.Serializer):
    lower = serializers.CharField()
    upper = serializers.CharField()
    score = serializers.CharField()


class PerfBonusIn(serializers.Serializer):
    min_score = serializers.CharField()
    amount = serializers.CharField()


class PerfSettingsIn(serializers.Serializer):
    weights = serializers.DictField(child=serializers.CharField())
    tiers = serializers.DictField(child=PerfTierIn(many=True))
    bonus_table = PerfBonusIn(many=True)
    below_score = serializers.CharField(required=False, default="0")
    targets = serializers.DictField(child=serializers.CharField(), required=False)
    close_after_working_days = IntegerIn(required=False, allow_null=True)
    trend_months = IntegerIn(required=False, allow_null=True)


def _valid(serializer_class, data) -> dict:
    s = serializer_class(data=data)
    s.is_valid(raise_exception=True)
    return dict(s.validated_data)


# Viewsets ------------------------------------------------------------------------------------


class RankingViewSet(viewsets.ViewSet):
    """The month's technicians ranked by total score (office roles: all; a merchant's
    administrator: its technicians; a technician: themself)."""

    @extend_schema(
        parameters=[MONTH, STORE, OpenApiParameter("sort", str, description="-total, name…")],
        responses=PerfMonthOut,
        tags=["performance"],
    )
    def list(self, request):
        view = selectors.month_view(
            user=request.user,
            month=_month(request),
            store=request.query_params.get("store"),
            sort=request.query_params.get("sort") or "-total",
        )
        return Response(view_json(view))


class TechnicianViewSet(viewsets.ViewSet):
    """One technician's month, and the orders behind each rate (drill-down)."""

    @extend_schema(parameters=[MONTH], responses=PerfMonthOut, tags=["performance"])
    def list(self, request):
        return Response(view_json(selectors.month_view(user=request.user, month=_month(request))))

    @extend_schema(parameters=[MONTH, TECH_ID], responses=OBJ, tags=["performance"])
    def retrieve(self, request, pk=None):
        staff = selectors.technician_get(user=request.user, pk=pk)
        view = selectors.month_view(
            user=request.user, month=_month(request), technician_id=staff.pk
        )
        row = view.rows[0] if view.rows else None
        return Response(
            {
                **state_json(view.month, view.state),
                "computed": "frozen" if view.closed else "live",
                "scheme": view.scheme,
                "technician": {"id": staff.pk, "name": staff.name},
                "row": row_json(row) if row else None,
                "definitions": figures.__doc__,
            }
        )

    @extend_schema(
        parameters=[
            MONTH,
            TECH_ID,
            OpenApiParameter("rate", str, description="base, " + ", ".join(RATES)),
        ],
        responses=OBJ,
        tags=["performance"],
    )
    @action(detail=True, methods=["get"])
    def orders(self, request, pk=None):
        rate = request.query_params.get("rate") or "base"
        staff, state, orders = selectors.drilldown(
            user=request.user, technician_id=pk, month=_month(request), rate=rate
        )
        return Response(
            {
                "technician": staff.pk,
                "month": _month(request),
                "rate": rate,
                "computed": "frozen" if state and state.is_closed else "live",
                "orders": [
                    {
                        "id": o.pk,
                        "number": o.number,
                        "visit_at": o.visit_at.isoformat() if o.visit_at else None,
                        "status": o.status,
                        "facts": {k: bool(getattr(o, k)) for k in figures.FLAGS},
                        "contacted_at": o.contacted_at.isoformat() if o.contacted_at else None,
                        "contact_due_at": o.contact_due_at.isoformat()
                        if o.contact_due_at
                        else None,
                        "arrived_at": o.arrived_at.isoformat() if o.arrived_at else None,
                        "onsite_due_at": o.onsite_due_at.isoformat() if o.onsite_due_at else None,
                        "callbacks": [
                            {
                                "id": c.pk,
                                "satisfaction": c.satisfaction,
                                "on_time": c.on_time,
                                "technician_came": c.technician_came,
                                "excluded": c.exclusion is not None,
                            }
                            for c in o.perf_callbacks
                        ],
                        "complaints": [
                            {
                                "id": c.pk,
                                "number": c.number,
                                "responsibility": c.responsibility,
                                "excluded": c.exclusion is not None,
                            }
                            for c in o.perf_cases
                        ],
                        "missed_services": [
                            {"reason": m.reason, "technician": m.technician_id}
                            for m in o.perf_missed
                        ],
                    }
                    for o in orders
                ],
            }
        )


class MonthViewSet(viewsets.ViewSet):
    """Months and whether they are closed; close (a manager, after the month's last day) and
    re-open (a manager, with a reason)."""

    lookup_field = "month"
    lookup_value_regex = r"\d{4}-\d{2}"

    @extend_schema(operation_id="v1_performance_months_list", responses=OBJ, tags=["performance"])
    def list(self, request):
        return Response(
            [state_json(m["month"], m["state"]) for m in selectors.months_list(user=request.user)]
        )

    @extend_schema(parameters=[MONTH_PATH], responses=OBJ, tags=["performance"])
    def retrieve(self, request, month=None):
        month_date = figures.parse_month(month)
        selectors.visibility(request.user)
        state = services.month_state(request.user.organisation_id, month_date)
        events = selectors.month_events(user=request.user, month=month_date)
        return Response(
            {
                **state_json(month_date, state),
                "events": [
                    {
                        "action": e.action,
                        "at": e.at.isoformat(),
                        "by": str(e.by) if e.by_id else None,
                        "reason": e.reason,
                        "technicians": e.technicians,
                        "orders": e.orders,
                    }
                    for e in events
                ],
            }
        )

    @extend_schema(
        parameters=[MONTH_PATH], request=None, responses=PerfMonthOut, tags=["performance"]
    )
    @action(detail=True, methods=["post"])
    def close(self, request, month=None):
        services.month_close(by=request.user, month=month)
        return Response(view_json(selectors.month_view(user=request.user, month=month)))

    @extend_schema(
        parameters=[MONTH_PATH], request=PerfReasonIn, responses=PerfMonthOut, tags=["performance"]
    )
    @action(detail=True, methods=["post"])
    def reopen(self, request, month=None):
        data = _valid(PerfReasonIn, request.data)
        services.month_reopen(by=request.user, month=month, reason=data.get("reason", ""))
        return Response(view_json(selectors.month_view(user=request.user, month=month)))


class ExclusionBase(viewsets.GenericViewSet):
    queryset = Exclusion.objects.none()
    serializer_class = PerfExclusionOut

    @extend_schema(parameters=[MONTH], tags=["performance"])
    def list(self, request):
        qs = selectors.exclusion_list(user=request.user, month=request.query_params.get("month"))
        page = self.paginate_queryset(qs)
        return self.get_paginated_response(PerfExclusionOut(page, many=True).data)

    @extend_schema(request=PerfExclusionIn, responses={201: PerfExclusionOut}, tags=["performance"])
    def create(self, request):
        """Exclude a complaint (kind complaint, case id) or a dissatisfied callback (kind
        dissatisfaction, callback id) before the month closes; a reason is required."""
        data = _valid(PerfExclusionIn, request.data)
        ex = services.exclusion_create(
            by=request.user,
            kind=data["kind"],
            case=data.get("case"),
            callback=data.get("callback"),
            category=data.get("category", ""),
            reason=data.get("reason", ""),
        )
        return Response(PerfExclusionOut(ex).data, status=status.HTTP_201_CREATED)

    @extend_schema(request=PerfReasonIn, responses=PerfExclusionOut, tags=["performance"])
    @action(detail=True, methods=["post"])
    def revoke(self, request, pk=None):
        data = _valid(PerfReasonIn, request.data)
        ex = services.exclusion_revoke(by=request.user, exclusion=pk, reason=data.get("reason", ""))
        return Response(PerfExclusionOut(ex).data)


class ExclusionViewSet(IdempotentCreateMixin, ExclusionBase):
    pass


def _dept_json(d: dict) -> dict:
    def row(x):
        return {k: (str(v) if v is not None and k.endswith("_pct") else v) for k, v in x.items()}

    return {
        "month": f"{d['month']:%Y-%m}",
        "closed": d["closed"],
        "total": row(d["total"]),
        "stores": [row(s) for s in d["stores"]],
    }


class TargetsViewSet(viewsets.ViewSet):
    """Department targets (seed 002 §3.2): service on time ≥ 90 %, satisfaction ≥ 85 %,
    service-caused complaints < 3 % — per store and organisation, with the trend."""

    @extend_schema(
        parameters=[MONTH, STORE, OpenApiParameter("months", int, description="trend length")],
        responses=OBJ,
        tags=["performance"],
    )
    def list(self, request):
        months = request.query_params.get("months")
        try:
            n = min(max(int(months), 1), 36) if months else None
        except ValueError:
            n = None
        store = request.query_params.get("store")
        current = selectors.department(user=request.user, month=_month(request), store=store)
        series = selectors.trend(user=request.user, month=_month(request), months=n, store=store)
        return Response(
            {
                "targets": {k: str(v) for k, v in current["targets"].items()},
                "current": _dept_json(current),
                "trend": [_dept_json(d) for d in series],
            }
        )


class SettingsView(APIView):
    """The organisation's scoring: weights, tiers, the score above every tier, the bonus table,
    the department targets. PUT replaces everything at once (validated as a whole)."""

    @extend_schema(responses=OBJ, tags=["performance"])
    def get(self, request):
        selectors.visibility(request.user)
        return Response(services.settings_as_dict(request.user.organisation_id))

    @extend_schema(request=PerfSettingsIn, responses=OBJ, tags=["performance"])
    def put(self, request):
        r.require_role(request.user, *services.SETTINGS_ROLES)
        data = _valid(PerfSettingsIn, request.data)
        services.scoring_settings_update(
            by=request.user,
            weights=data["weights"],
            tiers={k: [dict(t) for t in v] for k, v in data["tiers"].items()},
            bonus_table=[dict(b) for b in data["bonus_table"]],
            below_score=data.get("below_score", "0"),
            targets=data.get("targets"),
            close_after_working_days=data.get("close_after_working_days"),
            trend_months=data.get("trend_months"),
        )
        return Response(services.settings_as_dict(request.user.organisation_id))


def register(router):
    """Add this app's viewsets to the /api/v1/ router."""
    router.register("performance/ranking", RankingViewSet, basename="performance-ranking")
    router.register("performance/technicians", TechnicianViewSet, basename="performance-technician")
    router.register("performance/months", MonthViewSet, basename="performance-month")
    router.register("performance/exclusions", ExclusionViewSet, basename="performance-exclusion")
    router.register("performance/targets", TargetsViewSet, basename="performance-targets")


extra_urls = [
    path("performance/settings/", SettingsView.as_view(), name="performance-settings"),
]
