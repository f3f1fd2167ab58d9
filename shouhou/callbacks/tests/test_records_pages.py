"""The record page (form, errors next to the fields, outcomes in the success message), the
record and the records list for supervisors, and the questionnaire page."""

import pytest
import time_machine
from django.contrib.messages import get_messages

from shouhou.callbacks import records
from shouhou.callbacks.models import CallbackRecord, CallbackTask, Question

from .records_factories import appointed, at, done, make_customer, task_on

pytestmark = pytest.mark.django_db
K = CallbackTask.Kind
NOW = at(2026, 3, 9, 10)


@pytest.fixture(autouse=True)
def frozen():
    with time_machine.travel(NOW, tick=False) as t:
        yield t


@pytest.fixture
def customer(org, store):
    return make_customer(org, store=store, mobile="13912345678")


def url(task):
    return f"/callbacks/tasks/{task.pk}/record/"


def post(client, task, **data):
    data.setdefault("idempotency_key", "key-1")
    data.setdefault("channel", "phone")
    return client.post(url(task), data)


def test_the_record_page_shows_the_customer_the_order_and_the_questions(
    client, agent, desk, tech, customer
):
    order = done(desk, tech, customer, at(2026, 3, 6, 9))
    task = task_on(kind=K.AFTER_SERVICE, work_order=order, assigned_to=agent)
    client.force_login(agent)
    resp = client.get(url(task))
    body = resp.content.decode()
    assert resp.status_code == 200
    assert "139****5678" in body and 'href="tel:13912345678"' in body
    assert order.number in body and "王师傅" in body and "更换进水阀" in body
    for name in ("satisfaction", "q_on_time", "q_problem_solved", "q_suggestions"):
        assert f'name="{name}"' in body
    assert 'name="outcome_no_show"' in body and 'name="outcome_complaint"' in body


def test_a_bad_satisfaction_shows_the_form_again_with_the_message_and_what_was_typed(
    client, agent, desk, tech, customer
):
    order = done(desk, tech, customer, at(2026, 3, 6, 9))
    task = task_on(kind=K.AFTER_SERVICE, work_order=order, assigned_to=agent)
    client.force_login(agent)
    resp = post(client, task, satisfaction="6", comment="说了很多")
    body = resp.content.decode()
    assert resp.status_code == 400
    assert 'id="field-satisfaction"' in body
    field = body.split('id="field-satisfaction"')[1].split('<div class="field')[0]
    assert 'class="error"' in field
    assert "说了很多" in body
    assert CallbackRecord.all_objects.count() == 0


def test_saving_goes_back_to_the_list_and_says_what_the_outcomes_did(
    client, agent, desk, tech, customer
):
    order = appointed(desk, tech, customer, at(2026, 3, 5, 9), appointment_at=at(2026, 3, 6, 9))
    task = task_on(kind=K.AFTER_APPOINTMENT, work_order=order, assigned_to=agent)
    client.force_login(agent)
    resp = post(
        client,
        task,
        outcome_no_show="on",
        outcome_complaint="on",
        complaint_text="等了一上午",
        birthday="1985-02-03",
    )
    assert resp.status_code == 302 and resp["Location"] == "/callbacks/"
    shown = [str(m) for m in get_messages(resp.wsgi_request)]
    assert any(order.number in m and "重发" in m for m in shown)
    rec = CallbackRecord.all_objects.get()
    assert any(rec.complaint_case.number in m for m in shown)
    order.refresh_from_db()
    customer.refresh_from_db()
    assert order.is_reissued and str(customer.birthday) == "1985-02-03"


def test_a_double_click_records_once(client, agent, desk, tech, customer):
    order = done(desk, tech, customer, at(2026, 3, 6, 9))
    task = task_on(kind=K.AFTER_SERVICE, work_order=order, assigned_to=agent)
    client.force_login(agent)
    first = post(client, task, satisfaction="5")
    second = post(client, task, satisfaction="5")
    assert first.status_code == second.status_code == 302
    assert CallbackRecord.all_objects.count() == 1
    third = post(client, task, satisfaction="5", idempotency_key="key-2")
    assert third.status_code == 409 and CallbackRecord.all_objects.count() == 1
    page = client.get(url(task))
    assert page.status_code == 200 and 'id="blocked"' in page.content.decode()


def test_the_record_page_is_for_the_callers_of_the_organisation(
    client, agent, desk, tech, customer, outsider
):
    order = done(desk, tech, customer, at(2026, 3, 6, 9))
    task = task_on(kind=K.AFTER_SERVICE, work_order=order)
    client.force_login(tech.user)
    assert client.get(url(task)).status_code == 403
    assert post(client, task, satisfaction="5").status_code == 403
    client.force_login(outsider)
    assert client.get(url(task)).status_code == 404
    assert post(client, task, satisfaction="5").status_code == 404
    assert CallbackRecord.all_objects.count() == 0


def test_a_callback_on_a_work_order_without_a_task(client, agent, desk, tech, customer):
    order = done(desk, tech, customer, at(2026, 3, 6, 9))
    client.force_login(agent)
    resp = client.post(
        f"/callbacks/orders/{order.pk}/record/",
        {"idempotency_key": "k", "channel": "phone", "satisfaction": "3"},
    )
    rec = CallbackRecord.all_objects.get()
    assert resp.status_code == 302 and resp["Location"] == f"/callbacks/records/{rec.pk}/"
    assert rec.task is None and rec.work_order == order


def test_supervisors_list_filter_export_and_open_records(
    client, agent, desk, tech, customer, make_user, outsider
):
    order = done(desk, tech, customer, at(2026, 3, 6, 9))
    task = task_on(kind=K.AFTER_SERVICE, work_order=order)
    rec = records.callback_record_create(
        by=agent, task=task, satisfaction=2, comment="不太满意", now=NOW
    )
    supervisor = make_user("cs_supervisor")
    client.force_login(supervisor)
    page = client.get("/callbacks/records/")
    assert page.status_code == 200 and order.number in page.content.decode()
    assert customer.name in client.get("/callbacks/records/?satisfaction=2").content.decode()
    filtered = client.get(f"/callbacks/records/?technician={tech.pk}&satisfaction=5")
    assert order.number not in filtered.content.decode()
    assert client.get("/callbacks/records/?date_from=nonsense").status_code == 400
    xlsx = client.get("/callbacks/records.xlsx")
    assert xlsx.status_code == 200 and xlsx["Content-Type"].startswith("application/vnd.openxml")
    detail = client.get(f"/callbacks/records/{rec.pk}/")
    assert detail.status_code == 200 and "不太满意" in detail.content.decode()
    client.force_login(outsider)
    assert client.get(f"/callbacks/records/{rec.pk}/").status_code == 404
    assert order.number not in client.get("/callbacks/records/").content.decode()
    client.force_login(tech.user)
    assert client.get("/callbacks/records/").status_code == 403


def test_a_supervisor_adds_and_deactivates_a_question(client, make_user, agent, org):
    supervisor = make_user("cs_supervisor")
    client.force_login(supervisor)
    assert client.get("/callbacks/questions/").status_code == 200
    resp = client.post(
        "/callbacks/questions/",
        {
            "code": "install_clean",
            "text": "安装后是否清理现场?",
            "answer_type": "yes_no",
            "kinds": ["after_service"],
            "order": "40",
            "is_active": "on",
        },
    )
    assert resp.status_code == 302
    q = Question.all_objects.get(organisation=org, code="install_clean")
    bad = client.post(
        "/callbacks/questions/", {"code": "bad code!", "text": "", "answer_type": "text"}
    )
    assert bad.status_code == 400
    resp = client.post(
        f"/callbacks/questions/{q.pk}/",
        {"text": q.text, "answer_type": "yes_no", "order": "40"},  # "is_active" unticked
    )
    assert resp.status_code == 302
    q.refresh_from_db()
    assert not q.is_active and q.code == "install_clean"
    client.force_login(agent)
    assert client.get("/callbacks/questions/").status_code == 403
