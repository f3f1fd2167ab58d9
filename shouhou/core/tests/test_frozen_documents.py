"""Signed documents are frozen in the admin too (issue 16 item 6): a service report signed by
the customer (with its parts and photos, also as inlines), a signed delivery receipt, a complaint
case with an approver's signature (and the signatures), a closed performance month. Change,
delete, the "delete selected" action and deleting a parent whose cascade would take them are
all refused."""

import datetime as dt
import itertools
from decimal import Decimal

import pytest
from django.apps import apps
from django.db import models
from django.utils import timezone

from shouhou.org.tests.factories import UserFactory

pytestmark = pytest.mark.django_db


_serial = itertools.count(1)


def _row(model, org, **values):
    """A row of `model` for `org`: every required field a plain value, every required relation a
    row made the same way."""
    User = apps.get_model("org.User")
    if model is User:
        return UserFactory(organisation=org)
    if model._meta.label == "org.Organisation":
        return org
    if hasattr(model, "organisation") or "organisation" in {f.name for f in model._meta.fields}:
        values.setdefault("organisation", org)
    for f in model._meta.concrete_fields:
        if f.primary_key or f.name in values or f.null or f.has_default() or f.auto_created:
            continue
        if getattr(f, "auto_now", False) or getattr(f, "auto_now_add", False):
            continue
        if f.is_relation:
            values[f.name] = _row(f.related_model, org)
        elif f.choices:
            values[f.name] = f.choices[0][0]
        elif isinstance(f, models.DateTimeField):
            values[f.name] = timezone.now()
        elif isinstance(f, models.DateField):
            values[f.name] = dt.date.today()
        elif isinstance(f, models.DecimalField):
            values[f.name] = Decimal("1.00")
        elif isinstance(f, models.BooleanField):
            values[f.name] = False
        elif isinstance(f, models.IntegerField):
            values[f.name] = 1
        elif isinstance(f, models.FileField):
            values[f.name] = "frozen/frozen.jpg"
        else:
            values[f.name] = f"f{next(_serial)}"  # unique where a constraint wants it
    manager = getattr(model, "all_objects", model._default_manager)
    return manager.create(**values)


@pytest.fixture
def admin_client(client, org):
    client.force_login(
        UserFactory(username="root", organisation=None, is_superuser=True, is_staff=True)
    )
    return client


def _url(obj, view="change"):
    opts = obj._meta
    return f"/admin/{opts.app_label}/{opts.model_name}/{obj.pk}/{view}/"


def _assert_frozen(client, obj):
    model = type(obj)
    page = client.get(_url(obj))
    assert page.status_code == 200
    assert 'name="_save"' not in page.content.decode()  # view only
    assert client.post(_url(obj), {}).status_code == 403
    assert client.get(_url(obj, "delete")).status_code == 403
    assert client.post(_url(obj, "delete"), {"post": "yes"}).status_code == 403
    opts = obj._meta
    client.post(
        f"/admin/{opts.app_label}/{opts.model_name}/",
        {"action": "delete_selected", "_selected_action": [obj.pk], "post": "yes"},
    )
    assert getattr(model, "all_objects", model._default_manager).filter(pk=obj.pk).exists()


def _signed_report(org):
    WorkOrder = apps.get_model("workorders.WorkOrder")
    report = _row(apps.get_model("workorders.ServiceReport"), org, order=_row(WorkOrder, org))
    report.signed_at, report.signer_name = timezone.now(), "张伟"
    report.save()
    return report


def test_a_signed_service_report_its_parts_and_photos_are_frozen_in_the_admin(admin_client, org):
    report = _signed_report(org)
    part = _row(apps.get_model("workorders.ReportPart"), org, report=report)
    photo = _row(apps.get_model("workorders.ReportPhoto"), org, report=report)
    for obj in (report, part, photo):
        _assert_frozen(admin_client, obj)
    # The inlines on the report's page offer no add, change or delete.
    body = admin_client.get(_url(report)).content.decode()
    assert "parts-TOTAL_FORMS" not in body or 'name="parts-0-DELETE"' not in body
    assert "Add another" not in body and "添加另一个" not in body
    # Deleting the order would cascade to the signed report: refused.
    assert admin_client.post(_url(report.order, "delete"), {"post": "yes"}).status_code == 403
    assert type(report).all_objects.filter(pk=report.pk).exists()


def test_an_unsigned_report_stays_editable_in_the_admin(admin_client, org):
    WorkOrder = apps.get_model("workorders.WorkOrder")
    report = _row(apps.get_model("workorders.ServiceReport"), org, order=_row(WorkOrder, org))
    assert 'name="_save"' in admin_client.get(_url(report)).content.decode()
    assert admin_client.get(_url(report, "delete")).status_code == 200


def test_a_signed_delivery_receipt_is_frozen_in_the_admin(admin_client, org):
    delivery = _row(apps.get_model("delivery.Delivery"), org)
    delivery.signature, delivery.signer_name = "data:image/png;base64,AAAA", "张伟"
    delivery.delivered_at = timezone.now()
    delivery.save()
    request = _row(apps.get_model("delivery.WorkshopRequest"), org, delivery=delivery)
    _assert_frozen(admin_client, delivery)
    assert request.pk  # its workshop requests stay, read-only inline


def test_a_signed_complaint_approval_is_frozen_in_the_admin(admin_client, org):
    case = _row(apps.get_model("complaints.Case"), org)
    signature = _row(apps.get_model("complaints.Signature"), org, case=case, step=1)
    for obj in (case, signature):
        _assert_frozen(admin_client, obj)
    assert admin_client.get("/admin/complaints/signature/add/").status_code == 403
    body = admin_client.get(_url(case)).content.decode()
    assert "signatures-0-DELETE" not in body


def test_a_closed_performance_month_is_frozen_in_the_admin(admin_client, org):
    month = _row(apps.get_model("performance.MonthClose"), org, closed_at=timezone.now())
    assert admin_client.post(_url(month), {}).status_code == 403
    assert admin_client.post(_url(month, "delete"), {"post": "yes"}).status_code == 403
    assert type(month).all_objects.filter(pk=month.pk).exists()


# --- the API and the pages -----------------------------------------------------------------


def _photo():
    import io

    from django.core.files.uploadedfile import SimpleUploadedFile
    from PIL import Image

    buf = io.BytesIO()
    Image.new("RGB", (64, 48), (30, 120, 200)).save(buf, format="PNG")
    return SimpleUploadedFile("work.png", buf.getvalue(), content_type="image/png")


@pytest.fixture
def signed_done(org):
    report = _signed_report(org)
    type(report.order).all_objects.filter(pk=report.order_id).update(status="done")
    return report


def test_a_signed_report_takes_no_photo_through_the_api(client, clerk, signed_done):
    client.force_login(clerk)
    resp = client.post(
        f"/api/v1/workorders/{signed_done.order_id}/photos/",
        {"image": _photo(), "caption": "补拍"},
        headers={"Idempotency-Key": "frozen-1"},
    )
    assert resp.status_code == 409, resp.json()
    assert resp.json()["error"]["code"] == "report_signed"
    assert not signed_done.photos.exists()


def test_a_signed_report_takes_no_photo_through_the_pages(client, clerk, signed_done):
    client.force_login(clerk)
    client.post(
        f"/workorders/{signed_done.order_id}/photos/", {"image": _photo(), "caption": "补拍"}
    )
    assert not signed_done.photos.exists()


def test_an_unsigned_report_takes_the_same_photo_through_the_pages(client, clerk, org):
    WorkOrder = apps.get_model("workorders.WorkOrder")
    report = _row(apps.get_model("workorders.ServiceReport"), org, order=_row(WorkOrder, org))
    WorkOrder.all_objects.filter(pk=report.order_id).update(status="done")
    client.force_login(clerk)
    client.post(f"/workorders/{report.order_id}/photos/", {"image": _photo(), "caption": "补拍"})
    assert report.photos.count() == 1  # the control: the path works until the customer signs
