import datetime as dt

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.utils import translation

from shouhou.staff import flows, services
from shouhou.staff.models import FeeCharge, OnboardingApplication, TrainingSession
from shouhou.staff.tests.factories import id_number

PNG = (
    b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR\x00\x00\x00\x01\x00\x00\x00\x01\x08\x06\x00\x00\x00\x1f"
    b"\x15\xc4\x89\x00\x00\x00\rIDATx\x9cc\xf8\x0f\x00\x00\x01\x01\x00\x05\x18\xd8N\x00\x00\x00"
    b"\x00IEND\xaeB`\x82"
)


@pytest.fixture(autouse=True)
def _media(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path / "media"
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]


@pytest.fixture
def english():
    """Messages in English for assertions that match on words."""
    with translation.override("en"):
        yield


@pytest.fixture
def desk(make_user):
    return make_user("service_desk", display_name="总台小王")


@pytest.fixture
def finance(make_user):
    return make_user("finance", display_name="财务小李")


@pytest.fixture
def trainer(make_user):
    return make_user("training_officer", display_name="培训老周")


@pytest.fixture
def merchant_admin(make_user, merchant):
    return make_user("merchant_admin", merchant=merchant, display_name="商户管理员")


@pytest.fixture
def other_merchant(org):
    from shouhou.org.tests.factories import MerchantFactory

    return MerchantFactory(organisation=org, name="别家卫浴")


def photo(name="photo.png"):
    return SimpleUploadedFile(name, PNG, content_type="image/png")


@pytest.fixture
def new_staff(desk, merchant):
    def make(employer="merchant", name="王师傅", kinds=("installation", "repair"), **kw):
        return services.staff_create(
            by=desk,
            name=name,
            mobile=kw.pop("mobile", "13912345678"),
            id_number=kw.pop("id_number", id_number()),
            kinds=list(kinds),
            employer=employer,
            merchant=merchant if employer == "merchant" else None,
            **kw,
        )

    return make


@pytest.fixture
def pre_job_session(trainer):
    from django.utils import timezone

    return services.training_session_create(
        by=trainer,
        title="岗前培训",
        kind=TrainingSession.Kind.PRE_JOB,
        starts_at=timezone.now() - dt.timedelta(days=1),
    )


def app_of(staff) -> OnboardingApplication:
    return OnboardingApplication.objects.get(staff=staff, status="open")


def pay_all(finance, app, prefix="R"):
    for i, c in enumerate(FeeCharge.objects.filter(application=app, paid_at__isnull=True)):
        services.payment_record(
            by=finance, charge=c, amount=c.amount, receipt_no=f"{prefix}{app.pk}-{i}"
        )


@pytest.fixture
def permitted(new_staff, desk, finance):
    """A merchant's staff member walked through the own-staff flow to a permit."""

    def make(**kw):
        staff = new_staff(**kw)
        app = app_of(staff)
        services.document_add(by=desk, staff=staff, kind="intro_letter", note="介绍信")
        services.document_add(by=desk, staff=staff, kind="photo", file=photo())
        services.document_add(by=desk, staff=staff, kind="photo", file=photo("p2.png"))
        for step in (flows.DOCUMENTS, flows.FILING):
            app = services.application_complete_step(by=desk, application=app, step=step)
        pay_all(finance, app, prefix=f"P{staff.pk}-")
        app = services.application_complete_step(by=finance, application=app, step=flows.FEES)
        services.permit_issue(by=desk, application=app)
        staff.refresh_from_db()
        return staff

    return make
