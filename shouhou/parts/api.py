"""/api/v1/parts/...: the catalogue, locations and their stock, moves, receipts, requisitions
(approve, reject, issue, return, cancel), old parts (register, appraise), disposal batches, stock
counts and paid-repair quotes. Thin: services check the rules, selectors limit the reads."""

from __future__ import annotations

from decimal import Decimal

from drf_spectacular.utils import extend_schema
from rest_framework import serializers, status, viewsets
from rest_framework.decorators import action
from rest_framework.response import Response

from shouhou.core.api import IdempotentCreateMixin, IntegerIn
from shouhou.core.errors import PermissionDeniedError, ValidationFailed
from shouhou.core.listing import (
    ShapedSerializer,
    SummaryListMixin,
    TruncatedText,
    shape_parameters,
)
from shouhou.core.pagination import KeysetPagination

from . import selectors, services
from .models import (
    DisposalBatch,
    Location,
    Move,
    OldPart,
    Part,
    PostageWriteOff,
    Quote,
    QuoteLine,
    Receipt,
    ReceiptLine,
    Requisition,
    RequisitionLine,
    Stock,
    StockCount,
    StockCountLine,
)

D = {"max_digits": 12, "decimal_places": 2}


# Output -----------------------------------------------------------------------------------


class PartsPartOut(ShapedSerializer, serializers.ModelSerializer):
    class Meta:
        model = Part
        fields = ["id", "code", "name", "specification", "unit", "kind", "cost_price",
                  "sale_price", "reorder_level", "models_fitted", "products", "is_active"]  # fmt: skip


class PartsLocationOut(ShapedSerializer, serializers.ModelSerializer):
    class Meta:
        model = Location
        fields = ["id", "code", "name", "kind", "store", "dealer", "holder"]


class PartsStockOut(ShapedSerializer, serializers.ModelSerializer):
    part_code = serializers.CharField(source="part.code", read_only=True)
    part_name = serializers.CharField(source="part.name", read_only=True)
    average_cost = serializers.DecimalField(max_digits=14, decimal_places=4, read_only=True)
    value = serializers.SerializerMethodField()
    low = serializers.BooleanField(read_only=True, default=False)

    class Meta:
        model = Stock
        fields = ["id", "part", "part_code", "part_name", "location", "quantity", "average_cost",
                  "value", "reorder_level", "low"]  # fmt: skip

    def get_value(self, obj) -> str:
        return str((obj.average_cost * obj.quantity).quantize(Decimal("0.01")))


class PartsMoveOut(ShapedSerializer, serializers.ModelSerializer):
    part_code = serializers.CharField(source="part.code", read_only=True)
    by_name = serializers.CharField(source="by.get_full_name", read_only=True)

    class Meta:
        model = Move
        fields = ["id", "part", "part_code", "kind", "from_location", "to_location", "quantity",
                  "unit_cost", "at", "by", "by_name", "document", "document_id", "note"]  # fmt: skip


class PartsReceiptLineOut(serializers.ModelSerializer):
    class Meta:
        model = ReceiptLine
        fields = ["id", "part", "quantity", "unit_cost"]


class PartsReceiptOut(ShapedSerializer, serializers.ModelSerializer):
    lines = PartsReceiptLineOut(many=True, read_only=True)

    class Meta:
        model = Receipt
        fields = ["id", "number", "location", "supplier", "delivery_note", "expense_ref",
                  "received_at", "received_by", "note", "lines"]  # fmt: skip


class PartsRequisitionLineOut(serializers.ModelSerializer):
    part_code = serializers.CharField(source="part.code", read_only=True)
    outstanding = IntegerIn(read_only=True)

    class Meta:
        model = RequisitionLine
        fields = ["id", "part", "part_code", "quantity", "unit_cost", "returned", "written_off",
                  "outstanding", "old_part_due_on"]  # fmt: skip


class PartsRequisitionOut(serializers.ModelSerializer):
    lines = PartsRequisitionLineOut(many=True, read_only=True)
    status_display = serializers.CharField(source="get_status_display", read_only=True)

    class Meta:
        model = Requisition
        fields = ["id", "number", "work_order", "technician", "location", "proposal", "status",
                  "status_display", "total_value", "approver_role", "approved_by", "approved_at",
                  "decision_note", "issued_by", "issued_at", "cancelled_at", "lines"]  # fmt: skip


class PartsRequisitionListOut(ShapedSerializer, PartsRequisitionOut):
    """A requisition in a list: the notes cut, the lines on request (`?expand=lines`)."""

    expandable = {
        "lines": lambda: PartsRequisitionLineOut(many=True, read_only=True),
        "proposal": lambda: serializers.CharField(),
        "decision_note": lambda: serializers.CharField(),
    }
    proposal = TruncatedText()
    decision_note = TruncatedText()

    class Meta(PartsRequisitionOut.Meta):
        fields = [f for f in PartsRequisitionOut.Meta.fields if f != "lines"]


class PartsOldPartOut(serializers.ModelSerializer):
    class Meta:
        model = OldPart
        fields = ["id", "line", "report_part", "work_order", "part", "quantity", "serial",
                  "returned_by", "received_by", "returned_at", "status", "verdict",
                  "appraisal_note", "appraised_by", "appraised_at", "batch"]  # fmt: skip


class PartsOldPartListOut(ShapedSerializer, PartsOldPartOut):
    expandable = {"appraisal_note": lambda: serializers.CharField()}
    appraisal_note = TruncatedText()

    class Meta(PartsOldPartOut.Meta):
        pass


class PartsBatchOut(ShapedSerializer, serializers.ModelSerializer):
    items = serializers.PrimaryKeyRelatedField(many=True, read_only=True)

    class Meta:
        model = DisposalBatch
        fields = ["id", "month", "status", "method", "submitted_by", "approved_by", "approved_at",
                  "items"]  # fmt: skip


class PartsCountLineOut(serializers.ModelSerializer):
    difference = IntegerIn(read_only=True)

    class Meta:
        model = StockCountLine
        fields = ["id", "part", "booked", "counted", "difference"]


class PartsCountOut(ShapedSerializer, serializers.ModelSerializer):
    lines = PartsCountLineOut(many=True, read_only=True)

    class Meta:
        model = StockCount
        fields = ["id", "location", "status", "counted_by", "counted_at", "approved_by",
                  "approved_at", "note", "lines"]  # fmt: skip


class PartsQuoteLineOut(serializers.ModelSerializer):
    class Meta:
        model = QuoteLine
        fields = ["id", "part", "quantity", "unit_price"]


class PartsQuoteOut(ShapedSerializer, serializers.ModelSerializer):
    lines = PartsQuoteLineOut(many=True, read_only=True)
    agreed_fee = serializers.DecimalField(**D, read_only=True)

    class Meta:
        model = Quote
        fields = ["id", "work_order", "status", "labour_hours", "travel_km", "parts_total",
                  "labour", "travel", "total", "accepted_by_name", "accepted_at", "recorded_by",
                  "changed_total", "change_reason", "change_approved_by", "change_approved_at",
                  "agreed_fee", "lines"]  # fmt: skip


# Input ------------------------------------------------------------------------------------


class PartsPartIn(serializers.Serializer):
    code = serializers.CharField(required=False, allow_blank=True)
    name = serializers.CharField(required=False, allow_blank=True)
    specification = serializers.CharField(required=False, allow_blank=True)
    unit = serializers.CharField(required=False, allow_blank=True)
    kind = serializers.ChoiceField(choices=Part.Kind.choices, required=False)
    cost_price = serializers.DecimalField(**D, required=False)
    sale_price = serializers.DecimalField(**D, required=False)
    reorder_level = IntegerIn(required=False, min_value=0)
    models_fitted = serializers.ListField(child=IntegerIn(), required=False)
    products = serializers.ListField(child=IntegerIn(), required=False)


class PartsLineIn(serializers.Serializer):
    part = serializers.CharField()
    quantity = IntegerIn()
    unit_cost = serializers.DecimalField(**D, required=False, allow_null=True)


class PartsReceiptIn(serializers.Serializer):
    location = IntegerIn()
    supplier = serializers.CharField(required=False, allow_blank=True, default="")
    delivery_note = serializers.CharField(required=False, allow_blank=True, default="")
    expense_ref = serializers.CharField(required=False, allow_blank=True, default="")
    note = serializers.CharField(required=False, allow_blank=True, default="")
    lines = PartsLineIn(many=True)


class PartsRequisitionIn(serializers.Serializer):
    work_order = IntegerIn()
    location = IntegerIn()
    proposal = serializers.CharField(required=False, allow_blank=True, default="")
    lines = PartsLineIn(many=True)


class PartsNoteIn(serializers.Serializer):
    note = serializers.CharField(required=False, allow_blank=True, default="")


class PartsReturnIn(PartsNoteIn):
    line = IntegerIn()
    quantity = IntegerIn()


class PartsOldPartIn(serializers.Serializer):
    line = IntegerIn()
    quantity = IntegerIn(required=False, allow_null=True)
    serial = serializers.CharField(required=False, allow_blank=True, default="")
    report_part = IntegerIn(required=False, allow_null=True)
    note = serializers.CharField(required=False, allow_blank=True, default="")


class PartsAppraiseIn(serializers.Serializer):
    verdict = serializers.ChoiceField(choices=OldPart.Verdict.choices)
    condition = serializers.ChoiceField(choices=[("usable", "usable"), ("scrap", "scrap")])
    note = serializers.CharField(required=False, allow_blank=True, default="")


class PartsBatchIn(serializers.Serializer):
    month = serializers.DateField()


class PartsBatchSubmitIn(serializers.Serializer):
    method = serializers.CharField(required=False, allow_blank=True, default="")


class PartsCountLineIn(serializers.Serializer):
    part = IntegerIn()
    counted = IntegerIn()


class PartsCountIn(serializers.Serializer):
    location = IntegerIn()
    note = serializers.CharField(required=False, allow_blank=True, default="")
    lines = PartsCountLineIn(many=True)


class PartsDecideIn(serializers.Serializer):
    approve = serializers.BooleanField()


class PartsQuoteLineIn(serializers.Serializer):
    part = serializers.CharField()
    quantity = IntegerIn()


class PartsQuoteIn(serializers.Serializer):
    work_order = IntegerIn()
    labour_hours = serializers.DecimalField(max_digits=5, decimal_places=2)
    travel_km = IntegerIn(required=False, default=0)
    lines = PartsQuoteLineIn(many=True, required=False, default=list)


class PartsAcceptIn(serializers.Serializer):
    customer_name = serializers.CharField(required=False, allow_blank=True, default="")


class PartsChangeIn(serializers.Serializer):
    amount = serializers.DecimalField(**D)
    reason = serializers.CharField(required=False, allow_blank=True, default="")


class PartsStockFilter(serializers.Serializer):
    low = serializers.BooleanField(required=False, default=False)


class PartsMoveFilter(serializers.Serializer):
    location = IntegerIn(required=False)
    part = IntegerIn(required=False)
    kind = serializers.ChoiceField(choices=Move.Kind.choices, required=False)


class PartsListFilter(serializers.Serializer):
    status = serializers.CharField(required=False, allow_blank=True, default="")


def _valid(cls, data) -> dict:
    s = cls(data=data)
    s.is_valid(raise_exception=True)
    return dict(s.validated_data)


def _lines(data) -> list[dict]:
    return [dict(x) for x in data.get("lines", [])]


class Base(SummaryListMixin, viewsets.GenericViewSet):
    pagination_class = KeysetPagination

    def get_queryset(self):
        """For the schema only (path parameter types); every read goes through a selector."""
        return self.serializer_class.Meta.model._default_manager.none()

    def initial(self, request, *args, **kwargs):
        super().initial(request, *args, **kwargs)
        if not selectors.can_read(request.user):
            raise PermissionDeniedError()

    def _page(self, qs, out, **kwargs):
        return self.list_response(qs, out, **kwargs)


# Viewsets ---------------------------------------------------------------------------------


@extend_schema(tags=["parts"])
class PartViewSet(IdempotentCreateMixin, Base):
    serializer_class = PartsPartOut

    @extend_schema(parameters=shape_parameters(PartsPartOut), responses=PartsPartOut(many=True))
    def list(self, request):
        return self._page(
            selectors.part_list(user=request.user, q=request.GET.get("q", "")).prefetch_related(
                "models_fitted", "products"
            ),
            PartsPartOut,
        )

    def retrieve(self, request, pk=None):
        return Response(PartsPartOut(selectors.part_get(user=request.user, pk=pk)).data)

    @extend_schema(request=PartsPartIn, responses={201: PartsPartOut})
    def create(self, request):
        """A catalogue part (send an Idempotency-Key)."""
        return super().create(request)

    def idempotent_create(self, request):
        data = _valid(PartsPartIn, request.data)
        fits, products = data.pop("models_fitted", []), data.pop("products", [])
        part = services.part_create(by=request.user, data=data, models_fitted=fits,
                                    products=products)  # fmt: skip
        return status.HTTP_201_CREATED, part

    def idempotent_render(self, obj, code):
        return PartsPartOut(obj).data

    @extend_schema(request=PartsPartIn, responses=PartsPartOut)
    def partial_update(self, request, pk=None):
        part = selectors.part_get(user=request.user, pk=pk)
        data = _valid(PartsPartIn, request.data)
        data.pop("models_fitted", None), data.pop("products", None)
        return Response(
            PartsPartOut(services.part_update(by=request.user, part=part, data=data)).data
        )


@extend_schema(tags=["parts"])
class LocationViewSet(Base):
    serializer_class = PartsLocationOut

    @extend_schema(
        parameters=shape_parameters(PartsLocationOut), responses=PartsLocationOut(many=True)
    )
    def list(self, request):
        return self._page(selectors.location_list(user=request.user), PartsLocationOut)

    def retrieve(self, request, pk=None):
        return Response(PartsLocationOut(selectors.location_get(user=request.user, pk=pk)).data)

    @extend_schema(
        parameters=[PartsStockFilter, *shape_parameters(PartsStockOut)],
        responses=PartsStockOut(many=True),
    )
    @action(detail=True, methods=["get"])
    def stock(self, request, pk=None):
        """Stock on hand at this location, with the low-stock flag and the value at average cost."""
        loc = selectors.location_get(user=request.user, pk=pk)
        params = _valid(PartsStockFilter, request.query_params)
        qs = selectors.stock_at(user=request.user, location=loc, low_only=params["low"])
        return self._page(qs, PartsStockOut, related=("part",))


@extend_schema(tags=["parts"])
class MoveViewSet(Base):
    serializer_class = PartsMoveOut

    @extend_schema(
        parameters=[PartsMoveFilter, *shape_parameters(PartsMoveOut)],
        responses=PartsMoveOut(many=True),
    )
    def list(self, request):
        p = _valid(PartsMoveFilter, request.query_params)
        loc = (
            selectors.location_get(user=request.user, pk=p["location"]) if "location" in p else None
        )
        part = selectors.part_get(user=request.user, pk=p["part"]) if "part" in p else None
        qs = selectors.move_list(user=request.user, location=loc, part=part, kind=p.get("kind", ""))
        return self._page(qs, PartsMoveOut, related=("part",))


@extend_schema(tags=["parts"])
class ReceiptViewSet(IdempotentCreateMixin, Base):
    serializer_class = PartsReceiptOut

    @extend_schema(
        parameters=shape_parameters(PartsReceiptOut), responses=PartsReceiptOut(many=True)
    )
    def list(self, request):
        return self._page(
            selectors.receipt_list(user=request.user).prefetch_related("lines"), PartsReceiptOut
        )

    def retrieve(self, request, pk=None):
        return Response(PartsReceiptOut(selectors.receipt_get(user=request.user, pk=pk)).data)

    @extend_schema(request=PartsReceiptIn, responses={201: PartsReceiptOut})
    def create(self, request):
        """A receipt note (备用件接收单), booked into stock (send an Idempotency-Key)."""
        return super().create(request)

    def idempotent_create(self, request):
        d = _valid(PartsReceiptIn, request.data)
        rc = services.receipt_create(
            by=request.user, location=d["location"], supplier=d["supplier"], lines=_lines(d),
            delivery_note=d["delivery_note"], expense_ref=d["expense_ref"], note=d["note"],
        )  # fmt: skip
        return status.HTTP_201_CREATED, rc

    def idempotent_render(self, obj, code):
        return PartsReceiptOut(obj).data


@extend_schema(tags=["parts"])
class RequisitionViewSet(IdempotentCreateMixin, Base):
    serializer_class = PartsRequisitionOut

    def _out(self, req):
        return Response(PartsRequisitionOut(selectors.requisition_get(user=self.request.user,
                                                                 pk=req.pk)).data)  # fmt: skip

    def _req(self, pk):
        return selectors.requisition_get(user=self.request.user, pk=pk)

    @extend_schema(
        parameters=[PartsListFilter, *shape_parameters(PartsRequisitionListOut)],
        responses=PartsRequisitionListOut(many=True),
    )
    def list(self, request):
        p = _valid(PartsListFilter, request.query_params)
        qs = selectors.requisition_list(user=request.user, status=p["status"])
        return self._page(
            qs.prefetch_related("lines__part"), PartsRequisitionListOut, related=("lines",)
        )

    def retrieve(self, request, pk=None):
        return self._out(self._req(pk))

    @extend_schema(request=PartsRequisitionIn, responses={201: PartsRequisitionOut})
    def create(self, request):
        """A parts requisition (备用件领料单) on a work order (send an Idempotency-Key)."""
        return super().create(request)

    def idempotent_create(self, request):
        d = _valid(PartsRequisitionIn, request.data)
        req = services.requisition_create(
            by=request.user, work_order=d["work_order"], location=d["location"],
            lines=_lines(d), proposal=d["proposal"],
        )  # fmt: skip
        return status.HTTP_201_CREATED, req

    def idempotent_render(self, obj, code):
        return PartsRequisitionOut(obj).data

    @extend_schema(request=PartsNoteIn, responses=PartsRequisitionOut)
    @action(detail=True, methods=["post"])
    def approve(self, request, pk=None):
        d = _valid(PartsNoteIn, request.data)
        return self._out(services.requisition_approve(by=request.user, requisition=self._req(pk),
                                                      note=d["note"]))  # fmt: skip

    @extend_schema(request=PartsNoteIn, responses=PartsRequisitionOut)
    @action(detail=True, methods=["post"])
    def reject(self, request, pk=None):
        d = _valid(PartsNoteIn, request.data)
        return self._out(services.requisition_reject(by=request.user, requisition=self._req(pk),
                                                     note=d["note"]))  # fmt: skip

    @extend_schema(request=None, responses=PartsRequisitionOut)
    @action(detail=True, methods=["post"])
    def issue(self, request, pk=None):
        """Hand the parts over (store → with the technician). 409 names a part out of stock."""
        return self._out(services.requisition_issue(by=request.user, requisition=self._req(pk)))

    @extend_schema(request=PartsReturnIn, responses=PartsRequisitionOut)
    @action(detail=True, methods=["post"], url_path="return")
    def return_unused(self, request, pk=None):
        req = self._req(pk)
        d = _valid(PartsReturnIn, request.data)
        line = req.lines.filter(pk=d["line"]).first()
        if line is None:
            raise ValidationFailed(fields={"line": ["?"]})
        services.requisition_line_return(by=request.user, line=line, quantity=d["quantity"],
                                         note=d["note"])  # fmt: skip
        return self._out(req)

    @extend_schema(request=PartsNoteIn, responses=PartsRequisitionOut)
    @action(detail=True, methods=["post"])
    def cancel(self, request, pk=None):
        d = _valid(PartsNoteIn, request.data)
        return self._out(services.requisition_cancel(by=request.user, requisition=self._req(pk),
                                                     note=d["note"]))  # fmt: skip


@extend_schema(tags=["parts"])
class OldPartViewSet(Base):
    serializer_class = PartsOldPartOut

    @extend_schema(
        parameters=[PartsListFilter, *shape_parameters(PartsOldPartListOut)],
        responses=PartsOldPartListOut(many=True),
    )
    def list(self, request):
        p = _valid(PartsListFilter, request.query_params)
        return self._page(
            selectors.old_part_list(user=request.user, status=p["status"]), PartsOldPartListOut
        )

    def retrieve(self, request, pk=None):
        return Response(PartsOldPartOut(selectors.old_part_get(user=request.user, pk=pk)).data)

    @extend_schema(request=PartsOldPartIn, responses={201: PartsOldPartOut})
    def create(self, request):
        """Register a returned old part; writes the line off if the report is signed."""
        d = _valid(PartsOldPartIn, request.data)
        line = selectors.line_get(user=request.user, pk=d["line"])
        old = services.old_part_register(
            by=request.user, line=line, quantity=d.get("quantity"), serial=d["serial"],
            report_part=d.get("report_part"), note=d["note"],
        )  # fmt: skip
        return Response(PartsOldPartOut(old).data, status.HTTP_201_CREATED)

    @extend_schema(request=PartsAppraiseIn, responses=PartsOldPartOut)
    @action(detail=True, methods=["post"])
    def appraise(self, request, pk=None):
        old = selectors.old_part_get(user=request.user, pk=pk)
        d = _valid(PartsAppraiseIn, request.data)
        return Response(PartsOldPartOut(services.old_part_appraise(by=request.user, old_part=old,
                                                              **d)).data)  # fmt: skip


@extend_schema(tags=["parts"])
class BatchViewSet(Base):
    serializer_class = PartsBatchOut

    @extend_schema(parameters=shape_parameters(PartsBatchOut), responses=PartsBatchOut(many=True))
    def list(self, request):
        return self._page(
            selectors.batch_list(user=request.user).prefetch_related("items"), PartsBatchOut
        )

    def retrieve(self, request, pk=None):
        return Response(PartsBatchOut(selectors.batch_get(user=request.user, pk=pk)).data)

    @extend_schema(request=PartsBatchIn, responses={201: PartsBatchOut})
    def create(self, request):
        """Open (or top up) the month's disposal batch with the scrap old parts appraised."""
        d = _valid(PartsBatchIn, request.data)
        b = services.disposal_batch_collect(by=request.user, month=d["month"])
        return Response(PartsBatchOut(b).data, status.HTTP_201_CREATED)

    @extend_schema(request=PartsBatchSubmitIn, responses=PartsBatchOut)
    @action(detail=True, methods=["post"])
    def submit(self, request, pk=None):
        b = selectors.batch_get(user=request.user, pk=pk)
        d = _valid(PartsBatchSubmitIn, request.data)
        return Response(PartsBatchOut(services.disposal_batch_submit(by=request.user, batch=b,
                                                                method=d["method"])).data)  # fmt: skip

    @extend_schema(request=None, responses=PartsBatchOut)
    @action(detail=True, methods=["post"])
    def approve(self, request, pk=None):
        b = selectors.batch_get(user=request.user, pk=pk)
        return Response(
            PartsBatchOut(services.disposal_batch_approve(by=request.user, batch=b)).data
        )


@extend_schema(tags=["parts"])
class CountViewSet(IdempotentCreateMixin, Base):
    serializer_class = PartsCountOut

    @extend_schema(parameters=shape_parameters(PartsCountOut), responses=PartsCountOut(many=True))
    def list(self, request):
        return self._page(
            selectors.count_list(user=request.user).prefetch_related("lines"), PartsCountOut
        )

    def retrieve(self, request, pk=None):
        return Response(PartsCountOut(selectors.count_get(user=request.user, pk=pk)).data)

    @extend_schema(request=PartsCountIn, responses={201: PartsCountOut})
    def create(self, request):
        """A stock count (盘点); its differences are posted once a manager approves."""
        return super().create(request)

    def idempotent_create(self, request):
        d = _valid(PartsCountIn, request.data)
        c = services.stock_count_create(by=request.user, location=d["location"], lines=_lines(d),
                                        note=d["note"])  # fmt: skip
        return status.HTTP_201_CREATED, c

    def idempotent_render(self, obj, code):
        return PartsCountOut(obj).data

    @extend_schema(request=PartsDecideIn, responses=PartsCountOut)
    @action(detail=True, methods=["post"])
    def decide(self, request, pk=None):
        c = selectors.count_get(user=request.user, pk=pk)
        d = _valid(PartsDecideIn, request.data)
        return Response(PartsCountOut(services.stock_count_decide(by=request.user, count=c,
                                                             approve=d["approve"])).data)  # fmt: skip


@extend_schema(tags=["parts"])
class QuoteViewSet(IdempotentCreateMixin, Base):
    serializer_class = PartsQuoteOut

    @extend_schema(parameters=shape_parameters(PartsQuoteOut), responses=PartsQuoteOut(many=True))
    def list(self, request):
        return self._page(
            selectors.quote_list(user=request.user).prefetch_related("lines"), PartsQuoteOut
        )

    def retrieve(self, request, pk=None):
        return Response(PartsQuoteOut(selectors.quote_get(user=request.user, pk=pk)).data)

    @extend_schema(request=PartsQuoteIn, responses={201: PartsQuoteOut})
    def create(self, request):
        """A paid-repair quote: parts at sale price + labour + travel (send an Idempotency-Key)."""
        return super().create(request)

    def idempotent_create(self, request):
        d = _valid(PartsQuoteIn, request.data)
        q = services.quote_create(by=request.user, work_order=d["work_order"], lines=_lines(d),
                                  labour_hours=d["labour_hours"], travel_km=d["travel_km"])  # fmt: skip
        return status.HTTP_201_CREATED, q

    def idempotent_render(self, obj, code):
        return PartsQuoteOut(obj).data

    @extend_schema(request=PartsAcceptIn, responses=PartsQuoteOut)
    @action(detail=True, methods=["post"])
    def accept(self, request, pk=None):
        q = selectors.quote_get(user=request.user, pk=pk)
        d = _valid(PartsAcceptIn, request.data)
        return Response(PartsQuoteOut(services.quote_accept(by=request.user, quote=q,
                                                       customer_name=d["customer_name"])).data)  # fmt: skip

    @extend_schema(request=PartsChangeIn, responses=PartsQuoteOut)
    @action(detail=True, methods=["post"], url_path="approve-change")
    def approve_change(self, request, pk=None):
        q = selectors.quote_get(user=request.user, pk=pk)
        d = _valid(PartsChangeIn, request.data)
        return Response(PartsQuoteOut(services.quote_change_approve(by=request.user, quote=q,
                                                               **d)).data)  # fmt: skip


class PartsPostageOut(ShapedSerializer, serializers.ModelSerializer):
    class Meta:
        model = PostageWriteOff
        fields = ["id", "work_order", "carrier", "waybill", "amount", "description", "handler",
                  "handled_at", "status", "approved_by", "approved_at"]  # fmt: skip


class PartsPostageIn(serializers.Serializer):
    carrier = serializers.CharField(required=False, allow_blank=True, default="")
    waybill = serializers.CharField(required=False, allow_blank=True, default="")
    amount = serializers.DecimalField(**D, required=False, allow_null=True, default=None)
    description = serializers.CharField(required=False, allow_blank=True, default="")
    work_order = IntegerIn(required=False, allow_null=True, default=None)


@extend_schema(tags=["parts"])
class PostageViewSet(IdempotentCreateMixin, Base):
    serializer_class = PartsPostageOut

    @extend_schema(
        parameters=shape_parameters(PartsPostageOut), responses=PartsPostageOut(many=True)
    )
    def list(self, request):
        return self._page(selectors.postage_list(user=request.user), PartsPostageOut)

    def retrieve(self, request, pk=None):
        return Response(PartsPostageOut(selectors.postage_get(user=request.user, pk=pk)).data)

    @extend_schema(request=PartsPostageIn, responses={201: PartsPostageOut})
    def create(self, request):
        """The handler signs the postage of parts sent by post (send an Idempotency-Key)."""
        return super().create(request)

    def idempotent_create(self, request):
        d = _valid(PartsPostageIn, request.data)
        row = services.postage_record(by=request.user, **d)
        return status.HTTP_201_CREATED, row

    def idempotent_render(self, obj, code):
        return PartsPostageOut(obj).data

    @extend_schema(request=None, responses=PartsPostageOut)
    @action(detail=True, methods=["post"])
    def approve(self, request, pk=None):
        """The supervisor's second signature writes the postage off."""
        row = selectors.postage_get(user=request.user, pk=pk)
        return Response(
            PartsPostageOut(services.postage_approve(by=request.user, postage=row)).data
        )


def register(router):
    router.register("parts/catalogue", PartViewSet, basename="parts-part")
    router.register("parts/locations", LocationViewSet, basename="parts-location")
    router.register("parts/moves", MoveViewSet, basename="parts-move")
    router.register("parts/receipts", ReceiptViewSet, basename="parts-receipt")
    router.register("parts/requisitions", RequisitionViewSet, basename="parts-requisition")
    router.register("parts/old-parts", OldPartViewSet, basename="parts-old-part")
    router.register("parts/disposal-batches", BatchViewSet, basename="parts-disposal-batch")
    router.register("parts/stock-counts", CountViewSet, basename="parts-stock-count")
    router.register("parts/quotes", QuoteViewSet, basename="parts-quote")
    router.register("parts/postage", PostageViewSet, basename="parts-postage")
