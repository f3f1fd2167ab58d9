"""/api/v1/workorder-old-parts/: the old parts (旧件) a report lists, until the warehouse
receives them; `PartOut` is also the parts block of a service report."""

from __future__ import annotations

from django.utils.translation import gettext as _
from drf_spectacular.utils import extend_schema
from rest_framework import serializers, viewsets
from rest_framework.decorators import action
from rest_framework.response import Response

from shouhou.core.api import IntegerIn
from shouhou.core.errors import ValidationFailed

from . import selectors, services
from .models import ReportPart


class PartOut(serializers.Serializer):
    id = IntegerIn()
    name = serializers.CharField()
    quantity = IntegerIn()
    reason = serializers.CharField()
    return_old = serializers.BooleanField()
    old_returned_at = serializers.DateTimeField(allow_null=True)
    old_returned_quantity = IntegerIn(allow_null=True)
    old_condition = serializers.CharField()
    old_return_note = serializers.CharField()


class OldPartOut(PartOut):
    order = serializers.SerializerMethodField()
    customer = serializers.SerializerMethodField()
    technician = serializers.SerializerMethodField()
    completed_at = serializers.SerializerMethodField()
    old_received_by = serializers.SerializerMethodField()

    def get_order(self, p) -> dict:
        o = p.report.order
        return {"id": o.pk, "number": o.number}

    def get_customer(self, p) -> str:
        return p.report.order.customer.name

    def get_technician(self, p) -> str | None:
        o = p.report.order
        return o.technician.name if o.technician_id else None

    def get_completed_at(self, p) -> str | None:
        value = p.report.order.completed_at
        return serializers.DateTimeField().to_representation(value) if value else None

    def get_old_received_by(self, p) -> str | None:
        u = p.old_received_by
        return (u.get_full_name() or u.username) if u else None


class ReceiveOldIn(serializers.Serializer):
    quantity = IntegerIn(required=False, min_value=1)
    condition = serializers.ChoiceField(
        choices=ReportPart.OldCondition.choices, required=False, allow_blank=True, default=""
    )
    note = serializers.CharField(required=False, allow_blank=True, default="", max_length=2000)


class OldPartViewSet(viewsets.GenericViewSet):
    """Old parts (旧件) to be brought back: `?state=outstanding|received|all`,
    `?technician=<id>`, `?q=`; the warehouse keeper POSTs `receive`."""

    serializer_class = OldPartOut
    queryset = ReportPart.objects.none()
    filter_backends: list = []

    def get_queryset(self):
        p = self.request.query_params
        state = p.get("state", "outstanding")
        if state not in selectors.OLD_PART_STATES:
            raise ValidationFailed(fields={"state": [_("Unknown state.")]})
        try:
            tech = int(p.get("technician") or 0) or None
        except ValueError as exc:
            raise ValidationFailed(fields={"technician": [_("Not found.")]}) from exc
        return selectors.old_parts_list(
            user=self.request.user, state=state, technician_id=tech, q=p.get("q")
        )

    @extend_schema(responses=OldPartOut(many=True))
    def list(self, request):
        page = self.paginate_queryset(self.get_queryset())
        return self.get_paginated_response(OldPartOut(page, many=True).data)

    @extend_schema(responses=OldPartOut)
    def retrieve(self, request, pk=None):
        return Response(OldPartOut(selectors.old_part_get(user=request.user, pk=pk)).data)

    @extend_schema(request=ReceiveOldIn, responses=OldPartOut)
    @action(detail=True, methods=["post"])
    def receive(self, request, pk=None):
        part = selectors.old_part_get(user=request.user, pk=pk)
        s = ReceiveOldIn(data=request.data)
        s.is_valid(raise_exception=True)
        services.report_part_receive_old(by=request.user, part=part, **s.validated_data)
        return Response(OldPartOut(selectors.old_part_get(user=request.user, pk=pk)).data)
