from types import SimpleNamespace

from shouhou.maintenance import demo
from shouhou.maintenance.models import DutyItem, Plan, Visit
from shouhou.workorders.tests.factories import make_customer, make_technician


def test_demo_seeds_plans_due_this_week_and_a_half_done_checklist_and_runs_twice(
    org, store, make_user
):
    make_user("cs_supervisor", store=store)
    ctx = SimpleNamespace(orgs={"test": org})
    for _ in range(4):
        make_customer(org, store=store)
    make_technician(org)
    demo.seed(ctx)
    demo.seed(ctx)
    assert Plan.all_objects.filter(organisation=org).count() == 4
    assert Visit.all_objects.filter(status=Visit.Status.SKIPPED).count() == 1
    assert Visit.all_objects.filter(order__isnull=False).exists()
    items = DutyItem.all_objects.filter(
        duty_list__template__role="cs_supervisor", duty_list__template__period="daily"
    )
    done = items.filter(done_at__isnull=False).count()
    assert 0 < done < items.count()
