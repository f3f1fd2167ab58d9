"""The daily dealers job: repair records not back by their return date are refused (四.3).

One set-based update per organisation (in its scope), guarded on the state, so running it twice
refuses nothing twice; each refused record gets its audit event.
"""

from __future__ import annotations

import datetime as dt

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from shouhou.core.audit import audit_record
from shouhou.core.middleware import organisation_scope
from shouhou.org.models import Organisation

from .models import RepairRecord

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
