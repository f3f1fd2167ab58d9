"""Reading the catalogue, limited to what the user may see.

Everyone in an organisation may read its catalogue (technicians look up models on a job); a
merchant's administrator sees the organisation's own products and its merchant's, never
another merchant's.
"""

from __future__ import annotations

from django.db.models import Prefetch, Q, QuerySet

from shouhou.core.errors import NotFoundError
from shouhou.org import roles as r

from .models import Brand, CatalogSettings, Category, Product, ProductModel, Supplier


def merchant_limited(user) -> bool:
    """A merchant's administrator (without an office role) sees only its own merchant's rows."""
    return r.has_role(user, r.MERCHANT_ADMIN) and not r.has_role(
        user, *r.OFFICE_ROLES, r.WAREHOUSE_KEEPER
    )


def visible_products(user) -> QuerySet[Product]:
    """The products `user` may see (the organisation's own and, in a market, by merchant)."""
    qs = Product.objects.all()
    if user is None or not user.is_authenticated:
        return qs.none()
    if getattr(user, "organisation_id", None):
        qs = qs.filter(organisation_id=user.organisation_id)
    elif not user.is_superuser:
        return qs.none()
    if merchant_limited(user):
        qs = qs.filter(Q(merchant__isnull=True) | Q(merchant_id=user.merchant_id))
    return qs


def category_with_descendants(category: Category) -> list[int]:
    """The ids of a category and every category below it (one query per level)."""
    ids, frontier = [category.pk], [category.pk]
    while frontier:
        frontier = list(
            Category.objects.filter(parent_id__in=frontier)
            .exclude(pk__in=ids)
            .values_list("pk", flat=True)
        )
        ids.extend(frontier)
    return ids


def product_list(
    *,
    user,
    q: str = "",
    category: Category | None = None,
    brand: Brand | None = None,
    needs_installation: bool | None = None,
    merchant=None,
    is_active: bool | None = None,
) -> QuerySet[Product]:
    """Products the user may see; `q` matches the name, brand, supplier or a model number.

    `category` includes its sub-categories.
    """
    qs = visible_products(user)
    q = (q or "").strip()
    if q:
        matching_models = ProductModel.objects.filter(
            Q(code__icontains=q) | Q(name__icontains=q)
        ).values("product_id")
        qs = qs.filter(
            Q(name__icontains=q)
            | Q(brand__name__icontains=q)
            | Q(supplier__name__icontains=q)
            | Q(pk__in=matching_models)
        )
    if category is not None:
        qs = qs.filter(category_id__in=category_with_descendants(category))
    if brand is not None:
        qs = qs.filter(brand=brand)
    if needs_installation is not None:
        qs = qs.filter(needs_installation=needs_installation)
    if merchant is not None:
        qs = qs.filter(merchant=merchant)
    if is_active is not None:
        qs = qs.filter(is_active=is_active)
    return qs.select_related("brand", "category", "category__parent", "supplier", "merchant")


def product_get(*, user, pk) -> Product:
    try:
        pk = int(pk)
    except (TypeError, ValueError):
        raise NotFoundError() from None
    product = (
        visible_products(user)
        .select_related("brand", "category", "category__parent", "supplier", "merchant")
        .prefetch_related(Prefetch("models", queryset=ProductModel.objects.order_by("code")))
        .filter(pk=pk)
        .first()
    )
    if product is None:
        raise NotFoundError()
    return product


def model_list(*, user, product: Product | None = None, q: str = "") -> QuerySet[ProductModel]:
    qs = ProductModel.objects.filter(product__in=visible_products(user)).select_related(
        "product", "product__brand"
    )
    if product is not None:
        qs = qs.filter(product=product)
    if q:
        qs = qs.filter(Q(code__icontains=q) | Q(name__icontains=q))
    return qs


def model_get(*, user, pk) -> ProductModel:
    try:
        pk = int(pk)
    except (TypeError, ValueError):
        raise NotFoundError() from None
    model = model_list(user=user).filter(pk=pk).first()
    if model is None:
        raise NotFoundError()
    return model


def effective_warranty_months(model: ProductModel | None, *, product: Product | None = None) -> int:
    """The warranty of a model: its own months, else its product's.

    With no model, the product's warranty (pass `product=`).
    """
    if model is not None:
        return model.effective_warranty_months
    if product is not None:
        return product.warranty_months
    raise ValueError("effective_warranty_months needs a model or a product")


def default_warranty_months(organisation) -> int:
    return CatalogSettings.for_org(organisation).default_warranty_months


def _org_qs(model, user):
    qs = model.objects.all()
    if getattr(user, "organisation_id", None):
        return qs.filter(organisation_id=user.organisation_id)
    return qs if getattr(user, "is_superuser", False) else qs.none()


def brand_list(*, user, q: str = "") -> QuerySet[Brand]:
    qs = _org_qs(Brand, user)
    return qs.filter(name__icontains=q.strip()) if q and q.strip() else qs


def supplier_list(*, user, q: str = "") -> QuerySet[Supplier]:
    qs = _org_qs(Supplier, user)
    if q and q.strip():
        qs = qs.filter(Q(name__icontains=q.strip()) | Q(contact_name__icontains=q.strip()))
    return qs


def category_list(*, user, q: str = "", parent: Category | None = None) -> QuerySet[Category]:
    qs = _org_qs(Category, user).select_related("parent")
    if q and q.strip():
        qs = qs.filter(name__icontains=q.strip())
    if parent is not None:
        qs = qs.filter(parent=parent)
    return qs


def _get(qs, pk):
    try:
        pk = int(pk)
    except (TypeError, ValueError):
        raise NotFoundError() from None
    obj = qs.filter(pk=pk).first()
    if obj is None:
        raise NotFoundError()
    return obj


def brand_get(*, user, pk) -> Brand:
    return _get(brand_list(user=user), pk)


def supplier_get(*, user, pk) -> Supplier:
    return _get(supplier_list(user=user), pk)


def category_get(*, user, pk) -> Category:
    return _get(category_list(user=user), pk)


def can_edit_references(user) -> bool:
    """Brands, suppliers, categories and every product: the catalogue editors
    (`roles.CATALOGUE_EDITORS`, docs/roles.md)."""
    return r.has_role(user, *r.CATALOGUE_EDITORS)


def can_add_product(user) -> bool:
    return can_edit_references(user) or (
        r.has_role(user, r.MERCHANT_ADMIN) and bool(getattr(user, "merchant_id", None))
    )


def can_edit_product(user, product: Product) -> bool:
    if can_edit_references(user):
        return True
    return (
        merchant_limited(user)
        and bool(user.merchant_id)
        and product.merchant_id == user.merchant_id
    )
