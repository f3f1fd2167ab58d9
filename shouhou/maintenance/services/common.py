"""What the maintenance services share: roles, settings and the organisation checks."""

from __future__ import annotations

import datetime as dt
from typing import TYPE_CHECKING

from django.utils import timezone
from django.utils.translation import gettext as _

from shouhou.core.errors import (
    NotFoundError,
    ValidationFailed,
)
from shouhou.org import roles as r

if TYPE_CHECKING:
    from shouhou.core.models import OrgScopedModel
    from shouhou.org.models import User

# Who runs maintenance contracts: the service office and its managers.
PLAN_ROLES = {
    r.CS_SUPERVISOR,
    r.CS_MANAGER,
    r.SERVICE_DESK,
    r.STORE_MANAGER,
    r.WORKSHOP_SUPERVISOR,
    r.GENERAL_MANAGER,
    r.VP_OPERATIONS,
}


def _now(now: dt.datetime | None = None) -> dt.datetime:
    return now or timezone.now()


def _same_org(by: User, obj: OrgScopedModel | None) -> None:
    if obj is not None and obj.organisation_id != by.organisation_id:
        raise NotFoundError()


def _check_field_org(by: User, **objs: OrgScopedModel | None) -> None:
    for name, obj in objs.items():
        if obj is not None and obj.organisation_id != by.organisation_id:
            raise ValidationFailed(fields={name: [_("Not found.")]})
