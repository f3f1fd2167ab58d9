"""/api/v1/loan-units/: loan units (备用机) lent while an order is late, and their return."""

from __future__ import annotations

from decimal import Decimal

from django.utils.translation import gettext as _
from drf_spectacular.utils import OpenApiParameter, extend_schema
from rest_framework import serializers, viewsets
from rest_framework.decorators import action
from rest_framework.response import Response

from shouhou.core.api import IntegerIn
from shouhou.core.errors import ValidationFailed

from . import selectors, services
from .models import LoanUnit


class OrderRef(serializers.Serializer):
    id = IntegerIn()
    number = serializers.CharField()


class LoanUnitOut(serializers.ModelSerializer):
    order = OrderRef(read_only=True)
    lent_by = serializers.CharField(source="lent_by.username", read_only=True)
    returned_by = serializers.CharField(
        source="returned_by.username", read_only=True, allow_null=True, default=None
    )
    is_out = serializers.BooleanField(read_only=True)

    class Meta:
        model = LoanUnit
        fields = [
            "id",
            "order",
            "unit",
            "lent_at",
            "lent_by",
            "deposit",
            "deposit_receipt_no",
            "note",
            "is_out",
            "returned_at",
            "returned_by",
            "deposit_refunded",
        ]


class LoanLendIn(serializers.Serializer):
    unit = serializers.CharField(max_length=200)
    deposit = serializers.DecimalField(
        max_digits=12, decimal_places=2, min_value=Decimal("0"), required=False
    )
    deposit_receipt_no = serializers.CharField(max_length=40, required=False, allow_blank=True)
    note = serializers.CharField(max_length=500, required=False, allow_blank=True)


class LoanReturnIn(serializers.Serializer):
    deposit_refunded = serializers.BooleanField(required=False, default=False)
    note = serializers.CharField(max_length=500, required=False, allow_blank=True)


class LoanUnitViewSet(viewsets.GenericViewSet):
    """Loan units (备用机): `?which=out|overdue|returned|all` (default out). A unit is lent with
    `POST /workorders/{id}/lend-loan/` and taken back with `POST /loan-units/{id}/return/`."""

    serializer_class = LoanUnitOut  # names the model for the schema (no queryset attribute)
    filter_backends: list = []

    def get_queryset(self):
        which = self.request.query_params.get("which", "out")
        if which not in selectors.LOAN_FILTERS or which == "due":
            raise ValidationFailed(fields={"which": [_("Unknown filter.")]})
        return selectors.loan_list(user=self.request.user, which=which)

    @extend_schema(
        parameters=[
            OpenApiParameter("which", str, enum=["out", "overdue", "returned", "all"]),
        ],
        responses=LoanUnitOut(many=True),
    )
    def list(self, request):
        page = self.paginate_queryset(self.get_queryset())
        return self.get_paginated_response(LoanUnitOut(page, many=True).data)

    @extend_schema(responses=LoanUnitOut)
    def retrieve(self, request, pk=None):
        return Response(LoanUnitOut(selectors.loan_get(user=request.user, pk=pk)).data)

    @extend_schema(request=LoanReturnIn, responses=LoanUnitOut)
    @action(detail=True, methods=["post"], url_path="return")
    def return_unit(self, request, pk=None):
        loan = selectors.loan_get(user=request.user, pk=pk)
        s = LoanReturnIn(data=request.data)
        s.is_valid(raise_exception=True)
        loan = services.loan_unit_return(by=request.user, loan=loan, **s.validated_data)
        return Response(LoanUnitOut(selectors.loan_get(user=request.user, pk=loan.pk)).data)
