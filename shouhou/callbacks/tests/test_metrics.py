"""Coverage metrics, computed by hand on the 2026 calendar.

Friday 2026-09-25 is the Mid-Autumn festival (holiday 25-27 Sep), National Day runs 1-7 Oct
with a make-up working day on Saturday 10 Oct. So for something completed on 2026-09-25:
working day 1 = Mon 09-28, 2 = Tue 09-29, 3 = Wed 09-30, 4 = Thu 10-08.
"""

import datetime as dt
import itertools
from decimal import Decimal

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from shouhou.callbacks import metrics
from shouhou.callbacks.models import CallbackRecord, CallbackSettings, CallbackTask
from shouhou.callbacks.services import settings_for
from shouhou.catalog.tests.factories import ProductModelFactory
from shouhou.core.errors import ValidationFailed
from shouhou.delivery.models import Delivery
from shouhou.org.tests.factories import StoreFactory
from shouhou.sales.models import Contract
from shouhou.workdays.services import add_working_days
from shouhou.workorders.models import WorkOrder
from shouhou.workorders.tests.factories import at, make_customer, make_technician

pytestmark = pytest.mark.django_db

_n = itertools.count(1)
SEP = (dt.date(2026, 9, 1), dt.date(2026, 9, 30))
AFTER = at(2026, 11, 2)  # "now": every window of September has closed


# -- builders (also used by test_metrics_pages.py) ----------------------------------------------
def order(org, customer, completed, *, store=None, status="done", **kw):
    n = next(_n)
    return WorkOrder.all_objects.create(
        organisation=org,
        number=f"WO-T{n}",
        kind="repair",
        source="hotline",
        customer=customer,
        store=store,
        status=status,
        received_at=completed - dt.timedelta(days=3),
        completed_at=completed,
        **kw,
    )


def delivery(org, customer, store, delivered, *, status="delivered"):
    n = next(_n)
    contract = Contract.all_objects.create(
        organisation=org,
        number=f"HT-T{n}",
        customer=customer,
        store=store,
        signed_on=dt.date(2026, 8, 1),
    )
    day = delivered.date() if delivered else dt.date(2026, 9, 1)
    return Delivery.all_objects.create(
        organisation=org,
        contract=contract,
        customer=customer,
        status=status,
        scheduled_date=day,
        address="幸福路1号",
        in_transit_since=day,
        storage_limit_on=day,
        workshop_due_on=day,
        delivered_at=delivered,
    )


def record(org, customer, called, **kw):
    return CallbackRecord.all_objects.create(
        organisation=org, customer=customer, called_at=called, **kw
    )


def task(org, customer, due_on, *, kind="after_service", status="open", **kw):
    return CallbackTask.all_objects.create(
        organisation=org,
        customer=customer,
        kind=kind,
        due_on=due_on,
        status=status,
        source_key=f"test:{next(_n)}",
        **kw,
    )


def three_services(org, store=None):
    """In time (3rd working day), late (4th working day), never called back."""
    c = make_customer(org)
    in_time = order(org, c, at(2026, 9, 25, 10), store=store)
    record(org, c, at(2026, 9, 30, 23, 59), work_order=in_time)
    late = order(org, c, at(2026, 9, 25, 11), store=store)
    record(org, c, at(2026, 10, 8, 9), work_order=late)
    missing = order(org, c, at(2026, 9, 25, 12), store=store)
    return in_time, late, missing


# -- coverage ---------------------------------------------------------------------------------
def test_the_2026_calendar_puts_the_third_working_day_after_mid_autumn_on_30_september(org):
    assert add_working_days(dt.date(2026, 9, 25), 3, org) == dt.date(2026, 9, 30)
    assert add_working_days(dt.date(2026, 9, 25), 4, org) == dt.date(2026, 10, 8)


def test_a_service_called_back_on_the_third_working_day_is_in_time_the_fourth_is_late(org):
    in_time, late, missing = three_services(org)

    cov = metrics.coverage(org, *SEP, now=AFTER)

    s = cov["services"]
    assert (s["total"], s["in_time"], s["late"], s["missing"], s["pending"]) == (3, 1, 1, 1, 0)
    assert s["due"] == 3
    assert s["pct"] == Decimal("33.3")
    assert cov["target_pct"] == Decimal("100") and s["below_target"] is True
    assert cov["window_working_days"] == 3
    rows = {row["id"]: row for row in cov["services_not_in_time"]}
    assert set(rows) == {late.pk, missing.pk}
    assert rows[late.pk]["state"] == "late"
    assert rows[late.pk]["deadline"] == dt.date(2026, 9, 30)
    assert rows[late.pk]["called_on"] == dt.date(2026, 10, 8)
    assert rows[missing.pk]["state"] == "missing" and rows[missing.pk]["called_on"] is None


def test_every_service_called_back_in_time_meets_the_target(org):
    c = make_customer(org)
    for day in (24, 25, 26):
        o = order(org, c, at(2026, 9, day, 15))
        record(org, c, at(2026, 9, 30, 9), work_order=o)
    s = metrics.coverage(org, *SEP, now=AFTER)["services"]
    assert s["in_time"] == 3 and s["pct"] == Decimal("100.0") and s["below_target"] is False


def test_the_deadline_is_the_end_of_the_local_day_in_shanghai(org):
    c = make_customer(org)
    # Tue 09-29 + 3 working days: 09-30, 10-08, Fri 10-09
    o = order(org, c, at(2026, 9, 29, 20))
    record(org, c, at(2026, 10, 9, 23, 59), work_order=o)
    late = order(org, c, at(2026, 9, 29, 21))
    record(org, c, at(2026, 10, 10, 0, 1), work_order=late)  # the make-up Saturday: too late
    s = metrics.coverage(org, *SEP, now=AFTER)["services"]
    assert (s["in_time"], s["late"]) == (1, 1)


def test_a_callback_before_the_service_was_completed_does_not_count(org):
    c = make_customer(org)
    o = order(org, c, at(2026, 9, 25, 15))
    record(org, c, at(2026, 9, 24, 10), work_order=o)  # the call after the appointment
    s = metrics.coverage(org, *SEP, now=AFTER)["services"]
    assert (s["total"], s["in_time"], s["missing"]) == (1, 0, 1)


def test_the_earliest_callback_decides_and_a_second_one_changes_nothing(org):
    c = make_customer(org)
    o = order(org, c, at(2026, 9, 25, 15))
    record(org, c, at(2026, 9, 28, 10), work_order=o)
    record(org, c, at(2026, 10, 20, 10), work_order=o)
    s = metrics.coverage(org, *SEP, now=AFTER)["services"]
    assert (s["total"], s["in_time"], s["late"]) == (1, 1, 0)


def test_cancelled_no_callback_and_out_of_period_orders_are_left_out(org):
    c = make_customer(org)
    order(org, c, at(2026, 9, 25, 10), status="cancelled")
    order(org, c, at(2026, 9, 25, 10), no_callback=True)
    order(org, c, at(2026, 8, 31, 23, 59))
    order(org, c, at(2026, 10, 1, 0, 0))
    order(org, c, at(2026, 9, 1, 0, 0))  # the first moment of the period counts
    s = metrics.coverage(org, *SEP, now=AFTER)["services"]
    assert s["total"] == 1


def test_a_window_that_has_not_closed_is_pending_and_not_counted_against_the_target(org):
    in_time, late, missing = three_services(org)
    cov = metrics.coverage(org, *SEP, now=at(2026, 9, 29, 12))  # the window ends with 09-30
    s = cov["services"]
    assert (s["in_time"], s["late"], s["pending"], s["missing"]) == (1, 1, 1, 0)
    assert s["due"] == 2 and s["pct"] == Decimal("50.0")
    assert [row["id"] for row in cov["services_not_in_time"]] == [late.pk]


def test_the_target_is_the_organisations_setting(org):
    three_services(org)
    settings_for(org)
    CallbackSettings.objects.filter(organisation=org).update(coverage_target_pct=30)
    cov = metrics.coverage(org, *SEP, now=AFTER)
    assert cov["target_pct"] == Decimal("30")
    assert cov["services"]["pct"] == Decimal("33.3") and cov["services"]["below_target"] is False


def test_a_longer_window_from_the_settings_turns_the_fourth_day_callback_in_time(org):
    three_services(org)
    CallbackSettings.objects.filter(organisation=org).delete()
    settings_for(org)
    CallbackSettings.objects.filter(organisation=org).update(coverage_working_days=4)
    s = metrics.coverage(org, *SEP, now=AFTER)["services"]
    assert (s["in_time"], s["late"], s["missing"]) == (2, 0, 1)


def test_deliveries_are_called_back_within_three_working_days_too(org, store):
    c = make_customer(org)
    ok = delivery(org, c, store, at(2026, 9, 25, 16))
    record(org, c, at(2026, 9, 30, 10), delivery=ok)
    reported = delivery(org, c, store, at(2026, 9, 25, 17), status="reported")
    record(org, c, at(2026, 10, 8, 10), delivery=reported)
    missing = delivery(org, c, store, at(2026, 9, 25, 18))
    delivery(org, c, store, None, status="cancelled")
    delivery(org, c, store, None, status="out")

    cov = metrics.coverage(org, *SEP, now=AFTER)

    d = cov["deliveries"]
    assert (d["total"], d["in_time"], d["late"], d["missing"]) == (3, 1, 1, 1)
    assert d["pct"] == Decimal("33.3")
    assert {row["id"]: row["state"] for row in cov["deliveries_not_in_time"]} == {
        reported.pk: "late",
        missing.pk: "missing",
    }
    assert cov["services"]["total"] == 0 and cov["services"]["pct"] is None


def test_members_are_counted_apart_for_the_100_percent_member_target(org):
    member = make_customer(org, name="会员")
    member.is_member = True
    member.save()
    other = make_customer(org)
    o = order(org, member, at(2026, 9, 25, 10))
    record(org, member, at(2026, 9, 28, 10), work_order=o)
    order(org, member, at(2026, 9, 25, 10))
    order(org, other, at(2026, 9, 25, 10))
    s = metrics.coverage(org, *SEP, now=AFTER)["services"]
    assert (s["members_total"], s["members_in_time"], s["members_pct"]) == (2, 1, Decimal("50.0"))
    assert s["pct"] == Decimal("33.3")


def test_coverage_is_split_per_store_and_filtered_by_store(org):
    s1 = StoreFactory(organisation=org, name="一店", code="a1")
    s2 = StoreFactory(organisation=org, name="二店", code="a2")
    three_services(org, store=s1)
    c = make_customer(org)
    o = order(org, c, at(2026, 9, 10, 10), store=s2)
    record(org, c, at(2026, 9, 11, 10), work_order=o)
    order(org, c, at(2026, 9, 10, 10))  # no store
    d = delivery(org, c, s2, at(2026, 9, 10, 10))
    record(org, c, at(2026, 9, 14, 10), delivery=d)

    cov = metrics.coverage(org, *SEP, now=AFTER)

    by = {row["store"]: row for row in cov["by_store"]}
    assert list(by) == ["一店", "二店", "（无门店）"]
    assert by["一店"]["services"]["pct"] == Decimal("33.3")
    assert by["二店"]["services"]["pct"] == Decimal("100.0")
    assert by["二店"]["deliveries"]["in_time"] == 1
    assert by["（无门店）"]["services"]["missing"] == 1
    assert by["一店"]["deliveries"]["total"] == 0
    assert cov["services"]["total"] == 5

    only = metrics.coverage(org, *SEP, s2, now=AFTER)
    assert only["services"]["total"] == 1 and only["deliveries"]["total"] == 1
    assert [row["store"] for row in only["by_store"]] == ["二店"]


def test_another_organisations_orders_and_callbacks_never_count(org, other_org):
    three_services(other_org)
    c = make_customer(org)
    mine = order(org, c, at(2026, 9, 25, 10))
    foreign = make_customer(other_org)
    # a record of the other organisation pointing at my order must not count either
    record(other_org, foreign, at(2026, 9, 28, 10), work_order=mine)
    cov = metrics.coverage(org, *SEP, now=AFTER)
    assert cov["services"]["total"] == 1 and cov["services"]["missing"] == 1
    assert [row["id"] for row in cov["services_not_in_time"]] == [mine.pk]
    assert metrics.coverage(other_org, *SEP, now=AFTER)["services"]["total"] == 3


def test_the_queries_do_not_grow_with_the_number_of_orders(org, store):
    def count_queries():
        metrics.coverage(org, *SEP, now=AFTER, list_limit=0)  # warm: settings, calendar
        with CaptureQueriesContext(connection) as ctx:
            metrics.coverage(org, *SEP, now=AFTER, list_limit=0)
        return len(ctx.captured_queries)

    three_services(org, store)
    few = count_queries()
    for _i in range(10):
        three_services(org, store)
        c = make_customer(org)
        delivery(org, c, store, at(2026, 9, 15, 10))
    assert count_queries() == few


def test_a_period_that_ends_before_it_starts_or_is_longer_than_a_year_is_refused(org):
    with pytest.raises(ValidationFailed) as exc:
        metrics.coverage(org, dt.date(2026, 9, 30), dt.date(2026, 9, 1))
    assert "to" in exc.value.fields
    with pytest.raises(ValidationFailed) as exc:
        metrics.coverage(org, dt.date(2024, 12, 31), dt.date(2026, 1, 1))  # 367 days
    assert "to" in exc.value.fields
    metrics.coverage(org, dt.date(2025, 1, 1), dt.date(2026, 1, 1), now=AFTER)  # 366 days


def test_malformed_dates_name_the_field():
    today = dt.date(2026, 9, 15)
    with pytest.raises(ValidationFailed) as exc:
        metrics.parse_period("2026-13-01", "yesterday", today=today)
    assert set(exc.value.fields) == {"from", "to"}
    assert metrics.parse_period("", None, today=today) == (
        dt.date(2026, 9, 1),
        dt.date(2026, 9, 30),
    )
    assert metrics.parse_period("2026-02-01", "2026-02-28", today=today) == (
        dt.date(2026, 2, 1),
        dt.date(2026, 2, 28),
    )


def test_a_store_of_another_organisation_is_refused(org, other_org):
    foreign = StoreFactory(organisation=other_org, code="x1")
    with pytest.raises(ValidationFailed) as exc:
        metrics.resolve_store(org, foreign.pk)
    assert "store" in exc.value.fields
    with pytest.raises(ValidationFailed):
        metrics.resolve_store(org, "abc")


# -- overdue ----------------------------------------------------------------------------------
def test_overdue_tasks_are_counted_by_kind_and_agent_oldest_first(org, make_user, other_org):
    agent = make_user("call_centre", display_name="周呼叫")
    c = make_customer(org)
    today = dt.date(2026, 10, 12)
    oldest = task(org, c, dt.date(2026, 9, 28), assigned_to=agent)
    task(org, c, dt.date(2026, 10, 9), assigned_to=agent)
    task(org, c, dt.date(2026, 10, 9), kind="after_delivery")
    task(org, c, dt.date(2026, 10, 12))  # due today: not overdue
    task(org, c, dt.date(2026, 9, 1), status="done", assigned_to=agent)
    task(org, c, dt.date(2026, 9, 1), status="unreachable")
    task(other_org, make_customer(other_org), dt.date(2026, 9, 1))

    od = metrics.overdue(org, today)

    assert od["total"] == 3
    assert [(row["kind"], row["count"]) for row in od["by_kind"]] == [
        ("after_service", 2),
        ("after_delivery", 1),
    ]
    agents = {row["agent"]: row["count"] for row in od["by_agent"]}
    assert agents == {"周呼叫": 2, "（未分配）": 1}
    assert od["oldest"][0]["id"] == oldest.pk
    # 09-28 -> 10-12: 09-29, 09-30, 10-08, 10-09, 10-10 (make-up), 10-12 = 6 working days
    assert od["oldest"][0]["working_days_overdue"] == 6
    assert [row["due_on"] for row in od["oldest"]] == sorted(row["due_on"] for row in od["oldest"])


def test_overdue_tasks_are_filtered_by_the_store_of_their_order(org):
    s1 = StoreFactory(organisation=org, code="b1")
    s2 = StoreFactory(organisation=org, code="b2")
    c = make_customer(org)
    task(org, c, dt.date(2026, 9, 1), work_order=order(org, c, at(2026, 8, 28), store=s1))
    task(org, c, dt.date(2026, 9, 1), work_order=order(org, c, at(2026, 8, 28), store=s2))
    task(org, c, dt.date(2026, 9, 1), delivery=delivery(org, c, s1, at(2026, 8, 28)))
    assert metrics.overdue(org, dt.date(2026, 10, 12), s1)["total"] == 2
    assert metrics.overdue(org, dt.date(2026, 10, 12))["total"] == 3


# -- satisfaction -----------------------------------------------------------------------------
def _scored(org, store_a, store_b):
    c = make_customer(org)
    tech = make_technician(org, name="李师傅")
    pm = ProductModelFactory(
        organisation=org, product__organisation=org, product__name="热水器", code="HW-13L"
    )
    for score, store in ((5, store_a), (4, store_a), (2, store_a), (3, store_b)):
        record(
            org,
            c,
            at(2026, 9, 10),
            satisfaction=score,
            store=store,
            technician=tech,
            product_model=pm,
        )
    record(org, c, at(2026, 9, 10), satisfaction=None, store=store_a)  # not scored
    record(org, c, at(2026, 10, 1), satisfaction=1, store=store_a)  # after the period
    return tech, pm


def test_satisfaction_by_store_averages_to_two_places_and_counts_satisfied_from_four(org):
    a = StoreFactory(organisation=org, name="一店", code="c1")
    b = StoreFactory(organisation=org, name="二店", code="c2")
    _scored(org, a, b)

    sat = metrics.satisfaction(org, *SEP, by="store")

    assert sat["satisfied_from"] == 4
    rows = {row["label"]: row for row in sat["rows"]}
    assert rows["一店"]["scored"] == 3
    assert rows["一店"]["average"] == Decimal("3.67")  # 11 / 3
    assert rows["一店"]["satisfied"] == 2 and rows["一店"]["satisfied_pct"] == Decimal("66.7")
    assert rows["一店"]["not_satisfied_pct"] == Decimal("33.3")
    assert rows["一店"]["scores"] == [0, 1, 0, 1, 1]
    assert rows["二店"]["average"] == Decimal("3.00") and rows["二店"]["satisfied"] == 0
    overall = sat["overall"]
    assert overall["scored"] == 4 and overall["average"] == Decimal("3.50")
    assert overall["satisfied_pct"] == Decimal("50.0")


def test_lowering_satisfied_from_to_three_counts_a_three_as_satisfied(org):
    a = StoreFactory(organisation=org, name="一店", code="d1")
    b = StoreFactory(organisation=org, name="二店", code="d2")
    _scored(org, a, b)
    settings_for(org)
    CallbackSettings.objects.filter(organisation=org).update(satisfied_from=3)

    sat = metrics.satisfaction(org, *SEP, by="store")

    rows = {row["label"]: row for row in sat["rows"]}
    assert rows["二店"]["satisfied"] == 1 and rows["二店"]["satisfied_pct"] == Decimal("100.0")
    assert sat["overall"]["satisfied_pct"] == Decimal("75.0")


def test_satisfaction_by_technician_and_by_product_model(org):
    a = StoreFactory(organisation=org, name="一店", code="e1")
    tech, pm = _scored(org, a, a)
    c = make_customer(org)
    record(org, c, at(2026, 9, 12), satisfaction=5)  # no technician, no model

    by_tech = metrics.satisfaction(org, *SEP, by="technician")
    assert [(row["label"], row["scored"]) for row in by_tech["rows"]] == [
        ("李师傅", 4),
        ("（无师傅）", 1),
    ]
    assert by_tech["rows"][0]["id"] == tech.pk
    assert by_tech["rows"][0]["average"] == Decimal("3.50")

    by_product = metrics.satisfaction(org, *SEP, by="product")
    assert by_product["rows"][0]["label"] == "热水器 HW-13L"
    assert by_product["rows"][0]["id"] == pm.pk
    assert by_product["rows"][-1]["label"] == "（无产品型号）"
    assert by_product["overall"]["average"] == Decimal("3.80")  # 19 / 5


def test_satisfaction_never_mixes_in_another_organisation(org, other_org):
    a = StoreFactory(organisation=org, name="一店", code="f1")
    x = StoreFactory(organisation=other_org, name="外店", code="f2")
    _scored(other_org, x, x)
    record(org, make_customer(org), at(2026, 9, 3), satisfaction=5, store=a)
    sat = metrics.satisfaction(org, *SEP, by="store")
    assert [row["label"] for row in sat["rows"]] == ["一店"]
    assert sat["overall"]["scored"] == 1


def test_an_unknown_grouping_is_refused():
    with pytest.raises(ValidationFailed) as exc:
        metrics.resolve_grouping("merchant")
    assert "by" in exc.value.fields
