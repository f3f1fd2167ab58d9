"""A running job holds a lease renewed by a heartbeat; a run whose lease ran out (its runner was
killed) is marked failed by the next runner start or run, and shown on the job-runs page."""

import datetime as dt
import io
import os
import shutil
import signal
import sqlite3
import subprocess
import sys
import time
from pathlib import Path

import pytest
from django.core.management import call_command
from django.utils import timezone

from shouhou.core.jobrunner import LEASE_EXPIRED, due_jobs, expire_abandoned_runs, run_job
from shouhou.core.models import JobRun
from shouhou.jobs import JOBS, Job

pytestmark = pytest.mark.django_db

ROOT = Path(__file__).resolve().parents[3]


def _abandoned(name="workorders.sweep", ago=dt.timedelta(minutes=10)):
    started = timezone.now() - ago
    return JobRun.objects.create(
        name=name, started_at=started, lease_until=started + dt.timedelta(minutes=5)
    )


def test_a_run_whose_lease_ran_out_is_marked_failed_by_the_next_run():
    dead = _abandoned()
    run_job(JOBS[0])
    dead.refresh_from_db()
    assert dead.status == JobRun.FAILED and dead.finished_at is not None
    assert dead.error == LEASE_EXPIRED


def test_the_runner_start_marks_abandoned_runs_failed(settings):
    dead = _abandoned()
    legacy = JobRun.objects.create(  # a run from before leases: no lease, started long ago
        name="staff.expire_permits", started_at=timezone.now() - dt.timedelta(hours=2)
    )
    call_command("runjobs", job=["staff.expire_permits"], stdout=io.StringIO())
    for run in (dead, legacy):
        run.refresh_from_db()
        assert run.status == JobRun.FAILED, run.name


def test_a_run_with_a_live_lease_stays_running_and_its_job_is_not_due():
    job = JOBS[0]
    now = timezone.now()
    live = JobRun.objects.create(
        name=job.name, started_at=now, lease_until=now + dt.timedelta(minutes=5)
    )
    assert expire_abandoned_runs(now) == 0
    live.refresh_from_db()
    assert live.status == JobRun.RUNNING
    assert job not in due_jobs(now)
    assert job in due_jobs(now + dt.timedelta(minutes=6))  # the lease ran out: due again


_seen_leases: list[dt.datetime | None] = []


def _slow_job(now):
    run = JobRun.objects.get(name="slow", finished_at__isnull=True)
    first = run.lease_until
    time.sleep(1.5)
    run.refresh_from_db()
    _seen_leases.extend([first, run.lease_until])
    return {"slept": 1.5}


@pytest.mark.django_db(transaction=True)
def test_the_heartbeat_renews_the_lease_while_the_job_runs(settings):
    settings.JOB_LEASE_SECONDS = 1  # beats every third of a second
    _seen_leases.clear()
    run = run_job(Job("slow", f"{__name__}._slow_job", dt.timedelta(minutes=1)))
    assert run.ok, run.error
    first, later = _seen_leases
    assert first is not None and later is not None
    assert later > first + dt.timedelta(seconds=0.5)  # renewed while the job slept


def test_the_job_runs_page_shows_status_duration_and_error_to_the_platform_admin(client):
    from shouhou.org.tests.factories import UserFactory

    _abandoned(name="callbacks.daily")
    run_job(JOBS[0])
    admin = UserFactory(username="root", is_superuser=True, is_staff=True)
    client.force_login(admin)
    body = client.get("/jobs/runs/").content.decode()
    assert "callbacks.daily" in body and LEASE_EXPIRED in body and JOBS[0].name in body
    assert " s</td>" in body  # a duration
    failed = client.get("/jobs/runs/?status=failed").content.decode()
    assert "callbacks.daily" in failed and JOBS[0].name not in failed
    assert client.get("/jobs/runs/?status=nonsense").status_code == 400


def test_the_job_runs_page_is_refused_to_every_organisation_role(client, org):
    from shouhou.org.roles import ROLES
    from shouhou.org.tests.factories import UserFactory

    manager = UserFactory(username="everything", organisation=org, roles=list(ROLES))
    client.force_login(manager)
    assert client.get("/jobs/runs/").status_code == 403
    assert "/jobs/runs/" not in client.get("/").content.decode()  # not in the menu either


# --- kill -9 of the runner mid-sweep --------------------------------------------------------


def _env(db: Path) -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if not k.startswith("PYTEST")}
    env.pop("DJANGO_ALLOW_ASYNC_UNSAFE", None)
    env.update(DJANGO_ENV="development", DATABASE_URL=f"sqlite:///{db}", JOB_LEASE_SECONDS="1")
    return env


def _manage(db: Path, *args: str) -> None:
    subprocess.run(
        [sys.executable, "manage.py", *args],
        cwd=ROOT,
        env=_env(db),
        check=True,
        capture_output=True,
        timeout=600,
    )


def _counts(db: Path) -> dict[str, int]:
    with sqlite3.connect(db) as con:
        tables = [
            t
            for (t,) in con.execute("SELECT name FROM sqlite_master WHERE type='table'")
            if not t.startswith("sqlite_") and t not in ("core_jobrun", "django_session")
        ]
        return {t: con.execute(f'SELECT COUNT(*) FROM "{t}"').fetchone()[0] for t in tables}


def _kill_when_running(db: Path, job: str) -> bool:
    """Start `runjobs --all`, SIGKILL it as soon as `job` runs; True if the run was cut short."""
    proc = subprocess.Popen(
        [sys.executable, "manage.py", "runjobs", "--all"],
        cwd=ROOT,
        env=_env(db),
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    con = sqlite3.connect(db, timeout=20)
    try:
        deadline = time.monotonic() + 120
        while time.monotonic() < deadline and proc.poll() is None:
            row = con.execute(
                "SELECT id FROM core_jobrun WHERE name=? AND finished_at IS NULL", (job,)
            ).fetchone()
            if row:
                proc.send_signal(signal.SIGKILL)
                proc.wait()
                left = con.execute(
                    "SELECT finished_at FROM core_jobrun WHERE id=?", (row[0],)
                ).fetchone()
                return left[0] is None
            time.sleep(0.001)
        proc.kill()
        proc.wait()
        return False
    finally:
        con.close()


@pytest.mark.full_matrix
def test_killing_the_runner_mid_sweep_loses_and_duplicates_nothing(tmp_path):
    seeded = tmp_path / "seeded.sqlite3"
    _manage(seeded, "migrate", "--noinput", "-v0")
    _manage(seeded, "seed_demo", "-v0")
    clean, crashed = tmp_path / "clean.sqlite3", tmp_path / "crashed.sqlite3"
    shutil.copy(seeded, clean)
    shutil.copy(seeded, crashed)

    _manage(clean, "runjobs", "--all")

    cut = [
        _kill_when_running(crashed, job)
        for job in ("workorders.sweep", "callbacks.daily", "performance.close_months")
    ]
    assert any(cut), "no kill landed while a job ran"
    time.sleep(1.5)  # the killed runs' leases (1 s) run out
    _manage(crashed, "runjobs", "--all")

    assert _counts(crashed) == _counts(clean)
    with sqlite3.connect(crashed) as con:
        assert not con.execute("SELECT 1 FROM core_jobrun WHERE finished_at IS NULL").fetchall()
        failed = con.execute("SELECT COUNT(*) FROM core_jobrun WHERE error=?", (LEASE_EXPIRED,))
        assert failed.fetchone()[0] == sum(cut)
