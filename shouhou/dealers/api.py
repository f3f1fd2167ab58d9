"""/api/v1/ of the dealers app: warranty cards, dealer tasks, repair records, write-off notices,
dealer accounts and statements, obligations, supplier claims. Thin: services check the rules,
selectors limit the reads (a dealer's login sees only its own dealer)."""

from __future__ import annotations

from django.utils import timezone
from django.utils.translation import gettext as _
from drf_spectacular.utils import extend_schema
from rest_framework import serializers, status, viewsets
from rest_framework.decorators import action
from rest_framework.response import Response

from shouhou.catalog.models import Product, Supplier
from shouhou.core.api import IdempotentCreateMixin, IntegerIn
from shouhou.core.errors import NotFoundError, PermissionDeniedError, ValidationFailed
from shouhou.core.listing import (
    ShapedSerializer,
    SummaryListMixin,
    TruncatedText,
    shape_parameters,
)
from shouhou.core.pagination import KeysetPagination
from shouhou.core.phones import mask_phone
from shouhou.org.models import Dealer
from shouhou.sales.models import Contract

from . import access as A
from . import claims, selectors, services
from .models import (
    ClaimItem,
    LedgerEntry,
    RepairPart,
    RepairRecord,
    ServiceTask,
    SupplierClaim,
    WarrantyCard,
    WriteOffNotice,
)

# Output -------------------------------------------------------------------------------------


class DealerCardOut(ShapedSerializer, serializers.ModelSerializer):
    dealer_name = serializers.CharField(source="dealer.name", read_only=True)
    product_name = serializers.CharField(source="product.name", read_only=True)
    customer_phone = serializers.SerializerMethodField()
    state = serializers.SerializerMethodField()

    class Meta:
        model = WarrantyCard
        fields = [
            "id",
            "number",
            "dealer",
            "dealer_name",
            "contract",
            "product",
            "product_name",
            "serial",
            "customer_name",
            "customer_phone",
            "customer_address",
            "sold_on",
            "due_on",
            "received_on",
            "state",
        ]

    def get_customer_phone(self, obj) -> str:
        return mask_phone(obj.customer_phone)

    def get_state(self, obj) -> str:
        return obj.state(timezone.localdate())


class DealerTaskOut(serializers.ModelSerializer):
    dealer_name = serializers.CharField(source="dealer.name", read_only=True)
    customer_phone = serializers.SerializerMethodField()
    arranged_in_time = serializers.BooleanField(read_only=True, allow_null=True)

    class Meta:
        model = ServiceTask
        fields = [
            "id",
            "dealer",
            "dealer_name",
            "source",
            "channel",
            "card",
            "customer_name",
            "customer_phone",
            "problem",
            "received_at",
            "arrange_due_at",
            "arranged_at",
            "arrangement",
            "customer_told_at",
            "arranged_in_time",
            "check_due_at",
            "escalated_at",
            "outcome",
        ]

    def get_customer_phone(self, obj) -> str:
        return mask_phone(obj.customer_phone)


class DealerTaskListOut(ShapedSerializer, DealerTaskOut):
    expandable = {
        "problem": lambda: serializers.CharField(),
        "arrangement": lambda: serializers.CharField(),
        "outcome": lambda: serializers.CharField(),
    }
    problem = TruncatedText()
    arrangement = TruncatedText()
    outcome = TruncatedText()

    class Meta(DealerTaskOut.Meta):
        pass


class DealerPartOut(serializers.ModelSerializer):
    class Meta:
        model = RepairPart
        fields = ["id", "name", "quantity", "unit_price", "appraisal"]


class DealerRepairOut(serializers.ModelSerializer):
    dealer_name = serializers.CharField(source="dealer.name", read_only=True)
    parts = DealerPartOut(many=True, read_only=True)

    class Meta:
        model = RepairRecord
        fields = [
            "id",
            "number",
            "dealer",
            "dealer_name",
            "card",
            "task",
            "status",
            "customer_name",
            "fault",
            "work_done",
            "repaired_on",
            "signed_by_customer",
            "labour_hours",
            "travel_km",
            "return_due_on",
            "returned_on",
            "appraisal_note",
            "parts_cost",
            "labour_cost",
            "travel_cost",
            "total_cost",
            "refused_reason",
            "notice",
            "parts",
        ]


class DealerRepairListOut(ShapedSerializer, DealerRepairOut):
    """A repair record in a list: the texts cut, the parts on request (`?expand=parts`)."""

    expandable = {
        "fault": lambda: serializers.CharField(),
        "work_done": lambda: serializers.CharField(),
        "appraisal_note": lambda: serializers.CharField(),
        "refused_reason": lambda: serializers.CharField(),
        "parts": lambda: DealerPartOut(many=True, read_only=True),
    }
    fault = TruncatedText()
    work_done = TruncatedText()
    appraisal_note = TruncatedText()
    refused_reason = TruncatedText()

    class Meta(DealerRepairOut.Meta):
        fields = [f for f in DealerRepairOut.Meta.fields if f != "parts"]


class DealerNoticeOut(ShapedSerializer, serializers.ModelSerializer):
    dealer_name = serializers.CharField(source="dealer.name", read_only=True)
    records = serializers.SlugRelatedField(slug_field="number", many=True, read_only=True)

    class Meta:
        model = WriteOffNotice
        fields = [
            "id",
            "number",
            "dealer",
            "dealer_name",
            "amount",
            "issued_at",
            "confirmed_at",
            "records",
        ]


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


# Input --------------------------------------------------------------------------------------


class DealerCardIn(serializers.Serializer):
    dealer = IntegerIn(required=False, allow_null=True)
    number = serializers.CharField(required=False, allow_blank=True)
    product = IntegerIn(required=False, allow_null=True)
    contract = IntegerIn(required=False, allow_null=True)
    serial = serializers.CharField(required=False, allow_blank=True)
    customer_name = serializers.CharField(required=False, allow_blank=True)
    customer_phone = serializers.CharField(required=False, allow_blank=True)
    customer_address = serializers.CharField(required=False, allow_blank=True)
    sold_on = serializers.DateField(required=False, allow_null=True)


class DealerCardFilter(serializers.Serializer):
    dealer = IntegerIn(required=False)
    state = serializers.ChoiceField(choices=["due", "overdue", "late", "on_time"], required=False)


class DealerReceiveIn(serializers.Serializer):
    received_on = serializers.DateField(required=False, allow_null=True)


class DealerTaskIn(serializers.Serializer):
    dealer = IntegerIn(required=False, allow_null=True)
    source = serializers.ChoiceField(choices=ServiceTask.Source.choices)
    channel = serializers.CharField(required=False, allow_blank=True)
    card = IntegerIn(required=False, allow_null=True)
    customer_name = serializers.CharField(required=False, allow_blank=True)
    customer_phone = serializers.CharField(required=False, allow_blank=True)
    problem = serializers.CharField(required=False, allow_blank=True)


class DealerArrangeIn(serializers.Serializer):
    arrangement = serializers.CharField(required=False, allow_blank=True)
    customer_told = serializers.BooleanField(required=False, default=False)


class DealerOutcomeIn(serializers.Serializer):
    outcome = serializers.CharField(required=False, allow_blank=True)


class DealerPartIn(serializers.Serializer):
    name = serializers.CharField(required=False, allow_blank=True)
    quantity = IntegerIn(required=False, allow_null=True)
    unit_price = serializers.CharField(required=False, allow_blank=True)


class DealerRepairIn(serializers.Serializer):
    dealer = IntegerIn(required=False, allow_null=True)
    card = IntegerIn(required=False, allow_null=True)
    task = IntegerIn(required=False, allow_null=True)
    customer_name = serializers.CharField(required=False, allow_blank=True)
    fault = serializers.CharField(required=False, allow_blank=True)
    work_done = serializers.CharField(required=False, allow_blank=True)
    repaired_on = serializers.DateField(required=False, allow_null=True)
    signed_by_customer = serializers.CharField(required=False, allow_blank=True)
    labour_hours = serializers.CharField(required=False, allow_blank=True)
    travel_km = serializers.CharField(required=False, allow_blank=True)
    parts = DealerPartIn(many=True, required=False)


class DealerRepairReceiveIn(serializers.Serializer):
    old_parts_back = serializers.BooleanField(required=False, default=False)
    returned_on = serializers.DateField(required=False, allow_null=True)


class DealerAppraiseIn(serializers.Serializer):
    appraisals = serializers.DictField(
        child=serializers.ChoiceField(choices=["usable", "scrap", "not_covered"]), required=False
    )
    note = serializers.CharField(required=False, allow_blank=True)


class DealerReasonIn(serializers.Serializer):
    reason = serializers.CharField(required=False, allow_blank=True)


class DealerNoticeIn(serializers.Serializer):
    dealer = IntegerIn()


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


def _valid(cls, data) -> dict:
    s = cls(data=data)
    s.is_valid(raise_exception=True)
    return dict(s.validated_data)


def _dealer(request, pk, field="dealer"):
    if pk in (None, ""):
        raise ValidationFailed(fields={field: [_("Choose the dealer.")]})
    try:
        return selectors.dealer_get(user=request.user, dealer=pk)
    except NotFoundError:
        raise ValidationFailed(fields={field: [_("Not found.")]}) from None


def _own_or_given_dealer(request, pk):
    own = A.member_dealer(request.user)
    return own if own is not None and pk in (None, "") else _dealer(request, pk)


class _Base(SummaryListMixin, viewsets.GenericViewSet):
    pagination_class = KeysetPagination

    def get_serializer_context(self):
        return {**super().get_serializer_context(), "user": self.request.user}

    def get_queryset(self):
        """For the schema only (the path's id type); the actions read through selectors."""
        return self.serializer_class.Meta.model._default_manager.none()

    def _page(self, qs, out, **kwargs):
        return self.list_response(qs, out, context=self.get_serializer_context(), **kwargs)

    def _require_read(self):
        if not A.can_read(self.request.user):
            raise PermissionDeniedError()


# Cards --------------------------------------------------------------------------------------


@extend_schema(tags=["dealers"])
class CardViewSet(IdempotentCreateMixin, _Base):
    serializer_class = DealerCardOut

    @extend_schema(
        parameters=[DealerCardFilter, *shape_parameters(DealerCardOut)],
        responses=DealerCardOut(many=True),
    )
    def list(self, request):
        self._require_read()
        p = _valid(DealerCardFilter, request.query_params)
        dealer = (
            selectors.dealer_get(user=request.user, dealer=p["dealer"]) if p.get("dealer") else None
        )
        return self._page(
            selectors.card_list(user=request.user, dealer=dealer, state=p.get("state", "")),
            DealerCardOut,
            related=("dealer", "product"),
        )

    @extend_schema(responses=DealerCardOut)
    def retrieve(self, request, pk=None):
        return Response(DealerCardOut(selectors.card_get(user=request.user, pk=pk)).data)

    def idempotent_create(self, request):
        d = _valid(DealerCardIn, request.data)
        card = services.card_register(
            by=request.user,
            dealer=_own_or_given_dealer(request, d.get("dealer")),
            number=d.get("number", ""),
            product=selectors.org_object(
                Product, user=request.user, pk=d.get("product"), field="product"
            ),
            contract=selectors.org_object(
                Contract, user=request.user, pk=d.get("contract"), field="contract"
            ),
            serial=d.get("serial", ""),
            customer_name=d.get("customer_name", ""),
            customer_phone=d.get("customer_phone", ""),
            customer_address=d.get("customer_address", ""),
            sold_on=d.get("sold_on"),
        )
        return status.HTTP_201_CREATED, card

    def idempotent_render(self, card, code):
        return DealerCardOut(selectors.card_get(user=self.request.user, pk=card.pk)).data

    @extend_schema(request=DealerCardIn, responses={201: DealerCardOut})
    def create(self, request, *args, **kwargs):
        return super().create(request, *args, **kwargs)

    @extend_schema(request=DealerReceiveIn, responses=DealerCardOut)
    @action(detail=True, methods=["post"])
    def receive(self, request, pk=None):
        d = _valid(DealerReceiveIn, request.data)
        card = services.card_receive(
            by=request.user,
            card=selectors.card_get(user=request.user, pk=pk),
            received_on=d.get("received_on"),
        )
        return Response(DealerCardOut(card).data)

    @extend_schema(responses={200: dict})
    @action(detail=False, methods=["get"], url_path="by-dealer")
    def by_dealer(self, request):
        self._require_read()
        return Response(selectors.cards_by_dealer(user=request.user))


# Tasks --------------------------------------------------------------------------------------


@extend_schema(tags=["dealers"])
class TaskViewSet(IdempotentCreateMixin, _Base):
    serializer_class = DealerTaskOut

    @extend_schema(
        parameters=shape_parameters(DealerTaskListOut), responses=DealerTaskListOut(many=True)
    )
    def list(self, request):
        self._require_read()
        return self._page(
            selectors.task_list(user=request.user),
            DealerTaskListOut,
            related=("dealer",),
            values=("arranged_in_time",),
        )

    @extend_schema(responses=DealerTaskOut)
    def retrieve(self, request, pk=None):
        return Response(DealerTaskOut(selectors.task_get(user=request.user, pk=pk)).data)

    def idempotent_create(self, request):
        d = _valid(DealerTaskIn, request.data)
        fn = (
            services.task_forward
            if d["source"] == ServiceTask.Source.FORWARDED
            else services.task_log
        )
        task = fn(
            by=request.user,
            dealer=_own_or_given_dealer(request, d.get("dealer")),
            channel=d.get("channel", ""),
            card=selectors.card_for_form(user=request.user, pk=d.get("card")),
            customer_name=d.get("customer_name", ""),
            customer_phone=d.get("customer_phone", ""),
            problem=d.get("problem", ""),
        )
        return status.HTTP_201_CREATED, task

    def idempotent_render(self, task, code):
        return DealerTaskOut(selectors.task_get(user=self.request.user, pk=task.pk)).data

    @extend_schema(request=DealerTaskIn, responses={201: DealerTaskOut})
    def create(self, request, *args, **kwargs):
        return super().create(request, *args, **kwargs)

    @extend_schema(request=DealerArrangeIn, responses=DealerTaskOut)
    @action(detail=True, methods=["post"])
    def arrange(self, request, pk=None):
        d = _valid(DealerArrangeIn, request.data)
        task = services.task_arrange(
            by=request.user,
            task=selectors.task_get(user=request.user, pk=pk),
            arrangement=d.get("arrangement", ""),
            customer_told=d.get("customer_told", False),
        )
        return Response(DealerTaskOut(task).data)

    @extend_schema(request=DealerOutcomeIn, responses=DealerTaskOut)
    @action(detail=True, methods=["post"])
    def close(self, request, pk=None):
        d = _valid(DealerOutcomeIn, request.data)
        task = services.task_close(
            by=request.user,
            task=selectors.task_get(user=request.user, pk=pk),
            outcome=d.get("outcome", ""),
        )
        return Response(DealerTaskOut(task).data)


# Repair records -----------------------------------------------------------------------------


@extend_schema(tags=["dealers"])
class RepairViewSet(IdempotentCreateMixin, _Base):
    serializer_class = DealerRepairOut

    def _out(self, record, code=status.HTTP_200_OK):
        return Response(
            DealerRepairOut(selectors.repair_get(user=self.request.user, pk=record.pk)).data, code
        )

    @extend_schema(responses=DealerRepairOut(many=True))
    def list(self, request):
        self._require_read()
        return self._page(
            selectors.repair_list(user=request.user).prefetch_related("parts"),
            DealerRepairListOut,
            related=("dealer", "parts"),
        )

    @extend_schema(responses=DealerRepairOut)
    def retrieve(self, request, pk=None):
        return Response(DealerRepairOut(selectors.repair_get(user=request.user, pk=pk)).data)

    def idempotent_create(self, request):
        d = _valid(DealerRepairIn, request.data)
        record = services.repair_record_create(
            by=request.user,
            dealer=_own_or_given_dealer(request, d.get("dealer")),
            card=selectors.card_for_form(user=request.user, pk=d.get("card")),
            task=selectors.task_for_form(user=request.user, pk=d.get("task")),
            customer_name=d.get("customer_name", ""),
            fault=d.get("fault", ""),
            work_done=d.get("work_done", ""),
            repaired_on=d.get("repaired_on"),
            signed_by_customer=d.get("signed_by_customer", ""),
            labour_hours=d.get("labour_hours") or 0,
            travel_km=d.get("travel_km") or 0,
            parts=[dict(p) for p in d.get("parts", [])],
        )
        return status.HTTP_201_CREATED, record

    def idempotent_render(self, record, code):
        return DealerRepairOut(selectors.repair_get(user=self.request.user, pk=record.pk)).data

    @extend_schema(request=DealerRepairIn, responses={201: DealerRepairOut})
    def create(self, request, *args, **kwargs):
        return super().create(request, *args, **kwargs)

    def _record(self, pk):
        return selectors.repair_get(user=self.request.user, pk=pk)

    @extend_schema(request=DealerRepairReceiveIn, responses=DealerRepairOut)
    @action(detail=True, methods=["post"])
    def receive(self, request, pk=None):
        d = _valid(DealerRepairReceiveIn, request.data)
        return self._out(
            services.repair_record_receive(
                by=request.user,
                record=self._record(pk),
                old_parts_back=d.get("old_parts_back", False),
                returned_on=d.get("returned_on"),
            )
        )

    @extend_schema(request=DealerAppraiseIn, responses=DealerRepairOut)
    @action(detail=True, methods=["post"])
    def appraise(self, request, pk=None):
        d = _valid(DealerAppraiseIn, request.data)
        return self._out(
            services.repair_record_appraise(
                by=request.user,
                record=self._record(pk),
                appraisals=d.get("appraisals", {}),
                note=d.get("note", ""),
            )
        )

    @extend_schema(request=None, responses=DealerRepairOut)
    @action(detail=True, methods=["post"])
    def approve(self, request, pk=None):
        return self._out(services.repair_record_approve(by=request.user, record=self._record(pk)))

    @extend_schema(request=DealerReasonIn, responses=DealerRepairOut)
    @action(detail=True, methods=["post"])
    def refuse(self, request, pk=None):
        d = _valid(DealerReasonIn, request.data)
        return self._out(
            services.repair_record_refuse(
                by=request.user, record=self._record(pk), reason=d.get("reason", "")
            )
        )


# Write-off notices --------------------------------------------------------------------------


@extend_schema(tags=["dealers"])
class NoticeViewSet(IdempotentCreateMixin, _Base):
    serializer_class = DealerNoticeOut

    @extend_schema(responses=DealerNoticeOut(many=True))
    def list(self, request):
        self._require_read()
        return self._page(
            selectors.notice_list(user=request.user).prefetch_related("records"),
            DealerNoticeOut,
            related=("dealer", "records"),
        )

    @extend_schema(responses=DealerNoticeOut)
    def retrieve(self, request, pk=None):
        return Response(DealerNoticeOut(selectors.notice_get(user=request.user, pk=pk)).data)

    def idempotent_create(self, request):
        d = _valid(DealerNoticeIn, request.data)
        notice = services.writeoff_issue(by=request.user, dealer=_dealer(request, d["dealer"]))
        return status.HTTP_201_CREATED, notice

    def idempotent_render(self, notice, code):
        return DealerNoticeOut(selectors.notice_get(user=self.request.user, pk=notice.pk)).data

    @extend_schema(request=DealerNoticeIn, responses={201: DealerNoticeOut})
    def create(self, request, *args, **kwargs):
        return super().create(request, *args, **kwargs)

    @extend_schema(request=None, responses=DealerNoticeOut)
    @action(detail=True, methods=["post"])
    def confirm(self, request, pk=None):
        notice = services.writeoff_confirm(
            by=request.user, notice=selectors.notice_get(user=request.user, pk=pk)
        )
        return Response(DealerNoticeOut(selectors.notice_get(user=request.user, pk=notice.pk)).data)


# Dealer accounts, statements and obligations ------------------------------------------------


@extend_schema(tags=["dealers"])
class AccountViewSet(_Base):
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
        d = _valid(DealerLedgerIn, request.data)
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
        p = _valid(DealerMonthIn, request.query_params)
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
        d = _valid(DealerPlanIn, request.data)
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
        d = _valid(DealerSpotCheckIn, request.data)
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


# Supplier claims ----------------------------------------------------------------------------


@extend_schema(tags=["supplier claims"])
class ClaimViewSet(IdempotentCreateMixin, _Base):
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
        p = _valid(DealerClaimFilter, request.query_params)
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
        d = _valid(DealerClaimIn, request.data)
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
        d = _valid(DealerClaimUpdateIn, request.data)
        return self._out(claims.claim_update(by=request.user, claim=self._claim(pk), **d))

    @extend_schema(request=DealerClaimItemIn, responses={201: DealerClaimOut})
    @action(detail=True, methods=["post"])
    def items(self, request, pk=None):
        d = _valid(DealerClaimItemIn, request.data)
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
        d = _valid(DealerSendIn, request.data)
        return self._out(
            claims.claim_send(by=request.user, claim=self._claim(pk), email_to=d.get("email_to"))
        )

    @extend_schema(request=DealerAckIn, responses=DealerClaimOut)
    @action(detail=True, methods=["post"])
    def acknowledge(self, request, pk=None):
        d = _valid(DealerAckIn, request.data)
        return self._out(
            claims.claim_acknowledge(by=request.user, claim=self._claim(pk), name=d.get("name", ""))
        )

    @extend_schema(request=DealerSettleIn, responses=DealerClaimOut)
    @action(detail=True, methods=["post"])
    def settle(self, request, pk=None):
        d = _valid(DealerSettleIn, request.data)
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
        d = _valid(DealerRejectIn, request.data)
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
        p = _valid(DealerYearIn, request.query_params)
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


def register(router) -> None:
    router.register("dealer-cards", CardViewSet, basename="dealer-card")
    router.register("dealer-tasks", TaskViewSet, basename="dealer-task")
    router.register("dealer-repairs", RepairViewSet, basename="dealer-repair")
    router.register("dealer-notices", NoticeViewSet, basename="dealer-notice")
    router.register("dealer-accounts", AccountViewSet, basename="dealer-account")
    router.register("supplier-claims", ClaimViewSet, basename="supplier-claim")
