import datetime as dt

from shouhou.callbacks.models import CallbackTask
from shouhou.callbacks.services import callback_task_create
from shouhou.workorders.tests.factories import make_customer


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
