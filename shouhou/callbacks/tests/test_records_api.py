"""/api/v1/callback-records/: create with an Idempotency-Key, the error shape, permissions,
filters, and the self-feedback link."""

import pytest
import time_machine

from shouhou.callbacks.models import CallbackRecord, CallbackTask
from shouhou.workorders.models import MissedService

from .records_factories import appointed, at, done, make_customer, task_on

pytestmark = pytest.mark.django_db
K = CallbackTask.Kind
NOW = at(2026, 3, 9, 10)
URL = "/api/v1/callback-records/"


@pytest.fixture(autouse=True)
def frozen():
    with time_machine.travel(NOW, tick=False) as t:
        yield t


@pytest.fixture
def order(desk, tech, org, store):
    return done(desk, tech, make_customer(org, store=store), at(2026, 3, 6, 9))


@pytest.fixture
def task(order):
    return task_on(kind=K.AFTER_SERVICE, work_order=order)


def test_a_callback_is_recorded_once_with_the_same_idempotency_key(api, agent, task):
    body = {"task": task.pk, "satisfaction": 5, "answers": {"on_time": True, "suggestions": "无"}}
    first = api.as_(agent).post(URL, body, **{"Idempotency-Key": "k-1"})
    assert first.status_code == 201, first.json()
    data = first.json()
    assert data["satisfaction"] == 5 and data["task"] == task.pk and data["on_time"] is True
    assert {a["code"] for a in data["answers"]} == {"satisfaction", "on_time", "suggestions"}
    again = api.post(URL, body, **{"Idempotency-Key": "k-1"})
    assert again.status_code == 201 and again.json()["id"] == data["id"]
    assert again["Idempotent-Replayed"] == "true"
    assert CallbackRecord.all_objects.count() == 1
    other_key = api.post(URL, body, **{"Idempotency-Key": "k-2"})
    assert other_key.status_code == 409
    assert other_key.json()["error"]["code"] == "already_recorded"
    assert CallbackRecord.all_objects.count() == 1


@pytest.mark.parametrize("value", [0, 6, "abc"])
def test_a_bad_satisfaction_is_a_400_on_its_field_and_nothing_is_written(api, agent, task, value):
    resp = api.as_(agent).post(
        URL, {"task": task.pk, "satisfaction": value}, **{"Idempotency-Key": f"k-{value}"}
    )
    assert resp.status_code == 400
    err = resp.json()["error"]
    assert err["code"] == "invalid" and list(err["fields"]) == ["satisfaction"]
    assert CallbackRecord.all_objects.count() == 0
    task.refresh_from_db()
    assert task.status == "open"
    # the key was not used up by the failure: the corrected request goes through
    ok = api.post(URL, {"task": task.pk, "satisfaction": 3}, **{"Idempotency-Key": f"k-{value}"})
    assert ok.status_code == 201


def test_archive_errors_are_reported_under_archive(api, agent, task):
    resp = api.as_(agent).post(
        URL, {"task": task.pk, "satisfaction": 4, "archive": {"birthday": "2099-01-01"}}
    )
    assert resp.status_code == 400
    assert "archive.birthday" in resp.json()["error"]["fields"]


def test_a_no_show_through_the_api_reissues_the_order(api, agent, desk, tech, org):
    order = appointed(
        desk, tech, make_customer(org), at(2026, 3, 5, 9), appointment_at=at(2026, 3, 6, 9)
    )
    task = task_on(kind=K.AFTER_APPOINTMENT, work_order=order)
    resp = api.as_(agent).post(
        URL, {"task": task.pk, "outcome_no_show": True}, **{"Idempotency-Key": "ns"}
    )
    assert resp.status_code == 201, resp.json()
    assert resp.json()["outcome_no_show"] and resp.json()["technician_came"] is False
    assert any(order.number in line for line in resp.json()["outcomes"])
    order.refresh_from_db()
    assert order.is_reissued
    assert MissedService.all_objects.filter(order=order, reason="no_show").count() == 1


def test_another_organisations_task_is_404_and_a_technician_403(api, task, outsider, tech):
    resp = api.as_(outsider).post(URL, {"task": task.pk, "satisfaction": 5})
    assert resp.status_code == 404
    assert api.as_(outsider).get(f"{URL}feedback-link/", task=task.pk).status_code == 404
    resp = api.as_(tech.user).post(URL, {"task": task.pk, "satisfaction": 5})
    assert resp.status_code == 403
    assert api.as_(tech.user).get(URL).status_code == 403
    assert CallbackRecord.all_objects.count() == 0


def test_the_list_filters_and_shows_only_the_organisations_records(
    api, agent, task, outsider, make_user, other_org
):
    from shouhou.callbacks import records

    records.callback_record_create(by=agent, task=task, satisfaction=2, now=NOW)
    foreign_agent = make_user("call_centre", organisation=other_org)
    foreign = task_on(kind=K.BIRTHDAY_GREETING, customer=make_customer(other_org))
    records.callback_record_create(by=foreign_agent, task=foreign, now=NOW)
    supervisor = make_user("cs_supervisor")
    rows = api.as_(supervisor).get(URL).json()["results"]
    assert [r["task"] for r in rows] == [task.pk]
    assert rows[0]["technician_name"] == "王师傅"
    assert api.get(URL, satisfaction=2).json()["count"] == 1
    assert api.get(URL, satisfaction=5).json()["count"] == 0
    assert api.get(URL, channel="self_feedback").json()["count"] == 0
    assert api.get(URL, date_from="2026-03-10").json()["count"] == 0
    assert api.get(URL, date_from="2026-03-09", date_to="2026-03-09").json()["count"] == 1
    assert api.get(URL, satisfaction=9).status_code == 400
    detail = api.get(f"{URL}{rows[0]['id']}/").json()
    assert detail["answers"][0]["code"] == "satisfaction"
    assert api.as_(outsider).get(f"{URL}{rows[0]['id']}/").status_code == 404


def test_the_feedback_link_comes_with_the_sms_text(api, agent, task):
    resp = api.as_(agent).get(f"{URL}feedback-link/", task=task.pk)
    assert resp.status_code == 200, resp.json()
    data = resp.json()
    assert "/callbacks/feedback/" in data["url"] and data["url"] in data["sms_text"]
    assert api.get(f"{URL}feedback-link/").status_code == 400


def test_the_questionnaire_is_listed_per_kind(api, agent):
    rows = api.as_(agent).get("/api/v1/callback-questions/", kind="after_delivery").json()
    codes = [r["code"] for r in rows["results"]]
    assert codes == ["satisfaction", "delivery_rating", "goods_ok", "suggestions"]


def test_the_list_reads_the_satisfaction_threshold_once_not_per_row(
    api, agent, desk, tech, org, make_user
):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    from shouhou.callbacks import records
    from shouhou.callbacks.models import CallbackSettings

    cfg = CallbackSettings.for_org(org)
    for i, score in enumerate((cfg.satisfied_from - 1, cfg.satisfied_from, 5)):
        order = done(desk, tech, make_customer(org), at(2026, 3, 6, 9 + i))
        t = task_on(kind=K.AFTER_SERVICE, work_order=order)
        records.callback_record_create(by=agent, task=t, satisfaction=score, now=NOW)
    supervisor = api.as_(make_user("cs_supervisor"))
    with CaptureQueriesContext(connection) as queries:
        rows = supervisor.get(URL).json()["results"]
    assert sorted((r["satisfaction"], r["is_satisfied"]) for r in rows) == [
        (cfg.satisfied_from - 1, False),
        (cfg.satisfied_from, True),
        (5, True),
    ]
    table = CallbackSettings._meta.db_table
    assert sum(table in q["sql"] for q in queries.captured_queries) == 1
