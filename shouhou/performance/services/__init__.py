"""Every write of the performance app: the scoring settings (validated as a whole), closing and
re-opening a month, excluding a complaint or a dissatisfied callback. Each is one transaction,
checks role and organisation, and leaves an audit event.

One module per use case (settings, months, exclusions) and `common`; every public name is
re-exported here.
"""

from __future__ import annotations

from .common import (
    MANAGER_ROLES,
    ensure_defaults,
    satisfied_from,
    scheme_for,
    settings_for,
)
from .exclusions import (
    exclusion_create,
    exclusion_revoke,
)
from .months import (
    closable_through,
    month_close,
    month_close_by_job,
    month_reopen,
    month_state,
    permit_numbers,
)
from .settings import (
    SETTINGS_ROLES,
    scoring_settings_update,
    settings_as_dict,
)

__all__ = [
    "MANAGER_ROLES",
    "SETTINGS_ROLES",
    "closable_through",
    "ensure_defaults",
    "exclusion_create",
    "exclusion_revoke",
    "month_close",
    "month_close_by_job",
    "month_reopen",
    "month_state",
    "permit_numbers",
    "satisfied_from",
    "scheme_for",
    "scoring_settings_update",
    "settings_as_dict",
    "settings_for",
]
