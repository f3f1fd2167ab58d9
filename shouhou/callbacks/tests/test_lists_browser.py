"""On a phone (375 px) an agent works through the list: an unanswered call, a reschedule that
needs a reason, a task closed as unreachable — until nothing is left for today."""

import datetime as dt

import pytest
from django.utils import timezone

from shouhou.callbacks.models import CallbackAttempt, CallbackTask

from .tasks_factories import make_customer, make_task

pytestmark = [pytest.mark.django_db(transaction=True), pytest.mark.browser]


def test_an_agent_works_the_list_to_empty_on_a_phone(phone_page, browser_login, org, make_user):
    agent = make_user("call_centre", display_name="周话务")
    today = timezone.localdate()
    overdue = make_task(
        org, customer=make_customer(org, name="陈静"), assigned_to=agent,
        due_on=today - dt.timedelta(days=1), attempts=2,
    )  # fmt: skip
    later = make_task(org, customer=make_customer(org, name="王芳"), assigned_to=agent)
    page = phone_page
    browser_login(page, agent)
    page.goto(page.base_url + "/callbacks/")
    rows = page.locator("tr.task")
    assert rows.count() == 2
    assert rows.first.get_attribute("id") == f"task-{overdue.pk}"  # overdue first
    assert page.locator(f"#task-{overdue.pk} a[href^='tel:']").count() == 1

    # A third unanswered call: now it may be closed as unreachable.
    row = page.locator(f"#task-{overdue.pk}")
    row.locator("details[data-action=attempt] summary").click()
    row.locator("details[data-action=attempt] select").select_option("switched_off")
    row.locator("details[data-action=attempt] button[type=submit]").click()
    page.wait_for_url(page.base_url + "/callbacks/")
    row = page.locator(f"#task-{overdue.pk}")
    row.locator("details[data-action=unreachable] summary").click()
    row.locator("details[data-action=unreachable] input[name=note]").fill("三次未接通")
    row.locator("details[data-action=unreachable] button[type=submit]").click()
    page.wait_for_url(page.base_url + "/callbacks/")
    assert page.locator(f"#task-{overdue.pk}").count() == 0

    # Reschedule without a reason: the form comes back with the message.
    row = page.locator(f"#task-{later.pk}")
    row.locator("details[data-action=reschedule] summary").click()
    tomorrow = (today + dt.timedelta(days=1)).isoformat()
    row.locator("details[data-action=reschedule] input[name=due_on]").fill(tomorrow)
    row.locator("details[data-action=reschedule] button[type=submit]").click()
    form = page.locator(f"#task-{later.pk} details[data-action=reschedule]")
    assert form.locator(".error").count() >= 1
    form.locator("input[name=reason]").fill("客户出差，明天再打")
    form.locator("button[type=submit]").click()
    page.wait_for_url(page.base_url + "/callbacks/")
    assert page.locator("#empty-list").is_visible()

    overdue.refresh_from_db()
    later.refresh_from_db()
    assert overdue.status == CallbackTask.Status.UNREACHABLE and overdue.attempts == 3
    assert later.due_on == today + dt.timedelta(days=1) and later.reschedule_count == 1
    assert CallbackAttempt.all_objects.filter(task=overdue).count() == 1
