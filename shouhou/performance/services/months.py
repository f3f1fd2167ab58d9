"""Closing a month (its figures frozen per order and technician) and re-opening it; the job's
close and the last month it may close."""

from __future__ import annotations

import datetime as dt

from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from shouhou.core.audit import audit_record, snapshot
from shouhou.core.errors import (
    Conflict,
    InvalidTransition,
    ValidationFailed,
)
from shouhou.org import roles as r
from shouhou.staff.models import ServiceStaff, WorkPermit
from shouhou.workdays.services import add_working_days

from .. import figures, scoring
from ..models import (
    RATES,
    MonthClose,
    MonthEvent,
    MonthOrder,
    TechnicianMonth,
)
from .common import MANAGER_ROLES, _now, _org_id, satisfied_from, scheme_for, settings_for


def month_state(organisation, month: dt.date) -> MonthClose | None:
    org_id = getattr(organisation, "pk", organisation)
    return MonthClose.objects.filter(organisation_id=org_id, month=month).first()


def permit_numbers(staff_ids) -> dict:
    """Each technician's current work-permit number (valid or suspended, else the latest)."""
    numbers = {}
    for staff_id, number, status in (
        WorkPermit.objects.filter(staff_id__in=staff_ids)
        .order_by("staff_id", "-issued_on", "-id")
        .values_list("staff_id", "number", "status")
    ):
        # the current permit (valid or suspended) wins, else the latest one
        if staff_id not in numbers or (
            status in ("valid", "suspended") and numbers[staff_id][1] not in ("valid", "suspended")
        ):
            numbers[staff_id] = (number, status)
    return {k: v[0] for k, v in numbers.items()}


def _freeze(mc: MonthClose, *, scheme: scoring.Scheme, sat_from: int, now) -> tuple[int, int]:
    """Write the month's MonthOrder and TechnicianMonth rows; returns (technicians, orders)."""

    org_id, month = mc.organisation_id, mc.month
    orders = figures.freeze_orders(
        organisation_id=org_id, month=month, satisfied_from=sat_from, now=now
    )
    counts = figures.technician_counts(figures.frozen_facts(organisation_id=org_id, month=month))
    staff = {
        s.pk: s for s in ServiceStaff.objects.filter(pk__in=[c["technician_id"] for c in counts])
    }
    permits = permit_numbers(list(staff))
    rows = []
    for c in counts:
        s = staff[c["technician_id"]]
        res = scoring.score({k: c[k] for k in figures.RATE_FLAGS}, c["base"], scheme)
        rows.append(
            TechnicianMonth(
                organisation_id=org_id,
                month_close=mc,
                month=month,
                technician=s,
                technician_name=s.name,
                permit_number=permits.get(s.pk, ""),
                store_id=s.store_id,
                merchant_id=s.merchant_id,
                base=c["base"],
                rated=c["rated"],
                **{k: c[k] for k in figures.RATE_FLAGS},
                **{f"rate_{k}": res.rates[k] for k in RATES},
                **{f"score_{k}": res.scores[k] for k in RATES},
                total=res.total,
                bonus_base=res.bonus_base,
            )
        )
    TechnicianMonth.objects.bulk_create(rows, batch_size=1000, ignore_conflicts=True)
    return len(rows), orders


def _month_row(organisation_id: int, month: dt.date) -> MonthClose:
    """The month's row, created open if missing, locked for the rest of the transaction."""
    try:
        with transaction.atomic():
            MonthClose.objects.get_or_create(organisation_id=organisation_id, month=month)
    except IntegrityError:
        pass  # created at the same moment by someone else
    return MonthClose.objects.select_for_update().get(organisation_id=organisation_id, month=month)


def _close(organisation_id: int, month: dt.date, *, by, now, automatic: bool) -> MonthClose | None:
    """Close one month (one transaction). The job skips months a manager re-opened."""
    with transaction.atomic():
        mc = _month_row(organisation_id, month)
        if mc.is_closed:
            if automatic:
                return None
            who = str(mc.closed_by) if mc.closed_by_id else ""
            raise Conflict(
                _("%(month)s is already closed (%(at)s%(by)s).")
                % {
                    "month": f"{month:%Y-%m}",
                    "at": timezone.localtime(mc.closed_at).strftime("%Y-%m-%d %H:%M"),
                    "by": f", {who}" if who else _(", by the month-end job"),
                },
                code="month_closed",
            )
        if automatic and mc.reopen_count:
            return None  # re-opened by a manager: closed again by a manager, not by the job
        scheme = scheme_for(organisation_id)
        sat_from = satisfied_from(organisation_id)
        technicians, orders = _freeze(mc, scheme=scheme, sat_from=sat_from, now=now)
        before = snapshot(mc, ["status", "closed_at", "closed_by_id"])
        updated = MonthClose.objects.filter(pk=mc.pk, status=MonthClose.Status.OPEN).update(
            status=MonthClose.Status.CLOSED,
            closed_at=now,
            closed_by=by,
            scheme={**scheme.as_json(), "satisfied_from": sat_from},
            updated_at=now,
        )
        if not updated:  # pragma: no cover - the row is locked above
            raise InvalidTransition()
        mc.refresh_from_db()
        MonthEvent.objects.create(
            organisation_id=organisation_id,
            month_close=mc,
            action=MonthEvent.Action.CLOSED,
            at=now,
            by=by,
            technicians=technicians,
            orders=orders,
        )
        audit_record(
            actor=by,
            action="shouhou.performance_month.closed",
            obj=mc,
            before=before,
            after=snapshot(mc, ["status", "closed_at", "closed_by_id"]),
            note=_("%(n)s technicians, %(o)s orders frozen.") % {"n": technicians, "o": orders}
            + ("" if by else " " + _("(month-end job)")),
        )
    return mc


def month_close_by_job(organisation_id: int, month: dt.date, *, now) -> MonthClose | None:
    """The month-end job closes a month: None when it is closed already or a manager re-opened
    it (then a manager closes it again, not the job)."""
    return _close(organisation_id, month, by=None, now=now, automatic=True)


def month_close(*, by, month, now=None) -> MonthClose:
    """A manager closes a month that has ended: the figures are frozen (409 if already closed
    or not ended yet)."""
    now = _now(now)
    r.require_role(by, *MANAGER_ROLES)
    org_id = _org_id(by)
    month = figures.parse_month(month)
    _start, end = figures.month_bounds(month)
    if now < end:
        raise InvalidTransition(
            _("%(month)s has not ended yet: a month closes after its last day (%(day)s).")
            % {"month": f"{month:%Y-%m}", "day": figures.month_last_day(month).isoformat()},
            code="month_not_ended",
        )
    return _close(org_id, month, by=by, now=now, automatic=False)


def month_reopen(*, by, month, reason: str, now=None) -> MonthClose:
    """A manager re-opens a closed month (a reason is required): the frozen rows are deleted
    (their totals are kept in the event), and the month computes live again until closed."""
    now = _now(now)
    r.require_role(by, *MANAGER_ROLES)
    org_id = _org_id(by)
    month = figures.parse_month(month)
    reason = (reason or "").strip()
    if not reason:
        raise ValidationFailed(fields={"reason": [_("Say why the month is re-opened.")]})
    with transaction.atomic():
        mc = (
            MonthClose.objects.select_for_update()
            .filter(organisation_id=org_id, month=month)
            .first()
        )
        if mc is None or not mc.is_closed:
            raise InvalidTransition(
                _("%(month)s is not closed.") % {"month": f"{month:%Y-%m}"},
                code="month_not_closed",
            )
        frozen = list(
            TechnicianMonth.objects.filter(month_close=mc)
            .order_by("technician_id")
            .values_list("technician_id", "total", "bonus_base")
        )
        orders = MonthOrder.objects.filter(organisation_id=org_id, month=month).count()
        TechnicianMonth.objects.filter(month_close=mc).delete()
        MonthOrder.objects.filter(organisation_id=org_id, month=month).delete()
        before = snapshot(mc, ["status", "closed_at", "closed_by_id", "reopen_count"])
        MonthClose.objects.filter(pk=mc.pk).update(
            status=MonthClose.Status.OPEN,
            reopened_at=now,
            reopened_by=by,
            reopen_count=mc.reopen_count + 1,
            updated_at=now,
        )
        mc.refresh_from_db()
        MonthEvent.objects.create(
            organisation_id=org_id,
            month_close=mc,
            action=MonthEvent.Action.REOPENED,
            at=now,
            by=by,
            reason=reason,
            technicians=len(frozen),
            orders=orders,
            figures=[[t, str(total), str(bonus)] for t, total, bonus in frozen],
        )
        audit_record(
            actor=by,
            action="shouhou.performance_month.reopened",
            obj=mc,
            before=before,
            after=snapshot(mc, ["status", "closed_at", "closed_by_id", "reopen_count"]),
            note=reason,
        )
    return mc


def closable_through(organisation, today: dt.date) -> dt.date | None:
    """The last month the job may close on `today` (the month before, once the configured number
    of working days after its last day has passed)."""
    cfg = settings_for(organisation)
    last = figures.add_months(today.replace(day=1), -1)
    if cfg.close_after_working_days:
        while last.year > 2000:
            due = add_working_days(
                figures.month_last_day(last), cfg.close_after_working_days, organisation
            )
            if today >= due:
                return last
            last = figures.add_months(last, -1)
        return None
    return last
