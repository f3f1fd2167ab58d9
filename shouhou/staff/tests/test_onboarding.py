"""Both onboarding flows, step by step, to a printed permit; skipping and wrong roles refused."""

import pytest
from django.urls import reverse

from shouhou.core.errors import InvalidTransition, PermissionDeniedError, ValidationFailed
from shouhou.core.models import AuditEvent
from shouhou.staff import flows, services
from shouhou.staff.models import FeeCharge, OnboardingStep, ServiceStaff, WorkPermit
from shouhou.staff.tests.conftest import app_of, pay_all, photo


def test_merchant_staff_walk_from_letter_to_printed_permit(new_staff, desk, finance, client):
    staff = new_staff(employer="merchant")
    app = app_of(staff)
    assert (app.flow, app.step) == ("merchant", flows.DOCUMENTS)

    services.document_add(by=desk, staff=staff, kind="intro_letter", note="介绍信原件")
    services.document_add(by=desk, staff=staff, kind="photo", file=photo())
    services.document_add(by=desk, staff=staff, kind="photo", file=photo("b.png"))
    app = services.application_complete_step(by=desk, application=app, step=flows.DOCUMENTS)
    assert app.step == flows.FILING
    app = services.application_complete_step(by=desk, application=app, step=flows.FILING)
    assert app.step == flows.FEES
    kinds = sorted(FeeCharge.objects.filter(application=app).values_list("kind", flat=True))
    assert kinds == ["badge", "deposit", "management", "uniform"]
    assert FeeCharge.objects.get(application=app, kind="badge").amount == 20

    pay_all(finance, app)
    app = services.application_complete_step(by=finance, application=app, step=flows.FEES)
    assert app.step == flows.PERMIT
    permit = services.permit_issue(by=desk, application=app)

    app.refresh_from_db()
    staff.refresh_from_db()
    assert app.status == "completed"
    assert staff.status == ServiceStaff.Status.ACTIVE
    assert permit.status == "valid" and permit.kinds == ["installation", "repair"]
    assert OnboardingStep.objects.filter(application=app).count() == 4
    assert AuditEvent.all_objects.filter(action="shouhou.onboarding.step_completed").count() == 4

    client.force_login(desk)
    page = client.get(reverse("staff:permit_print", args=[permit.pk]))
    assert page.status_code == 200
    html = page.content.decode()
    assert permit.number in html and staff.name in html and "<img" in html


def test_mobile_staff_walk_from_certificates_through_training_and_assessment_to_permit(
    new_staff, desk, finance, trainer, pre_job_session, client, english
):
    staff = new_staff(employer="mobile", name="刘师傅")
    app = app_of(staff)
    assert [s.code for s in flows.steps(app.flow)] == [
        "documents",
        "application",
        "training",
        "assessment",
        "fees",
        "permit",
    ]
    for kind in ("id_card", "diploma", "title_cert"):
        services.document_add(by=desk, staff=staff, kind=kind, note="原件已核验")
    services.document_add(by=desk, staff=staff, kind="photo", file=photo())
    app = services.application_complete_step(by=desk, application=app, step=flows.DOCUMENTS)
    app = services.application_complete_step(by=desk, application=app, step=flows.APPLICATION)

    with pytest.raises(ValidationFailed, match="pre-job training"):
        services.application_complete_step(by=trainer, application=app, step=flows.TRAINING)
    services.attendance_record(by=trainer, session=pre_job_session, staff=staff)
    app = services.application_complete_step(by=trainer, application=app, step=flows.TRAINING)

    services.assessment_record(by=trainer, staff=staff, kind="pre_job", score=45)
    with pytest.raises(ValidationFailed, match="assessment"):
        services.application_complete_step(by=trainer, application=app, step=flows.ASSESSMENT)
    assert not FeeCharge.objects.filter(staff=staff).exists()
    services.assessment_record(by=trainer, staff=staff, kind="pre_job", score=75)
    app = services.application_complete_step(by=trainer, application=app, step=flows.ASSESSMENT)
    assert FeeCharge.objects.filter(application=app).count() == 4

    with pytest.raises(ValidationFailed, match="Unpaid"):
        services.application_complete_step(by=finance, application=app, step=flows.FEES)
    pay_all(finance, app)
    app = services.application_complete_step(by=finance, application=app, step=flows.FEES)
    permit = services.permit_issue(by=desk, application=app)

    client.force_login(desk)
    page = client.get(reverse("staff:permit_print", args=[permit.pk]))
    assert page.status_code == 200 and permit.number in page.content.decode()


def test_a_step_cannot_be_skipped(new_staff, desk):
    staff = new_staff()
    app = app_of(staff)
    with pytest.raises(InvalidTransition) as exc:
        services.application_complete_step(by=desk, application=app, step=flows.PERMIT)
    assert exc.value.code == "step_out_of_order"
    assert not WorkPermit.objects.exists()
    assert app_of(staff).step == flows.DOCUMENTS


def test_documents_step_needs_the_letter_and_two_photos(new_staff, desk):
    staff = new_staff()
    services.document_add(by=desk, staff=staff, kind="intro_letter", note="介绍信")
    services.document_add(by=desk, staff=staff, kind="photo", file=photo())
    with pytest.raises(ValidationFailed) as exc:
        services.application_complete_step(by=desk, application=app_of(staff), step=flows.DOCUMENTS)
    assert "Colour photo" in str(exc.value.message) or "彩色照片" in str(exc.value.message)


def test_each_step_is_done_by_its_role(new_staff, desk, finance):
    staff = new_staff()
    with pytest.raises(PermissionDeniedError):
        services.application_complete_step(
            by=finance, application=app_of(staff), step=flows.DOCUMENTS
        )


def test_the_same_step_twice_is_refused(permitted, desk):
    staff = permitted()
    app = staff.applications.get()
    with pytest.raises(InvalidTransition):
        services.application_complete_step(by=desk, application=app, step=flows.PERMIT)
    assert WorkPermit.objects.filter(staff=staff).count() == 1


def test_permit_numbers_count_up_per_organisation(permitted):
    a = permitted(name="甲")
    b = permitted(name="乙", mobile="13912345679")
    na, nb = (WorkPermit.objects.get(staff=s).number for s in (a, b))
    assert na != nb and na.startswith("SG") and int(nb[-5:]) == int(na[-5:]) + 1


def test_pipeline_shows_where_each_applicant_waits(new_staff, desk, client):
    new_staff(name="等资料")
    client.force_login(desk)
    page = client.get(reverse("staff:onboarding"))
    assert page.status_code == 200
    assert "等资料" in page.content.decode()
