"""After `make demo` the jobs write no second callback task for an occasion the demo already
seeded: the demo uses the jobs' own source keys."""

import pytest
from django.core.management import call_command
from django.db.models import Count

from shouhou.callbacks.models import CallbackTask
from shouhou.core.jobrunner import run_job
from shouhou.jobs import JOBS

pytestmark = pytest.mark.django_db

OCCASION = ("organisation_id", "kind", "occasion", "work_order_id", "delivery_id", "customer_id")


def _occasions():
    return set(CallbackTask.all_objects.values_list(*OCCASION))


def _run_all_jobs():
    for job in JOBS:
        run = run_job(job)
        assert run.ok, run.error


def test_running_every_job_twice_after_the_demo_creates_no_duplicate_callback_task():
    call_command("seed_demo", verbosity=0)
    seeded = _occasions()
    seeded_keys = set(CallbackTask.all_objects.values_list("organisation_id", "source_key"))
    assert seeded

    _run_all_jobs()
    after_first = CallbackTask.all_objects.count()
    new = CallbackTask.all_objects.exclude(
        pk__in=[
            pk
            for pk, org, key in CallbackTask.all_objects.values_list(
                "pk", "organisation_id", "source_key"
            )
            if (org, key) in seeded_keys
        ]
    )
    again = [t for t in new.values_list(*OCCASION) if t in seeded]
    assert not again, f"jobs wrote a second task for an occasion the demo seeded: {again}"
    twice = (
        CallbackTask.all_objects.exclude(work_order=None)
        .values("organisation_id", "work_order_id", "kind", "occasion")
        .annotate(n=Count("pk"))
        .filter(n__gt=1)
    )
    assert not list(twice)

    _run_all_jobs()
    assert CallbackTask.all_objects.count() == after_first
