"""Language guidance beyond the desk (issue 21.3): a note on a work order and a callback record's
comment are checked against the organisation's forbidden phrases too (through
core.textcheck). A warning never refuses the save; it is counted for the person and month and
said in the answer: `language_warnings` in the API, a warning message on the page."""

import pytest
import time_machine
from django.urls import reverse

from shouhou.callbacks.models import CallbackTask
from shouhou.callbacks.tests.records_factories import at, done, task_on
from shouhou.frontdesk.models import LanguageWarning
from shouhou.workorders import services as wo
from shouhou.workorders.tests.factories import make_customer, make_technician

pytestmark = pytest.mark.django_db
NOW = at(2026, 3, 9, 10)
BAD = "这个我们不负责，你自己解决吧"


@pytest.fixture(autouse=True)
def frozen():
    with time_machine.travel(NOW, tick=False) as t:
        yield t


@pytest.fixture
def desk(make_user, store):
    return make_user("service_desk", store=store, display_name="李调度")


@pytest.fixture
def agent(make_user):
    return make_user("call_centre", display_name="赵回访")


@pytest.fixture
def tech(org):
    return make_technician(org, name="王师傅")


@pytest.fixture
def order(desk, tech, org, store):
    o = wo.workorder_intake(
        by=desk,
        customer=make_customer(org, store=store),
        source="hotline",
        kind="repair",
        description="马桶漏水",
        now=NOW,
    ).order
    return wo.workorder_dispatch(by=desk, order=o, technician=tech, now=NOW)


def test_a_forbidden_phrase_in_a_work_order_note_warns_in_the_api_and_is_counted(api, tech, order):
    resp = api.as_(tech.user).post(f"/api/v1/workorders/{order.pk}/contact/", {"note": BAD})
    assert resp.status_code == 200, resp.json()
    assert resp.json()["status"] == "contacted"  # the step was taken: a warning, not a refusal
    warnings = resp.json()["language_warnings"]
    assert warnings["forbidden"] == ["这个我们不负责", "你自己解决"]
    assert warnings["preferred"]  # what to say instead
    w = LanguageWarning.all_objects.get()
    assert w.person == tech.user and w.where == "workorder.contact" and w.object_id == order.pk


def test_a_clean_note_gives_no_warning_and_counts_nothing(api, tech, order):
    resp = api.as_(tech.user).post(
        f"/api/v1/workorders/{order.pk}/contact/", {"note": "已联系客户"}
    )
    assert resp.status_code == 200
    assert resp.json()["language_warnings"] == {"forbidden": [], "preferred": []}
    assert not LanguageWarning.all_objects.exists()


def test_a_plain_read_after_the_warning_does_not_repeat_it(api, tech, order):
    api.as_(tech.user).post(f"/api/v1/workorders/{order.pk}/contact/", {"note": BAD})
    again = api.get(f"/api/v1/workorders/{order.pk}/")
    assert again.json()["language_warnings"]["forbidden"] == []


def test_the_page_shows_the_warning_after_a_step_with_a_forbidden_note(client, tech, order):
    client.force_login(tech.user)
    resp = client.post(
        reverse("workorders:action", args=[order.pk, "contact"]), {"note": BAD}, follow=True
    )
    assert resp.status_code == 200
    page = resp.content.decode()
    assert "这个我们不负责" in page and "你自己解决" in page
    order.refresh_from_db()
    assert order.status == "contacted"
    assert LanguageWarning.all_objects.count() == 1


def test_a_callback_comment_with_a_forbidden_phrase_warns_and_is_counted(
    api, agent, desk, tech, org, store
):
    order = done(desk, tech, make_customer(org, store=store), at(2026, 3, 6, 9))
    task = task_on(kind=CallbackTask.Kind.AFTER_SERVICE, work_order=order, assigned_to=agent)
    resp = api.as_(agent).post(
        "/api/v1/callback-records/",
        {"task": task.pk, "satisfaction": 5, "comment": "我不知道，你自己解决"},
        **{"Idempotency-Key": "lang-1"},
    )
    assert resp.status_code == 201, resp.json()
    assert resp.json()["language_warnings"]["forbidden"] == ["我不知道", "你自己解决"]
    w = LanguageWarning.all_objects.get()
    assert w.person == agent and w.where == "callback_record"
