"""Pages of the staff app. Thin: parse, call a service or selector, render."""

from __future__ import annotations

import uuid

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.core.paginator import Paginator
from django.http import Http404
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from shouhou.core.errors import DomainError, InvalidTransition, NotFoundError, PermissionDeniedError
from shouhou.core.forms import add_domain_error, submit_idempotent
from shouhou.org import roles as r

from . import exports, flows, selectors, services
from .access import VIEW_ALL, can_see_money
from .forms import (
    AssessmentForm,
    AttendanceForm,
    ChargeForm,
    DocumentForm,
    FineForm,
    LeaveForm,
    NoteForm,
    PaymentForm,
    PermitSuspendForm,
    RefundForm,
    SessionForm,
    StaffForm,
    StepForm,
)
from .models import (
    FeeCharge,
    Fine,
    OnboardingApplication,
    ServiceStaff,
    StaffDocument,
    WorkKind,
    WorkPermit,
)

READERS = (*sorted(VIEW_ALL), r.MERCHANT_ADMIN)


def _require(user, *roles):
    if not r.has_role(user, *roles):
        raise PermissionDeniedError()


def _staff(request, pk) -> ServiceStaff:
    try:
        return selectors.staff_get(user=request.user, pk=pk)
    except NotFoundError as exc:
        raise Http404(str(exc.message)) from exc


# --- staff -----------------------------------------------------------------------------------


@login_required
def staff_list(request):
    if not r.has_role(request.user, *READERS):
        if services.staff_for_user(request.user):
            return redirect("staff:me")
        raise PermissionDeniedError()
    g = request.GET
    qs = selectors.staff_list(
        user=request.user,
        q=g.get("q", ""),
        status=g.get("status", ""),
        kind=g.get("kind", ""),
        employer=g.get("employer", ""),
        step=g.get("step", ""),
        permit_status=g.get("permit", ""),
    )
    page = Paginator(qs, 50).get_page(g.get("page"))
    return render(
        request,
        "staff/list.html",
        {
            "page": page,
            "filters": g,
            "statuses": ServiceStaff.Status.choices,
            "kinds": WorkKind.choices,
            "employers": ServiceStaff.Employer.choices,
            "steps": flows.STEP_CHOICES[1:],
            "permit_statuses": WorkPermit.Status.choices,
            "step_labels": dict(flows.STEP_CHOICES),
            "permit_labels": dict(WorkPermit.Status.choices),
            "can_create": r.has_role(request.user, r.SERVICE_DESK, r.MERCHANT_ADMIN),
            "now": timezone.now(),
        },
    )


@login_required
def staff_create(request):
    user = request.user
    if not r.has_role(user, r.SERVICE_DESK, r.MERCHANT_ADMIN):
        raise PermissionDeniedError()
    form = StaffForm(request.POST or None, user=user, initial={"idempotency_key": _key()})
    if request.method == "POST" and form.is_valid():
        d = form.cleaned_data

        def action():
            staff = services.staff_create(
                by=user,
                name=d["name"],
                mobile=d["mobile"],
                id_number=d["id_number"],
                kinds=d["kinds"],
                employer=d["employer"],
                merchant=d["merchant"],
                store=d["store"],
                skills=d["skills"],
                note=d["note"],
            )
            return 201, {"id": staff.pk}

        body = submit_idempotent(request, form, scope="page:staff:create", action=action)
        if body is not None:
            messages.success(request, _("Registered; the onboarding application is open."))
            return redirect("staff:detail", pk=body["id"])
    status = 400 if form.is_bound else 200
    return render(request, "staff/create.html", {"form": form}, status=status)


def _detail_context(request, staff, **extra):
    user = request.user
    app = selectors.open_application(staff)
    last_app = app or staff.applications.order_by("-id").first()
    permit = services.current_permit(staff)
    today = timezone.localdate()
    ctx = {
        "staff": staff,
        "application": app,
        "last_application": last_app,
        "steps": selectors.step_buttons(user=user, application=last_app),
        "problems": services.step_problems(app) if app else [],
        "permit": permit,
        "permits": staff.permits.all(),
        "documents": staff.documents.select_related("received_by"),
        "checks": [
            (label, services.can_work(staff=staff, kind=code, on_date=today))
            for code, label in WorkKind.choices
            if code in staff.kinds
        ],
        # What a person owes only for the roles that handle money (access.MONEY_READERS).
        "ledger": selectors.ledger(staff=staff) if can_see_money(user, staff) else None,
        "fines": staff.fines.all()[:20] if can_see_money(user, staff) else None,
        "assessments": selectors.assessments_list(user=user, staff=staff),
        "attendances": staff.attendances.select_related("session"),
        "document_form": DocumentForm(),
        "suspend_form": PermitSuspendForm(),
        "assessment_form": AssessmentForm(session_qs=selectors.training_sessions_list(user=user)),
        "can_documents": r.has_role(user, r.SERVICE_DESK, r.MERCHANT_ADMIN)
        and staff.status != ServiceStaff.Status.LEFT,
        "can_permit": r.has_role(user, r.SERVICE_DESK, r.CS_SUPERVISOR, r.CS_MANAGER),
        "can_renew": r.has_role(user, r.SERVICE_DESK)
        and permit is not None
        and staff.status == ServiceStaff.Status.ACTIVE
        and (permit.status == WorkPermit.Status.EXPIRED or permit.valid_until < today),
        "can_assess": r.has_role(user, r.TRAINING_OFFICER),
        "can_leave": r.has_role(user, r.SERVICE_DESK) and staff.status != ServiceStaff.Status.LEFT,
        "can_fine": r.has_role(
            user,
            r.SERVICE_DESK,
            r.FINANCE,
            r.CS_SUPERVISOR,
            r.CS_MANAGER,
            r.STORE_MANAGER,
            r.SECURITY,
        ),
        "show_id": r.has_role(user, r.SERVICE_DESK, r.FINANCE),
        "now": timezone.now(),
        "today": today,
    }
    ctx.update(extra)
    return ctx


@login_required
def staff_detail(request, pk):
    staff = _staff(request, pk)
    return render(request, "staff/detail.html", _detail_context(request, staff))


def _after_action(request, staff, fn, ok_message):
    try:
        fn()
    except NotFoundError as exc:
        raise Http404(str(exc.message)) from exc
    except DomainError as exc:
        staff.refresh_from_db()
        return render(
            request,
            "staff/detail.html",
            _detail_context(request, staff, action_error=exc),
            status=exc.status,
        )
    messages.success(request, ok_message)
    return redirect("staff:detail", pk=staff.pk)


@login_required
@require_POST
def staff_step(request, pk):
    staff = _staff(request, pk)
    form = StepForm(request.POST)
    form.is_valid()
    step = form.cleaned_data.get("step", "")
    app = selectors.open_application(staff)

    def act():
        if app is None:
            raise InvalidTransition(_("There is no open onboarding application."))
        services.application_complete_step(
            by=request.user, application=app, step=step, note=form.cleaned_data.get("note", "")
        )

    label = flows.ALL_STEPS.get(step, step)
    return _after_action(request, staff, act, _("Done: %(step)s.") % {"step": label})


@login_required
@require_POST
def staff_document(request, pk):
    staff = _staff(request, pk)
    form = DocumentForm(request.POST, request.FILES)
    if not form.is_valid():
        return render(
            request,
            "staff/detail.html",
            _detail_context(request, staff, document_form=form),
            status=400,
        )
    d = form.cleaned_data
    try:
        services.document_add(
            by=request.user, staff=staff, kind=d["kind"], file=d["file"], note=d["note"]
        )
    except NotFoundError as exc:
        raise Http404(str(exc.message)) from exc
    except DomainError as exc:
        add_domain_error(form, exc)
        return render(
            request,
            "staff/detail.html",
            _detail_context(request, staff, document_form=form),
            status=exc.status,
        )
    messages.success(request, _("Document recorded."))
    return redirect("staff:detail", pk=staff.pk)


@login_required
@require_POST
def staff_assessment(request, pk):
    staff = _staff(request, pk)
    form = AssessmentForm(
        request.POST, session_qs=selectors.training_sessions_list(user=request.user)
    )
    if not form.is_valid():
        return render(
            request,
            "staff/detail.html",
            _detail_context(request, staff, assessment_form=form),
            status=400,
        )
    d = form.cleaned_data

    def act():
        a = services.assessment_record(
            by=request.user,
            staff=staff,
            kind=d["kind"],
            score=d["score"],
            session=d["session"],
            note=d["note"],
        )
        messages.info(request, _("Passed.") if a.passed else _("Not passed."))

    return _after_action(request, staff, act, _("Assessment recorded."))


@login_required
@require_POST
def staff_leave(request, pk):
    staff = _staff(request, pk)
    form = LeaveForm(request.POST)
    form.is_valid()
    d = form.cleaned_data
    return _after_action(
        request,
        staff,
        lambda: services.staff_leave(
            by=request.user, staff=staff, left_on=d.get("left_on"), note=d.get("note", "")
        ),
        _("Recorded as left; the permit is revoked."),
    )


@login_required
@require_POST
def permit_renew(request, pk):
    staff = _staff(request, pk)
    return _after_action(
        request,
        staff,
        lambda: services.permit_renew(by=request.user, staff=staff),
        _("A new permit is issued."),
    )


@login_required
@require_POST
def permit_action(request, pk, action):
    try:
        permit = selectors.permit_get(user=request.user, pk=pk)
    except NotFoundError as exc:
        raise Http404(str(exc.message)) from exc
    staff = permit.staff
    if action == "suspend":
        form = PermitSuspendForm(request.POST)
        form.is_valid()
        d = form.cleaned_data

        def act():
            services.permit_suspend(
                by=request.user, permit=permit, reason=d.get("reason", ""), note=d.get("note", "")
            )

        return _after_action(request, staff, act, _("Permit suspended."))
    form = NoteForm(request.POST)
    form.is_valid()
    note = form.cleaned_data.get("note", "")
    if action == "reinstate":
        fn, msg = services.permit_reinstate, _("Permit reinstated.")
    elif action == "revoke":
        fn, msg = services.permit_revoke, _("Permit revoked.")
    else:
        raise Http404
    return _after_action(request, staff, lambda: fn(by=request.user, permit=permit, note=note), msg)


@login_required
def permit_print(request, pk):
    try:
        permit = selectors.permit_get(user=request.user, pk=pk)
    except NotFoundError as exc:
        raise Http404(str(exc.message)) from exc
    photo = (
        permit.staff.documents.filter(kind=StaffDocument.Kind.PHOTO)
        .exclude(file="")
        .order_by("id")
        .first()
    )
    return render(
        request,
        "staff/permit_print.html",
        {
            "permit": permit,
            "staff": permit.staff,
            "photo": photo,
            "organisation": request.user.organisation,
        },
    )


# --- ledger, payments ----------------------------------------------------------------------------


def _ledger_context(request, staff, *, failed_form=None, **extra):
    if not can_see_money(request.user, staff):
        raise PermissionDenied
    data = selectors.ledger(staff=staff)
    now = timezone.now()
    rows = []
    for obj in [*data["unpaid_charges"], *data["unpaid_fines"]]:
        is_fine = isinstance(obj, Fine)
        key = f"{'fine' if is_fine else 'charge'}:{obj.pk}"
        form = PaymentForm(initial={"target": key, "amount": obj.amount, "idempotency_key": _key()})
        if failed_form is not None and failed_form.data.get("target") == key:
            form = failed_form
        label = (
            _("Fine: %(category)s") % {"category": obj.get_category_display()}
            if is_fine
            else str(obj)
        )
        rows.append(
            {
                "key": key,
                "label": label,
                "amount": obj.amount,
                "overdue": is_fine and obj.due_at < now,
                "form": form,
            }
        )
    ctx = {
        "staff": staff,
        "ledger": data,
        "unpaid_rows": rows,
        "is_finance": r.has_role(request.user, r.FINANCE),
        "charge_form": ChargeForm(initial={"idempotency_key": _key()}),
        "refund_form": RefundForm(),
        "refundable": staff.status == ServiceStaff.Status.LEFT
        and staff.charges.filter(
            kind=FeeCharge.Kind.DEPOSIT, paid_at__isnull=False, refund__isnull=True
        ).exists(),
    }
    ctx.update(extra)
    return ctx


def _key():
    return uuid.uuid4().hex


@login_required
def staff_ledger(request, pk):
    staff = _staff(request, pk)
    return render(request, "staff/ledger.html", _ledger_context(request, staff))


@login_required
@require_POST
def ledger_pay(request, pk):
    staff = _staff(request, pk)
    form = PaymentForm(request.POST)
    ctx_extra = {}
    if form.is_valid():
        d = form.cleaned_data
        kind, _sep, target_id = d["target"].partition(":")
        try:
            if kind == "charge":
                target = {"charge": selectors.charge_get(user=request.user, pk=target_id)}
            elif kind == "fine":
                target = {"fine": selectors.fine_get(user=request.user, pk=target_id)}
            else:
                raise Http404
            obj = target.get("charge") or target.get("fine")
            if obj.staff_id != staff.pk:
                raise Http404

            def action():
                p = services.payment_record(
                    by=request.user, receipt_no=d["receipt_no"], amount=d["amount"], **target
                )
                return 201, {"id": p.pk}

        except NotFoundError as exc:
            raise Http404(str(exc.message)) from exc
        body = submit_idempotent(
            request, form, scope=f"page:staff:pay:{d['target']}", action=action
        )
        if body is not None:
            messages.success(request, _("Payment recorded."))
            return redirect("staff:ledger", pk=staff.pk)
    ctx = _ledger_context(request, staff, failed_form=form, **ctx_extra)
    return render(
        request, "staff/ledger.html", ctx, status=409 if form.errors.get("receipt_no") else 400
    )


@login_required
@require_POST
def ledger_charge(request, pk):
    staff = _staff(request, pk)
    form = ChargeForm(request.POST)
    if form.is_valid():
        d = form.cleaned_data

        def action():
            c = services.charge_raise(
                by=request.user,
                staff=staff,
                kind=d["kind"],
                amount=d["amount"],
                description=d["description"],
                period=d["period"],
            )
            return 201, {"id": c.pk}

        body = submit_idempotent(
            request, form, scope=f"page:staff:charge:{staff.pk}", action=action
        )
        if body is not None:
            messages.success(request, _("Fee charged."))
            return redirect("staff:ledger", pk=staff.pk)
    return render(
        request, "staff/ledger.html", _ledger_context(request, staff, charge_form=form), status=400
    )


@login_required
@require_POST
def ledger_refund(request, pk):
    staff = _staff(request, pk)
    form = RefundForm(request.POST)
    if form.is_valid():
        try:
            services.deposit_refund(
                by=request.user, staff=staff, voucher_no=form.cleaned_data["voucher_no"]
            )
        except NotFoundError as exc:
            raise Http404(str(exc.message)) from exc
        except DomainError as exc:
            add_domain_error(form, exc)
        else:
            messages.success(request, _("Deposit refund recorded."))
            return redirect("staff:ledger", pk=staff.pk)
    return render(
        request, "staff/ledger.html", _ledger_context(request, staff, refund_form=form), status=400
    )


# --- fines -------------------------------------------------------------------------------------


@login_required
def fines(request):
    if not r.has_role(request.user, *READERS):
        raise PermissionDeniedError()
    overdue = request.GET.get("overdue") == "1"
    status = request.GET.get("status", "")
    qs = selectors.fines_list(user=request.user, status=status, overdue=overdue)
    page = Paginator(qs, 50).get_page(request.GET.get("page"))
    return render(
        request,
        "staff/fines.html",
        {
            "page": page,
            "overdue": overdue,
            "status": status,
            "statuses": Fine.Status.choices,
            "now": timezone.now(),
            "can_fine": r.has_role(
                request.user,
                r.SERVICE_DESK,
                r.FINANCE,
                r.CS_SUPERVISOR,
                r.CS_MANAGER,
                r.STORE_MANAGER,
                r.SECURITY,
            ),
        },
    )


@login_required
def fine_create(request):
    user = request.user
    if not r.has_role(
        user, r.SERVICE_DESK, r.FINANCE, r.CS_SUPERVISOR, r.CS_MANAGER, r.STORE_MANAGER, r.SECURITY
    ):
        raise PermissionDeniedError()
    staff_qs = selectors.staff_list(user=user).exclude(status=ServiceStaff.Status.LEFT)
    initial = {"idempotency_key": _key()}
    if request.GET.get("staff"):
        initial["staff"] = request.GET["staff"]
    form = FineForm(request.POST or None, request.FILES or None, staff_qs=staff_qs, initial=initial)
    if request.method == "POST" and form.is_valid():
        d = form.cleaned_data

        def action():
            f = services.fine_create(
                by=user,
                staff=d["staff"],
                category=d["category"],
                description=d["description"],
                amount=d["amount"],
                occurred_at=d["occurred_at"],
                evidence=d["evidence"],
                evidence_note=d["evidence_note"],
            )
            return 201, {"id": f.pk, "staff": f.staff_id}

        body = submit_idempotent(request, form, scope="page:staff:fine", action=action)
        if body is not None:
            messages.success(request, _("Fine recorded; it is due to finance within the deadline."))
            return redirect("staff:detail", pk=body["staff"])
    return render(
        request, "staff/fine_form.html", {"form": form}, status=400 if form.is_bound else 200
    )


# --- onboarding, training, conduct, reports -------------------------------------------------------


@login_required
def onboarding(request):
    if not r.has_role(request.user, *READERS):
        raise PermissionDeniedError()
    rows = selectors.onboarding_pipeline(user=request.user)
    counts = {}
    for row in rows:
        counts[row["step"]] = counts.get(row["step"], 0) + 1
    return render(
        request,
        "staff/onboarding.html",
        {"rows": rows, "counts": counts, "flows": OnboardingApplication.Flow.choices},
    )


@login_required
def training(request):
    if not r.has_role(request.user, *READERS):
        raise PermissionDeniedError()
    qs = selectors.training_sessions_list(user=request.user)
    page = Paginator(qs, 50).get_page(request.GET.get("page"))
    return render(
        request,
        "staff/training.html",
        {
            "page": page,
            "can_create": r.has_role(request.user, r.TRAINING_OFFICER, r.MERCHANT_ADMIN),
        },
    )


@login_required
def training_create(request):
    user = request.user
    if not r.has_role(user, r.TRAINING_OFFICER, r.MERCHANT_ADMIN):
        raise PermissionDeniedError()
    form = SessionForm(request.POST or None, initial={"idempotency_key": _key()})
    if request.method == "POST" and form.is_valid():
        d = form.cleaned_data

        def action():
            s = services.training_session_create(
                by=user,
                title=d["title"],
                kind=d["kind"],
                run_by=d["run_by"],
                merchant=d["merchant"],
                starts_at=d["starts_at"],
                hours=d["hours"],
                location=d["location"],
                trainer=d["trainer"],
                topics=d["topics"],
            )
            return 201, {"id": s.pk}

        body = submit_idempotent(request, form, scope="page:staff:training", action=action)
        if body is not None:
            messages.success(request, _("Training session created."))
            return redirect("staff:training_detail", pk=body["id"])
    return render(
        request, "staff/training_form.html", {"form": form}, status=400 if form.is_bound else 200
    )


@login_required
def training_detail(request, pk):
    user = request.user
    if not r.has_role(user, *READERS):
        raise PermissionDeniedError()
    try:
        session = selectors.training_session_get(user=user, pk=pk)
    except NotFoundError as exc:
        raise Http404(str(exc.message)) from exc
    staff_qs = selectors.staff_list(user=user).exclude(status=ServiceStaff.Status.LEFT)
    form = AttendanceForm(request.POST or None, staff_qs=staff_qs)
    status = 200
    if request.method == "POST":
        if form.is_valid():
            d = form.cleaned_data
            try:
                services.attendance_record(
                    by=user, session=session, staff=d["staff"], present=d["present"], note=d["note"]
                )
            except NotFoundError as exc:
                raise Http404(str(exc.message)) from exc
            except DomainError as exc:
                add_domain_error(form, exc)
                status = exc.status
            else:
                messages.success(request, _("Attendance recorded."))
                return redirect("staff:training_detail", pk=session.pk)
        else:
            status = 400
    return render(
        request,
        "staff/training_detail.html",
        {
            "session": session,
            "attendances": selectors.attendances_for(user=user, session=session),
            "assessments": session.assessments.select_related("staff").filter(
                staff__in=selectors.staff_list(user=user)
            ),
            "form": form,
            "can_record": r.has_role(user, r.TRAINING_OFFICER, r.MERCHANT_ADMIN),
            "rule_groups": selectors.conduct_rules()
            if session.kind in ("conduct", "pre_job")
            else [],
        },
        status=status,
    )


@login_required
def conduct(request):
    return render(request, "staff/conduct.html", {"groups": selectors.conduct_rules()})


@login_required
def me(request):
    staff = services.staff_for_user(request.user)
    if staff is None:
        # The menu offers this page to every technician; one not yet on file is told so.
        return render(request, "staff/me_none.html")
    return render(
        request,
        "staff/me.html",
        {
            "staff": staff,
            "permit": services.current_permit(staff),
            "checks": [
                (label, services.can_work(staff=staff, kind=code, on_date=timezone.localdate()))
                for code, label in WorkKind.choices
                if code in staff.kinds
            ],
            "ledger": selectors.ledger(staff=staff),
            "groups": selectors.conduct_rules(),
        },
    )


@login_required
def reports(request):
    if not r.has_role(request.user, *READERS):
        raise PermissionDeniedError()
    tables = [(name, *fn(user=request.user)) for name, fn in exports.REPORTS.items()]
    return render(request, "staff/reports.html", {"tables": tables})


@login_required
def report_xlsx(request, name):
    if not r.has_role(request.user, *READERS):
        raise PermissionDeniedError()
    fn = exports.REPORTS.get(name)
    if fn is None:
        raise Http404
    title, headers, rows = fn(user=request.user)
    return exports.xlsx_response(
        title, headers, rows, f"staff-{name}-{timezone.localdate():%Y%m%d}.xlsx"
    )
