"""The calls and letters log (seed 002 §3.5, seed 004 热线制度 1)."""

import datetime as dt

import pytest
import time_machine

from shouhou.complaints.models import Case
from shouhou.core.errors import InvalidTransition, PermissionDeniedError, ValidationFailed
from shouhou.frontdesk import services
from shouhou.frontdesk.models import Contact, ContactStatus, LanguageWarning
from shouhou.workorders.models import Call, WorkOrder

from .conftest import MORNING

pytestmark = pytest.mark.django_db


def test_a_hotline_call_is_logged_with_the_store_hotline_and_the_known_caller(log, customer, store):
    c = log()
    assert c.hotline == "0371-65550001"
    assert c.customer == customer
    assert c.caller_name == "张伟"
    assert c.status == ContactStatus.OPEN


def test_the_log_lists_contacts_in_time_order_newest_first(clerk, log):
    from shouhou.frontdesk import selectors

    first = log(received_at=MORNING, now=MORNING + dt.timedelta(hours=1))
    second = log(
        received_at=MORNING + dt.timedelta(minutes=30), now=MORNING + dt.timedelta(hours=1)
    )
    assert list(selectors.contact_list(user=clerk)) == [second, first]


def test_a_contact_answered_at_once_is_answered(log):
    c = log(answer="营业时间是早九点到晚九点")
    assert c.status == ContactStatus.ANSWERED and c.answered_at and c.answer


def test_bad_input_names_the_fields_and_writes_nothing(log):
    with pytest.raises(ValidationFailed) as exc:
        log(subject="  ", phone="12345", channel="fax")
    assert set(exc.value.fields) >= {"subject", "phone", "channel"}
    assert Contact.objects.count() == 0


def test_a_technician_cannot_log_contacts(make_user, log):
    with pytest.raises(PermissionDeniedError):
        log(by=make_user("technician"))


def test_a_follow_up_is_due_on_the_working_hours_calendar(log, clerk):
    c = log(now=MORNING)
    # Friday 16:00: 4 working hours run over the weekend into Monday.
    friday = MORNING + dt.timedelta(days=1, hours=6, minutes=30)
    c = services.contact_follow_up(by=clerk, contact=c, note="问仓库到货时间", now=friday)
    assert c.status == ContactStatus.FOLLOW_UP
    local = c.follow_up_due_at.astimezone(MORNING.tzinfo)
    assert local.weekday() == 0  # Monday, not Saturday
    assert c.follow_up_due_at > friday + dt.timedelta(hours=4)


def test_the_reply_is_recorded_and_archived_with_the_contact(log, clerk):
    c = log()
    services.contact_follow_up(by=clerk, contact=c, note="查询中")
    c = services.contact_answer(
        by=clerk,
        contact=c,
        answer="您订的沙发下周二到货",
        reply_channel="hotline",
        reply_reference="FD-001",
    )
    assert (c.status, c.reply_channel, c.reply_reference) == ("answered", "hotline", "FD-001")
    with pytest.raises(InvalidTransition):
        services.contact_answer(by=clerk, contact=c, answer="again")


def test_a_service_request_becomes_a_work_order_in_one_step(log, customer):
    c = log(kind="service_request", subject="马桶漏水", convert=True)
    assert c.work_order is not None
    order = WorkOrder.objects.get(pk=c.work_order_id)
    assert order.customer_id == c.customer_id and order.source == "hotline"
    assert c.status == ContactStatus.ANSWERED and order.number in c.answer


def test_a_service_request_of_a_new_caller_registers_the_customer(log):
    c = log(
        kind="service_request",
        subject="热水器不热",
        phone="13900001111",
        caller_name="陈先生",
        district="金水区",
        address_detail="花园路88号3号楼2单元501",
        convert=True,
    )
    assert c.work_order.customer.mobile == "13900001111"


def test_a_second_call_about_an_open_order_joins_it_and_is_counted(log, customer):
    first = log(kind="service_request", subject="马桶漏水", convert=True)
    second = log(kind="service_request", subject="马桶还在漏水，怎么还没人来", convert=True)
    assert second.work_order_id == first.work_order_id
    assert WorkOrder.objects.count() == 1
    assert second.joined_existing and second.parent_id == first.pk
    first.refresh_from_db()
    assert first.repeat_count == 1
    assert Call.objects.filter(order_id=first.work_order_id, joined=True).count() == 1


def test_a_contact_joined_to_an_open_matter_is_counted_there(log):
    first = log(kind="consultation", subject="沙发什么时候到货")
    again = log(kind="consultation", subject="再问沙发到货", joins=first)
    first.refresh_from_db()
    assert again.parent_id == first.pk and first.repeat_count == 1


def test_a_contact_about_an_open_order_also_counts_on_the_order(log, customer):
    first = log(kind="service_request", subject="马桶漏水", convert=True)
    log(kind="consultation", subject="师傅几点到", joins=first)
    assert Call.objects.filter(order_id=first.work_order_id, joined=True).count() == 1


def test_an_answered_matter_cannot_be_joined(log):
    first = log(answer="已答复")
    with pytest.raises(ValidationFailed) as exc:
        log(joins=first)
    assert "joins" in exc.value.fields


def test_a_complaint_becomes_a_complaint_case_and_stays_linked(log, customer):
    c = log(kind="complaint", subject="送货师傅态度差", convert=True)
    case = Case.objects.get(pk=c.case_id)
    assert case.customer == customer and case.kind == "complaint"


def test_a_second_complaint_while_one_is_open_joins_the_case(log, customer):
    first = log(kind="complaint", subject="送货师傅态度差", convert=True)
    second = log(kind="complaint", subject="还是没人处理", convert=True)
    assert second.case_id == first.case_id and Case.objects.count() == 1
    first.refresh_from_db()
    assert first.repeat_count == 1


def test_a_complaint_of_an_unknown_caller_asks_for_the_customer_and_writes_nothing(log):
    with pytest.raises(ValidationFailed) as exc:
        log(kind="complaint", subject="投诉", phone="13900002222", convert=True)
    assert "phone" in exc.value.fields
    assert Contact.objects.count() == 0 and Case.objects.count() == 0


def test_a_new_caller_without_a_name_is_told_which_field_is_missing(log):
    with pytest.raises(ValidationFailed) as exc:
        log(kind="service_request", subject="漏水", phone="13900003333", convert=True)
    assert "caller_name" in exc.value.fields
    assert Contact.objects.count() == 0


def test_only_a_service_request_or_a_complaint_converts(log):
    with pytest.raises(ValidationFailed) as exc:
        log(kind="praise", convert=True)
    assert "convert" in exc.value.fields


def test_a_contact_is_converted_once(log, clerk, customer):
    c = log(kind="service_request", subject="漏水", convert=True)
    with pytest.raises(InvalidTransition):
        services.contact_to_work_order(by=clerk, contact=c)


def test_another_organisations_contact_cannot_be_answered(log, outsider):
    from shouhou.core.errors import NotFoundError

    c = log()
    with pytest.raises((NotFoundError, PermissionDeniedError)):
        services.contact_answer(by=outsider, contact=c, answer="x")


@time_machine.travel(MORNING, tick=False)
def test_a_forbidden_phrase_in_an_answer_warns_but_saves_and_is_counted(log, clerk):
    c = log(answer="这个我们不负责，你自己解决吧")
    assert c.status == ContactStatus.ANSWERED
    assert c.language_result["forbidden"] == ["这个我们不负责", "你自己解决"]
    assert "我会尽快想办法，您不要着急" in c.language_result["preferred"]
    w = LanguageWarning.objects.get()
    assert w.person == clerk and w.phrases == ["这个我们不负责", "你自己解决"]


def test_a_clean_answer_gives_no_warning(log):
    c = log(answer="对不起，我不太清楚，我帮您问一下，随后给您答复")
    assert c.language_result["forbidden"] == []
    assert LanguageWarning.objects.count() == 0


def test_the_open_matters_of_a_caller_are_offered_for_joining(clerk, log):
    from shouhou.frontdesk import selectors

    first = log(subject="沙发到货时间")
    log(subject="已答复的问题", answer="已答复")
    assert list(selectors.open_matters(user=clerk, phone="138 1234 5678")) == [first]
    assert list(selectors.open_matters(user=clerk, phone="not a phone")) == []


def test_a_repeat_request_that_joins_and_converts_is_linked_once(log, customer):
    first = log(kind="service_request", subject="漏水", convert=True)
    again = log(kind="service_request", subject="还漏", joins=first, convert=True)
    assert again.work_order_id == first.work_order_id and WorkOrder.objects.count() == 1
