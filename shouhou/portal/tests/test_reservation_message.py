"""The customer is told when reserved goods arrive at the desk (seed 004 2.2.2), once."""

import datetime as dt

import pytest

from shouhou.customers.tests.factories import CustomerFactory
from shouhou.frontdesk import services as desk
from shouhou.notify.models import Message

pytestmark = pytest.mark.django_db


def test_arrived_reservation_writes_one_message_for_the_customer(
    make_user, org, store, django_capture_on_commit_callbacks
):
    clerk = make_user("service_desk", store=store)
    customer = CustomerFactory(organisation=org, name="张伟", mobile="13812345678", store=store)
    r = desk.reservation_create(
        by=clerk,
        customer=customer,
        promised_on=dt.date.today() + dt.timedelta(days=7),
        description="三人真皮沙发",
        deposit="500.00",
        receipt_number="SJ-0001",
    )
    with django_capture_on_commit_callbacks(execute=True):
        desk.reservation_arrive(by=clerk, reservation=r)
    msg = Message.all_objects.get(event="reservation_arrived", customer=customer)
    assert "三人真皮沙发" in msg.body
    # the same occurrence again (a replayed event) is still one message
    from shouhou.portal.receivers import on_reservation_arrived

    on_reservation_arrived(sender=None, reservation=r, by=clerk)
    assert Message.all_objects.filter(event="reservation_arrived").count() == 1
