"""The complaints app's subscriptions to lower apps (connected in `ComplaintsConfig.ready`):
the in-app notifications (this app's `Notification`) are the escalation path of the work-order
sweep's response-tier rules."""

from __future__ import annotations

from django.contrib.auth import get_user_model
from django.dispatch import receiver
from django.urls import reverse
from django.utils.http import urlencode
from django.utils.translation import gettext as _

from shouhou.workorders.config import settings_for
from shouhou.workorders.models import WorkOrder
from shouhou.workorders.signals import workorder_limits_missed

from .models import Notification


@receiver(workorder_limits_missed, dispatch_uid="complaints.escalate_limits_missed")
def escalate_limits_missed(sender, *, organisation_id, rule, order_ids, at, **kwargs):
    """Orders past a response-tier limit (seed 002: not arranged in time, no written contact in
    time): one notification to each user of the organisation's `escalate_to_roles`."""
    roles = settings_for(organisation_id).escalate_to_roles or []
    users = list(
        get_user_model()
        .objects.filter(organisation_id=organisation_id, is_active=True, groups__name__in=roles)
        .distinct()
    )
    if not users:
        return
    numbers = list(
        WorkOrder.all_objects.filter(organisation_id=organisation_id, pk__in=order_ids)
        .order_by("pk")
        .values_list("number", flat=True)
    )
    titles = {
        "arrange_overdue": _("Orders not arranged in time: %(n)d"),
        "written_overdue": _("Written contacts not made in time: %(n)d"),
    }
    title = titles.get(rule, _("Orders past a time limit: %(n)d")) % {"n": len(order_ids)}
    flag = "arrange_overdue" if rule == "arrange_overdue" else ""
    url = reverse("workorders:list") + ("?" + urlencode({"flag": flag}) if flag else "")
    body = "、".join(numbers[:50])
    Notification.objects.bulk_create(
        [Notification(recipient=u, title=title, body=body, url=url) for u in users]
    )
