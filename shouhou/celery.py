"""Celery for scale-out: beat schedules the same job functions that `runjobs` runs.

celery -A shouhou worker -l info
celery -A shouhou beat -l info
"""

import os

from celery import Celery

from shouhou.jobs import JOBS, job_by_name

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "shouhou.settings")

app = Celery("shouhou")
app.config_from_object("django.conf:settings", namespace="CELERY")


@app.task(name="shouhou.run_job")
def run_job_task(name: str):
    from shouhou.core.jobrunner import run_job  # needs the app registry: imported in the worker

    run = run_job(job_by_name(name))
    return {"ok": run.ok, "result": run.result}


@app.on_after_configure.connect
def _schedule(sender, **kwargs):
    for job in JOBS:
        sender.add_periodic_task(job.every.total_seconds(), run_job_task.s(job.name), name=job.name)
