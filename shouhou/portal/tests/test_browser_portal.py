"""A customer with a phone (375×740) follows the order from the message's link, rates the
visit through the same feedback form as the callbacks link, and finds the order again by its
number and the phone's last digits."""

import datetime as dt

import pytest
from django.utils import timezone

from shouhou.callbacks.models import CallbackRecord
from shouhou.callbacks.tests.records_factories import done
from shouhou.portal import links
from shouhou.workorders.tests.factories import make_customer, make_technician

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_a_customer_follows_rates_and_finds_the_order_on_a_phone(phone_page, make_user, store, org):
    page = phone_page
    desk = make_user("service_desk", store=store)
    tech = make_technician(org, name="王师傅")
    customer = make_customer(org, store=store, name="张伟")
    order = done(desk, tech, customer, timezone.now() - dt.timedelta(hours=3))

    page.goto(page.base_url + links.order_url(order, absolute=False))
    page.wait_for_selector("#portal-order")
    assert "王师傅" in page.inner_text("#technician")
    assert page.evaluate("document.documentElement.scrollWidth") <= 380
    page.click("#feedback-link")
    page.wait_for_selector("#feedback-form")
    page.click("label[for='star-5']")
    page.click("#feedback-form button[type='submit']")
    page.wait_for_url("**/feedback/thanks/")
    assert CallbackRecord.objects.get(work_order=order).satisfaction == 5

    page.goto(page.base_url + f"/portal/{org.code}/find/")
    page.fill("#id_number", order.number)
    page.fill("#id_last4", customer.mobile[-4:])
    page.click("#find-form button[type='submit']")
    page.wait_for_selector("#feedback-done")
    assert page.evaluate("document.documentElement.scrollWidth") <= 380
