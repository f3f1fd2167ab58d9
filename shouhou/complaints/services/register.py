"""Registering a case (a complaint, a return or an exchange), with the promise decision it needs."""

from __future__ import annotations

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from shouhou.core.audit import audit_record, snapshot
from shouhou.core.errors import (
    NotFoundError,
    ValidationFailed,
)
from shouhou.org import roles as r
from shouhou.promises import rules as PR

from .. import case_links
from .. import states as s
from ..models import Case
from .common import DESK_ROLES, complaints_ensure_defaults

# The outcome a flow needs from the promise decision.
NEEDS_OUTCOME = {s.EXCHANGE: PR.EXCHANGE, s.RETURN: PR.RETURN, s.INSTALLED_EXCHANGE: PR.EXCHANGE}


def case_register(
    *,
    by,
    kind: str,
    customer=None,
    description: str = "",
    contract=None,
    product=None,
    decision=None,
    demand: str = "",
    cause=None,
    store=None,
    work_order=None,
    fault=None,
    owned_product=None,
) -> Case:
    """Register a complaint (顾客投诉登记) or start an exchange / return flow.

    Exchanges and returns need a promise decision that grants them (missing receipt or
    packaging, or a period over: refused, with the rule's words, and nothing is written).
    `work_order`: the customer's order the complaint is about (e.g. found by a callback).
    `fault` (and the customer's `owned_product`): the case joins the service case of the same
    fault of the same product (`case_links.service_case_of`, issue 16.9)."""
    r.require_role(by, *DESK_ROLES)
    org = by.organisation
    errors: dict[str, list] = {}
    if kind not in s.KINDS:
        errors["kind"] = [_("Unknown kind of case.")]
    if decision is not None:
        if decision.organisation_id != org.pk:
            raise NotFoundError()
        customer = customer or decision.customer
        contract = contract or decision.contract
        product = product or decision.product
    for name, obj in (("customer", customer), ("contract", contract), ("product", product)):
        if obj is not None and obj.organisation_id != org.pk:
            errors[name] = [_("Not found.")]
    if customer is None:
        errors["customer"] = [_("Choose the customer.")]
    if contract is not None and customer is not None and contract.customer_id != customer.pk:
        errors["contract"] = [_("This contract is another customer's.")]
    if not (description or "").strip():
        errors["description"] = [_("Say what the customer reports.")]
    if cause is not None and cause.organisation_id != org.pk:
        errors["cause"] = [_("Not found.")]
    if work_order is not None and (
        work_order.organisation_id != org.pk
        or (customer is not None and work_order.customer_id != customer.pk)
    ):
        errors["work_order"] = [_("Not found.")]
    within = False
    installed = bool(product and product.needs_installation)
    if kind in NEEDS_OUTCOME:
        if decision is None:
            errors["decision"] = [_("An exchange or a return needs the promise decision first.")]
        else:
            need = NEEDS_OUTCOME[kind]
            if need not in (decision.allowed or []):
                raise ValidationFailed(
                    _("The service promises do not allow a %(outcome)s here: %(why)s")
                    % {"outcome": PR.outcome_label(need), "why": decision.explanation},
                    code="not_within_promises",
                    fields={"decision": [decision.explanation]},
                )
            within = True
            installed = decision.facts.get("installed_by", PR.NOT_INSTALLED) != PR.NOT_INSTALLED
            if kind == s.INSTALLED_EXCHANGE and not installed:
                errors["kind"] = [_("The product was not installed; use a plain exchange.")]
            if kind == s.EXCHANGE and installed:
                errors["kind"] = [
                    _("The product was installed; use the installed-product exchange.")
                ]
    if errors:
        raise ValidationFailed(fields=errors)
    complaints_ensure_defaults(org)
    with transaction.atomic():
        service_case, fault = case_links.service_case_of(
            by=by,
            kind=kind,
            customer=customer,
            product=product,
            fault=fault,
            owned_product=owned_product,
            work_order=work_order,
            at=timezone.now(),
        )
        case = Case.objects.create(
            organisation=org,
            kind=kind,
            fault=fault,
            service_case=service_case,
            customer=customer,
            contract=contract,
            product=product,
            decision=decision,
            store=store or getattr(by, "store", None) or customer.store,
            description=description.strip(),
            demand=demand,
            cause=cause,
            installed=installed,
            within_promises=within,
            registered_by=by,
            work_order=work_order,
        )
        prefix = {s.COMPLAINT: "TS", s.EXCHANGE: "HH", s.RETURN: "TH", s.INSTALLED_EXCHANGE: "AH"}
        case.number = f"{prefix[kind]}{timezone.localdate():%y%m%d}{case.pk:05d}"
        case.save(update_fields=["number"])
        audit_record(actor=by, action="shouhou.case.registered", obj=case, after=snapshot(case))
    return case
