"""Every write of the performance app: the scoring settings (validated as a whole), closing and
re-opening a month, excluding a complaint or a dissatisfied callback. Each is one transaction,
checks role and organisation, and leaves an audit event.
"""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from shouhou.callbacks.models import CallbackRecord
from shouhou.callbacks.services import settings_for as callback_settings
from shouhou.complaints.models import Case
from shouhou.core.audit import audit_record, snapshot
from shouhou.core.errors import (
    Conflict,
    DuplicateError,
    InvalidTransition,
    NotFoundError,
    PermissionDeniedError,
    ValidationFailed,
)
from shouhou.core.money import quantize
from shouhou.org import roles as r
from shouhou.staff.models import ServiceStaff, WorkPermit
from shouhou.workdays.services import add_working_days

from . import figures, scoring
from .models import (
    DEFAULT_BONUS_STEPS,
    DEFAULT_TIERS,
    RATES,
    BonusStep,
    Exclusion,
    MonthClose,
    MonthEvent,
    MonthOrder,
    ScoreTier,
    ScoringSettings,
    TechnicianMonth,
)

# Close, re-open, exclude: the managers (seed 001: "及时与售后经理联系").
MANAGER_ROLES = (r.CS_MANAGER, r.STORE_MANAGER, r.VP_OPERATIONS, r.GENERAL_MANAGER)
SETTINGS_ROLES = (r.CS_MANAGER, r.VP_OPERATIONS, r.GENERAL_MANAGER)


def _org_id(by) -> int:
    org_id = getattr(by, "organisation_id", None)
    if not org_id:
        raise PermissionDeniedError(
            _("Only a member of an organisation can do this."), code="no_organisation"
        )
    return org_id


def _now(now=None) -> dt.datetime:
    return now or timezone.now()


# Configuration --------------------------------------------------------------------------------


# The organisation's scoring settings, created with seed 001's defaults on first use (cached).
settings_for = ScoringSettings.for_org


def ensure_defaults(organisation) -> ScoringSettings:
    """Settings, tiers and bonus table with the defaults, for an organisation that has none."""
    org_id = getattr(organisation, "pk", organisation)
    cfg = settings_for(org_id)
    if not ScoreTier.objects.filter(organisation_id=org_id).exists():
        try:
            with transaction.atomic():
                ScoreTier.objects.bulk_create(
                    [
                        ScoreTier(organisation_id=org_id, rate=rate, lower=lo, upper=up, score=sc)
                        for rate in RATES
                        for lo, up, sc in DEFAULT_TIERS[rate]
                    ]
                )
        except IntegrityError:
            pass
    if not BonusStep.objects.filter(organisation_id=org_id).exists():
        try:
            with transaction.atomic():
                BonusStep.objects.bulk_create(
                    [
                        BonusStep(organisation_id=org_id, min_score=s, amount=a)
                        for s, a in DEFAULT_BONUS_STEPS
                    ]
                )
        except IntegrityError:
            pass
    return cfg


def satisfied_from(organisation) -> int:
    """The callback settings' threshold: a satisfaction of at least this counts as satisfied."""

    return callback_settings(organisation).satisfied_from


def scheme_for(organisation) -> scoring.Scheme:
    """The organisation's scoring configuration as plain values."""
    org_id = getattr(organisation, "pk", organisation)
    cfg = ensure_defaults(org_id)
    tiers: dict = {rate: [] for rate in RATES}
    for t in ScoreTier.objects.filter(organisation_id=org_id).order_by("rate", "lower"):
        tiers[t.rate].append(scoring.Tier(t.lower, t.upper, t.score))
    bonus = tuple(
        BonusStep.objects.filter(organisation_id=org_id).values_list("min_score", "amount")
    )
    return scoring.Scheme(weights=cfg.weights(), tiers=tiers, below=cfg.below_score, bonus=bonus)


def _s(value) -> str:
    return str(quantize(value))


def settings_as_dict(organisation) -> dict:
    """The whole configuration in the shape `scoring_settings_update` takes (API and page)."""
    org_id = getattr(organisation, "pk", organisation)
    cfg = ensure_defaults(org_id)
    scheme = scheme_for(org_id)
    return {
        "weights": {k: _s(v) for k, v in cfg.weights().items()},
        "below_score": _s(cfg.below_score),
        "tiers": {
            rate: [
                {"lower": _s(t.lower), "upper": _s(t.upper), "score": _s(t.score)}
                for t in scheme.tiers[rate]
            ]
            for rate in RATES
        },
        "bonus_table": [
            {"min_score": _s(s), "amount": _s(a)} for s, a in sorted(scheme.bonus, reverse=True)
        ],
        "targets": {
            "on_time": _s(cfg.target_on_time),
            "satisfaction": _s(cfg.target_satisfaction),
            "service_complaints": _s(cfg.target_service_complaints),
        },
        "close_after_working_days": cfg.close_after_working_days,
        "trend_months": cfg.trend_months,
        "satisfied_from": satisfied_from(org_id),
    }


def _small_int(value, key, errors, *, lo, hi):
    try:
        n = int(str(value).strip())
    except (TypeError, ValueError):
        errors.setdefault(key, []).append(_("Enter a whole number."))
        return None
    if n < lo or n > hi:
        errors.setdefault(key, []).append(_("Between %(lo)s and %(hi)s.") % {"lo": lo, "hi": hi})
        return None
    return n


def scoring_settings_update(
    *,
    by,
    weights: dict,
    tiers: dict,
    bonus_table: list,
    below_score="0",
    targets: dict | None = None,
    close_after_working_days=None,
    trend_months=None,
) -> ScoringSettings:
    """Replace the organisation's weights, tiers, bonus table and targets in one go.

    Everything is checked first (weights add up to 100 %, tiers without gap or overlap, bonus
    table increasing); any problem → ValidationFailed with every field's message, and nothing
    is written. Closed months keep the scoring they were closed with.
    """
    r.require_role(by, *SETTINGS_ROLES)
    org_id = _org_id(by)
    errors: dict = {}
    w = scoring.check_weights(weights or {}, errors)
    t = scoring.check_tiers(tiers or {}, errors)
    b = scoring.check_bonus(bonus_table or [], errors)
    below = scoring._dec(below_score, errors, "below_score", lo=Decimal("0"), hi=Decimal("100"))
    tg = {}
    for key in ("on_time", "satisfaction", "service_complaints"):
        raw = (targets or {}).get(key)
        if raw in (None, ""):
            continue
        d = scoring._dec(raw, errors, f"targets.{key}", lo=Decimal("0"), hi=Decimal("100"))
        if d is not None:
            tg[key] = d
    delay = trend = None
    if close_after_working_days not in (None, ""):
        delay = _small_int(
            close_after_working_days, "close_after_working_days", errors, lo=0, hi=20
        )
    if trend_months not in (None, ""):
        trend = _small_int(trend_months, "trend_months", errors, lo=1, hi=36)
    if errors:
        raise ValidationFailed(
            _("The scoring settings were not saved: correct the fields marked."),
            fields=errors,
        )
    with transaction.atomic():
        cfg = ScoringSettings.objects.select_for_update().get(pk=ensure_defaults(org_id).pk)
        before = settings_as_dict(org_id)
        for rate in RATES:
            setattr(cfg, f"weight_{rate}", w[rate])
        cfg.below_score = below
        if "on_time" in tg:
            cfg.target_on_time = tg["on_time"]
        if "satisfaction" in tg:
            cfg.target_satisfaction = tg["satisfaction"]
        if "service_complaints" in tg:
            cfg.target_service_complaints = tg["service_complaints"]
        if delay is not None:
            cfg.close_after_working_days = delay
        if trend is not None:
            cfg.trend_months = trend
        cfg.save()
        ScoreTier.objects.filter(organisation_id=org_id).delete()
        ScoreTier.objects.bulk_create(
            [
                ScoreTier(
                    organisation_id=org_id, rate=rate, lower=x.lower, upper=x.upper, score=x.score
                )
                for rate in RATES
                for x in t[rate]
            ]
        )
        BonusStep.objects.filter(organisation_id=org_id).delete()
        BonusStep.objects.bulk_create(
            [BonusStep(organisation_id=org_id, min_score=s, amount=a) for s, a in b]
        )
        audit_record(
            actor=by,
            action="shouhou.scoring_settings.updated",
            obj=cfg,
            before=before,
            after=settings_as_dict(org_id),
        )
    return cfg


# Months ------------------------------------------------------------------------------------------


def month_state(organisation, month: dt.date) -> MonthClose | None:
    org_id = getattr(organisation, "pk", organisation)
    return MonthClose.objects.filter(organisation_id=org_id, month=month).first()


def _permit_numbers(staff_ids) -> dict:
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
    permits = _permit_numbers(list(staff))
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


# Exclusions ------------------------------------------------------------------------------------


def _visit_month(order) -> dt.date | None:
    visit = order.arrived_at or order.completed_at
    return figures.month_of(visit) if visit else None


def _check_open(org_id: int, month: dt.date) -> None:
    mc = MonthClose.objects.filter(organisation_id=org_id, month=month).first()
    if mc is not None and mc.is_closed:
        raise Conflict(
            _("%(month)s is closed: its figures are frozen. A manager must re-open it first.")
            % {"month": f"{month:%Y-%m}"},
            code="month_closed",
        )


def exclusion_create(
    *, by, kind: str, case=None, callback=None, category: str, reason: str, now=None
) -> Exclusion:
    """Take a complaint (malicious or caused by product quality) or a dissatisfied callback out
    of the technician's figures, before the month closes. A manager, with a reason."""

    now = _now(now)
    r.require_role(by, *MANAGER_ROLES)
    org_id = _org_id(by)
    errors: dict = {}
    if kind not in Exclusion.Kind.values:
        raise ValidationFailed(fields={"kind": [_("Choose a complaint or a callback.")]})
    target = None
    if kind == Exclusion.Kind.COMPLAINT:
        pk = getattr(case, "pk", case)
        target = (
            Case.objects.filter(organisation_id=org_id, pk=pk).select_related("work_order")
            if str(pk or "").isdigit()
            else Case.objects.none()
        ).first()
        if target is None:
            raise NotFoundError(_("No such complaint."))
        if target.kind != "complaint":
            errors["case"] = [_("Only a complaint can be excluded (not a return or exchange).")]
        elif target.work_order_id is None:
            errors["case"] = [
                _("This complaint is not linked to a work order, so it counts in no score.")
            ]
    else:
        pk = getattr(callback, "pk", callback)
        target = (
            CallbackRecord.objects.filter(organisation_id=org_id, pk=pk).select_related(
                "work_order"
            )
            if str(pk or "").isdigit()
            else CallbackRecord.objects.none()
        ).first()
        if target is None:
            raise NotFoundError(_("No such callback record."))
        threshold = satisfied_from(org_id)
        if target.work_order_id is None:
            errors["callback"] = [
                _("This callback is not about a work order, so it counts in no score.")
            ]
        elif target.satisfaction is None or target.satisfaction >= threshold:
            errors["callback"] = [_("This callback did not record dissatisfaction.")]
    if category not in Exclusion.Category.values:
        errors["category"] = [_("Choose why it is excluded.")]
    reason = (reason or "").strip()
    if not reason:
        errors["reason"] = [_("Give the reason for the exclusion.")]
    order = target.work_order if target is not None else None
    month = _visit_month(order) if order is not None else None
    if not errors and (month is None or order.technician_id is None):
        errors["case" if kind == Exclusion.Kind.COMPLAINT else "callback"] = [
            _("The order has not been visited yet, so it counts in no month.")
        ]
    if errors:
        raise ValidationFailed(fields=errors)
    with transaction.atomic():
        _check_open(org_id, month)
        # lock the month row if there is one, so a close cannot slip in between
        MonthClose.objects.select_for_update().filter(organisation_id=org_id, month=month).first()
        _check_open(org_id, month)
        active = Exclusion.objects.filter(revoked_at__isnull=True)
        if kind == Exclusion.Kind.COMPLAINT:
            active = active.filter(case=target)
        else:
            active = active.filter(callback=target)
        if active.exists():
            raise DuplicateError(_("This is already excluded."))
        try:
            with transaction.atomic():
                ex = Exclusion.objects.create(
                    organisation_id=org_id,
                    kind=kind,
                    case=target if kind == Exclusion.Kind.COMPLAINT else None,
                    callback=target if kind == Exclusion.Kind.DISSATISFACTION else None,
                    work_order=order,
                    technician_id=order.technician_id,
                    month=month,
                    category=category,
                    reason=reason,
                    created_by=by,
                )
        except IntegrityError:
            raise DuplicateError(_("This is already excluded.")) from None
        audit_record(
            actor=by, action="shouhou.exclusion.created", obj=ex, after=snapshot(ex), note=reason
        )
    return ex


def exclusion_revoke(*, by, exclusion, reason: str, now=None) -> Exclusion:
    """Count an excluded complaint or callback again (before the month closes), with a reason."""
    now = _now(now)
    r.require_role(by, *MANAGER_ROLES)
    org_id = _org_id(by)
    pk = getattr(exclusion, "pk", exclusion)
    ex = (
        Exclusion.objects.filter(organisation_id=org_id, pk=pk).first()
        if str(pk or "").isdigit()
        else None
    )
    if ex is None:
        raise NotFoundError()
    reason = (reason or "").strip()
    if not reason:
        raise ValidationFailed(fields={"reason": [_("Say why the exclusion is revoked.")]})
    with transaction.atomic():
        _check_open(org_id, ex.month)
        before = snapshot(ex, ["revoked_at", "revoked_by_id", "revoke_reason"])
        n = Exclusion.objects.filter(pk=ex.pk, revoked_at__isnull=True).update(
            revoked_at=now, revoked_by=by, revoke_reason=reason, updated_at=now
        )
        if not n:
            raise InvalidTransition(_("This exclusion was already revoked."))
        ex.refresh_from_db()
        audit_record(
            actor=by,
            action="shouhou.exclusion.revoked",
            obj=ex,
            before=before,
            after=snapshot(ex, ["revoked_at", "revoked_by_id", "revoke_reason"]),
            note=reason,
        )
    return ex
