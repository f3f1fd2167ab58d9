"""The scoring settings: read as one dict, and replaced as a whole after every field is checked."""

from __future__ import annotations

from decimal import Decimal

from django.db import transaction
from django.utils.translation import gettext as _

from shouhou.core.audit import audit_record
from shouhou.core.errors import ValidationFailed
from shouhou.core.money import quantize
from shouhou.org import roles as r

from .. import scoring
from ..models import (
    RATES,
    BonusStep,
    ScoreTier,
    ScoringSettings,
)
from .common import _org_id, ensure_defaults, satisfied_from, scheme_for

SETTINGS_ROLES = (r.CS_MANAGER, r.VP_OPERATIONS, r.GENERAL_MANAGER)


def _s(value) -> str:
    return str(quantize(value))


def settings_as_dict(organisation) -> dict:
    """The whole configuration in the shape `scoring_settings_update` takes (API and page)."""
    org_id = getattr(organisation, "pk", organisation)
    cfg = ensure_defaults(org_id)
    scheme = scheme_for(org_id)
    return {
        "weights": {k: _s(v) for k, v in cfg.weights().items()},
        "below_score": _s(cfg.below_score),
        "tiers": {
            rate: [
                {"lower": _s(t.lower), "upper": _s(t.upper), "score": _s(t.score)}
                for t in scheme.tiers[rate]
            ]
            for rate in RATES
        },
        "bonus_table": [
            {"min_score": _s(s), "amount": _s(a)} for s, a in sorted(scheme.bonus, reverse=True)
        ],
        "targets": {
            "on_time": _s(cfg.target_on_time),
            "satisfaction": _s(cfg.target_satisfaction),
            "service_complaints": _s(cfg.target_service_complaints),
        },
        "close_after_working_days": cfg.close_after_working_days,
        "trend_months": cfg.trend_months,
        "satisfied_from": satisfied_from(org_id),
    }


def _small_int(value, key, errors, *, lo, hi):
    try:
        n = int(str(value).strip())
    except (TypeError, ValueError):
        errors.setdefault(key, []).append(_("Enter a whole number."))
        return None
    if n < lo or n > hi:
        errors.setdefault(key, []).append(_("Between %(lo)s and %(hi)s.") % {"lo": lo, "hi": hi})
        return None
    return n


def scoring_settings_update(
    *,
    by,
    weights: dict,
    tiers: dict,
    bonus_table: list,
    below_score="0",
    targets: dict | None = None,
    close_after_working_days=None,
    trend_months=None,
) -> ScoringSettings:
    """Replace the organisation's weights, tiers, bonus table and targets in one go.

    Everything is checked first (weights add up to 100 %, tiers without gap or overlap, bonus
    table increasing); any problem → ValidationFailed with every field's message, and nothing
    is written. Closed months keep the scoring they were closed with.
    """
    r.require_role(by, *SETTINGS_ROLES)
    org_id = _org_id(by)
    errors: dict = {}
    w = scoring.check_weights(weights or {}, errors)
    t = scoring.check_tiers(tiers or {}, errors)
    b = scoring.check_bonus(bonus_table or [], errors)
    below = scoring._dec(below_score, errors, "below_score", lo=Decimal("0"), hi=Decimal("100"))
    tg = {}
    for key in ("on_time", "satisfaction", "service_complaints"):
        raw = (targets or {}).get(key)
        if raw in (None, ""):
            continue
        d = scoring._dec(raw, errors, f"targets.{key}", lo=Decimal("0"), hi=Decimal("100"))
        if d is not None:
            tg[key] = d
    delay = trend = None
    if close_after_working_days not in (None, ""):
        delay = _small_int(
            close_after_working_days, "close_after_working_days", errors, lo=0, hi=20
        )
    if trend_months not in (None, ""):
        trend = _small_int(trend_months, "trend_months", errors, lo=1, hi=36)
    if errors:
        raise ValidationFailed(
            _("The scoring settings were not saved: correct the fields marked."),
            fields=errors,
        )
    with transaction.atomic():
        cfg = ScoringSettings.objects.select_for_update().get(pk=ensure_defaults(org_id).pk)
        before = settings_as_dict(org_id)
        for rate in RATES:
            setattr(cfg, f"weight_{rate}", w[rate])
        cfg.below_score = below
        if "on_time" in tg:
            cfg.target_on_time = tg["on_time"]
        if "satisfaction" in tg:
            cfg.target_satisfaction = tg["satisfaction"]
        if "service_complaints" in tg:
            cfg.target_service_complaints = tg["service_complaints"]
        if delay is not None:
            cfg.close_after_working_days = delay
        if trend is not None:
            cfg.trend_months = trend
        cfg.save()
        ScoreTier.objects.filter(organisation_id=org_id).delete()
        ScoreTier.objects.bulk_create(
            [
                ScoreTier(
                    organisation_id=org_id, rate=rate, lower=x.lower, upper=x.upper, score=x.score
                )
                for rate in RATES
                for x in t[rate]
            ]
        )
        BonusStep.objects.filter(organisation_id=org_id).delete()
        BonusStep.objects.bulk_create(
            [BonusStep(organisation_id=org_id, min_score=s, amount=a) for s, a in b]
        )
        audit_record(
            actor=by,
            action="shouhou.scoring_settings.updated",
            obj=cfg,
            before=before,
            after=settings_as_dict(org_id),
        )
    return cfg
