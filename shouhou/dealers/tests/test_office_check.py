"""范文2 四.2: the dealer arranges a forwarded task within 2 working hours (its own rule,
`arrange_within_hours`); the sales office checks within 4 working hours of forwarding and reports
what was not arranged to the company's leadership, once."""

import datetime as dt
from zoneinfo import ZoneInfo

import pytest
from django.utils import timezone

from shouhou.complaints.models import Notification
from shouhou.dealers import jobs, services
from shouhou.dealers.models import ServiceTask

pytestmark = pytest.mark.django_db
SH = ZoneInfo("Asia/Shanghai")


def _forward(clerk, dealer, now):
    return services.task_forward(
        by=clerk,
        dealer=dealer,
        channel="call",
        customer_name="张伟",
        customer_phone="13812345678",
        problem="发动机异响",
        now=now,
    )


def test_the_office_check_falls_four_working_hours_after_forwarding_across_the_weekend(
    clerk, dealer
):
    task = _forward(clerk, dealer, dt.datetime(2026, 9, 11, 16, 0, tzinfo=SH))
    # Friday 16:00-18:00 (2 h) + Monday 09:00-11:00 (2 h)
    assert timezone.localtime(task.check_due_at, SH) == dt.datetime(2026, 9, 14, 11, tzinfo=SH)
    assert timezone.localtime(task.arrange_due_at, SH) == dt.datetime(2026, 9, 11, 18, tzinfo=SH)


def test_a_task_the_dealer_logged_itself_is_not_checked_by_the_office(dealer_user, dealer):
    task = services.task_log(
        by=dealer_user,
        dealer=dealer,
        channel="call",
        customer_name="张伟",
        customer_phone="13812345678",
        problem="漏水",
        now=dt.datetime(2026, 9, 14, 9, tzinfo=SH),
    )
    assert task.check_due_at is None


def test_a_forwarded_task_not_arranged_at_the_check_is_reported_once_to_the_leadership(
    clerk, dealer, dealer_user, make_user
):
    manager = make_user("general_manager")
    start = dt.datetime(2026, 9, 14, 9, tzinfo=SH)
    late = _forward(clerk, dealer, start)
    done = _forward(clerk, dealer, start)
    services.task_arrange(
        by=dealer_user,
        task=done,
        arrangement="下午上门",
        customer_told=True,
        now=start + dt.timedelta(hours=3),
    )
    assert jobs.check_forwarded_tasks(start + dt.timedelta(hours=3, minutes=59)) == {"reported": 0}
    assert jobs.check_forwarded_tasks(start + dt.timedelta(hours=4, minutes=1)) == {"reported": 1}
    assert jobs.check_forwarded_tasks(start + dt.timedelta(hours=5)) == {"reported": 0}
    assert ServiceTask.objects.get(pk=late.pk).escalated_at is not None
    assert ServiceTask.objects.get(pk=done.pk).escalated_at is None
    notes = list(Notification.objects.filter(recipient=manager))
    assert len(notes) == 1 and dealer.name in notes[0].body
