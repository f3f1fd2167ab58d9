from types import SimpleNamespace

from shouhou.workorders import demo, states
from shouhou.workorders.models import WorkOrder

from .factories import make_customer, make_technician


def test_demo_seed_makes_orders_in_every_state_and_runs_twice(org, store):
    ctx = SimpleNamespace(
        orgs={"test": org},
        customers=[make_customer(org, store=store) for _ in range(3)],
        staff=[make_technician(org)],
        products=[],
    )
    demo.seed(ctx)
    demo.seed(ctx)
    assert WorkOrder.all_objects.count() == len(demo.PLAN)
    assert {s for s, _ in states.STATUS_CHOICES} <= set(
        WorkOrder.all_objects.values_list("status", flat=True)
    )
