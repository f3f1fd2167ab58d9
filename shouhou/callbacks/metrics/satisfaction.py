"""Satisfaction: the scores of the period, by store, technician or kind."""

from __future__ import annotations

import datetime as dt
from decimal import ROUND_HALF_UP, Decimal

from django.db.models import (
    Count,
    Q,
    Sum,
)
from django.utils.translation import gettext as _

from shouhou.core.errors import ValidationFailed
from shouhou.workdays.services import calendar_for

from ..models import CallbackRecord
from .common import _CENT, _bounds, _pct, _settings, period_errors, resolve_grouping

# -- satisfaction -----------------------------------------------------------------------------
_GROUP_FIELDS = {
    "store": ("store_id", "store__name", None),
    "technician": ("technician_id", "technician__name", None),
    "product": ("product_model_id", "product_model__product__name", "product_model__code"),
}


def _score_row(key, label, scored, total, satisfied, scores) -> dict:
    return {
        "id": key,
        "label": label,
        "scored": scored,
        "average": (Decimal(total) / Decimal(scored)).quantize(_CENT, rounding=ROUND_HALF_UP)
        if scored
        else None,
        "satisfied": satisfied,
        "not_satisfied": scored - satisfied,
        "satisfied_pct": _pct(satisfied, scored),
        "not_satisfied_pct": _pct(scored - satisfied, scored),
        "scores": scores,
    }


def satisfaction(
    organisation, date_from: dt.date, date_to: dt.date, by: str = "store", store=None
) -> dict:
    """Scored callback records (called in the period) grouped by store, technician or product
    model, in one grouped query; `rows` by name, `overall` for all of them."""
    by = resolve_grouping(by)
    errors = period_errors(date_from, date_to)
    if errors:
        raise ValidationFailed(fields=errors)
    settings = _settings(organisation)
    threshold = settings.satisfied_from
    cal = calendar_for(organisation)
    start, end = _bounds(cal, date_from, date_to)
    qs = CallbackRecord.objects.filter(
        organisation=organisation,
        called_at__gte=start,
        called_at__lt=end,
        satisfaction__isnull=False,
    )
    if store is not None:
        qs = qs.filter(store=store)
    key, name, extra = _GROUP_FIELDS[by]
    fields = [key, name] + ([extra] if extra else [])
    grouped = (
        qs.values(*fields)
        .annotate(
            scored=Count("pk"),
            total=Sum("satisfaction"),
            satisfied=Count("pk", filter=Q(satisfaction__gte=threshold)),
            **{f"s{k}": Count("pk", filter=Q(satisfaction=k)) for k in range(1, 6)},
        )
        .order_by(name, key)
    )
    none_label = {
        "store": _("(no store)"),
        "technician": _("(no technician)"),
        "product": _("(no product model)"),
    }[by]
    rows = []
    sums = {"scored": 0, "total": 0, "satisfied": 0, "scores": [0] * 5}
    for g in grouped:
        label = " ".join(str(g[f]) for f in fields[1:] if g[f]) or none_label
        scores = [g[f"s{k}"] for k in range(1, 6)]
        rows.append(_score_row(g[key], label, g["scored"], g["total"], g["satisfied"], scores))
        sums["scored"] += g["scored"]
        sums["total"] += g["total"]
        sums["satisfied"] += g["satisfied"]
        sums["scores"] = [a + b for a, b in zip(sums["scores"], scores, strict=True)]
    rows.sort(key=lambda row: row["id"] is None)  # the "no store / technician" row last
    return {
        "date_from": date_from,
        "date_to": date_to,
        "by": by,
        "satisfied_from": threshold,
        "rows": rows,
        "overall": _score_row(
            None, _("All"), sums["scored"], sums["total"], sums["satisfied"], sums["scores"]
        ),
    }
