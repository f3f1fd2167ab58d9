"""Confirming or moving the appointment on the self-service page (issue 24.1c): only to the
times offered, at most `customer_moves_max` times, until the working day before, never onto a
day the technician is away; every change is the customer's in the order's history.

Monday 9 March 2026, 10:00; office hours 9–18, appointments of 120 minutes."""

import datetime as dt

import pytest
import time_machine
from django.core.cache import cache
from django.urls import reverse

from shouhou.callbacks.tests.records_factories import appointed
from shouhou.core.models import AuditEvent
from shouhou.portal import links, selectors, services
from shouhou.portal.models import AppointmentMove, PortalSettings
from shouhou.roster import services as rs
from shouhou.roster.models import Appointment
from shouhou.workorders.models import WorkOrder
from shouhou.workorders.tests.factories import at, make_customer

pytestmark = pytest.mark.django_db
NOW = at(2026, 3, 9, 10)
WEDNESDAY = at(2026, 3, 11, 9)


@pytest.fixture(autouse=True)
def frozen():
    cache.clear()
    with time_machine.travel(NOW, tick=False) as t:
        yield t


@pytest.fixture
def order(desk, tech, org, store):
    customer = make_customer(org, store=store, name="张伟")
    return appointed(desk, tech, customer, NOW, appointment_at=WEDNESDAY)


def page(order):
    return reverse("portal:order", kwargs={"token": links.order_token(order)})


def move_page(order):
    return reverse("portal:move", kwargs={"token": links.order_token(order)})


def test_the_times_offered_start_the_next_working_day_in_office_hours(order):
    slots = selectors.move_slots(order, NOW)
    first_day = [s for s in slots if s.date() == dt.date(2026, 3, 10)]
    assert [s.hour for s in first_day] == [9, 11, 13, 15]  # 15:00–17:00 is the last by 18:00
    assert WEDNESDAY not in slots  # the current time is not offered again
    days = sorted({s.date() for s in slots})
    assert len(days) == 10 and dt.date(2026, 3, 14) not in days  # working days only


def test_the_customer_confirms_the_time_once_and_the_history_says_so(client, order):
    r = client.post(page(order), {"appointment": "confirm"})
    assert r.status_code == 200 and "已确认" in r.content.decode()
    window = Appointment.objects.get(order=order)
    assert window.customer_confirmed_at == NOW
    assert client.post(page(order), {"appointment": "confirm"}).status_code == 200
    events = AuditEvent.objects.filter(action="shouhou.roster.appointment_customer_confirmed")
    assert events.count() == 1 and events.get().actor_id is None


def test_moving_to_an_offered_time_moves_the_order_and_its_window(client, order):
    new = at(2026, 3, 12, 11)
    r = client.post(move_page(order), {"starts_at": new.isoformat(), "reason": "周三要上班"})
    assert r.status_code == 302
    order.refresh_from_db()
    assert order.appointment_at == new and order.status == "appointed"
    window = Appointment.objects.get(order=order)
    assert window.starts_at == new and window.customer_confirmed_at is None
    move = AppointmentMove.objects.get(order=order)
    assert (move.from_at, move.to_at, move.reason) == (WEDNESDAY, new, "周三要上班")
    audit = AuditEvent.objects.get(action="shouhou.workorder.customer_reschedule")
    assert audit.actor_id is None and "客户" in audit.note


def test_a_time_not_offered_is_refused_on_the_form_and_nothing_moves(client, order):
    for bad in (at(2026, 3, 12, 12, 34).isoformat(), at(2026, 3, 14, 9).isoformat(), "明天"):
        r = client.post(move_page(order), {"starts_at": bad})
        assert r.status_code == 400
    with pytest.raises(services.ValidationFailed) as e:
        services.portal_appointment_move(order=order, starts_at=at(2026, 3, 12, 20))
    assert "starts_at" in e.value.fields
    assert WorkOrder.objects.get(pk=order.pk).appointment_at == WEDNESDAY
    assert not AppointmentMove.objects.exists()


def test_after_the_allowed_moves_the_page_sends_the_customer_to_the_hotline(client, order, org):
    PortalSettings.for_org(org)  # defaults: two moves
    services.portal_appointment_move(order=order, starts_at=at(2026, 3, 12, 11))
    services.portal_appointment_move(
        order=WorkOrder.objects.get(pk=order.pk), starts_at=at(2026, 3, 13, 9)
    )
    order = WorkOrder.objects.get(pk=order.pk)
    body = client.get(move_page(order)).content.decode()
    assert 'id="why-not"' in body and "热线" in body
    with pytest.raises(services.InvalidTransition):
        services.portal_appointment_move(order=order, starts_at=at(2026, 3, 16, 9))
    assert AppointmentMove.objects.count() == 2


def test_on_the_working_day_before_it_may_still_move_but_not_on_the_day(desk, tech, org, store):
    first, second = make_customer(org, store=store), make_customer(org, store=store)
    tomorrow = appointed(desk, tech, first, NOW, appointment_at=at(2026, 3, 10, 9))
    assert selectors.appointment_for(tomorrow, NOW)["can_move"]
    today = appointed(desk, tech, second, NOW, appointment_at=at(2026, 3, 9, 15))
    view = selectors.appointment_for(today, NOW)
    assert not view["can_move"] and "热线" in view["why_not"]
    with pytest.raises(services.InvalidTransition):
        services.portal_appointment_move(order=today, starts_at=at(2026, 3, 12, 11))


def test_a_day_the_technician_is_on_leave_is_refused_without_saying_why(
    order, tech, make_user, store
):
    supervisor = make_user("cs_supervisor", store=store)
    leave = rs.leave_request(
        by=tech.user,
        staff=tech,
        first_day=dt.date(2026, 3, 12),
        last_day=dt.date(2026, 3, 12),
        reason="家中有事",
    )
    rs.leave_approve(by=supervisor, leave=leave)
    with pytest.raises(services.ValidationFailed) as e:
        services.portal_appointment_move(order=order, starts_at=at(2026, 3, 12, 11))
    message = str(e.value.fields["starts_at"][0])
    assert "假" not in message and "leave" not in message
    assert WorkOrder.objects.get(pk=order.pk).appointment_at == WEDNESDAY
    assert not AppointmentMove.objects.exists()


def test_an_order_without_an_appointment_offers_neither(client, desk, tech, org, store):
    from shouhou.callbacks.tests.records_factories import dispatched

    order = dispatched(desk, tech, make_customer(org, store=store), NOW)
    assert selectors.appointment_for(order, NOW) is None
    assert 'id="appointment"' not in client.get(page(order)).content.decode()
    assert client.get(move_page(order)).status_code == 302


def test_a_forged_link_cannot_move_anything(client, order):
    token = links.order_token(order)
    r = client.post(
        reverse("portal:move", kwargs={"token": token[:-2] + "xx"}),
        {"starts_at": at(2026, 3, 12, 11).isoformat()},
    )
    assert r.status_code == 404
    assert not AppointmentMove.objects.exists()
