"""The four flows, approval by the right people, and every refusal saying why (nothing written)."""

from decimal import Decimal

import pytest

from shouhou.complaints import services
from shouhou.complaints.models import ApprovalRule, Case, Notification, Signature
from shouhou.core.errors import (
    Conflict,
    InvalidTransition,
    PermissionDeniedError,
    ValidationFailed,
)
from shouhou.promises.models import PromiseDecision
from shouhou.promises.services import promise_decide
from shouhou.workorders.models import WorkOrder

pytestmark = pytest.mark.django_db


def exchange_case(clerk, line, **kw):
    decision = promise_decide(by=clerk, contract_line=line, wanted="exchange", **kw)
    return services.case_register(
        by=clerk, kind="exchange", decision=decision, description="壶底漏水"
    )


def test_a_clerk_decides_an_exchange_within_the_promises_alone(clerk, kettle, sold):
    case = exchange_case(clerk, sold(kettle, days=10))
    assert case.within_promises and not case.installed and case.number.startswith("HH")
    case = services.case_submit(by=clerk, case=case, resolution="换新")
    assert case.route_roles == ["clerk"]
    case = services.case_sign(by=clerk, case=case)
    assert case.status == "approved"
    case = services.case_carry_out(by=clerk, case=case)
    case = services.case_close(by=clerk, case=case)
    assert case.status == "done" and case.closed_at


def test_an_exchange_with_3000_compensation_needs_the_store_manager_then_the_vp(
    clerk, cs_manager, store_manager, vp, kettle, sold
):
    case = exchange_case(clerk, sold(kettle))
    case = services.case_submit(by=clerk, case=case, resolution="换新并补偿", compensation="3000")
    assert case.route_roles == ["store_manager", "vp_operations"]
    assert Notification.objects.filter(recipient=store_manager).exists()
    assert not Notification.objects.filter(recipient=cs_manager).exists()
    for outranked in (clerk, cs_manager):
        with pytest.raises(PermissionDeniedError) as exc:
            services.case_sign(by=outranked, case=case)
        assert exc.value.extra["required_role"] == "store_manager"
    assert not Signature.objects.exists()
    case = services.case_sign(by=store_manager, case=case)
    assert case.status == "awaiting_approval" and case.current_role == "vp_operations"
    assert Notification.objects.filter(recipient=vp).exists()
    with pytest.raises(PermissionDeniedError) as exc:
        services.case_sign(by=store_manager, case=case)
    assert exc.value.extra["required_role"] == "vp_operations"
    case = services.case_sign(by=vp, case=case, note="同意")
    assert case.status == "approved" and case.signatures.count() == 2


def test_the_same_person_cannot_sign_twice(clerk, make_user, kettle, sold):
    admin = make_user(is_superuser=True, display_name="管理员")
    case = exchange_case(clerk, sold(kettle))
    case = services.case_submit(by=clerk, case=case, resolution="补偿", compensation="100")
    case = services.case_sign(by=admin, case=case)
    assert case.current_step == 1
    with pytest.raises(Conflict):
        services.case_sign(by=admin, case=case)
    assert Signature.objects.count() == 1


def test_the_general_manager_alone_settles_a_case_over_5000_signing_every_step(
    clerk, gm, kettle, sold
):
    case = exchange_case(clerk, sold(kettle))
    case = services.case_submit(by=clerk, case=case, resolution="补偿", compensation="8000")
    assert case.route_roles == ["store_manager", "general_manager"]
    case = services.case_sign(by=gm, case=case, note="同意")
    assert case.status == "approved"
    assert list(case.signatures.values_list("step", "role", "signed_by")) == [
        (0, "store_manager", gm.pk),
        (1, "general_manager", gm.pk),
    ]
    with pytest.raises(InvalidTransition):
        services.case_sign(by=gm, case=case)


def test_the_store_manager_alone_decides_up_to_2000_without_the_cs_manager(
    clerk, store_manager, kettle, sold
):
    case = exchange_case(clerk, sold(kettle))
    case = services.case_submit(by=clerk, case=case, resolution="补偿", compensation="2000.00")
    assert case.route_roles == ["cs_manager", "store_manager"]
    case = services.case_sign(by=store_manager, case=case)
    assert case.status == "approved" and case.signatures.count() == 2


def test_the_vp_signs_the_store_managers_step_of_a_case_over_5000_but_not_the_gms(
    clerk, vp, gm, kettle, sold
):
    case = exchange_case(clerk, sold(kettle))
    case = services.case_submit(by=clerk, case=case, resolution="补偿", compensation="5000.01")
    case = services.case_sign(by=vp, case=case)
    assert case.status == "awaiting_approval" and case.current_role == "general_manager"
    assert list(case.signatures.values_list("role", flat=True)) == ["store_manager"]
    case = services.case_sign(by=gm, case=case)
    assert case.status == "approved"


def test_a_refusal_by_a_higher_role_ends_the_case_at_the_step_it_signed(clerk, gm, kettle, sold):
    case = exchange_case(clerk, sold(kettle))
    case = services.case_submit(by=clerk, case=case, resolution="补偿", compensation="6000")
    case = services.case_sign(by=gm, case=case, approve=False, note="金额过高")
    assert case.status == "refused"
    assert list(case.signatures.values_list("step", "verdict")) == [(0, "rejected")]


def test_the_ranks_are_an_organisation_setting(clerk, store_manager, kettle, sold, org):
    settings = services.settings_for(org)
    assert settings.role_ranks["store_manager"] == 4
    case = exchange_case(clerk, sold(kettle))
    case = services.case_submit(by=clerk, case=case, resolution="补偿", compensation="3000")
    settings.role_ranks = {**settings.role_ranks, "store_manager": 5, "vp_operations": 4}
    settings.save()
    case = services.case_sign(by=store_manager, case=case)
    assert case.status == "approved"
    assert settings.history.count() == 2


def test_approving_a_case_that_is_already_approved_is_refused(clerk, kettle, sold):
    case = exchange_case(clerk, sold(kettle))
    case = services.case_submit(by=clerk, case=case, resolution="换新")
    services.case_sign(by=clerk, case=case)
    with pytest.raises(InvalidTransition):
        services.case_sign(by=clerk, case=case)


def test_an_approver_who_says_no_refuses_the_case_with_the_reason(clerk, cs_manager, kettle, sold):
    case = exchange_case(clerk, sold(kettle))
    case = services.case_submit(by=clerk, case=case, resolution="补偿", compensation="500")
    with pytest.raises(ValidationFailed):
        services.case_sign(by=cs_manager, case=case, approve=False)
    case = services.case_sign(by=cs_manager, case=case, approve=False, note="要求不合理")
    assert case.status == "refused" and case.refused_reason == "要求不合理"


@pytest.mark.parametrize("amount", ["12.345", "-1", "abc"])
def test_a_bad_amount_is_refused_and_nothing_changes(clerk, kettle, sold, amount):
    case = exchange_case(clerk, sold(kettle))
    with pytest.raises(ValidationFailed) as exc:
        services.case_submit(by=clerk, case=case, resolution="补偿", compensation=amount)
    assert "compensation" in exc.value.fields
    case.refresh_from_db()
    assert case.status == "registered" and case.amount == 0


def test_an_exchange_without_the_packaging_is_refused_and_nothing_is_written(clerk, kettle, sold):
    decision = promise_decide(
        by=clerk, contract_line=sold(kettle), wanted="exchange", has_packaging=False
    )
    with pytest.raises(ValidationFailed) as exc:
        services.case_register(by=clerk, kind="exchange", decision=decision, description="漏水")
    assert exc.value.code == "not_within_promises"
    assert "包装" in str(exc.value.message) or "packaging" in str(exc.value.message)
    assert not Case.objects.exists()


def test_a_return_after_the_return_period_is_refused(clerk, kettle, sold):
    decision = promise_decide(by=clerk, contract_line=sold(kettle, days=8), wanted="return")
    assert decision.outcome == "exchange"
    with pytest.raises(ValidationFailed):
        services.case_register(by=clerk, kind="return", decision=decision, description="不要了")
    assert not Case.objects.exists()


def test_a_request_outside_every_rule_is_refused_and_no_decision_is_written(clerk, org, sold):
    from shouhou.catalog.tests.factories import ProductFactory

    cabinet = ProductFactory(organisation=org, name="橱柜", needs_installation=True)
    with pytest.raises(ValidationFailed) as exc:
        promise_decide(by=clerk, contract_line=sold(cabinet), installed_by="us")
    assert exc.value.code == "outside_rules"
    assert not PromiseDecision.objects.exists()


def test_a_decided_case_cannot_be_edited(clerk, kettle, sold):
    case = exchange_case(clerk, sold(kettle))
    services.case_submit(by=clerk, case=case, resolution="换新")
    with pytest.raises(InvalidTransition) as exc:
        services.case_update(by=clerk, case=case, description="改了")
    assert exc.value.code == "case_decided"
    case.refresh_from_db()
    assert case.description == "壶底漏水"


def test_an_installed_exchange_is_inspected_on_site_through_a_work_order(
    clerk, supervisor, hood, sold
):
    line = sold(hood, days=5)
    decision = promise_decide(
        by=clerk, contract_line=line, installed_by="us", installed_on=line.contract.signed_on
    )
    assert decision.outcome == "exchange"
    case = services.case_register(
        by=clerk, kind="installed_exchange", decision=decision, description="不吸烟"
    )
    with pytest.raises(InvalidTransition):
        services.case_submit(by=clerk, case=case, resolution="换机")
    case = services.case_start_inspection(by=clerk, case=case)
    order = WorkOrder.objects.get()
    assert (
        case.status == "inspecting"
        and case.inspection_order == order
        and order.kind == "inspection"
    )
    case = services.case_submit(by=clerk, case=case, resolution="换机返工")
    assert case.route_roles == ["cs_supervisor"]
    with pytest.raises(PermissionDeniedError):
        services.case_sign(by=clerk, case=case)
    case = services.case_sign(by=supervisor, case=case)
    assert case.status == "approved"


def test_a_complaint_with_our_workmanship_records_repair_items_and_a_penalty(
    clerk, supervisor, customer, hood
):
    case = services.case_register(
        by=clerk, kind="complaint", customer=customer, product=hood, description="安装歪了"
    )
    with pytest.raises(ValidationFailed):
        services.case_add_repair_item(by=clerk, case=case, item="螺丝", quantity=2, unit_cost="1.5")
    services.case_set_responsibility(by=clerk, case=case, responsibility="workmanship")
    item = services.case_add_repair_item(
        by=clerk, case=case, item="螺丝", quantity=2, unit_cost="1.5"
    )
    assert item.cost == Decimal("3.00")
    with pytest.raises(PermissionDeniedError):
        services.penalty_issue(by=clerk, case=case, person=clerk, reason="安装不规范")
    notice = services.penalty_issue(
        by=supervisor, case=case, person=clerk, reason="安装不规范", amount="50"
    )
    assert notice.amount == Decimal("50.00")


def test_a_supplier_product_notifies_the_supplier_and_can_be_claimed_back(clerk, customer, kettle):
    case = services.case_register(
        by=clerk, kind="complaint", customer=customer, product=kettle, description="坏了"
    )
    case = services.case_set_responsibility(by=clerk, case=case, responsibility="supplier")
    assert case.supplier == kettle.supplier and case.supplier_notified_at
    case = services.case_record_supplier_claim(by=clerk, case=case, amount="120.00")
    assert case.supplier_claim_amount == Decimal("120.00")


def test_the_customers_own_cause_needs_the_explanation(clerk, customer, kettle):
    case = services.case_register(
        by=clerk, kind="complaint", customer=customer, product=kettle, description="不会用"
    )
    with pytest.raises(ValidationFailed) as exc:
        services.case_set_responsibility(by=clerk, case=case, responsibility="customer")
    assert "findings" in exc.value.fields


def test_an_unjustified_demand_is_refused_with_a_reason_by_a_supervisor(
    clerk, supervisor, customer
):
    case = services.case_register(
        by=clerk, kind="complaint", customer=customer, description="要赔一万"
    )
    with pytest.raises(PermissionDeniedError):
        services.case_refuse(by=clerk, case=case, reason="不合理")
    with pytest.raises(ValidationFailed):
        services.case_refuse(by=supervisor, case=case, reason=" ")
    case = services.case_refuse(by=supervisor, case=case, reason="超出承诺范围且无质量问题")
    assert case.status == "refused"
    with pytest.raises(InvalidTransition):
        services.case_refuse(by=supervisor, case=case, reason="again")


def test_an_administrator_changes_a_limit_and_the_routing_follows(clerk, kettle, sold, org):
    services.complaints_ensure_defaults(org)
    rule = ApprovalRule.objects.get(organisation=org, order=30)
    rule.max_amount = Decimal("1000.00")
    rule.save()
    ApprovalRule.objects.filter(organisation=org, order=40).update(min_amount=Decimal("1000.00"))
    case = exchange_case(clerk, sold(kettle))
    case = services.case_submit(by=clerk, case=case, resolution="补偿", compensation="1500")
    assert case.route_roles[-1] == "vp_operations"
    assert rule.history.count() == 2


def test_defaults_are_written_once(org):
    services.complaints_ensure_defaults(org)
    services.complaints_ensure_defaults(org)
    assert ApprovalRule.objects.filter(organisation=org).count() == 5


BANDS = [
    ("0.01", ["cs_manager", "store_manager"]),
    ("1999.99", ["cs_manager", "store_manager"]),
    ("2000.00", ["cs_manager", "store_manager"]),
    ("2000.01", ["store_manager", "vp_operations"]),
    ("4999.99", ["store_manager", "vp_operations"]),
    ("5000.00", ["store_manager", "vp_operations"]),
    ("5000.01", ["store_manager", "general_manager"]),
]


@pytest.mark.parametrize("compensation,roles", BANDS)
def test_the_stored_route_at_and_around_each_limit(clerk, kettle, sold, compensation, roles):
    case = exchange_case(clerk, sold(kettle))
    case = services.case_submit(by=clerk, case=case, resolution="补偿", compensation=compensation)
    assert case.route_roles == roles
