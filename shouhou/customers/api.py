"""/api/v1/customers/: list (search, filters, pages), retrieve, create (Idempotency-Key), partial
update; no delete. Actions: lookup/?phone=, {id}/phones/, {id}/addresses/, {id}/products/,
{id}/complete-archive/, {id}/history/.

Thin: input serializers check types only (every text field is checked by the service, so all
problems come back at once); services decide rules and roles; selectors limit what is seen.
Phone numbers are masked (138****1234) where `selectors.customer_phones_visible` says so.
"""

from __future__ import annotations

from typing import Any, cast

from django.utils import timezone
from django.utils.translation import gettext as _
from drf_spectacular.utils import (
    OpenApiParameter,
    extend_schema,
    extend_schema_field,
    inline_serializer,
)
from rest_framework import serializers, status, viewsets
from rest_framework.decorators import action
from rest_framework.response import Response

from shouhou.core.api import IdempotentCreateMixin, IntegerIn
from shouhou.core.errors import ValidationFailed
from shouhou.core.idempotency import run_idempotent
from shouhou.core.listing import ShapedSerializer, SummaryListMixin, shape_parameters
from shouhou.core.pagination import KeysetPagination
from shouhou.core.phones import mask_phone

from . import privacy, selectors, services
from .models import (
    Customer,
    CustomerAddress,
    CustomerPhone,
    OwnedProduct,
)
from .validation import validate_customer_fields

# Output -----------------------------------------------------------------------------------------


def _can_see_phones(serializer, customer) -> bool:
    cache = serializer.context.setdefault("_phones_visible", {})
    if customer.pk not in cache:
        cache[customer.pk] = selectors.customer_phones_visible(
            user=serializer.context["request"].user, customer=customer
        )
    return cache[customer.pk]


class PhoneOut(serializers.ModelSerializer):
    number = serializers.SerializerMethodField()

    class Meta:
        model = CustomerPhone
        fields = ["id", "number", "label"]

    def get_number(self, obj) -> str:
        return obj.number if _can_see_phones(self, obj.customer) else mask_phone(obj.number)


class AddressOut(serializers.ModelSerializer):
    full = serializers.CharField(source="__str__", read_only=True)

    class Meta:
        model = CustomerAddress
        fields = ["id", "label", "province", "city", "district", "detail", "is_default", "full"]


class OwnedProductOut(serializers.ModelSerializer):
    name = serializers.CharField(source="__str__", read_only=True)

    class Meta:
        model = OwnedProduct
        fields = [
            "id",
            "name",
            "product",
            "model",
            "description",
            "quantity",
            "contract_line",
            "purchased_on",
            "installed_on",
            "warranty_until",
            "serial_no",
        ]


class CustomerListOut(ShapedSerializer, serializers.ModelSerializer):
    """A list row (the detail adds phones, addresses, products, contracts); `?fields=`
    picks a subset."""

    mobile = serializers.SerializerMethodField()
    phones_masked = serializers.SerializerMethodField()
    store_name = serializers.CharField(source="store.name", default="", read_only=True)
    merchant_name = serializers.CharField(source="merchant.name", default="", read_only=True)
    district = serializers.SerializerMethodField()
    address = serializers.SerializerMethodField()
    archive_overdue = serializers.SerializerMethodField()

    class Meta:
        model = Customer
        fields = [
            "id",
            "name",
            "name_is_full",
            "mobile",
            "phones_masked",
            "gender",
            "is_member",
            "member_no",
            "store",
            "store_name",
            "merchant",
            "merchant_name",
            "district",
            "address",
            "archive_completed_at",
            "archive_due_at",
            "archive_overdue",
            "created_at",
        ]

    def get_mobile(self, obj) -> str:
        return obj.mobile if _can_see_phones(self, obj) else mask_phone(obj.mobile)

    def get_phones_masked(self, obj) -> bool:
        return not _can_see_phones(self, obj)

    def get_district(self, obj) -> str:
        address = obj.default_address
        return address.district if address else ""

    def get_address(self, obj) -> str:
        address = obj.default_address
        return str(address) if address else ""

    def get_archive_overdue(self, obj) -> bool:
        return obj.archive_overdue


class ContractBriefOut(serializers.Serializer):
    id = IntegerIn()
    number = serializers.CharField()
    status = serializers.CharField()
    signed_on = serializers.DateField()
    total = serializers.DecimalField(max_digits=12, decimal_places=2)
    merchant = IntegerIn(source="merchant_id", allow_null=True)


class CustomerDetailOut(CustomerListOut):
    phones = PhoneOut(many=True, read_only=True)
    addresses = AddressOut(many=True, read_only=True)
    products = OwnedProductOut(many=True, read_only=True)
    contracts = serializers.SerializerMethodField()

    class Meta(CustomerListOut.Meta):
        fields = [
            *CustomerListOut.Meta.fields,
            "birthday",
            "preferences",
            "notes",
            "phones",
            "addresses",
            "products",
            "contracts",
        ]

    @extend_schema_field(ContractBriefOut(many=True))
    def get_contracts(self, obj) -> list[dict]:
        user = self.context["request"].user
        data = ContractBriefOut(
            selectors.customer_contracts(user=user, customer=obj), many=True
        ).data
        return cast(list[dict], data)


# Input ------------------------------------------------------------------------------------------

# Text fields are checked by the service (with the domain's messages); these only check types.
_TEXT: dict[str, Any] = {
    "required": False,
    "allow_blank": True,
    "default": "",
    "trim_whitespace": True,
}


class CustomerIn(serializers.Serializer):
    name = serializers.CharField(max_length=100, **_TEXT)
    mobile = serializers.CharField(max_length=40, **_TEXT)
    district = serializers.CharField(max_length=60, **_TEXT)
    address_detail = serializers.CharField(max_length=300, **_TEXT)
    province = serializers.CharField(max_length=30, **_TEXT)
    city = serializers.CharField(max_length=30, **_TEXT)
    store = IntegerIn(required=False, allow_null=True, default=None)
    merchant = IntegerIn(required=False, allow_null=True, default=None)
    gender = serializers.ChoiceField(
        choices=Customer.Gender.choices, required=False, allow_blank=True, default=""
    )
    birthday = serializers.DateField(required=False, allow_null=True, default=None)
    is_member = serializers.BooleanField(required=False, default=False)
    member_no = serializers.CharField(max_length=60, **_TEXT)
    preferences = serializers.CharField(max_length=2000, **_TEXT)
    notes = serializers.CharField(max_length=2000, **_TEXT)
    other_phones = serializers.ListField(
        child=serializers.CharField(max_length=40, allow_blank=True),
        required=False,
        default=list,
        max_length=10,
    )
    allow_honorific = serializers.BooleanField(
        required=False,
        default=False,
        help_text="Accept a surname with an honorific (李先生), e.g. on a hotline call.",
    )


class CustomerPatchIn(CustomerIn):
    """Only the fields sent are changed (no defaults)."""

    def get_fields(self):
        fields = super().get_fields()
        for f in fields.values():
            f.required = False
            f.default = serializers.empty
        return fields


class PhoneIn(serializers.Serializer):
    number = serializers.CharField(max_length=40, **_TEXT)
    label = serializers.CharField(max_length=60, **_TEXT)


class AddressIn(serializers.Serializer):
    district = serializers.CharField(max_length=60, **_TEXT)
    detail = serializers.CharField(max_length=300, **_TEXT)
    province = serializers.CharField(max_length=30, **_TEXT)
    city = serializers.CharField(max_length=30, **_TEXT)
    label = serializers.CharField(max_length=60, **_TEXT)
    make_default = serializers.BooleanField(required=False, default=False)


class OwnedProductIn(serializers.Serializer):
    product = IntegerIn(required=False, allow_null=True, default=None)
    model = IntegerIn(required=False, allow_null=True, default=None)
    description = serializers.CharField(max_length=300, **_TEXT)
    purchased_on = serializers.DateField(required=False, allow_null=True, default=None)
    installed_on = serializers.DateField(required=False, allow_null=True, default=None)
    serial_no = serializers.CharField(max_length=100, **_TEXT)
    quantity = IntegerIn(required=False, allow_null=True, default=None)


class ArchiveIn(serializers.Serializer):
    birthday = serializers.DateField(required=False, allow_null=True, default=None)
    preferences = serializers.CharField(required=False, allow_blank=True, max_length=2000)
    gender = serializers.ChoiceField(choices=Customer.Gender.choices, required=False)
    full_name = serializers.CharField(required=False, allow_blank=True, max_length=100)
    is_member = serializers.BooleanField(required=False, allow_null=True, default=None)
    member_no = serializers.CharField(required=False, allow_blank=True, max_length=60)
    notes = serializers.CharField(required=False, allow_blank=True, max_length=2000)


class LookupOut(serializers.Serializer):
    found = serializers.BooleanField()
    customer = CustomerListOut(allow_null=True)


# Helpers ----------------------------------------------------------------------------------------


def _messages(value) -> list[str]:
    if isinstance(value, dict):
        return [m for v in value.values() for m in _messages(v)]
    if isinstance(value, list | tuple):
        return [m for v in value for m in _messages(v)]
    return [str(value)]


def _domain_checks(raw: dict, *, skip: set[str]) -> dict[str, list[str]]:
    """The service's own text checks on the raw body, to report with type errors at once."""
    names = ("name", "mobile", "district", "address_detail", "other_phones", "member_no")
    check = tuple(n for n in names if n in raw and n not in skip)
    if "district" in check or "address_detail" in check:
        check = tuple({*check, "district", "address_detail"} - skip)
    values = {n: raw.get(n) for n in names}
    for n, v in values.items():
        if n == "other_phones":
            values[n] = v if isinstance(v, list) else []
        elif not isinstance(v, str):
            values[n] = ""
    _clean, errors = validate_customer_fields(
        **values,
        allow_honorific=raw.get("allow_honorific") in (True, "true", "1", 1),
        today=timezone.localdate(),
        check=check,
    )
    return {k: v for k, v in errors.items() if k not in skip}


def _validate(serializer_cls, request, *, domain_checks: bool = False, **kwargs):
    ser = serializer_cls(data=request.data, **kwargs)
    if ser.is_valid():
        return ser.validated_data
    fields = {k: _messages(v) for k, v in ser.errors.items()}
    if domain_checks and isinstance(request.data, dict):
        fields.update(_domain_checks(request.data, skip=set(fields)))
    raise ValidationFailed(fields=fields)


def _resolve(model, pk, organisation_id, field, errors):
    if pk is None:
        return None
    obj = model.objects.filter(pk=pk, organisation_id=organisation_id).first()
    if obj is None:
        errors[field] = [_("Unknown: there is no such record in your organisation.")]
    return obj


def _related(field_name):
    return Customer._meta.get_field(field_name).related_model


def _resolve_store_merchant(data: dict, user, raw) -> dict:
    errors: dict[str, list[str]] = {}
    out = dict(data)
    for field in ("store", "merchant"):
        if field in data:
            out[field] = _resolve(_related(field), data[field], user.organisation_id, field, errors)
    if errors:
        if isinstance(raw, dict):
            errors.update(_domain_checks(raw, skip=set(errors)))
        raise ValidationFailed(fields=errors)
    return out


def _truthy(value) -> bool | None:
    if value in (None, ""):
        return None
    text = str(value).lower()
    if text in ("1", "true", "yes", "on"):
        return True
    if text in ("0", "false", "no", "off"):
        return False
    raise ValidationFailed(fields={"value": [_("Use true or false.")]})


class CustomerPagination(KeysetPagination):
    """Keyset pages (shouhou.core.pagination): `cursor`, `page_size` (default 50, max 200)."""


# Views ------------------------------------------------------------------------------------------

LIST_PARAMS = [
    OpenApiParameter("q", str, description="Name, mobile (full or last 4 digits) or address."),
    OpenApiParameter("store", int),
    OpenApiParameter("merchant", int),
    OpenApiParameter("is_member", bool),
    OpenApiParameter("archive", str, enum=["overdue", "ok"], description="Archive status."),
]


class _CustomerBase(SummaryListMixin, viewsets.GenericViewSet):
    # Only for the schema's types: every read goes through the selectors.
    queryset = Customer.objects.none()
    serializer_class = CustomerDetailOut
    pagination_class = CustomerPagination
    filter_backends: list = []
    lookup_value_regex = r"[^/.]+"

    def get_queryset(self):
        if getattr(self, "swagger_fake_view", False):
            return Customer.objects.none()
        params = self.request.query_params
        filters = {}
        for name in ("store", "merchant"):
            value = params.get(name, "")
            if value:
                if not value.isdigit():
                    raise ValidationFailed(fields={name: [_("Enter a whole number.")]})
                filters[name] = int(value)
        try:
            is_member = _truthy(params.get("is_member"))
        except ValidationFailed:
            raise ValidationFailed(fields={"is_member": [_("Use true or false.")]}) from None
        archive = params.get("archive", "")
        if archive not in ("", "overdue", "ok"):
            raise ValidationFailed(fields={"archive": [_("Use overdue or ok.")]})
        return selectors.customer_list(
            user=self.request.user,
            q=params.get("q", ""),
            is_member=is_member,
            archive_overdue={"": None, "overdue": True, "ok": False}[archive],
            **filters,
        )

    def _customer(self, pk) -> Customer:
        return selectors.customer_get(user=self.request.user, pk=pk)

    def _detail(self, customer: Customer, status_code=status.HTTP_200_OK) -> Response:
        fresh = self._customer(customer.pk)
        return Response(
            CustomerDetailOut(fresh, context=self.get_serializer_context()).data, status=status_code
        )

    # What a customer's row shows of other rows: in the list's ETag.
    list_related = ("store", "merchant", "default_address")
    list_values = ("archive_overdue",)

    @extend_schema(
        parameters=[*LIST_PARAMS, *shape_parameters(CustomerListOut)],
        responses=CustomerListOut(many=True),
    )
    def list(self, request):
        return self.list_response(
            self.get_queryset(), CustomerListOut, context=self.get_serializer_context()
        )

    @extend_schema(responses=CustomerDetailOut)
    def retrieve(self, request, pk=None):
        customer = self._customer(pk)
        return Response(CustomerDetailOut(customer, context=self.get_serializer_context()).data)

    @extend_schema(request=CustomerIn, responses={201: CustomerDetailOut})
    def create(self, request):
        data = _validate(CustomerIn, request, domain_checks=True)
        data = _resolve_store_merchant(data, request.user, request.data)
        customer = services.customer_create(by=request.user, **data)
        return self._detail(customer, status.HTTP_201_CREATED)

    @extend_schema(request=CustomerPatchIn, responses=CustomerDetailOut)
    def partial_update(self, request, pk=None):
        customer = self._customer(pk)
        data = _validate(CustomerPatchIn, request, domain_checks=True)
        data = _resolve_store_merchant(data, request.user, request.data)
        data.pop("other_phones", None)  # phones are added with {id}/phones/
        services.customer_update(by=request.user, customer=customer, **data)
        return self._detail(customer)

    def _idempotent(self, request, fn):
        status_code, body, replayed = run_idempotent(
            user=request.user,
            scope=f"api:{request.path}",
            key=request.headers.get("Idempotency-Key"),
            action=fn,
        )
        response = Response(body, status=status_code)
        if replayed:
            response["Idempotent-Replayed"] = "true"
        return response

    @extend_schema(parameters=[OpenApiParameter("phone", str, required=True)], responses=LookupOut)
    @action(detail=False, methods=["get"], url_path="lookup")
    def lookup(self, request):
        """Find a customer by phone before registering one: {"found": bool, "customer": ...}."""
        phone = request.query_params.get("phone", "")
        customer = selectors.customer_find_by_phone(user=request.user, phone=phone)
        data = (
            CustomerListOut(customer, context=self.get_serializer_context()).data
            if customer
            else None
        )
        return Response({"found": customer is not None, "customer": data})

    @extend_schema(request=PhoneIn, responses={201: PhoneOut})
    @action(detail=True, methods=["post"], url_path="phones")
    def phones(self, request, pk=None):
        customer = self._customer(pk)
        data = _validate(PhoneIn, request)

        def act():
            phone = services.customer_add_phone(by=request.user, customer=customer, **data)
            return 201, PhoneOut(phone, context=self.get_serializer_context()).data

        return self._idempotent(request, act)

    @extend_schema(request=AddressIn, responses={201: AddressOut})
    @action(detail=True, methods=["post"], url_path="addresses")
    def addresses(self, request, pk=None):
        customer = self._customer(pk)
        data = _validate(AddressIn, request)

        def act():
            address = services.customer_add_address(by=request.user, customer=customer, **data)
            return 201, AddressOut(address).data

        return self._idempotent(request, act)

    @extend_schema(request=OwnedProductIn, responses={201: OwnedProductOut})
    @action(detail=True, methods=["post"], url_path="products")
    def products(self, request, pk=None):
        customer = self._customer(pk)
        data = dict(_validate(OwnedProductIn, request))
        errors: dict[str, list[str]] = {}
        org = request.user.organisation_id
        field = OwnedProduct._meta.get_field
        data["product"] = _resolve(
            field("product").related_model, data["product"], org, "product", errors
        )
        data["model"] = _resolve(field("model").related_model, data["model"], org, "model", errors)
        if errors:
            raise ValidationFailed(fields=errors)

        def act():
            owned = services.customer_record_owned_product(
                by=request.user, customer=customer, **data
            )
            return 201, OwnedProductOut(owned).data

        return self._idempotent(request, act)

    @extend_schema(request=ArchiveIn, responses=CustomerDetailOut)
    @action(detail=True, methods=["post"], url_path="complete-archive")
    def complete_archive(self, request, pk=None):
        customer = self._customer(pk)
        data = _validate(ArchiveIn, request)
        services.customer_complete_archive(by=request.user, customer=customer, **data)
        return self._detail(customer)

    @extend_schema(
        responses=inline_serializer(
            "CustomerHistoryItem",
            {
                "at": serializers.DateTimeField(),
                "kind": serializers.CharField(),
                "title": serializers.CharField(),
                "detail": serializers.CharField(),
                "actor": serializers.CharField(),
                "url": serializers.CharField(allow_null=True),
            },
            many=True,
        )
    )
    @action(detail=True, methods=["get"], url_path="history")
    def history(self, request, pk=None):
        """The customer's service history, newest first (events, contracts, work orders ...)."""
        customer = self._customer(pk)
        items = selectors.customer_history(customer)
        if not selectors.is_office(request.user):
            # A merchant admin sees the events and only their own merchant's contracts.
            mine = set(
                selectors.customer_contracts(user=request.user, customer=customer).values_list(
                    "pk", flat=True
                )
            )
            items = [i for i in items if i["kind"] != "contract" or i["obj"].pk in mine]
        return Response(
            [
                {
                    "at": i["at"].isoformat(),
                    "kind": i["kind"],
                    "title": str(i["title"]),
                    "detail": str(i.get("detail") or ""),
                    "actor": str(i.get("actor") or ""),
                    "url": i.get("url"),
                }
                for i in items
            ]
        )

    @extend_schema(
        responses=inline_serializer("CustomerPersonalData", {"customer": serializers.DictField()})
    )
    @action(detail=True, methods=["get"], url_path="personal-data")
    def personal_data(self, request, pk=None):
        """PIPL: everything held about the customer, by section (a manager role; audited)."""
        customer = self._customer(pk)
        return Response(privacy.customer_personal_data(by=request.user, customer=customer))

    @extend_schema(
        request=inline_serializer(
            "CustomerAnonymiseIn",
            {"confirm": serializers.CharField(help_text=f"the word {privacy.CONFIRM_WORD}")},
        ),
        responses=inline_serializer("CustomerAnonymised", {"id": IntegerIn()}),
    )
    @action(detail=True, methods=["post"], url_path="anonymise")
    def anonymise(self, request, pk=None):
        """PIPL: replace the customer's personal data by placeholders, irreversibly; orders
        and statistics stay (a manager role; `confirm` must be the confirmation word)."""
        customer = self._customer(pk)
        confirm = request.data.get("confirm", "") if hasattr(request.data, "get") else ""
        customer = privacy.customer_anonymise(
            by=request.user, customer=customer, confirm=str(confirm)
        )
        return Response({"id": customer.pk})


class CustomerViewSet(IdempotentCreateMixin, _CustomerBase):
    """Customers and their archives (客户档案)."""


# Service cases (issue 16.9) ---------------------------------------------------------------------
class FaultOut(serializers.Serializer):
    id = IntegerIn()
    code = serializers.CharField()
    name = serializers.CharField()
    tier = serializers.CharField(help_text="The response tier group (body, chassis_engine…).")


class ServiceCaseSummaryOut(serializers.Serializer):
    """The case a work order or a complaint belongs to, as its detail shows it (the records
    themselves: `GET /api/v1/service-cases/<id>/`)."""

    id = IntegerIn()
    product = IntegerIn(source="product_id")
    owned_product = IntegerIn(source="owned_product_id", allow_null=True)
    first_kind = serializers.CharField(help_text="What opened the case, e.g. work_order:repair.")
    opened_at = serializers.DateTimeField()
    last_at = serializers.DateTimeField()
    repeat_count = IntegerIn(help_text="Records about the same problem after the first.")
    url = serializers.SerializerMethodField()

    def get_url(self, case) -> str:
        return f"/api/v1/service-cases/{case.pk}/"


def service_case_summary(case, fault=None) -> dict | None:
    """The summary of a record's case (None: the record belongs to none). `fault`: the
    record's own (the case's), when the caller has it already."""
    if case is None:
        return None
    data = dict(ServiceCaseSummaryOut(case).data)
    fault = fault if fault is not None else case.fault
    data["fault"] = FaultOut(fault).data
    return data


class CaseRecordOut(serializers.Serializer):
    # the API's field is named "source", which shadows DRF's Field.source attribute for mypy
    source = serializers.CharField(help_text="work_order or complaint")  # type: ignore[assignment]
    id = IntegerIn()
    number = serializers.CharField()
    at = serializers.DateTimeField()
    kind = serializers.CharField()
    kind_label = serializers.CharField()
    status = serializers.CharField()
    status_label = serializers.CharField()
    text = serializers.CharField()
    url = serializers.CharField()


class ServiceCaseOut(ServiceCaseSummaryOut):
    customer = serializers.SerializerMethodField()
    fault = FaultOut()
    serial_no = serializers.CharField(source="owned_product.serial_no", default="")
    records = serializers.SerializerMethodField()

    def get_customer(self, case) -> dict:
        return {"id": case.customer_id, "name": case.customer.name}

    @extend_schema_field(CaseRecordOut(many=True))
    def get_records(self, case) -> list[dict]:
        return cast(list[dict], CaseRecordOut(selectors.service_case_records(case), many=True).data)


class ServiceCaseFilter(serializers.Serializer):
    customer = IntegerIn(required=False, help_text="Only this customer's cases.")


class ServiceCaseListOut(ServiceCaseSummaryOut):
    customer = serializers.SerializerMethodField()
    fault = FaultOut()

    def get_customer(self, case) -> dict:
        return {"id": case.customer_id, "name": case.customer.name}


class ServiceCaseViewSet(viewsets.GenericViewSet):
    """One problem across kinds: the case and every record about it, in time order."""

    queryset = selectors.no_service_cases()
    serializer_class = ServiceCaseOut
    pagination_class = KeysetPagination

    @extend_schema(parameters=[ServiceCaseFilter], responses=ServiceCaseListOut(many=True))
    def list(self, request):
        """The cases of the customers the user may see, newest first; `?customer=` for one
        customer's (each row without its records: the detail has them)."""
        f = ServiceCaseFilter(data=request.query_params)
        f.is_valid(raise_exception=True)
        qs = selectors.service_case_list(
            user=request.user, customer=f.validated_data.get("customer")
        )
        page = self.paginate_queryset(qs)
        return self.get_paginated_response(ServiceCaseListOut(page, many=True).data)

    @extend_schema(responses=ServiceCaseOut)
    def retrieve(self, request, pk=None):
        case = selectors.service_case_get(user=request.user, pk=pk)
        return Response(ServiceCaseOut(case).data)


class FaultCategoryViewSet(viewsets.GenericViewSet):
    """The organisation's fault categories (故障类别), for the `fault` of an intake or a
    complaint (the defaults are written on the first read)."""

    queryset = selectors.no_fault_categories()
    serializer_class = FaultOut
    pagination_class = None

    @extend_schema(responses=FaultOut(many=True))
    def list(self, request):
        rows = selectors.fault_categories(organisation=request.user.organisation_id)
        return Response(FaultOut(rows, many=True).data)


def register(router):
    """Add this app's viewsets to the /api/v1/ router."""
    router.register("customers", CustomerViewSet, basename="customer")
    router.register("service-cases", ServiceCaseViewSet, basename="service-case")
    router.register("fault-categories", FaultCategoryViewSet, basename="fault-category")
