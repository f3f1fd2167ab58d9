"""What the performance services share: the managers' roles, the caller's organisation, and the
organisation's scoring configuration (settings, tiers and bonus table, created with seed 001's
defaults on first use)."""

from __future__ import annotations

import datetime as dt

from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from shouhou.callbacks.services import settings_for as callback_settings
from shouhou.core.errors import PermissionDeniedError
from shouhou.org import roles as r

from .. import scoring
from ..models import (
    DEFAULT_BONUS_STEPS,
    DEFAULT_TIERS,
    RATES,
    BonusStep,
    ScoreTier,
    ScoringSettings,
)

# Close, re-open, exclude: the managers (seed 001: "及时与售后经理联系").
MANAGER_ROLES = (r.CS_MANAGER, r.STORE_MANAGER, r.VP_OPERATIONS, r.GENERAL_MANAGER)


def _org_id(by) -> int:
    org_id = getattr(by, "organisation_id", None)
    if not org_id:
        raise PermissionDeniedError(
            _("Only a member of an organisation can do this."), code="no_organisation"
        )
    return org_id


def _now(now=None) -> dt.datetime:
    return now or timezone.now()


# The organisation's scoring settings, created with seed 001's defaults on first use (cached).
settings_for = ScoringSettings.for_org


def ensure_defaults(organisation) -> ScoringSettings:
    """Settings, tiers and bonus table with the defaults, for an organisation that has none."""
    org_id = getattr(organisation, "pk", organisation)
    cfg = settings_for(org_id)
    if not ScoreTier.objects.filter(organisation_id=org_id).exists():
        try:
            with transaction.atomic():
                ScoreTier.objects.bulk_create(
                    [
                        ScoreTier(organisation_id=org_id, rate=rate, lower=lo, upper=up, score=sc)
                        for rate in RATES
                        for lo, up, sc in DEFAULT_TIERS[rate]
                    ]
                )
        except IntegrityError:
            pass
    if not BonusStep.objects.filter(organisation_id=org_id).exists():
        try:
            with transaction.atomic():
                BonusStep.objects.bulk_create(
                    [
                        BonusStep(organisation_id=org_id, min_score=s, amount=a)
                        for s, a in DEFAULT_BONUS_STEPS
                    ]
                )
        except IntegrityError:
            pass
    return cfg


def satisfied_from(organisation) -> int:
    """The callback settings' threshold: a satisfaction of at least this counts as satisfied."""

    return callback_settings(organisation).satisfied_from


def scheme_for(organisation) -> scoring.Scheme:
    """The organisation's scoring configuration as plain values."""
    org_id = getattr(organisation, "pk", organisation)
    cfg = ensure_defaults(org_id)
    tiers: dict = {rate: [] for rate in RATES}
    for t in ScoreTier.objects.filter(organisation_id=org_id).order_by("rate", "lower"):
        tiers[t.rate].append(scoring.Tier(t.lower, t.upper, t.score))
    bonus = tuple(
        BonusStep.objects.filter(organisation_id=org_id).values_list("min_score", "amount")
    )
    return scoring.Scheme(weights=cfg.weights(), tiers=tiers, below=cfg.below_score, bonus=bonus)
