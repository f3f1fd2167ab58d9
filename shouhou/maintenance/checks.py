"""Duties the system can check itself: a registry any app adds to with `register_auto_check`.

A check is `fn(*, organisation_id, store_id, user_id, period_start, period_end, today) -> bool`
(True: the duty is done). It runs in the organisation's scope, from the duty job; an item whose
template item names the key is ticked "by the system" as soon as the check says True.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from dataclasses import dataclass

from django.utils.translation import gettext_lazy as _

from shouhou.callbacks.models import CallbackTask

from .models import Visit


@dataclass(frozen=True)
class AutoCheck:
    key: str
    label: str
    fn: Callable[..., bool]


_REGISTRY: dict[str, AutoCheck] = {}


def register_auto_check(key: str, fn: Callable[..., bool], label: str = "") -> None:
    _REGISTRY[key] = AutoCheck(key, str(label or key), fn)


def auto_check(key: str) -> AutoCheck | None:
    return _REGISTRY.get(key)


def auto_checks() -> list[AutoCheck]:
    return sorted(_REGISTRY.values(), key=lambda c: c.key)


def callbacks_yesterday_done(*, organisation_id, store_id, user_id, period_start, period_end,
                             today: dt.date) -> bool:  # fmt: skip
    """Every callback due by yesterday was made (none is still open)."""
    return not CallbackTask.objects.filter(
        organisation_id=organisation_id,
        status=CallbackTask.Status.OPEN,
        due_on__lt=today,
    ).exists()


def no_overdue_visits(*, organisation_id, store_id, user_id, period_start, period_end,
                      today: dt.date) -> bool:  # fmt: skip
    """No maintenance visit is past its due date without being made or skipped."""
    qs = Visit.objects.filter(
        organisation_id=organisation_id,
        status__in=(Visit.Status.PLANNED, Visit.Status.ORDERED),
        due_on__lt=today,
    )
    if store_id:
        qs = qs.filter(plan__asset__store_id=store_id)
    return not qs.exists()


def register_builtin() -> None:
    register_auto_check(
        "callbacks.yesterday_done",
        callbacks_yesterday_done,
        _("Every callback due by yesterday was made"),
    )
    register_auto_check(
        "maintenance.no_overdue_visits", no_overdue_visits, _("No maintenance visit is overdue")
    )
