"""The products a customer owns: recorded with their warranty, and the warranty's end."""

from __future__ import annotations

import datetime as dt

from django.db import transaction
from django.utils.translation import gettext as _

from shouhou.core.audit import audit_record
from shouhou.core.dates import add_months
from shouhou.core.errors import (
    ValidationFailed,
)

from ..models import Customer, OwnedProduct
from .common import _require_editor, _require_visible, _today


def warranty_until(*, start: dt.date | None, months: int | None) -> dt.date | None:
    """The last day covered by a warranty of `months` starting on `start` (inclusive)."""
    if start is None or months is None:
        return None
    return add_months(start, months) - dt.timedelta(days=1)


def customer_record_owned_product(
    *,
    by,
    customer: Customer,
    product=None,
    model=None,
    description: str = "",
    contract_line=None,
    purchased_on: dt.date | None = None,
    installed_on: dt.date | None = None,
    serial_no: str = "",
    quantity: int | None = None,
) -> OwnedProduct:
    """Record a product the customer owns (from a contract line, a callback or a repair).

    `warranty_until` is computed from the model's effective warranty (or the product's): from
    the installation date for products that need installation, else from the purchase date.
    Recording the same contract line twice returns the first row.
    """
    _require_editor(by)
    _require_visible(by, customer)
    errors: dict[str, list[str]] = {}
    org_id = customer.organisation_id
    if contract_line is not None:
        if contract_line.organisation_id != org_id or contract_line.contract.customer_id != (
            customer.pk
        ):
            errors["contract_line"] = [_("This contract line is not this customer's.")]
        else:
            product = product or contract_line.product
            model = model or contract_line.model
            purchased_on = purchased_on or contract_line.contract.signed_on
            quantity = quantity or contract_line.quantity
    if model is not None:
        if model.organisation_id != org_id:
            errors["model"] = [_("Unknown model.")]
        elif product is None:
            product = model.product
        elif model.product_id != product.pk:
            errors["model"] = [_("This model is not a model of the chosen product.")]
    if product is not None and product.organisation_id != org_id:
        errors["product"] = [_("Unknown product.")]
    description = (description or "").strip()
    serial_no = (serial_no or "").strip()
    if product is None and not description:
        errors["description"] = [_("Choose a product or describe it.")]
    if len(description) > 200:
        errors["description"] = [_("At most 200 characters.")]
    if len(serial_no) > 60:
        errors["serial_no"] = [_("At most 60 characters.")]
    today = _today()
    for field, value in (("purchased_on", purchased_on), ("installed_on", installed_on)):
        if value is not None and value > today:
            errors[field] = [_("This date is in the future.")]
    if purchased_on and installed_on and installed_on < purchased_on:
        errors["installed_on"] = [_("Installation cannot be before the purchase.")]
    quantity = 1 if quantity is None else quantity
    if not isinstance(quantity, int) or quantity < 1:
        errors["quantity"] = [_("At least 1.")]
    if errors:
        raise ValidationFailed(fields=errors)

    months = None
    if model is not None:
        months = model.effective_warranty_months
    elif product is not None:
        months = product.warranty_months
    start = purchased_on
    if product is not None and product.needs_installation and installed_on:
        start = installed_on
    start = start or installed_on

    with transaction.atomic():
        if contract_line is not None:
            existing = OwnedProduct.objects.filter(contract_line=contract_line).first()
            if existing is not None:
                return existing
        owned = OwnedProduct.objects.create(
            organisation_id=org_id,
            customer=customer,
            product=product,
            model=model,
            description=description,
            quantity=quantity,
            contract_line=contract_line,
            purchased_on=purchased_on,
            installed_on=installed_on,
            warranty_until=warranty_until(start=start, months=months),
            serial_no=serial_no,
        )
        audit_record(
            actor=by,
            action="shouhou.customer.product_recorded",
            obj=customer,
            after={
                "product": str(owned),
                "quantity": quantity,
                "purchased_on": purchased_on,
                "warranty_until": owned.warranty_until,
                "contract_line": contract_line.pk if contract_line else None,
            },
        )
    return owned
