"""The lost-property jobs, one organisation's scope at a time, set-based and idempotent.

`daily` (every hour; it acts once a day's due date has come):
- an item at the desk or with security overnight whose archive day has come -> due to go to
  security (三.4); a valuable is with the head of security already and stays there;
- an open item whose disposal day has come (valuables included) -> due for disposal (三.6), with
  the time it was reported, and one "unclaimed" reminder per store and day for the manager
  (2.2.4).
Each move is a guarded update from the state read, with an audit event per item.

`remind` (every 15 minutes):
- from the desk's closing time, a store with items of the day on no list -> one reminder
  (三.1);
- from the morning hour, a store with yesterday's items not back at the desk -> one reminder
  (三.3).
Reminders are unique per store, kind and day, so a second run raises nothing twice.
"""

from __future__ import annotations

import datetime as dt

from django.contrib.contenttypes.models import ContentType
from django.db import transaction
from django.db.models import Count
from django.utils import timezone

from shouhou.core.middleware import organisation_scope
from shouhou.core.models import AuditEvent
from shouhou.org.models import Organisation

from .models import LostFoundSettings, LostItem, LostItemReminder

S = LostItem.Status
OPEN = (S.AT_DESK, S.OVERNIGHT, S.BACK_AT_DESK, S.ARCHIVE_DUE, S.ARCHIVED, S.VALUABLE_KEPT)


def _local(now) -> dt.datetime:
    return timezone.localtime(now) if timezone.is_aware(now) else now


def _org_ids() -> list[int]:
    return list(Organisation.objects.order_by("pk").values_list("pk", flat=True))


def _advance(org_id: int, rows, to_status: str, now, **values) -> int:
    """Move the rows (a queryset already filtered on their state) and audit each one."""
    found = list(rows.values_list("pk", "status", "number", "category"))
    if not found:
        return 0
    moved = 0
    events = []
    ct = ContentType.objects.get_for_model(LostItem)
    for pk, status, number, _category in found:
        if LostItem.all_objects.filter(pk=pk, status=status).update(
            status=to_status, updated_at=now, **values
        ):
            moved += 1
            events.append(
                AuditEvent(
                    organisation_id=org_id,
                    action=f"shouhou.lost_item.{to_status}",
                    content_type=ct,
                    object_id=str(pk),
                    object_repr=number,
                    before={"status": status},
                    after={"status": to_status},
                    note="job",
                )
            )
    AuditEvent.all_objects.bulk_create(events)
    return moved


def _remind(org_id: int, kind: str, day: dt.date, counts) -> int:
    rows = [
        LostItemReminder(organisation_id=org_id, store_id=store, kind=kind, day=day, item_count=n)
        for store, n in counts
    ]
    if not rows:
        return 0
    keys = [(r.store_id, r.day) for r in rows]
    existing = LostItemReminder.all_objects.filter(
        kind=kind, day=day, store_id__in=[k[0] for k in keys]
    ).count()
    LostItemReminder.all_objects.bulk_create(rows, ignore_conflicts=True)
    return (
        LostItemReminder.all_objects.filter(
            kind=kind, day=day, store_id__in=[k[0] for k in keys]
        ).count()
        - existing
    )


def daily_for(org_id: int, now) -> dict:
    today = _local(now).date()
    items = LostItem.all_objects.filter(organisation_id=org_id)
    with transaction.atomic():
        archive = _advance(
            org_id,
            items.filter(status__in=(S.OVERNIGHT, S.BACK_AT_DESK), archive_due_on__lte=today),
            S.ARCHIVE_DUE,
            now,
        )
        due = items.filter(status__in=OPEN, disposal_due_on__lte=today)
        per_store = list(due.values_list("store_id").annotate(n=Count("id")).order_by("store_id"))
        disposal = _advance(org_id, due, S.DISPOSAL_DUE, now, reported_at=now)
        reminders = (
            _remind(org_id, LostItemReminder.Kind.UNCLAIMED, today, per_store) if disposal else 0
        )
    return {"to_archive": archive, "disposal_due": disposal, "reported": reminders}


def daily(now) -> dict:
    totals = {"to_archive": 0, "disposal_due": 0, "reported": 0}
    for org_id in _org_ids():
        with organisation_scope(org_id):
            for k, v in daily_for(org_id, now).items():
                totals[k] += v
    return totals


def remind_for(org_id: int, now) -> dict:
    cfg = LostFoundSettings.for_org(org_id)
    local = _local(now)
    today = local.date()
    items = LostItem.all_objects.filter(organisation_id=org_id)
    out = {"not_listed": 0, "not_moved": 0}
    if local.time() >= cfg.desk_closes_at:
        counts = (
            items.filter(
                day_list__isnull=True, found_on__lte=today, status__in=(S.AT_DESK, S.VALUABLE_KEPT)
            )  # fmt: skip
            .values_list("store_id")
            .annotate(n=Count("id"))
            .order_by("store_id")
        )
        out["not_listed"] = _remind(org_id, LostItemReminder.Kind.NOT_LISTED, today, counts)
    if local.time() >= cfg.move_back_by:
        counts = (
            items.filter(status=S.OVERNIGHT, day_list__day__lt=today)
            .values_list("store_id")
            .annotate(n=Count("id"))
            .order_by("store_id")
        )
        out["not_moved"] = _remind(org_id, LostItemReminder.Kind.NOT_MOVED, today, counts)
    return out


def remind(now) -> dict:
    totals = {"not_listed": 0, "not_moved": 0}
    for org_id in _org_ids():
        with organisation_scope(org_id):
            for k, v in remind_for(org_id, now).items():
                totals[k] += v
    return totals
