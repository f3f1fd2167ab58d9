"""The callback-task API at its real URLs: filters, the call list, actions, settings, and the
bad inputs (clear errors with field names, nothing written)."""

import datetime as dt

import pytest
from django.utils import timezone

from shouhou.callbacks import services as cs
from shouhou.callbacks.models import CallbackAttempt, CallbackTask

from .tasks_factories import make_customer, make_task

pytestmark = pytest.mark.django_db
URL = "/api/v1/callback-tasks/"


def days(n):
    return timezone.localdate() + dt.timedelta(days=n)


@pytest.fixture
def agent(make_user):
    return make_user("call_centre", display_name="周话务")


@pytest.fixture
def supervisor(make_user):
    return make_user("cs_supervisor", display_name="张主管")


def _error(resp, status, code=None):
    assert resp.status_code == status, resp.content
    body = resp.json()["error"]
    if code:
        assert body["code"] == code
    return body


def _ids(resp):
    assert resp.status_code == 200, resp.content
    body = resp.json()
    return [row["id"] for row in body.get("results", body)]


def test_the_list_filters_by_mine_status_kind_overdue_and_due_range(api, org, agent):
    overdue = make_task(org, assigned_to=agent, due_on=days(-2))
    greeting = make_task(org, kind="holiday_greeting", due_on=days(3), occasion="中秋节")
    done = make_task(org, assigned_to=agent, status="done", due_on=days(-5))
    api.as_(agent)
    assert set(_ids(api.get(URL))) == {overdue.pk, greeting.pk, done.pk}
    assert set(_ids(api.get(URL, mine="true"))) == {overdue.pk, done.pk}
    assert _ids(api.get(URL, status="done")) == [done.pk]
    assert _ids(api.get(URL, kind="holiday_greeting")) == [greeting.pk]
    assert _ids(api.get(URL, overdue="true")) == [overdue.pk]
    assert set(_ids(api.get(URL, due_from=days(-3).isoformat(), due_to=days(0).isoformat()))) == {
        overdue.pk
    }
    body = _error(api.get(URL, status="nonsense", due_from="yesterday"), 400, "invalid")
    assert {"status", "due_from"} <= set(body["fields"])


def test_the_call_list_and_the_detail_show_what_the_agent_needs(api, org, agent):
    c = make_customer(org, name="陈静", mobile="13912345678")
    task = make_task(org, customer=c, assigned_to=agent, due_on=days(-1))
    make_task(org, assigned_to=agent, due_on=days(4))
    rows = api.as_(agent).get(URL + "call-list/").json()["results"]
    assert [r["id"] for r in rows] == [task.pk]
    assert rows[0]["customer_mobile"] == "13912345678" and rows[0]["overdue"] is True
    cs.callback_task_attempt(by=agent, task=task, result="busy", note="占线")
    detail = api.get(f"{URL}{task.pk}/").json()
    assert detail["attempts"] == 1 and detail["attempts_needed"] == 2
    assert detail["attempt_rows"][0]["note"] == "占线" and detail["record"] is None


def test_other_office_roles_see_the_number_masked(api, org, make_user):
    make_task(org, customer=make_customer(org, mobile="13912345678"))
    rows = api.as_(make_user("finance")).get(URL).json()["results"]
    assert rows[0]["customer_mobile"] == "139****5678"


def test_a_technician_gets_403_and_another_organisations_task_404(api, org, make_user, outsider):
    task = make_task(org)
    _error(api.as_(make_user("technician")).get(URL), 403)
    _error(api.get(f"{URL}{task.pk}/"), 403)
    _error(api.post(f"{URL}{task.pk}/attempt/", {"result": "no_answer"}), 403)
    _error(api.as_(outsider).get(f"{URL}{task.pk}/"), 404, "not_found")
    _error(api.post(f"{URL}{task.pk}/attempt/", {"result": "no_answer"}), 404)
    assert _ids(api.get(URL)) == []
    task.refresh_from_db()
    assert task.attempts == 0


def test_an_attempt_with_an_idempotency_key_is_logged_once(api, org, agent):
    task = make_task(org, assigned_to=agent)
    api.as_(agent)
    first = api.post(
        f"{URL}{task.pk}/attempt/", {"result": "no_answer"}, **{"Idempotency-Key": "a1"}
    )
    assert first.status_code == 201, first.content
    again = api.post(
        f"{URL}{task.pk}/attempt/", {"result": "no_answer"}, **{"Idempotency-Key": "a1"}
    )
    assert again.status_code == 201 and again["Idempotent-Replayed"] == "true"
    assert again.json()["id"] == first.json()["id"]
    assert CallbackAttempt.all_objects.count() == 1
    body = _error(api.post(f"{URL}{task.pk}/attempt/", {"result": "maybe"}), 400, "invalid")
    assert "result" in body["fields"]
    task.refresh_from_db()
    assert task.attempts == 1


def test_reschedule_needs_a_reason_and_a_date_not_in_the_past(api, org, agent):
    task = make_task(org, assigned_to=agent)
    api.as_(agent)
    body = _error(
        api.post(f"{URL}{task.pk}/reschedule/", {"due_on": days(2).isoformat()}), 400, "invalid"
    )
    assert list(body["fields"]) == ["reason"]
    body = _error(
        api.post(f"{URL}{task.pk}/reschedule/", {"due_on": days(-1).isoformat(), "reason": "出差"}),
        400,
    )
    assert "due_on" in body["fields"]
    ok = api.post(f"{URL}{task.pk}/reschedule/", {"due_on": days(2).isoformat(), "reason": "出差"})
    assert ok.status_code == 200 and ok.json()["due_on"] == days(2).isoformat()
    assert ok.json()["reschedule_count"] == 1


def test_close_unreachable_too_early_is_409_then_allowed(api, org, agent):
    task = make_task(org, assigned_to=agent, attempts=2)
    api.as_(agent)
    body = _error(api.post(f"{URL}{task.pk}/close-unreachable/", {}), 409, "too_few_attempts")
    assert body["attempts_needed"] == 1
    api.post(f"{URL}{task.pk}/attempt/", {"result": "switched_off"}, **{"Idempotency-Key": "x"})
    ok = api.post(f"{URL}{task.pk}/close-unreachable/", {"note": "三次未接通"})
    assert ok.status_code == 200 and ok.json()["status"] == "unreachable"
    # Acting on a closed task: 409, nothing changes.
    _error(
        api.post(f"{URL}{task.pk}/reschedule/", {"due_on": days(1).isoformat(), "reason": "x"}), 409
    )
    _error(api.post(f"{URL}{task.pk}/attempt/", {"result": "no_answer"}), 409, "task_closed")
    task.refresh_from_db()
    assert task.status == "unreachable" and task.attempts == 3


def test_take_assign_and_bulk_assign(api, org, agent, supervisor, make_user):
    colleague = make_user("clerk")
    a, b = make_task(org), make_task(org)
    assert api.as_(agent).post(f"{URL}{a.pk}/take/").json()["assigned_to"] == agent.pk
    _error(api.post(f"{URL}{b.pk}/assign/", {"agent": colleague.pk}), 403)
    api.as_(supervisor)
    assert api.post(f"{URL}{a.pk}/assign/", {"agent": colleague.pk}).json()["assigned_to"] == (
        colleague.pk
    )
    body = _error(api.post(f"{URL}{a.pk}/assign/", {"agent": supervisor.pk}), 400)
    assert "agent" in body["fields"]
    resp = api.post(f"{URL}assign/", {"tasks": [a.pk, b.pk], "agent": agent.pk})
    assert resp.status_code == 200 and resp.json() == {"changed": 2}
    assert CallbackTask.all_objects.filter(assigned_to=agent).count() == 2


def test_skip_and_cancel(api, org, agent, supervisor):
    a, b = make_task(org, assigned_to=agent), make_task(org)
    api.as_(agent)
    assert "reason" in _error(api.post(f"{URL}{a.pk}/skip/", {}), 400)["fields"]
    assert api.post(f"{URL}{a.pk}/skip/", {"reason": "客户拒访"}).json()["status"] == "skipped"
    _error(api.post(f"{URL}{b.pk}/cancel/", {"reason": "重复"}), 403)
    assert (
        api.as_(supervisor).post(f"{URL}{b.pk}/cancel/", {"reason": "重复"}).json()["status"]
        == "cancelled"
    )


def test_settings_are_read_by_the_office_and_changed_by_the_manager(api, org, agent, make_user):
    url = "/api/v1/callback-settings/"
    assert api.as_(agent).get(url).json()["max_attempts"] == 3
    _error(api.put(url, {"max_attempts": 5}), 403)
    _error(api.as_(make_user("technician")).get(url), 403)
    manager = make_user("cs_manager")
    body = _error(api.as_(manager).put(url, {"max_attempts": 0, "satisfied_from": 6}), 400)
    assert set(body["fields"]) == {"max_attempts", "satisfied_from"}
    body = _error(api.put(url, {"max_attempts": "many"}), 400)
    assert "max_attempts" in body["fields"]
    assert cs.settings_for(org).max_attempts == 3
    resp = api.patch(url, {"max_attempts": 4, "greeting_holidays": "春节,国庆节"})
    assert resp.status_code == 200 and resp.json()["max_attempts"] == 4
    assert cs.settings_for(org).greeting_holidays == "春节,国庆节"


def test_the_list_filters_by_work_order_and_by_delivery(api, org, agent, make_user, store):
    from shouhou.delivery import services as ds
    from shouhou.delivery.tests.factories import make_contract

    from .tasks_factories import dispatched, make_technician

    desk = make_user("service_desk", store=store)
    tech = make_technician(org, name="赵师傅")
    order = dispatched(desk, tech, make_customer(org), timezone.now())
    other_order = dispatched(desk, tech, make_customer(org), timezone.now())
    sales = make_user("sales", store=store)
    delivery = ds.delivery_schedule(
        by=sales, contract=make_contract(sales, store), scheduled_date=days(30).isoformat()
    )
    of_order = make_task(org, work_order=order)
    make_task(org, work_order=other_order)
    of_delivery = make_task(org, delivery=delivery, customer=delivery.customer)
    make_task(org)
    api.as_(agent)
    assert _ids(api.get(URL, work_order=order.pk)) == [of_order.pk]
    assert _ids(api.get(URL, delivery=delivery.pk)) == [of_delivery.pk]
    assert _ids(api.get(URL, work_order=order.pk, delivery=delivery.pk)) == []
    assert len(_ids(api.get(URL))) == 4
    body = _error(api.get(URL, work_order="abc"), 400, "invalid")
    assert "work_order" in body["fields"]
