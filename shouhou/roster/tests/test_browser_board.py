"""Drag an order onto a technician's hour in a real browser: the server dispatches it."""

import datetime as dt

import pytest
from django.utils import timezone

from shouhou.workorders.models import WorkOrder

from .helpers import new_order

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_dragging_an_order_onto_an_hour_dispatches_it(page, browser_login, desk, tech, customer):
    today = timezone.localdate()
    order = new_order(desk, customer, when=timezone.now() - dt.timedelta(minutes=5))
    browser_login(page, desk)
    page.goto(page.base_url + f"/roster/board/?day={today.isoformat()}")
    card = page.locator(f"li[data-order='{order.pk}']")
    start = timezone.make_aware(dt.datetime.combine(today, dt.time(14))).isoformat()
    slot = page.locator(f"[data-slot][data-technician='{tech.pk}'][data-start='{start}']")
    card.drag_to(slot)
    page.locator(f"a.block:has-text('{order.number}')").wait_for()
    order.refresh_from_db()
    assert order.technician_id == tech.pk
    assert WorkOrder.objects.get(pk=order.pk).status == "dispatched"
