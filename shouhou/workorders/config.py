"""Per-organisation configuration of work orders: settings and SLA policies, seeded lazily.

Every number is a row an administrator can change (with history); the defaults below are the
ones of seed 001 / seed 002 and are written once per organisation, the first time it is needed
(when the per-organisation cache `org_config` is filled, so never on the hot path).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from decimal import Decimal

from django.db import transaction
from django.db.models import Count, Max, OuterRef, Subquery
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from shouhou.core.orgcache import OrgCache
from shouhou.org.models import Organisation

from . import deadlines as dl
from . import policies
from .models import FaultTier, Route, SlaPolicy, SlaTarget, WorkOrderSettings
from .tiers import DEFAULT_TIERS

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
    # The response tiers of seed 002 (fault category, distance band, route), see tiers.py.
    *DEFAULT_TIERS,
]


settings_for = WorkOrderSettings.for_org  # created with the defaults on first use (cached)


def _pk(organisation) -> int:
    return organisation if isinstance(organisation, int) else organisation.pk


def ensure_default_policies(organisation) -> None:
    """Write the default SLA policies for an organisation that has none yet."""
    org_id = _pk(organisation)
    if SlaPolicy.objects.filter(organisation_id=org_id).exists():
        return
    with transaction.atomic():
        for code, name, description, criteria, loan, targets in DEFAULT_POLICIES:
            policy, created = SlaPolicy.objects.get_or_create(
                organisation_id=org_id,
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
                        organisation_id=org_id,
                        policy=policy,
                        target=target,
                        amount=Decimal(amount),
                        unit=unit,
                        anchor=anchor,
                    )


def ensure_defaults(organisation) -> WorkOrderSettings:
    """The organisation's settings (defaults written on first use), from the cache."""
    return org_config(organisation).settings


@dataclass
class OrgConfig:
    """What every intake and dispatch reads: settings, active policies, each policy's targets."""

    settings: WorkOrderSettings
    policies: list[SlaPolicy]
    specs: dict[int, list[dl.TargetSpec]] = field(default_factory=dict)


def _load(org_id: int) -> OrgConfig:
    ensure_default_policies(org_id)
    settings = settings_for(org_id)
    policies = list(SlaPolicy.objects.filter(organisation_id=org_id).order_by("pk"))
    specs: dict[int, list[dl.TargetSpec]] = {p.pk: [] for p in policies}
    for t in SlaTarget.objects.filter(organisation_id=org_id).order_by("policy_id", "target"):
        specs.setdefault(t.policy_id, []).append(t.spec())
    return OrgConfig(settings, [p for p in policies if p.is_active], specs)


def _fingerprint(org_id: int) -> tuple:
    """Counts and latest changes of the rows `_load` reads, in one query."""

    def stats(model, what):
        return Subquery(
            model.objects.filter(organisation_id=OuterRef("pk"))
            .order_by()
            .values("organisation_id")
            .annotate(v=what)
            .values("v")
        )

    row = (
        Organisation.objects.filter(pk=org_id)
        .annotate(
            policies=stats(SlaPolicy, Count("pk")),
            policies_at=stats(SlaPolicy, Max("updated_at")),
            targets=stats(SlaTarget, Count("pk")),
            targets_at=stats(SlaTarget, Max("updated_at")),
            settings_at=Subquery(
                WorkOrderSettings.objects.filter(organisation_id=OuterRef("pk")).values(
                    "updated_at"
                )[:1]
            ),
        )
        .values_list("policies", "policies_at", "targets", "targets_at", "settings_at")
        .first()
    )
    return tuple(row) if row else ()


_cache = OrgCache("workorders-config", _load, _fingerprint)
_cache.invalidate_on(SlaPolicy, SlaTarget, WorkOrderSettings)


def org_config(organisation) -> OrgConfig:
    """The organisation's work-order configuration, cached per process (see core.orgcache)."""
    return _cache.get(_pk(organisation))


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
    fault_category="",
    route="",
    ensure=True,
) -> SlaPolicy | None:
    """The most specific active policy for these facts (see `policies.choose`), from the
    cached configuration (which writes the defaults on its first load; `ensure` is kept for
    callers of the older signature)."""
    return choose_policy_with_reason(
        organisation=organisation,
        customer=customer,
        product=product,
        store=store,
        is_emergency=is_emergency,
        distance_km=distance_km,
        fault_category=fault_category,
        route=route,
    )[0]


def _criteria(p: SlaPolicy) -> policies.PolicyCriteria:
    return policies.PolicyCriteria(
        pk=p.pk,
        customer_id=p.customer_id,
        category_id=p.category_id,
        store_id=p.store_id,
        for_emergency=p.for_emergency,
        min_distance_km=p.min_distance_km,
        max_distance_km=p.max_distance_km,
        fault_category=p.fault_category,
        route=p.route,
        priority=p.priority,
    )


def choose_policy_with_reason(
    *,
    organisation,
    customer=None,
    product=None,
    store=None,
    is_emergency=False,
    distance_km=None,
    fault_category="",
    route="",
) -> tuple[SlaPolicy | None, str]:
    """The policy (response tier) for these facts and, in words, why it was chosen: the
    conditions of the policy that held (no query: the policies come from the cache)."""
    rows = org_config(organisation).policies
    facts = policies.OrderFacts(
        customer_id=customer.pk if customer else None,
        category_ids=category_chain(product.category if product else None),
        store_id=store.pk if store else None,
        is_emergency=is_emergency,
        distance_km=distance_km,
        fault_category=fault_category or "",
        route=route or "",
    )
    by_pk = {p.pk: p for p in rows}
    best = policies.choose([_criteria(p) for p in rows], facts)
    if best is None:
        return None, ""
    policy = by_pk[best.pk]
    return policy, policy_reason(policy, facts)


def policy_reason(policy: SlaPolicy, facts: policies.OrderFacts) -> str:
    """Why `policy` applies to an order with these facts, in the language of the request."""
    words = {
        "customer": lambda: gettext("a policy for this customer"),
        "route": lambda: str(Route(policy.route).label),
        "fault": lambda: str(FaultTier(policy.fault_category).label),
        "category": lambda: gettext("a policy for this product category"),
        "store": lambda: gettext("a policy for this store"),
        "emergency": lambda: gettext("emergency"),
        "beyond": lambda: (
            gettext("%(d)s km, beyond %(r)s km")
            % {"d": facts.distance_km, "r": policy.min_distance_km}
        ),
        "within": lambda: (
            gettext("%(d)s km, within %(r)s km")
            % {"d": facts.distance_km, "r": policy.max_distance_km}
        ),
        "within_unknown": lambda: (
            gettext("distance not known, taken as within %(r)s km") % {"r": policy.max_distance_km}
        ),
        "default": lambda: gettext("the organisation's default"),
    }
    text = "; ".join(words[code]() for code in policies.reasons(_criteria(policy), facts))
    return text[:200]


def target_specs(policy: SlaPolicy | None) -> list[dl.TargetSpec]:
    if policy is None:
        return []
    specs = org_config(policy.organisation_id).specs.get(policy.pk)
    if specs is None:  # a policy made since the cache was filled (another process)
        return [t.spec() for t in SlaTarget.objects.filter(policy=policy)]
    return list(specs)


def policy_specs(organisation_id: int, policy_id: int | None) -> list[dl.TargetSpec]:
    """The targets of a policy, by ids (no policy row loaded), from the cache."""
    if policy_id is None:
        return []
    specs = org_config(organisation_id).specs.get(policy_id)
    if specs is None:
        return [t.spec() for t in SlaTarget.objects.filter(policy_id=policy_id)]
    return list(specs)


def permit_kind(settings: WorkOrderSettings, order_kind: str) -> str | None:
    mapping = {**settings.work_kinds} if settings.work_kinds else {}
    return mapping.get(order_kind)
