"""What the delivery services share: roles, the allowed moves, the locked move with its audit, and
the dates (reconfirmation, workshop, callbacks).
"""

from __future__ import annotations

import datetime as dt
import re

from django.utils import timezone
from django.utils.translation import gettext as _

from shouhou.catalog import inputs
from shouhou.core.dates import add_months
from shouhou.core.errors import (
    InvalidTransition,
    NotFoundError,
    PermissionDeniedError,
)
from shouhou.org import roles as r
from shouhou.staff.services import staff_for_user
from shouhou.workdays.services import add_working_days, is_working_day

from ..models import Delivery, DeliverySettings, DeliveryTask

S = Delivery.Status


SCHEDULER_ROLES = (r.SALES, r.CS_SUPERVISOR, r.CS_MANAGER)


SUPERVISOR_ROLES = (r.CS_SUPERVISOR, r.CS_MANAGER)


WORKSHOP_ROLES = (r.WORKSHOP_SUPERVISOR,)


REPORT_ROLES = (r.CLERK, r.CS_SUPERVISOR, r.CS_MANAGER, r.SERVICE_DESK)


ACTIVE = (S.SCHEDULED, S.RECONFIRMED, S.WORKSHOP_DONE, S.LOADED, S.OUT)


# Which action is allowed from which status (anything else raises InvalidTransition).
ALLOWED_FROM = {
    "reconfirm": {S.SCHEDULED},
    "reschedule": {S.SCHEDULED, S.RECONFIRMED, S.WORKSHOP_DONE},
    "workshop_request": {S.SCHEDULED, S.RECONFIRMED},
    "workshop_done": {S.SCHEDULED, S.RECONFIRMED},
    "assign": {S.SCHEDULED, S.RECONFIRMED, S.WORKSHOP_DONE},
    "confirm_customer": {S.SCHEDULED, S.RECONFIRMED, S.WORKSHOP_DONE, S.LOADED},
    "load": {S.WORKSHOP_DONE},
    "depart": {S.LOADED},
    "collect": {S.OUT},
    "complete": {S.OUT},
    "report": {S.DELIVERED},
    "cancel": {S.SCHEDULED, S.RECONFIRMED, S.WORKSHOP_DONE, S.LOADED},
}


settings_for = DeliverySettings.for_org  # created with the defaults on first use (cached)


def _today() -> dt.date:
    return timezone.localdate()


def _org_id(by) -> int:
    org_id = getattr(by, "organisation_id", None)
    if not org_id:
        raise PermissionDeniedError(
            _("Only a member of an organisation can do this."), code="no_organisation"
        )
    return org_id


def _require(by, *roles) -> int:
    r.require_role(by, *roles)
    return _org_id(by)


def _lock(by, delivery) -> Delivery:
    pk = delivery.pk if isinstance(delivery, Delivery) else inputs.as_id(delivery)
    row = (
        Delivery.objects.select_for_update()
        .filter(organisation_id=getattr(by, "organisation_id", None), pk=pk)
        .first()
        if pk
        else None
    )
    if row is None:
        raise NotFoundError()
    return row


def _check(d: Delivery, action: str) -> None:
    if d.status not in ALLOWED_FROM[action]:
        raise InvalidTransition(
            _("Not possible for a delivery that is %(status)s.")
            % {"status": d.get_status_display()}
        )


def _move(d: Delivery, action: str, new_status: str | None = None, **values) -> Delivery:
    """Guarded update from the status we read; 0 rows means someone else changed it first."""
    _check(d, action)
    values["updated_at"] = timezone.now()
    if new_status:
        values["status"] = new_status
    if not Delivery.objects.filter(pk=d.pk, status=d.status).update(**values):
        raise InvalidTransition(_("The delivery changed meanwhile; please reload."))
    d.refresh_from_db()
    return d


def _is_crew_of(by, d: Delivery) -> bool:
    if not r.has_role(by, r.DELIVERY_CREW) or d.crew_id is None:
        return False
    staff = staff_for_user(by)
    return staff is not None and staff.pk == d.crew_id


def _require_crew(by, d: Delivery) -> None:
    """The delivery's own crew (or a customer-service supervisor on its behalf)."""
    if r.has_role(by, *SUPERVISOR_ROLES) or _is_crew_of(by, d):
        return
    if r.has_role(by, r.DELIVERY_CREW):
        raise NotFoundError()  # another crew's run: ids do not leak
    raise PermissionDeniedError()


def reconfirm_date(scheduled: dt.date, today: dt.date, organisation) -> dt.date | None:
    """For a delivery further away than the lead, the day to re-confirm it (a working day)."""
    lead = settings_for(organisation).reconfirm_lead_days
    if (scheduled - today).days <= lead:
        return None
    day = scheduled - dt.timedelta(days=lead)  # "two weeks before" is a calendar interval
    if not is_working_day(day, organisation):
        day = add_working_days(day, -1, organisation)
    return max(day, today)


def workshop_due(scheduled: dt.date, organisation) -> dt.date:
    n = settings_for(organisation).workshop_due_working_days
    return add_working_days(scheduled, -n, organisation) if n else scheduled


_OFFSET = re.compile(r"^(\d{1,3})([dm])$")


def callback_offsets(organisation) -> list[str]:
    raw = settings_for(organisation).callback_offsets
    return [p.strip() for p in raw.split(",") if _OFFSET.match(p.strip())]


def callback_due(delivered_on: dt.date, offset: str, organisation) -> dt.date:
    n, unit = _OFFSET.match(offset).groups()
    if unit == "d":
        return add_working_days(delivered_on, int(n), organisation)
    return add_working_days(add_months(delivered_on, int(n)), 0, organisation)


def _task_done(d: Delivery, kind: str) -> None:
    DeliveryTask.objects.filter(delivery=d, kind=kind, status=DeliveryTask.Status.OPEN).update(
        status=DeliveryTask.Status.DONE, done_at=timezone.now()
    )
