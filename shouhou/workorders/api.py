"""/api/v1/workorders/: intake (Idempotency-Key), reads scoped by role, one POST per step."""

from __future__ import annotations

import copy
from collections.abc import Callable

from django.conf import settings
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from drf_spectacular.utils import OpenApiParameter, extend_schema
from rest_framework import serializers, status, viewsets
from rest_framework.decorators import action
from rest_framework.parsers import MultiPartParser
from rest_framework.response import Response

from shouhou.catalog.models import Product, ProductModel
from shouhou.core.api import IdempotentCreateMixin, IntegerIn
from shouhou.core.errors import NotFoundError, ValidationFailed
from shouhou.core.idempotency import run_idempotent
from shouhou.core.listing import (
    MaskedPhone,
    ShapedSerializer,
    SummaryListMixin,
    TruncatedText,
    shape_parameters,
)
from shouhou.core.pagination import KeysetPagination
from shouhou.core.textcheck import LanguageWarningsField
from shouhou.customers.api import FaultOut, service_case_summary
from shouhou.customers.models import FaultCategory, OwnedProduct
from shouhou.customers.selectors import customer_get
from shouhou.org.models import Dealer, Store
from shouhou.sales.models import Contract
from shouhou.staff.models import ServiceStaff

from . import api_tiers, selectors, services, states
from . import due as due_
from .api_loans import LoanLendIn, LoanUnitOut, LoanUnitViewSet
from .api_old_parts import OldPartViewSet, PartOut
from .api_requests import PublicRequestViewSet
from .checklist import STEP_CODES
from .models import (
    FaultTier,
    Kind,
    Route,
    ServiceReport,
    SlaPolicy,
    Source,
    WorkOrder,
)
from .reports import report_rows


# Output -----------------------------------------------------------------------------------------
class _Ref(serializers.Serializer):
    id = IntegerIn()
    name = serializers.CharField()


class PhotoOut(serializers.Serializer):
    id = IntegerIn()
    caption = serializers.CharField()
    url = serializers.SerializerMethodField()
    created_at = serializers.DateTimeField()

    def get_url(self, p) -> str:
        return reverse("workorders:photo", args=[p.pk])


class ReportOut(serializers.ModelSerializer):
    parts = PartOut(many=True, read_only=True)
    photos = PhotoOut(many=True, read_only=True)

    class Meta:
        model = ServiceReport
        fields = [
            "findings",
            "work_done",
            "steps_done",
            "fee",
            "fee_approval",
            "fee_handed_in_at",
            "signer_name",
            "signed_at",
            "signed_via",
            "parts",
            "photos",
        ]


class WorkOrderOut(serializers.ModelSerializer):
    status_label = serializers.CharField(read_only=True)
    category = serializers.CharField(read_only=True)
    customer = serializers.SerializerMethodField()
    technician = serializers.SerializerMethodField()
    policy = serializers.SerializerMethodField()
    allowed_actions = serializers.SerializerMethodField()
    report = serializers.SerializerMethodField()
    repeat_contacts = serializers.SerializerMethodField(
        help_text="Later calls about this order that joined it (一个杜绝: the customer should "
        "not have had to call again); 0 for an order called in once."
    )
    fault = serializers.SerializerMethodField()
    language_warnings = LanguageWarningsField()
    service_case = serializers.SerializerMethodField(
        help_text="The case of every record about the same fault of the same product of the "
        "customer (repairs, complaints, returns), with its repeat count; null: none."
    )
    next_due_at = serializers.DateTimeField(
        read_only=True,
        allow_null=True,
        help_text="The earliest time limit still open (null: nothing is due).",
    )
    next_due = serializers.SerializerMethodField(
        help_text="Which limit `next_due_at` is: contact, reply, onsite, fixed, "
        "unreachable_report (null: nothing is due)."
    )

    class Meta:
        model = WorkOrder
        fields = [
            "id",
            "number",
            "kind",
            "source",
            "status",
            "status_label",
            "category",
            "customer",
            "contact_phone",
            "district",
            "address",
            "store",
            "merchant",
            "product",
            "product_model",
            "contract",
            "description",
            "is_emergency",
            "distance_km",
            "fault_category",
            "route",
            "policy",
            "policy_reason",
            "technician",
            "dispatch_seq",
            "received_at",
            "reported_at",
            "dispatched_at",
            "contact_due_at",
            "onsite_due_at",
            "reply_due_at",
            "fixed_due_at",
            "arrange_due_at",
            "next_due_at",
            "next_due",
            "contacted_at",
            "replied_at",
            "arrived_at",
            "completed_at",
            "confirmed_at",
            "closed_at",
            "appointment_at",
            "callback_due_on",
            "unreachable_since",
            "unreachable_report_due_at",
            "unreachable_reason",
            "not_home_note",
            "is_reissued",
            "reissue_count",
            "needs_revisit",
            "contact_overdue",
            "onsite_overdue",
            "fixed_overdue",
            "arrange_overdue",
            "reply_missed",
            "missed_service",
            "no_callback",
            "no_bonus",
            "allowed_actions",
            "report",
            "repeat_contacts",
            "fault",
            "service_case",
            "language_warnings",
        ]

    def get_fault(self, o) -> dict | None:
        return FaultOut(o.fault).data if o.fault_id else None

    def get_service_case(self, o) -> dict | None:
        if not o.service_case_id:
            return None
        return service_case_summary(o.service_case, fault=o.fault)

    def get_next_due(self, o) -> str | None:
        field = due_.next_due_field(o)
        return due_.TARGET_CODES[field] if field else None

    def get_repeat_contacts(self, o) -> int:
        if getattr(o, "_intake_new", False):
            return 0  # a new order: no call has joined it yet
        joined = getattr(o, "joined_calls", None)  # read with the order by `workorder_get`
        return joined if joined is not None else o.calls.filter(joined=True).count()

    def get_fields(self):
        # Building the ~50 fields from the model took a fifth of an intake request (issue 15):
        # build them once per class and hand each serializer a copy, as DRF does for declared
        # fields.
        cls = type(self)
        if "_built_fields" not in cls.__dict__:
            cls._built_fields = super().get_fields()
        return copy.deepcopy(cls._built_fields)

    def get_customer(self, o) -> dict:
        return {"id": o.customer_id, "name": o.customer.name}

    def get_technician(self, o) -> dict | None:
        return {"id": o.technician_id, "name": o.technician.name} if o.technician_id else None

    def get_policy(self, o) -> dict | None:
        if not o.policy_id:
            return None
        return {"id": o.policy_id, "code": o.policy.code, "name": o.policy.name}

    def get_allowed_actions(self, o) -> list[str]:
        return states.actions_from(o.status)

    def get_report(self, o) -> dict | None:
        if "report" in self.context:  # known by the caller (a new order has none)
            report = self.context["report"]
        else:
            report = (
                ServiceReport.objects.filter(order=o).prefetch_related("parts", "photos").first()
            )
        return ReportOut(report).data if report else None


# What `?expand=` may add to a list row: plain columns of the order (loaded on demand by
# `_expand_columns`), the description in full instead of its first 80 characters.
_EXPAND_COLUMNS: dict[str, tuple[str, Callable[[], serializers.Field]]] = {
    "description": ("description", lambda: serializers.CharField()),
    "source": ("source", lambda: serializers.CharField()),
    "district": ("district", lambda: serializers.CharField()),
    "address": ("address", lambda: serializers.CharField()),
    "appointment_at": ("appointment_at", lambda: serializers.DateTimeField(allow_null=True)),
    "dispatched_at": ("dispatched_at", lambda: serializers.DateTimeField(allow_null=True)),
    "completed_at": ("completed_at", lambda: serializers.DateTimeField(allow_null=True)),
    "closed_at": ("closed_at", lambda: serializers.DateTimeField(allow_null=True)),
}


class WorkOrderListOut(ShapedSerializer):
    """A list row (issue 26): what a queue shows. The detail endpoint has the full order."""

    expandable = {name: factory for name, (_col, factory) in _EXPAND_COLUMNS.items()}

    id = IntegerIn()
    number = serializers.CharField()
    kind = serializers.CharField()
    status = serializers.CharField()
    status_label = serializers.CharField()
    category = serializers.CharField()
    customer = serializers.SerializerMethodField()
    contact_phone = MaskedPhone()
    technician = serializers.SerializerMethodField()
    store = IntegerIn(source="store_id", allow_null=True)
    merchant = IntegerIn(source="merchant_id", allow_null=True)
    description = TruncatedText()
    is_emergency = serializers.BooleanField()
    is_reissued = serializers.BooleanField()
    received_at = serializers.DateTimeField()
    contact_due_at = serializers.DateTimeField(allow_null=True)
    onsite_due_at = serializers.DateTimeField(allow_null=True)
    reply_due_at = serializers.DateTimeField(allow_null=True)
    fixed_due_at = serializers.DateTimeField(allow_null=True)
    next_due_at = serializers.DateTimeField(
        allow_null=True, help_text="The earliest time limit still open (null: nothing is due)."
    )
    next_due = serializers.SerializerMethodField(
        help_text="Which limit `next_due_at` is: contact, reply, onsite, fixed, "
        "unreachable_report (null: nothing is due)."
    )
    overdue = serializers.SerializerMethodField()
    missed_service = serializers.BooleanField()
    repeat_contacts = serializers.SerializerMethodField(
        help_text="Later calls that joined the order (null where the list does not count them)."
    )

    def get_repeat_contacts(self, o) -> int | None:
        return getattr(o, "joined_calls", None)

    def get_next_due(self, o) -> str | None:
        field = due_.next_due_field(o)
        return due_.TARGET_CODES[field] if field else None

    def get_customer(self, o) -> dict:
        return {"id": o.customer_id, "name": o.customer.name}

    def get_technician(self, o) -> dict | None:
        return {"id": o.technician_id, "name": o.technician.name} if o.technician_id else None

    def get_overdue(self, o) -> bool:
        return bool(o.contact_overdue or o.onsite_overdue or o.fixed_overdue or o.reply_missed)


def _expand_columns(shape, qs):
    """Load the columns `?expand=` asks for with the summary ones (else each row would fetch
    its deferred column on its own)."""
    extra = [_EXPAND_COLUMNS[name][0] for name in shape.expand]
    return qs.only(*selectors.SUMMARY_FIELDS, *extra) if extra else qs


# Input ------------------------------------------------------------------------------------------
class CustomerDataIn(serializers.Serializer):
    name = serializers.CharField(max_length=50, required=False, allow_blank=True)
    mobile = serializers.CharField(max_length=30)
    district = serializers.CharField(max_length=30, required=False, allow_blank=True)
    address_detail = serializers.CharField(max_length=200, required=False, allow_blank=True)
    province = serializers.CharField(max_length=30, required=False, allow_blank=True)
    city = serializers.CharField(max_length=30, required=False, allow_blank=True)


class IntakeIn(serializers.Serializer):
    source = serializers.ChoiceField(choices=[c for c in Source.choices if c[0] != "self_service"])
    kind = serializers.ChoiceField(choices=Kind.choices)
    description = serializers.CharField(
        required=False, allow_blank=True, default="", max_length=settings.SHOUHOU_TEXT_MAX_LENGTH
    )
    customer = IntegerIn(required=False)
    customer_data = CustomerDataIn(required=False)
    store = IntegerIn(required=False)
    dealer = IntegerIn(required=False)
    product = IntegerIn(required=False)
    product_model = IntegerIn(required=False)
    contract = IntegerIn(required=False)
    technician = IntegerIn(required=False)
    fault = IntegerIn(required=False, help_text="A fault category (with a product: the case).")
    owned_product = IntegerIn(required=False, help_text="The customer's unit (its serial no.).")
    is_emergency = serializers.BooleanField(required=False, default=False)
    distance_km = serializers.DecimalField(
        max_digits=7, decimal_places=1, required=False, allow_null=True, min_value=0
    )
    # With the distance they choose the response tier (seed 002); blank: not said / ordinary.
    fault_category = serializers.ChoiceField(
        choices=FaultTier.choices,
        required=False,
        allow_blank=True,
        default="",
        help_text="The tier group, when no `fault` is given (a fault brings its own).",
    )
    route = serializers.ChoiceField(
        choices=Route.choices, required=False, allow_blank=True, default=""
    )
    received_at = serializers.DateTimeField(required=False)

    def validate(self, attrs):
        if "customer" not in attrs and "customer_data" not in attrs:
            raise serializers.ValidationError(
                {"customer_data": [_("Give a known customer or the caller's details.")]}
            )
        return attrs


class NoteIn(serializers.Serializer):
    note = serializers.CharField(required=False, allow_blank=True, default="", max_length=2000)


class RequiredNoteIn(serializers.Serializer):
    note = serializers.CharField(max_length=2000)


class ReasonIn(serializers.Serializer):
    reason = serializers.CharField(max_length=2000, allow_blank=True)


class DispatchIn(serializers.Serializer):
    technician = IntegerIn()


class AppointIn(serializers.Serializer):
    appointment_at = serializers.DateTimeField()


class PartIn(serializers.Serializer):
    name = serializers.CharField(max_length=100)
    quantity = IntegerIn(min_value=1)
    reason = serializers.CharField(max_length=200)
    return_old = serializers.BooleanField(default=True)


class CompleteIn(serializers.Serializer):
    findings = serializers.CharField(required=False, allow_blank=True, default="")
    work_done = serializers.CharField(allow_blank=True)
    parts = PartIn(many=True, required=False, default=list)
    fee = serializers.CharField(required=False, default="0")
    fee_approval = serializers.CharField(required=False, allow_blank=True, default="")
    steps_done = serializers.ListField(
        child=serializers.ChoiceField(choices=STEP_CODES), required=False, default=list
    )


class SignIn(serializers.Serializer):
    signer_name = serializers.CharField(max_length=50, allow_blank=True)
    signature = serializers.CharField()


class PhotoIn(serializers.Serializer):
    image = serializers.FileField()
    caption = serializers.CharField(required=False, allow_blank=True, default="", max_length=100)


class PolicyIn(serializers.Serializer):
    policy = IntegerIn()
    reason = serializers.CharField(allow_blank=True, max_length=200)


# Helpers ----------------------------------------------------------------------------------------
def _obj(model, pk, organisation_id, field):
    if pk is None:
        return None
    obj = model.objects.filter(pk=pk, organisation_id=organisation_id).first()
    if obj is None:
        raise ValidationFailed(fields={field: [_("Not found.")]})
    return obj


def _technician(user, pk):
    return _obj(ServiceStaff, pk, user.organisation_id, "technician")


# The viewset ------------------------------------------------------------------------------------
class _IntakeCreate:
    """The intake behind POST /api/v1/workorders/ (see `IdempotentCreateMixin`: the key keeps a
    pointer to the order and a replay renders it again)."""

    def idempotent_render(self, order, status_code) -> dict:
        # A new order has no report yet; a replay reads the order as it is now.
        context = {"report": None} if getattr(order, "_intake_new", False) else {}
        body = dict(WorkOrderOut(order, context=context).data)
        body["joined"] = status_code == status.HTTP_200_OK
        return body

    def idempotent_create(self, request):

        data = IntakeIn(data=request.data)
        data.is_valid(raise_exception=True)
        v = data.validated_data
        user = request.user
        org_id = user.organisation_id
        customer = None
        if v.get("customer") is not None:
            try:
                customer = customer_get(user=user, pk=v["customer"], for_intake=True)
            except NotFoundError as exc:
                raise ValidationFailed(fields={"customer": [_("Not found.")]}) from exc
        result = services.workorder_intake(
            by=user,
            source=v["source"],
            kind=v["kind"],
            description=v.get("description", ""),
            customer=customer,
            customer_data=v.get("customer_data"),
            store=_obj(Store, v.get("store"), org_id, "store") or getattr(user, "store", None),
            dealer=_obj(Dealer, v.get("dealer"), org_id, "dealer"),
            product=_obj(Product, v.get("product"), org_id, "product"),
            product_model=_obj(ProductModel, v.get("product_model"), org_id, "product_model"),
            contract=_obj(Contract, v.get("contract"), org_id, "contract"),
            technician=_technician(user, v.get("technician")),
            fault=_obj(FaultCategory, v.get("fault"), org_id, "fault"),
            owned_product=_obj(OwnedProduct, v.get("owned_product"), org_id, "owned_product"),
            is_emergency=v.get("is_emergency", False),
            distance_km=v.get("distance_km"),
            fault_category=v.get("fault_category", ""),
            route=v.get("route", ""),
            received_at=v.get("received_at"),
        )
        result.order._intake_new = not result.joined
        return (status.HTTP_200_OK if result.joined else status.HTTP_201_CREATED), result.order


class WorkOrderListFilter(serializers.Serializer):
    """The list's query parameters: an unknown status, kind or flag is a 400, not an empty or
    unfiltered list."""

    status = serializers.ChoiceField(
        choices=[
            "unresolved",
            states.OPEN,
            states.PAUSED,
            states.RESOLVED,
            *[c for c, _label in states.STATUS_CHOICES],
        ],
        required=False,
        allow_blank=True,
    )
    kind = serializers.ChoiceField(choices=Kind.choices, required=False, allow_blank=True)
    flag = serializers.ChoiceField(choices=selectors.LIST_FLAGS, required=False, allow_blank=True)
    q = serializers.CharField(required=False, allow_blank=True, max_length=100)
    technician = IntegerIn(required=False, min_value=1, max_value=2**63 - 1)
    store = IntegerIn(required=False, min_value=1, max_value=2**63 - 1)
    merchant = IntegerIn(required=False, min_value=1, max_value=2**63 - 1)
    overdue = serializers.BooleanField(required=False, allow_null=True, default=None)
    due = serializers.ChoiceField(
        choices=due_.DUE_FILTERS,
        required=False,
        allow_blank=True,
        help_text="By the next due time: overdue (passed), today (still to come today, "
        "Asia/Shanghai), soon (within the organisation's due-soon working hours).",
    )
    sort = serializers.ChoiceField(
        choices=due_.SORTS,
        required=False,
        allow_blank=True,
        help_text="due: only the orders with a time limit open, the next due first.",
    )


class WorkOrderViewSet(
    SummaryListMixin, IdempotentCreateMixin, _IntakeCreate, viewsets.GenericViewSet
):
    """Work orders. Reads are limited to what the user may see (others: 404)."""

    list_related = ("customer", "technician")

    serializer_class = WorkOrderOut
    queryset = WorkOrder.objects.none()
    filter_backends: list = []

    pagination_class = KeysetPagination

    def get_queryset(self):
        f = WorkOrderListFilter(data=self.request.query_params)
        f.is_valid(raise_exception=True)
        p = f.validated_data
        return selectors.workorder_list(
            user=self.request.user,
            status=p.get("status"),
            kind=p.get("kind"),
            q=p.get("q"),
            flag=p.get("flag"),
            technician_id=p.get("technician"),
            store_id=p.get("store"),
            merchant_id=p.get("merchant"),
            overdue=p.get("overdue"),
            due=p.get("due") or None,
            sort=p.get("sort") or None,
            summary=True,
        )

    def list_queryset(self):
        # The list rows count their repeat contacts in the same query (a subquery per row).
        return selectors.with_repeat_contacts(self.get_queryset())

    def _order(self, pk) -> WorkOrder:
        return selectors.workorder_get(user=self.request.user, pk=pk)

    def _done(self, order) -> Response:
        order = selectors.workorder_get(user=self.request.user, pk=order.pk)
        return Response(WorkOrderOut(order).data)

    def _input(self, serializer_class):
        s = serializer_class(data=self.request.data)
        s.is_valid(raise_exception=True)
        return s.validated_data

    @extend_schema(
        parameters=[
            OpenApiParameter(
                "status", str, description="A state, `open`, `paused`, `resolved` or `unresolved`."
            ),
            OpenApiParameter("kind", str),
            OpenApiParameter("q", str, description="Number, customer, phone or address."),
            OpenApiParameter("flag", str),
            OpenApiParameter("technician", int),
            OpenApiParameter("store", int),
            OpenApiParameter("merchant", int),
            OpenApiParameter("overdue", bool, description="Any time limit missed."),
            OpenApiParameter(
                "due",
                str,
                enum=list(due_.DUE_FILTERS),
                description="By the next due time (`next_due_at`): overdue, today, soon.",
            ),
            OpenApiParameter(
                "sort",
                str,
                enum=list(due_.SORTS),
                description="`due`: the orders with a time limit open, the next due first.",
            ),
            *shape_parameters(WorkOrderListOut),
        ],
        responses=WorkOrderListOut(many=True),
    )
    def list(self, request):
        return self.list_response(self.list_queryset(), WorkOrderListOut, prepare=_expand_columns)

    def retrieve(self, request, pk=None):
        return Response(WorkOrderOut(self._order(pk)).data)

    @extend_schema(request=IntakeIn, responses={201: WorkOrderOut, 200: WorkOrderOut})
    def create(self, request, *args, **kwargs):
        return super().create(request, *args, **kwargs)

    @extend_schema(
        parameters=shape_parameters(WorkOrderListOut), responses=WorkOrderListOut(many=True)
    )
    @action(detail=False, url_path="my-jobs")
    def my_jobs(self, request):
        return self.list_response(
            selectors.my_jobs(user=request.user), WorkOrderListOut, paginate=False
        )

    @extend_schema(request=DispatchIn, responses=WorkOrderOut)
    @action(detail=True, methods=["post"], url_path="dispatch")
    def dispatch_to(self, request, pk=None):
        order = self._order(pk)
        v = self._input(DispatchIn)
        tech = _technician(request.user, v["technician"])
        return self._done(
            services.workorder_dispatch(by=request.user, order=order, technician=tech)
        )

    @extend_schema(request=DispatchIn, responses=WorkOrderOut)
    @action(detail=True, methods=["post"])
    def reassign(self, request, pk=None):
        order = self._order(pk)
        v = self._input(DispatchIn)
        tech = _technician(request.user, v["technician"])
        return self._done(
            services.workorder_reassign(by=request.user, order=order, technician=tech)
        )

    def _note_action(self, pk, service, serializer=NoteIn, arg="note"):
        order = self._order(pk)
        v = self._input(serializer)
        key = "reason" if serializer is ReasonIn else "note"
        return self._done(service(by=self.request.user, order=order, **{arg: v[key]}))

    @extend_schema(request=NoteIn, responses=WorkOrderOut)
    @action(detail=True, methods=["post"])
    def contact(self, request, pk=None):
        return self._note_action(pk, services.workorder_contact)

    @extend_schema(request=NoteIn, responses=WorkOrderOut)
    @action(detail=True, methods=["post"])
    def unreachable(self, request, pk=None):
        return self._note_action(pk, services.workorder_unreachable)

    @extend_schema(request=ReasonIn, responses=WorkOrderOut)
    @action(detail=True, methods=["post"], url_path="report-unreachable")
    def report_unreachable(self, request, pk=None):
        return self._note_action(
            pk, services.workorder_report_unreachable, serializer=ReasonIn, arg="reason"
        )

    @extend_schema(request=AppointIn, responses=WorkOrderOut)
    @action(detail=True, methods=["post"])
    def appoint(self, request, pk=None):
        order = self._order(pk)
        v = self._input(AppointIn)
        return self._done(
            services.workorder_appoint(
                by=request.user, order=order, appointment_at=v["appointment_at"]
            )
        )

    @extend_schema(request=RequiredNoteIn, responses=WorkOrderOut)
    @action(detail=True, methods=["post"])
    def postpone(self, request, pk=None):
        return self._note_action(pk, services.workorder_postpone, serializer=RequiredNoteIn)

    @extend_schema(request=None, responses=WorkOrderOut)
    @action(detail=True, methods=["post"])
    def arrive(self, request, pk=None):
        return self._done(services.workorder_arrive(by=request.user, order=self._order(pk)))

    @extend_schema(request=NoteIn, responses=WorkOrderOut)
    @action(detail=True, methods=["post"], url_path="wait-parts")
    def wait_parts(self, request, pk=None):
        return self._note_action(pk, services.workorder_wait_parts)

    @extend_schema(request=RequiredNoteIn, responses=WorkOrderOut)
    @action(detail=True, methods=["post"], url_path="not-home")
    def not_home(self, request, pk=None):
        return self._note_action(pk, services.workorder_not_home, serializer=RequiredNoteIn)

    @extend_schema(request=CompleteIn, responses=WorkOrderOut)
    @action(detail=True, methods=["post"])
    def complete(self, request, pk=None):
        order = self._order(pk)
        v = self._input(CompleteIn)
        return self._done(services.workorder_complete(by=request.user, order=order, **v))

    @extend_schema(request=SignIn, responses=WorkOrderOut)
    @action(detail=True, methods=["post"])
    def sign(self, request, pk=None):
        order = self._order(pk)
        v = self._input(SignIn)
        return self._done(services.workorder_sign(by=request.user, order=order, **v))

    @extend_schema(request=NoteIn, responses=WorkOrderOut)
    @action(detail=True, methods=["post"])
    def close(self, request, pk=None):
        return self._note_action(pk, services.workorder_close)

    @extend_schema(request=ReasonIn, responses=WorkOrderOut)
    @action(detail=True, methods=["post"])
    def cancel(self, request, pk=None):
        return self._note_action(pk, services.workorder_cancel, serializer=ReasonIn, arg="reason")

    @extend_schema(request=LoanLendIn, responses={201: LoanUnitOut})
    @action(detail=True, methods=["post"], url_path="lend-loan")
    def lend_loan(self, request, pk=None):
        """Lend the customer a unit while theirs is not fixed (备用机); one out at a time."""
        order = self._order(pk)
        v = self._input(LoanLendIn)
        loan = services.loan_unit_lend(by=request.user, order=order, **v)
        return Response(LoanUnitOut(loan).data, status=201)

    @extend_schema(request=NoteIn, responses=WorkOrderOut)
    @action(detail=True, methods=["post"])
    def reissue(self, request, pk=None):
        return self._note_action(pk, services.workorder_reissue)

    @extend_schema(request={"multipart/form-data": PhotoIn}, responses={201: PhotoOut})
    @action(detail=True, methods=["post"], url_path="photos", parser_classes=[MultiPartParser])
    def photos(self, request, pk=None):
        """A photo of the work (JPEG, PNG or WebP); Idempotency-Key honoured."""
        order = self._order(pk)
        v = self._input(PhotoIn)

        def act():
            photo = services.service_report_add_photo(
                by=request.user, order=order, image=v["image"], caption=v["caption"]
            )
            return status.HTTP_201_CREATED, dict(PhotoOut(photo).data)

        code, body, replayed = run_idempotent(
            user=request.user,
            scope=f"api:{request.path}",
            key=request.headers.get("Idempotency-Key"),
            action=act,
        )
        response = Response(body, status=code)
        if replayed:
            response["Idempotent-Replayed"] = "true"
        return response

    @extend_schema(request=PolicyIn, responses=WorkOrderOut)
    @action(detail=True, methods=["post"], url_path="change-policy")
    def change_policy(self, request, pk=None):
        order = self._order(pk)
        v = self._input(PolicyIn)
        policy = _obj(SlaPolicy, v["policy"], request.user.organisation_id, "policy")
        return self._done(
            services.workorder_change_policy(
                by=request.user, order=order, policy=policy, reason=v["reason"]
            )
        )

    @extend_schema(responses=serializers.DictField())
    @action(detail=False, url_path="daily-report")
    def daily_report(self, request):
        day = request.query_params.get("day")
        try:
            day = timezone.datetime.fromisoformat(day).date() if day else None
        except ValueError as exc:
            raise ValidationFailed(fields={"day": [_("Enter a valid date.")]}) from exc
        return Response(report_rows(user=request.user, day=day))


def register(router):
    """Add this app's viewsets to the /api/v1/ router."""
    router.register("workorders", WorkOrderViewSet, basename="workorder")
    router.register("workorder-old-parts", OldPartViewSet, basename="workorder-old-part")
    router.register("workorder-requests", PublicRequestViewSet, basename="workorder-request")
    router.register("loan-units", LoanUnitViewSet, basename="loan-unit")
    api_tiers.register(router)
