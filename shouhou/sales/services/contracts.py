"""Sales contracts: numbered, checked line by line and created with their customer, and the
products they sell recorded as the customer's own."""

from __future__ import annotations

import datetime as dt
import re
from decimal import Decimal

from django.db import IntegrityError, transaction
from django.db.models import F
from django.utils.translation import gettext as _

from shouhou.catalog import inputs
from shouhou.catalog.models import Product, ProductModel
from shouhou.catalog.selectors import visible_products
from shouhou.core.audit import audit_record, snapshot
from shouhou.core.errors import (
    DuplicateError,
    ValidationFailed,
)
from shouhou.customers.models import Customer
from shouhou.customers.selectors import customer_visible_qs
from shouhou.customers.services import customer_record_owned_product
from shouhou.org import roles as r
from shouhou.org.models import Merchant, OrganisationSettings, Store, User

from .. import selectors
from ..models import Contract, ContractLine, ContractNumberSequence, ContractPayment
from .common import S, _require_writer, _today, _yuan
from .payments import _payment_method

MAX_QUANTITY = 99999


def _full_name_required(organisation_id: int) -> bool:
    return OrganisationSettings.for_org(organisation_id).contract_requires_full_name


def _resolve_customer(by, value, errors: dict):
    """The customer, if `by` may see it (the customers app decides who sees which customer)."""

    return inputs.ref(
        Customer,
        value,
        "customer",
        errors,
        organisation_id=by.organisation_id,
        required=True,
        queryset=customer_visible_qs(user=by),
    )


def _default_address(customer) -> tuple[str, str]:
    """(district, full address) of the customer's default address, or ("", "")."""
    address = customer.default_address if customer is not None else None
    if address is None:
        return "", ""
    return address.district, str(address)[:200]


def _number_pattern(prefix: str, year: int) -> re.Pattern:
    return re.compile(rf"^{re.escape(prefix)}{year}-(\d+)$")


def _sequence(org_id: int, year: int) -> ContractNumberSequence:
    seq, _created = ContractNumberSequence.objects.get_or_create(organisation_id=org_id, year=year)
    return seq


def next_contract_number(organisation_id: int, year: int) -> str:
    """The next free number for the organisation and year, e.g. HT2026-000123.

    The sequence row is incremented with an UPDATE, which holds its row lock until the
    transaction ends: two clerks saving at once get two different numbers. Call it inside the
    transaction that saves the contract.
    """
    prefix = selectors.sales_settings(organisation_id).contract_number_prefix
    seq = _sequence(organisation_id, year)
    while True:
        ContractNumberSequence.objects.filter(pk=seq.pk).update(last=F("last") + 1)
        last = ContractNumberSequence.objects.values_list("last", flat=True).get(pk=seq.pk)
        number = f"{prefix}{year}-{last:06d}"
        # A number typed by hand may already use this value: skip it.
        if not Contract.objects.filter(organisation_id=organisation_id, number=number).exists():
            return number


def _note_manual_number(organisation_id: int, year: int, number: str) -> None:
    """A hand-typed number in the automatic pattern moves the sequence past it."""
    prefix = selectors.sales_settings(organisation_id).contract_number_prefix
    match = _number_pattern(prefix, year).match(number)
    if match:
        seq = _sequence(organisation_id, year)
        n = int(match.group(1))
        ContractNumberSequence.objects.filter(pk=seq.pk, last__lt=n).update(last=n)


def _check_lines(by, lines, errors: dict) -> list[dict]:
    """Check every line; return [{product, model, quantity, unit_price, line_total}]."""
    if lines is None or lines == []:
        inputs.add(errors, "lines", _("A contract needs at least one line."))
        return []
    if not isinstance(lines, list | tuple):
        inputs.add(errors, "lines", _("Enter a list of lines."))
        return []
    org_id = by.organisation_id
    products = visible_products(by)
    checked = []
    for i, line in enumerate(lines):
        p = f"lines.{i}."
        if not isinstance(line, dict):
            inputs.add(errors, f"lines.{i}", _("Enter a line (product, quantity, unit price)."))
            continue
        product = inputs.ref(
            Product,
            line.get("product"),
            p + "product",
            errors,
            organisation_id=org_id,
            required=True,
            queryset=products,
        )
        if product is not None and not product.is_active:
            inputs.add(errors, p + "product", _("This product is no longer sold."))
        model = inputs.ref(
            ProductModel,
            line.get("model"),
            p + "model",
            errors,
            organisation_id=org_id,
            queryset=ProductModel.objects.filter(product__in=products),
        )
        if model is not None and product is not None and model.product_id != product.pk:
            inputs.add(
                errors,
                p + "model",
                _("Model %(model)s is not a model of %(product)s.")
                % {"model": model.code, "product": product.name},
            )
        elif model is not None and not model.is_active:
            inputs.add(errors, p + "model", _("This model is no longer sold."))
        quantity = inputs.whole_number(
            line.get("quantity"),
            p + "quantity",
            errors,
            minimum=1,
            maximum=MAX_QUANTITY,
            message=_("Enter a whole quantity from 1 to %(max)d.") % {"max": MAX_QUANTITY},
        )
        unit_price = inputs.money(line.get("unit_price"), p + "unit_price", errors)
        line_total = None
        if quantity is not None and unit_price is not None:
            line_total = unit_price * quantity
            if line_total > inputs.MAX_MONEY:
                inputs.add(errors, p + "quantity", _("The line total is too large."))
        checked.append(
            {
                "product": product,
                "model": model,
                "quantity": quantity,
                "unit_price": unit_price,
                "line_total": line_total,
            }
        )
    return checked


def _contract_parties(by, org_id: int, customer, store, merchant, salesperson, errors: dict):
    """Who the contract is between: a customer with a full name (when the organisation asks for
    one), an open store, the merchant (a merchant admin's own), an active salesperson (the
    signing salesperson by default)."""
    customer_obj = _resolve_customer(by, customer, errors)
    full_name_required = _full_name_required(org_id)
    if customer_obj is not None and not customer_obj.name_is_full and full_name_required:
        inputs.add(
            errors,
            "customer",
            _(
                "“%(name)s” is not a full name. Complete the customer's full name in the "
                "customer record first: a sales contract needs it."
            )
            % {"name": customer_obj.name},
        )

    store_obj = inputs.ref(Store, store, "store", errors, organisation_id=org_id, required=True)
    if store_obj is not None and not store_obj.is_active:
        inputs.add(errors, "store", _("This store is closed."))

    if selectors.merchant_limited(by):
        given = merchant.pk if isinstance(merchant, Merchant) else inputs.as_id(merchant)
        if merchant not in (None, "") and given != by.merchant_id:
            inputs.add(errors, "merchant", inputs.UNKNOWN)
        merchant_obj = by.merchant
    else:
        merchant_obj = inputs.ref(Merchant, merchant, "merchant", errors, organisation_id=org_id)
    if merchant_obj is not None and not merchant_obj.is_active:
        inputs.add(errors, "merchant", _("This merchant is not active."))

    salesperson_obj = inputs.ref(
        User,
        salesperson,
        "salesperson",
        errors,
        organisation_id=org_id,
        queryset=User.objects.filter(is_active=True),
    )
    if salesperson_obj is None and salesperson in (None, "") and r.SALES in r.user_roles(by):
        salesperson_obj = by
    return customer_obj, store_obj, merchant_obj, salesperson_obj


def _contract_money(by, lines, paid, payment_method: str, errors: dict):
    """The lines checked and totalled, and the deposit: never above the total, with a method."""
    checked = _check_lines(by, lines, errors)
    total = sum((c["line_total"] or Decimal("0") for c in checked), Decimal("0.00"))
    if total > inputs.MAX_MONEY:
        inputs.add(errors, "lines", _("The contract total is too large."))

    paid_amount = inputs.money(paid, "paid", errors, required=False, default=Decimal("0.00"))
    if paid_amount is not None and paid_amount > total and "lines" not in errors:
        inputs.add(
            errors,
            "paid",
            _("Paid cannot be more than the total (%(total)s).") % {"total": _yuan(total)},
        )
    method = _payment_method(
        payment_method, errors, field="payment_method", required=bool(paid_amount)
    )
    return checked, total, paid_amount, method


def _contract_delivery(
    customer_obj, signed, delivery_date, delivery_district: str, delivery_address: str, errors
):
    """A delivery date not before the signing, and a clear address: the customer's default
    address when none is given."""
    delivery = inputs.date(delivery_date, "delivery_date", errors)
    if delivery is not None and signed is not None and delivery < signed:
        inputs.add(
            errors, "delivery_date", _("The delivery date cannot be before the signing date.")
        )
    district = inputs.text(delivery_district, "delivery_district", errors, max_length=30)
    address = inputs.text(delivery_address, "delivery_address", errors, max_length=200)
    if delivery is not None and not address and customer_obj is not None:
        default_district, address = _default_address(customer_obj)
        district = district or default_district
    if delivery is not None and not address and "delivery_address" not in errors:
        inputs.add(
            errors,
            "delivery_address",
            _("A delivery date needs a clear delivery address (the customer has none on file)."),
        )
    return delivery, district, address


def _insert_contract(contract: Contract, checked: list[dict], by) -> list[ContractLine]:
    """The contract (a number taken at the same moment is a duplicate), its lines and the
    deposit as its first payment."""
    try:
        with transaction.atomic():
            contract.save()
    except IntegrityError as exc:
        raise DuplicateError(
            _("Another contract already has this number."),
            fields={"number": [_("Another contract already has this number.")]},
        ) from exc
    saved_lines = [
        ContractLine.objects.create(
            organisation_id=contract.organisation_id,
            contract=contract,
            product=c["product"],
            model=c["model"],
            quantity=c["quantity"],
            unit_price=c["unit_price"],
            line_total=c["line_total"],
        )
        for c in checked
    ]
    if contract.paid:
        ContractPayment.objects.create(
            organisation_id=contract.organisation_id,
            contract=contract,
            amount=contract.paid,
            method=contract.payment_method,
            received_by=by,
        )
    return saved_lines


def _audit_contract(by, contract: Contract, lines: list[ContractLine]) -> None:
    after = snapshot(contract)
    after["lines"] = [
        {
            "product": str(line.product),
            "model": line.model.code if line.model_id else "",
            "quantity": line.quantity,
            "unit_price": line.unit_price,
            "line_total": line.line_total,
        }
        for line in lines
    ]
    audit_record(actor=by, action="shouhou.contract.created", obj=contract, after=after)


@transaction.atomic
def contract_create(
    *,
    by,
    customer,
    store,
    signed_on: dt.date | str,
    lines: list[dict],
    number: str | None = None,
    merchant=None,
    salesperson=None,
    delivery_date: dt.date | str | None = None,
    delivery_district: str = "",
    delivery_address: str = "",
    paid: Decimal | str | int = Decimal("0"),
    payment_method: str = "",
    notes: str = "",
) -> Contract:
    """Sign a sales contract with its lines; record each line as a product the customer owns.

    `lines`: [{"product", "model" (optional), "quantity", "unit_price"}]. `number` empty: the
    next number of the organisation and year of signing. A merchant admin's contract belongs to
    its merchant. With a delivery date and no address, the customer's default address is used.
    A paid amount above zero is recorded as the first payment (deposit).
    """
    org_id = _require_writer(by)
    errors: dict = {}
    customer_obj, store_obj, merchant_obj, salesperson_obj = _contract_parties(
        by, org_id, customer, store, merchant, salesperson, errors
    )
    signed = inputs.date(signed_on, "signed_on", errors, required=True)
    if signed is not None and signed > _today():
        inputs.add(errors, "signed_on", _("The signing date cannot be in the future."))
    number = inputs.text(number, "number", errors, max_length=40)
    if number and Contract.objects.filter(organisation_id=org_id, number=number).exists():
        inputs.add(errors, "number", _("Another contract already has this number."))
    checked, total, paid_amount, method = _contract_money(by, lines, paid, payment_method, errors)
    delivery, district, address = _contract_delivery(
        customer_obj, signed, delivery_date, delivery_district, delivery_address, errors
    )
    notes = inputs.text(notes, "notes", errors, max_length=2000)
    if errors:
        raise ValidationFailed(
            _("The contract was not saved: please correct the marked fields."), fields=errors
        )

    if number:
        _note_manual_number(org_id, signed.year, number)
    else:
        number = next_contract_number(org_id, signed.year)
    contract = Contract(
        organisation_id=org_id,
        number=number,
        customer=customer_obj,
        store=store_obj,
        merchant=merchant_obj,
        salesperson=salesperson_obj,
        status=S.CONFIRMED,
        signed_on=signed,
        delivery_date=delivery,
        delivery_district=district,
        delivery_address=address,
        total=total,
        paid=paid_amount,
        payment_method=method,
        notes=notes,
        created_by=by,
    )
    saved_lines = _insert_contract(contract, checked, by)
    _audit_contract(by, contract, saved_lines)
    _record_owned_products(by, contract, saved_lines)
    return contract


def _record_owned_products(by, contract: Contract, lines: list[ContractLine]) -> None:
    for line in lines:
        customer_record_owned_product(
            by=by,
            customer=contract.customer,
            product=line.product,
            model=line.model,
            contract_line=line,
            purchased_on=contract.signed_on,
        )
