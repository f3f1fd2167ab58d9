"""Running registered jobs and recording each run.

A run holds a lease (`JobRun.lease_until`, `JOB_LEASE_SECONDS`) that a heartbeat thread renews
while the job works. A run still unfinished after its lease ran out was abandoned (the process
was killed or the machine stopped): the next runner start and the next run mark it failed, so
no run stays "running" forever. A job whose run holds a live lease is not due (no second
runner starts it meanwhile).
"""

from __future__ import annotations

import datetime as dt
import logging
import os
import socket
import threading
import traceback

from django.conf import settings
from django.db import connection
from django.db.models import Max, Q
from django.utils import timezone
from django_scopes import scopes_disabled

from shouhou.jobs import JOBS, Job

from .models import JobRun

log = logging.getLogger("shouhou.jobs")

LEASE_EXPIRED = "lease expired: the runner stopped before the job finished (killed or crashed)"


def _lease() -> dt.timedelta:
    return dt.timedelta(seconds=settings.JOB_LEASE_SECONDS)


def _runner_id() -> str:
    return f"{socket.gethostname()}:{os.getpid()}"[:100]


def expire_abandoned_runs(now=None) -> int:
    """Mark failed every unfinished run whose lease ran out; returns how many."""
    now = now or timezone.now()
    stale = JobRun.objects.filter(finished_at__isnull=True).filter(
        Q(lease_until__lt=now) | Q(lease_until__isnull=True, started_at__lt=now - _lease())
    )
    count = stale.update(ok=False, finished_at=now, error=LEASE_EXPIRED)
    if count:
        log.warning("marked %d abandoned job run(s) failed", count)
    return count


class _Heartbeat:
    """Renews the run's lease every third of the lease while the job works (own thread and
    database connection)."""

    def __init__(self, run_pk: int):
        self.run_pk = run_pk
        self.stop = threading.Event()
        self.thread = threading.Thread(target=self._beat, daemon=True, name=f"lease-{run_pk}")

    def _beat(self) -> None:
        every = max(_lease().total_seconds() / 3, 0.1)
        try:
            while not self.stop.wait(every):
                try:
                    JobRun.objects.filter(pk=self.run_pk, finished_at__isnull=True).update(
                        lease_until=timezone.now() + _lease()
                    )
                except Exception:  # noqa: BLE001 - a missed beat is retried at the next one
                    log.exception("job run %s: lease renewal failed", self.run_pk)
        finally:
            connection.close()

    def __enter__(self) -> _Heartbeat:
        self.thread.start()
        return self

    def __exit__(self, *exc: object) -> None:
        self.stop.set()
        self.thread.join()


def run_job(job: Job, now=None) -> JobRun:
    now = now or timezone.now()
    expire_abandoned_runs()
    started = timezone.now()
    run = JobRun.objects.create(
        name=job.name, started_at=started, lease_until=started + _lease(), runner=_runner_id()
    )
    try:
        # Jobs work across organisations on purpose; each query still names what it touches.
        with _Heartbeat(run.pk), scopes_disabled():
            result = job.load()(now)
        run.ok, run.result = True, result
    except Exception:  # noqa: BLE001 - a failing job must not stop the others
        run.error = traceback.format_exc()
        log.exception("job %s failed", job.name)
    run.finished_at = timezone.now()
    run.save(update_fields=["ok", "result", "error", "finished_at"])
    return run


def due_jobs(now: dt.datetime) -> list[Job]:
    last = dict(
        JobRun.objects.filter(ok=True)
        .values("name")
        .order_by()
        .annotate(last=Max("started_at"))
        .values_list("name", "last")
    )
    held = set(
        JobRun.objects.filter(finished_at__isnull=True, lease_until__gte=now).values_list(
            "name", flat=True
        )
    )
    return [
        j
        for j in JOBS
        if j.name not in held and (j.name not in last or last[j.name] + j.every <= now)
    ]


def job_runs_list(*, status: str = "", limit: int = 200) -> list[JobRun]:
    """The newest runs, optionally only `running`, `ok` or `failed` (ValueError otherwise)."""
    runs = JobRun.objects.order_by("-started_at")
    if status == JobRun.RUNNING:
        runs = runs.filter(finished_at__isnull=True)
    elif status == JobRun.OK:
        runs = runs.filter(ok=True)
    elif status == JobRun.FAILED:
        runs = runs.filter(ok=False, finished_at__isnull=False)
    elif status:
        raise ValueError(status)
    return list(runs[:limit])
