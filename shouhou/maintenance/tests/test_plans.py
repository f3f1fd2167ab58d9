import datetime as dt

import pytest

from shouhou.core.errors import Conflict, InvalidTransition, NotFoundError, ValidationFailed
from shouhou.maintenance import jobs, selectors, services
from shouhou.maintenance.models import Plan, Visit
from shouhou.org.models import Department
from shouhou.workorders import services as wo
from shouhou.workorders import states
from shouhou.workorders.models import WorkOrder
from shouhou.workorders.tests.factories import at


def test_a_warranty_plan_ends_with_the_two_year_warranty_and_first_visits_six_months_on(plan):
    # Accepted 2026-01-12: two years of warranty, the first visit six months after acceptance.
    assert plan.asset.warranty_until == dt.date(2028, 1, 11)
    assert plan.ends_on == dt.date(2028, 1, 11)
    assert plan.next_due_on == dt.date(2026, 7, 13)  # 12 July 2026 is a Sunday


def test_a_visit_due_on_a_holiday_moves_to_the_next_working_day(supervisor, asset, tech):
    plan = services.plan_create(
        by=supervisor, asset=asset, tasks=["巡查"], fixed_dates=["2026-10-01"], technician=tech
    )
    from shouhou.workdays.services import calendar_for

    cal = calendar_for(plan.organisation_id)
    assert not cal.is_working_day(dt.date(2026, 10, 1))  # National Day
    assert plan.next_due_on == dt.date(2026, 10, 8)  # the first working day after the holiday
    assert cal.is_working_day(plan.next_due_on)


def test_a_plan_needs_tasks_a_schedule_and_a_team_or_a_person(supervisor, asset):
    with pytest.raises(ValidationFailed) as exc:
        services.plan_create(by=supervisor, asset=asset, tasks=[], interval_months=None)
    assert {"tasks", "interval_months", "team"} <= set(exc.value.fields)
    assert not Plan.all_objects.exists()


def test_a_clerk_cannot_create_a_plan(make_user, asset, tech):
    from shouhou.core.errors import PermissionDeniedError

    with pytest.raises(PermissionDeniedError):
        services.plan_create(
            by=make_user("clerk"), asset=asset, tasks=["x"], interval_months=6, technician=tech
        )


def test_the_job_issues_the_order_the_lead_working_days_ahead_not_earlier(plan, tech):
    # Due Monday 2026-07-13; five working days ahead is Monday 2026-07-06.
    assert jobs.plans(at(2026, 7, 3, 8))["visits"] == 0
    counts = jobs.plans(at(2026, 7, 6, 8))
    assert counts["visits"] == 1 and counts["orders"] == 1
    visit = Visit.all_objects.get(plan=plan)
    assert visit.due_on == dt.date(2026, 7, 13)
    assert visit.status == Visit.Status.ORDERED
    order = visit.order
    assert order.kind == "maintenance"
    assert order.technician == tech and order.status == states.DISPATCHED
    assert "检查压缩机" in order.description


def test_a_rerun_of_the_job_creates_nothing_twice(plan):
    jobs.plans(at(2026, 7, 6, 8))
    again = jobs.plans(at(2026, 7, 6, 9))
    assert again["visits"] == 0 and again["orders"] == 0
    assert Visit.all_objects.count() == 1
    assert WorkOrder.all_objects.count() == 1


def test_a_plan_for_a_team_puts_the_order_in_the_teams_pool(supervisor, asset, org, store):
    team = Department.all_objects.create(
        organisation=org, store=store, name="安装维修组", kind="after_sales"
    )
    plan = services.plan_create(
        by=supervisor, asset=asset, tasks=["巡查"], interval_months=3, team=team
    )
    jobs.plans(at(2026, 4, 6, 8))
    visit = Visit.all_objects.get(plan=plan)
    assert visit.order.status == states.NEW and visit.order.technician is None


def complete(order, tech, when):
    order = wo.workorder_contact(by=tech.user, order=order, now=when)
    order = wo.workorder_arrive(by=tech.user, order=order, now=when)
    return wo.workorder_complete(
        by=tech.user, order=order, findings="", work_done="保养完成", now=when
    )


def test_completion_sets_the_next_due_date_from_the_real_visit(plan, tech):
    jobs.plans(at(2026, 7, 6, 8))
    visit = Visit.all_objects.get(plan=plan)
    complete(visit.order, tech, at(2026, 7, 20, 15))  # a week late
    visit.refresh_from_db()
    plan.refresh_from_db()
    assert visit.status == Visit.Status.DONE and visit.done_on == dt.date(2026, 7, 20)
    assert plan.next_due_on == dt.date(2027, 1, 20)  # six months after the real visit


def test_skipping_a_visit_cancels_its_order_lists_it_and_moves_the_plan_on(plan, supervisor):
    jobs.plans(at(2026, 7, 6, 8))
    visit = Visit.all_objects.get(plan=plan)
    with pytest.raises(ValidationFailed):
        services.visit_skip(by=supervisor, visit=visit, reason=" ")
    services.visit_skip(by=supervisor, visit=visit, reason="客户出国，设备房关闭")
    visit.refresh_from_db()
    plan.refresh_from_db()
    assert visit.status == Visit.Status.SKIPPED
    assert visit.order.status == states.CANCELLED
    assert plan.next_due_on == dt.date(2027, 1, 13)  # from the due date: no real visit
    assert list(selectors.visits_skipped(user=supervisor)) == [visit]
    with pytest.raises(InvalidTransition):
        services.visit_skip(by=supervisor, visit=visit, reason="again")


def test_a_cancelled_order_counts_as_a_skipped_visit(plan, supervisor):
    jobs.plans(at(2026, 7, 6, 8))
    visit = Visit.all_objects.get(plan=plan)
    wo.workorder_cancel(by=supervisor, order=visit.order, reason="客户取消")
    visit.refresh_from_db()
    assert visit.status == Visit.Status.SKIPPED and "客户取消" in visit.skipped_reason


def test_a_visit_past_its_due_date_is_listed_as_overdue(plan, supervisor):
    jobs.plans(at(2026, 7, 6, 8))
    assert list(selectors.visits_overdue(user=supervisor, now=at(2026, 7, 13, 12))) == []
    overdue = list(selectors.visits_overdue(user=supervisor, now=at(2026, 7, 14, 12)))
    assert [v.due_on for v in overdue] == [dt.date(2026, 7, 13)]


def test_a_planned_visit_can_be_rescheduled_before_its_order_is_issued(
    supervisor, asset, tech, org, store
):
    plan = services.plan_create(
        by=supervisor,
        asset=asset,
        tasks=["巡查"],
        interval_months=6,
        technician=tech,
        lead_working_days=0,
    )
    from shouhou.workdays.services import calendar_for

    horizons = {None: dt.date(2026, 7, 13), 0: dt.date(2026, 7, 13)}
    jobs.generate_visits(org.pk, horizons, at(2026, 7, 1))
    visit = Visit.all_objects.get(plan=plan)
    assert visit.order is None
    visit = services.visit_reschedule(by=supervisor, visit=visit, due_on=dt.date(2026, 7, 18))
    assert visit.due_on == calendar_for(org).working_day_on_or_after(dt.date(2026, 7, 18))
    plan.refresh_from_db()
    assert plan.next_due_on == visit.due_on
    # The job writes no second visit for the old date.
    jobs.plans(at(2026, 7, 13, 8))
    assert Visit.all_objects.filter(plan=plan).count() == 1


def test_no_visit_falls_after_the_plan_ends_and_the_plan_ends(supervisor, asset, tech):
    plan = services.plan_create(
        by=supervisor,
        asset=asset,
        tasks=["巡查"],
        interval_months=12,
        technician=tech,
        ends_on=dt.date(2027, 3, 1),
    )
    assert plan.next_due_on == dt.date(2027, 1, 12)
    jobs.plans(at(2027, 1, 5, 8))
    visit = Visit.all_objects.get(plan=plan)
    complete(visit.order, tech, at(2027, 1, 12, 10))
    plan.refresh_from_db()
    assert plan.next_due_on is None  # 2028-01 is after the end
    jobs.plans(at(2027, 3, 2, 8))
    plan.refresh_from_db()
    assert plan.status == Plan.Status.ENDED


def test_an_ended_plan_is_renewed_once_as_paid_maintenance(plan, supervisor):
    new = services.plan_renew(by=supervisor, plan=plan, ends_on=dt.date(2029, 1, 11), fee="1200.00")
    plan.refresh_from_db()
    assert plan.status == Plan.Status.RENEWED
    assert new.kind == Plan.Kind.PAID and new.renewed_from == plan
    assert new.starts_on == dt.date(2028, 1, 12)
    assert str(new.fee) == "1200.00"
    with pytest.raises((Conflict, InvalidTransition)):
        services.plan_renew(by=supervisor, plan=plan, ends_on=dt.date(2029, 1, 11), fee="1")


def test_a_paid_renewal_needs_a_fee(plan, supervisor):
    with pytest.raises(ValidationFailed) as exc:
        services.plan_renew(by=supervisor, plan=plan, ends_on=dt.date(2029, 1, 11), fee="0")
    assert "fee" in exc.value.fields
    plan.refresh_from_db()
    assert plan.status == Plan.Status.ACTIVE


def test_another_organisations_plan_is_not_found(plan, outsider):
    with pytest.raises(NotFoundError):
        selectors.plan_get(user=outsider, pk=plan.pk)
