"""Callback records and the outcomes that act (seed 001, 003, 004), through the services.

Monday 9 March 2026 is an ordinary working day; the clock is frozen there so "today" is the
same for the services that read it and for the assertions.
"""

import datetime as dt
from decimal import Decimal

import pytest
import time_machine

from shouhou.callbacks import records
from shouhou.callbacks.models import CallbackAnswer, CallbackRecord, CallbackTask, Question
from shouhou.complaints.models import Case
from shouhou.core.errors import (
    DuplicateError,
    InvalidTransition,
    NotFoundError,
    PermissionDeniedError,
    ValidationFailed,
)
from shouhou.core.models import AuditEvent
from shouhou.workorders import states
from shouhou.workorders.models import MissedService, WorkOrder
from shouhou.workorders.selectors import report_needs_revisit
from shouhou.workorders.services import workorder_cancel

from .records_factories import (
    appointed,
    at,
    delivered,
    dispatched,
    done,
    make_customer,
    make_technician,
    task_on,
)

pytestmark = pytest.mark.django_db
K = CallbackTask.Kind
NOW = at(2026, 3, 9, 10)


@pytest.fixture(autouse=True)
def frozen():
    with time_machine.travel(NOW, tick=False) as t:
        yield t


@pytest.fixture
def agent(make_user):
    return make_user("call_centre", display_name="赵回访")


@pytest.fixture
def desk(make_user, store):
    return make_user("service_desk", store=store, display_name="李调度")


@pytest.fixture
def tech(org):
    return make_technician(org, name="王师傅")


@pytest.fixture
def customer(org, store):
    return make_customer(org, store=store)


@pytest.fixture
def product(org):
    from shouhou.catalog.models import Product

    return Product.all_objects.create(organisation=org, name="智能马桶")


def record(agent, task, **kw):
    kw.setdefault("satisfaction", 5)
    return records.callback_record_create(by=agent, task=task, now=kw.pop("now", NOW), **kw)


def nothing_written(task):
    task.refresh_from_db()
    assert task.status == CallbackTask.Status.OPEN
    assert CallbackRecord.all_objects.count() == 0
    assert CallbackAnswer.all_objects.count() == 0


# --- the record ------------------------------------------------------------------------------
def test_a_callback_after_the_service_is_recorded_with_answers_and_closes_the_task(
    agent, desk, tech, customer
):
    order = done(desk, tech, customer, at(2026, 3, 6, 9))
    task = task_on(kind=K.AFTER_SERVICE, work_order=order, assigned_to=agent)
    rec = record(
        agent,
        task,
        satisfaction="4",
        answers={"on_time": "yes", "problem_solved": "yes", "suggestions": "师傅很专业"},
        comment="挺好",
    )
    assert rec.satisfaction == 4 and rec.on_time is True and rec.problem_solved is True
    assert rec.technician_came is True  # answered "on time": the technician came
    assert rec.caller == agent and rec.channel == "phone" and rec.called_at == NOW
    # technician, store and model copied from the order for the statistics
    assert rec.technician == tech and rec.store == order.store and rec.work_order == order
    assert [a.question.code for a in rec.answers.all()] == [
        "satisfaction",
        "on_time",
        "problem_solved",
        "suggestions",
    ]
    assert rec.answers.get(question__code="suggestions").answer == "师傅很专业"
    assert rec.answers.get(question__code="satisfaction").score == 4
    task.refresh_from_db()
    assert task.status == CallbackTask.Status.DONE and task.closed_by == agent
    assert AuditEvent.all_objects.filter(action="shouhou.callback_record.created").count() == 1
    assert records.outcome_summary(rec) == []


def test_answers_keep_the_question_text_as_it_was_asked(agent, desk, tech, customer, org):
    order = done(desk, tech, customer, at(2026, 3, 6, 9))
    task = task_on(kind=K.AFTER_SERVICE, work_order=order)
    rec = record(agent, task, answers={"suggestions": "无"})
    q = Question.all_objects.get(organisation=org, code="suggestions")
    asked = q.text
    q.text = "改过的问题"
    q.save()
    assert rec.answers.get(question=q).question_text == asked


def test_the_default_questionnaire_is_written_once_per_organisation(org, other_org):
    records.ensure_questionnaire(org)
    records.ensure_questionnaire(org)
    n = len(records.DEFAULT_QUESTIONS)
    assert Question.all_objects.filter(organisation=org).count() == n
    assert Question.all_objects.filter(organisation=other_org).count() == 0
    codes = [q.code for q in records.questions_for(org, K.AFTER_DELIVERY)]
    assert codes == ["satisfaction", "delivery_rating", "goods_ok", "suggestions"]
    assert [q.code for q in records.questions_for(org, K.BIRTHDAY_GREETING)] == ["greeting_news"]


def test_a_greeting_needs_no_answers(agent, customer):
    task = task_on(kind=K.BIRTHDAY_GREETING, customer=customer, assigned_to=agent)
    rec = records.callback_record_create(by=agent, task=task, comment="祝生日快乐", now=NOW)
    assert rec.satisfaction is None and rec.comment == "祝生日快乐"
    task.refresh_from_db()
    assert task.status == CallbackTask.Status.DONE


# --- outcomes ----------------------------------------------------------------------------------
def test_a_no_show_is_a_missed_service_with_a_deduction_and_the_order_is_reissued_today(
    agent, desk, tech, customer
):
    # Appointment on Friday 6 March; the call centre calls back on Monday 9 March.
    order = appointed(desk, tech, customer, at(2026, 3, 5, 9), appointment_at=at(2026, 3, 6, 9))
    task = task_on(kind=K.AFTER_APPOINTMENT, work_order=order, assigned_to=agent)
    rec = record(agent, task, satisfaction=None, outcome_no_show=True, comment="师傅没来")
    order.refresh_from_db()
    assert order.is_reissued and order.reissue_count == 1 and order.missed_service
    assert order.status == states.DISPATCHED and order.technician == tech
    assert order.reissued_at == NOW and order.dispatched_at == NOW  # the same day
    missed = MissedService.all_objects.get(order=order)
    assert missed.reason == "no_show" and missed.technician == tech
    assert missed.deduction == Decimal("50.00")
    assert rec.outcome_no_show and rec.technician_came is False and rec.on_time is False
    assert rec.technician == tech
    task.refresh_from_db()
    assert task.status == CallbackTask.Status.DONE  # done by the record, not skipped by re-issue
    [line] = records.outcome_summary(rec)
    assert order.number in line and "重发" in line


def test_a_no_show_needs_no_rating(agent, desk, tech, customer):
    order = appointed(desk, tech, customer, at(2026, 3, 5, 9), appointment_at=at(2026, 3, 6, 9))
    task = task_on(kind=K.AFTER_APPOINTMENT, work_order=order)
    rec = records.callback_record_create(by=agent, task=task, outcome_no_show=True, now=NOW)
    assert rec.satisfaction is None


def test_a_no_show_on_an_order_never_dispatched_is_refused_and_nothing_is_written(
    agent, desk, customer
):
    from shouhou.workorders.services import workorder_intake

    order = workorder_intake(
        by=desk, customer=customer, source="hotline", kind="repair", description="漏水", now=NOW
    ).order
    task = task_on(kind=K.AFTER_SERVICE, work_order=order)
    with pytest.raises(ValidationFailed) as exc:
        record(agent, task, outcome_no_show=True)
    assert "outcome_no_show" in exc.value.fields
    nothing_written(task)
    assert not MissedService.all_objects.exists()


def test_a_no_show_contradicting_the_on_time_answer_is_refused(agent, desk, tech, customer):
    order = appointed(desk, tech, customer, at(2026, 3, 5, 9), appointment_at=at(2026, 3, 6, 9))
    task = task_on(kind=K.AFTER_APPOINTMENT, work_order=order)
    with pytest.raises(ValidationFailed) as exc:
        record(agent, task, outcome_no_show=True, answers={"on_time": "yes"})
    assert "on_time" in exc.value.fields
    nothing_written(task)
    order.refresh_from_db()
    assert not order.is_reissued


def test_a_second_visit_on_an_open_order_marks_it_for_the_revisit_report(
    agent, desk, tech, customer
):
    order = appointed(desk, tech, customer, at(2026, 3, 5, 9), appointment_at=at(2026, 3, 6, 9))
    task = task_on(kind=K.AFTER_APPOINTMENT, work_order=order)
    rec = record(
        agent,
        task,
        satisfaction=2,
        answers={"problem_solved": "no"},
        outcome_second_visit=True,
        second_visit_note="还在漏水",
    )
    order.refresh_from_db()
    assert order.needs_revisit and rec.second_visit_order == order
    assert order in report_needs_revisit(user=desk)
    assert order.calls.filter(source="callback", description="还在漏水").exists()
    assert WorkOrder.all_objects.count() == 1
    [line] = records.outcome_summary(rec)
    assert order.number in line


def test_a_second_visit_on_a_finished_order_creates_a_new_order_found_by_the_callback(
    agent, desk, tech, customer, product
):
    order = done(desk, tech, customer, at(2026, 3, 6, 9), product=product)
    task = task_on(kind=K.AFTER_SERVICE, work_order=order)
    rec = record(agent, task, satisfaction=2, outcome_second_visit=True, comment="又坏了")
    new = rec.second_visit_order
    assert new is not None and new.pk != order.pk
    assert new.source == "callback" and new.kind == "repair" and new.status == states.NEW
    assert new.customer == customer and new.product == product
    assert new.needs_revisit and order.number in new.description and "又坏了" in new.description
    assert new in report_needs_revisit(user=desk)
    order.refresh_from_db()
    assert order.status == states.DONE and not order.needs_revisit
    assert any(new.number in line for line in records.outcome_summary(rec))


def test_a_second_visit_joins_the_customers_open_order_for_the_same_product(
    agent, desk, tech, customer, product
):
    order = done(desk, tech, customer, at(2026, 3, 6, 9), product=product)
    other = dispatched(desk, tech, customer, at(2026, 3, 9, 8), product=product)
    task = task_on(kind=K.AFTER_SERVICE, work_order=order)
    rec = record(agent, task, outcome_second_visit=True)
    assert rec.second_visit_order == other  # not lost: the open order carries it
    other.refresh_from_db()
    assert other.needs_revisit
    assert WorkOrder.all_objects.count() == 2
    assert any(other.number in line for line in records.outcome_summary(rec))


def test_a_complaint_found_by_the_callback_is_registered_and_linked_to_the_order(
    agent, desk, tech, customer
):
    order = done(desk, tech, customer, at(2026, 3, 6, 9))
    task = task_on(kind=K.AFTER_SERVICE, work_order=order)
    rec = record(agent, task, satisfaction=1, outcome_complaint=True, complaint_text="师傅态度恶劣")
    case = rec.complaint_case
    assert case.kind == "complaint" and case.work_order == order and case.customer == customer
    assert case.description == "师傅态度恶劣" and case.number.startswith("TS")
    assert case.registered_by == agent
    assert any(case.number in line for line in records.outcome_summary(rec))


def test_a_complaint_without_its_text_is_refused(agent, desk, tech, customer):
    order = done(desk, tech, customer, at(2026, 3, 6, 9))
    task = task_on(kind=K.AFTER_SERVICE, work_order=order)
    with pytest.raises(ValidationFailed) as exc:
        record(agent, task, outcome_complaint=True, complaint_text="  ")
    assert "complaint_text" in exc.value.fields
    nothing_written(task)
    assert not Case.all_objects.exists()


def test_archive_updates_are_written_back_to_the_customer(agent, desk, tech, customer):
    customer.preferences = "喜欢白色"
    customer.save()
    order = done(desk, tech, customer, at(2026, 3, 6, 9))
    task = task_on(kind=K.AFTER_SERVICE, work_order=order)
    rec = record(
        agent,
        task,
        archive={"birthday": "1980-05-17", "preferences": "周末上午方便；喜欢白色"},
    )
    customer.refresh_from_db()
    assert customer.birthday == dt.date(1980, 5, 17)
    assert customer.preferences == "周末上午方便；喜欢白色"
    assert customer.archive_completed_at is not None
    assert rec.archive_updates == {
        "birthday": {"from": "", "to": "1980-05-17"},
        "preferences": {"from": "喜欢白色", "to": "周末上午方便；喜欢白色"},
    }


def test_unchanged_archive_fields_are_not_rewritten(agent, desk, tech, customer):
    customer.preferences = "喜欢白色"
    customer.save()
    order = done(desk, tech, customer, at(2026, 3, 6, 9))
    task = task_on(kind=K.AFTER_SERVICE, work_order=order)
    rec = record(agent, task, archive={"birthday": "", "preferences": "喜欢白色"})
    assert rec.archive_updates == {}


def test_a_birthday_in_the_future_is_refused_and_nothing_is_written(agent, desk, tech, customer):
    order = done(desk, tech, customer, at(2026, 3, 6, 9))
    task = task_on(kind=K.AFTER_SERVICE, work_order=order)
    with pytest.raises(ValidationFailed) as exc:
        record(agent, task, outcome_second_visit=True, archive={"birthday": "2030-01-01"})
    assert "birthday" in exc.value.fields
    nothing_written(task)
    assert WorkOrder.all_objects.count() == 1


def test_every_outcome_at_once_acts_in_one_record(agent, desk, tech, customer):
    order = appointed(desk, tech, customer, at(2026, 3, 5, 9), appointment_at=at(2026, 3, 6, 9))
    task = task_on(kind=K.AFTER_APPOINTMENT, work_order=order)
    rec = record(
        agent,
        task,
        outcome_no_show=True,
        outcome_complaint=True,
        complaint_text="约好了没来",
        archive={"preferences": "下午在家"},
    )
    order.refresh_from_db()
    assert order.is_reissued and rec.complaint_case.work_order == order
    customer.refresh_from_db()
    assert customer.preferences == "下午在家"
    assert len(records.outcome_summary(rec)) == 3


def test_a_callback_after_a_delivery_copies_the_crew_and_a_second_visit_is_a_repair_order(
    agent, make_user, store
):
    from shouhou.delivery.tests.factories import make_crew

    sales = make_user("sales", store=store)
    supervisor = make_user("cs_supervisor", store=store)
    crew = make_crew(make_user("delivery_crew", store=store))
    d = delivered(sales=sales, supervisor=supervisor, crew=crew, store=store)
    task = task_on(kind=K.AFTER_DELIVERY, delivery=d)
    rec = record(
        agent,
        task,
        satisfaction=3,
        answers={"delivery_rating": "4", "goods_ok": "no"},
        outcome_second_visit=True,
        second_visit_note="床头柜抽屉坏了",
    )
    assert rec.technician == crew and rec.store == d.contract.store and rec.delivery == d
    new = rec.second_visit_order
    assert new.contract == d.contract and new.source == "callback" and new.kind == "repair"
    assert "床头柜抽屉坏了" in new.description and d.contract.number in new.description
    assert rec.answers.get(question__code="goods_ok").answer in ("No", "否")


def test_a_no_show_cannot_be_recorded_on_a_delivery(agent, make_user, store):
    from shouhou.delivery.tests.factories import make_crew

    sales = make_user("sales", store=store)
    supervisor = make_user("cs_supervisor", store=store)
    crew = make_crew(make_user("delivery_crew", store=store))
    d = delivered(sales=sales, supervisor=supervisor, crew=crew, store=store)
    task = task_on(kind=K.AFTER_DELIVERY, delivery=d)
    with pytest.raises(ValidationFailed) as exc:
        record(agent, task, outcome_no_show=True)
    assert "outcome_no_show" in exc.value.fields
    nothing_written(task)


# --- bad input ------------------------------------------------------------------------------
@pytest.mark.parametrize("value", [0, 6, "abc", "4.5", True, -1])
def test_a_satisfaction_outside_1_to_5_is_refused_on_its_field_and_nothing_is_written(
    agent, desk, tech, customer, value
):
    order = done(desk, tech, customer, at(2026, 3, 6, 9))
    task = task_on(kind=K.AFTER_SERVICE, work_order=order)
    with pytest.raises(ValidationFailed) as exc:
        record(agent, task, satisfaction=value, outcome_second_visit=True)
    assert list(exc.value.fields) == ["satisfaction"]
    nothing_written(task)
    assert WorkOrder.all_objects.count() == 1


def test_a_required_question_left_unanswered_is_refused(agent, desk, tech, customer):
    order = done(desk, tech, customer, at(2026, 3, 6, 9))
    task = task_on(kind=K.AFTER_SERVICE, work_order=order)
    with pytest.raises(ValidationFailed) as exc:
        record(agent, task, satisfaction=None)
    assert "satisfaction" in exc.value.fields
    nothing_written(task)


def test_an_answer_to_a_question_not_asked_is_refused(agent, desk, tech, customer):
    order = done(desk, tech, customer, at(2026, 3, 6, 9))
    task = task_on(kind=K.AFTER_SERVICE, work_order=order)
    with pytest.raises(ValidationFailed) as exc:
        record(agent, task, answers={"goods_ok": "yes", "nonsense": "x", "on_time": "maybe"})
    assert set(exc.value.fields) == {"answers.goods_ok", "answers.nonsense", "on_time"}
    nothing_written(task)


def test_a_callback_on_a_cancelled_order_is_refused_and_nothing_is_written(
    agent, desk, tech, customer
):
    order = appointed(desk, tech, customer, at(2026, 3, 5, 9), appointment_at=at(2026, 3, 6, 9))
    task = task_on(kind=K.AFTER_APPOINTMENT, work_order=order)
    workorder_cancel(by=desk, order=order, reason="客户不修了", now=at(2026, 3, 6, 8))
    CallbackTask.all_objects.filter(pk=task.pk).update(status="open")  # even if left open
    with pytest.raises(InvalidTransition) as exc:
        record(agent, task)
    assert exc.value.code == "order_cancelled" and exc.value.status == 409
    assert order.number in str(exc.value.message)
    nothing_written(task)
    # and without a task, on the order itself
    with pytest.raises(InvalidTransition):
        records.callback_record_create(by=agent, work_order=order, satisfaction=3, now=NOW)
    assert CallbackRecord.all_objects.count() == 0


def test_another_organisations_task_is_not_found(agent, other_org):
    foreign = make_customer(other_org)
    task = task_on(kind=K.BIRTHDAY_GREETING, customer=foreign)
    with pytest.raises(NotFoundError):
        record(agent, task)
    with pytest.raises(NotFoundError):
        record(agent, task.pk)
    nothing_written(task)


def test_a_task_recorded_once_cannot_be_recorded_again(agent, desk, tech, customer):
    order = done(desk, tech, customer, at(2026, 3, 6, 9))
    task = task_on(kind=K.AFTER_SERVICE, work_order=order)
    record(agent, task)
    with pytest.raises(DuplicateError) as exc:
        record(agent, task, satisfaction=1)
    assert exc.value.code == "already_recorded" and exc.value.status == 409
    assert CallbackRecord.all_objects.count() == 1


def test_a_closed_task_cannot_be_recorded(agent, customer):
    task = task_on(kind=K.BIRTHDAY_GREETING, customer=customer)
    CallbackTask.all_objects.filter(pk=task.pk).update(status="skipped")
    with pytest.raises(InvalidTransition) as exc:
        record(agent, task)
    assert exc.value.code == "task_closed"


def test_a_technician_cannot_record_callbacks(desk, tech, customer):
    order = done(desk, tech, customer, at(2026, 3, 6, 9))
    task = task_on(kind=K.AFTER_SERVICE, work_order=order)
    with pytest.raises(PermissionDeniedError):
        record(tech.user, task)
    nothing_written(task)


def test_an_agent_cannot_record_a_task_assigned_to_another_agent(agent, make_user, customer):
    colleague = make_user("call_centre")
    task = task_on(kind=K.BIRTHDAY_GREETING, customer=customer, assigned_to=colleague)
    with pytest.raises(PermissionDeniedError):
        record(agent, task)
    supervisor = make_user("cs_supervisor")
    assert record(supervisor, task).caller == supervisor  # a supervisor may


def test_an_ad_hoc_callback_on_a_work_order_needs_no_task(agent, desk, tech, customer):
    order = done(desk, tech, customer, at(2026, 3, 6, 9))
    rec = records.callback_record_create(
        by=agent, work_order=order.pk, satisfaction=5, comment="主动回访", now=NOW
    )
    assert rec.task is None and rec.customer == customer and rec.technician == tech


def test_an_ad_hoc_callback_on_another_customers_order_is_refused(agent, desk, tech, customer, org):
    order = done(desk, tech, customer, at(2026, 3, 6, 9))
    with pytest.raises(ValidationFailed) as exc:
        records.callback_record_create(
            by=agent, work_order=order, customer=make_customer(org), satisfaction=5, now=NOW
        )
    assert "customer" in exc.value.fields


def test_questions_can_be_added_changed_and_deactivated_by_a_supervisor(make_user, agent, org):
    supervisor = make_user("cs_supervisor")
    q = records.question_save(
        by=supervisor,
        code="install_clean",
        text="安装后是否清理现场?",
        answer_type="yes_no",
        kinds=["after_service"],
        required=True,
        order=40,
    )
    assert q in records.questions_for(org, K.AFTER_SERVICE)
    assert q not in records.questions_for(org, K.AFTER_DELIVERY)
    with pytest.raises(ValidationFailed) as exc:
        records.question_save(by=supervisor, code="install_clean", text="again")
    assert "code" in exc.value.fields
    records.question_save(
        by=supervisor, question=q, text=q.text, answer_type="yes_no", is_active=False
    )
    assert q not in records.questions_for(org, K.AFTER_SERVICE)
    with pytest.raises(PermissionDeniedError):
        records.question_save(by=agent, code="x", text="x")
