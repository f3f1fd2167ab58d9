"""Working a callback task through the services: take and assign, attempts, reschedule, close
as unreachable, skip, cancel, done — with the roles, the organisation and the open-only guard."""

import datetime as dt

import pytest
from django.utils import timezone

from shouhou.callbacks import services as s
from shouhou.callbacks.models import CallbackAttempt, CallbackTask
from shouhou.callbacks.services import callback_task_create
from shouhou.core.errors import (
    Conflict,
    InvalidTransition,
    NotFoundError,
    PermissionDeniedError,
    ValidationFailed,
)
from shouhou.core.models import AuditEvent
from shouhou.workorders.tests.factories import make_customer

from .tasks_factories import make_task

pytestmark = pytest.mark.django_db
TODAY = timezone.localdate


@pytest.fixture
def agent(make_user):
    return make_user("call_centre", display_name="周话务")


@pytest.fixture
def colleague(make_user):
    return make_user("call_centre", display_name="吴话务")


@pytest.fixture
def supervisor(make_user):
    return make_user("cs_supervisor", display_name="张主管")


@pytest.fixture
def task(org):
    return make_task(org)


def _events(task, action):
    return AuditEvent.all_objects.filter(object_id=str(task.pk), action=action)


def test_creating_a_task_twice_with_the_same_source_key_does_nothing(org):
    customer = make_customer(org)
    kw = {
        "organisation": org,
        "customer": customer,
        "work_order": None,
        "kind": "after_appointment",
        "due_on": dt.date(2026, 2, 24),
        "source_key": "workorder:1:appointment:1",
    }
    first = callback_task_create(**kw)
    again = callback_task_create(**{**kw, "due_on": dt.date(2026, 3, 1)})
    assert first.pk == again.pk
    assert CallbackTask.all_objects.count() == 1
    assert again.due_on == dt.date(2026, 2, 24) and again.status == "open"


# -- assign and take ----------------------------------------------------------------------------
def test_an_agent_takes_an_unassigned_task_but_not_one_a_colleague_took(agent, colleague, task):
    taken = s.callback_task_assign(by=agent, task=task, agent=agent)
    assert taken.assigned_to == agent
    with pytest.raises(Conflict) as exc:
        s.callback_task_assign(by=colleague, task=task, agent=colleague)
    assert exc.value.code == "already_assigned" and "周话务" in str(exc.value.message)
    task.refresh_from_db()
    assert task.assigned_to == agent
    assert _events(task, "shouhou.callback_task.assigned").count() == 1


def test_an_agent_cannot_hand_a_task_to_someone_else(agent, colleague, task):
    with pytest.raises(PermissionDeniedError):
        s.callback_task_assign(by=agent, task=task, agent=colleague)
    task.refresh_from_db()
    assert task.assigned_to is None


def test_a_supervisor_assigns_reassigns_and_releases(supervisor, agent, colleague, task):
    s.callback_task_assign(by=supervisor, task=task, agent=agent)
    t = s.callback_task_assign(by=supervisor, task=task, agent=colleague.pk)
    assert t.assigned_to == colleague
    assert s.callback_task_assign(by=supervisor, task=task, agent=None).assigned_to is None
    event = _events(task, "shouhou.callback_task.assigned").order_by("id")[1]
    assert event.before == {"assigned_to_id": agent.pk}
    assert event.after == {"assigned_to_id": colleague.pk}


def test_a_task_goes_only_to_an_agent_of_the_same_organisation(
    supervisor, task, make_user, outsider
):
    technician = make_user("technician")
    for who in (technician, outsider, "x", 999999):
        with pytest.raises(ValidationFailed) as exc:
            s.callback_task_assign(by=supervisor, task=task, agent=who)
        assert "agent" in exc.value.fields
    task.refresh_from_db()
    assert task.assigned_to is None


def test_bulk_reassignment_moves_only_open_tasks_of_the_organisation(
    org, other_org, supervisor, agent, colleague
):
    a = make_task(org, assigned_to=agent)
    b = make_task(org, assigned_to=agent)
    done = make_task(org, assigned_to=agent, status="done")
    foreign = make_task(other_org)
    # another organisation's id is a 404 for the whole request (issue 17), nothing moves
    with pytest.raises(NotFoundError):
        s.callback_tasks_assign(by=supervisor, tasks=[a.pk, foreign.pk], agent=colleague)
    assert not CallbackTask.all_objects.filter(assigned_to=colleague).exists()
    n = s.callback_tasks_assign(by=supervisor, tasks=[a.pk, b.pk, done.pk, "junk"], agent=colleague)
    assert n == 2
    assert set(
        CallbackTask.all_objects.filter(assigned_to=colleague).values_list("pk", flat=True)
    ) == {a.pk, b.pk}
    done.refresh_from_db()
    foreign.refresh_from_db()
    assert done.assigned_to == agent and foreign.assigned_to is None
    with pytest.raises(ValidationFailed) as exc:
        s.callback_tasks_assign(by=supervisor, tasks=[], agent=colleague)
    assert "tasks" in exc.value.fields
    with pytest.raises(PermissionDeniedError):
        s.callback_tasks_assign(by=agent, tasks=[a.pk], agent=agent)


# -- attempts -----------------------------------------------------------------------------------
def test_an_unanswered_call_is_logged_and_counted(agent, task):
    attempt = s.callback_task_attempt(by=agent, task=task, result="no_answer", note="")
    task.refresh_from_db()
    assert attempt.task == task and attempt.by == agent and attempt.result == "no_answer"
    assert task.attempts == 1 and task.last_attempt_at is not None
    # The first to try an unassigned task keeps it.
    assert task.assigned_to == agent
    event = _events(task, "shouhou.callback_task.attempted").get()
    assert event.before["attempts"] == 0 and event.after["attempts"] == 1


def test_call_later_is_logged_with_its_time_but_does_not_count_towards_unreachable(agent, task):
    s.callback_task_attempt(by=agent, task=task, result="call_later", note="下午3点以后")
    task.refresh_from_db()
    assert task.attempts == 0 and task.last_attempt_at is not None
    assert CallbackAttempt.all_objects.get(task=task).note == "下午3点以后"


def test_an_attempt_without_a_known_result_is_refused_and_nothing_is_written(agent, task):
    with pytest.raises(ValidationFailed) as exc:
        s.callback_task_attempt(by=agent, task=task, result="maybe", note="")
    assert "result" in exc.value.fields
    task.refresh_from_db()
    assert task.attempts == 0 and not CallbackAttempt.all_objects.exists()


# -- reschedule ---------------------------------------------------------------------------------
def test_a_reschedule_needs_a_reason(agent, task):
    with pytest.raises(ValidationFailed) as exc:
        s.callback_task_reschedule(by=agent, task=task, due_on=TODAY(), reason="  ")
    assert list(exc.value.fields) == ["reason"]
    task.refresh_from_db()
    assert task.reschedule_count == 0


def test_a_reschedule_into_the_past_or_to_no_date_is_refused(agent, task):
    for bad in (TODAY() - dt.timedelta(days=1), "", "2026-13-40"):
        with pytest.raises(ValidationFailed) as exc:
            s.callback_task_reschedule(by=agent, task=task, due_on=bad, reason="客户出差")
        assert "due_on" in exc.value.fields
    task.refresh_from_db()
    assert task.reschedule_count == 0 and task.due_on == TODAY()


def test_a_reschedule_moves_the_call_and_is_audited(org, agent):
    task = make_task(org, due_on=TODAY(), available_on=TODAY() - dt.timedelta(days=2))
    later = TODAY() + dt.timedelta(days=5)
    t = s.callback_task_reschedule(
        by=agent, task=task, due_on=later.isoformat(), reason="客户出差，下周再打"
    )
    assert t.due_on == later and t.available_on is None and t.call_from == later
    assert t.reschedule_count == 1 and t.note == "客户出差，下周再打"
    event = _events(task, "shouhou.callback_task.rescheduled").get()
    assert event.before["due_on"] == TODAY().isoformat()
    assert event.after["due_on"] == later.isoformat()
    assert event.note == "客户出差，下周再打"


# -- unreachable --------------------------------------------------------------------------------
def test_closing_as_unreachable_too_early_says_how_many_tries_are_needed(org, agent, task):
    s.settings_for(org)  # defaults: 3 attempts
    s.callback_task_attempt(by=agent, task=task, result="no_answer")
    with pytest.raises(Conflict) as exc:
        s.callback_task_close_unreachable(by=agent, task=task, note="")
    assert exc.value.status == 409 and exc.value.code == "too_few_attempts"
    assert exc.value.extra["attempts_needed"] == 2
    assert "2" in str(exc.value.message)
    task.refresh_from_db()
    assert task.status == "open"


def test_after_the_configured_attempts_the_task_closes_as_unreachable(org, agent, task):
    cfg = s.settings_for(org)
    cfg.max_attempts = 2
    cfg.save()
    for result in ("no_answer", "switched_off"):
        s.callback_task_attempt(by=agent, task=task, result=result)
    t = s.callback_task_close_unreachable(by=agent, task=task, note="两天未接通")
    assert t.status == "unreachable" and t.closed_by == agent and t.closed_at is not None
    event = _events(task, "shouhou.callback_task.unreachable").get()
    assert event.before["status"] == "open" and event.after["status"] == "unreachable"


# -- guards -------------------------------------------------------------------------------------
def test_a_task_that_is_not_open_cannot_change(agent, supervisor, org):
    for status in ("done", "unreachable", "cancelled", "skipped"):
        task = make_task(org, status=status, attempts=5)
        calls = [
            lambda t=task: s.callback_task_attempt(by=agent, task=t, result="no_answer"),
            lambda t=task: s.callback_task_reschedule(by=agent, task=t, due_on=TODAY(), reason="x"),
            lambda t=task: s.callback_task_close_unreachable(by=agent, task=t),
            lambda t=task: s.callback_task_assign(by=supervisor, task=t, agent=agent),
            lambda t=task: s.callback_task_skip(by=agent, task=t, reason="x"),
            lambda t=task: s.callback_task_cancel(by=supervisor, task=t, reason="x"),
            lambda t=task: s.callback_task_mark_done(t, None, agent),
        ]
        for call in calls:
            with pytest.raises(InvalidTransition) as exc:
                call()
            assert exc.value.status == 409
        task.refresh_from_db()
        assert task.status == status and task.attempts == 5


def test_another_organisations_task_is_not_found(outsider, task, make_user, other_org):
    foreign_agent = make_user("call_centre", organisation=other_org)
    for who in (outsider, foreign_agent):
        with pytest.raises(NotFoundError):
            s.callback_task_attempt(by=who, task=task.pk, result="no_answer")
        with pytest.raises(NotFoundError):
            s.callback_task_reschedule(by=who, task=task, due_on=TODAY(), reason="x")
    with pytest.raises(NotFoundError):
        s.callback_task_mark_done(task, None, foreign_agent)


def test_a_technician_or_a_merchant_may_not_work_callbacks(make_user, task, merchant):
    for who in (make_user("technician"), make_user("merchant_admin", merchant=merchant)):
        with pytest.raises(PermissionDeniedError):
            s.callback_task_attempt(by=who, task=task, result="no_answer")
        with pytest.raises(PermissionDeniedError):
            s.callback_task_assign(by=who, task=task, agent=who)
    task.refresh_from_db()
    assert task.attempts == 0 and task.assigned_to is None


def test_an_agent_does_not_work_a_colleagues_task_but_a_supervisor_does(
    org, agent, colleague, supervisor
):
    task = make_task(org, assigned_to=colleague)
    with pytest.raises(PermissionDeniedError) as exc:
        s.callback_task_attempt(by=agent, task=task, result="no_answer")
    assert "吴话务" in str(exc.value.message)
    s.callback_task_attempt(by=supervisor, task=task, result="busy")
    task.refresh_from_db()
    assert task.attempts == 1 and task.assigned_to == colleague


# -- skip, cancel, done -------------------------------------------------------------------------
def test_skip_needs_a_reason_and_cancel_needs_a_supervisor(org, agent, supervisor):
    task = make_task(org)
    with pytest.raises(ValidationFailed) as exc:
        s.callback_task_skip(by=agent, task=task, reason="")
    assert "reason" in exc.value.fields
    with pytest.raises(PermissionDeniedError):
        s.callback_task_cancel(by=agent, task=task, reason="重复任务")
    assert s.callback_task_skip(by=agent, task=task, reason="客户要求不再回访").status == "skipped"
    other = make_task(org)
    t = s.callback_task_cancel(by=supervisor, task=other, reason="重复任务")
    assert t.status == "cancelled" and t.note == "重复任务" and t.closed_by == supervisor


def test_marking_done_closes_the_task_once(org, agent, task):
    t = s.callback_task_mark_done(task, None, agent)
    assert t.status == "done" and t.closed_by == agent and t.closed_at is not None
    assert t.assigned_to == agent
    assert _events(task, "shouhou.callback_task.done").count() == 1
    with pytest.raises(InvalidTransition):
        s.callback_task_mark_done(task=task.pk, record=None, by=agent)


def test_the_customers_own_feedback_marks_the_task_done_without_a_caller(org):
    task = make_task(org)

    class Record:  # what the records service passes: its organisation and pk
        organisation_id = org.pk
        pk = 7

    t = s.callback_task_mark_done(task, Record(), None)
    assert t.status == "done" and t.closed_by is None
    assert _events(task, "shouhou.callback_task.done").get().after["record_id"] == 7


# -- settings -----------------------------------------------------------------------------------
def test_only_the_manager_changes_the_settings_and_bad_numbers_are_refused(org, make_user, agent):
    manager = make_user("cs_manager")
    with pytest.raises(PermissionDeniedError):
        s.callback_settings_update(by=agent, max_attempts=5)
    with pytest.raises(ValidationFailed) as exc:
        s.callback_settings_update(
            by=manager, max_attempts=0, satisfied_from=9, greeting_lead_days="x"
        )
    assert set(exc.value.fields) == {"max_attempts", "satisfied_from", "greeting_lead_days"}
    assert s.settings_for(org).max_attempts == 3
    cfg = s.callback_settings_update(
        by=manager, max_attempts=5, greeting_holidays="春节， 国庆节,春节", birthday_greetings=False
    )
    assert cfg.max_attempts == 5 and cfg.holiday_names() == ["春节", "国庆节"]
    assert not cfg.birthday_greetings
    event = AuditEvent.all_objects.get(action="shouhou.callback_settings.updated")
    assert event.before["max_attempts"] == 3 and event.after["max_attempts"] == 5
    assert cfg.history.count() >= 2
