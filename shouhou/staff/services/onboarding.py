"""Staff and onboarding: the record, the documents, the steps of the application, and the permit it
ends with.
"""

from __future__ import annotations

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from shouhou.core.audit import audit_record
from shouhou.core.dates import month_start
from shouhou.core.errors import (
    DuplicateError,
    InvalidTransition,
    NotFoundError,
    ValidationFailed,
)
from shouhou.core.phones import check_phone
from shouhou.org import roles as r

from .. import flows
from ..access import is_merchant_admin_only
from ..idnumbers import normalise_id_number
from ..models import (
    Assessment,
    Attendance,
    FeeCharge,
    OnboardingApplication,
    OnboardingStep,
    ServiceStaff,
    StaffDocument,
    TrainingSession,
    WorkPermit,
)
from .common import _ensure_same_org, _ensure_staff, _kinds, _org_id, _required, _snap, settings_for
from .permits import _issue_permit


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
