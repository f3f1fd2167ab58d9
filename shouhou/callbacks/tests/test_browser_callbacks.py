"""An agent of the call centre works today's list to empty in the browser: a callback after a
service, one after an appointment where the technician did not come (no-show: the order is
re-issued marked 重发 the same day), and one after a delivery."""

import datetime as dt

import pytest
from django.utils import timezone

from shouhou.callbacks.models import CallbackRecord, CallbackTask
from shouhou.workorders.models import MissedService, WorkOrder

from .records_factories import appointed, delivered, done, make_customer, make_technician, task_on

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]
K = CallbackTask.Kind


def _record(page, task, *, fill):
    page.click(f"a[href='/callbacks/tasks/{task.pk}/record/']")
    page.wait_for_selector("#record-form")
    fill()
    page.click("#save-record")
    page.wait_for_url(page.base_url + "/callbacks/")


def test_an_agent_works_todays_call_list_to_empty(page, browser_login, make_user, store, org):
    from shouhou.delivery.tests.factories import make_crew

    agent = make_user("call_centre", display_name="赵回访")
    desk = make_user("service_desk", store=store)
    tech = make_technician(org, name="王师傅")
    now = timezone.now()

    served = done(
        desk, tech, make_customer(org, name="李娜", store=store), now - dt.timedelta(days=1)
    )
    missed = appointed(
        desk,
        tech,
        make_customer(org, name="陈刚", store=store),
        now - dt.timedelta(days=2),
        appointment_at=now - dt.timedelta(days=1),
    )
    d = delivered(
        sales=make_user("sales", store=store),
        supervisor=make_user("cs_supervisor", store=store),
        crew=make_crew(make_user("delivery_crew", store=store)),
        store=store,
    )
    t_service = task_on(kind=K.AFTER_SERVICE, work_order=served, assigned_to=agent)
    t_appointment = task_on(kind=K.AFTER_APPOINTMENT, work_order=missed, assigned_to=agent)
    t_delivery = task_on(kind=K.AFTER_DELIVERY, delivery=d, assigned_to=agent)

    browser_login(page, agent)
    page.goto(page.base_url + "/callbacks/")
    for t in (t_service, t_appointment, t_delivery):
        page.wait_for_selector(f"#task-{t.pk}")

    # 1. After the service: satisfied, on time, solved.
    def after_service():
        page.check("input[name='satisfaction'][value='5']")
        page.check("input[name='q_on_time'][value='yes']")
        page.check("input[name='q_problem_solved'][value='yes']")
        page.fill("#id_comment", "师傅很专业")

    _record(page, t_service, fill=after_service)
    assert page.locator(f"#task-{t_service.pk}").count() == 0

    # 2. After the appointment: the technician did not come.
    def no_show():
        page.check("#id_outcome_no_show")
        page.fill("#id_comment", "约好周五上午，师傅没来")

    _record(page, t_appointment, fill=no_show)
    message = page.locator("ul.messages").inner_text()
    assert missed.number in message and "重发" in message

    # 3. After the delivery, with a preference for the archive.
    def after_delivery():
        page.check("input[name='satisfaction'][value='4']")
        page.check("input[name='q_delivery_rating'][value='5']")
        page.check("input[name='q_goods_ok'][value='yes']")
        page.fill("#id_preferences", "周末送货")

    _record(page, t_delivery, fill=after_delivery)

    # The list is empty.
    page.wait_for_selector("#empty-list")
    assert page.locator("tr.task").count() == 0

    assert CallbackRecord.objects.count() == 3
    assert set(CallbackTask.objects.filter(pk__in=[t_service.pk, t_appointment.pk, t_delivery.pk])
               .values_list("status", flat=True)) == {"done"}  # fmt: skip
    missed = WorkOrder.objects.get(pk=missed.pk)
    assert missed.is_reissued and missed.status == "dispatched"
    assert timezone.localtime(missed.reissued_at).date() == timezone.localdate()
    assert MissedService.objects.filter(order=missed, reason="no_show").exists()

    # The re-issued order shows 重发 on its page.
    page.goto(page.base_url + f"/workorders/{missed.pk}/")
    assert "重发" in page.locator("main").inner_text()
