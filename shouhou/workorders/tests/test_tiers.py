"""Response tiers of seed 002 (3.2.2, 3.2.3, 范文2 四.1, 工程方案): chosen by fault category,
distance band and route, due times in office time on the working-day calendar (office hours
09:00-18:00; Spring Festival 2026: holidays 15-23 Feb, Saturday 14 Feb a working day), the
sweep's markers and escalation, the written contact, and the report's tier columns."""

from decimal import Decimal

import pytest

from shouhou.core.errors import InvalidTransition, ValidationFailed
from shouhou.customers.models import FaultCategory
from shouhou.customers.selectors import fault_categories
from shouhou.workdays.calendar import Calendar
from shouhou.workdays.package import package_year
from shouhou.workorders import config, jobs, policies, signals
from shouhou.workorders import deadlines as dl
from shouhou.workorders import services as s
from shouhou.workorders.models import SlaPolicy, WorkOrder, WrittenContact

from .factories import at, make_customer

CAL = Calendar(exceptions={**package_year(2026)}, covered_years=frozenset({2026}))


def spec(target, amount, unit=dl.WORKING_HOURS):
    return dl.TargetSpec(target, Decimal(amount), unit, dl.ANCHOR_RECEIVED)


# Office time, no database --------------------------------------------------------------------
def test_twelve_working_hours_from_friday_afternoon_end_on_tuesday_morning():
    # Fri 16-18 (2 h) + Mon 9-18 (9 h) + Tue 9-10 (1 h)
    due = dl.due_at(CAL, at(2026, 3, 6, 16), spec(dl.WRITTEN, "12"), [])
    assert due == at(2026, 3, 10, 10)


def test_two_working_hours_asked_after_closing_end_at_eleven_the_next_working_day():
    due = dl.due_at(CAL, at(2026, 3, 6, 20), spec(dl.ARRANGE, "2"), [])
    assert due == at(2026, 3, 9, 11)


def test_thirty_working_minutes_asked_in_the_spring_festival_end_after_the_holiday():
    due = dl.due_at(CAL, at(2026, 2, 20, 10), spec(dl.CONTACT, "30", dl.WORKING_MINUTES), [])
    assert due == at(2026, 2, 24, 9, 30)


def test_thirty_working_minutes_at_ten_to_six_end_on_the_make_up_saturday():
    due = dl.due_at(CAL, at(2026, 2, 13, 17, 50), spec(dl.CONTACT, "30", dl.WORKING_MINUTES), [])
    assert due == at(2026, 2, 14, 9, 20)


# Choosing the tier, no database --------------------------------------------------------------
WITHIN = policies.PolicyCriteria(pk=1, fault_category="body", max_distance_km=Decimal(100))
BEYOND = policies.PolicyCriteria(pk=2, fault_category="body", min_distance_km=Decimal(100))
PARTNER = policies.PolicyCriteria(pk=3, route="partner")
WRITTEN = policies.PolicyCriteria(pk=4, fault_category="chassis_engine", route="marketing")
DEFAULT = policies.PolicyCriteria(pk=5)
ALL = [WITHIN, BEYOND, PARTNER, WRITTEN, DEFAULT]


def facts(**kw):
    return policies.OrderFacts(customer_id=None, category_ids=[], store_id=None, **kw)


@pytest.mark.parametrize(
    ("distance", "tier"),
    [(Decimal("99.9"), WITHIN), (Decimal("100"), WITHIN), (Decimal("100.1"), BEYOND)],
)
def test_a_body_fault_at_exactly_100_km_is_within_the_radius_and_beyond_only_above(distance, tier):
    assert policies.choose(ALL, facts(fault_category="body", distance_km=distance)) == tier


def test_a_body_fault_of_unknown_distance_is_taken_as_within_the_radius():
    o = facts(fault_category="body")
    assert policies.choose(ALL, o) == WITHIN
    assert policies.reasons(WITHIN, o) == ["fault", "within_unknown"]


def test_a_partner_manufacturer_route_beats_the_distance_band():
    o = facts(fault_category="body", distance_km=Decimal(20), route="partner")
    assert policies.choose(ALL, o) == PARTNER


def test_the_written_tier_needs_a_chassis_fault_reported_to_marketing():
    assert policies.choose(ALL, facts(fault_category="chassis_engine", route="marketing")) == (
        WRITTEN
    )
    assert policies.choose(ALL, facts(fault_category="chassis_engine")) == DEFAULT
    assert policies.choose(ALL, facts(fault_category="body", route="marketing")) == WITHIN


# Intake, the sweep, the written contact ------------------------------------------------------
def _intake(desk, org, when, **kw):
    return s.workorder_intake(
        by=desk, source="hotline", kind="repair", customer=make_customer(org), now=when, **kw
    ).order


def test_the_seeded_tiers_carry_the_seeds_numbers(org):
    config.org_config(org)
    codes = set(SlaPolicy.all_objects.filter(organisation=org).values_list("code", flat=True))
    assert {"tier-body-within", "tier-written", "tier-project"} <= codes
    project = SlaPolicy.all_objects.get(organisation=org, code="tier-project")
    limits = {t.target: (t.amount, t.unit) for t in project.targets.all()}
    assert limits[dl.CONTACT] == (Decimal("30"), dl.WORKING_MINUTES)
    assert limits[dl.ONSITE] == (Decimal("2"), dl.WORKING_HOURS)
    assert limits[dl.FIXED] == (Decimal("4"), dl.WORKING_HOURS)
    assert project.loan_unit_if_late


def test_a_body_fault_at_100_km_gets_the_within_tier_and_says_why(desk, org):
    order = _intake(desk, org, at(2026, 3, 6, 16), fault_category="body", distance_km="100")
    assert order.policy.code == "tier-body-within"
    assert "100" in order.policy_reason
    # 24 office hours from Friday 16:00: Fri 2 h, Mon 9 h, Tue 9 h, Wed 4 h
    assert order.onsite_due_at == at(2026, 3, 11, 13)


def _fault(org, code):
    return fault_categories(organisation=org).get(code=code)


def test_the_default_faults_carry_the_seeds_tier_groups(org):
    tiers = dict(fault_categories(organisation=org).values_list("code", "tier"))
    assert tiers["body"] == "body" and tiers["chassis_engine"] == "chassis_engine"
    assert tiers["other"] == "other" and tiers["leak"] == ""


def test_the_desk_names_the_fault_once_and_its_group_chooses_the_tier(desk, org):
    order = _intake(desk, org, at(2026, 3, 6, 16), fault=_fault(org, "body"), distance_km="100")
    assert order.fault.code == "body" and order.fault_category == "body"
    assert order.policy.code == "tier-body-within"
    written = _intake(
        desk, org, at(2026, 3, 6, 16), fault=_fault(org, "chassis_engine"), route="marketing"
    )
    assert written.policy.code == "tier-written"


def test_a_fault_without_a_group_leaves_the_ordinary_policy(desk, org):
    order = _intake(desk, org, at(2026, 3, 6, 16), fault=_fault(org, "leak"), distance_km="100")
    assert order.fault_category == ""
    assert not order.policy.code.startswith("tier-body")


def test_a_fault_group_contradicting_the_fault_is_refused_and_nothing_is_written(desk, org):
    with pytest.raises(ValidationFailed) as e:
        _intake(desk, org, at(2026, 3, 6, 16), fault=_fault(org, "body"), fault_category="other")
    assert "车身故障" in str(e.value.fields["fault_category"][0])
    assert not WorkOrder.all_objects.exists()


def test_the_intake_page_has_one_fault_choice_that_sets_the_tier(client, make_user, store, org):
    desk = make_user("service_desk", store=store)
    client.force_login(desk)
    page = client.get("/workorders/new/").content.decode()
    assert 'name="fault"' in page and 'name="fault_category"' not in page
    r = client.post(
        "/workorders/new/",
        {
            "source": "hotline",
            "kind": "repair",
            "mobile": "13700000123",
            "name": "李先生",
            "district": "朝阳区",
            "address_detail": "花园路88号3号楼2单元501",
            "description": "车门异响",
            "fault": _fault(org, "body").pk,
            "distance_km": "30",
            "idempotency_key": "fault-once",
        },
    )
    assert r.status_code == 302
    order = WorkOrder.all_objects.get(customer__mobile="13700000123")
    assert order.policy.code == "tier-body-within" and order.fault_category == "body"


def test_another_organisations_fault_is_not_found(desk, org, other_org):
    foreign = FaultCategory.all_objects.create(
        organisation=other_org, code="body", name="车身故障", tier="body"
    )
    with pytest.raises(ValidationFailed):
        _intake(desk, org, at(2026, 3, 6, 16), fault=foreign)


def test_a_project_request_after_hours_counts_from_the_next_opening(desk, org):
    order = _intake(desk, org, at(2026, 3, 6, 17, 45), route="project")
    assert order.policy.code == "tier-project"
    assert order.contact_due_at == at(2026, 3, 9, 9, 15)
    assert order.onsite_due_at == at(2026, 3, 9, 10, 45)
    assert order.fixed_due_at == at(2026, 3, 9, 12, 45)


def test_an_unknown_route_is_refused_naming_the_field(desk, org):
    with pytest.raises(ValidationFailed) as e:
        _intake(desk, org, at(2026, 3, 6, 10), route="somewhere")
    assert "route" in e.value.fields
    assert not WorkOrder.all_objects.exists()


@pytest.fixture
def escalations():
    got = []

    def receiver(sender, **kw):
        got.append((kw["rule"], sorted(kw["order_ids"])))

    signals.workorder_limits_missed.connect(receiver, weak=False)
    yield got
    signals.workorder_limits_missed.disconnect(receiver)


@pytest.mark.django_db(transaction=True)
def test_a_three_guarantee_order_not_arranged_in_2_hours_is_marked_and_escalated_once(
    org, desk, tech, escalations
):
    late = _intake(desk, org, at(2026, 3, 6, 10), route="three_guarantee")
    arranged = _intake(desk, org, at(2026, 3, 6, 10), route="three_guarantee")
    assert late.arrange_due_at == at(2026, 3, 6, 12)
    assert late.next_due_at == late.arrange_due_at
    s.workorder_dispatch(by=desk, order=arranged, technician=tech, now=at(2026, 3, 6, 11))
    assert jobs.sweep(at(2026, 3, 6, 11, 59))["arrange_overdue"] == 0
    assert jobs.sweep(at(2026, 3, 6, 12, 1))["arrange_overdue"] == 1
    assert jobs.sweep(at(2026, 3, 6, 12, 30), full=True)["arrange_overdue"] == 0
    assert WorkOrder.all_objects.get(pk=late.pk).arrange_overdue
    assert not WorkOrder.all_objects.get(pk=arranged.pk).arrange_overdue
    assert escalations == [("arrange_overdue", [late.pk])]


@pytest.mark.django_db(transaction=True)
def test_a_chassis_fault_reported_to_marketing_needs_a_written_contact_in_12_hours(
    org, desk, escalations
):
    order = _intake(
        desk, org, at(2026, 3, 6, 16), fault_category="chassis_engine", route="marketing"
    )
    contact = WrittenContact.all_objects.get(order=order)
    assert contact.due_at == at(2026, 3, 10, 10)
    assert jobs.sweep(at(2026, 3, 10, 9, 59))["written_overdue"] == 0
    assert jobs.sweep(at(2026, 3, 10, 10, 1))["written_overdue"] == 1
    assert jobs.sweep(at(2026, 3, 10, 11))["written_overdue"] == 0
    assert escalations == [("written_overdue", [order.pk])]


def test_a_written_contact_is_archived_once_fed_back_and_never_rewritten(desk, org):
    order = _intake(
        desk, org, at(2026, 3, 6, 16), fault_category="chassis_engine", route="marketing"
    )
    contact = WrittenContact.all_objects.get(order=order)
    with pytest.raises(InvalidTransition):
        s.written_contact_feed_back(by=desk, contact=contact, feedback="已告知")
    contact = s.written_contact_record(
        by=desk,
        contact=contact,
        text="函告：安排技师检查发动机",
        result="用户同意周一检查",
        channel="传真",
        now=at(2026, 3, 9, 10),
    )
    assert contact.written_in_time and not contact.archived
    with pytest.raises(InvalidTransition):
        s.written_contact_record(by=desk, contact=contact, text="改写", result="改写")
    contact = s.written_contact_feed_back(by=desk, contact=contact, feedback="电话告知用户结果")
    assert contact.archived
    assert WrittenContact.all_objects.get(pk=contact.pk).text == "函告：安排技师检查发动机"


def test_other_tiers_make_no_written_contact(desk, org):
    _intake(desk, org, at(2026, 3, 6, 16), fault_category="body")
    assert not WrittenContact.all_objects.exists()


def test_the_daily_report_counts_each_tier_on_time_and_late(api, desk, org):
    late = _intake(desk, org, at(2026, 3, 2, 10), route="three_guarantee")
    _intake(desk, org, at(2026, 3, 3, 10), route="three_guarantee")
    _intake(desk, org, at(2026, 3, 3, 10), route="project")
    WorkOrder.all_objects.filter(pk=late.pk).update(arrange_overdue=True)
    r = api.as_(desk).get("/api/v1/workorders/daily-report/", day="2026-03-06")
    tiers = {t["code"]: t for t in r.json()["tiers"]}
    assert (tiers["tier-three-guarantee"]["count"], tiers["tier-three-guarantee"]["late"]) == (2, 1)
    assert tiers["tier-three-guarantee"]["on_time"] == 1
    assert (tiers["tier-project"]["count"], tiers["tier-project"]["late"]) == (1, 0)


def test_the_order_page_shows_the_tier_and_why(client, desk, org):
    order = _intake(desk, org, at(2026, 3, 6, 16), fault_category="body", distance_km="120")
    client.force_login(desk)
    page = client.get(f"/workorders/{order.pk}/").content.decode()
    assert order.policy.name in page
    assert order.policy_reason in page


def test_a_manager_changes_a_tier_limit_and_a_clerk_cannot(api, make_user, desk, org):
    config.org_config(org)
    tier = SlaPolicy.all_objects.get(organisation=org, code="tier-written")
    manager = make_user("cs_manager")
    url = f"/api/v1/sla-policies/{tier.pk}/targets/"
    body = {"target": "written", "amount": "8", "unit": "working_hours"}
    assert api.as_(desk).post(url, body).status_code == 403
    r = api.as_(manager).post(url, body)
    assert r.status_code == 200
    order = _intake(
        desk, org, at(2026, 3, 6, 10), fault_category="chassis_engine", route="marketing"
    )
    assert WrittenContact.all_objects.get(order=order).due_at == at(2026, 3, 6, 18)
