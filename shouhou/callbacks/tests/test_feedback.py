"""The customer's own feedback through the signed, expiring link (no login, no SMS gateway)."""

import datetime as dt

import pytest
import time_machine
from django.core.cache import cache

from shouhou.callbacks import feedback as fb
from shouhou.callbacks import records
from shouhou.callbacks.models import CallbackRecord, CallbackTask
from shouhou.callbacks.services import settings_for
from shouhou.core.errors import (
    DuplicateError,
    InvalidTransition,
    NotFoundError,
    PermissionDeniedError,
    ValidationFailed,
)

from .records_factories import at, done, make_customer, task_on

pytestmark = pytest.mark.django_db
K = CallbackTask.Kind
NOW = at(2026, 3, 9, 10)


@pytest.fixture(autouse=True)
def frozen():
    cache.clear()
    with time_machine.travel(NOW, tick=False) as t:
        yield t


@pytest.fixture
def task(desk, tech, org, store):
    customer = make_customer(org, store=store, name="张伟")
    order = done(desk, tech, customer, at(2026, 3, 6, 9))
    return task_on(kind=K.AFTER_SERVICE, work_order=order)


def token_for(task, now=NOW):
    return fb.feedback_link_for(task, now).token


# --- the service ------------------------------------------------------------------------------
def test_the_customers_rating_is_a_callback_record_and_closes_the_task(task, tech):
    rec = fb.feedback_submit(token=token_for(task), satisfaction="5", comment="很满意")
    assert rec.channel == CallbackRecord.Channel.SELF_FEEDBACK and rec.caller is None
    assert rec.satisfaction == 5 and rec.comment == "很满意" and rec.task == task
    assert rec.technician == tech and rec.work_order == task.work_order
    assert rec.answers.get().question.code == "satisfaction"
    task.refresh_from_db()
    assert task.status == CallbackTask.Status.DONE and task.closed_by is None


def test_a_second_submission_is_refused_and_nothing_is_duplicated(task):
    token = token_for(task)
    fb.feedback_submit(token=token, satisfaction=4)
    with pytest.raises(DuplicateError) as exc:
        fb.feedback_submit(token=token, satisfaction=1, comment="改主意了")
    assert exc.value.status == 409 and exc.value.code == "already_recorded"
    assert CallbackRecord.all_objects.count() == 1
    assert CallbackRecord.all_objects.get().satisfaction == 4


def test_a_link_after_the_agent_already_called_says_so(task, agent):
    token = token_for(task)
    records.callback_record_create(by=agent, task=task, satisfaction=5, now=NOW)
    with pytest.raises(DuplicateError) as exc:
        fb.feedback_submit(token=token, satisfaction=1)
    assert "rating" not in str(exc.value.message).lower()  # "we have already called you"
    assert CallbackRecord.all_objects.count() == 1


def test_an_expired_link_is_refused(task, org):
    settings_for(org)  # 7 days by default
    token = token_for(task, now=NOW)
    later = NOW + dt.timedelta(days=7, minutes=1)
    with pytest.raises(fb.LinkExpired) as exc:
        fb.feedback_submit(token=token, satisfaction=5, now=later)
    assert exc.value.status == 410 and exc.value.code == "link_expired"
    assert CallbackRecord.all_objects.count() == 0
    # within the days it works
    assert fb.feedback_submit(token=token, satisfaction=5, now=NOW + dt.timedelta(days=6))


def test_the_link_validity_follows_the_organisations_setting(task, org):
    cfg = settings_for(org)
    cfg.feedback_link_days = 2
    cfg.save()
    token = token_for(task)
    with pytest.raises(fb.LinkExpired):
        fb.feedback_task_for(token, now=NOW + dt.timedelta(days=2, seconds=1))
    link = fb.feedback_link_for(task, NOW)
    assert link.expires_at == NOW + dt.timedelta(days=2)


@pytest.mark.parametrize("mangle", ["tamper", "garbage", "empty", "other_salt"])
def test_a_forged_link_is_not_valid(task, mangle):
    from django.core import signing

    token = token_for(task)
    bad = {
        "tamper": token[:-2] + ("AA" if not token.endswith("AA") else "BB"),
        "garbage": "abc:def",
        "empty": "",
        "other_salt": signing.dumps({"t": task.pk, "g": task.organisation_id, "i": 1}),
    }[mangle]
    with pytest.raises(NotFoundError) as exc:
        fb.feedback_submit(token=bad, satisfaction=5)
    assert exc.value.code == "link_invalid"
    assert CallbackRecord.all_objects.count() == 0


def test_a_token_pointing_into_another_organisation_is_not_valid(task, other_org):
    from django.core import signing

    token = signing.dumps(
        {"t": task.pk, "g": other_org.pk, "i": int(NOW.timestamp())}, salt=fb.SALT
    )
    with pytest.raises(NotFoundError):
        fb.feedback_submit(token=token, satisfaction=5)


@pytest.mark.parametrize("value", [None, "", 0, 6, "abc"])
def test_a_rating_outside_1_to_5_is_refused(task, value):
    with pytest.raises(ValidationFailed) as exc:
        fb.feedback_submit(token=token_for(task), satisfaction=value)
    assert list(exc.value.fields) == ["satisfaction"]
    task.refresh_from_db()
    assert task.status == "open" and CallbackRecord.all_objects.count() == 0


def test_a_closed_task_takes_no_feedback(task):
    CallbackTask.all_objects.filter(pk=task.pk).update(status="skipped")
    with pytest.raises(InvalidTransition):
        fb.feedback_submit(token=token_for(task), satisfaction=5)


def test_greetings_have_no_feedback_link(org):
    task = task_on(kind=K.HOLIDAY_GREETING, customer=make_customer(org))
    with pytest.raises(InvalidTransition):
        fb.feedback_link_for(task)


def test_the_sms_text_names_the_store_the_customer_masked_and_the_link(task, store):
    text = fb.feedback_sms_text(task, base_url="https://shouhou.example.com", now=NOW)
    link = fb.feedback_link_for(task, NOW)
    assert store.name in text
    assert "https://shouhou.example.com" + link.url in text
    assert "张*" in text and "张伟" not in text
    assert "7" in text


def test_the_agent_gets_the_link_for_their_organisations_open_tasks_only(task, agent, outsider):
    data = fb.feedback_link(by=agent, task=task.pk, base_url="http://x")
    assert data["url"].startswith("http://x/callbacks/feedback/") and data["sms_text"]
    with pytest.raises(NotFoundError):
        fb.feedback_link(by=outsider, task=task.pk)
    with pytest.raises(PermissionDeniedError):
        fb.feedback_link(by=task.work_order.technician.user, task=task.pk)


# --- the public page ----------------------------------------------------------------------------
def test_the_customer_rates_on_the_public_page_without_logging_in(client, task):
    url = f"/callbacks/feedback/{token_for(task)}/"
    page = client.get(url)
    assert page.status_code == 200 and 'name="satisfaction"' in page.content.decode()
    resp = client.post(url, {"satisfaction": "4", "comment": "不错"})
    assert resp.status_code == 302 and resp["Location"] == "/callbacks/feedback/thanks/"
    assert client.get(resp["Location"]).status_code == 200
    rec = CallbackRecord.all_objects.get()
    assert rec.satisfaction == 4 and rec.channel == "self_feedback"
    again = client.post(url, {"satisfaction": "1"})
    assert again.status_code == 409
    assert CallbackRecord.all_objects.count() == 1
    assert client.get(url).status_code == 200  # says it was already sent


def test_the_public_page_shows_a_missing_rating_next_to_the_stars(client, task):
    url = f"/callbacks/feedback/{token_for(task)}/"
    resp = client.post(url, {"satisfaction": "9", "comment": "x"})
    assert resp.status_code == 400
    assert 'class="error"' in resp.content.decode()
    assert CallbackRecord.all_objects.count() == 0


def test_expired_and_forged_links_get_clear_pages(client, task, frozen):
    token = token_for(task)
    assert client.get("/callbacks/feedback/not-a-token/").status_code == 404
    frozen.move_to(NOW + dt.timedelta(days=8))
    resp = client.get(f"/callbacks/feedback/{token}/")
    assert resp.status_code == 410 and 'id="feedback-error"' in resp.content.decode()
    assert client.post(f"/callbacks/feedback/{token}/", {"satisfaction": "5"}).status_code == 410
    assert CallbackRecord.all_objects.count() == 0


def test_submissions_from_one_address_are_rate_limited(client, task, org):
    from shouhou.workorders.config import settings_for as wo_settings

    cfg = wo_settings(org)
    cfg.public_requests_per_hour = 2
    cfg.save()
    url = f"/callbacks/feedback/{token_for(task)}/"
    assert client.post(url, {"satisfaction": "x"}).status_code == 400
    assert client.post(url, {"satisfaction": "y"}).status_code == 400
    assert client.post(url, {"satisfaction": "5"}).status_code == 429
    assert CallbackRecord.all_objects.count() == 0


def test_the_agent_copies_the_sms_text_from_a_page(client, task, agent, make_user):
    client.force_login(agent)
    resp = client.get(f"/callbacks/tasks/{task.pk}/sms/")
    body = resp.content.decode()
    assert resp.status_code == 200 and "/callbacks/feedback/" in body and "<textarea" in body
    fragment = client.get(f"/callbacks/tasks/{task.pk}/sms/?fragment=1").content.decode()
    assert "<html" not in fragment and "sms-text" in fragment
    client.force_login(make_user("technician"))
    assert client.get(f"/callbacks/tasks/{task.pk}/sms/").status_code == 403
