"""/api/v1/cases/: complaints, exchanges and returns with their flow actions; the approval queue
(/api/v1/cases/approvals/); monthly statistics (/api/v1/complaint-statistics/?month=YYYY-MM)."""

from __future__ import annotations

import datetime as dt

from django.utils.translation import gettext as _
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiParameter, extend_schema
from rest_framework import serializers, status, viewsets
from rest_framework.decorators import action
from rest_framework.response import Response

from shouhou.catalog.models import Product, Supplier
from shouhou.core.api import IdempotentCreateMixin, IntegerIn
from shouhou.core.errors import PermissionDeniedError, ValidationFailed
from shouhou.core.listing import (
    ShapedSerializer,
    SummaryListMixin,
    TruncatedText,
    shape_parameters,
)
from shouhou.core.pagination import KeysetPagination
from shouhou.customers.api import FaultOut, service_case_summary
from shouhou.customers.models import Customer, FaultCategory, OwnedProduct
from shouhou.promises.models import PromiseDecision
from shouhou.sales.models import Contract
from shouhou.workorders.models import WorkOrder

from . import selectors, services
from .models import Case, ComplaintCause, Kind, Responsibility, Signature, Status


class SignatureOut(serializers.ModelSerializer):
    signed_by_name = serializers.CharField(source="signed_by.__str__", read_only=True)

    class Meta:
        model = Signature
        fields = ["step", "role", "verdict", "signed_by", "signed_by_name", "note", "created_at"]


class CaseOut(serializers.ModelSerializer):
    kind_display = serializers.CharField(source="get_kind_display", read_only=True)
    status_display = serializers.CharField(source="get_status_display", read_only=True)
    customer_name = serializers.CharField(source="customer.name", read_only=True)
    current_role = serializers.CharField(read_only=True)
    signatures = SignatureOut(many=True, read_only=True)
    signs_for = serializers.SerializerMethodField(
        help_text="The steps (role codes) the requesting user's signature would sign now: the "
        "next one and each following one they may sign too; empty if they may not sign."
    )

    def get_signs_for(self, obj) -> list[str]:
        request = self.context.get("request")
        user = getattr(request, "user", None)
        if user is None or not user.is_authenticated or obj.status != "awaiting_approval":
            return []
        if any(sig.signed_by_id == user.pk for sig in obj.signatures.all()):
            return []
        ranks = self.context.setdefault("_role_ranks", selectors.role_ranks(obj.organisation_id))
        n = services.steps_user_covers(user, obj, ranks=ranks)
        return list(obj.route_roles[obj.current_step : obj.current_step + n])

    class Meta:
        model = Case
        fields = [
            "id",
            "number",
            "kind",
            "kind_display",
            "status",
            "status_display",
            "customer",
            "customer_name",
            "contract",
            "product",
            "store",
            "decision",
            "work_order",
            "inspection_order",
            "description",
            "demand",
            "cause",
            "responsibility",
            "findings",
            "supplier",
            "supplier_notified_at",
            "supplier_claim_amount",
            "installed",
            "within_promises",
            "resolution",
            "compensation",
            "rework_goods",
            "amount",
            "route_name",
            "route_roles",
            "current_step",
            "current_role",
            "signs_for",
            "refused_reason",
            "submitted_at",
            "approved_at",
            "carried_out_at",
            "closed_at",
            "created_at",
            "signatures",
        ]


class CaseListOut(ShapedSerializer, CaseOut):
    """A register row: what the customer says and wants, cut; no findings, resolution or
    signatures (the detail and `?expand=` have them)."""

    expandable = {
        "description": lambda: serializers.CharField(),
        "demand": lambda: serializers.CharField(),
        "findings": lambda: serializers.CharField(),
        "resolution": lambda: serializers.CharField(),
    }
    description = TruncatedText()
    demand = TruncatedText()

    class Meta(CaseOut.Meta):
        fields = [
            f
            for f in CaseOut.Meta.fields
            if f
            not in (
                "findings",
                "resolution",
                "signatures",
                "route_roles",
                "refused_reason",
                "rework_goods",
                "supplier_notified_at",
                "supplier_claim_amount",
            )
        ]


class CaseDetailOut(CaseOut):
    """A case as its detail shows it: the list's fields, the fault and the service case (every
    record about the same fault of the same product: `GET /api/v1/service-cases/<id>/`)."""

    fault = serializers.SerializerMethodField()
    service_case = serializers.SerializerMethodField()

    class Meta(CaseOut.Meta):
        fields = [*CaseOut.Meta.fields, "fault", "service_case"]

    def get_fault(self, obj) -> dict | None:
        return FaultOut(obj.fault).data if obj.fault_id else None

    def get_service_case(self, obj) -> dict | None:
        if not obj.service_case_id:
            return None
        return service_case_summary(obj.service_case, fault=obj.fault)


class CaseIn(serializers.Serializer):
    kind = serializers.ChoiceField(choices=Kind.choices)
    customer = IntegerIn(required=False, allow_null=True)
    contract = IntegerIn(required=False, allow_null=True)
    product = IntegerIn(required=False, allow_null=True)
    decision = IntegerIn(required=False, allow_null=True)
    description = serializers.CharField(required=False, allow_blank=True, default="")
    demand = serializers.CharField(required=False, allow_blank=True, default="")
    cause = IntegerIn(required=False, allow_null=True)
    work_order = IntegerIn(required=False, allow_null=True)
    fault = IntegerIn(required=False, allow_null=True)
    owned_product = IntegerIn(required=False, allow_null=True)


class SubmitIn(serializers.Serializer):
    resolution = serializers.CharField(required=False, allow_blank=True, default="")
    # Strings: the service refuses more than two decimals instead of rounding them away.
    compensation = serializers.CharField(required=False, allow_blank=True, default="")
    rework_goods = serializers.CharField(required=False, allow_blank=True, default="")


class CaseSignIn(serializers.Serializer):
    approve = serializers.BooleanField(required=False, default=True)
    note = serializers.CharField(required=False, allow_blank=True, default="")


class CaseReasonIn(serializers.Serializer):
    reason = serializers.CharField(required=False, allow_blank=True, default="")


class InspectIn(serializers.Serializer):
    description = serializers.CharField(required=False, allow_blank=True, default="")


class ResponsibilityIn(serializers.Serializer):
    responsibility = serializers.ChoiceField(choices=Responsibility.choices)
    findings = serializers.CharField(required=False, allow_blank=True, default="")
    supplier = IntegerIn(required=False, allow_null=True)
    cause = IntegerIn(required=False, allow_null=True)


def _valid(cls, data) -> dict:
    s = cls(data=data)
    s.is_valid(raise_exception=True)
    return dict(s.validated_data)


def _get(model, user, pk, field):
    if pk is None:
        return None
    obj = model.objects.filter(pk=pk, organisation_id=user.organisation_id).first()
    if obj is None:
        raise ValidationFailed(fields={field: [_("Not found.")]})
    return obj


class CaseBase(SummaryListMixin, viewsets.GenericViewSet):
    pagination_class = KeysetPagination
    serializer_class = CaseOut
    queryset = Case.objects.none()

    def _reader(self):
        if not selectors.can_read(self.request.user):
            raise PermissionDeniedError()

    def _out(self, case, code=200):
        case = selectors.case_get(user=self.request.user, pk=case.pk)
        return Response(CaseDetailOut(case, context={"request": self.request}).data, status=code)

    @extend_schema(
        parameters=[
            OpenApiParameter("kind", str),
            OpenApiParameter("status", str),
            OpenApiParameter("q", str),
            *shape_parameters(CaseListOut),
        ],
        responses=CaseListOut(many=True),
    )
    def list(self, request):
        """The complaint register (顾客投诉登记表) and the other cases, newest first."""
        self._reader()
        kind = request.query_params.get("kind") or None
        st = request.query_params.get("status") or None
        if kind and kind not in Kind.values:
            raise ValidationFailed(fields={"kind": [_("Unknown kind of case.")]})
        if st and st not in Status.values:
            raise ValidationFailed(fields={"status": [_("Unknown status.")]})
        qs = selectors.case_list(
            user=request.user, kind=kind, status=st, q=request.query_params.get("q", "")
        ).prefetch_related("signatures")
        return self.list_response(qs, CaseListOut, related=("customer",))

    @extend_schema(responses=CaseDetailOut)
    def retrieve(self, request, pk=None):
        self._reader()
        case = selectors.case_get(user=request.user, pk=pk)
        return Response(CaseDetailOut(case, context={"request": request}).data)

    @extend_schema(request=CaseIn, responses={201: CaseDetailOut})
    def create(self, request):
        """Register a case. Exchanges and returns need a promise decision that grants them."""

        d = _valid(CaseIn, request.data)
        u = request.user
        case = services.case_register(
            by=u,
            kind=d["kind"],
            customer=_get(Customer, u, d.get("customer"), "customer"),
            contract=_get(Contract, u, d.get("contract"), "contract"),
            product=_get(Product, u, d.get("product"), "product"),
            decision=_get(PromiseDecision, u, d.get("decision"), "decision"),
            cause=_get(ComplaintCause, u, d.get("cause"), "cause"),
            description=d["description"],
            demand=d["demand"],
            work_order=_get(WorkOrder, u, d.get("work_order"), "work_order"),
            fault=_get(FaultCategory, u, d.get("fault"), "fault"),
            owned_product=_get(OwnedProduct, u, d.get("owned_product"), "owned_product"),
        )
        return self._out(case, status.HTTP_201_CREATED)

    @extend_schema(responses=CaseOut(many=True))
    @action(detail=False, methods=["get"])
    def approvals(self, request):
        """Cases whose next signature the caller may give."""
        self._reader()
        return Response(
            CaseOut(
                selectors.approval_queue(user=request.user),
                many=True,
                context={"request": request},
            ).data
        )

    @extend_schema(request=InspectIn, responses=CaseOut)
    @action(detail=True, methods=["post"])
    def inspect(self, request, pk=None):
        """Send someone on site: creates an inspection work order."""
        d = _valid(InspectIn, request.data)
        return self._out(services.case_start_inspection(by=request.user, case=pk, **d))

    @extend_schema(request=ResponsibilityIn, responses=CaseOut)
    @action(detail=True, methods=["post"])
    def responsibility(self, request, pk=None):
        d = _valid(ResponsibilityIn, request.data)
        u = request.user
        case = services.case_set_responsibility(
            by=u,
            case=pk,
            responsibility=d["responsibility"],
            findings=d["findings"],
            supplier=_get(Supplier, u, d.get("supplier"), "supplier"),
            cause=_get(ComplaintCause, u, d.get("cause"), "cause"),
        )
        return self._out(case)

    @extend_schema(request=SubmitIn, responses=CaseOut)
    @action(detail=True, methods=["post"])
    def submit(self, request, pk=None):
        """Propose the resolution and its cost; routed to the approvers the rules name."""
        d = _valid(SubmitIn, request.data)
        return self._out(services.case_submit(by=request.user, case=pk, **d))

    @extend_schema(request=CaseSignIn, responses=CaseOut)
    @action(detail=True, methods=["post"])
    def sign(self, request, pk=None):
        """Sign the next step (403 naming who must approve when it is not the caller)."""
        d = _valid(CaseSignIn, request.data)
        return self._out(services.case_sign(by=request.user, case=pk, **d))

    @extend_schema(request=None, responses=CaseOut)
    @action(detail=True, methods=["post"], url_path="carry-out")
    def carry_out(self, request, pk=None):
        return self._out(services.case_carry_out(by=request.user, case=pk))

    @extend_schema(request=None, responses=CaseOut)
    @action(detail=True, methods=["post"])
    def close(self, request, pk=None):
        return self._out(services.case_close(by=request.user, case=pk))

    @extend_schema(request=CaseReasonIn, responses=CaseOut)
    @action(detail=True, methods=["post"])
    def refuse(self, request, pk=None):
        """Refuse an unjustified demand, with the reason."""
        d = _valid(CaseReasonIn, request.data)
        return self._out(services.case_refuse(by=request.user, case=pk, reason=d["reason"]))


@extend_schema(tags=["complaints"])
class CaseViewSet(IdempotentCreateMixin, CaseBase):
    pass


@extend_schema(tags=["complaints"])
class StatisticsViewSet(viewsets.ViewSet):
    @extend_schema(
        parameters=[OpenApiParameter("month", str, description="YYYY-MM")],
        responses=OpenApiTypes.OBJECT,
    )
    def list(self, request):
        """The month's complaint statistics, causes by category and returns/exchanges."""
        if not selectors.can_read(request.user):
            raise PermissionDeniedError()
        raw = request.query_params.get("month")
        try:
            month = (
                dt.datetime.strptime(raw, "%Y-%m").date() if raw else dt.date.today().replace(day=1)
            )
        except ValueError:
            raise ValidationFailed(fields={"month": [_("Use YYYY-MM.")]}) from None
        stats = selectors.monthly_statistics(organisation=request.user.organisation, month=month)
        stats["month"] = stats["month"].strftime("%Y-%m")
        stats["cost"] = str(stats["cost"])
        stats["claims"] = str(stats["claims"])
        return Response(stats)


def register(router):
    """Add this app's viewsets to the /api/v1/ router."""
    router.register("cases", CaseViewSet, basename="case")
    router.register("complaint-statistics", StatisticsViewSet, basename="complaint-statistics")
