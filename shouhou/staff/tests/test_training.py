import pytest
from django.urls import reverse
from django.utils import timezone

from shouhou.core.errors import NotFoundError, PermissionDeniedError
from shouhou.staff import selectors, services
from shouhou.staff.models import Assessment, ConductRule, StaffSettings


def test_passing_follows_the_organisations_pass_mark(new_staff, trainer, org):
    staff = new_staff()
    assert services.assessment_record(by=trainer, staff=staff, kind="pre_job", score=60).passed
    StaffSettings.objects.filter(organisation=org).update(assessment_pass_mark=80)
    assert not services.assessment_record(by=trainer, staff=staff, kind="pre_job", score=79).passed
    assert Assessment.objects.filter(staff=staff).count() == 2


def test_a_merchant_runs_sessions_for_its_own_staff_only(
    merchant_admin, merchant, other_merchant, new_staff
):
    session = services.training_session_create(
        by=merchant_admin,
        title="产品培训",
        kind="product",
        run_by="merchant",
        starts_at=timezone.now(),
    )
    assert session.merchant == merchant
    theirs = new_staff()
    services.attendance_record(by=merchant_admin, session=session, staff=theirs)
    with pytest.raises(NotFoundError):
        services.training_session_create(
            by=merchant_admin,
            title="x",
            kind="product",
            run_by="merchant",
            merchant=other_merchant,
            starts_at=timezone.now(),
        )


def test_only_the_training_officer_records_assessments(new_staff, desk):
    with pytest.raises(PermissionDeniedError):
        services.assessment_record(by=desk, staff=new_staff(), kind="pre_job", score=90)


def test_conduct_rules_of_seed_000_are_loaded_with_what_to_say_instead(db):
    groups = {g["code"]: g["rules"] for g in selectors.conduct_rules()}
    assert len(groups["steps"]) == 11
    phrases = {rule.text: rule.instead for rule in groups["language"]}
    assert phrases["“我不知道”"].startswith("“对不起，我不太清楚")
    assert ConductRule.objects.filter(section="language").count() == 5


def test_the_technicians_page_shows_their_permit_and_the_conduct_rules(
    permitted, make_user, client
):
    staff = permitted()
    tech = make_user("technician")
    staff.user = tech
    staff.save()
    client.force_login(tech)
    page = client.get(reverse("staff:me"))
    html = page.content.decode()
    assert page.status_code == 200
    assert staff.permits.get().number in html and "你自己解决" in html
