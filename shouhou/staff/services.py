"""Every write of the staff app, plus `can_work` and `staff_for_user` for other apps.

Other apps call:
    can_work(*, staff, kind, on_date) -> WorkCheck(ok, reason, code)
    staff_for_user(user) -> ServiceStaff | None
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from decimal import Decimal

from django.db import IntegrityError, transaction
from django.db.models import Exists, OuterRef
from django.db.models.fields.files import FieldFile
from django.utils import timezone
from django.utils.translation import gettext as _

from shouhou.core.audit import audit_record, snapshot
from shouhou.core.dates import add_months, month_start
from shouhou.core.errors import (
    Conflict,
    DuplicateError,
    InvalidTransition,
    NotFoundError,
    ValidationFailed,
)
from shouhou.core.money import to_money
from shouhou.core.phones import check_phone
from shouhou.org import roles as r

from . import flows
from .access import FINE_REPORTERS, PERMIT_MANAGERS, can_see_staff, is_merchant_admin_only
from .idnumbers import normalise_id_number
from .models import (
    Assessment,
    Attendance,
    ConductRule,
    DepositRefund,
    FeeCharge,
    Fine,
    OnboardingApplication,
    OnboardingStep,
    Payment,
    ServiceStaff,
    StaffDocument,
    StaffSettings,
    TrainingSession,
    WorkKind,
    WorkPermit,
)

# ---------------------------------------------------------------------------------------------
# For other apps: may this person do this kind of work on this day?


@dataclass(frozen=True)
class WorkCheck:
    ok: bool
    reason: str
    code: str

    def __bool__(self) -> bool:
        return self.ok


def _current_permit(staff) -> WorkPermit | None:
    # Filtered by the staff member's own organisation, so it also works outside a request scope.
    return (
        WorkPermit.objects.filter(organisation_id=staff.organisation_id, staff_id=staff.pk)
        .order_by("-issued_on", "-id")
        .first()
    )


def current_permit(staff) -> WorkPermit | None:
    """The newest permit of `staff` (whatever its status), or None."""
    return _current_permit(staff)


def can_work(*, staff, kind: str, on_date: dt.date) -> WorkCheck:
    """Yes, or why not: the work-order dispatch refuses with `reason` when `ok` is False."""
    if staff is None:
        return WorkCheck(False, _("No service staff member was given."), "no_staff")
    if kind not in WorkKind.values:
        return WorkCheck(
            False, _("Unknown kind of work: %(kind)s.") % {"kind": kind}, "unknown_kind"
        )
    label = str(WorkKind(kind).label)
    name = staff.name
    if staff.status == ServiceStaff.Status.LEFT:
        return WorkCheck(False, _("%(name)s has left.") % {"name": name}, "staff_left")
    permit = _current_permit(staff)
    if permit is None:
        return WorkCheck(False, _("%(name)s has no work permit yet.") % {"name": name}, "no_permit")
    if permit.status == WorkPermit.Status.REVOKED:
        return WorkCheck(
            False,
            _("%(name)s's work permit %(number)s has been revoked.")
            % {"name": name, "number": permit.number},
            "permit_revoked",
        )
    if permit.status == WorkPermit.Status.EXPIRED or permit.valid_until < on_date:
        return WorkCheck(
            False,
            _("%(name)s's work permit expired on %(date)s.")
            % {"name": name, "date": permit.valid_until.isoformat()},
            "permit_expired",
        )
    if permit.status == WorkPermit.Status.SUSPENDED:
        why = permit.get_suspend_reason_display() or permit.status_note or _("no reason given")
        return WorkCheck(
            False, _("Work permit suspended: %(reason)s") % {"reason": why}, "permit_suspended"
        )
    if permit.issued_on > on_date:
        return WorkCheck(
            False,
            _("%(name)s's work permit is valid only from %(date)s.")
            % {"name": name, "date": permit.issued_on.isoformat()},
            "permit_not_yet_valid",
        )
    if kind not in permit.kinds:
        return WorkCheck(
            False,
            _("The work permit does not include %(kind)s work.") % {"kind": label},
            "kind_not_allowed",
        )
    return WorkCheck(True, "", "ok")


def staff_for_user(user) -> ServiceStaff | None:
    """The service staff record of a logged-in person (technician, delivery crew...), or None."""
    if user is None or not getattr(user, "is_authenticated", False):
        return None
    qs = ServiceStaff.objects.filter(user_id=user.pk)
    if user.organisation_id:
        qs = qs.filter(organisation_id=user.organisation_id)
    return qs.first()


# ---------------------------------------------------------------------------------------------
# Helpers


def _snap(obj, fields: list[str] | None = None) -> dict:
    """`snapshot` with uploaded files as their stored names (core's snapshot cannot encode them)."""
    return {
        k: (v.name or "") if isinstance(v, FieldFile) else v
        for k, v in snapshot(obj, fields).items()
    }


settings_for = StaffSettings.for_org  # created with the defaults on first use (cached)


def _org_id(by) -> int | None:
    return getattr(by, "organisation_id", None)


def _ensure_staff(by, staff: ServiceStaff) -> None:
    """404 for staff the actor may not see (another organisation, another merchant)."""
    if not can_see_staff(by, staff):
        raise NotFoundError(_("Service staff member not found."))


def _ensure_same_org(by, obj, what=None) -> None:
    org_id = _org_id(by)
    if org_id and obj.organisation_id != org_id:
        raise NotFoundError(what or _("Not found."))


def _money(field: str, value) -> Decimal:
    try:
        amount = to_money(value)
    except ValueError as exc:
        raise ValidationFailed(fields={field: [str(exc)]}) from exc
    if amount <= 0:
        raise ValidationFailed(fields={field: [_("The amount must be more than zero.")]})
    return amount


def _required(field: str, value: str) -> str:
    value = (value or "").strip()
    if not value:
        raise ValidationFailed(fields={field: [_("This field is required.")]})
    return value


def _kinds(value) -> list[str]:
    kinds = list(dict.fromkeys(value or []))
    if not kinds:
        raise ValidationFailed(fields={"kinds": [_("Choose at least one kind of work.")]})
    bad = [k for k in kinds if k not in WorkKind.values]
    if bad:
        raise ValidationFailed(
            fields={"kinds": [_("Unknown kind of work: %(kind)s.") % {"kind": ", ".join(bad)}]}
        )
    return [k for k in WorkKind.values if k in kinds]


# ---------------------------------------------------------------------------------------------
# Staff and onboarding


@transaction.atomic
def staff_create(
    *,
    by,
    name: str,
    mobile: str,
    id_number: str,
    kinds: list[str],
    employer: str,
    merchant=None,
    store=None,
    skills: str = "",
    note: str = "",
    user=None,
    organisation=None,
) -> ServiceStaff:
    """Register a person and open their onboarding application at its first step."""
    r.require_role(by, r.SERVICE_DESK, r.MERCHANT_ADMIN)
    org_id = _org_id(by) or getattr(organisation, "pk", organisation)
    if not org_id:
        raise ValidationFailed(fields={"organisation": [_("This field is required.")]})
    errors: dict[str, list[str]] = {}
    name = (name or "").strip()
    if not name:
        errors["name"] = [_("This field is required.")]
    try:
        mobile = check_phone("mobile", mobile, mobile_only=True)
    except ValidationFailed as exc:
        errors.update(exc.fields)
    try:
        id_number = normalise_id_number(id_number, today=timezone.localdate())
    except ValueError as exc:
        errors["id_number"] = [str(exc)]
    try:
        kinds = _kinds(kinds)
    except ValidationFailed as exc:
        errors.update(exc.fields)
    if employer not in ServiceStaff.Employer.values:
        errors["employer"] = [_("Choose who employs this person.")]
    if is_merchant_admin_only(by):
        if merchant is not None and merchant.pk != by.merchant_id:
            raise NotFoundError(_("Merchant not found."))
        if employer != ServiceStaff.Employer.MERCHANT:
            errors["employer"] = [_("A merchant registers only its own staff.")]
        merchant = by.merchant
    if merchant is not None and merchant.organisation_id != org_id:
        raise NotFoundError(_("Merchant not found."))
    if store is not None and store.organisation_id != org_id:
        raise NotFoundError(_("Store not found."))
    if employer == ServiceStaff.Employer.MERCHANT and merchant is None:
        errors["merchant"] = [_("A merchant's own staff member needs the merchant.")]
    if employer == ServiceStaff.Employer.STORE and store is None:
        errors["store"] = [_("A store's own staff member needs the store.")]
    if errors:
        raise ValidationFailed(fields=errors)
    if employer != ServiceStaff.Employer.MERCHANT:
        merchant = None
    if ServiceStaff.objects.filter(organisation_id=org_id, id_number=id_number).exists():
        raise DuplicateError(
            _("A staff member with this ID number is already registered."),
            fields={"id_number": [_("Already registered.")]},
        )
    staff = ServiceStaff.objects.create(
        organisation_id=org_id,
        name=name,
        mobile=mobile,
        id_number=id_number,
        kinds=kinds,
        employer=employer,
        merchant=merchant,
        store=store,
        skills=(skills or "").strip(),
        note=(note or "").strip(),
        user=user,
    )
    audit_record(actor=by, action="shouhou.staff.created", obj=staff, after=_snap(staff))
    flow = flows.flow_for_employer(employer)
    app = OnboardingApplication.objects.create(
        organisation_id=org_id,
        staff=staff,
        flow=flow,
        step=flows.first_step(flow),
        step_since=timezone.now(),
    )
    audit_record(
        actor=by,
        action="shouhou.onboarding.opened",
        obj=app,
        after={"flow": flow, "step": app.step},
    )
    return staff


@transaction.atomic
def staff_update(*, by, staff: ServiceStaff, **changes) -> ServiceStaff:
    """Change contact details, kinds of work and skills (not the ID number or employer)."""
    r.require_role(by, r.SERVICE_DESK, r.MERCHANT_ADMIN)
    _ensure_staff(by, staff)
    staff = ServiceStaff.objects.select_for_update().get(pk=staff.pk)
    before = _snap(staff)
    allowed = {"name", "mobile", "kinds", "skills", "note", "store", "user"}
    unknown = set(changes) - allowed
    if unknown:
        raise ValidationFailed(fields={k: [_("This field cannot be changed.")] for k in unknown})
    if "name" in changes:
        staff.name = _required("name", changes["name"])
    if "mobile" in changes:
        staff.mobile = check_phone("mobile", changes["mobile"], mobile_only=True)
    if "kinds" in changes:
        staff.kinds = _kinds(changes["kinds"])
    for f in ("skills", "note"):
        if f in changes:
            setattr(staff, f, (changes[f] or "").strip())
    if "store" in changes:
        if changes["store"] is not None:
            _ensure_same_org(by, changes["store"], _("Store not found."))
        staff.store = changes["store"]
    if "user" in changes:
        staff.user = changes["user"]
    staff.save()
    audit_record(
        actor=by, action="shouhou.staff.updated", obj=staff, before=before, after=_snap(staff)
    )
    return staff


@transaction.atomic
def document_add(*, by, staff: ServiceStaff, kind: str, file=None, note: str = "") -> StaffDocument:
    """Record a document handed in (with a scan, or a note that the original was seen)."""
    r.require_role(by, r.SERVICE_DESK, r.MERCHANT_ADMIN)
    _ensure_staff(by, staff)
    if kind not in StaffDocument.Kind.values:
        raise ValidationFailed(fields={"kind": [_("Unknown kind of document.")]})
    note = (note or "").strip()
    if not file and not note:
        raise ValidationFailed(
            fields={"file": [_("Attach a scan or photo, or note that the original was seen.")]}
        )
    doc = StaffDocument(
        organisation_id=staff.organisation_id,
        staff=staff,
        kind=kind,
        note=note,
        received_by=by if by.is_authenticated else None,
    )
    if file:
        doc.file = file
    try:
        doc.full_clean(exclude=["organisation", "staff", "received_by"])
    except Exception as exc:  # django ValidationError
        fields = getattr(exc, "message_dict", {"file": [str(exc)]})
        raise ValidationFailed(fields=fields) from exc
    doc.save()
    audit_record(
        actor=by,
        action="shouhou.staff_document.added",
        obj=staff,
        after={"document": doc.pk, "kind": kind},
        note=note,
    )
    return doc


def document_counts(staff: ServiceStaff) -> dict[str, int]:
    counts: dict[str, int] = {}
    for kind in StaffDocument.objects.filter(staff_id=staff.pk).values_list("kind", flat=True):
        counts[kind] = counts.get(kind, 0) + 1
    return counts


def _doc_label(kind: str) -> str:
    return " / ".join(str(StaffDocument.Kind(k).label) for k in kind.split("|"))


def step_problems(application: OnboardingApplication) -> list[str]:
    """Why the current step cannot be completed yet (empty when it can)."""
    step = application.current_step
    if step is None:
        return []
    staff = application.staff
    problems: list[str] = []
    if step.documents or step.any_of:
        for kind, n in flows.missing_documents(step, document_counts(staff)):
            problems.append(
                _("Missing: %(document)s (%(count)s more).")
                % {"document": _doc_label(kind), "count": n}
            )
    if step.code == flows.TRAINING:
        attended = Attendance.objects.filter(
            staff_id=staff.pk, present=True, session__kind=TrainingSession.Kind.PRE_JOB
        ).exists()
        if not attended:
            problems.append(_("No attendance at a pre-job training session is recorded."))
    if step.code == flows.ASSESSMENT:
        passed = Assessment.objects.filter(
            staff_id=staff.pk, kind=Assessment.Kind.PRE_JOB, passed=True
        ).exists()
        if not passed:
            problems.append(_("No passed pre-job assessment is recorded."))
    if step.code == flows.FEES:
        unpaid = FeeCharge.objects.filter(application_id=application.pk, paid_at__isnull=True)
        for charge in unpaid:
            problems.append(
                _("Unpaid: %(charge)s ¥%(amount)s.") % {"charge": charge, "amount": charge.amount}
            )
    return problems


def _raise_onboarding_charges(*, by, application: OnboardingApplication, now) -> list[FeeCharge]:
    cfg = settings_for(application.organisation_id)
    staff = application.staff
    period = month_start(timezone.localdate(now))
    wanted = [
        (FeeCharge.Kind.MANAGEMENT, cfg.management_fee),
        (FeeCharge.Kind.DEPOSIT, cfg.deposit),
        (FeeCharge.Kind.UNIFORM, cfg.uniform_fee),
        (FeeCharge.Kind.BADGE, cfg.badge_fee),
    ]
    created = []
    for kind, amount in wanted:
        if amount <= 0:
            continue
        if (
            kind == FeeCharge.Kind.MANAGEMENT
            and FeeCharge.objects.filter(staff_id=staff.pk, kind=kind, period=period).exists()
        ):
            continue
        charge = FeeCharge.objects.create(
            organisation_id=staff.organisation_id,
            staff=staff,
            kind=kind,
            amount=amount,
            period=period if kind == FeeCharge.Kind.MANAGEMENT else None,
            application=application,
            raised_by=by,
            description=_("Onboarding"),
        )
        audit_record(actor=by, action="shouhou.fee_charge.raised", obj=charge, after=_snap(charge))
        created.append(charge)
    return created


@transaction.atomic
def application_complete_step(
    *, by, application: OnboardingApplication, step: str, note: str = ""
) -> OnboardingApplication:
    """Complete the step the application waits at; the next step follows. No skipping."""
    _ensure_staff(by, application.staff)
    app = (
        OnboardingApplication.objects.select_for_update()
        .select_related("staff")
        .get(pk=application.pk)
    )
    if app.status != OnboardingApplication.Status.OPEN:
        raise InvalidTransition(
            _("This application is %(status)s; no step can be done.")
            % {"status": app.get_status_display()},
            code="application_closed",
        )
    current = app.current_step
    if step != app.step or current is None:
        raise InvalidTransition(
            _("The application waits at “%(current)s”; “%(step)s” cannot be done now.")
            % {
                "current": flows.ALL_STEPS.get(app.step, app.step),
                "step": flows.ALL_STEPS.get(step, step),
            },
            code="step_out_of_order",
            fields={"step": [_("Steps are done in order; none can be skipped.")]},
        )
    r.require_role(by, current.role)
    problems = step_problems(app)
    if problems:
        raise ValidationFailed(
            _("This step cannot be completed yet: %(problems)s") % {"problems": " ".join(problems)},
            code="step_requirements",
            fields={"step": problems},
        )
    now = timezone.now()
    nxt = flows.next_step(app.flow, step)
    updates = {"step": nxt, "step_since": now}
    if nxt == flows.DONE:
        updates.update(status=OnboardingApplication.Status.COMPLETED, completed_at=now)
    moved = OnboardingApplication.objects.filter(
        pk=app.pk, status=OnboardingApplication.Status.OPEN, step=step
    ).update(**updates)
    if not moved:
        raise InvalidTransition(_("Someone else has just completed this step."))
    OnboardingStep.objects.create(
        organisation_id=app.organisation_id,
        application=app,
        step=step,
        entered_at=app.step_since,
        done_at=now,
        done_by=by if by.is_authenticated else None,
        note=(note or "").strip()[:200],
    )
    audit_record(
        actor=by,
        action="shouhou.onboarding.step_completed",
        obj=app,
        before={"step": step},
        after={"step": nxt},
        note=note,
    )
    app.refresh_from_db()
    if step == flows.CHARGE_AFTER[app.flow]:
        _raise_onboarding_charges(by=by, application=app, now=now)
    if step == flows.PERMIT:
        _issue_permit(by=by, staff=app.staff, application=app, now=now)
    return app


def permit_issue(*, by, application: OnboardingApplication, note: str = "") -> WorkPermit:
    """The last step of both flows: the desk issues the uniform and the work permit."""
    app = application_complete_step(by=by, application=application, step=flows.PERMIT, note=note)
    return WorkPermit.objects.filter(application=app).latest("id")


def _next_permit_number(cfg: StaffSettings, year: int) -> str:
    prefix = f"{cfg.permit_prefix}{year}-"
    numbers = WorkPermit.objects.filter(
        organisation_id=cfg.organisation_id, number__startswith=prefix
    ).values_list("number", flat=True)
    top = max((int(n[len(prefix) :]) for n in numbers if n[len(prefix) :].isdigit()), default=0)
    return f"{prefix}{top + 1:05d}"


def _issue_permit(*, by, staff: ServiceStaff, application=None, now=None) -> WorkPermit:
    now = now or timezone.now()
    today = timezone.localdate(now)
    # Lock the settings row: permit numbers of one organisation are handed out one at a time.
    settings_for(staff.organisation_id)
    cfg = StaffSettings.objects.select_for_update().get(organisation_id=staff.organisation_id)
    if WorkPermit.objects.filter(
        staff_id=staff.pk, status__in=[WorkPermit.Status.VALID, WorkPermit.Status.SUSPENDED]
    ).exists():
        raise Conflict(_("This person already holds a current work permit."), code="permit_exists")
    permit = WorkPermit.objects.create(
        organisation_id=staff.organisation_id,
        number=_next_permit_number(cfg, today.year),
        staff=staff,
        kinds=list(staff.kinds),
        issued_on=today,
        valid_until=add_months(today, cfg.permit_validity_months) - dt.timedelta(days=1),
        issued_by=by if by.is_authenticated else None,
        application=application,
        status_changed_at=now,
    )
    before = _snap(staff, ["status", "joined_on"])
    ServiceStaff.objects.filter(pk=staff.pk).update(
        status=ServiceStaff.Status.ACTIVE, joined_on=staff.joined_on or today, left_on=None
    )
    staff.refresh_from_db()
    audit_record(actor=by, action="shouhou.permit.issued", obj=permit, after=_snap(permit))
    audit_record(
        actor=by,
        action="shouhou.staff.activated",
        obj=staff,
        before=before,
        after=_snap(staff, ["status", "joined_on"]),
    )
    return permit


@transaction.atomic
def permit_renew(*, by, staff: ServiceStaff) -> WorkPermit:
    """A new permit for a working person whose last permit expired."""
    r.require_role(by, r.SERVICE_DESK)
    _ensure_staff(by, staff)
    last = _current_permit(staff)
    if staff.status != ServiceStaff.Status.ACTIVE or last is None:
        raise InvalidTransition(_("Only a working person with an earlier permit can renew it."))
    if last.status != WorkPermit.Status.EXPIRED and last.valid_until >= timezone.localdate():
        raise InvalidTransition(_("The current permit has not expired."), code="permit_current")
    if last.status in (WorkPermit.Status.VALID, WorkPermit.Status.SUSPENDED):
        if last.status == WorkPermit.Status.SUSPENDED:
            raise InvalidTransition(_("A suspended permit cannot be renewed."))
        WorkPermit.objects.filter(pk=last.pk, status=last.status).update(
            status=WorkPermit.Status.EXPIRED, status_changed_at=timezone.now()
        )
    return _issue_permit(by=by, staff=staff)


def _permit_change(*, by, permit, old: list[str], new: str, action: str, **extra) -> WorkPermit:
    _ensure_staff(by, permit.staff)
    before = _snap(permit, ["status", "suspend_reason", "status_note"])
    moved = WorkPermit.objects.filter(pk=permit.pk, status__in=old).update(
        status=new, status_changed_at=timezone.now(), **extra
    )
    if not moved:
        permit.refresh_from_db()
        raise InvalidTransition(
            _("The permit is %(status)s; this cannot be done now.")
            % {"status": permit.get_status_display()}
        )
    permit.refresh_from_db()
    audit_record(
        actor=by,
        action=action,
        obj=permit,
        before=before,
        after=_snap(permit, ["status", "suspend_reason", "status_note"]),
    )
    return permit


@transaction.atomic
def permit_suspend(*, by, permit: WorkPermit, reason: str, note: str = "") -> WorkPermit:
    r.require_role(by, *PERMIT_MANAGERS)
    if reason not in WorkPermit.SuspendReason.values:
        raise ValidationFailed(fields={"reason": [_("Choose a reason.")]})
    return _permit_change(
        by=by,
        permit=permit,
        old=[WorkPermit.Status.VALID],
        new=WorkPermit.Status.SUSPENDED,
        action="shouhou.permit.suspended",
        suspend_reason=reason,
        status_note=(note or "").strip()[:200],
    )


def _overdue_fines(staff_id, now) -> bool:
    return Fine.objects.filter(
        staff_id=staff_id, status=Fine.Status.UNPAID, due_at__lt=now
    ).exists()


@transaction.atomic
def permit_reinstate(*, by, permit: WorkPermit, note: str = "") -> WorkPermit:
    r.require_role(by, *PERMIT_MANAGERS)
    if permit.suspend_reason == WorkPermit.SuspendReason.FINE_OVERDUE and _overdue_fines(
        permit.staff_id, timezone.now()
    ):
        raise InvalidTransition(
            _("The overdue fines must be paid before the permit is reinstated."),
            code="fines_unpaid",
        )
    return _permit_change(
        by=by,
        permit=permit,
        old=[WorkPermit.Status.SUSPENDED],
        new=WorkPermit.Status.VALID,
        action="shouhou.permit.reinstated",
        suspend_reason="",
        status_note=(note or "").strip()[:200],
    )


@transaction.atomic
def permit_revoke(*, by, permit: WorkPermit, note: str = "") -> WorkPermit:
    r.require_role(by, *PERMIT_MANAGERS)
    return _permit_change(
        by=by,
        permit=permit,
        old=[WorkPermit.Status.VALID, WorkPermit.Status.SUSPENDED],
        new=WorkPermit.Status.REVOKED,
        action="shouhou.permit.revoked",
        status_note=_required("note", note)[:200],
    )


@transaction.atomic
def staff_leave(*, by, staff: ServiceStaff, left_on: dt.date | None = None, note: str = ""):
    """The person leaves: the permit is revoked and an open application cancelled."""
    r.require_role(by, r.SERVICE_DESK)
    _ensure_staff(by, staff)
    left_on = left_on or timezone.localdate()
    before = _snap(staff, ["status", "left_on"])
    moved = ServiceStaff.objects.filter(pk=staff.pk).exclude(status=ServiceStaff.Status.LEFT)
    if not moved.update(status=ServiceStaff.Status.LEFT, left_on=left_on):
        raise InvalidTransition(_("This person has already left."))
    now = timezone.now()
    WorkPermit.objects.filter(
        staff_id=staff.pk, status__in=[WorkPermit.Status.VALID, WorkPermit.Status.SUSPENDED]
    ).update(status=WorkPermit.Status.REVOKED, status_changed_at=now, status_note=_("Left"))
    OnboardingApplication.objects.filter(
        staff_id=staff.pk, status=OnboardingApplication.Status.OPEN
    ).update(status=OnboardingApplication.Status.CANCELLED, completed_at=now)
    staff.refresh_from_db()
    audit_record(
        actor=by,
        action="shouhou.staff.left",
        obj=staff,
        before=before,
        after=_snap(staff, ["status", "left_on"]),
        note=note,
    )
    return staff


# ---------------------------------------------------------------------------------------------
# Fees, payments, refunds


@transaction.atomic
def charge_raise(
    *,
    by,
    staff: ServiceStaff,
    kind: str,
    amount,
    description: str = "",
    period: dt.date | None = None,
) -> FeeCharge:
    """Finance charges a fee (e.g. a replacement uniform or a month's management fee)."""
    r.require_role(by, r.FINANCE)
    _ensure_staff(by, staff)
    if kind not in FeeCharge.Kind.values:
        raise ValidationFailed(fields={"kind": [_("Unknown kind of fee.")]})
    amount = _money("amount", amount)
    if kind == FeeCharge.Kind.MANAGEMENT:
        if period is None:
            raise ValidationFailed(fields={"period": [_("A management fee needs its month.")]})
        period = month_start(period)
        if FeeCharge.objects.filter(staff_id=staff.pk, kind=kind, period=period).exists():
            raise DuplicateError(
                _("The management fee for %(month)s is already charged.")
                % {"month": period.strftime("%Y-%m")},
                fields={"period": [_("Already charged.")]},
            )
    else:
        period = None
    charge = FeeCharge.objects.create(
        organisation_id=staff.organisation_id,
        staff=staff,
        kind=kind,
        amount=amount,
        period=period,
        description=(description or "").strip()[:200],
        raised_by=by,
    )
    audit_record(actor=by, action="shouhou.fee_charge.raised", obj=charge, after=_snap(charge))
    return charge


@transaction.atomic
def payment_record(
    *,
    by,
    receipt_no: str,
    amount,
    charge: FeeCharge | None = None,
    fine: Fine | None = None,
    paid_at: dt.datetime | None = None,
) -> Payment:
    """Finance records money received for one charge or one fine, with its receipt number.

    A receipt number is used once per organisation; a charge or fine is paid once, in full.
    Paying the last overdue fine lifts a permit suspended for overdue fines.
    """
    r.require_role(by, r.FINANCE)
    if (charge is None) == (fine is None):
        raise ValidationFailed(
            _("A payment is for one fee charge or one fine."),
            fields={"charge": [_("Choose a fee charge or a fine.")]},
        )
    target = charge or fine
    _ensure_staff(by, target.staff)
    errors: dict[str, list[str]] = {}
    receipt_no = (receipt_no or "").strip()
    if not receipt_no:
        errors["receipt_no"] = [_("This field is required.")]
    try:
        amount = _money("amount", amount)
    except ValidationFailed as exc:
        errors.update(exc.fields)
    if errors:
        raise ValidationFailed(fields=errors)
    if amount != target.amount:
        raise ValidationFailed(
            fields={
                "amount": [
                    _("The payment must be the full amount due: ¥%(amount)s.")
                    % {"amount": target.amount}
                ]
            }
        )
    org_id = target.organisation_id
    if Payment.objects.filter(organisation_id=org_id, receipt_no=receipt_no).exists():
        raise DuplicateError(
            _("Receipt number %(receipt)s has already been used.") % {"receipt": receipt_no},
            code="receipt_used",
            fields={"receipt_no": [_("This receipt number has already been used.")]},
        )
    now = timezone.now()
    paid_at = paid_at or now
    if charge is not None:
        moved = FeeCharge.objects.filter(pk=charge.pk, paid_at__isnull=True).update(paid_at=paid_at)
    else:
        moved = Fine.objects.filter(pk=fine.pk, status=Fine.Status.UNPAID).update(
            status=Fine.Status.PAID, paid_at=paid_at
        )
    if not moved:
        raise Conflict(_("This has already been paid."), code="already_paid")
    try:
        with transaction.atomic():
            payment = Payment.objects.create(
                organisation_id=org_id,
                staff_id=target.staff_id,
                charge=charge,
                fine=fine,
                amount=amount,
                receipt_no=receipt_no,
                paid_at=paid_at,
                received_by=by,
            )
    except IntegrityError as exc:
        raise DuplicateError(
            _("Receipt number %(receipt)s has already been used.") % {"receipt": receipt_no},
            code="receipt_used",
            fields={"receipt_no": [_("This receipt number has already been used.")]},
        ) from exc
    audit_record(actor=by, action="shouhou.payment.recorded", obj=payment, after=_snap(payment))
    target.refresh_from_db()
    audit_record(
        actor=by,
        action="shouhou.fine.paid" if fine else "shouhou.fee_charge.paid",
        obj=target,
        after={"paid_at": paid_at, "receipt_no": receipt_no},
    )
    if fine is not None:
        _lift_fine_suspension(by=by, staff_id=fine.staff_id, now=now)
    return payment


def _lift_fine_suspension(*, by, staff_id, now) -> None:
    if _overdue_fines(staff_id, now):
        return
    for permit in WorkPermit.objects.filter(
        staff_id=staff_id,
        status=WorkPermit.Status.SUSPENDED,
        suspend_reason=WorkPermit.SuspendReason.FINE_OVERDUE,
    ):
        moved = WorkPermit.objects.filter(pk=permit.pk, status=WorkPermit.Status.SUSPENDED).update(
            status=WorkPermit.Status.VALID, suspend_reason="", status_changed_at=now
        )
        if moved:
            audit_record(
                actor=by,
                action="shouhou.permit.reinstated",
                obj=permit,
                before={"status": "suspended"},
                after={"status": "valid"},
                note=_("The overdue fines are paid."),
            )


@transaction.atomic
def deposit_refund(*, by, staff: ServiceStaff, voucher_no: str) -> DepositRefund:
    """Pay the deposit back to someone who has left; recorded once."""
    r.require_role(by, r.FINANCE)
    _ensure_staff(by, staff)
    voucher_no = _required("voucher_no", voucher_no)
    if staff.status != ServiceStaff.Status.LEFT:
        raise InvalidTransition(
            _("The deposit is refunded when the person leaves."), code="not_left"
        )
    deposit = (
        FeeCharge.objects.filter(
            staff_id=staff.pk, kind=FeeCharge.Kind.DEPOSIT, paid_at__isnull=False
        )
        .exclude(Exists(DepositRefund.objects.filter(charge_id=OuterRef("pk"))))
        .select_for_update()
        .first()
    )
    if deposit is None:
        raise InvalidTransition(_("There is no paid deposit left to refund."), code="no_deposit")
    if DepositRefund.objects.filter(
        organisation_id=staff.organisation_id, voucher_no=voucher_no
    ).exists():
        raise DuplicateError(
            fields={"voucher_no": [_("This voucher number has already been used.")]}
        )
    refund = DepositRefund.objects.create(
        organisation_id=staff.organisation_id,
        charge=deposit,
        staff=staff,
        amount=deposit.amount,
        voucher_no=voucher_no,
        refunded_at=timezone.now(),
        refunded_by=by,
    )
    audit_record(actor=by, action="shouhou.deposit.refunded", obj=refund, after=_snap(refund))
    return refund


# ---------------------------------------------------------------------------------------------
# Fines


@transaction.atomic
def fine_create(
    *,
    by,
    staff: ServiceStaff,
    category: str,
    description: str,
    amount,
    occurred_at: dt.datetime | None = None,
    evidence=None,
    evidence_note: str = "",
) -> Fine:
    """A violation fined; due to finance within the organisation's fine deadline (24 h)."""
    r.require_role(by, *FINE_REPORTERS)
    _ensure_staff(by, staff)
    errors: dict[str, list[str]] = {}
    if category not in Fine.Category.values:
        errors["category"] = [_("Choose a category.")]
    description = (description or "").strip()
    if not description:
        errors["description"] = [_("This field is required.")]
    try:
        amount = _money("amount", amount)
    except ValidationFailed as exc:
        errors.update(exc.fields)
    now = timezone.now()
    if occurred_at is not None and occurred_at > now + dt.timedelta(minutes=5):
        errors["occurred_at"] = [_("This is in the future.")]
    if errors:
        raise ValidationFailed(fields=errors)
    cfg = settings_for(staff.organisation_id)
    fine = Fine(
        organisation_id=staff.organisation_id,
        staff=staff,
        category=category,
        description=description,
        amount=amount,
        reported_by=by,
        occurred_at=occurred_at or now,
        # "Within 24 hours" is clock hours, so a plain timedelta from configuration.
        due_at=now + dt.timedelta(hours=cfg.fine_due_hours),
        evidence_note=(evidence_note or "").strip()[:200],
    )
    if evidence:
        fine.evidence = evidence
        try:
            fine.full_clean(exclude=["organisation", "staff", "reported_by"])
        except Exception as exc:  # django ValidationError
            raise ValidationFailed(
                fields=getattr(exc, "message_dict", {"evidence": [str(exc)]})
            ) from exc
    fine.save()
    audit_record(actor=by, action="shouhou.fine.created", obj=fine, after=_snap(fine))
    return fine


# ---------------------------------------------------------------------------------------------
# Training and assessment


@transaction.atomic
def training_session_create(
    *,
    by,
    title: str,
    kind: str,
    starts_at: dt.datetime,
    run_by: str = TrainingSession.RunBy.COMPANY,
    merchant=None,
    hours=Decimal("2.0"),
    location: str = "",
    trainer: str = "",
    topics: str = "",
    conduct_rules: list | None = None,
) -> TrainingSession:
    r.require_role(by, r.TRAINING_OFFICER, r.MERCHANT_ADMIN)
    errors: dict[str, list[str]] = {}
    title = (title or "").strip()
    if not title:
        errors["title"] = [_("This field is required.")]
    if kind not in TrainingSession.Kind.values:
        errors["kind"] = [_("Choose a kind of training.")]
    if run_by not in TrainingSession.RunBy.values:
        errors["run_by"] = [_("Choose who runs the training.")]
    if starts_at is None:
        errors["starts_at"] = [_("This field is required.")]
    try:
        hours = Decimal(str(hours))
        if hours <= 0 or hours > 24:
            raise ValueError
    except (ValueError, ArithmeticError):
        errors["hours"] = [_("Between 0 and 24 hours.")]
    if is_merchant_admin_only(by):
        if run_by != TrainingSession.RunBy.MERCHANT:
            errors["run_by"] = [_("A merchant runs its own training sessions only.")]
        if merchant is not None and merchant.pk != by.merchant_id:
            raise NotFoundError(_("Merchant not found."))
        merchant = by.merchant
    if run_by == TrainingSession.RunBy.MERCHANT and merchant is None:
        errors["merchant"] = [_("A merchant-run session needs the merchant.")]
    if errors:
        raise ValidationFailed(fields=errors)
    if merchant is not None:
        _ensure_same_org(by, merchant, _("Merchant not found."))
    org_id = _org_id(by) or (merchant.organisation_id if merchant else None)
    if not org_id:
        raise ValidationFailed(fields={"organisation": [_("This field is required.")]})
    session = TrainingSession.objects.create(
        organisation_id=org_id,
        title=title,
        kind=kind,
        run_by=run_by,
        merchant=merchant if run_by == TrainingSession.RunBy.MERCHANT else None,
        starts_at=starts_at,
        hours=hours,
        location=(location or "").strip(),
        trainer=(trainer or "").strip(),
        topics=(topics or "").strip(),
        created_by=by,
    )
    if conduct_rules:
        session.conduct_rules.set(
            ConductRule.objects.filter(pk__in=[getattr(c, "pk", c) for c in conduct_rules])
        )
    audit_record(
        actor=by, action="shouhou.training_session.created", obj=session, after=_snap(session)
    )
    return session


def _ensure_session(by, session: TrainingSession) -> None:
    _ensure_same_org(by, session, _("Training session not found."))
    if is_merchant_admin_only(by) and session.merchant_id != by.merchant_id:
        raise NotFoundError(_("Training session not found."))


@transaction.atomic
def attendance_record(
    *, by, session: TrainingSession, staff: ServiceStaff, present: bool = True, note: str = ""
) -> Attendance:
    r.require_role(by, r.TRAINING_OFFICER, r.MERCHANT_ADMIN)
    _ensure_session(by, session)
    _ensure_staff(by, staff)
    if session.organisation_id != staff.organisation_id:
        raise NotFoundError(_("Service staff member not found."))
    att, created = Attendance.objects.update_or_create(
        session=session,
        staff=staff,
        defaults={
            "organisation_id": session.organisation_id,
            "present": bool(present),
            "note": (note or "").strip()[:200],
        },
    )
    audit_record(
        actor=by,
        action="shouhou.attendance.recorded",
        obj=staff,
        after={"session": session.pk, "present": att.present},
    )
    return att


@transaction.atomic
def assessment_record(
    *,
    by,
    staff: ServiceStaff,
    kind: str,
    score,
    assessed_on: dt.date | None = None,
    session: TrainingSession | None = None,
    note: str = "",
) -> Assessment:
    """Record an assessment; `passed` follows the organisation's pass mark."""
    r.require_role(by, r.TRAINING_OFFICER)
    _ensure_staff(by, staff)
    errors: dict[str, list[str]] = {}
    if kind not in Assessment.Kind.values:
        errors["kind"] = [_("Choose a kind of assessment.")]
    try:
        score = int(score)
        if not 0 <= score <= 100:
            raise ValueError
    except (TypeError, ValueError):
        errors["score"] = [_("A score from 0 to 100.")]
    if errors:
        raise ValidationFailed(fields=errors)
    if session is not None:
        _ensure_session(by, session)
    cfg = settings_for(staff.organisation_id)
    assessment = Assessment.objects.create(
        organisation_id=staff.organisation_id,
        staff=staff,
        session=session,
        kind=kind,
        assessed_on=assessed_on or timezone.localdate(),
        score=score,
        passed=score >= cfg.assessment_pass_mark,
        assessor=by,
        note=(note or "").strip()[:200],
    )
    audit_record(
        actor=by, action="shouhou.assessment.recorded", obj=assessment, after=_snap(assessment)
    )
    return assessment


__all__ = [
    "WorkCheck",
    "can_work",
    "staff_for_user",
    "current_permit",
    "settings_for",
    "staff_create",
    "staff_update",
    "staff_leave",
    "document_add",
    "application_complete_step",
    "permit_issue",
    "permit_renew",
    "permit_suspend",
    "permit_reinstate",
    "permit_revoke",
    "charge_raise",
    "payment_record",
    "deposit_refund",
    "fine_create",
    "training_session_create",
    "attendance_record",
    "assessment_record",
    "step_problems",
]
