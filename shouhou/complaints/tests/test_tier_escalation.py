"""The work-order sweep's response-tier rules escalate through the in-app notifications: an
order not arranged within its tier's limit (seed 002 范文2 四.1) is reported once to the
organisation's `WorkOrderSettings.escalate_to_roles` (default: supervisor and manager)."""

import pytest

from shouhou.complaints.models import Notification
from shouhou.workorders import jobs
from shouhou.workorders import services as wo
from shouhou.workorders.tests.factories import at, make_customer


@pytest.mark.django_db(transaction=True)
def test_an_order_not_arranged_in_time_is_reported_once_to_the_supervisors(org, make_user, store):
    desk = make_user("service_desk", store=store)
    supervisor = make_user("cs_supervisor")
    technician = make_user("technician")
    order = wo.workorder_intake(
        by=desk,
        source="hotline",
        kind="repair",
        customer=make_customer(org),
        route="three_guarantee",
        now=at(2026, 3, 6, 10),
    ).order
    jobs.sweep(at(2026, 3, 6, 12, 5))
    jobs.sweep(at(2026, 3, 6, 12, 30), full=True)
    notes = list(Notification.objects.filter(recipient=supervisor))
    assert len(notes) == 1
    assert order.number in notes[0].body
    assert "arrange_overdue" in notes[0].url
    assert not Notification.objects.filter(recipient=technician).exists()
