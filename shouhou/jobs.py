"""The registry of periodic jobs.

A job is a plain function `fn(now) -> dict` that finds its work with set-based queries, acts in
batches and can run twice without doing anything twice. `manage.py runjobs` runs them on this
schedule in one process (the embedded default); Celery beat runs the same functions across
workers (see shouhou/celery.py). Apps add their jobs here.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass


@dataclass(frozen=True)
class Job:
    name: str
    path: str  # dotted path to fn(now) -> dict
    every: dt.timedelta

    def load(self):
        from django.utils.module_loading import import_string

        return import_string(self.path)


JOBS: list[Job] = [
    Job(
        "workdays.ensure_calendars",
        "shouhou.workdays.jobs.ensure_calendars",
        dt.timedelta(hours=24),
    ),
    Job("staff.raise_monthly_fees", "shouhou.staff.jobs.raise_monthly_fees", dt.timedelta(hours=6)),
    Job(
        "staff.suspend_for_overdue_fines",
        "shouhou.staff.jobs.suspend_for_overdue_fines",
        dt.timedelta(minutes=15),
    ),
    Job("staff.expire_permits", "shouhou.staff.jobs.expire_permits", dt.timedelta(hours=1)),
    Job("workorders.sweep", "shouhou.workorders.jobs.sweep", dt.timedelta(minutes=5)),
    Job("delivery.daily", "shouhou.delivery.jobs.daily", dt.timedelta(hours=6)),
    Job(
        "dealers.refuse_overdue_records",
        "shouhou.dealers.jobs.refuse_overdue_records",
        dt.timedelta(hours=6),
    ),
    Job(
        "dealers.check_forwarded_tasks",
        "shouhou.dealers.jobs.check_forwarded_tasks",
        dt.timedelta(minutes=10),
    ),
    Job("callbacks.daily", "shouhou.callbacks.jobs.daily", dt.timedelta(hours=6)),
    Job("performance.close_months", "shouhou.performance.jobs.close_months", dt.timedelta(hours=6)),
    Job("lostfound.daily", "shouhou.lostfound.jobs.daily", dt.timedelta(hours=1)),
    Job("lostfound.remind", "shouhou.lostfound.jobs.remind", dt.timedelta(minutes=15)),
    Job(
        "complaints.send_monthly_statistics",
        "shouhou.complaints.jobs.send_monthly_statistics",
        dt.timedelta(hours=24),
    ),
    Job("notify.send_due", "shouhou.notify.jobs.send_due", dt.timedelta(minutes=1)),
    Job("portal.poll_mail", "shouhou.portal.jobs.poll_mail", dt.timedelta(minutes=5)),
    Job("frontdesk.send_summaries", "shouhou.frontdesk.jobs.send_summaries", dt.timedelta(hours=1)),
    Job("parts.daily", "shouhou.parts.jobs.daily", dt.timedelta(hours=24)),
    Job("maintenance.plans", "shouhou.maintenance.jobs.plans", dt.timedelta(hours=1)),
    Job("maintenance.duties", "shouhou.maintenance.jobs.duties", dt.timedelta(hours=1)),
]


def job_by_name(name: str) -> Job:
    for job in JOBS:
        if job.name == name:
            return job
    raise KeyError(name)
