"""Demo scoring (after work orders, callbacks and complaints): the default settings, tiers and
bonus table of every demo organisation. The ranking computes its numbers live from the demo
work orders visited this month; no figures are invented and no month is closed here (the
month-end job does that). Idempotent: defaults are written only where missing."""

from __future__ import annotations

from . import services


def seed(ctx) -> None:
    for organisation in (getattr(ctx, "orgs", None) or {}).values():
        services.ensure_defaults(organisation)
