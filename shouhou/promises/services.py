"""Writes of the promises app: default rules per organisation, and decisions."""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from shouhou.core.audit import audit_record
from shouhou.core.errors import NotFoundError, ValidationFailed
from shouhou.org import roles as r

from . import rules as R
from .defaults import DEFAULT_RULES
from .models import PackagingPromise, PromiseDecision, PromiseRule

DECIDER_ROLES = r.OFFICE_ROLES

# Checks higher apps add (dealers: a late warranty registration card). Each is
# `fn(*, organisation, contract, product, sold_on, on) -> str | None`: words saying why warranty
# service is not recognised for this sale, or None. A refusal turns a granted return, exchange or
# warranty repair into a paid repair and the words are the explanation.
_WARRANTY_CHECKS: list = []


def register_warranty_check(fn):
    """Add a check to every promise decision (idempotent; usable as a decorator)."""
    if fn not in _WARRANTY_CHECKS:
        _WARRANTY_CHECKS.append(fn)
    return fn


def _warranty_refusals(**facts) -> list[str]:
    return [str(w) for fn in _WARRANTY_CHECKS if (w := fn(**facts))]


def promise_rules_ensure_defaults(organisation) -> None:
    """Write seed 004's rules for an organisation that has none yet (idempotent)."""
    if PromiseRule.objects.filter(organisation=organisation).exists():
        return
    try:
        with transaction.atomic():
            for d in DEFAULT_RULES:
                periods = d.get("periods", {})
                fields = {
                    "order": d["order"],
                    "kind": d.get("kind", R.ENTITLEMENT),
                    "title": str(d["title"]),
                    "text": str(d["text"]),
                    "installed_by": d.get("installed_by", R.ANY),
                    "opened": d.get("opened", R.ANY),
                    "causes": list(d.get("causes", [])),
                    "anchor": d.get("anchor", R.FROM_SALE),
                    "requires_receipt": d.get("requires_receipt", True),
                    "requires_packaging": d.get("requires_packaging", True),
                    **{f: d.get("flags", {}).get(f, R.ANY) for f in R.FLAGS},
                }
                for outcome, prefix in (
                    (R.RETURN, "return"),
                    (R.EXCHANGE, "exchange"),
                    (R.REPAIR, "repair"),
                ):
                    amount, unit = periods.get(outcome, (None, ""))
                    fields[f"{prefix}_amount"] = amount
                    fields[f"{prefix}_unit"] = unit
                PromiseRule.objects.get_or_create(
                    organisation=organisation, code=d["code"], defaults=fields
                )
    except IntegrityError:
        pass  # another request wrote them first


def active_rules(organisation) -> list[R.Rule]:
    promise_rules_ensure_defaults(organisation)
    return [
        row.as_rule()
        for row in PromiseRule.objects.filter(organisation=organisation, is_active=True)
    ]


def _installed_by(value: str) -> str:
    if value not in (R.NOT_INSTALLED, R.BY_US, R.BY_OTHERS):
        raise ValidationFailed(fields={"installed_by": [_("Unknown choice.")]})
    return value


def promise_decide(
    *,
    by,
    product=None,
    contract=None,
    contract_line=None,
    customer=None,
    sold_on: dt.date | None = None,
    installed_on: dt.date | None = None,
    installed_by: str = R.NOT_INSTALLED,
    opened: bool = True,
    cause: str = R.QUALITY,
    wanted: str = "",
    has_receipt: bool = True,
    has_packaging: bool = True,
    on: dt.date | None = None,
) -> PromiseDecision:
    """Decide a return / exchange / repair request and store the decision with the rule version.

    The sale date is the contract's delivery date when delivered, else its signing date, unless
    given. A request outside every rule is refused (nothing is written)."""
    r.require_role(by, *DECIDER_ROLES)
    organisation = by.organisation
    on = on or timezone.localdate()
    errors: dict[str, list] = {}
    contract, product, customer, sold_on = _parties(
        organisation,
        errors,
        contract_line=contract_line,
        contract=contract,
        product=product,
        customer=customer,
        sold_on=sold_on,
    )
    _check_request(
        errors,
        sold_on=sold_on,
        installed_on=installed_on,
        installed_by=installed_by,
        cause=cause,
        wanted=wanted,
        on=on,
    )
    if errors or product is None or sold_on is None:  # (each None has its error)
        raise ValidationFailed(fields=errors)
    req = R.Request(
        sold_on=sold_on,
        on=on,
        cause=cause,
        wanted=wanted,
        installed_on=installed_on if installed_by != R.NOT_INSTALLED else None,
        installed_by=installed_by,
        opened=bool(opened),
        has_receipt=bool(has_receipt),
        has_packaging=bool(has_packaging),
        **_product_facts(product, contract_line),
    )
    decision = _decide(req, organisation)
    refusals = _warranty_refusals(
        organisation=organisation, contract=contract, product=product, sold_on=sold_on, on=on
    )
    if refusals and decision.outcome in R.GRANTS:
        # a higher app does not recognise the warranty (e.g. a late registration card)
        decision.outcome = R.PAID_REPAIR
        decision.allowed = []
        decision.until = {}
        decision.explanation = "；".join(refusals)
    with transaction.atomic():
        row = PromiseDecision.objects.create(
            organisation=organisation,
            customer=customer,
            contract=contract,
            contract_line=contract_line,
            product=product,
            facts=_facts(req, decision, refusals),
            wanted=wanted,
            outcome=decision.outcome,
            allowed=list(decision.allowed),
            rule_id=decision.rule.pk,
            rule_code=decision.rule.code,
            rule_version=decision.rule.version,
            explanation=str(decision.explanation),
            missing_documents=list(decision.missing_documents),
            decided_by=by,
        )
        audit_record(actor=by, action="shouhou.promise_decision.created", obj=row)
    return row


def _parties(
    organisation, errors: dict, *, contract_line, contract, product, customer, sold_on
) -> tuple[Any, Any, Any, dt.date | None]:
    """Contract, product, customer and sale date, filled in from the contract line and the
    contract; another organisation's line, contract or product is not found."""
    if contract_line is not None:
        if contract_line.organisation_id != organisation.pk:
            raise NotFoundError()
        contract = contract or contract_line.contract
        product = product or contract_line.product
        if contract_line.contract_id != contract.pk:
            errors["contract_line"] = [_("This line is on another contract.")]
    if contract is not None:
        if contract.organisation_id != organisation.pk:
            raise NotFoundError()
        customer = customer or contract.customer
        sold_on = sold_on or contract.delivered_on or contract.signed_on
    if product is None:
        errors["product"] = [_("Choose the product.")]
    elif product.organisation_id != organisation.pk:
        raise NotFoundError()
    if sold_on is None:
        errors["sold_on"] = [_("Give the date of the sale.")]
    return contract, product, customer, sold_on


def _check_request(errors: dict, *, sold_on, installed_on, installed_by, cause, wanted, on) -> None:
    """Known choices, and sale ≤ installation ≤ request day."""
    if cause not in R.CAUSES:
        errors["cause"] = [_("Unknown cause.")]
    if wanted and wanted not in R.GRANTS:
        errors["wanted"] = [_("Unknown choice.")]
    if installed_by not in (R.NOT_INSTALLED, R.BY_US, R.BY_OTHERS):
        errors["installed_by"] = [_("Unknown choice.")]
    if sold_on is not None and sold_on > on:
        errors["sold_on"] = [_("The sale cannot be after the request.")]
    if installed_on is not None and sold_on is not None and installed_on < sold_on:
        errors["installed_on"] = [_("The installation cannot be before the sale.")]
    if installed_on is not None and installed_on > on:
        errors["installed_on"] = [_("The installation cannot be after the request.")]


def _product_facts(product, contract_line) -> dict:
    """What the rules ask of the product: its kind, its categories up the tree, the warranty
    (the model's when the line names one) and its packaging promise."""
    model = getattr(contract_line, "model", None)
    packaging = PackagingPromise.objects.filter(product=product).first()
    category_ids: list[int] = []
    cat = product.category
    while cat is not None and cat.pk not in category_ids:
        category_ids.append(cat.pk)
        cat = cat.parent
    return {
        "needs_installation": product.needs_installation,
        "electronic": product.is_electronic,
        "single_use": product.is_single_use,
        "adhesive": product.is_adhesive,
        "window_film": product.is_window_film,
        "bulb_or_speaker": product.is_bulb_or_speaker,
        "category_ids": tuple(category_ids),
        "warranty_months": (
            model.effective_warranty_months if model is not None else product.warranty_months
        ),
        "packaging_periods": packaging.periods() if packaging else {},
    }


def _decide(req: R.Request, organisation) -> R.Decision:
    try:
        return R.decide(req, active_rules(organisation))
    except R.NoRuleMatches:
        raise ValidationFailed(
            _(
                "No service-promise rule covers this request (product, installation and cause); "
                "it cannot be decided at the counter. Register it as a complaint instead."
            ),
            code="outside_rules",
        ) from None


def _facts(req: R.Request, decision: R.Decision, refusals: list[str]) -> dict:
    """What the decision was made on, stored with it."""
    return {
        "warranty_refusals": refusals,
        "sold_on": req.sold_on.isoformat(),
        "on": req.on.isoformat(),
        "installed_on": req.installed_on.isoformat() if req.installed_on else None,
        "installed_by": req.installed_by,
        "opened": req.opened,
        "cause": req.cause,
        "has_receipt": req.has_receipt,
        "has_packaging": req.has_packaging,
        "warranty_months": req.warranty_months,
        "until": {k: (v.isoformat() if v else None) for k, v in decision.until.items()},
    }
