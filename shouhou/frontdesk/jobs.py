"""Periodic job: the desk's daily summary (yesterday) and the weekly complaint summary (last
week, Monday to Sunday), by e-mail with the Excel workbook, to the members of the roles in
`FrontdeskSettings.summary_recipient_roles` and the extra addresses. Once per organisation,
kind and period: a unique `SummarySend` row is claimed first, so a second run sends nothing."""

from __future__ import annotations

import datetime as dt

from django.conf import settings
from django.contrib.auth import get_user_model
from django.core.mail import EmailMessage
from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext as _
from django_scopes import scope

from shouhou.core.exports import XLSX_CONTENT_TYPE
from shouhou.org.models import Organisation

from . import reports, selectors
from .models import FrontdeskSettings, SummarySend


def recipients(org) -> list[str]:
    cfg = FrontdeskSettings.for_org(org)
    users = (
        get_user_model()
        .objects.filter(
            organisation=org, is_active=True, groups__name__in=cfg.summary_recipient_roles or []
        )
        .exclude(email="")
        .values_list("email", flat=True)
        .distinct()
    )
    extra = [e.strip() for e in (cfg.summary_extra_emails or "").splitlines() if e.strip()]
    return sorted(set(users) | set(extra))


def _send(org, kind, start, title, sections, filename) -> int:
    to = recipients(org)
    with transaction.atomic():
        row = SummarySend.all_objects.create(organisation=org, kind=kind, period_start=start)
        row.recipients = len(to)
        row.save(update_fields=["recipients"])
        if to:
            msg = EmailMessage(
                title, reports.text(title, sections), settings.DEFAULT_FROM_EMAIL, to
            )
            msg.attach(filename, reports.workbook(sections), XLSX_CONTENT_TYPE)
            transaction.on_commit(lambda: msg.send(fail_silently=True))
    return len(to)


def send_summaries(now: dt.datetime | None = None) -> dict:
    """Yesterday's daily summary, and last week's complaint summary, once each."""
    now = now or timezone.now()
    today = timezone.localtime(now).date()
    day = today - dt.timedelta(days=1)
    week = selectors.week_start(today) - dt.timedelta(days=7)
    sent = skipped = 0
    for org in Organisation.objects.all():
        with scope(organisation=org):
            done = set(
                SummarySend.all_objects.filter(organisation=org)
                .filter(period_start__in=[day, week])
                .values_list("kind", "period_start")
            )
            jobs = []
            if (SummarySend.Kind.DAILY, day) not in done:
                s = selectors.daily_summary(organisation=org, day=day)
                jobs.append(
                    (
                        SummarySend.Kind.DAILY,
                        day,
                        _("Desk summary for %(day)s") % {"day": day.isoformat()},
                        reports.daily_sections(s),
                        f"desk-{day:%Y%m%d}.xlsx",
                    )
                )
            if (SummarySend.Kind.WEEKLY, week) not in done:
                s = selectors.weekly_complaint_summary(organisation=org, start=week)
                jobs.append(
                    (
                        SummarySend.Kind.WEEKLY,
                        week,
                        _("Complaint summary for the week from %(day)s")
                        % {"day": week.isoformat()},
                        reports.weekly_sections(s),
                        f"complaints-week-{week:%Y%m%d}.xlsx",
                    )
                )
            for kind, start, title, sections, filename in jobs:
                try:
                    _send(org, kind, start, title, sections, filename)
                    sent += 1
                except IntegrityError:
                    skipped += 1
    return {"day": day.isoformat(), "week": week.isoformat(), "sent": sent, "skipped": skipped}
