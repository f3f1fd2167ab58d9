"""Writing the catalogue: brands, suppliers, categories, products and their models.

Who may write:
- the office (`OFFICE_ROLES`) and the warehouse keeper: everything of their organisation;
- a merchant's administrator: the products (and their models) of its own merchant only. A
  product it creates always belongs to its merchant. Brands, suppliers and categories are the
  market's shared reference data, kept by the office.

Every function validates all of its input first and raises `ValidationFailed` with every bad
field at once; ids of another organisation are reported as unknown.
"""

from __future__ import annotations

from .common import (
    EDITOR_ROLES,
    UNSET,
)
from .makers import (
    brand_create,
    brand_update,
    category_create,
    category_update,
    supplier_create,
    supplier_update,
)
from .products import (
    MAX_WARRANTY_MONTHS,
    PRODUCT_FLAGS,
    model_create,
    model_update,
    product_create,
    product_update,
)

__all__ = [
    "EDITOR_ROLES",
    "MAX_WARRANTY_MONTHS",
    "PRODUCT_FLAGS",
    "UNSET",
    "brand_create",
    "brand_update",
    "category_create",
    "category_update",
    "model_create",
    "model_update",
    "product_create",
    "product_update",
    "supplier_create",
    "supplier_update",
]
