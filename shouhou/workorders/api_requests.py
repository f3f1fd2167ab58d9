"""/api/v1/workorder-requests/: requests customers sent through the public form, waiting for
the service desk."""

from __future__ import annotations

from drf_spectacular.utils import extend_schema
from rest_framework import serializers, viewsets
from rest_framework.decorators import action
from rest_framework.response import Response

from . import selectors, services
from .models import PublicRequest


class PublicRequestOut(serializers.ModelSerializer):
    store = serializers.CharField(source="store.name")

    class Meta:
        model = PublicRequest
        fields = [
            "id",
            "created_at",
            "store",
            "name",
            "mobile",
            "district",
            "address_detail",
            "kind",
            "description",
            "status",
            "order",
            "handled_at",
            "reject_reason",
        ]


class RejectIn(serializers.Serializer):
    reason = serializers.CharField(max_length=500, allow_blank=True)


class PublicRequestViewSet(viewsets.GenericViewSet):
    """Requests customers sent through the public form, waiting for the service desk."""

    serializer_class = PublicRequestOut
    queryset = PublicRequest.objects.none()
    filter_backends: list = []

    def get_queryset(self):
        return selectors.public_requests_pending(user=self.request.user)

    @extend_schema(responses=PublicRequestOut(many=True))
    def list(self, request):
        page = self.paginate_queryset(self.get_queryset())
        return self.get_paginated_response(PublicRequestOut(page, many=True).data)

    @extend_schema(request=RejectIn, responses=PublicRequestOut)
    @action(detail=True, methods=["post"])
    def reject(self, request, pk=None):
        req = selectors.public_request_get(user=request.user, pk=pk)
        s = RejectIn(data=request.data)
        s.is_valid(raise_exception=True)
        req = services.public_request_reject(
            by=request.user, request=req, reason=s.validated_data["reason"]
        )
        return Response(PublicRequestOut(req).data)
