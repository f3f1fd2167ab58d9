"""Call lists: what an agent sees today and in which order, the supervisor's team view, the
dashboard cards, and the pages with their forms (bad input shows the form again)."""

import datetime as dt

import pytest
from django.utils import timezone, translation

from shouhou.callbacks import selectors
from shouhou.callbacks import services as cs
from shouhou.callbacks.models import CallbackAttempt, CallbackTask
from shouhou.core.errors import PermissionDeniedError
from shouhou.workorders.models import WorkOrder

from .tasks_factories import make_customer, make_task

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def english(client, settings):
    """Assertions read the English source strings (the Chinese catalogue is generated later)."""
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "en"
    with translation.override("en"):
        yield


def today():
    return timezone.localdate()


def days(n):
    return today() + dt.timedelta(days=n)


@pytest.fixture
def agent(make_user):
    return make_user("call_centre", display_name="周话务")


@pytest.fixture
def colleague(make_user):
    return make_user("call_centre", display_name="吴话务")


@pytest.fixture
def supervisor(make_user):
    return make_user("cs_supervisor", display_name="张主管")


def _order(org, customer, *, reissued=False):
    return WorkOrder.all_objects.create(
        organisation=org,
        number=f"T{customer.pk}",
        kind="repair",
        source="hotline",
        status="dispatched" if reissued else "done",
        customer=customer,
        received_at=timezone.now(),
        is_reissued=reissued,
    )


# -- the list -----------------------------------------------------------------------------------
def test_the_list_shows_overdue_first_then_today_then_early_calls_reissued_first(
    org, agent, colleague
):
    early = make_task(org, assigned_to=agent, due_on=days(2), available_on=days(-1))
    today_plain = make_task(org, assigned_to=agent, due_on=today())
    c = make_customer(org)
    today_reissued = make_task(
        org, assigned_to=agent, due_on=today(), work_order=_order(org, c, reissued=True)
    )
    overdue_new = make_task(org, assigned_to=agent, due_on=days(-1))
    overdue_old = make_task(org, assigned_to=agent, due_on=days(-3))
    # Not on the list: not callable yet, someone else's, unassigned, closed.
    make_task(org, assigned_to=agent, due_on=days(3), available_on=days(1))
    make_task(org, assigned_to=agent, due_on=days(1))
    make_task(org, assigned_to=colleague, due_on=today())
    unassigned = make_task(org, due_on=days(-1))
    make_task(org, assigned_to=agent, due_on=today(), status="done")

    got = list(selectors.call_list(user=agent))
    assert [t.pk for t in got] == [
        overdue_old.pk,
        overdue_new.pk,
        today_reissued.pk,
        today_plain.pk,
        early.pk,
    ]
    assert [t.rank for t in got] == [0, 0, 1, 1, 2]
    assert [t.pk for t in selectors.call_list(user=agent, unassigned=True)] == [unassigned.pk]


def test_a_supervisor_sees_an_agents_list_and_an_agent_only_their_own(org, agent, supervisor):
    mine = make_task(org, assigned_to=agent)
    assert [t.pk for t in selectors.call_list(user=supervisor, agent=agent.pk)] == [mine.pk]
    assert list(selectors.call_list(user=supervisor)) == []
    # An agent asking for someone else's list gets their own.
    other = selectors.call_list(user=agent, agent=supervisor.pk)
    assert [t.pk for t in other] == [mine.pk]


def test_technicians_and_merchants_see_no_callbacks(org, make_user, merchant):
    make_task(org)
    for who in (make_user("technician"), make_user("merchant_admin", merchant=merchant)):
        with pytest.raises(PermissionDeniedError):
            selectors.call_list(user=who)
        assert selectors.dashboard_cards(user=who) == []
        assert not selectors.task_visible_qs(user=who).exists()


def test_the_team_view_counts_each_agents_calls_today_overdue_and_done(
    org, other_org, agent, colleague, supervisor
):
    make_task(org, assigned_to=agent, due_on=today())
    make_task(org, assigned_to=agent, due_on=days(-2))
    make_task(org, assigned_to=agent, due_on=days(5))  # later: not today
    done = make_task(org, assigned_to=colleague)
    cs.callback_task_mark_done(done, None, colleague)
    make_task(org, due_on=days(-1))
    make_task(other_org, due_on=days(-1))
    rows = {
        (row["agent"].pk if row["agent"] else None): row
        for row in selectors.team_overview(user=supervisor)
    }
    assert (rows[agent.pk]["today"], rows[agent.pk]["overdue"], rows[agent.pk]["done_today"]) == (
        2,
        1,
        0,
    )
    assert rows[colleague.pk]["done_today"] == 1 and rows[colleague.pk]["today"] == 0
    assert (rows[None]["today"], rows[None]["overdue"]) == (1, 1)
    with pytest.raises(PermissionDeniedError):
        selectors.team_overview(user=agent)


def test_the_dashboard_shows_my_list_and_the_overdue_callbacks(org, agent, supervisor):
    make_task(org, assigned_to=agent, due_on=today())
    make_task(org, assigned_to=agent, due_on=days(-1))
    make_task(org, due_on=days(-4))
    cards = {c["label"]: c for c in selectors.dashboard_cards(user=agent)}
    assert cards["My callbacks today"]["value"] == 2 and cards["My callbacks today"]["alert"]
    assert cards["My overdue callbacks"]["value"] == 1
    sup = {c["label"]: c for c in selectors.dashboard_cards(user=supervisor)}
    assert sup["Overdue callbacks"]["value"] == 2
    assert sup["Overdue callbacks"]["url"] == "/callbacks/team/"


# -- pages --------------------------------------------------------------------------------------
def test_the_agents_page_lists_the_calls_with_a_phone_link_and_the_overdue_badge(
    client, org, agent
):
    c = make_customer(org, name="陈静", mobile="13912345678")
    task = make_task(org, customer=c, assigned_to=agent, due_on=days(-1), occasion="3d")
    client.force_login(agent)
    resp = client.get("/callbacks/")
    assert resp.status_code == 200
    html = resp.content.decode()
    assert f'id="task-{task.pk}"' in html
    assert "陈静" in html and 'href="tel:13912345678"' in html and "139****5678" in html
    assert ">overdue<" in html
    # Not enough attempts yet: no "close as unreachable" form.
    assert f"/callbacks/tasks/{task.pk}/close-unreachable/" not in html
    CallbackTask.all_objects.filter(pk=task.pk).update(attempts=3)
    assert (
        f"/callbacks/tasks/{task.pk}/close-unreachable/"
        in client.get("/callbacks/").content.decode()
    )


def test_the_overdue_filter_keeps_only_the_calls_past_their_due_day(client, org, agent):
    late = make_task(org, assigned_to=agent, due_on=days(-2))
    due_today = make_task(org, assigned_to=agent, due_on=today())
    client.force_login(agent)
    html = client.get("/callbacks/?due=overdue").content.decode()
    assert f'id="task-{late.pk}"' in html and f'id="task-{due_today.pk}"' not in html
    assert 'href="/callbacks/?due=overdue"' not in html  # the button now clears the filter
    everything = client.get("/callbacks/").content.decode()
    assert f'id="task-{due_today.pk}"' in everything
    assert 'href="/callbacks/?due=overdue"' in everything


def test_an_empty_list_says_there_is_nothing_left(client, agent):
    client.force_login(agent)
    assert 'id="empty-list"' in client.get("/callbacks/").content.decode()


def test_logging_an_attempt_from_the_page_acts_once_on_a_double_click(client, org, agent):
    task = make_task(org, assigned_to=agent)
    client.force_login(agent)
    data = {"result": "no_answer", "note": "", "idempotency_key": "k-1", "_next": "/callbacks/"}
    url = f"/callbacks/tasks/{task.pk}/attempt/"
    assert client.post(url, data).status_code == 302
    assert client.post(url, data).status_code == 302
    task.refresh_from_db()
    assert task.attempts == 1 and CallbackAttempt.all_objects.count() == 1


def test_a_reschedule_without_a_reason_shows_the_form_again_with_the_message(client, org, agent):
    task = make_task(org, assigned_to=agent)
    client.force_login(agent)
    later = days(3).isoformat()
    resp = client.post(
        f"/callbacks/tasks/{task.pk}/reschedule/",
        {"due_on": later, "reason": "", "idempotency_key": "k-2", "_next": "/callbacks/"},
    )
    assert resp.status_code == 400
    html = resp.content.decode()
    assert "Say why the call is moved." in html
    assert f'value="{later}"' in html  # what was typed stays
    task.refresh_from_db()
    assert task.due_on == today() and task.reschedule_count == 0
    # The same key may be used again once the reason is given.
    resp = client.post(
        f"/callbacks/tasks/{task.pk}/reschedule/",
        {"due_on": later, "reason": "客户出差", "idempotency_key": "k-2", "_next": "/callbacks/"},
    )
    assert resp.status_code == 302
    task.refresh_from_db()
    assert task.due_on == days(3)


def test_closing_as_unreachable_too_early_from_the_page_is_a_409_with_the_message(
    client, org, agent
):
    task = make_task(org, assigned_to=agent, attempts=1)
    client.force_login(agent)
    resp = client.post(
        f"/callbacks/tasks/{task.pk}/close-unreachable/",
        {"note": "", "idempotency_key": "k-3", "_page": "detail"},
    )
    assert resp.status_code == 409
    assert "2" in resp.content.decode()
    task.refresh_from_db()
    assert task.status == "open"


def test_taking_a_task_from_the_pool_puts_it_on_my_list(client, org, agent):
    task = make_task(org)
    client.force_login(agent)
    html = client.get("/callbacks/?view=unassigned").content.decode()
    assert f"/callbacks/tasks/{task.pk}/take/" in html
    resp = client.post(
        f"/callbacks/tasks/{task.pk}/take/",
        {"idempotency_key": "k-4", "_next": "/callbacks/?view=unassigned"},
    )
    assert resp.status_code == 302 and resp["Location"] == "/callbacks/?view=unassigned"
    task.refresh_from_db()
    assert task.assigned_to == agent
    assert f'id="task-{task.pk}"' in client.get("/callbacks/").content.decode()


def test_the_task_page_shows_the_context_and_attempts(client, org, agent):
    c = make_customer(org, name="陈静")
    order = _order(org, c)
    task = make_task(org, customer=c, work_order=order, assigned_to=agent)
    cs.callback_task_attempt(by=agent, task=task, result="busy", note="占线")
    client.force_login(agent)
    html = client.get(f"/callbacks/tasks/{task.pk}/").content.decode()
    assert order.number in html and "占线" in html and "陈静" in html


def test_pages_check_role_and_organisation(client, org, other_org, make_user, agent):
    foreign = make_task(other_org)
    client.force_login(make_user("technician"))
    assert client.get("/callbacks/").status_code == 403
    client.force_login(agent)
    assert client.get(f"/callbacks/tasks/{foreign.pk}/").status_code == 404
    resp = client.post(f"/callbacks/tasks/{foreign.pk}/attempt/", {"result": "no_answer"})
    assert resp.status_code == 404
    assert client.get("/callbacks/team/").status_code == 403
    assert client.get("/callbacks/settings/").status_code == 403
    foreign.refresh_from_db()
    assert foreign.attempts == 0


def test_the_supervisor_reassigns_in_bulk_from_the_team_page(
    client, org, agent, colleague, supervisor
):
    a = make_task(org, assigned_to=agent)
    b = make_task(org, assigned_to=agent, due_on=days(-1))
    client.force_login(supervisor)
    html = client.get("/callbacks/team/").content.decode()
    assert "周话务" in html and "吴话务" in html
    resp = client.post(
        "/callbacks/team/", {"tasks": [a.pk, b.pk], "agent": colleague.pk, "idempotency_key": "t1"}
    )
    assert resp.status_code == 302
    assert set(
        CallbackTask.all_objects.filter(assigned_to=colleague).values_list("pk", flat=True)
    ) == {a.pk, b.pk}
    resp = client.post("/callbacks/team/", {"agent": agent.pk, "idempotency_key": "t2"})
    assert resp.status_code == 400 and "Choose at least one task." in resp.content.decode()


def test_the_manager_edits_the_settings_and_sees_the_schedules(client, org, make_user):
    manager = make_user("cs_manager")
    client.force_login(manager)
    resp = client.get("/callbacks/settings/")
    assert resp.status_code == 200
    assert "3d,1m,3m,6m" in resp.content.decode()
    form = {
        "after_service_enabled": "on",
        "after_service_working_days": "3",
        "coverage_working_days": "3",
        "coverage_target_pct": "100",
        "greeting_holidays": "春节,中秋节",
        "greeting_lead_days": "5",
        "birthday_greetings": "on",
        "greeting_members_only": "on",
        "max_attempts": "0",
        "feedback_link_days": "7",
        "satisfied_from": "4",
    }
    assert client.post("/callbacks/settings/", form).status_code == 400
    assert cs.settings_for(org).max_attempts == 3
    form["max_attempts"] = "25"
    resp = client.post("/callbacks/settings/", form)
    assert resp.status_code == 400 and "20" in resp.content.decode()
    form["max_attempts"] = "4"
    assert client.post("/callbacks/settings/", form).status_code == 302
    cfg = cs.settings_for(org)
    assert cfg.max_attempts == 4 and cfg.greeting_lead_days == 5
    assert cfg.holiday_names() == ["春节", "中秋节"]


def test_the_settings_page_warns_about_a_holiday_name_the_calendar_does_not_use(
    client, org, make_user
):
    cfg = cs.settings_for(org)
    cfg.greeting_holidays = "春节,中秋"
    cfg.save()
    client.force_login(make_user("cs_manager"))
    html = client.get("/callbacks/settings/").content.decode()
    assert "no holiday named 中秋:" in html
