"""The dealers' jobs: repair records not back by their return date are refused (四.3); the
sales office's check of forwarded tasks (四.2, `check_forwarded_tasks`).

One set-based update per organisation (in its scope), guarded on the state, so running it twice
refuses nothing twice; each refused record gets its audit event.
"""

from __future__ import annotations

import datetime as dt

from django.contrib.auth import get_user_model
from django.db import transaction
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from shouhou.complaints.models import Notification
from shouhou.core.audit import audit_record
from shouhou.core.middleware import organisation_scope
from shouhou.org.models import Organisation

from .models import DealerSettings, RepairRecord, ServiceTask

S = RepairRecord.Status


def refuse_overdue_records(now: dt.datetime) -> dict:
    today = timezone.localdate(now) if timezone.is_aware(now) else now.date()
    refused = 0
    for org_id in Organisation.objects.values_list("pk", flat=True):
        with organisation_scope(org_id), transaction.atomic():
            rows = list(
                RepairRecord.objects.select_for_update().filter(
                    organisation_id=org_id, status=S.SIGNED, return_due_on__lt=today
                )
            )
            if not rows:
                continue
            reason = _("The record and old parts did not come back by the return date.")
            RepairRecord.objects.filter(pk__in=[r.pk for r in rows], status=S.SIGNED).update(
                status=S.REFUSED, refused_reason=reason, updated_at=timezone.now()
            )
            for r in rows:
                audit_record(
                    actor=None,
                    action="shouhou.repair_record.refused",
                    obj=r,
                    before={"status": S.SIGNED},
                    after={"status": S.REFUSED, "refused_reason": reason},
                    note="job",
                )
            refused += len(rows)
    return {"refused": refused}


def check_forwarded_tasks(now: dt.datetime) -> dict:
    """范文2 四.2: "销售内勤应在转送各部门任务后4小时内,对各部门落实情况进行督促检查。检查发现未予落实的,应该上报
    公司领导协调解决". A task the office forwarded and the dealer has not arranged by its check
    time (`DealerSettings.check_within_hours` working hours after forwarding; the dealer's own
    limit is `arrange_within_hours`, 四.2's 2 hours) is reported once: one conditional UPDATE
    sets `escalated_at` (the marker: a reported task is not matched again, so a second run
    reports nothing), with an in-app notification to the organisation's
    `escalate_to_roles` and an audit event per task, in the same transaction."""
    reported = 0
    User = get_user_model()
    for org_id in Organisation.objects.values_list("pk", flat=True):
        with organisation_scope(org_id), transaction.atomic():
            due = ServiceTask.objects.select_for_update(skip_locked=True).filter(
                organisation_id=org_id,
                source=ServiceTask.Source.FORWARDED,
                arranged_at__isnull=True,
                escalated_at__isnull=True,
                check_due_at__lt=now,
            )
            rows = list(due.select_related("dealer"))
            if not rows:
                continue
            ServiceTask.objects.filter(
                pk__in=[t.pk for t in rows], escalated_at__isnull=True
            ).update(escalated_at=now, updated_at=now)
            roles = DealerSettings.for_org(org_id).escalate_to_roles or []
            users = list(
                User.objects.filter(
                    organisation_id=org_id, is_active=True, groups__name__in=roles
                ).distinct()
            )
            title = _("Forwarded tasks not arranged: %(n)d") % {"n": len(rows)}
            body = "\n".join(
                f"{t.dealer.name}: {t.customer_name} — {t.problem[:80]}"
                f" ({_('to be arranged by')} {timezone.localtime(t.arrange_due_at):%Y-%m-%d %H:%M})"
                for t in rows
            )
            Notification.objects.bulk_create(
                [
                    Notification(recipient=u, title=title, body=body, url=reverse("dealers:index"))
                    for u in users
                ]
            )
            for t in rows:
                audit_record(
                    actor=None,
                    action="shouhou.dealer_task.escalated",
                    obj=t,
                    before={"escalated_at": None},
                    after={"escalated_at": now.isoformat()},
                    note="job",
                )
            reported += len(rows)
    return {"reported": reported}
