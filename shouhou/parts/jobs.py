"""The daily parts job: the overdue old parts and the stock below its reorder level become
`Alert` rows (one per subject, `ignore_conflicts` on the unique key), and alerts whose cause is
gone are removed, so running it twice changes nothing. One organisation at a time, set-based."""

from __future__ import annotations

from django.db.models import F, Q
from django.utils import timezone

from .models import Alert, Location, Requisition, RequisitionLine, Stock


def _low_q():
    return Q(reorder_level__isnull=False, quantity__lt=F("reorder_level")) | Q(
        reorder_level__isnull=True, part__reorder_level__gt=0, quantity__lt=F("part__reorder_level")
    )


def _sync(org_id: int, kind: str, wanted: dict[str, str], today) -> tuple[int, int]:
    existing = set(
        Alert.all_objects.filter(organisation_id=org_id, kind=kind).values_list(
            "subject", flat=True
        )
    )
    gone = existing - set(wanted)
    removed = 0
    if gone:
        removed, _ = Alert.all_objects.filter(
            organisation_id=org_id, kind=kind, subject__in=list(gone)
        ).delete()
    new = [
        Alert(organisation_id=org_id, kind=kind, subject=s, text=t[:200], raised_on=today)
        for s, t in wanted.items()
        if s not in existing
    ]
    Alert.all_objects.bulk_create(new, ignore_conflicts=True, batch_size=1000)
    return len(new), removed


def daily(now=None) -> dict:
    now = now or timezone.now()
    today = timezone.localdate(now)
    out = {"overdue_raised": 0, "low_raised": 0, "cleared": 0}
    orgs = Location.all_objects.values_list("organisation_id", flat=True).distinct()
    for org_id in sorted(set(orgs)):
        overdue = (
            RequisitionLine.all_objects.filter(
                organisation_id=org_id,
                old_part_due_on__lt=today,
                old_part__isnull=True,
                requisition__status=Requisition.Status.ISSUED,
            )
            .filter(quantity__gt=F("returned") + F("written_off"))
            .values_list("pk", "part__code", "requisition__number", "old_part_due_on")
        )
        wanted = {
            f"line:{pk}": f"{code} {number} {due:%Y-%m-%d}" for pk, code, number, due in overdue
        }
        raised, cleared = _sync(org_id, Alert.Kind.OLD_PART_OVERDUE, wanted, today)
        out["overdue_raised"] += raised
        out["cleared"] += cleared
        low = (
            Stock.all_objects.filter(organisation_id=org_id, location__is_active=True)
            .exclude(location__kind__in=["technician", "old_usable", "old_scrap"])
            .filter(_low_q())
            .values_list("pk", "part__code", "location__code", "quantity")
        )
        wanted = {f"stock:{pk}": f"{code} @ {loc}: {q}" for pk, code, loc, q in low}
        raised, cleared = _sync(org_id, Alert.Kind.LOW_STOCK, wanted, today)
        out["low_raised"] += raised
        out["cleared"] += cleared
    return out
