import time

from django.core.management.base import BaseCommand
from django.utils import timezone

from shouhou.core.jobrunner import due_jobs, expire_abandoned_runs, run_job
from shouhou.jobs import JOBS, job_by_name


class Command(BaseCommand):
    help = "Run the periodic jobs on their schedule (embedded default). --once runs what is due and exits."

    def add_arguments(self, parser):
        parser.add_argument("--once", action="store_true", help="run what is due, then exit")
        parser.add_argument("--job", action="append", help="run this job now (repeatable)")
        parser.add_argument("--all", action="store_true", help="run every job now, once")
        parser.add_argument("--interval", type=int, default=60, help="seconds between checks")

    def handle(self, *args, once=False, job=None, all=False, interval=60, **options):
        expired = expire_abandoned_runs()
        if expired:
            self.stdout.write(f"marked {expired} abandoned run(s) failed (lease expired)")
        if job or all:
            for j in [job_by_name(n) for n in job] if job else JOBS:
                self._run(j)
            return
        while True:
            for j in due_jobs(timezone.now()):
                self._run(j)
            if once:
                return
            time.sleep(interval)

    def _run(self, job):
        run = run_job(job)
        status = "ok" if run.ok else "FAILED"
        self.stdout.write(f"{job.name}: {status} {run.result or ''}")
