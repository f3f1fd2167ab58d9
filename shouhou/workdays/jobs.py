"""Periodic work of the calendar (registered in shouhou/jobs.py)."""

from __future__ import annotations

import datetime as dt

from django_scopes import scopes_disabled

COUNTS = ("created", "updated", "unchanged", "skipped_manual")


def ensure_calendars(now: dt.datetime) -> dict[str, int]:
    """Make sure every organisation has every year the chinesecalendar package knows.

    Idempotent: years already copied are left alone (counted "unchanged"), manual years are never
    touched ("skipped_manual"), a package year whose data changed with a newer package is
    replaced ("updated"). Returns `{"organisations": n, "created", "updated", "unchanged",
    "skipped_manual"}` summed over the organisations. Two queries per organisation.
    """
    from shouhou.org.models import Organisation

    from .services import calendar_import_package_years

    totals = {"organisations": 0, **dict.fromkeys(COUNTS, 0)}
    with scopes_disabled():
        for organisation in Organisation.objects.order_by("pk"):
            counts = calendar_import_package_years(organisation=organisation)
            totals["organisations"] += 1
            for key in COUNTS:
                totals[key] += counts[key]
    return totals
