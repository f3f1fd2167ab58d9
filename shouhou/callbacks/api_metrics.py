"""/api/v1/callbacks/coverage/, /api/v1/callbacks/overdue/, /api/v1/callbacks/satisfaction/.

Read-only; for the office roles of the caller's organisation (others: 403). Parameters:
`from`, `to` (YYYY-MM-DD, default this month), `store` (id), and for satisfaction `by`
(store | technician | product). A bad parameter is a 400 naming it. Numbers that are not whole
(percentages, averages) are decimal strings; dates are YYYY-MM-DD. Registered by `api.py`.
"""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

from django.utils import timezone
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiParameter, extend_schema
from rest_framework import viewsets
from rest_framework.response import Response

from shouhou.core.errors import ValidationFailed

from . import metrics

PERIOD_PARAMS = [
    OpenApiParameter("from", OpenApiTypes.DATE, description="First day (default: 1st of month)"),
    OpenApiParameter("to", OpenApiTypes.DATE, description="Last day (default: end of month)"),
    OpenApiParameter("store", OpenApiTypes.INT, description="Only this store"),
]


def plain(value):
    """Decimals as strings, dates as YYYY-MM-DD, lazy strings as text, recursively."""
    if isinstance(value, dict):
        return {k: plain(v) for k, v in value.items()}
    if isinstance(value, list | tuple):
        return [plain(v) for v in value]
    if isinstance(value, Decimal):
        return str(value)
    if isinstance(value, dt.datetime):
        return value.isoformat()
    if isinstance(value, dt.date):
        return value.isoformat()
    if value is None or isinstance(value, bool | int | float | str):
        return value
    return str(value)


class _MetricsViewSet(viewsets.ViewSet):
    def _inputs(self, request):
        """The organisation, period and store; every bad parameter named in one 400."""
        metrics.require_reader(request.user)
        org = request.user.organisation
        p = request.query_params
        fields: dict = {}
        date_from = date_to = store = None
        try:
            date_from, date_to = metrics.parse_period(
                p.get("from"), p.get("to"), today=timezone.localdate()
            )
        except ValidationFailed as exc:
            fields.update(exc.fields)
        try:
            store = metrics.resolve_store(org, p.get("store"))
        except ValidationFailed as exc:
            fields.update(exc.fields)
        if fields:
            raise ValidationFailed(fields=fields)
        return org, date_from, date_to, store


@extend_schema(tags=["callbacks"])
class CoverageViewSet(_MetricsViewSet):
    @extend_schema(parameters=PERIOD_PARAMS, responses=OpenApiTypes.OBJECT)
    def list(self, request):
        """Services and deliveries of the period called back within the window (in time, late,
        not called, window still open), % in time against the target, per store, and the late /
        not-called rows (oldest 50)."""
        org, date_from, date_to, store = self._inputs(request)
        return Response(plain(metrics.coverage(org, date_from, date_to, store)))


@extend_schema(tags=["callbacks"])
class OverdueViewSet(_MetricsViewSet):
    @extend_schema(
        parameters=[PERIOD_PARAMS[2]],
        responses=OpenApiTypes.OBJECT,
    )
    def list(self, request):
        """Open callback tasks due before today: total, by kind, by agent, oldest 50."""
        metrics.require_reader(request.user)
        org = request.user.organisation
        store = metrics.resolve_store(org, request.query_params.get("store"))
        return Response(plain(metrics.overdue(org, timezone.localdate(), store)))


@extend_schema(tags=["callbacks"])
class SatisfactionViewSet(_MetricsViewSet):
    @extend_schema(
        parameters=[
            *PERIOD_PARAMS,
            OpenApiParameter("by", str, enum=list(metrics.GROUPINGS), description="Grouping"),
        ],
        responses=OpenApiTypes.OBJECT,
    )
    def list(self, request):
        """Scored callbacks of the period grouped by store, technician or product model: count,
        average, % satisfied (score >= the organisation's `satisfied_from`), scores 1-5."""
        org, date_from, date_to, store = self._inputs(request)
        by = metrics.resolve_grouping(request.query_params.get("by"))
        return Response(plain(metrics.satisfaction(org, date_from, date_to, by, store)))


def register(router):
    """Called from `api.py`'s `register(router)`; before any `callbacks/<pk>/` route so these
    paths are not read as ids."""
    router.register("callbacks/coverage", CoverageViewSet, basename="callback-coverage")
    router.register("callbacks/overdue", OverdueViewSet, basename="callback-overdue")
    router.register("callbacks/satisfaction", SatisfactionViewSet, basename="callback-satisfaction")
