"""The demo gives the call-centre agent a list for today, and seeding twice changes nothing."""

import datetime as dt
from types import SimpleNamespace

import pytest
from django.utils import timezone

from shouhou.callbacks import demo, selectors
from shouhou.callbacks.models import CallbackSettings, CallbackTask
from shouhou.customers.models import Customer
from shouhou.workorders.models import WorkOrder

from .tasks_factories import make_customer

pytestmark = pytest.mark.django_db


def test_the_demo_fills_the_agents_list_once(org, other_org, make_user, store):
    from shouhou.delivery.tests.factories import make_contract
    from shouhou.sales.services import contract_mark_delivered

    agent = make_user("call_centre", username="callcentre")
    sales = make_user("sales", store=store)
    customers = [make_customer(org) for _ in range(4)]
    Customer.all_objects.filter(pk=customers[0].pk).update(
        is_member=True, birthday=dt.date(1980, 5, 4)
    )
    customers[0].refresh_from_db()
    WorkOrder.all_objects.create(
        organisation=org, number="D1", kind="repair", source="hotline", status="done",
        customer=customers[1], received_at=timezone.now(), completed_at=timezone.now(),
    )  # fmt: skip
    WorkOrder.all_objects.create(
        organisation=org, number="D2", kind="repair", source="hotline", status="appointed",
        customer=customers[3], received_at=timezone.now(),
    )  # fmt: skip
    contract = make_contract(sales, store, customer=customers[2])
    contract_mark_delivered(by=sales, contract=contract, delivered_on=dt.date.today())
    ctx = SimpleNamespace(
        orgs={"jiancai": org, "jiaju": other_org},
        users={"callcentre": agent, "sales": sales},
        customers={"jiancai": customers},
    )
    demo.seed(ctx)
    rows = sorted(CallbackTask.all_objects.values_list("source_key", "assigned_to_id", "status"))
    demo.seed(ctx)
    assert (
        sorted(CallbackTask.all_objects.values_list("source_key", "assigned_to_id", "status"))
        == rows
    )
    assert CallbackSettings.objects.filter(organisation__in=[org, other_org]).count() == 2
    mine = list(selectors.call_list(user=agent))
    kinds = {t.kind for t in mine}
    assert {"after_service", "after_delivery", "after_appointment"} <= kinds
    # A greeting: the next holiday the calendar knows, else the member's birthday.
    assert kinds & {"holiday_greeting", "birthday_greeting"}
    assert any(t.due_on < timezone.localdate() for t in mine)
    assert any(t.due_on == timezone.localdate() for t in mine)
    assert selectors.call_list(user=agent, unassigned=True).exists()
