"""What the roster services share: the clock, the organisation check and who may plan."""

from __future__ import annotations

import datetime as dt
from typing import TYPE_CHECKING

from django.utils import timezone
from django.utils.translation import gettext as _

from shouhou.core.errors import (
    NotFoundError,
    PermissionDeniedError,
)
from shouhou.org import roles as r

from .. import selectors as sel

if TYPE_CHECKING:
    from shouhou.org.models import User
    from shouhou.staff.models import ServiceStaff


def _now(now: dt.datetime | None = None) -> dt.datetime:
    return now or timezone.now()


def current_time() -> dt.datetime:
    return timezone.now()


def _same_org(by: User, obj: object) -> None:
    if getattr(obj, "organisation_id", None) != getattr(by, "organisation_id", None):
        raise NotFoundError()


def _require_planner(by: User) -> None:
    r.require_role(by, *sel.PLANNERS)


def _self_or_planner(by: User, staff: ServiceStaff) -> None:
    _same_org(by, staff)
    if r.has_role(by, *sel.PLANNERS):
        return
    me = sel.own_staff(by)
    if me is None or me.pk != staff.pk:
        raise PermissionDeniedError(_("Only a supervisor or the person themself can do this."))
