"""/api/v1/stores/, /merchants/, /stations/, /departments/ and /dealers/ of the caller's
organisation.

Reads: office roles see every row; a merchant administrator sees every store (a contract needs
one) and only its own merchant; a dealer's login only its own dealer; other roles are refused.
Writes follow the rule of `org.access` (the owners every row, a store manager their own store
and its departments, the customer-service manager departments and dealers, a merchant's or
dealer's login its own contact person and phone). Each write is one audited transaction.
"""

from __future__ import annotations

from drf_spectacular.utils import extend_schema
from rest_framework import serializers, status, viewsets
from rest_framework.response import Response

from shouhou.core.api import IdempotentCreateMixin, IntegerIn

from .models import Dealer, Department, Merchant, Store
from .selectors import dealer_list, department_list, empty, get_in, merchant_list, store_list
from .services import (
    dealer_update,
    department_update,
    merchant_create,
    merchant_update,
    store_create,
    store_update,
)

# --- serializers and viewsets -------------------------------------------------------------


class StoreSerializer(serializers.ModelSerializer):
    class Meta:
        model = Store
        fields = [
            "id",
            "name",
            "code",
            "kind",
            "hotline",
            "address",
            "opens_at",
            "closes_at",
            "is_active",
        ]


class MerchantSerializer(serializers.ModelSerializer):
    class Meta:
        model = Merchant
        fields = ["id", "name", "store", "booth", "contact_name", "phone", "is_active"]


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


# --- stations, departments and dealers (issue 22.4) -----------------------------------------


class StationViewSet(viewsets.GenericViewSet):
    """Service stations (stores of kind "station"), listed here; one station is
    /api/v1/stores/{id}/, which also changes it."""

    serializer_class = StoreSerializer
    queryset = empty(Store)
    filter_backends: list = []

    def list(self, request):
        qs = store_list(user=request.user, kind=Store.Kind.STATION)
        page = self.paginate_queryset(qs)
        return self.get_paginated_response(self.get_serializer(page, many=True).data)


class DepartmentSerializer(serializers.ModelSerializer):
    class Meta:
        model = Department
        fields = ["id", "name", "kind", "store", "phone"]


class DepartmentFilter(serializers.Serializer):
    store = IntegerIn(required=False, min_value=1)


class _ReadUpdateViewSet(viewsets.GenericViewSet):
    filter_backends: list = []

    def rows(self):
        raise NotImplementedError

    def do_update(self, obj, data):
        raise NotImplementedError

    def filtered(self, qs):
        return qs

    def list(self, request):
        page = self.paginate_queryset(self.filtered(self.rows()))
        return self.get_paginated_response(self.get_serializer(page, many=True).data)

    def retrieve(self, request, pk=None):
        return Response(self.get_serializer(get_in(self.rows(), pk)).data)

    def partial_update(self, request, pk=None):
        obj = get_in(self.rows(), pk)
        s = self.get_serializer(obj, data=request.data, partial=True)
        s.is_valid(raise_exception=True)
        obj = self.do_update(obj, dict(s.validated_data))
        return Response(self.get_serializer(obj).data)


class DepartmentViewSet(_ReadUpdateViewSet):
    """Departments; changed by the customer-service manager and the owners (a store manager:
    those of their store)."""

    serializer_class = DepartmentSerializer
    queryset = empty(Department)

    @extend_schema(parameters=[DepartmentFilter])
    def list(self, request):
        return super().list(request)

    def filtered(self, qs):
        f = DepartmentFilter(data=self.request.query_params)
        f.is_valid(raise_exception=True)
        store = f.validated_data.get("store")
        return qs.filter(store_id=store) if store else qs

    def rows(self):
        return department_list(user=self.request.user)

    def do_update(self, obj, data):
        return department_update(by=self.request.user, department=obj, **data)


class DealerSerializer(serializers.ModelSerializer):
    class Meta:
        model = Dealer
        fields = ["id", "name", "region", "contact_name", "phone", "is_active"]


class DealerViewSet(_ReadUpdateViewSet):
    """Dealers; a dealer's login sees (and keeps the contact of) only its own dealer."""

    serializer_class = DealerSerializer
    queryset = empty(Dealer)

    def rows(self):
        return dealer_list(user=self.request.user)

    def do_update(self, obj, data):
        return dealer_update(by=self.request.user, dealer=obj, **data)


def register(router):
    """Add this app's viewsets to the /api/v1/ router."""
    router.register("stores", StoreViewSet, basename="store")
    router.register("merchants", MerchantViewSet, basename="merchant")
    router.register("stations", StationViewSet, basename="station")
    router.register("departments", DepartmentViewSet, basename="department")
    router.register("dealers", DealerViewSet, basename="dealer")
