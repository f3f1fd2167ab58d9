"""Periodic jobs of the staff app (registered in shouhou/jobs.py). Set-based and idempotent."""

from __future__ import annotations

from django.contrib.contenttypes.models import ContentType
from django.db.models import Exists, OuterRef
from django.utils import timezone

from shouhou.core.models import AuditEvent

from .models import FeeCharge, Fine, ServiceStaff, StaffSettings, WorkPermit

BATCH = 1000


def _month_start(now):
    return timezone.localdate(now).replace(day=1)


def _audit_bulk(model, ids_orgs: list[tuple[int, int]], action: str, before: dict, after: dict):
    ct = ContentType.objects.get_for_model(model)
    AuditEvent.all_objects.bulk_create(
        [
            AuditEvent(
                organisation_id=org_id,
                actor=None,
                action=action,
                content_type=ct,
                object_id=str(pk),
                object_repr=str(number)[:200],
                before=before,
                after=after,
            )
            for pk, org_id, number in ids_orgs
        ],
        batch_size=BATCH,
    )


def raise_monthly_fees(now) -> dict:
    """One management-fee charge per working staff member per month.

    The unique constraint (staff, kind, period) for management fees makes a second run (or a
    concurrent one) insert nothing: rows are bulk-inserted with conflicts ignored.
    """
    period = _month_start(now)
    default_fee = StaffSettings._meta.get_field("management_fee").default
    fees = dict(StaffSettings.objects.values_list("organisation_id", "management_fee"))
    before = FeeCharge.all_objects.filter(kind=FeeCharge.Kind.MANAGEMENT, period=period).count()
    already = FeeCharge.all_objects.filter(
        staff_id=OuterRef("pk"), kind=FeeCharge.Kind.MANAGEMENT, period=period
    )
    rows = (
        ServiceStaff.all_objects.filter(status=ServiceStaff.Status.ACTIVE)
        .filter(~Exists(already))
        .values_list("pk", "organisation_id")
        .iterator(chunk_size=BATCH)
    )
    batch: list[FeeCharge] = []
    for staff_id, org_id in rows:
        amount = fees.get(org_id, default_fee)
        if amount <= 0:
            continue
        batch.append(
            FeeCharge(
                organisation_id=org_id,
                staff_id=staff_id,
                kind=FeeCharge.Kind.MANAGEMENT,
                amount=amount,
                period=period,
                description=f"{period:%Y-%m}",
            )
        )
        if len(batch) >= BATCH:
            FeeCharge.all_objects.bulk_create(batch, ignore_conflicts=True)
            batch = []
    if batch:
        FeeCharge.all_objects.bulk_create(batch, ignore_conflicts=True)
    after = FeeCharge.all_objects.filter(kind=FeeCharge.Kind.MANAGEMENT, period=period).count()
    return {"period": f"{period:%Y-%m}", "charged": after - before}


def suspend_for_overdue_fines(now) -> dict:
    """Suspend valid permits of people with an overdue unpaid fine, where the organisation's
    setting says so (no settings row means the default: on)."""
    switched_off = StaffSettings.objects.filter(suspend_on_overdue_fine=False).values(
        "organisation_id"
    )
    overdue = Fine.all_objects.filter(
        staff_id=OuterRef("staff_id"), status=Fine.Status.UNPAID, due_at__lt=now
    )
    candidates = (
        WorkPermit.all_objects.filter(status=WorkPermit.Status.VALID)
        .exclude(organisation_id__in=switched_off)
        .filter(Exists(overdue))
    )
    targets = list(candidates.values_list("pk", "organisation_id", "number"))
    if not targets:
        return {"suspended": 0}
    ids = [t[0] for t in targets]
    suspended = 0
    for i in range(0, len(ids), BATCH):
        suspended += WorkPermit.all_objects.filter(
            pk__in=ids[i : i + BATCH], status=WorkPermit.Status.VALID
        ).update(
            status=WorkPermit.Status.SUSPENDED,
            suspend_reason=WorkPermit.SuspendReason.FINE_OVERDUE,
            status_changed_at=now,
        )
    _audit_bulk(
        WorkPermit,
        targets,
        "shouhou.permit.suspended",
        {"status": "valid"},
        {"status": "suspended", "suspend_reason": "fine_overdue"},
    )
    return {"suspended": suspended}


def expire_permits(now) -> dict:
    """Valid or suspended permits past their last valid day become expired."""
    today = timezone.localdate(now)
    qs = WorkPermit.all_objects.filter(
        status__in=[WorkPermit.Status.VALID, WorkPermit.Status.SUSPENDED], valid_until__lt=today
    )
    targets = list(qs.values_list("pk", "organisation_id", "number"))
    if not targets:
        return {"expired": 0}
    ids = [t[0] for t in targets]
    expired = 0
    for i in range(0, len(ids), BATCH):
        expired += WorkPermit.all_objects.filter(
            pk__in=ids[i : i + BATCH],
            status__in=[WorkPermit.Status.VALID, WorkPermit.Status.SUSPENDED],
        ).update(status=WorkPermit.Status.EXPIRED, status_changed_at=now)
    _audit_bulk(WorkPermit, targets, "shouhou.permit.expired", {}, {"status": "expired"})
    return {"expired": expired}
