"""The work-order rules of seed 001, walked through the services with real calendar dates.

Spring Festival 2026: 15-23 Feb are holidays, Saturday 14 Feb and Saturday 28 Feb are make-up
working days. National Day 2025: 1-8 Oct holidays, Sunday 28 Sep and Saturday 11 Oct working.
"""

import datetime as dt
from decimal import Decimal

import pytest

from shouhou.callbacks.models import CallbackTask
from shouhou.core.errors import Conflict, InvalidTransition, ValidationFailed
from shouhou.core.models import AuditEvent
from shouhou.customers.models import Customer
from shouhou.workorders import services as s
from shouhou.workorders import states
from shouhou.workorders.jobs import sweep
from shouhou.workorders.models import Call, MissedService, ServiceReport, SlaPolicy, WorkOrder

from .factories import at, make_customer, make_technician

PNG = (
    "data:image/png;base64,iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR42mNk"
    "YPhfDwAChwGA60e6kgAAAABJRU5ErkJggg=="
)


def intake(by, customer=None, now=None, **kw):
    kw.setdefault("source", "hotline")
    kw.setdefault("kind", "repair")
    kw.setdefault("description", "马桶漏水")
    return s.workorder_intake(by=by, customer=customer, now=now or at(2026, 3, 9, 9), **kw)


def dispatched(desk, tech, customer, when, **kw):
    order = intake(desk, customer, now=when, **kw).order
    return s.workorder_dispatch(by=desk, order=order, technician=tech, now=when)


# --- intake -----------------------------------------------------------------------------------
def test_a_new_hotline_caller_is_registered_with_surname_and_honorific(desk, store):
    result = intake(
        desk,
        customer_data={
            "name": "李先生",
            "mobile": "13912345678",
            "district": "海淀区",
            "address_detail": "中关村大街1号",
        },
        store=store,
    )
    assert not result.joined
    order = result.order
    assert order.customer.name == "李先生"
    assert order.status == states.NEW
    assert order.number.startswith("WO260309")
    assert order.policy.code == "standard"
    assert order.calls.count() == 1


def test_a_request_with_incomplete_customer_data_is_refused_and_nothing_is_written(desk):
    with pytest.raises(ValidationFailed) as exc:
        intake(desk, customer_data={"name": "某先生", "mobile": "13912345678"})
    assert "name" in exc.value.fields
    assert WorkOrder.all_objects.count() == 0
    assert Customer.all_objects.count() == 0


def test_a_known_phone_uses_the_existing_customer(desk, customer):
    order = intake(desk, customer_data={"name": "随便", "mobile": customer.mobile}).order
    assert order.customer == customer
    assert Customer.all_objects.count() == 1


def test_a_second_call_about_the_same_open_problem_joins_the_order(desk, customer, product):
    first = intake(desk, customer, product=product).order
    again = intake(desk, customer, product=product, description="还在漏", now=at(2026, 3, 10, 9))
    assert again.joined
    assert again.order.pk == first.pk
    assert WorkOrder.all_objects.count() == 1
    assert Call.all_objects.filter(order=first, joined=True).count() == 1
    assert AuditEvent.all_objects.filter(action="shouhou.workorder.joined").count() == 1


def test_a_call_about_another_product_or_a_closed_order_opens_a_new_order(
    desk, customer, product, org
):
    from shouhou.catalog.models import Product

    first = intake(desk, customer, product=product).order
    other = Product.all_objects.create(organisation=org, name="浴缸")
    assert intake(desk, customer, product=other).order.pk != first.pk
    s.workorder_cancel(by=desk, order=first, reason="客户自行解决")
    assert intake(desk, customer, product=product).order.pk != first.pk


def test_an_emergency_gets_the_emergency_policy_with_a_30_minute_answer(desk, customer):
    order = intake(desk, customer, is_emergency=True, now=at(2026, 2, 16, 23, 50)).order
    assert order.policy.code == "emergency"
    assert order.contact_due_at == at(2026, 2, 17, 0, 20)
    assert order.onsite_due_at == at(2026, 2, 17, 1, 50)
    assert order.fixed_due_at == at(2026, 2, 17, 3, 50)


def test_beyond_100_km_the_answer_is_due_within_12_hours(desk, customer):
    order = intake(desk, customer, distance_km="180", now=at(2026, 3, 9, 9)).order
    assert order.policy.code == "distance"
    assert order.contact_due_at == at(2026, 3, 9, 21)


def test_a_customer_specific_policy_beats_the_default(desk, customer, org):
    from shouhou.workorders.config import ensure_default_policies
    from shouhou.workorders.models import SlaTarget

    ensure_default_policies(org)
    vip = SlaPolicy.all_objects.create(organisation=org, name="VIP", code="vip", customer=customer)
    SlaTarget.all_objects.create(
        organisation=org, policy=vip, target="contact", amount=4, unit="working_hours"
    )
    assert intake(desk, customer).order.policy == vip


# --- dispatch ---------------------------------------------------------------------------------
def test_dispatch_sets_due_times_on_the_working_day_calendar(desk, tech, customer):
    # Friday 13 Feb 2026 16:00: contact by the make-up Saturday, reply after the holiday
    order = dispatched(desk, tech, customer, at(2026, 2, 13, 16))
    assert order.status == states.DISPATCHED
    assert order.technician == tech
    assert order.contact_due_at == at(2026, 2, 14, 16)
    assert order.onsite_due_at == at(2026, 2, 14, 16)
    assert order.reply_due_at == at(2026, 2, 24, 16)


def test_dispatch_to_someone_without_a_permit_is_refused(desk, customer, org):
    nobody = make_technician(org, permit=False)
    order = intake(desk, customer).order
    with pytest.raises(ValidationFailed) as exc:
        s.workorder_dispatch(by=desk, order=order, technician=nobody)
    assert exc.value.code == "no_permit"
    order.refresh_from_db()
    assert order.status == states.NEW and order.technician is None


def test_dispatch_refuses_a_permit_for_another_kind_of_work(desk, customer, org):
    installer = make_technician(org, kinds=["installation"])
    order = intake(desk, customer, kind="maintenance").order
    with pytest.raises(ValidationFailed) as exc:
        s.workorder_dispatch(by=desk, order=order, technician=installer)
    assert exc.value.code == "kind_not_allowed"


def test_dispatch_refuses_an_expired_permit(desk, customer, org):
    old = make_technician(org, valid_until=dt.date(2026, 1, 31))
    order = intake(desk, customer).order
    with pytest.raises(ValidationFailed) as exc:
        s.workorder_dispatch(by=desk, order=order, technician=old, now=at(2026, 3, 9, 10))
    assert exc.value.code == "permit_expired"


def test_a_second_dispatch_of_the_same_order_gets_a_conflict(desk, tech, customer, org):
    other = make_technician(org)
    order = intake(desk, customer).order
    stale = WorkOrder.all_objects.get(pk=order.pk)
    s.workorder_dispatch(by=desk, order=order, technician=tech)
    with pytest.raises(InvalidTransition):
        s.workorder_dispatch(by=desk, order=stale, technician=other)
    order.refresh_from_db()
    assert order.technician == tech
    assert order.dispatch_seq == 1


def test_a_technician_cannot_dispatch(tech, customer, desk):
    order = intake(desk, customer).order
    from shouhou.core.errors import PermissionDeniedError

    with pytest.raises(PermissionDeniedError):
        s.workorder_dispatch(by=tech.user, order=order, technician=tech)


# --- the technician's steps -------------------------------------------------------------------
def test_the_appointment_gives_the_call_centre_a_callback_one_working_day_after(
    desk, tech, customer
):
    order = dispatched(desk, tech, customer, at(2026, 2, 12, 10))
    order = s.workorder_contact(by=tech.user, order=order, now=at(2026, 2, 12, 11))
    order = s.workorder_appoint(
        by=tech.user, order=order, appointment_at=at(2026, 2, 14, 10), now=at(2026, 2, 12, 11)
    )
    assert order.status == states.APPOINTED
    assert order.replied_at == at(2026, 2, 12, 11)
    # appointment on the make-up Saturday 14 Feb; next working day is Tuesday 24 Feb
    assert order.callback_due_on == dt.date(2026, 2, 24)
    sweep(at(2026, 2, 12, 12))
    task = CallbackTask.all_objects.get(work_order=order)
    assert task.due_on == dt.date(2026, 2, 24)
    assert task.kind == "after_appointment" and task.status == "open"


def test_customer_not_at_home_leaves_a_note_and_no_callback_next_day(desk, tech, customer):
    order = dispatched(desk, tech, customer, at(2026, 3, 9, 10))
    order = s.workorder_appoint(
        by=tech.user, order=order, appointment_at=at(2026, 3, 10, 14), now=at(2026, 3, 9, 11)
    )
    sweep(at(2026, 3, 9, 12))  # the callback task exists now
    order = s.workorder_not_home(
        by=tech.user, order=order, note="14:00到访未遇，请再次致电", now=at(2026, 3, 10, 14, 30)
    )
    assert order.status == states.NOT_HOME
    assert order.not_home_note
    assert order.callback_due_on is None
    assert CallbackTask.all_objects.get(work_order=order).status == "skipped"
    sweep(at(2026, 3, 11, 12))
    assert CallbackTask.all_objects.filter(work_order=order, status="open").count() == 0
    # the customer asks again: the same order goes back to the technician
    again = intake(desk, customer, now=at(2026, 3, 12, 9))
    assert again.joined and again.order.status == states.DISPATCHED


def test_not_at_home_before_the_sweep_never_creates_the_callback(desk, tech, customer):
    order = dispatched(desk, tech, customer, at(2026, 3, 9, 10))
    order = s.workorder_appoint(
        by=tech.user, order=order, appointment_at=at(2026, 3, 10, 14), now=at(2026, 3, 9, 11)
    )
    s.workorder_not_home(by=tech.user, order=order, note="未遇", now=at(2026, 3, 10, 14, 30))
    sweep(at(2026, 3, 11, 12))
    assert not CallbackTask.all_objects.filter(work_order=order).exists()


def test_unreachable_for_two_working_days_must_be_reported_with_a_reason(desk, tech, customer):
    # Friday 6 Mar 10:00; two working days later is Tuesday 10 Mar 10:00 (weekend skipped)
    order = dispatched(desk, tech, customer, at(2026, 3, 6, 9))
    order = s.workorder_unreachable(by=tech.user, order=order, note="关机", now=at(2026, 3, 6, 10))
    s.workorder_unreachable(by=tech.user, order=order, note="无人接", now=at(2026, 3, 9, 10))
    order.refresh_from_db()
    assert order.unreachable_since == at(2026, 3, 6, 10)
    assert order.unreachable_report_due_at == at(2026, 3, 10, 10)
    assert sweep(at(2026, 3, 10, 9, 59))["unreachable_overdue"] == 0
    assert sweep(at(2026, 3, 10, 10, 1))["unreachable_overdue"] == 1
    order = s.workorder_report_unreachable(
        by=tech.user, order=order, reason="电话停机，地址无人", now=at(2026, 3, 10, 11)
    )
    assert order.unreachable_reason == "电话停机，地址无人"


def test_reaching_the_customer_clears_the_unreachable_count(desk, tech, customer):
    order = dispatched(desk, tech, customer, at(2026, 3, 6, 9))
    s.workorder_unreachable(by=tech.user, order=order, now=at(2026, 3, 6, 10))
    order = s.workorder_contact(by=tech.user, order=order, now=at(2026, 3, 9, 10))
    assert order.unreachable_since is None and order.unreachable_report_due_at is None


def test_no_reply_within_two_working_days_is_a_missed_service(desk, tech, customer, org):
    # dispatched Friday 13 Feb 16:00 -> reply due Tuesday 24 Feb 16:00 (holiday in between)
    order = dispatched(desk, tech, customer, at(2026, 2, 13, 16))
    assert sweep(at(2026, 2, 24, 15))["missed_no_reply"] == 0
    assert sweep(at(2026, 2, 24, 17))["missed_no_reply"] == 1
    order.refresh_from_db()
    assert order.missed_service and order.reply_missed
    missed = MissedService.all_objects.get(order=order)
    assert missed.reason == "no_reply" and missed.technician == tech
    assert missed.deduction == Decimal("50.00")


def test_a_reply_in_time_is_not_a_missed_service(desk, tech, customer):
    order = dispatched(desk, tech, customer, at(2026, 2, 13, 16))
    s.workorder_contact(by=tech.user, order=order, now=at(2026, 2, 14, 9))
    sweep(at(2026, 2, 25, 9))
    assert not MissedService.all_objects.exists()


def test_a_technician_who_did_not_come_gets_a_deduction_and_the_order_is_reissued(
    desk, tech, customer, call_centre, org
):
    order = dispatched(desk, tech, customer, at(2026, 3, 9, 9))
    order = s.workorder_appoint(
        by=tech.user, order=order, appointment_at=at(2026, 3, 10, 9), now=at(2026, 3, 9, 10)
    )
    other = dispatched(desk, tech, make_customer(org), at(2026, 3, 9, 8))
    order = s.workorder_reissue(
        by=call_centre, order=order, note="回访：师傅未上门", now=at(2026, 3, 11, 10)
    )
    assert order.status == states.DISPATCHED
    assert order.is_reissued and order.reissue_count == 1 and order.missed_service
    assert order.dispatched_at == at(2026, 3, 11, 10)
    assert order.reply_due_at == at(2026, 3, 13, 10)
    assert order.appointment_at is None and order.replied_at is None
    missed = MissedService.all_objects.get(order=order)
    assert missed.reason == "no_show" and missed.deduction == Decimal("50.00")
    # re-issued orders come first in the technician's list
    from shouhou.workorders.selectors import my_jobs

    assert [o.pk for o in my_jobs(user=tech.user)][:2] == [order.pk, other.pk]


def test_a_directly_received_job_reported_the_same_day_is_fine(tech, customer):
    order = intake(
        tech.user,
        customer,
        source="technician",
        received_at=at(2026, 3, 9, 9),
        now=at(2026, 3, 9, 18),
    ).order
    assert order.status == states.DISPATCHED and order.technician == tech
    assert not order.missed_service


def test_a_directly_received_job_reported_the_next_day_is_a_missed_service(tech, customer):
    order = intake(
        tech.user,
        customer,
        source="technician",
        received_at=at(2026, 3, 9, 9),
        now=at(2026, 3, 10, 9),
    ).order
    assert order.missed_service and not order.no_bonus
    assert MissedService.all_objects.get(order=order).reason == "late_self_report"


def test_a_directly_received_job_over_two_days_late_gets_no_callback_and_no_bonus(tech, customer):
    order = intake(
        tech.user,
        customer,
        source="technician",
        received_at=at(2026, 3, 6, 9),
        now=at(2026, 3, 9, 9),
    ).order
    assert order.missed_service and order.no_bonus and order.no_callback
    order = s.workorder_appoint(
        by=tech.user, order=order, appointment_at=at(2026, 3, 10, 9), now=at(2026, 3, 9, 10)
    )
    assert order.callback_due_on is None
    sweep(at(2026, 3, 9, 11))
    assert not CallbackTask.all_objects.exists()


def test_waiting_for_parts_stops_the_clock_and_due_times_come_back_from_history(
    desk, tech, customer
):
    order = intake(desk, customer, is_emergency=True, now=at(2026, 3, 9, 9)).order
    order = s.workorder_dispatch(by=desk, order=order, technician=tech, now=at(2026, 3, 9, 9))
    assert order.fixed_due_at == at(2026, 3, 9, 13)
    order = s.workorder_arrive(by=tech.user, order=order, now=at(2026, 3, 9, 10))
    order = s.workorder_wait_parts(by=tech.user, order=order, now=at(2026, 3, 9, 11))
    assert order.fixed_due_at is None  # clock stopped
    assert order.needs_revisit
    assert sweep(at(2026, 3, 9, 20))["fixed_overdue"] == 0
    order = s.workorder_appoint(
        by=tech.user, order=order, appointment_at=at(2026, 3, 10, 9), now=at(2026, 3, 10, 8)
    )
    # 2 h used before the pause, 2 h left from 08:00
    assert order.fixed_due_at == at(2026, 3, 10, 10)


def test_a_postponement_over_the_holiday_is_counted_as_working_time_only(desk, tech, customer):
    order = dispatched(desk, tech, customer, at(2026, 2, 13, 16))  # reply due 24 Feb 16:00
    order = s.workorder_postpone(
        by=tech.user, order=order, note="客户春节回老家", now=at(2026, 2, 13, 17)
    )
    assert order.replied_at == at(2026, 2, 13, 17)  # telling the desk is the reply
    assert order.onsite_due_at is None  # the clock is stopped while postponed
    order = s.workorder_appoint(
        by=tech.user, order=order, appointment_at=at(2026, 2, 25, 10), now=at(2026, 2, 24, 10)
    )
    # on site: 24 wall-clock hours, 1 h used before the pause -> 23 h after 24 Feb 10:00
    assert order.onsite_due_at == at(2026, 2, 25, 9)


# --- completion, report and signature -----------------------------------------------------------
def walk_to_site(desk, tech, customer):
    order = dispatched(desk, tech, customer, at(2026, 3, 9, 9))
    order = s.workorder_contact(by=tech.user, order=order, now=at(2026, 3, 9, 10))
    order = s.workorder_appoint(
        by=tech.user, order=order, appointment_at=at(2026, 3, 10, 9), now=at(2026, 3, 9, 10)
    )
    return s.workorder_arrive(by=tech.user, order=order, now=at(2026, 3, 10, 9))


def test_completion_with_report_then_signature_then_close(desk, tech, customer):
    order = walk_to_site(desk, tech, customer)
    order = s.workorder_complete(
        by=tech.user,
        order=order,
        findings="进水阀老化",
        work_done="更换进水阀",
        parts=[{"name": "进水阀", "quantity": 1, "reason": "老化漏水"}],
        steps_done=["confirm_product", "do_work"],
        now=at(2026, 3, 10, 10),
    )
    assert order.status == states.DONE
    report = order.report
    assert report.parts.get().return_old
    order = s.workorder_sign(
        by=tech.user, order=order, signer_name="张伟", signature=PNG, now=at(2026, 3, 10, 10, 5)
    )
    assert order.status == states.CONFIRMED
    order = s.workorder_close(by=desk, order=order)
    assert order.status == states.CLOSED


def test_a_signature_before_completion_is_refused(desk, tech, customer):
    order = walk_to_site(desk, tech, customer)
    with pytest.raises(InvalidTransition):
        s.workorder_sign(by=tech.user, order=order, signer_name="张伟", signature=PNG)
    assert not ServiceReport.all_objects.filter(signed_at__isnull=False).exists()


def test_a_second_signature_is_refused_and_the_first_is_kept(desk, tech, customer):
    order = walk_to_site(desk, tech, customer)
    order = s.workorder_complete(by=tech.user, order=order, findings="", work_done="修好")
    s.workorder_sign(by=tech.user, order=order, signer_name="张伟", signature=PNG)
    with pytest.raises(Conflict) as exc:
        s.workorder_sign(by=tech.user, order=order, signer_name="李四", signature=PNG)
    assert exc.value.code == "already_signed"
    assert ServiceReport.all_objects.get(order=order).signer_name == "张伟"
    with pytest.raises(Conflict):
        s.service_report_update(
            by=tech.user,
            order=order,
            findings="x",
            work_done="改了",
            parts=[],
            fee=0,
            fee_approval="",
            steps_done=[],
        )


def test_a_fee_without_paid_service_approval_is_refused(desk, tech, customer):
    order = walk_to_site(desk, tech, customer)
    with pytest.raises(ValidationFailed) as exc:
        s.workorder_complete(by=tech.user, order=order, findings="", work_done="修好", fee="80")
    assert "fee_approval" in exc.value.fields
    order.refresh_from_db()
    assert order.status == states.ON_SITE
    assert not ServiceReport.all_objects.exists()


def test_a_drawing_that_is_not_a_png_is_refused(desk, tech, customer):
    order = walk_to_site(desk, tech, customer)
    order = s.workorder_complete(by=tech.user, order=order, findings="", work_done="修好")
    with pytest.raises(ValidationFailed):
        s.workorder_sign(
            by=tech.user, order=order, signer_name="张伟", signature="data:text/html,x"
        )


def test_closing_an_order_never_visited_is_refused(desk, tech, customer):
    order = dispatched(desk, tech, customer, at(2026, 3, 9, 9))
    with pytest.raises(InvalidTransition):
        s.workorder_close(by=desk, order=order)
    order.refresh_from_db()
    assert order.status == states.DISPATCHED


def test_another_technician_cannot_touch_the_order(desk, tech, customer, org):
    from shouhou.core.errors import NotFoundError

    order = dispatched(desk, tech, customer, at(2026, 3, 9, 9))
    other = make_technician(org)
    with pytest.raises(NotFoundError):
        s.workorder_contact(by=other.user, order=order)


def test_changing_the_policy_needs_a_reason_and_recomputes_due_times(desk, tech, customer, org):
    order = dispatched(desk, tech, customer, at(2026, 3, 9, 9))
    emergency = SlaPolicy.all_objects.get(organisation=org, code="emergency")
    with pytest.raises(ValidationFailed):
        s.workorder_change_policy(by=desk, order=order, policy=emergency, reason="")
    order = s.workorder_change_policy(by=desk, order=order, policy=emergency, reason="客户家中漏水")
    assert order.policy == emergency
    assert order.fixed_due_at == at(2026, 3, 9, 13)


def test_every_change_is_on_the_timeline(desk, tech, customer):
    order = walk_to_site(desk, tech, customer)
    actions = set(
        AuditEvent.all_objects.filter(object_id=str(order.pk)).values_list("action", flat=True)
    )
    assert {
        "shouhou.workorder.created",
        "shouhou.workorder.dispatch",
        "shouhou.workorder.contact",
        "shouhou.workorder.appoint",
        "shouhou.workorder.arrive",
    } <= actions


def test_a_technicians_job_for_a_new_customer_registers_them_with_the_intakes_validation(tech):
    data = {
        "name": "周先生",
        "mobile": "13912345678",
        "district": "海淀区",
        "address_detail": "1号",
    }
    with pytest.raises(ValidationFailed) as exc:
        s.workorder_intake(
            by=tech.user,
            source="technician",
            kind="repair",
            customer_data={**data, "name": "某先生"},
            now=at(2026, 3, 9, 18),
        )
    assert "name" in exc.value.fields  # a placeholder name is refused, as at the desk
    with pytest.raises(ValidationFailed) as exc:
        s.workorder_intake(
            by=tech.user,
            source="technician",
            kind="repair",
            customer_data={**data, "mobile": "1391234"},
            now=at(2026, 3, 9, 18),
        )
    assert "mobile" in exc.value.fields
    assert not Customer.all_objects.filter(mobile="13912345678").exists()


def test_a_technicians_job_for_a_valid_new_customer_creates_them_and_is_theirs(tech):
    data = {
        "name": "周建国",
        "mobile": "13912345678",
        "district": "海淀区",
        "address_detail": "学院路30号",
    }
    order = s.workorder_intake(
        by=tech.user,
        source="technician",
        kind="repair",
        customer_data=data,
        received_at=at(2026, 3, 9, 9),
        now=at(2026, 3, 9, 18),
    ).order
    assert order.customer.name == "周建国" and order.customer.mobile == "13912345678"
    assert order.technician == tech and order.status == states.DISPATCHED


def test_the_public_form_still_finds_known_customers_only(org, store):
    with pytest.raises(ValidationFailed) as exc:
        s.workorder_intake(
            by=None,
            organisation=org,
            store=store,
            source="self_service",
            kind="repair",
            customer_data={"mobile": "13912345679"},
        )
    assert exc.value.code == "customer_unknown"
