"""One problem, one case (issue 16.9): a record about a fault of a customer's product opens a
service case, and a later record about the same fault of the same product of the same customer
joins it and is counted, whatever app keeps the record (work orders, complaints, returns).

Called by those apps inside the transaction that writes their record, before the record's
INSERT, so the record carries its case from the start. The match: the same customer, product and
fault category (and, when both name it, the same unit owned, e.g. its serial number), the case's
latest record within `CustomerSettings.case_window_days` calendar days. Two records of one
customer never open two cases at once: the customer's row is locked (the work-order intake holds
that lock already and says so with `locked=True`).
"""

from __future__ import annotations

import datetime as dt

from django.db.models import F, Q
from django.db.models.functions import Greatest
from django.utils.translation import gettext as _

from shouhou.core.audit import audit_record
from shouhou.core.errors import ValidationFailed

from ..models import Customer, CustomerSettings, FaultCategory, OwnedProduct, ServiceCase


def _check(*, organisation_id: int, customer, product_id, fault, owned_product) -> int | None:
    """The product the case is about (from the unit owned when given); field errors for a
    fault or a unit of another organisation or customer."""
    errors: dict[str, list] = {}
    if fault is not None and (
        not isinstance(fault, FaultCategory) or fault.organisation_id != organisation_id
    ):
        errors["fault"] = [_("Not found.")]
    if owned_product is not None:
        if not isinstance(owned_product, OwnedProduct) or owned_product.customer_id != getattr(
            customer, "pk", None
        ):
            errors["owned_product"] = [_("This is not a product the customer owns.")]
        elif product_id is None:
            product_id = owned_product.product_id
        elif owned_product.product_id not in (None, product_id):
            errors["owned_product"] = [_("This unit is another product.")]
    if errors:
        raise ValidationFailed(fields=errors)
    return product_id


def service_case_for(
    *,
    by,
    customer: Customer,
    product_id: int | None,
    fault: FaultCategory | None,
    kind: str,
    at: dt.datetime,
    owned_product: OwnedProduct | None = None,
    locked: bool = False,
    new_customer: bool = False,
) -> ServiceCase | None:
    """The case a new record about `fault` of the product joins, or a new one (None: the record
    names no product or no fault, so there is no problem to follow). Inside the caller's
    transaction; `kind` names the record (e.g. "work_order:repair", "complaint").

    Queries: a customer registered in this transaction has no case yet (one INSERT); otherwise
    one SELECT for the match, then one INSERT or one UPDATE (plus the customer's lock unless
    `locked`)."""
    organisation_id = customer.organisation_id
    product_id = _check(
        organisation_id=organisation_id,
        customer=customer,
        product_id=product_id,
        fault=fault,
        owned_product=owned_product,
    )
    if product_id is None or fault is None:
        return None
    case = None
    if not new_customer:
        if not locked:
            Customer.objects.select_for_update().filter(pk=customer.pk).first()
        case = _match(customer, product_id, fault, owned_product, at)
    if case is None:
        case = ServiceCase.objects.create(
            organisation_id=organisation_id,
            customer=customer,
            product_id=product_id,
            owned_product=owned_product,
            fault=fault,
            first_kind=kind,
            opened_at=at,
            last_at=at,
        )
        audit_record(
            actor=by,
            action="shouhou.service_case.opened",
            obj=case,
            after={"customer": customer.pk, "product": product_id, "fault": fault.code},
            note=kind,
        )
        return case
    changes: dict = {"repeat_count": F("repeat_count") + 1, "last_at": Greatest("last_at", at)}
    if owned_product is not None and case.owned_product_id is None:
        changes["owned_product"] = owned_product  # the unit is known now
    ServiceCase.objects.filter(pk=case.pk).update(**changes)
    # In memory as stored (no second read).
    case.repeat_count += 1
    case.last_at = max(case.last_at, at)
    if owned_product is not None and case.owned_product_id is None:
        case.owned_product = owned_product
    audit_record(
        actor=by,
        action="shouhou.service_case.joined",
        obj=case,
        after={"repeat_count": case.repeat_count},
        note=kind,
    )
    return case


def service_case_join(*, by, case: ServiceCase, kind: str, at: dt.datetime) -> ServiceCase:
    """A record that is about a case's problem by its own link (a complaint about an order of
    that case) joins it and is counted, whatever the window."""
    ServiceCase.objects.filter(pk=case.pk).update(
        repeat_count=F("repeat_count") + 1, last_at=Greatest("last_at", at)
    )
    case.repeat_count += 1
    case.last_at = max(case.last_at, at)
    audit_record(
        actor=by,
        action="shouhou.service_case.joined",
        obj=case,
        after={"repeat_count": case.repeat_count},
        note=kind,
    )
    return case


def _match(customer, product_id, fault, owned_product, at) -> ServiceCase | None:
    days = CustomerSettings.for_org(customer.organisation_id).case_window_days
    if days == 0:
        return None
    # Calendar days: how far back "the same problem" reaches, not a time limit of the working
    # calendar.
    since = at - dt.timedelta(days=days)
    qs = ServiceCase.objects.filter(
        customer=customer, product_id=product_id, fault=fault, last_at__gte=since
    )
    if owned_product is not None:
        qs = qs.filter(Q(owned_product__isnull=True) | Q(owned_product=owned_product))
    return qs.order_by("-last_at", "-id").first()
