"""/api/v1/stores/ and /api/v1/merchants/ of the caller's organisation.

Reads: office roles see every store and merchant; a merchant administrator sees every store (a
contract needs one) and only its own merchant; other roles are refused. Writes (create, update):
administration and store managers. Each write is one audited transaction.
"""

from __future__ import annotations

from drf_spectacular.utils import extend_schema
from rest_framework import serializers, status, viewsets
from rest_framework.response import Response

from shouhou.core.api import IdempotentCreateMixin

from .models import Merchant, Store
from .selectors import get_in, merchant_list, store_list
from .services import merchant_create, merchant_update, store_create, store_update

# --- serializers and viewsets -------------------------------------------------------------


class StoreSerializer(serializers.ModelSerializer):
    class Meta:
        model = Store
        fields = ["id", "name", "code", "hotline", "address", "is_active"]


class MerchantSerializer(serializers.ModelSerializer):
    class Meta:
        model = Merchant
        fields = ["id", "name", "booth", "contact_name", "phone", "is_active"]


class ActiveFilter(serializers.Serializer):
    is_active = serializers.BooleanField(required=False, allow_null=True, default=None)


class _OrgViewSet(viewsets.GenericViewSet):
    filter_backends: list = []

    def rows(self):
        raise NotImplementedError

    def do_create(self, data):
        raise NotImplementedError

    def do_update(self, obj, data):
        raise NotImplementedError

    def list(self, request):
        f = ActiveFilter(data=request.query_params)
        f.is_valid(raise_exception=True)
        qs = self.rows()
        if f.validated_data.get("is_active") is not None:
            qs = qs.filter(is_active=f.validated_data["is_active"])
        page = self.paginate_queryset(qs)
        return self.get_paginated_response(self.get_serializer(page, many=True).data)

    def retrieve(self, request, pk=None):
        return Response(self.get_serializer(get_in(self.rows(), pk)).data)

    def create(self, request):
        s = self.get_serializer(data=request.data)
        s.is_valid(raise_exception=True)
        obj = self.do_create(dict(s.validated_data))
        return Response(self.get_serializer(obj).data, status=status.HTTP_201_CREATED)

    def partial_update(self, request, pk=None):
        obj = get_in(self.rows(), pk)
        s = self.get_serializer(obj, data=request.data, partial=True)
        s.is_valid(raise_exception=True)
        obj = self.do_update(obj, dict(s.validated_data))
        return Response(self.get_serializer(obj).data)


class StoreViewSet(IdempotentCreateMixin, _OrgViewSet):
    """Stores of the organisation (each with its own service hotline)."""

    serializer_class = StoreSerializer
    queryset = Store.objects.none()

    @extend_schema(parameters=[ActiveFilter])
    def list(self, request):
        return super().list(request)

    def rows(self):
        return store_list(user=self.request.user)

    def do_create(self, data):
        return store_create(by=self.request.user, **data)

    def do_update(self, obj, data):
        return store_update(by=self.request.user, store=obj, **data)


class MerchantViewSet(IdempotentCreateMixin, _OrgViewSet):
    """Merchants (booths) of a market; a merchant administrator sees only its own."""

    serializer_class = MerchantSerializer
    queryset = Merchant.objects.none()

    @extend_schema(parameters=[ActiveFilter])
    def list(self, request):
        return super().list(request)

    def rows(self):
        return merchant_list(user=self.request.user)

    def do_create(self, data):
        return merchant_create(by=self.request.user, **data)

    def do_update(self, obj, data):
        return merchant_update(by=self.request.user, merchant=obj, **data)


def register(router):
    """Add this app's viewsets to the /api/v1/ router."""
    router.register("stores", StoreViewSet, basename="store")
    router.register("merchants", MerchantViewSet, basename="merchant")
