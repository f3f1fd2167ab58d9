"""What the front-desk services share: roles, settings, and the guarded state move."""

from __future__ import annotations

import datetime as dt

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

DESK_ROLES = {
    r.CLERK,
    r.CS_SUPERVISOR,
    r.CS_MANAGER,
    r.CALL_CENTRE,
    r.SERVICE_DESK,
    r.STORE_MANAGER,
}


def _now(now=None) -> dt.datetime:
    return now or timezone.now()


def _require_desk(by) -> None:
    r.require_role(by, *DESK_ROLES)
    if not getattr(by, "organisation_id", None):
        raise PermissionDeniedError()


def _same_org(by, obj, field: str | None = None) -> None:
    if obj is not None and obj.organisation_id != by.organisation_id:
        if field:
            raise ValidationFailed(fields={field: [_("Not found.")]})
        raise NotFoundError()


def _move(model, obj, *, frm, to, by, action, **fields):
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
