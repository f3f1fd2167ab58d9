"""Periodic job: the previous month's complaint statistics to the store manager and the heads of
department (the roles of the organisation setting `ComplaintSettings.statistics_recipient_roles`;
in-app notification; email when the user has an address). Once per organisation and
month: a unique `MonthlyStatisticsSend` row is claimed first, so a second run sends nothing."""

from __future__ import annotations

import datetime as dt
import logging

from django.conf import settings
from django.contrib.auth import get_user_model
from django.core.mail import send_mail
from django.db import IntegrityError, transaction
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django_scopes import scopes_disabled

from shouhou.org.models import Organisation

from . import selectors
from .models import MonthlyStatisticsSend, Notification

log = logging.getLogger(__name__)


def _body(stats) -> str:
    lines = [
        _("Cases: %(n)s, of which complaints: %(c)s.")
        % {"n": stats["total"], "c": stats["complaints"]}
    ]
    lines += [f"{row['label']}: {row['total']}" for row in stats["summary"]]
    lines.append(_("Complaint causes:"))
    lines += [
        f"  {row['cause']}: {row['count']} ({row['share']}%)"
        for row in stats["causes"]
        if row["count"]
    ]
    return "\n".join(lines)


def send_monthly_statistics(now: dt.datetime | None = None) -> dict:
    """Send last month's statistics once per organisation (run it daily; it acts once a month)."""
    now = now or timezone.now()
    today = timezone.localtime(now).date()
    month = (today.replace(day=1) - dt.timedelta(days=1)).replace(day=1)
    sent = skipped = 0
    User = get_user_model()
    with scopes_disabled():
        done = set(
            MonthlyStatisticsSend.all_objects.filter(month=month).values_list(
                "organisation_id", flat=True
            )
        )
        for org in Organisation.objects.exclude(pk__in=done):
            try:
                with transaction.atomic():
                    row = MonthlyStatisticsSend.all_objects.create(organisation=org, month=month)
                    stats = selectors.monthly_statistics(organisation=org, month=month)
                    users = list(
                        User.objects.filter(
                            organisation=org,
                            is_active=True,
                            groups__name__in=selectors.statistics_recipient_roles(org),
                        ).distinct()
                    )
                    title = _("Complaint statistics for %(month)s") % {
                        "month": month.strftime("%Y-%m")
                    }
                    body = _body(stats)
                    url = reverse("complaints:statistics") + f"?month={month:%Y-%m}"
                    Notification.objects.bulk_create(
                        [Notification(recipient=u, title=title, body=body, url=url) for u in users]
                    )
                    row.recipients = len(users)
                    row.save(update_fields=["recipients"])
                    emails = [u.email for u in users if u.email]
                    if emails:
                        transaction.on_commit(
                            lambda t=title, b=body, e=emails: send_mail(
                                t, b, settings.DEFAULT_FROM_EMAIL, e, fail_silently=True
                            )
                        )
                sent += 1
            except IntegrityError:
                skipped += 1
    return {"month": month.isoformat(), "sent": sent, "skipped": skipped}
