import datetime as dt

import pytest
from django.utils import timezone

from shouhou.core.jobrunner import due_jobs, run_job
from shouhou.core.models import JobRun
from shouhou.jobs import JOBS, Job
from shouhou.org.roles import ROLES, has_role, require_role


@pytest.mark.django_db
def test_pages_need_a_login(client):
    resp = client.get("/")
    assert resp.status_code == 302 and "/accounts/login/" in resp["Location"]


@pytest.mark.django_db
def test_the_login_page_is_in_chinese_by_default(client):
    resp = client.get("/accounts/login/")
    assert resp.status_code == 200
    assert "登录" in resp.content.decode()


@pytest.mark.django_db
def test_english_can_be_chosen(client):
    client.post("/i18n/setlang/", {"language": "en", "next": "/accounts/login/"})
    assert "Log in" in client.get("/accounts/login/").content.decode()


@pytest.mark.django_db
def test_the_dashboard_shows_for_a_logged_in_clerk(client, clerk):
    client.force_login(clerk)
    resp = client.get("/")
    assert resp.status_code == 200


@pytest.mark.django_db
def test_every_role_exists_as_a_group_after_migrate():
    from django.contrib.auth.models import Group

    assert set(Group.objects.values_list("name", flat=True)) >= set(ROLES)


@pytest.mark.django_db
def test_a_missing_role_is_refused_with_the_roles_named(clerk):
    from shouhou.core.errors import PermissionDeniedError

    assert has_role(clerk, "clerk") and not has_role(clerk, "finance")
    with pytest.raises(PermissionDeniedError) as err:
        require_role(clerk, "finance")
    assert "财务" in str(err.value.message) or "Finance" in str(err.value.message)


@pytest.mark.django_db
def test_every_registered_job_runs_and_is_recorded():
    for job in JOBS:
        run = run_job(job)
        assert run.ok, run.error
    assert JobRun.objects.filter(ok=True).count() == len(JOBS)


@pytest.mark.django_db
def test_a_failing_job_is_recorded_and_does_not_raise():
    run = run_job(
        Job("broken", "shouhou.core.tests.test_pages_and_jobs._boom", dt.timedelta(minutes=1))
    )
    assert not run.ok and "boom" in run.error


def _boom(now):
    raise RuntimeError("boom")


@pytest.mark.django_db
def test_a_job_is_due_again_only_after_its_interval():
    job = JOBS[0]
    now = timezone.now()
    JobRun.objects.create(name=job.name, started_at=now, ok=True)
    assert job not in due_jobs(now + job.every - dt.timedelta(seconds=1))
    assert job in due_jobs(now + job.every)


@pytest.mark.django_db
def test_role_groups_carry_model_permissions_for_the_admin():
    from django.contrib.auth.models import Group

    clerk = Group.objects.get(name="clerk")
    codes = set(clerk.permissions.values_list("codename", flat=True))
    assert {"view_customer", "add_customer", "change_customer"} <= codes
    assert "delete_customer" not in codes
