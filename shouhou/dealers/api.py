"""/api/v1/ of the dealers app: warranty cards, dealer tasks, repair records and write-off
notices here; dealer accounts, statements, obligations and supplier claims in `api_money.py`.
Thin: services check the rules, selectors limit the reads (a dealer's login sees only its own
dealer)."""

from __future__ import annotations

from django.utils import timezone
from drf_spectacular.utils import extend_schema
from rest_framework import serializers, status
from rest_framework.decorators import action
from rest_framework.response import Response

from shouhou.catalog.models import Product
from shouhou.core.api import IdempotentCreateMixin, IntegerIn
from shouhou.core.listing import (
    ShapedSerializer,
    TruncatedText,
    shape_parameters,
)
from shouhou.core.phones import mask_phone
from shouhou.sales.models import Contract

from . import selectors, services
from .api_common import DealerViewSet, dealer_from, own_or_given_dealer, valid_input
from .api_money import AccountViewSet, ClaimViewSet
from .models import (
    RepairPart,
    RepairRecord,
    ServiceTask,
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


# Cards --------------------------------------------------------------------------------------


@extend_schema(tags=["dealers"])
class CardViewSet(IdempotentCreateMixin, DealerViewSet):
    serializer_class = DealerCardOut

    @extend_schema(
        parameters=[DealerCardFilter, *shape_parameters(DealerCardOut)],
        responses=DealerCardOut(many=True),
    )
    def list(self, request):
        self._require_read()
        p = valid_input(DealerCardFilter, request.query_params)
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
        d = valid_input(DealerCardIn, request.data)
        card = services.card_register(
            by=request.user,
            dealer=own_or_given_dealer(request, d.get("dealer")),
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
        d = valid_input(DealerReceiveIn, request.data)
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
class TaskViewSet(IdempotentCreateMixin, DealerViewSet):
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
        d = valid_input(DealerTaskIn, request.data)
        fn = (
            services.task_forward
            if d["source"] == ServiceTask.Source.FORWARDED
            else services.task_log
        )
        task = fn(
            by=request.user,
            dealer=own_or_given_dealer(request, d.get("dealer")),
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
        d = valid_input(DealerArrangeIn, request.data)
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
        d = valid_input(DealerOutcomeIn, request.data)
        task = services.task_close(
            by=request.user,
            task=selectors.task_get(user=request.user, pk=pk),
            outcome=d.get("outcome", ""),
        )
        return Response(DealerTaskOut(task).data)


# Repair records -----------------------------------------------------------------------------


@extend_schema(tags=["dealers"])
class RepairViewSet(IdempotentCreateMixin, DealerViewSet):
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
        d = valid_input(DealerRepairIn, request.data)
        record = services.repair_record_create(
            by=request.user,
            dealer=own_or_given_dealer(request, d.get("dealer")),
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
        d = valid_input(DealerRepairReceiveIn, request.data)
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
        d = valid_input(DealerAppraiseIn, request.data)
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
        d = valid_input(DealerReasonIn, request.data)
        return self._out(
            services.repair_record_refuse(
                by=request.user, record=self._record(pk), reason=d.get("reason", "")
            )
        )


# Write-off notices --------------------------------------------------------------------------


@extend_schema(tags=["dealers"])
class NoticeViewSet(IdempotentCreateMixin, DealerViewSet):
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
        d = valid_input(DealerNoticeIn, request.data)
        notice = services.writeoff_issue(by=request.user, dealer=dealer_from(request, d["dealer"]))
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


@extend_schema(tags=["dealers"])
# Supplier claims ----------------------------------------------------------------------------


@extend_schema(tags=["supplier claims"])
def register(router) -> None:
    router.register("dealer-cards", CardViewSet, basename="dealer-card")
    router.register("dealer-tasks", TaskViewSet, basename="dealer-task")
    router.register("dealer-repairs", RepairViewSet, basename="dealer-repair")
    router.register("dealer-notices", NoticeViewSet, basename="dealer-notice")
    router.register("dealer-accounts", AccountViewSet, basename="dealer-account")
    router.register("supplier-claims", ClaimViewSet, basename="supplier-claim")
