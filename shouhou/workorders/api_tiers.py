"""/api/v1/sla-policies/ and /api/v1/written-contacts/: the response tiers of seed 002 as
organisation data (read by the office, changed by managers) and the written contacts of the
3.2.3 tier (recorded, then fed back). Registered by `api.register`."""

from __future__ import annotations

from django.utils.translation import gettext as _
from drf_spectacular.utils import OpenApiParameter, extend_schema
from rest_framework import serializers, viewsets
from rest_framework.decorators import action
from rest_framework.response import Response

from shouhou.core.errors import NotFoundError, ValidationFailed

from . import selectors, services
from .models import FaultTier, Route, SlaPolicy, SlaTarget, WrittenContact


class SlaTargetOut(serializers.ModelSerializer):
    class Meta:
        model = SlaTarget
        fields = ["id", "target", "amount", "unit", "anchor"]


class SlaPolicyOut(serializers.ModelSerializer):
    targets = SlaTargetOut(many=True, read_only=True)

    class Meta:
        model = SlaPolicy
        fields = [
            "id",
            "code",
            "name",
            "description",
            "customer",
            "category",
            "store",
            "fault_category",
            "route",
            "for_emergency",
            "min_distance_km",
            "max_distance_km",
            "loan_unit_if_late",
            "priority",
            "is_active",
            "targets",
        ]


class SlaPolicyIn(serializers.Serializer):
    name = serializers.CharField(required=False, max_length=100)
    description = serializers.CharField(required=False, allow_blank=True, max_length=2000)
    fault_category = serializers.ChoiceField(
        choices=FaultTier.choices, required=False, allow_blank=True
    )
    route = serializers.ChoiceField(choices=Route.choices, required=False, allow_blank=True)
    for_emergency = serializers.BooleanField(required=False)
    min_distance_km = serializers.DecimalField(
        max_digits=7, decimal_places=1, required=False, allow_null=True, min_value=0
    )
    max_distance_km = serializers.DecimalField(
        max_digits=7, decimal_places=1, required=False, allow_null=True, min_value=0
    )
    loan_unit_if_late = serializers.BooleanField(required=False)
    priority = serializers.IntegerField(required=False)
    is_active = serializers.BooleanField(required=False)


class SlaTargetIn(serializers.Serializer):
    target = serializers.ChoiceField(choices=SlaTarget.Target.choices)
    amount = serializers.DecimalField(max_digits=7, decimal_places=2, min_value=0)
    unit = serializers.ChoiceField(choices=SlaTarget.Unit.choices)
    anchor = serializers.ChoiceField(
        choices=SlaTarget.Anchor.choices, required=False, default=SlaTarget.Anchor.RECEIVED
    )


class SlaPolicyViewSet(viewsets.GenericViewSet):
    """The organisation's SLA policies and response tiers: selected by customer, route, fault
    category, product category, store, emergency and distance band; each with its limits."""

    serializer_class = SlaPolicyOut
    queryset = SlaPolicy.objects.none()
    filter_backends: list = []

    def _policy(self, pk) -> SlaPolicy:
        policy = selectors.sla_policies(user=self.request.user).filter(pk=pk).first()
        if policy is None:
            raise NotFoundError()
        return policy

    @extend_schema(responses=SlaPolicyOut(many=True))
    def list(self, request):
        page = self.paginate_queryset(selectors.sla_policies(user=request.user))
        return self.get_paginated_response(SlaPolicyOut(page, many=True).data)

    @extend_schema(responses=SlaPolicyOut)
    def retrieve(self, request, pk=None):
        return Response(SlaPolicyOut(self._policy(pk)).data)

    @extend_schema(request=SlaPolicyIn, responses=SlaPolicyOut)
    def partial_update(self, request, pk=None):
        policy = self._policy(pk)
        s = SlaPolicyIn(data=request.data, partial=True)
        s.is_valid(raise_exception=True)
        services.sla_policy_update(by=request.user, policy=policy, **s.validated_data)
        return Response(SlaPolicyOut(self._policy(pk)).data)

    @extend_schema(request=SlaTargetIn, responses=SlaPolicyOut)
    @action(detail=True, methods=["post"])
    def targets(self, request, pk=None):
        """Set one limit of the policy (created if the policy has none for this target)."""
        policy = self._policy(pk)
        s = SlaTargetIn(data=request.data)
        s.is_valid(raise_exception=True)
        services.sla_target_set(by=request.user, policy=policy, **s.validated_data)
        return Response(SlaPolicyOut(self._policy(pk)).data)


class WrittenContactOut(serializers.ModelSerializer):
    order_number = serializers.CharField(source="order.number", read_only=True)
    written_in_time = serializers.BooleanField(read_only=True, allow_null=True)
    archived = serializers.BooleanField(read_only=True)

    class Meta:
        model = WrittenContact
        fields = [
            "id",
            "order",
            "order_number",
            "due_at",
            "written_at",
            "channel",
            "text",
            "result",
            "written_by",
            "fed_back_at",
            "feedback",
            "fed_back_by",
            "overdue",
            "written_in_time",
            "archived",
        ]


class WrittenIn(serializers.Serializer):
    text = serializers.CharField(max_length=4000)
    result = serializers.CharField(max_length=4000)
    channel = serializers.CharField(required=False, allow_blank=True, max_length=40, default="")


class FeedbackIn(serializers.Serializer):
    feedback = serializers.CharField(max_length=4000)


class WrittenContactViewSet(viewsets.GenericViewSet):
    """Written contacts (seed 002 3.2.3): `?which=late` lists those past due and not written."""

    serializer_class = WrittenContactOut
    queryset = WrittenContact.objects.none()
    filter_backends: list = []

    @extend_schema(
        parameters=[OpenApiParameter("which", str, enum=["late"])],
        responses=WrittenContactOut(many=True),
    )
    def list(self, request):
        if request.query_params.get("which", "late") != "late":
            raise ValidationFailed(fields={"which": [_("Unknown filter.")]})
        page = self.paginate_queryset(selectors.written_contacts_late(user=request.user))
        return self.get_paginated_response(WrittenContactOut(page, many=True).data)

    @extend_schema(responses=WrittenContactOut)
    def retrieve(self, request, pk=None):
        return Response(
            WrittenContactOut(selectors.written_contact_get(user=request.user, pk=pk)).data
        )

    @extend_schema(request=WrittenIn, responses=WrittenContactOut)
    @action(detail=True, methods=["post"])
    def write(self, request, pk=None):
        contact = selectors.written_contact_get(user=request.user, pk=pk)
        s = WrittenIn(data=request.data)
        s.is_valid(raise_exception=True)
        contact = services.written_contact_record(
            by=request.user, contact=contact, **s.validated_data
        )
        return Response(WrittenContactOut(contact).data)

    @extend_schema(request=FeedbackIn, responses=WrittenContactOut)
    @action(detail=True, methods=["post"], url_path="feed-back")
    def feed_back(self, request, pk=None):
        contact = selectors.written_contact_get(user=request.user, pk=pk)
        s = FeedbackIn(data=request.data)
        s.is_valid(raise_exception=True)
        contact = services.written_contact_feed_back(
            by=request.user, contact=contact, **s.validated_data
        )
        return Response(WrittenContactOut(contact).data)


def register(router):
    router.register("sla-policies", SlaPolicyViewSet, basename="sla-policy")
    router.register("written-contacts", WrittenContactViewSet, basename="written-contact")
