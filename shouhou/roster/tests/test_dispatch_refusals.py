"""The roster's refusals of a dispatch: off duty, on leave, double-booked, other store, and the
permit check of the work orders still in front."""

import datetime as dt

import pytest

from shouhou.core.errors import ValidationFailed
from shouhou.roster import services as rs
from shouhou.roster.models import Appointment, AppointmentChange, LeaveRequest, Shift
from shouhou.workorders import services as wo
from shouhou.workorders import states
from shouhou.workorders.models import WorkOrder
from shouhou.workorders.tests.factories import at, make_technician

from .helpers import new_order

MON = dt.date(2026, 3, 9)  # a Monday, working day


def week(kind_by_day):
    return [{"kind": kind_by_day.get(i, "working")} for i in range(7)]


def test_a_technician_off_duty_that_day_cannot_be_dispatched(desk, supervisor, tech, customer):
    rs.shift_week_set(by=supervisor, staff=tech, week=MON, days=week({0: "off"}))
    order = new_order(desk, customer)
    with pytest.raises(ValidationFailed) as e:
        wo.workorder_dispatch(by=desk, order=order, technician=tech, now=at(2026, 3, 9, 10))
    assert e.value.code == "off_duty"
    assert "王师傅" in e.value.fields["technician"][0]
    assert WorkOrder.objects.get(pk=order.pk).status == states.NEW


def test_a_technician_on_approved_leave_cannot_be_dispatched(desk, supervisor, tech, customer):
    leave = rs.leave_request(
        by=tech.user, staff=tech, first_day=MON, last_day=MON + dt.timedelta(1), reason="家中有事"
    )
    order = new_order(desk, customer)
    # pending leave does not block yet
    assert leave.status == LeaveRequest.Status.PENDING
    rs.leave_approve(by=supervisor, leave=leave)
    assert Shift.objects.get(staff=tech, date=MON).kind == Shift.Kind.LEAVE
    with pytest.raises(ValidationFailed) as e:
        wo.workorder_dispatch(by=desk, order=order, technician=tech, now=at(2026, 3, 9, 10))
    assert e.value.code == "on_leave"
    assert "on leave" in e.value.fields["technician"][0] or "假" in e.value.fields["technician"][0]


def test_a_technician_cannot_approve_their_own_leave_and_a_rejection_needs_a_reason(
    supervisor, tech, customer
):
    leave = rs.leave_request(by=tech.user, staff=tech, first_day=MON, last_day=MON, reason="病假")
    with pytest.raises(Exception) as e:
        rs.leave_approve(by=tech.user, leave=leave)
    assert e.value.status == 403
    with pytest.raises(ValidationFailed):
        rs.leave_reject(by=supervisor, leave=leave, note="")
    rs.leave_reject(by=supervisor, leave=leave, note="人手不够")
    assert not Shift.objects.filter(staff=tech).exists()


def test_a_double_booking_on_the_board_is_refused_and_nothing_is_written(desk, tech, customer):
    now = at(2026, 3, 9, 8)
    first = new_order(desk, customer)
    second = new_order(desk, customer, description="热水器不热", kind="installation")
    rs.board_dispatch(by=desk, order=first, technician=tech, starts_at=at(2026, 3, 9, 10), now=now)
    with pytest.raises(ValidationFailed) as e:
        rs.board_dispatch(
            by=desk, order=second, technician=tech, starts_at=at(2026, 3, 9, 11), now=now
        )
    assert e.value.code == "double_booked"
    assert first.number in e.value.fields["technician"][0]
    assert not Appointment.objects.filter(order=second).exists()
    assert WorkOrder.objects.get(pk=second.pk).status == states.NEW
    # the hour after the first window is free
    b = rs.board_dispatch(
        by=desk, order=second, technician=tech, starts_at=at(2026, 3, 9, 12), now=now
    )
    assert b.order.technician_id == tech.pk and b.order.status == states.DISPATCHED


def test_an_hour_outside_the_shift_is_refused(desk, supervisor, tech, customer):
    rs.shift_week_set(by=supervisor, staff=tech, week=MON, days=week({}))
    order = new_order(desk, customer)
    with pytest.raises(ValidationFailed) as e:
        rs.board_dispatch(
            by=desk,
            order=order,
            technician=tech,
            starts_at=at(2026, 3, 9, 17),
            now=at(2026, 3, 9, 8),
        )
    assert e.value.code == "off_duty_hours"


def test_no_permit_is_refused_on_the_board_as_in_the_form(desk, customer, org):
    nobody = make_technician(org, permit=False, name="无证")
    order = new_order(desk, customer)
    with pytest.raises(ValidationFailed) as e:
        rs.board_dispatch(
            by=desk,
            order=order,
            technician=nobody,
            starts_at=at(2026, 3, 9, 10),
            now=at(2026, 3, 9, 8),
        )
    assert "technician" in e.value.fields
    assert not Appointment.objects.filter(order=order).exists()


def test_a_technician_of_another_store_is_refused_unless_they_serve_an_area_there(
    desk, supervisor, customer, org, store
):
    from shouhou.org.tests.factories import StoreFactory

    other = StoreFactory(organisation=org, name="二号店", code="s2")
    far = make_technician(org, name="远师傅")
    far.store = other
    far.save()
    order = new_order(desk, customer, store=store)
    with pytest.raises(ValidationFailed) as e:
        wo.workorder_dispatch(by=desk, order=order, technician=far, now=at(2026, 3, 9, 10))
    assert e.value.code == "other_store"
    rs.area_save(
        by=supervisor, store=store, name="朝阳片区", districts=["朝阳区"], technicians=[far]
    )
    order = wo.workorder_dispatch(by=desk, order=order, technician=far, now=at(2026, 3, 9, 10))
    assert order.technician_id == far.pk


def test_the_api_answers_400_with_the_reason_on_technician(api, desk, supervisor, tech, customer):
    rs.shift_week_set(by=supervisor, staff=tech, week=MON, days=week({0: "off"}))
    order = new_order(desk, customer)
    import time_machine

    with time_machine.travel(at(2026, 3, 9, 10), tick=False):
        resp = api.as_(desk).post(
            f"/api/v1/workorders/{order.pk}/dispatch/", {"technician": tech.pk}
        )
    assert resp.status_code == 400, resp.content
    body = resp.json()["error"]
    assert body["code"] == "off_duty"
    assert "technician" in body["fields"]


def test_the_agreed_time_becomes_the_window_and_a_reschedule_keeps_history_and_reason(
    desk, tech, customer
):
    order = new_order(desk, customer)
    order = wo.workorder_dispatch(by=desk, order=order, technician=tech, now=at(2026, 3, 9, 10))
    order = wo.workorder_appoint(
        by=tech.user, order=order, appointment_at=at(2026, 3, 10, 14), now=at(2026, 3, 9, 11)
    )
    a = Appointment.objects.get(order=order)
    assert a.status == Appointment.Status.AGREED and a.starts_at == at(2026, 3, 10, 14)
    rs.appointment_reschedule(
        by=desk,
        order=order,
        starts_at=at(2026, 3, 11, 9),
        reason="客户临时出差",
        now=at(2026, 3, 9, 12),
    )
    a.refresh_from_db()
    assert a.starts_at == at(2026, 3, 11, 9) and a.changes == 1
    last = a.history.order_by("-id").first()
    assert last.kind == AppointmentChange.Kind.RESCHEDULED
    assert last.reason == "客户临时出差" and last.previous_starts_at == at(2026, 3, 10, 14)
    assert WorkOrder.objects.get(pk=order.pk).appointment_at == at(2026, 3, 11, 9)
    with pytest.raises(ValidationFailed):
        rs.appointment_reschedule(by=desk, order=order, starts_at=at(2026, 3, 12, 9), reason="")


def test_customer_not_at_home_voids_the_window_with_the_reason(desk, tech, customer):
    order = new_order(desk, customer)
    order = wo.workorder_dispatch(by=desk, order=order, technician=tech, now=at(2026, 3, 9, 10))
    order = wo.workorder_appoint(
        by=tech.user, order=order, appointment_at=at(2026, 3, 10, 14), now=at(2026, 3, 9, 11)
    )
    wo.workorder_not_home(by=tech.user, order=order, note="门上留了条", now=at(2026, 3, 10, 14))
    a = Appointment.objects.get(order=order)
    assert a.status == Appointment.Status.VOIDED
    assert a.history.order_by("-id").first().kind == AppointmentChange.Kind.VOIDED


def test_an_appointment_on_a_day_of_leave_is_refused(desk, supervisor, tech, customer):
    order = new_order(desk, customer)
    order = wo.workorder_dispatch(by=desk, order=order, technician=tech, now=at(2026, 3, 9, 10))
    leave = rs.leave_request(
        by=supervisor,
        staff=tech,
        first_day=dt.date(2026, 3, 12),
        last_day=dt.date(2026, 3, 12),
        reason="培训",
    )
    rs.leave_approve(by=supervisor, leave=leave)
    with pytest.raises(ValidationFailed) as e:
        wo.workorder_appoint(
            by=tech.user, order=order, appointment_at=at(2026, 3, 12, 9), now=at(2026, 3, 9, 11)
        )
    assert e.value.code == "on_leave" and "appointment_at" in e.value.fields


def test_the_confirmation_call_of_the_day_is_recorded(desk, tech, customer):
    order = new_order(desk, customer)
    order = wo.workorder_dispatch(by=desk, order=order, technician=tech, now=at(2026, 3, 9, 10))
    order = wo.workorder_appoint(
        by=tech.user, order=order, appointment_at=at(2026, 3, 10, 14), now=at(2026, 3, 9, 11)
    )
    with pytest.raises(ValidationFailed):
        rs.appointment_confirm(
            by=tech.user, order=order, reached=False, note="", now=at(2026, 3, 10, 8)
        )
    rs.appointment_confirm(by=tech.user, order=order, reached=True, now=at(2026, 3, 10, 8))
    a = Appointment.objects.get(order=order)
    assert a.status == Appointment.Status.CONFIRMED and a.calls.count() == 1
