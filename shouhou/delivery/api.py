"""/api/v1/deliveries/: list (by day, range, status, crew), retrieve, schedule (Idempotency-Key),
and one POST action per step; /api/v1/workshop-requests/ (queue, done, inspect);
/api/v1/delivery-tasks/ (open tasks, done). Thin: services check rules, selectors limit reads."""

from __future__ import annotations

from drf_spectacular.utils import extend_schema
from rest_framework import serializers, status, viewsets
from rest_framework.decorators import action
from rest_framework.response import Response

from shouhou.core.api import IdempotentCreateMixin, IntegerIn
from shouhou.core.errors import PermissionDeniedError
from shouhou.core.listing import (
    ShapedSerializer,
    SummaryListMixin,
    TruncatedText,
    fields_without,
    shape_parameters,
)
from shouhou.core.pagination import KeysetPagination
from shouhou.core.phones import mask_phone
from shouhou.org import roles as r
from shouhou.sales.models import PaymentMethod

from . import selectors, services
from .models import Delivery, DeliveryTask, WorkshopRequest

# Output -----------------------------------------------------------------------------------


class WorkshopRequestOut(serializers.ModelSerializer):
    status_display = serializers.CharField(source="get_status_display", read_only=True)

    class Meta:
        model = WorkshopRequest
        fields = [
            "id",
            "delivery",
            "description",
            "due_on",
            "status",
            "status_display",
            "done_at",
            "work_note",
            "returned_count",
            "inspect_note",
            "accepted_at",
        ]


class DeliveryOut(serializers.ModelSerializer):
    status_display = serializers.CharField(source="get_status_display", read_only=True)
    contract_number = serializers.CharField(source="contract.number", read_only=True)
    customer_name = serializers.CharField(source="customer.name", read_only=True)
    customer_mobile = serializers.SerializerMethodField()
    crew_name = serializers.CharField(source="crew.name", default="", read_only=True)
    balance_due = serializers.DecimalField(
        source="contract.balance_due", max_digits=12, decimal_places=2, read_only=True
    )

    class Meta:
        model = Delivery
        fields = [
            "id",
            "contract",
            "contract_number",
            "customer",
            "customer_name",
            "customer_mobile",
            "status",
            "status_display",
            "scheduled_date",
            "district",
            "address",
            "in_transit_since",
            "storage_limit_on",
            "reconfirm_due_on",
            "reconfirmed_at",
            "workshop_due_on",
            "rescheduled_count",
            "crew",
            "crew_name",
            "crew_members",
            "vehicle",
            "customer_confirmed_at",
            "checklist",
            "loaded_at",
            "departed_at",
            "balance_due",
            "collected_amount",
            "collected_method",
            "receipt_no",
            "collected_at",
            "payment_posted",
            "signer_name",
            "satisfaction",
            "comments",
            "delivered_at",
            "report_note",
            "reported_at",
            "cancelled_at",
            "cancel_reason",
        ]

    def get_customer_mobile(self, obj) -> str:
        user = self.context.get("user")
        if user is not None and r.has_role(user, r.DELIVERY_CREW, r.CS_SUPERVISOR, r.CS_MANAGER):
            return obj.customer.mobile
        return mask_phone(obj.customer.mobile)


class DeliveryListOut(ShapedSerializer, DeliveryOut):
    """A list row: where, when, who, what is due; the address cut. The detail (and
    `?expand=`) has the checklist, the crew, the report and the comments."""

    expandable = {
        "address": lambda: serializers.CharField(),
        "checklist": lambda: serializers.JSONField(),
        "crew_members": lambda: serializers.JSONField(),
        "comments": lambda: serializers.CharField(),
        "report_note": lambda: serializers.CharField(),
        "cancel_reason": lambda: serializers.CharField(),
    }
    address = TruncatedText()

    class Meta(DeliveryOut.Meta):
        fields = fields_without(
            DeliveryOut.Meta.fields,
            "crew_members",
            "customer_confirmed_at",
            "checklist",
            "loaded_at",
            "departed_at",
            "collected_method",
            "receipt_no",
            "collected_at",
            "signer_name",
            "comments",
            "report_note",
            "reported_at",
            "cancel_reason",
        )


class WorkshopRequestListOut(ShapedSerializer, WorkshopRequestOut):
    """The workshop's queue row: the texts cut (`?expand=` gives them whole)."""

    expandable = {
        "description": lambda: serializers.CharField(),
        "work_note": lambda: serializers.CharField(),
        "inspect_note": lambda: serializers.CharField(),
    }
    description = TruncatedText()
    work_note = TruncatedText()
    inspect_note = TruncatedText()

    class Meta(WorkshopRequestOut.Meta):
        pass


class DeliveryDetailOut(DeliveryOut):
    workshop_requests = WorkshopRequestOut(many=True, read_only=True)

    class Meta(DeliveryOut.Meta):
        fields = [*DeliveryOut.Meta.fields, "workshop_requests"]


class DeliveryTaskOut(ShapedSerializer, serializers.ModelSerializer):
    kind_display = serializers.CharField(source="get_kind_display", read_only=True)

    class Meta:
        model = DeliveryTask
        fields = [
            "id",
            "delivery",
            "kind",
            "kind_display",
            "role",
            "assigned_to",
            "due_on",
            "status",
        ]


# Input (types only; every field optional so the service reports all problems together) ----


class DeliveryScheduleIn(serializers.Serializer):
    contract = IntegerIn(required=False, allow_null=True)
    scheduled_date = serializers.DateField(required=False, allow_null=True)
    district = serializers.CharField(required=False, allow_blank=True)
    address = serializers.CharField(required=False, allow_blank=True)
    in_transit_since = serializers.DateField(required=False, allow_null=True)


class DeliveryNoteIn(serializers.Serializer):
    note = serializers.CharField(required=False, allow_blank=True)


class DeliveryRescheduleIn(DeliveryNoteIn):
    scheduled_date = serializers.DateField(required=False, allow_null=True)
    district = serializers.CharField(required=False, allow_blank=True, allow_null=True)
    address = serializers.CharField(required=False, allow_blank=True, allow_null=True)


class DeliveryCancelIn(serializers.Serializer):
    reason = serializers.CharField(required=False, allow_blank=True)


class WorkshopDescriptionIn(serializers.Serializer):
    description = serializers.CharField(required=False, allow_blank=True)


class DeliveryAssignIn(serializers.Serializer):
    crew = IntegerIn(required=False, allow_null=True)
    vehicle = serializers.CharField(required=False, allow_blank=True)
    crew_members = serializers.CharField(required=False, allow_blank=True)


class DeliveryChecklistLineIn(serializers.Serializer):
    line = IntegerIn()
    quantity = IntegerIn(required=False, allow_null=True)
    accessories = serializers.BooleanField(required=False, default=False)


class DeliveryLoadIn(serializers.Serializer):
    lines = DeliveryChecklistLineIn(many=True, required=False)
    tool_kit = serializers.BooleanField(required=False, default=False)


class DeliveryCollectIn(serializers.Serializer):
    amount = serializers.DecimalField(
        max_digits=12, decimal_places=2, required=False, allow_null=True
    )
    method = serializers.ChoiceField(choices=PaymentMethod.choices, required=False)
    receipt_no = serializers.CharField(required=False, allow_blank=True)


class DeliveryCompleteIn(serializers.Serializer):
    signature = serializers.CharField(required=False, allow_blank=True)
    signer_name = serializers.CharField(required=False, allow_blank=True)
    satisfaction = IntegerIn(required=False, allow_null=True)
    comments = serializers.CharField(required=False, allow_blank=True)


class DeliveryReportIn(DeliveryNoteIn):
    preferences = serializers.CharField(required=False, allow_blank=True)


class WorkshopInspectIn(DeliveryNoteIn):
    passed = serializers.BooleanField()


class DeliveryFilter(serializers.Serializer):
    day = serializers.DateField(required=False)
    date_from = serializers.DateField(required=False)
    date_to = serializers.DateField(required=False)
    status = serializers.ChoiceField(choices=Delivery.Status.choices, required=False)
    crew = IntegerIn(required=False)


def _valid(serializer_class, data) -> dict:
    s = serializer_class(data=data)
    s.is_valid(raise_exception=True)
    return dict(s.validated_data)


# Viewsets ---------------------------------------------------------------------------------


class DeliveryBase(SummaryListMixin, viewsets.GenericViewSet):
    pagination_class = KeysetPagination
    queryset = Delivery.objects.none()
    serializer_class = DeliveryOut

    def get_serializer_context(self):
        return {**super().get_serializer_context(), "user": self.request.user}

    def _out(self, delivery, code=status.HTTP_200_OK):
        d = selectors.delivery_get(user=self.request.user, pk=delivery.pk)
        return Response(DeliveryDetailOut(d, context=self.get_serializer_context()).data, code)

    def _get(self, pk) -> Delivery:
        return selectors.delivery_get(user=self.request.user, pk=pk)

    @extend_schema(
        parameters=[DeliveryFilter, *shape_parameters(DeliveryListOut)],
        responses=DeliveryListOut(many=True),
    )
    def list(self, request):
        """Deliveries the caller may see (a crew member: their own runs)."""
        params = _valid(DeliveryFilter, request.query_params)
        qs = selectors.delivery_list(user=request.user, **params)
        return self.list_response(
            qs,
            DeliveryListOut,
            context=self.get_serializer_context(),
            related=("contract", "customer", "crew"),
        )

    @extend_schema(responses=DeliveryDetailOut)
    def retrieve(self, request, pk=None):
        return self._out(self._get(pk))

    @extend_schema(request=DeliveryScheduleIn, responses={201: DeliveryDetailOut})
    def create(self, request):
        """Schedule the delivery of a complete contract (send an Idempotency-Key)."""
        data = _valid(DeliveryScheduleIn, request.data)
        data.setdefault("contract", None)
        data.setdefault("scheduled_date", None)
        d = services.delivery_schedule(by=request.user, **data)
        return self._out(d, status.HTTP_201_CREATED)

    def _act(self, request, pk, serializer_class, fn, **fixed):
        data = _valid(serializer_class, request.data) if serializer_class else {}
        d = fn(by=request.user, delivery=self._get(pk), **data, **fixed)
        return self._out(d if isinstance(d, Delivery) else d.delivery)

    @extend_schema(request=DeliveryNoteIn, responses=DeliveryDetailOut)
    @action(detail=True, methods=["post"])
    def reconfirm(self, request, pk=None):
        return self._act(request, pk, DeliveryNoteIn, services.delivery_reconfirm)

    @extend_schema(request=DeliveryRescheduleIn, responses=DeliveryDetailOut)
    @action(detail=True, methods=["post"])
    def reschedule(self, request, pk=None):
        data = _valid(DeliveryRescheduleIn, request.data)
        data.setdefault("scheduled_date", None)
        d = services.delivery_reschedule(by=request.user, delivery=self._get(pk), **data)
        return self._out(d)

    @extend_schema(request=DeliveryCancelIn, responses=DeliveryDetailOut)
    @action(detail=True, methods=["post"])
    def cancel(self, request, pk=None):
        data = _valid(DeliveryCancelIn, request.data)
        d = services.delivery_cancel(
            by=request.user, delivery=self._get(pk), reason=data.get("reason", "")
        )
        return self._out(d)

    @extend_schema(request=WorkshopDescriptionIn, responses=DeliveryDetailOut)
    @action(detail=True, methods=["post"], url_path="workshop-requests")
    def workshop_requests(self, request, pk=None):
        """Send repair/maintenance work to the workshop (维修保养需求单)."""
        data = _valid(WorkshopDescriptionIn, request.data)
        req = services.workshop_request_create(
            by=request.user, delivery=self._get(pk), description=data.get("description", "")
        )
        return self._out(req.delivery, status.HTTP_201_CREATED)

    @extend_schema(request=None, responses=DeliveryDetailOut)
    @action(detail=True, methods=["post"], url_path="workshop-done")
    def workshop_done(self, request, pk=None):
        return self._act(request, pk, None, services.delivery_workshop_done)

    @extend_schema(request=DeliveryAssignIn, responses=DeliveryDetailOut)
    @action(detail=True, methods=["post"])
    def assign(self, request, pk=None):
        data = _valid(DeliveryAssignIn, request.data)
        d = services.delivery_assign(
            by=request.user,
            delivery=self._get(pk),
            crew=data.get("crew"),
            vehicle=data.get("vehicle", ""),
            crew_members=data.get("crew_members", ""),
        )
        return self._out(d)

    @extend_schema(request=DeliveryNoteIn, responses=DeliveryDetailOut)
    @action(detail=True, methods=["post"], url_path="confirm-customer")
    def confirm_customer(self, request, pk=None):
        return self._act(request, pk, DeliveryNoteIn, services.delivery_confirm_with_customer)

    @extend_schema(request=DeliveryLoadIn, responses=DeliveryDetailOut)
    @action(detail=True, methods=["post"])
    def load(self, request, pk=None):
        """The loading checklist: every contract line with accessories, and the tool kit."""
        data = _valid(DeliveryLoadIn, request.data)
        d = services.delivery_load(
            by=request.user,
            delivery=self._get(pk),
            lines=[dict(x) for x in data.get("lines", [])],
            tool_kit=data.get("tool_kit", False),
        )
        return self._out(d)

    @extend_schema(request=None, responses=DeliveryDetailOut)
    @action(detail=True, methods=["post"])
    def depart(self, request, pk=None):
        return self._act(request, pk, None, services.delivery_depart)

    @extend_schema(request=DeliveryCollectIn, responses=DeliveryDetailOut)
    @action(detail=True, methods=["post"])
    def collect(self, request, pk=None):
        """The balance collected on delivery (at most the balance due)."""
        data = _valid(DeliveryCollectIn, request.data)
        d = services.delivery_collect_balance(
            by=request.user,
            delivery=self._get(pk),
            amount=data.get("amount"),
            method=data.get("method", ""),
            receipt_no=data.get("receipt_no", ""),
        )
        return self._out(d)

    @extend_schema(request=DeliveryCompleteIn, responses=DeliveryDetailOut)
    @action(detail=True, methods=["post"])
    def complete(self, request, pk=None):
        """Signature and opinion form: delivered; creates the callback schedule."""
        data = _valid(DeliveryCompleteIn, request.data)
        d = services.delivery_complete(
            by=request.user,
            delivery=self._get(pk),
            signature=data.get("signature", ""),
            signer_name=data.get("signer_name", ""),
            satisfaction=data.get("satisfaction"),
            comments=data.get("comments", ""),
        )
        return self._out(d)

    @extend_schema(request=DeliveryReportIn, responses=DeliveryDetailOut)
    @action(detail=True, methods=["post"])
    def report(self, request, pk=None):
        data = _valid(DeliveryReportIn, request.data)
        d = services.delivery_report(
            by=request.user,
            delivery=self._get(pk),
            note=data.get("note", ""),
            preferences=data.get("preferences", ""),
        )
        return self._out(d)


@extend_schema(tags=["delivery"])
class DeliveryViewSet(IdempotentCreateMixin, DeliveryBase):
    pass


@extend_schema(tags=["delivery"])
class WorkshopRequestViewSet(SummaryListMixin, viewsets.GenericViewSet):
    queryset = WorkshopRequest.objects.none()
    serializer_class = WorkshopRequestOut

    @extend_schema(
        parameters=shape_parameters(WorkshopRequestListOut),
        responses=WorkshopRequestListOut(many=True),
    )
    def list(self, request):
        """The workshop's queue: requests not accepted yet, by due date."""
        return self.list_response(
            selectors.workshop_queue(user=request.user), WorkshopRequestListOut
        )

    @extend_schema(request=DeliveryNoteIn, responses=WorkshopRequestOut)
    @action(detail=True, methods=["post"])
    def done(self, request, pk=None):
        data = _valid(DeliveryNoteIn, request.data)
        req = services.workshop_request_done(by=request.user, request=pk, note=data.get("note", ""))
        return Response(WorkshopRequestOut(req).data)

    @extend_schema(request=WorkshopInspectIn, responses=WorkshopRequestOut)
    @action(detail=True, methods=["post"])
    def inspect(self, request, pk=None):
        data = _valid(WorkshopInspectIn, request.data)
        req = services.workshop_request_inspect(
            by=request.user, request=pk, passed=data["passed"], note=data.get("note", "")
        )
        return Response(WorkshopRequestOut(req).data)


@extend_schema(tags=["delivery"])
class DeliveryTaskViewSet(SummaryListMixin, viewsets.GenericViewSet):
    queryset = DeliveryTask.objects.none()
    serializer_class = DeliveryTaskOut

    @extend_schema(
        parameters=shape_parameters(DeliveryTaskOut), responses=DeliveryTaskOut(many=True)
    )
    def list(self, request):
        """Open delivery tasks for the caller's roles."""
        if not getattr(request.user, "organisation_id", None):
            raise PermissionDeniedError()
        return self.list_response(selectors.task_list(user=request.user), DeliveryTaskOut)

    @extend_schema(request=None, responses=DeliveryTaskOut)
    @action(detail=True, methods=["post"])
    def done(self, request, pk=None):
        return Response(DeliveryTaskOut(services.delivery_task_done(by=request.user, task=pk)).data)


def register(router):
    """Add this app's viewsets to the /api/v1/ router."""
    router.register("deliveries", DeliveryViewSet, basename="delivery")
    router.register("workshop-requests", WorkshopRequestViewSet, basename="workshop-request")
    router.register("delivery-tasks", DeliveryTaskViewSet, basename="delivery-task")
