"""/api/v1/ of the dealers app, the money side: dealer accounts, statements and obligations,
and supplier claims (the rest is in `api.py`, which registers both)."""

from __future__ import annotations

from drf_spectacular.utils import extend_schema
from rest_framework import serializers, status
from rest_framework.decorators import action
from rest_framework.response import Response

from shouhou.catalog.models import Supplier
from shouhou.core.api import IdempotentCreateMixin, IntegerIn
from shouhou.core.errors import PermissionDeniedError
from shouhou.core.listing import (
    ShapedSerializer,
    TruncatedText,
    shape_parameters,
)
from shouhou.org.models import Dealer

from . import access as A
from . import claims, selectors, services
from .api_common import DealerViewSet, valid_input
from .models import (
    ClaimItem,
    LedgerEntry,
    SupplierClaim,
)


class DealerLedgerOut(serializers.ModelSerializer):
    class Meta:
        model = LedgerEntry
        fields = ["id", "on", "kind", "amount", "description", "notice"]


class DealerAccountOut(ShapedSerializer, serializers.ModelSerializer):
    balance = serializers.SerializerMethodField()

    class Meta:
        model = Dealer
        fields = ["id", "name", "region", "is_active", "balance"]

    def get_balance(self, obj) -> str:
        return str(selectors.dealer_balance(user=self.context["user"], dealer=obj))


class DealerClaimItemOut(serializers.ModelSerializer):
    class Meta:
        model = ClaimItem
        fields = ["id", "kind", "description", "amount"]


class DealerClaimOut(serializers.ModelSerializer):
    supplier_name = serializers.CharField(source="supplier.name", read_only=True)
    items = DealerClaimItemOut(many=True, read_only=True)
    claimed_total = serializers.DecimalField(max_digits=12, decimal_places=2, read_only=True)

    class Meta:
        model = SupplierClaim
        fields = [
            "id",
            "number",
            "supplier",
            "supplier_name",
            "case",
            "status",
            "products",
            "fault",
            "evidence",
            "email_to",
            "sent_at",
            "sent_by",
            "message_id",
            "acknowledged_at",
            "acknowledged_by",
            "acknowledged_name",
            "settled_at",
            "settled_by",
            "settled_on",
            "settled_amount",
            "settlement_note",
            "claimed_total",
            "items",
        ]


class DealerClaimListOut(ShapedSerializer, DealerClaimOut):
    """A claim in a list: the texts cut, the items on request (`?expand=items`)."""

    expandable = {
        "fault": lambda: serializers.CharField(),
        "evidence": lambda: serializers.CharField(),
        "settlement_note": lambda: serializers.CharField(),
        "items": lambda: DealerClaimItemOut(many=True, read_only=True),
    }
    fault = TruncatedText()
    evidence = TruncatedText()
    settlement_note = TruncatedText()

    class Meta(DealerClaimOut.Meta):
        fields = [f for f in DealerClaimOut.Meta.fields if f not in ("items", "message_id")]


class DealerLedgerIn(serializers.Serializer):
    kind = serializers.CharField(required=False, allow_blank=True)
    amount = serializers.CharField(required=False, allow_blank=True)
    on = serializers.DateField(required=False, allow_null=True)
    description = serializers.CharField(required=False, allow_blank=True)


class DealerMonthIn(serializers.Serializer):
    year = IntegerIn(min_value=2000, max_value=2100)
    month = IntegerIn(min_value=1, max_value=12)


class DealerPlanIn(serializers.Serializer):
    season_start = serializers.DateField(required=False, allow_null=True)
    items = serializers.CharField(required=False, allow_blank=True)


class DealerSpotCheckIn(serializers.Serializer):
    checked_on = serializers.DateField(required=False, allow_null=True)
    records_checked = IntegerIn(required=False, default=0)
    findings = serializers.CharField(required=False, allow_blank=True)


class DealerClaimItemIn(serializers.Serializer):
    kind = serializers.CharField(required=False, allow_blank=True)
    description = serializers.CharField(required=False, allow_blank=True)
    amount = serializers.CharField(required=False, allow_blank=True)


class DealerClaimIn(serializers.Serializer):
    supplier = IntegerIn(required=False, allow_null=True)
    products = serializers.CharField(required=False, allow_blank=True)
    fault = serializers.CharField(required=False, allow_blank=True)
    evidence = serializers.CharField(required=False, allow_blank=True)
    email_to = serializers.CharField(required=False, allow_blank=True)
    items = DealerClaimItemIn(many=True, required=False)


class DealerClaimUpdateIn(serializers.Serializer):
    products = serializers.CharField(required=False, allow_blank=True)
    fault = serializers.CharField(required=False, allow_blank=True)
    evidence = serializers.CharField(required=False, allow_blank=True)
    email_to = serializers.CharField(required=False, allow_blank=True)


class DealerSendIn(serializers.Serializer):
    email_to = serializers.CharField(required=False, allow_blank=True)


class DealerAckIn(serializers.Serializer):
    name = serializers.CharField(required=False, allow_blank=True)


class DealerSettleIn(serializers.Serializer):
    amount = serializers.CharField(required=False, allow_blank=True)
    settled_on = serializers.DateField(required=False, allow_null=True)
    note = serializers.CharField(required=False, allow_blank=True)


class DealerRejectIn(serializers.Serializer):
    note = serializers.CharField(required=False, allow_blank=True)


class DealerClaimFilter(serializers.Serializer):
    status = serializers.ChoiceField(choices=SupplierClaim.Status.choices, required=False)


class DealerYearIn(serializers.Serializer):
    year = IntegerIn(min_value=2000, max_value=2100)


# Dealer accounts, statements and obligations ------------------------------------------------


class AccountViewSet(DealerViewSet):
    serializer_class = DealerAccountOut

    @extend_schema(responses=DealerAccountOut(many=True))
    def list(self, request):
        self._require_read()
        return self._page(
            selectors.dealer_list(request.user).order_by("name", "id"),
            DealerAccountOut,
            # The balance is summed from the ledger per row: no row validator can see a new
            # entry, so this list is validated by its body (core.listing.finish_api_response).
            etag=False,
        )

    @extend_schema(responses=DealerAccountOut)
    def retrieve(self, request, pk=None):
        dealer = selectors.dealer_get(user=request.user, dealer=pk)
        return Response(DealerAccountOut(dealer, context=self.get_serializer_context()).data)

    @extend_schema(responses=DealerLedgerOut(many=True))
    @action(detail=True, methods=["get"])
    def ledger(self, request, pk=None):
        dealer = selectors.dealer_get(user=request.user, dealer=pk)
        return self._page(selectors.ledger_list(user=request.user, dealer=dealer), DealerLedgerOut)

    @extend_schema(request=DealerLedgerIn, responses={201: DealerLedgerOut})
    @ledger.mapping.post
    def post_ledger(self, request, pk=None):
        d = valid_input(DealerLedgerIn, request.data)
        entry = services.ledger_post(
            by=request.user,
            dealer=selectors.dealer_get(user=request.user, dealer=pk),
            kind=d.get("kind", ""),
            amount=d.get("amount", ""),
            on=d.get("on"),
            description=d.get("description", ""),
        )
        return Response(DealerLedgerOut(entry).data, status=status.HTTP_201_CREATED)

    @extend_schema(parameters=[DealerMonthIn], responses={200: dict})
    @action(detail=True, methods=["get"])
    def statement(self, request, pk=None):
        p = valid_input(DealerMonthIn, request.query_params)
        dealer = selectors.dealer_get(user=request.user, dealer=pk)
        st = selectors.dealer_statement(user=request.user, dealer=dealer, **p)
        return Response(
            {
                "dealer": dealer.pk,
                "first": st["first"],
                "last": st["last"],
                "opening": str(st["opening"]),
                "closing": str(st["closing"]),
                "charges": str(st["charges"]),
                "payments": str(st["payments"]),
                "write_offs": str(st["write_offs"]),
                "lines": [
                    {**DealerLedgerOut(line["entry"]).data, "balance": str(line["balance"])}
                    for line in st["lines"]
                ],
            }
        )

    @extend_schema(request=DealerPlanIn, responses={201: dict})
    @action(detail=True, methods=["post"], url_path="stocking-plans")
    def stocking_plans(self, request, pk=None):
        d = valid_input(DealerPlanIn, request.data)
        plan = services.stocking_plan_record(
            by=request.user,
            dealer=selectors.dealer_get(user=request.user, dealer=pk),
            season_start=d.get("season_start"),
            items=d.get("items", ""),
        )
        return Response(
            {"id": plan.pk, "season_start": plan.season_start, "submitted_on": plan.submitted_on},
            status=status.HTTP_201_CREATED,
        )

    @extend_schema(request=DealerSpotCheckIn, responses={201: dict})
    @action(detail=True, methods=["post"], url_path="spot-checks")
    def spot_checks(self, request, pk=None):
        d = valid_input(DealerSpotCheckIn, request.data)
        check = services.spot_check_record(
            by=request.user,
            dealer=selectors.dealer_get(user=request.user, dealer=pk),
            checked_on=d.get("checked_on"),
            records_checked=d.get("records_checked", 0),
            findings=d.get("findings", ""),
        )
        return Response({"id": check.pk, "checked_on": check.checked_on}, status=201)

    @extend_schema(responses={200: dict})
    @action(detail=False, methods=["get"])
    def obligations(self, request):
        self._require_read()
        return Response(
            [
                {
                    "dealer": o["dealer"].pk,
                    "dealer_name": o["dealer"].name,
                    "kind": o["kind"],
                    "label": o["label"],
                    "due_on": o["due_on"],
                }
                for o in selectors.obligations_missing(user=request.user)
            ]
        )


class ClaimViewSet(IdempotentCreateMixin, DealerViewSet):
    serializer_class = DealerClaimOut

    def _claim(self, pk):
        return selectors.claim_get(user=self.request.user, pk=pk)

    def _out(self, claim, code=status.HTTP_200_OK):
        return Response(DealerClaimOut(self._claim(claim.pk)).data, code)

    @extend_schema(
        parameters=[DealerClaimFilter, *shape_parameters(DealerClaimListOut)],
        responses=DealerClaimListOut(many=True),
    )
    def list(self, request):
        if not A.can_read_claims(request.user):
            raise PermissionDeniedError()
        p = valid_input(DealerClaimFilter, request.query_params)
        return self._page(
            selectors.claim_list(user=request.user, status=p.get("status", "")).prefetch_related(
                "items"
            ),
            DealerClaimListOut,
            related=("supplier", "items"),
        )

    @extend_schema(responses=DealerClaimOut)
    def retrieve(self, request, pk=None):
        return Response(DealerClaimOut(self._claim(pk)).data)

    def idempotent_create(self, request):
        d = valid_input(DealerClaimIn, request.data)
        claim = claims.claim_create(
            by=request.user,
            supplier=selectors.org_object(
                Supplier, user=request.user, pk=d.get("supplier"), field="supplier"
            ),
            products=d.get("products", ""),
            fault=d.get("fault", ""),
            evidence=d.get("evidence", ""),
            email_to=d.get("email_to", ""),
            items=[dict(i) for i in d.get("items", [])],
        )
        return status.HTTP_201_CREATED, claim

    def idempotent_render(self, claim, code):
        return DealerClaimOut(self._claim(claim.pk)).data

    @extend_schema(request=DealerClaimIn, responses={201: DealerClaimOut})
    def create(self, request, *args, **kwargs):
        return super().create(request, *args, **kwargs)

    @extend_schema(request=DealerClaimUpdateIn, responses=DealerClaimOut)
    def partial_update(self, request, pk=None):
        d = valid_input(DealerClaimUpdateIn, request.data)
        return self._out(claims.claim_update(by=request.user, claim=self._claim(pk), **d))

    @extend_schema(request=DealerClaimItemIn, responses={201: DealerClaimOut})
    @action(detail=True, methods=["post"])
    def items(self, request, pk=None):
        d = valid_input(DealerClaimItemIn, request.data)
        item = claims.claim_item_add(
            by=request.user,
            claim=self._claim(pk),
            kind=d.get("kind", ""),
            amount=d.get("amount", ""),
            description=d.get("description", ""),
        )
        return self._out(item.claim, status.HTTP_201_CREATED)

    @extend_schema(request=DealerSendIn, responses=DealerClaimOut)
    @action(detail=True, methods=["post"])
    def send(self, request, pk=None):
        d = valid_input(DealerSendIn, request.data)
        return self._out(
            claims.claim_send(by=request.user, claim=self._claim(pk), email_to=d.get("email_to"))
        )

    @extend_schema(request=DealerAckIn, responses=DealerClaimOut)
    @action(detail=True, methods=["post"])
    def acknowledge(self, request, pk=None):
        d = valid_input(DealerAckIn, request.data)
        return self._out(
            claims.claim_acknowledge(by=request.user, claim=self._claim(pk), name=d.get("name", ""))
        )

    @extend_schema(request=DealerSettleIn, responses=DealerClaimOut)
    @action(detail=True, methods=["post"])
    def settle(self, request, pk=None):
        d = valid_input(DealerSettleIn, request.data)
        return self._out(
            claims.claim_settle(
                by=request.user,
                claim=self._claim(pk),
                amount=d.get("amount", ""),
                settled_on=d.get("settled_on"),
                note=d.get("note", ""),
            )
        )

    @extend_schema(request=DealerRejectIn, responses=DealerClaimOut)
    @action(detail=True, methods=["post"])
    def reject(self, request, pk=None):
        d = valid_input(DealerRejectIn, request.data)
        return self._out(
            claims.claim_reject(by=request.user, claim=self._claim(pk), note=d.get("note", ""))
        )

    @extend_schema(responses={200: dict})
    @action(detail=False, methods=["get"])
    def ageing(self, request):
        if not A.can_read_claims(request.user):
            raise PermissionDeniedError()
        return Response(
            [
                {
                    "id": row["claim"].pk,
                    "number": row["claim"].number,
                    "supplier": row["claim"].supplier.name,
                    "status": row["claim"].status,
                    "claimed": str(row["claim"].claimed or 0),
                    "days": row["days"],
                    "bucket": row["bucket"],
                }
                for row in selectors.claim_ageing(user=request.user)
            ]
        )

    @extend_schema(parameters=[DealerYearIn], responses={200: dict})
    @action(detail=False, methods=["get"])
    def monthly(self, request):
        if not A.can_read_claims(request.user):
            raise PermissionDeniedError()
        p = valid_input(DealerYearIn, request.query_params)
        return Response(
            [
                {
                    "month": m["month"],
                    "claimed": str(m["claimed"]),
                    "recovered": str(m["recovered"]),
                }
                for m in selectors.claim_monthly(user=request.user, year=p["year"])
            ]
        )
