"""Products and their models, with warranty terms and flags."""

from __future__ import annotations

from django.db import transaction
from django.utils.translation import gettext_lazy as _

from shouhou.core.audit import audit_record, snapshot
from shouhou.core.errors import (
    NotFoundError,
    PermissionDeniedError,
)
from shouhou.org import roles as r
from shouhou.org.models import Merchant

from .. import inputs
from ..models import Brand, Category, Product, ProductModel, Supplier
from ..selectors import default_warranty_months, merchant_limited, visible_products
from .common import EDITOR_ROLES, UNSET, _fail, _locked, _organisation_id, _save_unique

MAX_WARRANTY_MONTHS = 1200


def _require_product_writer(by, product: Product | None = None) -> int:
    """Editors write every product; a merchant admin only its own merchant's products."""
    org_id = _organisation_id(by)
    if product is not None and product.organisation_id != org_id:
        raise NotFoundError()
    if r.has_role(by, *EDITOR_ROLES):
        return org_id
    if r.has_role(by, r.MERCHANT_ADMIN) and by.merchant_id:
        if product is not None and product.merchant_id is None:
            raise PermissionDeniedError(
                _("The organisation's own products are kept by the office."),
                code="not_own_merchant",
            )
        if product is not None and product.merchant_id != by.merchant_id:
            raise NotFoundError()
        return org_id
    r.require_role(by, *EDITOR_ROLES, r.MERCHANT_ADMIN)
    raise PermissionDeniedError(
        _("A merchant administrator needs a merchant on their account."), code="no_merchant"
    )


PRODUCT_FLAGS = (
    "needs_installation",
    "is_electronic",
    "is_single_use",
    "is_adhesive",
    "is_window_film",
    "is_bulb_or_speaker",
    "is_active",
)


def _product_values(by, org_id: int, errors: dict, **given) -> dict:
    """Check the product fields that were given (not UNSET); return their clean values."""
    out = {}
    if given.get("name", UNSET) is not UNSET:
        out["name"] = inputs.text(given["name"], "name", errors, max_length=100, required=True)
    for field, model in (("brand", Brand), ("supplier", Supplier), ("category", Category)):
        if given.get(field, UNSET) is not UNSET:
            out[field] = inputs.ref(model, given[field], field, errors, organisation_id=org_id)
    if given.get("merchant", UNSET) is not UNSET:
        if merchant_limited(by):
            own = by.merchant_id
            value = given["merchant"]
            value_id = value.pk if isinstance(value, Merchant) else inputs.as_id(value)
            if value not in (None, "") and value_id != own:
                inputs.add(errors, "merchant", inputs.UNKNOWN)
            out["merchant_id"] = own
        else:
            merchant = inputs.ref(
                Merchant, given["merchant"], "merchant", errors, organisation_id=org_id
            )
            out["merchant_id"] = merchant.pk if merchant else None
    for flag in PRODUCT_FLAGS:
        if given.get(flag, UNSET) is not UNSET:
            out[flag] = inputs.boolean(given[flag], flag, errors, default=(flag == "is_active"))
    if given.get("warranty_months", UNSET) is not UNSET:
        out["warranty_months"] = inputs.whole_number(
            given["warranty_months"],
            "warranty_months",
            errors,
            minimum=0,
            maximum=MAX_WARRANTY_MONTHS,
            required=False,
        )
    if given.get("packaging_promise", UNSET) is not UNSET:
        out["packaging_promise"] = inputs.text(
            given["packaging_promise"], "packaging_promise", errors, max_length=2000
        )
    return out


def _model_values(errors: dict, prefix: str, **given) -> dict:
    out = {}
    if given.get("code", UNSET) is not UNSET:
        out["code"] = inputs.text(
            given["code"], f"{prefix}code", errors, max_length=60, required=True
        )
    if given.get("name", UNSET) is not UNSET:
        out["name"] = inputs.text(given["name"], f"{prefix}name", errors, max_length=100)
    if given.get("list_price", UNSET) is not UNSET:
        out["list_price"] = inputs.money(
            given["list_price"], f"{prefix}list_price", errors, required=False
        )
    if given.get("warranty_months", UNSET) is not UNSET:
        out["warranty_months"] = inputs.whole_number(
            given["warranty_months"],
            f"{prefix}warranty_months",
            errors,
            minimum=0,
            maximum=MAX_WARRANTY_MONTHS,
            required=False,
        )
    if given.get("is_active", UNSET) is not UNSET:
        out["is_active"] = inputs.boolean(
            given["is_active"], f"{prefix}is_active", errors, default=True
        )
    return out


@transaction.atomic
def product_create(
    *,
    by,
    name: str,
    brand: Brand | int | None = None,
    supplier: Supplier | int | None = None,
    category: Category | int | None = None,
    merchant: Merchant | int | None = None,
    needs_installation: bool = False,
    is_electronic: bool = False,
    is_single_use: bool = False,
    is_adhesive: bool = False,
    is_window_film: bool = False,
    is_bulb_or_speaker: bool = False,
    warranty_months: int | None = None,
    packaging_promise: str = "",
    is_active: bool = True,
    models: list[dict] | None = None,
) -> Product:
    """A product, with its models if given (each {code, name, list_price, warranty_months}).

    `warranty_months` None takes the organisation's default (CatalogSettings).
    """
    org_id = _require_product_writer(by)
    errors: dict = {}
    values = _product_values(
        by,
        org_id,
        errors,
        name=name,
        brand=brand,
        supplier=supplier,
        category=category,
        merchant=merchant,
        needs_installation=needs_installation,
        is_electronic=is_electronic,
        is_single_use=is_single_use,
        is_adhesive=is_adhesive,
        is_window_film=is_window_film,
        is_bulb_or_speaker=is_bulb_or_speaker,
        warranty_months=warranty_months,
        packaging_promise=packaging_promise,
        is_active=is_active,
    )
    model_rows = []
    if models is not None and not isinstance(models, list | tuple):
        inputs.add(errors, "models", _("Enter a list of models."))
        models = []
    seen_codes = set()
    for i, row in enumerate(models or []):
        if not isinstance(row, dict):
            inputs.add(errors, f"models.{i}", _("Enter a model."))
            continue
        mv = _model_values(
            errors,
            f"models.{i}.",
            code=row.get("code"),
            name=row.get("name", ""),
            list_price=row.get("list_price"),
            warranty_months=row.get("warranty_months"),
            is_active=row.get("is_active", True),
        )
        if mv.get("code") and mv["code"] in seen_codes:
            inputs.add(errors, f"models.{i}.code", _("This model number is listed twice."))
        seen_codes.add(mv.get("code"))
        model_rows.append(mv)
    _fail(errors)
    if values.get("warranty_months") is None:
        values["warranty_months"] = default_warranty_months(by.organisation)
    product = Product(organisation_id=org_id, **values)
    product.save()
    audit_record(actor=by, action="shouhou.product.created", obj=product, after=snapshot(product))
    for mv in model_rows:
        pm = ProductModel(organisation_id=org_id, product=product, **mv)
        _save_unique(pm)
        audit_record(actor=by, action="shouhou.product_model.created", obj=pm, after=snapshot(pm))
    return product


@transaction.atomic
def product_update(
    *,
    by,
    product: Product,
    name=UNSET,
    brand=UNSET,
    supplier=UNSET,
    category=UNSET,
    merchant=UNSET,
    needs_installation=UNSET,
    is_electronic=UNSET,
    is_single_use=UNSET,
    is_adhesive=UNSET,
    is_window_film=UNSET,
    is_bulb_or_speaker=UNSET,
    warranty_months=UNSET,
    packaging_promise=UNSET,
    is_active=UNSET,
) -> Product:
    """Change the given fields (the others keep their values)."""
    org_id = _require_product_writer(by)
    product = _locked(Product, product, org_id)
    _require_product_writer(by, product)
    before = snapshot(product)
    errors: dict = {}
    values = _product_values(
        by,
        org_id,
        errors,
        name=name,
        brand=brand,
        supplier=supplier,
        category=category,
        merchant=merchant,
        needs_installation=needs_installation,
        is_electronic=is_electronic,
        is_single_use=is_single_use,
        is_adhesive=is_adhesive,
        is_window_film=is_window_film,
        is_bulb_or_speaker=is_bulb_or_speaker,
        warranty_months=warranty_months,
        packaging_promise=packaging_promise,
        is_active=is_active,
    )
    if "warranty_months" in values and values["warranty_months"] is None and not errors:
        inputs.add(errors, "warranty_months", inputs.REQUIRED)
    _fail(errors)
    for k, v in values.items():
        setattr(product, k, v)
    product.save()
    audit_record(
        actor=by,
        action="shouhou.product.updated",
        obj=product,
        before=before,
        after=snapshot(product),
    )
    return product


@transaction.atomic
def model_create(
    *,
    by,
    product: Product | int,
    code: str,
    name: str = "",
    list_price=None,
    warranty_months: int | None = None,
    is_active: bool = True,
) -> ProductModel:
    """A model (型号) of a product; `warranty_months` None: the product's warranty applies."""
    org_id = _require_product_writer(by)
    errors: dict = {}
    product_obj = inputs.ref(
        Product,
        product,
        "product",
        errors,
        organisation_id=org_id,
        required=True,
        queryset=visible_products(by),
    )
    if product_obj is not None:
        _require_product_writer(by, product_obj)
    values = _model_values(
        errors,
        "",
        code=code,
        name=name,
        list_price=list_price,
        warranty_months=warranty_months,
        is_active=is_active,
    )
    if (
        product_obj is not None
        and values.get("code")
        and ProductModel.objects.filter(product=product_obj, code=values["code"]).exists()
    ):
        inputs.add(errors, "code", _("This product already has a model with this number."))
    _fail(errors)
    pm = ProductModel(organisation_id=org_id, product=product_obj, **values)
    _save_unique(pm)
    audit_record(actor=by, action="shouhou.product_model.created", obj=pm, after=snapshot(pm))
    return pm


@transaction.atomic
def model_update(
    *,
    by,
    model: ProductModel,
    code=UNSET,
    name=UNSET,
    list_price=UNSET,
    warranty_months=UNSET,
    is_active=UNSET,
) -> ProductModel:
    org_id = _require_product_writer(by)
    pm = _locked(ProductModel, model, org_id)
    _require_product_writer(by, pm.product)
    before = snapshot(pm)
    errors: dict = {}
    values = _model_values(
        errors,
        "",
        code=code,
        name=name,
        list_price=list_price,
        warranty_months=warranty_months,
        is_active=is_active,
    )
    if (
        values.get("code")
        and ProductModel.objects.filter(product_id=pm.product_id, code=values["code"])
        .exclude(pk=pm.pk)
        .exists()
    ):
        inputs.add(errors, "code", _("This product already has a model with this number."))
    _fail(errors)
    for k, v in values.items():
        setattr(pm, k, v)
    _save_unique(pm)
    audit_record(
        actor=by,
        action="shouhou.product_model.updated",
        obj=pm,
        before=before,
        after=snapshot(pm),
    )
    return pm
