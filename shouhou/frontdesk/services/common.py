"""What the front-desk services share: roles, settings, and the guarded state move."""

from __future__ import annotations

import datetime as dt
from collections.abc import Collection
from typing import TYPE_CHECKING, TypeVar

from django.utils import timezone
from django.utils.translation import gettext as _

from shouhou.core.audit import audit_record, snapshot
from shouhou.core.errors import (
    InvalidTransition,
    NotFoundError,
    PermissionDeniedError,
    ValidationFailed,
)
from shouhou.org import roles as r

from ..models import Contact, DeskReturn, Handover, Reservation

if TYPE_CHECKING:
    from shouhou.core.models import OrgScopedModel
    from shouhou.org.models import User

# The rows with a guarded status.
_Moving = TypeVar("_Moving", Contact, DeskReturn, Handover, Reservation)

DESK_ROLES = {
    r.CLERK,
    r.CS_SUPERVISOR,
    r.CS_MANAGER,
    r.CALL_CENTRE,
    r.SERVICE_DESK,
    r.STORE_MANAGER,
}


def _now(now: dt.datetime | None = None) -> dt.datetime:
    return now or timezone.now()


def _require_desk(by: User) -> int:
    """The desk roles, and the organisation the user acts for (its id)."""
    r.require_role(by, *DESK_ROLES)
    if not by.organisation_id:
        raise PermissionDeniedError()
    return by.organisation_id


def _same_org(by: User, obj: OrgScopedModel | None, field: str | None = None) -> None:
    if obj is not None and obj.organisation_id != by.organisation_id:
        if field:
            raise ValidationFailed(fields={field: [_("Not found.")]})
        raise NotFoundError()


def _move(
    model: type[_Moving],
    obj: _Moving,
    *,
    frm: Collection[str],
    to: str,
    by: User,
    action: str,
    **fields: object,
) -> _Moving:
    """Guarded state change: `frm` the allowed states, `to` the new one."""
    if obj.status not in frm:
        raise InvalidTransition(
            _("Not possible while it is “%(state)s”.") % {"state": obj.get_status_display()}
        )
    before = snapshot(obj)
    n = model.objects.filter(pk=obj.pk, status=obj.status).update(status=to, **fields)
    if n == 0:
        raise InvalidTransition(_("Someone else changed it first; reload the page."))
    obj.refresh_from_db()
    audit_record(
        actor=by,
        action=action,
        obj=obj,
        before={"status": before["status"]},
        after={"status": to, **snapshot(obj, list(fields))},
    )
    return obj
