"""Running registered jobs and recording each run."""

from __future__ import annotations

import logging
import traceback

from django.db.models import Max
from django.utils import timezone
from django_scopes import scopes_disabled

from shouhou.jobs import JOBS, Job

from .models import JobRun

log = logging.getLogger("shouhou.jobs")


def run_job(job: Job, now=None) -> JobRun:
    now = now or timezone.now()
    run = JobRun.objects.create(name=job.name, started_at=timezone.now())
    try:
        # Jobs work across organisations on purpose; each query still names what it touches.
        with scopes_disabled():
            result = job.load()(now)
        run.ok, run.result = True, result
    except Exception:  # noqa: BLE001 - a failing job must not stop the others
        run.error = traceback.format_exc()
        log.exception("job %s failed", job.name)
    run.finished_at = timezone.now()
    run.save(update_fields=["ok", "result", "error", "finished_at"])
    return run


def due_jobs(now) -> list[Job]:
    last = dict(
        JobRun.objects.filter(ok=True)
        .values("name")
        .order_by()
        .annotate(last=Max("started_at"))
        .values_list("name", "last")
    )
    return [j for j in JOBS if j.name not in last or last[j.name] + j.every <= now]
