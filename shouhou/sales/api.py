"""/api/v1/contracts/: list, filter, retrieve with lines and payments, create with nested lines
(Idempotency-Key), and actions: payments, delivery (change the date), deliver, cancel.

Thin: input serializers check types only (every field optional, so the service reports all
missing and wrong fields together); services check rules and roles; selectors limit reads.
"""

from __future__ import annotations

from drf_spectacular.utils import extend_schema
from rest_framework import serializers, status, viewsets
from rest_framework.decorators import action
from rest_framework.response import Response

from shouhou.catalog.inputs import UNKNOWN
from shouhou.core.api import IdempotentCreateMixin, IntegerIn
from shouhou.core.errors import ValidationFailed
from shouhou.core.filters import StrictOrderingFilter
from shouhou.core.idempotency import run_idempotent
from shouhou.core.phones import mask_phone
from shouhou.customers.selectors import customer_phones_visible, customer_visible_qs
from shouhou.org import roles as r
from shouhou.org.models import Merchant, Store

from . import selectors, services
from .models import Contract, ContractLine, ContractPayment, PaymentMethod

# Output -----------------------------------------------------------------------------------


class ContractLineOut(serializers.ModelSerializer):
    product_name = serializers.CharField(source="product.__str__", read_only=True)
    model_code = serializers.CharField(source="model.code", default="", read_only=True)

    class Meta:
        model = ContractLine
        fields = [
            "id",
            "product",
            "product_name",
            "model",
            "model_code",
            "quantity",
            "unit_price",
            "line_total",
        ]


class ContractPaymentOut(serializers.ModelSerializer):
    method_display = serializers.CharField(source="get_method_display", read_only=True)
    received_by_name = serializers.CharField(
        source="received_by.__str__", default="", read_only=True
    )

    class Meta:
        model = ContractPayment
        fields = [
            "id",
            "amount",
            "method",
            "method_display",
            "receipt_no",
            "received_by",
            "received_by_name",
            "created_at",
        ]


class ContractOut(serializers.ModelSerializer):
    status_display = serializers.CharField(source="get_status_display", read_only=True)
    customer_name = serializers.CharField(source="customer.name", read_only=True)
    customer_mobile = serializers.SerializerMethodField()
    store_name = serializers.CharField(source="store.name", read_only=True)
    merchant_name = serializers.CharField(source="merchant.name", default="", read_only=True)
    salesperson_name = serializers.CharField(
        source="salesperson.__str__", default="", read_only=True
    )
    balance_due = serializers.DecimalField(max_digits=12, decimal_places=2, read_only=True)

    class Meta:
        model = Contract
        fields = [
            "id",
            "number",
            "status",
            "status_display",
            "customer",
            "customer_name",
            "customer_mobile",
            "store",
            "store_name",
            "merchant",
            "merchant_name",
            "salesperson",
            "salesperson_name",
            "signed_on",
            "delivery_date",
            "delivery_district",
            "delivery_address",
            "total",
            "paid",
            "balance_due",
            "payment_method",
            "notes",
            "delivered_on",
            "cancelled_at",
            "cancel_reason",
            "created_at",
        ]

    def get_customer_mobile(self, obj) -> str:
        user = self.context.get("user")
        if user is not None and customer_phones_visible(user=user, customer=obj.customer):
            return obj.customer.mobile
        return mask_phone(obj.customer.mobile)


class ContractDetailOut(ContractOut):
    lines = ContractLineOut(many=True, read_only=True)
    payments = ContractPaymentOut(many=True, read_only=True)

    class Meta(ContractOut.Meta):
        fields = [*ContractOut.Meta.fields, "lines", "payments"]


# Input ------------------------------------------------------------------------------------


class ContractLineIn(serializers.Serializer):
    product = IntegerIn(required=False, allow_null=True)
    model = IntegerIn(required=False, allow_null=True)
    quantity = IntegerIn(required=False, allow_null=True)
    unit_price = serializers.DecimalField(
        max_digits=12, decimal_places=2, required=False, allow_null=True
    )


class ContractIn(serializers.Serializer):
    customer = IntegerIn(required=False, allow_null=True)
    store = IntegerIn(required=False, allow_null=True)
    signed_on = serializers.DateField(required=False, allow_null=True)
    lines = ContractLineIn(many=True, required=False)
    number = serializers.CharField(required=False, allow_blank=True, allow_null=True)
    merchant = IntegerIn(required=False, allow_null=True)
    salesperson = IntegerIn(required=False, allow_null=True)
    delivery_date = serializers.DateField(required=False, allow_null=True)
    delivery_district = serializers.CharField(required=False, allow_blank=True)
    delivery_address = serializers.CharField(required=False, allow_blank=True)
    paid = serializers.DecimalField(max_digits=12, decimal_places=2, required=False)
    payment_method = serializers.ChoiceField(
        choices=PaymentMethod.choices, required=False, allow_blank=True
    )
    notes = serializers.CharField(required=False, allow_blank=True)


class PaymentIn(serializers.Serializer):
    amount = serializers.DecimalField(max_digits=12, decimal_places=2, required=False)
    method = serializers.ChoiceField(choices=PaymentMethod.choices, required=False)
    receipt_no = serializers.CharField(required=False, allow_blank=True)


class CancelIn(serializers.Serializer):
    reason = serializers.CharField(required=False, allow_blank=True)


class DeliveryIn(serializers.Serializer):
    delivery_date = serializers.DateField(allow_null=True)
    delivery_district = serializers.CharField(required=False, allow_blank=True)
    delivery_address = serializers.CharField(required=False, allow_blank=True)
    note = serializers.CharField(required=False, allow_blank=True)


class DeliveredIn(serializers.Serializer):
    delivered_on = serializers.DateField(required=False, allow_null=True)


class ContractFilter(serializers.Serializer):
    q = serializers.CharField(required=False, allow_blank=True)
    store = IntegerIn(required=False)
    merchant = IntegerIn(required=False)
    customer = IntegerIn(required=False)
    status = serializers.ChoiceField(choices=Contract.Status.choices, required=False)
    delivery_from = serializers.DateField(required=False)
    delivery_to = serializers.DateField(required=False)
    signed_from = serializers.DateField(required=False)
    signed_to = serializers.DateField(required=False)
    balance_due = serializers.BooleanField(required=False, allow_null=True, default=None)
    ordering = serializers.CharField(required=False, allow_blank=True)


def _valid(serializer_class, data) -> dict:
    s = serializer_class(data=data)
    s.is_valid(raise_exception=True)
    return dict(s.validated_data)


# Viewset ----------------------------------------------------------------------------------


class ContractBase(viewsets.GenericViewSet):
    queryset = Contract.objects.none()
    serializer_class = ContractOut
    filter_backends = [StrictOrderingFilter]
    ordering_fields = ["signed_on", "delivery_date", "total", "number", "created_at"]

    def get_serializer_context(self):
        return {**super().get_serializer_context(), "user": self.request.user}

    def _out(self, contract, *, detail=True):
        serializer = ContractDetailOut if detail else ContractOut
        if detail:
            contract = selectors.contract_get(user=self.request.user, pk=contract.pk)
        return serializer(contract, context=self.get_serializer_context()).data

    def _reader(self):
        r.require_role(self.request.user, *selectors.READER_ROLES)

    @extend_schema(parameters=[ContractFilter], responses=ContractOut(many=True))
    def list(self, request):
        """Contracts the caller may see (a merchant admin: its merchant's), newest first."""
        self._reader()
        params = _valid(ContractFilter, request.query_params)
        user = request.user
        errors = {}
        org_id = user.organisation_id
        for field, model in (("store", Store), ("merchant", Merchant)):
            if (
                field in params
                and not model.objects.filter(organisation_id=org_id, pk=params[field]).exists()
            ):
                errors[field] = [UNKNOWN]
        if (
            "customer" in params
            and not customer_visible_qs(user=user).filter(pk=params["customer"]).exists()
        ):
            errors["customer"] = [UNKNOWN]
        if errors:
            raise ValidationFailed(fields=errors)
        params.pop("ordering", None)
        qs = self.filter_queryset(selectors.contract_list(user=user, **params))
        page = self.paginate_queryset(qs)
        data = ContractOut(page, many=True, context=self.get_serializer_context()).data
        return self.get_paginated_response(data)

    @extend_schema(responses=ContractDetailOut)
    def retrieve(self, request, pk=None):
        """One contract with its lines and payments."""
        self._reader()
        contract = selectors.contract_get(user=request.user, pk=pk)
        return Response(ContractDetailOut(contract, context=self.get_serializer_context()).data)

    @extend_schema(request=ContractIn, responses={201: ContractDetailOut})
    def create(self, request):
        """Sign a contract with nested lines. Send an Idempotency-Key against double submits."""
        data = _valid(ContractIn, request.data)
        if "lines" in data:
            data["lines"] = [dict(line) for line in data["lines"]]
        else:
            data["lines"] = []
        for required in ("customer", "store", "signed_on"):
            data.setdefault(required, None)
        for blank in ("number", "payment_method", "delivery_district", "delivery_address"):
            if data.get(blank) is None:
                data.pop(blank, None)
        contract = services.contract_create(by=request.user, **data)
        return Response(self._out(contract), status=status.HTTP_201_CREATED)

    @extend_schema(request=PaymentIn, responses={201: ContractDetailOut})
    @action(detail=True, methods=["post"])
    def payments(self, request, pk=None):
        """Record a payment towards the balance due (honours Idempotency-Key)."""

        def pay():
            data = _valid(PaymentIn, request.data)
            payment = services.contract_record_payment(
                by=request.user,
                contract=pk,
                amount=data.get("amount"),
                method=data.get("method", ""),
                receipt_no=data.get("receipt_no", ""),
            )
            return status.HTTP_201_CREATED, self._out(payment.contract)

        code, body, replayed = run_idempotent(
            user=request.user,
            scope=f"api:{request.path}",
            key=request.headers.get("Idempotency-Key"),
            action=pay,
        )
        response = Response(body, status=code)
        if replayed:
            response["Idempotent-Replayed"] = "true"
        return response

    @extend_schema(request=CancelIn, responses=ContractDetailOut)
    @action(detail=True, methods=["post"])
    def cancel(self, request, pk=None):
        """Cancel a contract not delivered yet (a reason is required)."""
        data = _valid(CancelIn, request.data)
        contract = services.contract_cancel(
            by=request.user, contract=pk, reason=data.get("reason", "")
        )
        return Response(self._out(contract))

    @extend_schema(request=DeliveryIn, responses=ContractDetailOut)
    @action(detail=True, methods=["post"])
    def delivery(self, request, pk=None):
        """Change the agreed delivery date (and address)."""
        data = _valid(DeliveryIn, request.data)
        contract = services.contract_change_delivery(by=request.user, contract=pk, **data)
        return Response(self._out(contract))

    @extend_schema(request=DeliveredIn, responses=ContractOut)
    @action(detail=True, methods=["post"])
    def deliver(self, request, pk=None):
        """Confirm the goods were delivered (also open to the delivery crew)."""
        data = _valid(DeliveredIn, request.data)
        contract = services.contract_mark_delivered(
            by=request.user, contract=pk, delivered_on=data.get("delivered_on")
        )
        if selectors.can_read(request.user):
            return Response(self._out(contract))
        return Response(self._out(contract, detail=False))


@extend_schema(tags=["sales"])
class ContractViewSet(IdempotentCreateMixin, ContractBase):
    pass


def register(router):
    """Add this app's viewsets to the /api/v1/ router."""
    router.register("contracts", ContractViewSet, basename="contract")
