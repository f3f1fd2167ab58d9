"""Photos of the work: validated pictures, stored under MEDIA_ROOT, shown only to those who may
see the order; a page form on the technician's job page and an API endpoint."""

import io
from pathlib import Path

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from PIL import Image

from shouhou.core.errors import Conflict, InvalidTransition, ValidationFailed
from shouhou.core.models import AuditEvent
from shouhou.workorders import services as s
from shouhou.workorders.models import ReportPhoto

from .factories import at, make_customer, make_technician

PNG_DOT = (
    "data:image/png;base64,iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR42mNk"
    "YPhfDwAChwGA60e6kgAAAABJRU5ErkJggg=="
)


def picture(fmt="PNG", name="IMG_0001.png", size=(40, 30)) -> SimpleUploadedFile:
    buf = io.BytesIO()
    Image.new("RGB", size, (200, 30, 30)).save(buf, format=fmt)
    return SimpleUploadedFile(name, buf.getvalue(), content_type=f"image/{fmt.lower()}")


@pytest.fixture(autouse=True)
def media(settings, tmp_path):
    settings.MEDIA_ROOT = str(tmp_path / "media")
    return Path(settings.MEDIA_ROOT)


@pytest.fixture
def on_site(desk, tech, org):
    order = s.workorder_intake(
        by=desk, source="hotline", kind="repair", customer=make_customer(org)
    ).order
    order = s.workorder_dispatch(by=desk, order=order, technician=tech)
    return s.workorder_arrive(by=tech.user, order=order)


def test_a_technician_adds_a_photo_on_site_and_it_is_stored_under_media_root(on_site, tech, media):
    photo = s.service_report_add_photo(
        by=tech.user, order=on_site, image=picture(name="../../etc/passwd.png"), caption="漏点"
    )
    stored = Path(photo.image.path)
    assert stored.is_file() and media in stored.parents
    assert stored.suffix == ".png" and "passwd" not in stored.name  # our own name, never theirs
    assert photo.caption == "漏点" and photo.uploaded_by == tech.user
    assert photo.report.order_id == on_site.pk
    assert AuditEvent.all_objects.filter(action="shouhou.service_report.photo_added").exists()


@pytest.mark.parametrize("fmt", ["JPEG", "WEBP"])
def test_jpeg_and_webp_are_accepted_with_their_own_extension(on_site, tech, fmt):
    photo = s.service_report_add_photo(by=tech.user, order=on_site, image=picture(fmt, "x.bin"))
    assert photo.image.name.endswith({"JPEG": ".jpg", "WEBP": ".webp"}[fmt])


@pytest.mark.parametrize(
    "upload",
    [
        SimpleUploadedFile("photo.jpg", b"this is not a picture", content_type="image/jpeg"),
        SimpleUploadedFile("photo.png", b"\x89PNG\r\n\x1a\n truncated", content_type="image/png"),
        picture("GIF", "anim.gif"),
        None,
    ],
    ids=["text", "broken-png", "gif", "missing"],
)
def test_anything_but_a_jpeg_png_or_webp_picture_is_refused(on_site, tech, media, upload):
    with pytest.raises(ValidationFailed) as exc:
        s.service_report_add_photo(by=tech.user, order=on_site, image=upload)
    assert "image" in exc.value.fields
    assert not ReportPhoto.all_objects.exists()
    assert not media.exists() or not any(p.is_file() for p in media.rglob("*"))


def test_a_photo_over_the_size_limit_is_refused(on_site, tech, monkeypatch):
    monkeypatch.setattr("shouhou.workorders.services.report.MAX_PHOTO_BYTES", 100)
    with pytest.raises(ValidationFailed) as exc:
        s.service_report_add_photo(by=tech.user, order=on_site, image=picture(size=(200, 200)))
    assert "MB" in exc.value.fields["image"][0]
    assert not ReportPhoto.all_objects.exists()


def test_no_photo_before_arriving_and_none_after_the_customer_signed(desk, tech, org):
    order = s.workorder_intake(
        by=desk, source="hotline", kind="repair", customer=make_customer(org)
    ).order
    order = s.workorder_dispatch(by=desk, order=order, technician=tech)
    with pytest.raises(InvalidTransition):
        s.service_report_add_photo(by=tech.user, order=order, image=picture())
    order = s.workorder_arrive(by=tech.user, order=order)
    order = s.workorder_complete(by=tech.user, order=order, findings="", work_done="换阀芯")
    s.service_report_add_photo(by=tech.user, order=order, image=picture())  # after the work: ok
    order = s.workorder_sign(by=tech.user, order=order, signer_name="张伟", signature=PNG_DOT)
    with pytest.raises((Conflict, InvalidTransition)):
        s.service_report_add_photo(by=tech.user, order=order, image=picture())
    assert ReportPhoto.all_objects.count() == 1


def test_another_technician_cannot_add_a_photo(on_site, org):
    other = make_technician(org)
    with pytest.raises(Exception) as exc:
        s.service_report_add_photo(by=other.user, order=on_site, image=picture())
    assert exc.value.status == 404
    assert not ReportPhoto.all_objects.exists()


def test_the_job_page_uploads_a_photo_and_shows_it_to_those_who_see_the_order(
    client, on_site, tech, org, desk
):
    client.force_login(tech.user)
    job = f"/workorders/my-jobs/{on_site.pk}/"
    assert 'enctype="multipart/form-data"' in client.get(job).content.decode()
    r = client.post(
        f"/workorders/{on_site.pk}/photos/",
        {"image": picture(), "caption": "更换前", "next": job},
    )
    assert r.status_code == 302 and r["Location"] == job
    photo = ReportPhoto.all_objects.get()
    url = f"/workorders/photos/{photo.pk}/"
    assert url in client.get(job).content.decode()
    got = client.get(url)
    assert got.status_code == 200 and got["Content-Type"] == "image/png"
    assert b"".join(got.streaming_content).startswith(b"\x89PNG")

    client.force_login(desk)  # the office sees it too
    assert client.get(url).status_code == 200
    client.force_login(make_technician(org).user)  # another technician does not
    assert client.get(url).status_code == 404
    client.logout()
    assert client.get(url).status_code == 302  # to the login page


def test_the_page_shows_why_a_file_was_refused(client, on_site, tech):
    client.force_login(tech.user)
    bad = SimpleUploadedFile("a.jpg", b"not a picture", content_type="image/jpeg")
    r = client.post(f"/workorders/{on_site.pk}/photos/", {"image": bad}, follow=True)
    assert r.status_code == 200
    assert not ReportPhoto.all_objects.exists()
    assert "JPEG" in r.content.decode()


def test_the_api_takes_a_multipart_photo_once_per_idempotency_key(client, on_site, tech):
    client.force_login(tech.user)
    url = f"/api/v1/workorders/{on_site.pk}/photos/"
    r1 = client.post(
        url, {"image": picture(), "caption": "铭牌"}, headers={"Idempotency-Key": "p1"}
    )
    r2 = client.post(
        url, {"image": picture(), "caption": "铭牌"}, headers={"Idempotency-Key": "p1"}
    )
    assert r1.status_code == 201, r1.json()
    assert r2.status_code == 201 and r2.headers.get("Idempotent-Replayed") == "true"
    body = r1.json()
    assert body["caption"] == "铭牌" and body["url"] == f"/workorders/photos/{body['id']}/"
    assert ReportPhoto.all_objects.count() == 1
    detail = client.get(f"/api/v1/workorders/{on_site.pk}/").json()
    assert [p["id"] for p in detail["report"]["photos"]] == [body["id"]]


def test_the_api_refuses_a_file_that_is_not_a_picture_and_writes_nothing(client, on_site, tech):
    client.force_login(tech.user)
    bad = SimpleUploadedFile("x.png", b"GIF89a....", content_type="image/png")
    r = client.post(f"/api/v1/workorders/{on_site.pk}/photos/", {"image": bad})
    assert r.status_code == 400
    err = r.json()["error"]
    assert err["code"] == "invalid" and "image" in err["fields"]
    assert not ReportPhoto.all_objects.exists()


def test_the_api_answers_409_once_the_report_is_signed(client, desk, tech, org):
    order = s.workorder_intake(
        by=desk, source="hotline", kind="repair", customer=make_customer(org), now=at(2026, 3, 9)
    ).order
    order = s.workorder_dispatch(by=desk, order=order, technician=tech)
    order = s.workorder_arrive(by=tech.user, order=order)
    order = s.workorder_complete(by=tech.user, order=order, findings="", work_done="修好")
    s.workorder_sign(by=tech.user, order=order, signer_name="张伟", signature=PNG_DOT)
    client.force_login(tech.user)
    r = client.post(f"/api/v1/workorders/{order.pk}/photos/", {"image": picture()})
    assert r.status_code == 409
    assert not ReportPhoto.all_objects.exists()
