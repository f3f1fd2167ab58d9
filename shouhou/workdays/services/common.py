"""What the calendar functions share: an organisation or its id, and its scope."""

from __future__ import annotations

from contextlib import AbstractContextManager
from typing import TYPE_CHECKING, TypeAlias

from django_scopes import scope

from shouhou.org.models import Organisation

if TYPE_CHECKING:
    from shouhou.org.models import Organisation


# An organisation or its id: every calendar function takes either (None: a ValueError).
OrgRef: TypeAlias = "Organisation | int | None"


# -- loading and caching ---------------------------------------------------------------------
def _org_id(organisation: OrgRef) -> int:
    pk = organisation if isinstance(organisation, int) else getattr(organisation, "pk", None)
    if pk is None:
        raise ValueError("an organisation (or its id) is required")
    return pk


def _in_scope_of(organisation: OrgRef) -> AbstractContextManager[None]:
    """The calendar functions name their organisation: they run in its scope (whatever scope
    the caller has open: a request of that organisation, a job, the creation of a new one)."""
    return scope(organisation=_org_id(organisation))
