"""/api/v1/contacts/ (the calls and letters log, its answers, conversions and the caller lookup
`/api/v1/contacts/lookup/?phone=`), /api/v1/handovers/, /api/v1/reservations/,
/api/v1/desk-returns/ and /api/v1/desk-summaries/daily|weekly/."""

from __future__ import annotations

import datetime as dt

from django.utils import timezone
from django.utils.translation import gettext as _
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiParameter, extend_schema
from rest_framework import serializers, status, viewsets
from rest_framework.decorators import action
from rest_framework.response import Response

from shouhou.catalog.models import Product
from shouhou.complaints.models import Case
from shouhou.core.api import IdempotentCreateMixin, IntegerIn
from shouhou.core.errors import PermissionDeniedError, ValidationFailed
from shouhou.core.listing import (
    MaskedPhone,
    ShapedSerializer,
    SummaryListMixin,
    TruncatedText,
    shape_parameters,
)
from shouhou.core.pagination import KeysetPagination
from shouhou.customers.models import Customer
from shouhou.org.models import Store
from shouhou.workorders.models import Kind as WorkKind

from . import selectors, services
from .models import (
    Channel,
    Contact,
    ContactKind,
    ContactStatus,
    DeskReturn,
    Handover,
    Reservation,
    ReservationStatus,
    ReturnedTo,
    ReturnStatus,
    Shift,
)


def _valid(cls, data) -> dict:
    s = cls(data=data)
    s.is_valid(raise_exception=True)
    return dict(s.validated_data)


def _get(model, user, pk, field):
    if pk is None:
        return None
    obj = selectors.org_object(user=user, model=model, pk=pk)
    if obj is None:
        raise ValidationFailed(fields={field: [_("Not found.")]})
    return obj


def _reader(request):
    if not selectors.can_read(request.user):
        raise PermissionDeniedError()


def _language(obj) -> dict:
    return getattr(obj, "language_result", None) or {"forbidden": [], "preferred": []}


# Contacts ------------------------------------------------------------------------------------


class ContactOut(serializers.ModelSerializer):
    channel_display = serializers.CharField(source="get_channel_display", read_only=True)
    kind_display = serializers.CharField(source="get_kind_display", read_only=True)
    status_display = serializers.CharField(source="get_status_display", read_only=True)
    work_order_number = serializers.CharField(source="work_order.number", default=None)
    case_number = serializers.CharField(source="case.number", default=None)
    is_overdue = serializers.BooleanField(read_only=True)

    class Meta:
        model = Contact
        fields = [
            "id",
            "received_at",
            "channel",
            "channel_display",
            "kind",
            "kind_display",
            "status",
            "status_display",
            "store",
            "hotline",
            "caller_name",
            "phone",
            "customer",
            "subject",
            "answer",
            "answered_at",
            "answered_by",
            "follow_up_note",
            "follow_up_due_at",
            "is_overdue",
            "reply_channel",
            "reply_reference",
            "parent",
            "repeat_count",
            "joined_existing",
            "work_order",
            "work_order_number",
            "case",
            "case_number",
            "language_warnings",
            "taken_by",
        ]


class ContactListOut(ShapedSerializer, ContactOut):
    """A log row: the texts cut and the phone masked (the detail and `?expand=` have them)."""

    expandable = {
        "subject": lambda: serializers.CharField(),
        "answer": lambda: serializers.CharField(),
        "follow_up_note": lambda: serializers.CharField(),
        "language_warnings": lambda: serializers.JSONField(),
    }
    phone = MaskedPhone()
    subject = TruncatedText()
    answer = TruncatedText()
    follow_up_note = TruncatedText()

    class Meta(ContactOut.Meta):
        fields = [f for f in ContactOut.Meta.fields if f != "language_warnings"]


class LanguageOut(serializers.Serializer):
    forbidden = serializers.ListField(child=serializers.CharField())
    preferred = serializers.ListField(child=serializers.CharField())


class ContactSavedOut(ContactOut):
    language = serializers.SerializerMethodField(
        help_text="Forbidden phrases found in what was saved (a warning: it is saved anyway) "
        "and the phrases to use instead."
    )

    def get_language(self, obj) -> dict:
        return _language(obj)

    class Meta(ContactOut.Meta):
        fields = [*ContactOut.Meta.fields, "language"]


class ContactIn(serializers.Serializer):
    channel = serializers.ChoiceField(choices=Channel.choices)
    kind = serializers.ChoiceField(choices=ContactKind.choices)
    subject = serializers.CharField(allow_blank=True)
    phone = serializers.CharField(required=False, allow_blank=True, default="")
    caller_name = serializers.CharField(required=False, allow_blank=True, default="")
    customer = IntegerIn(required=False, allow_null=True)
    store = IntegerIn(required=False, allow_null=True)
    hotline = serializers.CharField(required=False, allow_blank=True, default="")
    answer = serializers.CharField(required=False, allow_blank=True, default="")
    joins = IntegerIn(required=False, allow_null=True)
    convert = serializers.BooleanField(required=False, default=False)
    work_kind = serializers.ChoiceField(
        choices=WorkKind.choices, required=False, default=WorkKind.REPAIR
    )
    district = serializers.CharField(required=False, allow_blank=True, default="")
    address_detail = serializers.CharField(required=False, allow_blank=True, default="")
    received_at = serializers.DateTimeField(required=False, allow_null=True)


class AnswerIn(serializers.Serializer):
    answer = serializers.CharField(allow_blank=True)
    reply_channel = serializers.ChoiceField(
        choices=[("", "—"), *Channel.choices], required=False, default=""
    )
    reply_reference = serializers.CharField(required=False, allow_blank=True, default="")


class FollowUpIn(serializers.Serializer):
    note = serializers.CharField(allow_blank=True)


class ToOrderIn(serializers.Serializer):
    work_kind = serializers.ChoiceField(
        choices=WorkKind.choices, required=False, default=WorkKind.REPAIR
    )
    district = serializers.CharField(required=False, allow_blank=True, default="")
    address_detail = serializers.CharField(required=False, allow_blank=True, default="")


class LookupOrderOut(serializers.Serializer):
    id = IntegerIn()
    number = serializers.CharField()
    kind = serializers.CharField()
    status = serializers.CharField()
    received_at = serializers.DateTimeField()


class LookupCaseOut(serializers.Serializer):
    id = IntegerIn()
    number = serializers.CharField()
    kind = serializers.CharField()
    status = serializers.CharField()
    created_at = serializers.DateTimeField()


class LookupCustomerOut(serializers.Serializer):
    id = IntegerIn()
    name = serializers.CharField()
    mobile = serializers.CharField()
    is_member = serializers.BooleanField()
    store = IntegerIn(source="store_id", allow_null=True)


class ReservationOut(serializers.ModelSerializer):
    status_display = serializers.CharField(source="get_status_display", read_only=True)
    customer_name = serializers.CharField(source="customer.name", read_only=True)
    goods = serializers.CharField(read_only=True)
    is_overdue = serializers.BooleanField(read_only=True)

    class Meta:
        model = Reservation
        fields = [
            "id",
            "number",
            "status",
            "status_display",
            "store",
            "customer",
            "customer_name",
            "product",
            "description",
            "goods",
            "quantity",
            "deposit",
            "receipt_number",
            "promised_on",
            "is_overdue",
            "arrived_at",
            "told_at",
            "collected_at",
            "cancelled_at",
            "cancel_reason",
            "refund",
            "refund_receipt",
            "created_at",
        ]


class ReservationListOut(ShapedSerializer, ReservationOut):
    expandable = {
        "description": lambda: serializers.CharField(),
        "cancel_reason": lambda: serializers.CharField(),
    }
    description = TruncatedText()
    cancel_reason = TruncatedText()

    class Meta(ReservationOut.Meta):
        pass


class CallerLookupOut(serializers.Serializer):
    phone = serializers.CharField()
    customer = LookupCustomerOut(allow_null=True)
    orders = LookupOrderOut(many=True)
    complaints = LookupCaseOut(many=True)
    reservations = ReservationOut(many=True)
    contacts = ContactOut(many=True)


class ContactBase(SummaryListMixin, viewsets.GenericViewSet):
    pagination_class = KeysetPagination
    serializer_class = ContactOut
    queryset = selectors.empty(Contact)  # for the schema: the views read through selectors

    def _saved(self, contact, code=200):
        result = _language(contact)
        contact = selectors.contact_get(user=self.request.user, pk=contact.pk)
        contact.language_result = result
        return Response(ContactSavedOut(contact).data, status=code)

    @extend_schema(
        parameters=[
            OpenApiParameter("status", str, enum=ContactStatus.values),
            OpenApiParameter("kind", str, enum=ContactKind.values),
            OpenApiParameter("channel", str, enum=Channel.values),
            OpenApiParameter("q", str),
            *shape_parameters(ContactListOut),
        ],
        responses=ContactListOut(many=True),
    )
    def list(self, request):
        """The calls and letters log (来电来函处理记录), newest first."""
        _reader(request)
        params = request.query_params
        for name, choices in (
            ("status", ContactStatus),
            ("kind", ContactKind),
            ("channel", Channel),
        ):
            if params.get(name) and params[name] not in choices.values:
                raise ValidationFailed(fields={name: [_("Unknown value.")]})
        qs = selectors.contact_list(
            user=request.user,
            status=params.get("status") or None,
            kind=params.get("kind") or None,
            channel=params.get("channel") or None,
            q=params.get("q", ""),
        )
        return self.list_response(
            qs, ContactListOut, related=("work_order", "case"), values=("is_overdue",)
        )

    def retrieve(self, request, pk=None):
        _reader(request)
        return Response(ContactOut(selectors.contact_get(user=request.user, pk=pk)).data)

    @extend_schema(request=ContactIn, responses={201: ContactSavedOut})
    def create(self, request):
        """Log a contact; `answer` answers it at once, `joins` adds it to an open matter, `convert`
        makes a service request a work order and a complaint a complaint case in the same step."""
        d = _valid(ContactIn, request.data)
        u = request.user
        joins = None
        if d.get("joins") is not None:
            joins = selectors.contact_list(user=u).filter(pk=d["joins"]).first()
            if joins is None:
                raise ValidationFailed(fields={"joins": [_("Not found.")]})
        contact = services.contact_log(
            by=u,
            channel=d["channel"],
            kind=d["kind"],
            subject=d["subject"],
            phone=d["phone"],
            caller_name=d["caller_name"],
            customer=_get(Customer, u, d.get("customer"), "customer"),
            store=_get(Store, u, d.get("store"), "store"),
            hotline=d["hotline"],
            answer=d["answer"],
            joins=joins,
            convert=d["convert"],
            work_kind=d["work_kind"],
            district=d["district"],
            address_detail=d["address_detail"],
            received_at=d.get("received_at"),
        )
        return self._saved(contact, status.HTTP_201_CREATED)

    def _contact(self, pk):
        return selectors.contact_get(user=self.request.user, pk=pk)

    @extend_schema(request=AnswerIn, responses=ContactSavedOut)
    @action(detail=True, methods=["post"])
    def answer(self, request, pk=None):
        """The answer or the reply (复电 / 复函) with its archive number."""
        d = _valid(AnswerIn, request.data)
        return self._saved(services.contact_answer(by=request.user, contact=self._contact(pk), **d))

    @extend_schema(request=FollowUpIn, responses=ContactSavedOut)
    @action(detail=True, methods=["post"], url_path="follow-up")
    def follow_up(self, request, pk=None):
        """Not clear at once: find out and answer by the due time (working hours)."""
        d = _valid(FollowUpIn, request.data)
        return self._saved(
            services.contact_follow_up(by=request.user, contact=self._contact(pk), note=d["note"])
        )

    @extend_schema(request=ToOrderIn, responses=ContactSavedOut)
    @action(detail=True, methods=["post"], url_path="to-work-order")
    def to_work_order(self, request, pk=None):
        d = _valid(ToOrderIn, request.data)
        return self._saved(
            services.contact_to_work_order(by=request.user, contact=self._contact(pk), **d)
        )

    @extend_schema(request=None, responses=ContactSavedOut)
    @action(detail=True, methods=["post"], url_path="to-complaint")
    def to_complaint(self, request, pk=None):
        return self._saved(
            services.contact_to_complaint(by=request.user, contact=self._contact(pk))
        )

    @extend_schema(
        parameters=[OpenApiParameter("phone", str, required=True)], responses=CallerLookupOut
    )
    @action(detail=False, methods=["get"])
    def lookup(self, request):
        """For an incoming number (CTI pop-up): the customer, their open orders, complaints,
        reservations and last contacts."""
        _reader(request)
        data = selectors.caller_lookup(user=request.user, phone=request.query_params.get("phone"))
        return Response(CallerLookupOut(data).data)


@extend_schema(tags=["frontdesk"])
class ContactViewSet(IdempotentCreateMixin, ContactBase):
    pass


# Handover book -------------------------------------------------------------------------------


class HandoverOut(serializers.ModelSerializer):
    shift_display = serializers.CharField(source="get_shift_display", read_only=True)
    status_display = serializers.CharField(source="get_status_display", read_only=True)

    class Meta:
        model = Handover
        fields = [
            "id",
            "store",
            "desk",
            "day",
            "shift",
            "shift_display",
            "status",
            "status_display",
            "outgoing",
            "notes",
            "carry_over",
            "handed_over_at",
            "incoming",
            "signed_at",
            "morning_meeting",
            "manager_note",
        ]


class HandoverListOut(ShapedSerializer, HandoverOut):
    """A page of the book in a list: the notes cut, no carried-over sections (the detail and
    `?expand=` have them)."""

    expandable = {
        "notes": lambda: serializers.CharField(),
        "carry_over": lambda: serializers.JSONField(),
        "morning_meeting": lambda: serializers.CharField(),
        "manager_note": lambda: serializers.CharField(),
    }
    notes = TruncatedText()
    morning_meeting = TruncatedText()
    manager_note = TruncatedText()

    class Meta(HandoverOut.Meta):
        fields = [f for f in HandoverOut.Meta.fields if f != "carry_over"]


class HandoverIn(serializers.Serializer):
    store = IntegerIn()
    day = serializers.DateField()
    shift = serializers.ChoiceField(choices=Shift.choices)
    desk = serializers.CharField(required=False, allow_blank=True, default="")


class HandoverWriteIn(serializers.Serializer):
    notes = serializers.CharField(required=False, allow_blank=True)
    morning_meeting = serializers.CharField(required=False, allow_blank=True)
    manager_note = serializers.CharField(required=False, allow_blank=True)


@extend_schema(tags=["frontdesk"])
class HandoverViewSet(SummaryListMixin, viewsets.GenericViewSet):
    pagination_class = KeysetPagination
    serializer_class = HandoverOut
    queryset = selectors.empty(Handover)  # for the schema: the views read through selectors

    @extend_schema(
        parameters=shape_parameters(HandoverListOut), responses=HandoverListOut(many=True)
    )
    def list(self, request):
        """The handover book (交接班本), newest page first."""
        _reader(request)
        return self.list_response(selectors.handover_list(user=request.user), HandoverListOut)

    def retrieve(self, request, pk=None):
        _reader(request)
        return Response(HandoverOut(selectors.handover_get(user=request.user, pk=pk)).data)

    @extend_schema(request=HandoverIn, responses={201: HandoverOut})
    def create(self, request):
        """Open the page of a store, desk, day and shift (the existing page when it is there)."""
        d = _valid(HandoverIn, request.data)
        u = request.user
        page = services.handover_open(
            by=u,
            store=_get(Store, u, d["store"], "store"),
            day=d["day"],
            shift=d["shift"],
            desk=d["desk"],
        )
        return Response(HandoverOut(page).data, status=status.HTTP_201_CREATED)

    def _page(self, pk):
        return selectors.handover_get(user=self.request.user, pk=pk)

    @extend_schema(request=HandoverWriteIn, responses=HandoverOut)
    @action(detail=True, methods=["post"])
    def write(self, request, pk=None):
        """Notes (outgoing clerk), morning meeting record, manager's daily note."""
        d = _valid(HandoverWriteIn, request.data)
        page = services.handover_write(by=request.user, handover=self._page(pk), **d)
        body = HandoverOut(page).data
        body["language"] = _language(page)
        return Response(body)

    @extend_schema(request=None, responses=HandoverOut)
    @action(detail=True, methods=["post"], url_path="hand-over")
    def hand_over(self, request, pk=None):
        page = services.handover_hand_over(by=request.user, handover=self._page(pk))
        return Response(HandoverOut(page).data)

    @extend_schema(request=None, responses=HandoverOut)
    @action(detail=True, methods=["post"])
    def sign(self, request, pk=None):
        page = services.handover_sign(by=request.user, handover=self._page(pk))
        return Response(HandoverOut(page).data)


# Reservations --------------------------------------------------------------------------------


class ReservationIn(serializers.Serializer):
    customer = IntegerIn()
    product = IntegerIn(required=False, allow_null=True)
    description = serializers.CharField(required=False, allow_blank=True, default="")
    quantity = IntegerIn(required=False, default=1)
    deposit = serializers.CharField(required=False, allow_blank=True, default="0")
    receipt_number = serializers.CharField(required=False, allow_blank=True, default="")
    promised_on = serializers.DateField()
    store = IntegerIn(required=False, allow_null=True)


class ReservationCancelIn(serializers.Serializer):
    reason = serializers.CharField(allow_blank=True)
    refund = serializers.CharField(required=False, allow_blank=True, default="")
    refund_receipt = serializers.CharField(required=False, allow_blank=True, default="")


class ReservationBase(SummaryListMixin, viewsets.GenericViewSet):
    pagination_class = KeysetPagination
    serializer_class = ReservationOut
    queryset = selectors.empty(Reservation)  # for the schema: the views read through selectors

    @extend_schema(
        parameters=[
            OpenApiParameter("status", str, enum=ReservationStatus.values),
            OpenApiParameter("overdue", bool),
            *shape_parameters(ReservationListOut),
        ],
        responses=ReservationListOut(many=True),
    )
    def list(self, request):
        """Goods reservations (商品预定); `overdue=true`: ordered and past the promised date."""
        _reader(request)
        st = request.query_params.get("status") or None
        if st and st not in ReservationStatus.values:
            raise ValidationFailed(fields={"status": [_("Unknown value.")]})
        qs = selectors.reservation_list(
            user=request.user,
            status=st,
            overdue=request.query_params.get("overdue") in ("1", "true"),
        )
        return self.list_response(
            qs,
            ReservationListOut,
            related=("customer", "product"),
            values=("is_overdue", "goods"),
        )

    def retrieve(self, request, pk=None):
        _reader(request)
        return Response(ReservationOut(selectors.reservation_get(user=request.user, pk=pk)).data)

    @extend_schema(request=ReservationIn, responses={201: ReservationOut})
    def create(self, request):
        d = _valid(ReservationIn, request.data)
        u = request.user
        res = services.reservation_create(
            by=u,
            customer=_get(Customer, u, d["customer"], "customer"),
            product=_get(Product, u, d.get("product"), "product"),
            description=d["description"],
            quantity=d["quantity"],
            deposit=d["deposit"],
            receipt_number=d["receipt_number"],
            promised_on=d["promised_on"],
            store=_get(Store, u, d.get("store"), "store"),
        )
        return Response(ReservationOut(res).data, status=status.HTTP_201_CREATED)

    def _res(self, pk):
        return selectors.reservation_get(user=self.request.user, pk=pk)

    @extend_schema(request=None, responses=ReservationOut)
    @action(detail=True, methods=["post"])
    def arrive(self, request, pk=None):
        """The goods arrived: the customer is notified (event frontdesk.reservation_arrived)."""
        res = services.reservation_arrive(by=request.user, reservation=self._res(pk))
        return Response(ReservationOut(res).data)

    @extend_schema(request=None, responses=ReservationOut)
    @action(detail=True, methods=["post"])
    def tell(self, request, pk=None):
        res = services.reservation_tell(by=request.user, reservation=self._res(pk))
        return Response(ReservationOut(res).data)

    @extend_schema(request=None, responses=ReservationOut)
    @action(detail=True, methods=["post"])
    def collect(self, request, pk=None):
        res = services.reservation_collect(by=request.user, reservation=self._res(pk))
        return Response(ReservationOut(res).data)

    @extend_schema(request=ReservationCancelIn, responses=ReservationOut)
    @action(detail=True, methods=["post"])
    def cancel(self, request, pk=None):
        """Cancel and refund the deposit (the whole deposit unless `refund` says less)."""
        d = _valid(ReservationCancelIn, request.data)
        res = services.reservation_cancel(by=request.user, reservation=self._res(pk), **d)
        return Response(ReservationOut(res).data)


@extend_schema(tags=["frontdesk"])
class ReservationViewSet(IdempotentCreateMixin, ReservationBase):
    pass


# Returns register ----------------------------------------------------------------------------


class DeskReturnOut(serializers.ModelSerializer):
    kind_display = serializers.CharField(source="get_kind_display", read_only=True)
    status_display = serializers.CharField(source="get_status_display", read_only=True)
    customer_name = serializers.CharField(source="customer.name", read_only=True)

    class Meta:
        model = DeskReturn
        fields = [
            "id",
            "kind",
            "kind_display",
            "status",
            "status_display",
            "store",
            "item",
            "customer",
            "customer_name",
            "reason",
            "condition",
            "stored_at",
            "case",
            "received_at",
            "received_by",
            "returned_to",
            "returned_to_name",
            "returned_at",
        ]


class DeskReturnListOut(ShapedSerializer, DeskReturnOut):
    expandable = {
        "reason": lambda: serializers.CharField(),
        "condition": lambda: serializers.CharField(),
    }
    reason = TruncatedText()
    condition = TruncatedText()

    class Meta(DeskReturnOut.Meta):
        pass


class DeskReturnIn(serializers.Serializer):
    kind = serializers.ChoiceField(choices=DeskReturn.Kind.choices)
    customer = IntegerIn()
    item = serializers.CharField(allow_blank=True)
    reason = serializers.CharField(allow_blank=True)
    condition = serializers.CharField(allow_blank=True)
    stored_at = serializers.CharField(allow_blank=True)
    case = IntegerIn(required=False, allow_null=True)


class SendBackIn(serializers.Serializer):
    returned_to = serializers.ChoiceField(choices=ReturnedTo.choices)
    returned_to_name = serializers.CharField(allow_blank=True)


class DeskReturnBase(SummaryListMixin, viewsets.GenericViewSet):
    pagination_class = KeysetPagination
    serializer_class = DeskReturnOut
    queryset = selectors.empty(DeskReturn)  # for the schema: the views read through selectors

    @extend_schema(
        parameters=[
            OpenApiParameter("status", str, enum=ReturnStatus.values),
            *shape_parameters(DeskReturnListOut),
        ],
        responses=DeskReturnListOut(many=True),
    )
    def list(self, request):
        """Goods taken back at the desk (退换货登记)."""
        _reader(request)
        st = request.query_params.get("status") or None
        if st and st not in ReturnStatus.values:
            raise ValidationFailed(fields={"status": [_("Unknown value.")]})
        return self.list_response(
            selectors.desk_return_list(user=request.user, status=st),
            DeskReturnListOut,
            related=("customer",),
        )

    def retrieve(self, request, pk=None):
        _reader(request)
        return Response(DeskReturnOut(selectors.desk_return_get(user=request.user, pk=pk)).data)

    @extend_schema(request=DeskReturnIn, responses={201: DeskReturnOut})
    def create(self, request):
        d = _valid(DeskReturnIn, request.data)
        u = request.user
        row = services.desk_return_register(
            by=u,
            kind=d["kind"],
            customer=_get(Customer, u, d["customer"], "customer"),
            item=d["item"],
            reason=d["reason"],
            condition=d["condition"],
            stored_at=d["stored_at"],
            case=_get(Case, u, d.get("case"), "case"),
        )
        return Response(DeskReturnOut(row).data, status=status.HTTP_201_CREATED)

    @extend_schema(request=SendBackIn, responses=DeskReturnOut)
    @action(detail=True, methods=["post"], url_path="send-back")
    def send_back(self, request, pk=None):
        """The merchant collected the goods or they went back to the supplier."""
        d = _valid(SendBackIn, request.data)
        row = services.desk_return_send_back(
            by=request.user, item=selectors.desk_return_get(user=request.user, pk=pk), **d
        )
        return Response(DeskReturnOut(row).data)


@extend_schema(tags=["frontdesk"])
class DeskReturnViewSet(IdempotentCreateMixin, DeskReturnBase):
    pass


# Summaries -----------------------------------------------------------------------------------


def _date(raw, field, default):
    if not raw:
        return default
    try:
        return dt.date.fromisoformat(raw)
    except ValueError:
        raise ValidationFailed(fields={field: [_("Use YYYY-MM-DD.")]}) from None


def jsonable(value):
    if isinstance(value, dict):
        return {k: jsonable(v) for k, v in value.items()}
    if isinstance(value, list):
        return [jsonable(v) for v in value]
    if isinstance(value, dt.date):
        return value.isoformat()
    if hasattr(value, "as_tuple"):  # Decimal
        return str(value)
    return value


@extend_schema(tags=["frontdesk"])
class SummaryViewSet(viewsets.ViewSet):
    @extend_schema(responses=OpenApiTypes.OBJECT)
    def list(self, request):
        """Where the summaries are: `daily/?day=` and `weekly/?week=`."""
        _reader(request)
        return Response(
            {
                "daily": request.build_absolute_uri("daily/"),
                "weekly": request.build_absolute_uri("weekly/"),
            }
        )

    @extend_schema(
        parameters=[OpenApiParameter("day", str, description="YYYY-MM-DD")],
        responses=OpenApiTypes.OBJECT,
    )
    @action(detail=False, methods=["get"])
    def daily(self, request):
        """The desk's daily summary (2.3.2): contacts, complaints, returns, reservations."""
        _reader(request)
        day = _date(request.query_params.get("day"), "day", timezone.localdate())
        return Response(
            jsonable(selectors.daily_summary(organisation=request.user.organisation, day=day))
        )

    @extend_schema(
        parameters=[OpenApiParameter("week", str, description="a day of the week, YYYY-MM-DD")],
        responses=OpenApiTypes.OBJECT,
    )
    @action(detail=False, methods=["get"])
    def weekly(self, request):
        """The week's complaint summary (Monday to Sunday)."""
        _reader(request)
        day = _date(request.query_params.get("week"), "week", timezone.localdate())
        return Response(
            jsonable(
                selectors.weekly_complaint_summary(
                    organisation=request.user.organisation, start=day
                )
            )
        )


def register(router):
    """Add this app's viewsets to the /api/v1/ router."""
    router.register("contacts", ContactViewSet, basename="contact")
    router.register("handovers", HandoverViewSet, basename="handover")
    router.register("reservations", ReservationViewSet, basename="reservation")
    router.register("desk-returns", DeskReturnViewSet, basename="desk-return")
    router.register("desk-summaries", SummaryViewSet, basename="desk-summary")
