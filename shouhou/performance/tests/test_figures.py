"""The month's facts counted in the database, against data counted by hand."""

import datetime as dt
from decimal import Decimal

import pytest

from shouhou.performance import figures, selectors
from shouhou.performance.models import Exclusion

from .factories import at, callback, complaint, make_technician, missed, visited

pytestmark = pytest.mark.django_db
JUNE = dt.date(2026, 6, 1)


def counts(org, month=JUNE, **kw):
    facts = figures.live_facts(organisation_id=org.pk, month=month, satisfied_from=4, **kw)
    return {row["technician_id"]: row for row in figures.technician_counts(facts)}


def test_a_visit_at_2359_on_the_last_day_counts_in_that_month_and_0000_in_the_next(org, tech):
    last_minute = visited(org, tech, at(2026, 6, 30, 23, 59))
    first_minute = visited(org, tech, at(2026, 7, 1, 0, 0))
    june = figures.live_facts(organisation_id=org.pk, month=JUNE, satisfied_from=4).orders()
    july = figures.live_facts(
        organisation_id=org.pk, month=dt.date(2026, 7, 1), satisfied_from=4
    ).orders()
    assert [o["id"] for o in june] == [last_minute.pk]
    assert [o["id"] for o in july] == [first_minute.pk]
    # 23:59 Beijing time on 30 June is 15:59 UTC: the month is taken in Asia/Shanghai
    assert june[0]["visit_at"] == dt.datetime(2026, 6, 30, 15, 59, tzinfo=dt.UTC)


def test_the_month_bounds_are_beijing_midnights():
    start, end = figures.month_bounds(JUNE)
    assert start.isoformat() == "2026-06-01T00:00:00+08:00"
    assert end.isoformat() == "2026-07-01T00:00:00+08:00"
    assert figures.month_bounds(dt.date(2026, 12, 1))[1].isoformat() == "2027-01-01T00:00:00+08:00"


def test_the_visit_is_the_arrival_else_the_completion(org, tech):
    # arrived 30 June 23:30, completed 1 July 00:30: June (the arrival)
    visited(org, tech, at(2026, 6, 30, 23, 30))
    # never marked arrived, completed 1 July 09:00: July
    visited(org, tech, at(2026, 7, 1, 9), arrived=False)
    assert counts(org)[tech.pk]["base"] == 1
    assert counts(org, dt.date(2026, 7, 1))[tech.pk]["base"] == 1


def test_cancelled_unvisited_and_unassigned_orders_do_not_count(org, tech):
    visited(org, tech, at(2026, 6, 10))
    visited(org, tech, at(2026, 6, 11), status="cancelled")
    visited(org, tech, at(2026, 6, 12), arrived=False, completed_at=None)
    visited(org, None, at(2026, 6, 13))
    assert counts(org)[tech.pk]["base"] == 1
    assert list(counts(org)) == [tech.pk]


def test_a_job_reported_too_late_is_out_of_the_technicians_base_but_in_the_department(
    org, tech, store
):
    visited(org, tech, at(2026, 6, 10), store=store)
    visited(org, tech, at(2026, 6, 11), store=store, no_bonus=True, late_contact=True)
    assert counts(org)[tech.pk]["base"] == 1
    assert counts(org)[tech.pk]["not_contacted"] == 0
    facts = figures.live_facts(organisation_id=org.pk, month=JUNE, satisfied_from=4)
    (row,) = figures.store_counts(facts)
    assert (row["store_id"], row["base"], row["not_contacted"]) == (store.pk, 2, 1)


def test_each_fact_is_counted_as_defined(org, tech, tech2, make_user):
    d = at(2026, 6, 5)
    ok = visited(org, tech, d)  # nothing wrong
    visited(org, tech, d, late_contact=True)  # contacted after the due time
    visited(org, tech, d, contacted_at=None)  # never contacted
    visited(org, tech, d, contact_overdue=True)  # flagged by the sweep
    visited(org, tech, d, late_onsite=True)  # arrived after the on-site due time
    visited(org, tech, d, onsite_overdue=True)
    callback(visited(org, tech, d), on_time=False, satisfaction=5)  # callback: late
    callback(visited(org, tech, d), technician_came=False)  # callback: did not come
    callback(visited(org, tech, d), satisfaction=3)  # not satisfied (< 4)
    callback(visited(org, tech, d), satisfaction=4)  # satisfied (= 4)
    complaint(visited(org, tech, d), responsibility="workmanship")
    complaint(visited(org, tech, d), kind="return")  # a return is not a complaint
    missed(visited(org, tech, d))  # his own missed service
    # a missed service of the technician before him (re-dispatched): not his
    missed(visited(org, tech, d), technician=tech2)
    # flagged missed service without a record
    visited(org, tech, d, missed_service=True)
    c = counts(org)[tech.pk]
    assert c["base"] == 15
    assert c["not_contacted"] == 3
    assert c["not_on_time"] == 4
    assert c["rated"] == 3
    assert c["not_satisfied"] == 1
    assert c["satisfied"] == 2
    assert c["complaint"] == 1
    assert c["service_complaint"] == 1
    assert c["missed"] == 2
    assert ok.pk in {
        o["id"]
        for o in figures.live_facts(
            organisation_id=org.pk, month=JUNE, satisfied_from=4, technician_id=tech.pk
        ).orders()
    }


def test_an_excluded_complaint_or_dissatisfied_callback_does_not_count(org, tech, manager):
    d = at(2026, 6, 5)
    case = complaint(visited(org, tech, d))
    record = callback(visited(org, tech, d), satisfaction=1)
    assert (counts(org)[tech.pk]["complaint"], counts(org)[tech.pk]["not_satisfied"]) == (1, 1)
    for kind, target in (("complaint", {"case": case}), ("dissatisfaction", {"callback": record})):
        Exclusion.all_objects.create(
            organisation=org,
            kind=kind,
            work_order=(target.get("case") or record).work_order,
            technician=tech,
            month=JUNE,
            category="product_quality",
            reason="质量问题",
            created_by=manager,
            **target,
        )
    assert (counts(org)[tech.pk]["complaint"], counts(org)[tech.pk]["not_satisfied"]) == (0, 0)
    Exclusion.all_objects.filter(case=case).update(revoked_at=at(2026, 6, 20))
    assert counts(org)[tech.pk]["complaint"] == 1


def test_the_satisfaction_threshold_is_the_callback_settings(org, tech):
    from shouhou.callbacks.services import settings_for

    callback(visited(org, tech, at(2026, 6, 5)), satisfaction=4)
    assert counts(org)[tech.pk]["not_satisfied"] == 0
    cfg = settings_for(org)
    cfg.satisfied_from = 5
    cfg.save()
    facts = figures.live_facts(organisation_id=org.pk, month=JUNE, satisfied_from=5)
    assert figures.technician_counts(facts)[0]["not_satisfied"] == 1


def test_another_organisations_orders_never_count(org, other_org, tech):
    stranger = make_technician(other_org, name="外人")
    visited(other_org, stranger, at(2026, 6, 5))
    visited(org, tech, at(2026, 6, 5))
    assert list(counts(org)) == [tech.pk]


def test_the_ranking_scores_a_technician_at_every_tier_boundary_from_the_database(
    org, tech, manager
):
    # 50 orders: 1 not contacted (2 % → 5), 2 late on site (4 % → 4), 4 not satisfied
    # (8 % → 3), 3 complaints (6 % → 3), no missed service (0 % → 5): total 3.90
    d = at(2026, 6, 3)
    orders = [visited(org, tech, d + dt.timedelta(hours=i)) for i in range(50)]
    from shouhou.workorders.models import WorkOrder

    WorkOrder.all_objects.filter(pk=orders[0].pk).update(contact_overdue=True)
    WorkOrder.all_objects.filter(pk__in=[o.pk for o in orders[1:3]]).update(onsite_overdue=True)
    for o in orders[3:7]:
        callback(o, satisfaction=2)
    for o in orders[7:10]:
        complaint(o)
    view = selectors.month_view(user=manager, month="2026-06")
    (row,) = view.rows
    assert row.base == 50
    assert [
        row.counts[k]
        for k in ("not_contacted", "not_on_time", "not_satisfied", "complaint", "missed")
    ] == [1, 2, 4, 3, 0]
    assert [
        row.scores[k]
        for k in ("not_contacted", "not_on_time", "not_satisfied", "complaint", "missed")
    ] == [5, 4, 3, 3, 5]
    assert row.total == Decimal("3.90")
    assert row.bonus_base == Decimal("600.00")
    assert not view.closed
