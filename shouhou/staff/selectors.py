"""Every read of the staff app beyond a `get`, limited to what the user may see.

Office roles see the whole organisation, a merchant admin only its merchant's staff, a
technician only themself (see `access.py`). Ids outside that raise NotFoundError (404).
"""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

from django.db.models import Count, Exists, OuterRef, Q, QuerySet, Subquery, Sum
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from shouhou.core.errors import NotFoundError
from shouhou.org import roles as r

from . import flows
from .access import (
    is_merchant_admin_only,
    limit_money,
    limit_staff,
    money_filter,
    sees_all,
    staff_filter,
)
from .models import (
    Assessment,
    ConductRule,
    DepositRefund,
    FeeCharge,
    Fine,
    OnboardingApplication,
    Payment,
    ServiceStaff,
    StaffSettings,
    TrainingSession,
    WorkPermit,
)

ZERO = Decimal("0.00")


def _latest_permit(field: str):
    return Subquery(
        WorkPermit.objects.filter(staff_id=OuterRef("pk"))
        .order_by("-issued_on", "-id")
        .values(field)[:1]
    )


def _open_application(field: str):
    return Subquery(
        OnboardingApplication.objects.filter(
            staff_id=OuterRef("pk"), status=OnboardingApplication.Status.OPEN
        ).values(field)[:1]
    )


def staff_list(
    *,
    user,
    q: str = "",
    status: str = "",
    kind: str = "",
    employer: str = "",
    step: str = "",
    permit_status: str = "",
) -> QuerySet[ServiceStaff]:
    qs = limit_staff(ServiceStaff.objects.all(), user).select_related("merchant", "store")
    qs = qs.annotate(
        permit_number=_latest_permit("number"),
        permit_status=_latest_permit("status"),
        permit_valid_until=_latest_permit("valid_until"),
        onboarding_step=_open_application("step"),
        onboarding_since=_open_application("step_since"),
        onboarding_flow=_open_application("flow"),
    )
    if q:
        q = q.strip()
        qs = qs.filter(
            Q(name__icontains=q)
            | Q(mobile__endswith=q)
            | Q(id_number__endswith=q)
            | Q(permits__number__iexact=q)
        ).distinct()
    if status:
        qs = qs.filter(status=status)
    if employer:
        qs = qs.filter(employer=employer)
    if kind:
        qs = qs.filter(kinds__icontains=f'"{kind}"')
    if step:
        qs = qs.filter(onboarding_step=step)
    if permit_status:
        qs = qs.filter(permit_status=permit_status)
    return qs.order_by("name", "pk")


def staff_get(*, user, pk) -> ServiceStaff:
    try:
        return limit_staff(
            ServiceStaff.objects.select_related("merchant", "store", "user"), user
        ).get(pk=pk)
    except (ServiceStaff.DoesNotExist, ValueError, TypeError) as exc:
        raise NotFoundError(_("Service staff member not found.")) from exc


def _get_by_staff(model, user, pk, message):
    try:
        return limit_staff(model.objects.select_related("staff"), user, "staff__").get(pk=pk)
    except (model.DoesNotExist, ValueError, TypeError) as exc:
        raise NotFoundError(message) from exc


def application_get(*, user, pk) -> OnboardingApplication:
    return _get_by_staff(OnboardingApplication, user, pk, _("Application not found."))


def permit_get(*, user, pk) -> WorkPermit:
    return _get_by_staff(WorkPermit, user, pk, _("Work permit not found."))


def charge_get(*, user, pk) -> FeeCharge:
    try:
        return limit_money(FeeCharge.objects.select_related("staff"), user).get(pk=pk)
    except (FeeCharge.DoesNotExist, ValueError, TypeError) as exc:
        raise NotFoundError(_("Fee charge not found.")) from exc


def fine_get(*, user, pk) -> Fine:
    try:
        return limit_money(Fine.objects.select_related("staff"), user, reported=True).get(pk=pk)
    except (Fine.DoesNotExist, ValueError, TypeError) as exc:
        raise NotFoundError(_("Fine not found.")) from exc


def open_application(staff: ServiceStaff) -> OnboardingApplication | None:
    return OnboardingApplication.objects.filter(
        staff=staff, status=OnboardingApplication.Status.OPEN
    ).first()


def application_list(*, user, status: str = OnboardingApplication.Status.OPEN):
    qs = limit_staff(
        OnboardingApplication.objects.select_related("staff", "staff__merchant"), user, "staff__"
    )
    if status:
        qs = qs.filter(status=status)
    return qs.order_by("step_since")


def onboarding_pipeline(*, user, now=None) -> list[dict]:
    """Open applications: where each applicant waits, who acts next, and for how long."""
    now = now or timezone.now()
    rows = []
    for app in application_list(user=user):
        step = app.current_step
        waited = now - app.step_since
        rows.append(
            {
                "application": app,
                "staff": app.staff,
                "flow": app.get_flow_display(),
                "step": app.get_step_display(),
                "step_code": app.step,
                "role": str(r.ROLES.get(step.role, step.role)) if step else "",
                "since": app.step_since,
                "waited": waited,
                "waited_days": round(waited.total_seconds() / 86400, 1),
            }
        )
    return rows


def pipeline_counts(*, user) -> dict[str, int]:
    counts = dict(
        application_list(user=user)
        .values_list("step")
        .annotate(n=Count("id"))
        .values_list("step", "n")
    )
    return counts


def permits_list(*, user, status: str = ""):
    qs = limit_staff(WorkPermit.objects.select_related("staff"), user, "staff__")
    if status:
        qs = qs.filter(status=status)
    return qs


def permit_expiry_warning_days(organisation) -> int:
    """The organisation's warning window for expiring permits (a staff setting; default 30)."""
    org_id = getattr(organisation, "pk", organisation)
    days = (
        StaffSettings.objects.filter(organisation_id=org_id)
        .values_list("permit_expiry_warning_days", flat=True)
        .first()
    )
    return days or StaffSettings._meta.get_field("permit_expiry_warning_days").default


def permits_expiring(*, user, today: dt.date | None = None, days: int | None = None):
    """Valid or suspended permits expiring between today and `days` from now (default: the
    organisation's `permit_expiry_warning_days`)."""
    today = today or timezone.localdate()
    if days is None:
        days = permit_expiry_warning_days(user.organisation_id)
    return (
        permits_list(user=user)
        .filter(
            status__in=[WorkPermit.Status.VALID, WorkPermit.Status.SUSPENDED],
            valid_until__gte=today,
            valid_until__lte=today + dt.timedelta(days=days),
        )
        .order_by("valid_until", "number")
    )


def ledger(*, staff: ServiceStaff) -> dict:
    """Charges and fines (debits), payments (credits) and deposit refunds, oldest first.

    The balance is what the person still owes. A deposit refund pays back money that was paid
    against the deposit charge, so it cancels both and leaves the balance as it was.
    """
    lines = []
    for c in FeeCharge.objects.filter(staff=staff):
        lines.append(
            {
                "at": c.created_at,
                "kind": "charge",
                "label": str(c),
                "debit": c.amount,
                "credit": ZERO,
                "obj": c,
            }
        )
    for f in Fine.objects.filter(staff=staff):
        lines.append(
            {
                "at": f.created_at,
                "kind": "fine",
                "label": _("Fine: %(category)s") % {"category": f.get_category_display()},
                "debit": f.amount,
                "credit": ZERO,
                "obj": f,
            }
        )
    for p in Payment.objects.filter(staff=staff).select_related("charge", "fine"):
        lines.append(
            {
                "at": p.paid_at,
                "kind": "payment",
                "label": _("Payment, receipt %(receipt)s") % {"receipt": p.receipt_no},
                "debit": ZERO,
                "credit": p.amount,
                "obj": p,
            }
        )
    for d in DepositRefund.objects.filter(staff=staff):
        lines.append(
            {
                "at": d.refunded_at,
                "kind": "refund",
                "label": _("Deposit refunded, voucher %(voucher)s") % {"voucher": d.voucher_no},
                "debit": -d.amount,
                "credit": -d.amount,
                "obj": d,
            }
        )
    lines.sort(key=lambda line: line["at"])
    balance = ZERO
    for line in lines:
        balance += line["debit"] - line["credit"]
        line["balance"] = balance
    unpaid_charges = list(FeeCharge.objects.filter(staff=staff, paid_at__isnull=True))
    unpaid_fines = list(Fine.objects.filter(staff=staff, status=Fine.Status.UNPAID))
    return {
        "lines": lines,
        "balance": balance,
        "unpaid_charges": unpaid_charges,
        "unpaid_fines": unpaid_fines,
    }


def fines_list(*, user, status: str = "", overdue: bool = False, now=None):
    now = now or timezone.now()
    qs = limit_money(Fine.objects.select_related("staff", "reported_by"), user, reported=True)
    if status:
        qs = qs.filter(status=status)
    if overdue:
        qs = qs.filter(status=Fine.Status.UNPAID, due_at__lt=now)
    return qs.order_by("due_at")


def charges_list(*, user, unpaid: bool = False):
    qs = limit_money(FeeCharge.objects.select_related("staff"), user)
    if unpaid:
        qs = qs.filter(paid_at__isnull=True)
    return qs


def payments_list(*, user):
    return limit_money(Payment.objects.select_related("staff", "charge", "fine"), user)


def staff_owing(*, user, now=None) -> list[dict]:
    """Staff with unpaid fines or fees: totals and how many fines are overdue."""
    now = now or timezone.now()
    unpaid_charges = FeeCharge.objects.filter(staff_id=OuterRef("pk"), paid_at__isnull=True)
    unpaid_fines = Fine.objects.filter(staff_id=OuterRef("pk"), status=Fine.Status.UNPAID)
    qs = ServiceStaff.objects.filter(money_filter(user, "")).filter(
        Exists(unpaid_charges) | Exists(unpaid_fines)
    )
    charge_sum = (
        FeeCharge.objects.filter(staff_id=OuterRef("pk"), paid_at__isnull=True)
        .order_by()
        .values("staff_id")
        .annotate(s=Sum("amount"))
        .values("s")
    )
    fine_sum = (
        Fine.objects.filter(staff_id=OuterRef("pk"), status=Fine.Status.UNPAID)
        .order_by()
        .values("staff_id")
        .annotate(s=Sum("amount"))
        .values("s")
    )
    overdue_count = (
        Fine.objects.filter(staff_id=OuterRef("pk"), status=Fine.Status.UNPAID, due_at__lt=now)
        .order_by()
        .values("staff_id")
        .annotate(n=Count("id"))
        .values("n")
    )
    qs = qs.annotate(
        fees_due=Subquery(charge_sum),
        fines_due=Subquery(fine_sum),
        fines_overdue=Subquery(overdue_count),
    ).select_related("merchant")
    rows = []
    for s in qs.order_by("name", "pk"):
        fees, fines_ = s.fees_due or ZERO, s.fines_due or ZERO
        rows.append(
            {
                "staff": s,
                "fees_due": fees,
                "fines_due": fines_,
                "fines_overdue": s.fines_overdue or 0,
                "total": fees + fines_,
            }
        )
    return rows


def training_sessions_list(*, user):
    qs = TrainingSession.objects.select_related("merchant").annotate(
        attendees=Count("attendances", filter=Q(attendances__present=True))
    )
    if is_merchant_admin_only(user):
        qs = qs.filter(Q(merchant_id=user.merchant_id) | Q(run_by=TrainingSession.RunBy.COMPANY))
    elif not sees_all(user):
        own = staff_filter(user, "attendances__staff__")
        qs = qs.filter(own).distinct()
    return qs.order_by("-starts_at")


def training_session_get(*, user, pk) -> TrainingSession:
    try:
        return training_sessions_list(user=user).get(pk=pk)
    except (TrainingSession.DoesNotExist, ValueError, TypeError) as exc:
        raise NotFoundError(_("Training session not found.")) from exc


def attendances_for(*, user, session: TrainingSession):
    return limit_staff(session.attendances.select_related("staff"), user, "staff__")


def assessments_list(*, user, staff: ServiceStaff | None = None):
    qs = limit_staff(
        Assessment.objects.select_related("staff", "session", "assessor"), user, "staff__"
    )
    if staff is not None:
        qs = qs.filter(staff=staff)
    return qs


def conduct_rules() -> list[dict]:
    """Active rules grouped by section, in the order of seed 000 §三."""
    rules = ConductRule.objects.filter(is_active=True).order_by("position", "id")
    groups = []
    for code, label in ConductRule.Section.choices:
        items = [rule for rule in rules if rule.section == code]
        if items:
            groups.append({"code": code, "label": label, "rules": items})
    return groups


def step_buttons(*, user, application: OnboardingApplication | None) -> list[dict]:
    """The steps of an application, each with its state and whether `user` may act on it."""
    if application is None:
        return []
    done = {s.step: s for s in application.done_steps.select_related("done_by")}
    out = []
    for step in flows.steps(application.flow):
        state = (
            "done"
            if step.code in done
            else (
                "current"
                if step.code == application.step and application.status == "open"
                else "todo"
            )
        )
        out.append(
            {
                "step": step,
                "state": state,
                "record": done.get(step.code),
                "role": r.ROLES.get(step.role, step.role),
                "can_act": state == "current" and r.has_role(user, step.role),
            }
        )
    return out


def dashboard_cards(*, user) -> list[dict]:
    if not (sees_all(user) or r.has_role(user, r.MERCHANT_ADMIN)):
        return []
    now = timezone.now()
    today = timezone.localdate(now)
    cards = [
        {
            "label": _("Applicants in onboarding"),
            "value": application_list(user=user).count(),
            "url": reverse("staff:onboarding"),
            "alert": False,
        },
        {
            "label": _("Permits expiring within %(days)s days")
            % {"days": permit_expiry_warning_days(user.organisation_id)},
            "value": permits_expiring(user=user, today=today).count(),
            "url": reverse("staff:reports"),
            "alert": False,
        },
    ]
    overdue = fines_list(user=user, overdue=True, now=now).count()
    cards.append(
        {
            "label": _("Overdue fines"),
            "value": overdue,
            "url": reverse("staff:fines") + "?overdue=1",
            "alert": overdue > 0,
        }
    )
    return cards
