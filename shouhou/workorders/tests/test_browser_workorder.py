"""A hotline call becomes an order, is dispatched, and the technician finishes it on a phone
(375×740) with the customer's drawn signature, in a real browser (Debian's chromium)."""

import base64
import datetime as dt
import io
import re

import pytest
from django.urls import reverse
from django.utils import timezone
from PIL import Image

from shouhou.org.tests.factories import UserFactory
from shouhou.staff.services import can_work
from shouhou.staff.tests.factories import ServiceStaffFactory, WorkPermitFactory
from shouhou.workorders.models import ReportPhoto, ServiceReport, StatusChange, WorkOrder

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


@pytest.fixture
def technician(org, settings, tmp_path):
    """A technician with a login and a valid permit for repairs (the staff app's factories)."""
    settings.MEDIA_ROOT = str(tmp_path / "media")
    user = UserFactory(roles=["technician"], organisation=org, display_name="王师傅")
    staff = ServiceStaffFactory(
        organisation=org, user=user, name="王师傅", kinds=["installation", "repair"]
    )
    WorkPermitFactory(staff=staff)
    assert can_work(staff=staff, kind="repair", on_date=timezone.localdate()).ok
    return staff


def _png() -> bytes:
    buf = io.BytesIO()
    Image.new("RGB", (64, 48), (30, 120, 200)).save(buf, format="PNG")
    return buf.getvalue()


def test_a_hotline_call_is_dispatched_and_finished_on_a_phone_with_a_signature(
    page, browser_login, request, clerk, technician
):
    base = page.base_url

    # The clerk takes the call: a new customer.
    browser_login(page, clerk)
    page.goto(base + reverse("workorders:intake"))
    page.select_option("#id_source", "hotline")
    page.select_option("#id_kind", "repair")
    page.fill("#id_mobile", "13912340001")
    page.fill("#id_name", "赵先生")
    page.fill("#id_district", "朝阳区")
    page.fill("#id_address_detail", "望京西园三区301号楼2单元502")
    page.fill("#id_description", "马桶水箱一直漏水")
    with page.expect_navigation(url=re.compile(r"/workorders/\d+/$")):
        page.click("form.form button[type=submit]")
    order = WorkOrder.all_objects.get(customer__mobile="13912340001")
    assert order.status == "new" and order.source == "hotline"
    assert order.customer.name == "赵先生"

    # ... and dispatches it to the technician with a valid permit.
    dispatch = page.locator(
        f"form[action='{reverse('workorders:action', args=[order.pk, 'dispatch'])}']"
    )
    dispatch.locator("select[name=technician]").select_option(str(technician.pk))
    with page.expect_navigation():
        dispatch.locator("button").click()
    order.refresh_from_db()
    assert order.status == "dispatched" and order.technician_id == technician.pk

    # The technician, on a phone.
    page.context.clear_cookies()
    phone = request.getfixturevalue("phone_page")
    assert phone.viewport_size == {"width": 375, "height": 740}
    browser_login(phone, technician.user)
    phone.goto(base + reverse("workorders:my_jobs"))
    job_url = base + reverse("workorders:job", args=[order.pk])
    with phone.expect_navigation(url=job_url):
        phone.click(f"h2 a[href='{reverse('workorders:job', args=[order.pk])}']")

    def step(name, **fields):
        form = phone.locator(
            f"form[action='{reverse('workorders:action', args=[order.pk, name])}']"
        )
        for field, value in fields.items():
            form.locator(f"[name={field}]").fill(value)
        with phone.expect_navigation(url=job_url):
            form.locator("button").last.click()

    step("contact")
    tomorrow = timezone.localdate() + dt.timedelta(days=1)
    step("appoint", appointment_at=f"{tomorrow.isoformat()}T10:00")
    step("arrive")
    assert WorkOrder.all_objects.get(pk=order.pk).status == "on_site"

    complete = phone.locator(
        f"form[action='{reverse('workorders:action', args=[order.pk, 'complete'])}']"
    )
    for box in complete.locator("input[name=steps_done]").all()[:3]:
        box.check()
    complete.locator("textarea[name=findings]").fill("进水阀密封圈老化")
    complete.locator("textarea[name=work_done]").fill("更换进水阀，试水无渗漏")
    complete.locator("input[name=part_name]").first.fill("进水阀")
    complete.locator("input[name=part_quantity]").first.fill("1")
    complete.locator("input[name=part_reason]").first.fill("密封圈老化")
    with phone.expect_navigation(url=job_url):
        complete.locator("button.primary").click()
    assert WorkOrder.all_objects.get(pk=order.pk).status == "done"

    # A photo of the finished work, from the phone's camera input.
    photo_form = phone.locator("#photo-form")
    photo_form.locator("input[name=image]").set_input_files(
        {"name": "IMG_2041.png", "mimeType": "image/png", "buffer": _png()}
    )
    photo_form.locator("input[name=caption]").fill("更换后")
    with phone.expect_navigation(url=job_url):
        photo_form.locator("button").click()
    assert ReportPhoto.all_objects.filter(report__order=order, caption="更换后").exists()

    # The customer signs on the canvas with a finger (the mouse here).
    pad = phone.locator("#pad")
    pad.scroll_into_view_if_needed()
    box = pad.bounding_box()
    assert box["width"] <= 375  # fits the phone's screen
    x0, y0 = box["x"] + 20, box["y"] + box["height"] * 0.6
    phone.mouse.move(x0, y0)
    phone.mouse.down()
    for i in range(1, 25):
        phone.mouse.move(x0 + i * 10, y0 - 30 * ((i % 6) / 5), steps=2)
    phone.mouse.up()
    phone.locator("#sign-form input[name=signer_name]").fill("赵先生")
    with phone.expect_navigation(url=job_url):
        phone.locator("#sign-form button.primary").click()

    order.refresh_from_db()
    report = ServiceReport.all_objects.get(order=order)
    assert order.status == "confirmed" and order.confirmed_at is not None
    assert report.is_signed and report.signed_via == "drawn" and report.signer_name == "赵先生"
    assert report.signature.startswith("data:image/png;base64,")
    drawn = Image.open(io.BytesIO(base64.b64decode(report.signature.split(",", 1)[1])))
    assert drawn.size == (320, 160)
    assert drawn.getchannel("A").getbbox() is not None  # the stroke is in the stored picture
    assert report.parts.get().name == "进水阀"
    assert [c.to_status for c in StatusChange.all_objects.filter(order=order)] == [
        "new",
        "dispatched",
        "contacted",
        "appointed",
        "on_site",
        "done",
        "confirmed",
    ]
    # the signature is shown, and the sign form is gone: a signature is never changed
    assert phone.locator(".report img[src^='data:image/png']").count() == 1
    assert phone.locator("#sign-form").count() == 0

    # The order's timeline shows every step.
    phone.goto(base + reverse("workorders:detail", args=[order.pk]))
    timeline = phone.locator("section.timeline").inner_text()
    for action in [
        "shouhou.workorder.created",
        "shouhou.workorder.dispatch",
        "shouhou.workorder.contact",
        "shouhou.workorder.appoint",
        "shouhou.workorder.arrive",
        "shouhou.service_report.written",
        "shouhou.workorder.complete",
        "shouhou.service_report.photo_added",
        "shouhou.service_report.signed",
        "shouhou.workorder.sign",
    ]:
        assert action in timeline, action
