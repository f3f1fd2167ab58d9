"""Drop the in-process calendar copy on a change and give every new organisation the official schedule."""

from __future__ import annotations

import logging
from typing import Any

from django.db.models.signals import post_delete, post_save
from django.utils import timezone

from shouhou.org.models import Organisation, OrganisationSettings

log = logging.getLogger(__name__)

# A new organisation gets the package years from this many years before the current one.
RECENT_YEARS = 2


def _invalidate_for(sender: Any, instance: Any, **kwargs: Any) -> None:
    from .services import invalidate

    org_id = getattr(instance, "organisation_id", None)
    if org_id is not None:
        invalidate(org_id)


def _seed_new_organisation(
    sender: Any, instance: Any, created: bool, raw: bool = False, **kwargs: Any
) -> None:
    if not created or raw:
        return
    from .package import package_years
    from .services import invalidate
    from .services.editing import _import_package_years

    invalidate(instance.pk)  # an id reused after a rollback must not see an old calendar
    # The recent years at once (cheap: a few hundred rows); the daily job copies the older ones.
    first = timezone.localdate().year - RECENT_YEARS
    try:
        _import_package_years(
            organisation=instance,
            years=[y for y in package_years() if y >= first],
            by=None,
            record=False,
        )
    except Exception:  # noqa: BLE001 - never block creating an organisation; the daily job retries
        log.exception("could not copy the official calendar for organisation %s", instance.pk)


def connect() -> None:
    from .models import WorkCalendar, WorkCalendarDay

    for model in (WorkCalendar, WorkCalendarDay, OrganisationSettings):
        uid = f"workdays-invalidate-{model._meta.label_lower}"
        post_save.connect(_invalidate_for, sender=model, dispatch_uid=uid + "-save")
        post_delete.connect(_invalidate_for, sender=model, dispatch_uid=uid + "-delete")
    post_save.connect(
        _seed_new_organisation, sender=Organisation, dispatch_uid="workdays-seed-new-organisation"
    )
