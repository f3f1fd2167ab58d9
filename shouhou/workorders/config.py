"""Per-organisation configuration of work orders: settings and SLA policies, seeded lazily.

Every number is a row an administrator can change (with history); the defaults below are the
ones of seed 001 / seed 002 and are written once per organisation, the first time it is needed.
"""

from __future__ import annotations

from decimal import Decimal

from django.db import transaction
from django.utils.translation import gettext_lazy as _

from . import deadlines as dl
from . import policies
from .models import SlaPolicy, SlaTarget, WorkOrderSettings

# (code, name, description, criteria, loan unit, [(target, amount, unit, anchor)])
DEFAULT_POLICIES = [
    (
        "standard",
        _("Standard (seed 001)"),
        _(
            "Contact within 1 working day of dispatch, on site within 24 hours in principle, "
            "reply to the call centre within 2 working days."
        ),
        {},
        False,
        [
            (dl.CONTACT, "1", dl.WORKING_DAYS, dl.ANCHOR_DISPATCHED),
            (dl.ONSITE, "24", dl.HOURS, dl.ANCHOR_DISPATCHED),
            (dl.REPLY, "2", dl.WORKING_DAYS, dl.ANCHOR_DISPATCHED),
        ],
    ),
    (
        "emergency",
        _("Emergency (seed 002)"),
        _(
            "Answer within 30 minutes, an engineer on site within 2 hours, fixed within 4 hours "
            "or an equivalent unit lent for free."
        ),
        {"for_emergency": True},
        True,
        [
            (dl.CONTACT, "30", dl.MINUTES, dl.ANCHOR_RECEIVED),
            (dl.ONSITE, "2", dl.HOURS, dl.ANCHOR_RECEIVED),
            (dl.FIXED, "4", dl.HOURS, dl.ANCHOR_RECEIVED),
            (dl.REPLY, "2", dl.WORKING_DAYS, dl.ANCHOR_DISPATCHED),
        ],
    ),
    (
        "distance",
        _("Beyond 100 km (seed 002)"),
        _("Beyond 100 km the customer gets an answer within 12 hours."),
        {"min_distance_km": Decimal("100")},
        False,
        [
            (dl.CONTACT, "12", dl.HOURS, dl.ANCHOR_RECEIVED),
            (dl.REPLY, "2", dl.WORKING_DAYS, dl.ANCHOR_DISPATCHED),
        ],
    ),
]


settings_for = WorkOrderSettings.for_org  # created with the defaults on first use (cached)


def ensure_default_policies(organisation) -> None:
    """Write the default SLA policies for an organisation that has none yet."""
    if SlaPolicy.objects.filter(organisation=organisation).exists():
        return
    with transaction.atomic():
        for code, name, description, criteria, loan, targets in DEFAULT_POLICIES:
            policy, created = SlaPolicy.objects.get_or_create(
                organisation=organisation,
                code=code,
                defaults={
                    "name": str(name),
                    "description": str(description),
                    "loan_unit_if_late": loan,
                    **criteria,
                },
            )
            if created:
                for target, amount, unit, anchor in targets:
                    SlaTarget.objects.create(
                        organisation=organisation,
                        policy=policy,
                        target=target,
                        amount=Decimal(amount),
                        unit=unit,
                        anchor=anchor,
                    )


def ensure_defaults(organisation) -> WorkOrderSettings:
    ensure_default_policies(organisation)
    return settings_for(organisation)


def category_chain(category) -> list[int]:
    ids = []
    seen = set()
    while category is not None and category.pk not in seen:
        ids.append(category.pk)
        seen.add(category.pk)
        category = category.parent
    return ids


def choose_policy(
    *,
    organisation,
    customer=None,
    product=None,
    store=None,
    is_emergency=False,
    distance_km=None,
    ensure=True,
) -> SlaPolicy | None:
    """The most specific active policy for these facts (see `policies.choose`).

    `ensure=False`: the caller has already called `ensure_default_policies`."""
    if ensure:
        ensure_default_policies(organisation)
    rows = list(SlaPolicy.objects.filter(organisation=organisation, is_active=True))
    facts = policies.OrderFacts(
        customer_id=customer.pk if customer else None,
        category_ids=category_chain(product.category if product else None),
        store_id=store.pk if store else None,
        is_emergency=is_emergency,
        distance_km=distance_km,
    )
    crit = [
        policies.PolicyCriteria(
            pk=p.pk,
            customer_id=p.customer_id,
            category_id=p.category_id,
            store_id=p.store_id,
            for_emergency=p.for_emergency,
            min_distance_km=p.min_distance_km,
            priority=p.priority,
        )
        for p in rows
    ]
    best = policies.choose(crit, facts)
    return next((p for p in rows if best and p.pk == best.pk), None)


def target_specs(policy: SlaPolicy | None) -> list[dl.TargetSpec]:
    if policy is None:
        return []
    return [t.spec() for t in SlaTarget.objects.filter(policy=policy)]


def permit_kind(settings: WorkOrderSettings, order_kind: str) -> str | None:
    mapping = {**settings.work_kinds} if settings.work_kinds else {}
    return mapping.get(order_kind)
