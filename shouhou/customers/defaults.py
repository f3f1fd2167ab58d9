"""Default reference data of the customers app: the fault categories (故障类别) a new organisation
starts with (the desk adds and renames its own in the admin)."""

from __future__ import annotations

from django.db import IntegrityError, transaction
from django.utils.translation import gettext_lazy

from .models import FaultCategory, FaultTier

# (code, name, response tier group): the two seed 002 groups, so the seeded response tiers
# are reachable from the intake's fault choice; an organisation without vehicles deactivates them.
DEFAULT_FAULTS = [
    ("not_working", gettext_lazy("Does not work"), ""),
    ("leak", gettext_lazy("Leaks"), ""),
    ("noise", gettext_lazy("Noise or vibration"), ""),
    ("electrical", gettext_lazy("Electrical fault"), ""),
    ("damage", gettext_lazy("Damaged or defective surface"), ""),
    ("installation", gettext_lazy("Installation problem"), ""),
    ("not_as_described", gettext_lazy("Not as described"), ""),
    ("body", gettext_lazy("Body fault"), FaultTier.BODY),
    ("chassis_engine", gettext_lazy("Chassis or engine fault"), FaultTier.CHASSIS_ENGINE),
    ("other", gettext_lazy("Other fault"), FaultTier.OTHER),
]


def fault_categories_ensure_defaults(organisation) -> None:
    """Write the default fault categories of an organisation that has none (idempotent)."""
    org_id = getattr(organisation, "pk", organisation)
    if FaultCategory.objects.filter(organisation_id=org_id).exists():
        return
    try:
        with transaction.atomic():
            FaultCategory.objects.bulk_create(
                [
                    FaultCategory(
                        organisation_id=org_id, code=code, name=str(name), tier=tier, order=i * 10
                    )
                    for i, (code, name, tier) in enumerate(DEFAULT_FAULTS, start=1)
                ]
            )
    except IntegrityError:
        pass  # written at the same moment by another request
