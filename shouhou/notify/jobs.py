"""The sending job: every minute, the due messages of each organisation in turn."""

from __future__ import annotations

import datetime as dt

from django.db.models import Q
from django.utils import timezone
from django_scopes import scope

from .models import Message, NotifySettings
from .services import message_deliver


def send_due(now=None) -> dict:
    """Claim the due messages (PENDING → SENDING in one UPDATE, so two runners never send one
    message twice) and deliver them. A message left SENDING by a crashed runner is taken again
    after 10 minutes."""
    now = now or timezone.now()
    stale = now - dt.timedelta(minutes=10)
    counts = {"sent": 0, "retry": 0, "failed": 0, "skipped": 0}
    due = Q(status=Message.Status.PENDING, next_attempt_at__lte=now) | Q(
        status=Message.Status.SENDING, updated_at__lt=stale
    )
    org_ids = Message.all_objects.filter(due).values_list("organisation_id", flat=True).distinct()
    for org_id in list(org_ids):
        with scope(organisation=org_id):
            size = NotifySettings.for_org(org_id).batch_size
            ids = list(
                Message.objects.filter(due, organisation_id=org_id)
                .order_by("next_attempt_at", "id")
                .values_list("id", flat=True)[:size]
            )
            for pk in ids:
                # One claim per message: the runner whose UPDATE changed the row sends it.
                if not Message.objects.filter(due, pk=pk).update(
                    status=Message.Status.SENDING, updated_at=now
                ):
                    continue
                message = message_deliver(Message.objects.get(pk=pk), now=now)
                if message.status == Message.Status.SENT:
                    counts["sent"] += 1
                elif message.status == Message.Status.PENDING:
                    counts["retry"] += 1
                elif message.status == Message.Status.FAILED:
                    counts["failed"] += 1
                else:
                    counts["skipped"] += 1
    return counts
