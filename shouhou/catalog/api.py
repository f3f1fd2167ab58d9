"""/api/v1/ brands, suppliers, categories, products (with their models under products/{id}/models/).

Thin: input serializers check types, services check rules and roles, selectors limit reads.
"""

from __future__ import annotations

from drf_spectacular.utils import OpenApiParameter, extend_schema
from rest_framework import serializers, status, viewsets
from rest_framework.decorators import action
from rest_framework.response import Response

from shouhou.core.api import IdempotentCreateMixin, IntegerIn
from shouhou.core.errors import NotFoundError, ValidationFailed
from shouhou.core.idempotency import run_idempotent
from shouhou.org.models import Merchant

from . import selectors, services
from .inputs import UNKNOWN
from .models import Brand, Category, Product, ProductModel, Supplier

# Output -----------------------------------------------------------------------------------


class BrandOut(serializers.ModelSerializer):
    class Meta:
        model = Brand
        fields = ["id", "name"]


class SupplierOut(serializers.ModelSerializer):
    class Meta:
        model = Supplier
        fields = ["id", "name", "contact_name", "phone", "address"]


class CategoryOut(serializers.ModelSerializer):
    full_name = serializers.CharField(source="__str__", read_only=True)

    class Meta:
        model = Category
        fields = ["id", "name", "parent", "full_name"]


class ProductModelOut(serializers.ModelSerializer):
    effective_warranty_months = IntegerIn(read_only=True)

    class Meta:
        model = ProductModel
        fields = [
            "id",
            "product",
            "code",
            "name",
            "list_price",
            "warranty_months",
            "effective_warranty_months",
            "is_active",
        ]


class ProductOut(serializers.ModelSerializer):
    brand_name = serializers.CharField(source="brand.name", default="", read_only=True)
    supplier_name = serializers.CharField(source="supplier.name", default="", read_only=True)
    category_name = serializers.SerializerMethodField()
    merchant_name = serializers.CharField(source="merchant.name", default="", read_only=True)
    models = ProductModelOut(many=True, read_only=True)

    class Meta:
        model = Product
        fields = [
            "id",
            "name",
            "brand",
            "brand_name",
            "supplier",
            "supplier_name",
            "category",
            "category_name",
            "merchant",
            "merchant_name",
            "needs_installation",
            "is_electronic",
            "is_single_use",
            "is_adhesive",
            "is_window_film",
            "is_bulb_or_speaker",
            "warranty_months",
            "packaging_promise",
            "is_active",
            "models",
        ]

    def get_category_name(self, obj) -> str:
        return str(obj.category) if obj.category_id else ""


# Input ------------------------------------------------------------------------------------


class BrandIn(serializers.Serializer):
    name = serializers.CharField(max_length=100, allow_blank=True)


class SupplierIn(serializers.Serializer):
    name = serializers.CharField(max_length=100, allow_blank=True)
    contact_name = serializers.CharField(max_length=50, allow_blank=True, required=False)
    phone = serializers.CharField(max_length=30, allow_blank=True, required=False)
    address = serializers.CharField(max_length=200, allow_blank=True, required=False)


class CategoryIn(serializers.Serializer):
    name = serializers.CharField(max_length=100, allow_blank=True)
    parent = IntegerIn(allow_null=True, required=False)


class ProductModelIn(serializers.Serializer):
    code = serializers.CharField(max_length=60, allow_blank=True)
    name = serializers.CharField(max_length=100, allow_blank=True, required=False)
    list_price = serializers.DecimalField(
        max_digits=12, decimal_places=2, allow_null=True, required=False
    )
    warranty_months = IntegerIn(allow_null=True, required=False)
    is_active = serializers.BooleanField(required=False)


class ProductIn(serializers.Serializer):
    name = serializers.CharField(max_length=100, allow_blank=True)
    brand = IntegerIn(allow_null=True, required=False)
    supplier = IntegerIn(allow_null=True, required=False)
    category = IntegerIn(allow_null=True, required=False)
    merchant = IntegerIn(allow_null=True, required=False)
    needs_installation = serializers.BooleanField(required=False)
    is_electronic = serializers.BooleanField(required=False)
    is_single_use = serializers.BooleanField(required=False)
    is_adhesive = serializers.BooleanField(required=False)
    is_window_film = serializers.BooleanField(required=False)
    is_bulb_or_speaker = serializers.BooleanField(required=False)
    warranty_months = IntegerIn(allow_null=True, required=False)
    packaging_promise = serializers.CharField(allow_blank=True, required=False)
    is_active = serializers.BooleanField(required=False)
    models = ProductModelIn(many=True, required=False)


class ProductFilter(serializers.Serializer):
    q = serializers.CharField(required=False, allow_blank=True)
    category = IntegerIn(required=False)
    brand = IntegerIn(required=False)
    merchant = IntegerIn(required=False)
    needs_installation = serializers.BooleanField(required=False, allow_null=True, default=None)
    is_active = serializers.BooleanField(required=False, allow_null=True, default=None)


class NameFilter(serializers.Serializer):
    q = serializers.CharField(required=False, allow_blank=True)


class CategoryFilter(NameFilter):
    parent = IntegerIn(required=False)


def _valid(serializer_class, data, *, partial=False) -> dict:
    s = serializer_class(data=data, partial=partial)
    s.is_valid(raise_exception=True)
    return dict(s.validated_data)


def _lookup(getter, user, pk, field):
    """An id given as a filter: unknown ids are a 400 on that field, not an empty list."""
    try:
        return getter(user=user, pk=pk)
    except NotFoundError:
        raise ValidationFailed(fields={field: [UNKNOWN]}) from None


# Viewsets ---------------------------------------------------------------------------------


class _CatalogViewSet(viewsets.GenericViewSet):
    """list / retrieve from selectors, create / partial_update through services."""

    filter_backends: list = []
    filter_serializer = NameFilter
    input_serializer: type[serializers.Serializer]
    output_serializer: type[serializers.Serializer]

    def filtered(self, params: dict):
        raise NotImplementedError

    def get_object_for(self, pk):
        raise NotImplementedError

    def do_create(self, data: dict):
        raise NotImplementedError

    def do_update(self, obj, data: dict):
        raise NotImplementedError

    def get_serializer_class(self):
        return self.output_serializer

    def list(self, request):
        params = _valid(self.filter_serializer, request.query_params)
        page = self.paginate_queryset(self.filtered(params))
        return self.get_paginated_response(self.output_serializer(page, many=True).data)

    def retrieve(self, request, pk=None):
        return Response(self.output_serializer(self.get_object_for(pk)).data)

    def create(self, request):
        obj = self.do_create(_valid(self.input_serializer, request.data))
        return Response(self.output_serializer(obj).data, status=status.HTTP_201_CREATED)

    def partial_update(self, request, pk=None):
        obj = self.get_object_for(pk)
        obj = self.do_update(obj, _valid(self.input_serializer, request.data, partial=True))
        return Response(self.output_serializer(obj).data)


@extend_schema(tags=["catalog"])
class BrandViewSet(IdempotentCreateMixin, _CatalogViewSet):
    """Brands of the organisation. Written by the office and the warehouse keeper."""

    input_serializer, output_serializer = BrandIn, BrandOut
    queryset = Brand.objects.none()

    @extend_schema(parameters=[NameFilter])
    def list(self, request):
        return super().list(request)

    @extend_schema(request=BrandIn, responses={201: BrandOut})
    def create(self, request):
        return super().create(request)

    @extend_schema(request=BrandIn, responses=BrandOut)
    def partial_update(self, request, pk=None):
        return super().partial_update(request, pk)

    def filtered(self, params):
        return selectors.brand_list(user=self.request.user, q=params.get("q", ""))

    def get_object_for(self, pk):
        return selectors.brand_get(user=self.request.user, pk=pk)

    def do_create(self, data):
        return services.brand_create(by=self.request.user, **data)

    def do_update(self, obj, data):
        return services.brand_update(by=self.request.user, brand=obj, **data)


@extend_schema(tags=["catalog"])
class SupplierViewSet(IdempotentCreateMixin, _CatalogViewSet):
    """Suppliers of the organisation. Written by the office and the warehouse keeper."""

    input_serializer, output_serializer = SupplierIn, SupplierOut
    queryset = Supplier.objects.none()

    @extend_schema(parameters=[NameFilter])
    def list(self, request):
        return super().list(request)

    @extend_schema(request=SupplierIn, responses={201: SupplierOut})
    def create(self, request):
        return super().create(request)

    @extend_schema(request=SupplierIn, responses=SupplierOut)
    def partial_update(self, request, pk=None):
        return super().partial_update(request, pk)

    def filtered(self, params):
        return selectors.supplier_list(user=self.request.user, q=params.get("q", ""))

    def get_object_for(self, pk):
        return selectors.supplier_get(user=self.request.user, pk=pk)

    def do_create(self, data):
        return services.supplier_create(by=self.request.user, **data)

    def do_update(self, obj, data):
        return services.supplier_update(by=self.request.user, supplier=obj, **data)


@extend_schema(tags=["catalog"])
class CategoryViewSet(IdempotentCreateMixin, _CatalogViewSet):
    """Product categories (a tree: `parent`). Written by the office and the warehouse keeper."""

    input_serializer, output_serializer = CategoryIn, CategoryOut
    filter_serializer = CategoryFilter
    queryset = Category.objects.none()

    @extend_schema(parameters=[CategoryFilter])
    def list(self, request):
        return super().list(request)

    @extend_schema(request=CategoryIn, responses={201: CategoryOut})
    def create(self, request):
        return super().create(request)

    @extend_schema(request=CategoryIn, responses=CategoryOut)
    def partial_update(self, request, pk=None):
        return super().partial_update(request, pk)

    def filtered(self, params):
        user = self.request.user
        parent = params.get("parent")
        if parent is not None:
            parent = _lookup(selectors.category_get, user, parent, "parent")
        return selectors.category_list(user=user, q=params.get("q", ""), parent=parent)

    def get_object_for(self, pk):
        return selectors.category_get(user=self.request.user, pk=pk)

    def do_create(self, data):
        return services.category_create(by=self.request.user, **data)

    def do_update(self, obj, data):
        return services.category_update(by=self.request.user, category=obj, **data)


@extend_schema(tags=["catalog"])
class ProductViewSet(IdempotentCreateMixin, _CatalogViewSet):
    """Products with their models. A merchant administrator sees the organisation's own products
    and its merchant's, and writes only its merchant's."""

    input_serializer, output_serializer = ProductIn, ProductOut
    filter_serializer = ProductFilter
    queryset = Product.objects.none()

    @extend_schema(parameters=[ProductFilter])
    def list(self, request):
        return super().list(request)

    @extend_schema(request=ProductIn, responses={201: ProductOut})
    def create(self, request):
        return super().create(request)

    @extend_schema(request=ProductIn, responses=ProductOut)
    def partial_update(self, request, pk=None):
        return super().partial_update(request, pk)

    def filtered(self, params):
        user = self.request.user

        category = brand = merchant = None
        errors = {}
        if params.get("category") is not None:
            try:
                category = selectors.category_get(user=user, pk=params["category"])
            except NotFoundError:
                errors["category"] = [UNKNOWN]
        if params.get("brand") is not None:
            try:
                brand = selectors.brand_get(user=user, pk=params["brand"])
            except NotFoundError:
                errors["brand"] = [UNKNOWN]
        if params.get("merchant") is not None:
            merchant = Merchant.objects.filter(
                organisation_id=user.organisation_id, pk=params["merchant"]
            ).first()
            if merchant is None:
                errors["merchant"] = [UNKNOWN]
        if errors:
            raise ValidationFailed(fields=errors)
        return (
            selectors.product_list(
                user=user,
                q=params.get("q", ""),
                category=category,
                brand=brand,
                merchant=merchant,
                needs_installation=params.get("needs_installation"),
                is_active=params.get("is_active"),
            )
            .prefetch_related("models")
            .order_by("name", "id")
        )

    def get_object_for(self, pk):
        return selectors.product_get(user=self.request.user, pk=pk)

    def do_create(self, data):
        if "models" in data:
            data["models"] = [dict(m) for m in data["models"]]
        return services.product_create(by=self.request.user, **data)

    def do_update(self, obj, data):
        data.pop("models", None)
        return services.product_update(by=self.request.user, product=obj, **data)

    @extend_schema(methods=["GET"], responses=ProductModelOut(many=True))
    @extend_schema(methods=["POST"], request=ProductModelIn, responses={201: ProductModelOut})
    @action(detail=True, methods=["get", "post"], url_path="models")
    def models(self, request, pk=None):
        """The models (型号) of a product; POST adds one (honours Idempotency-Key)."""
        product = self.get_object_for(pk)
        if request.method == "GET":
            qs = selectors.model_list(user=request.user, product=product).order_by("code")
            return Response(ProductModelOut(qs, many=True).data)

        def create():
            data = _valid(ProductModelIn, request.data)
            pm = services.model_create(by=request.user, product=product, **data)
            return status.HTTP_201_CREATED, ProductModelOut(pm).data

        code, body, replayed = run_idempotent(
            user=request.user,
            scope=f"api:{request.path}",
            key=request.headers.get("Idempotency-Key"),
            action=create,
        )
        response = Response(body, status=code)
        if replayed:
            response["Idempotent-Replayed"] = "true"
        return response

    @extend_schema(
        methods=["GET"],
        parameters=[OpenApiParameter("model_pk", int, OpenApiParameter.PATH)],
        responses=ProductModelOut,
    )
    @extend_schema(
        methods=["PATCH"],
        parameters=[OpenApiParameter("model_pk", int, OpenApiParameter.PATH)],
        request=ProductModelIn,
        responses=ProductModelOut,
    )
    @action(detail=True, methods=["get", "patch"], url_path=r"models/(?P<model_pk>[0-9]+)")
    def model_detail(self, request, pk=None, model_pk=None):
        """One model of a product; PATCH changes it."""
        product = self.get_object_for(pk)
        pm = selectors.model_get(user=request.user, pk=model_pk)
        if pm.product_id != product.pk:
            raise NotFoundError()
        if request.method == "PATCH":
            data = _valid(ProductModelIn, request.data, partial=True)
            pm = services.model_update(by=request.user, model=pm, **data)
        return Response(ProductModelOut(pm).data)


def register(router):
    """Add this app's viewsets to the /api/v1/ router."""
    router.register("brands", BrandViewSet, basename="brand")
    router.register("suppliers", SupplierViewSet, basename="supplier")
    router.register("categories", CategoryViewSet, basename="category")
    router.register("products", ProductViewSet, basename="product")
