import datetime as dt

import pytest

from shouhou.core.errors import Conflict, InvalidTransition, ValidationFailed
from shouhou.maintenance import selectors, services
from shouhou.maintenance.models import CustomerCheck
from shouhou.workorders import services as wo
from shouhou.workorders import states
from shouhou.workorders.models import ServiceReport
from shouhou.workorders.tests.factories import at

PNG = (
    "data:image/png;base64,iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR42mNk"
    "YPhfDwAChwGA60e6kgAAAABJRU5ErkJggg=="
)
ALL_BEFORE_SIGNING = list(services.DEFAULT_REQUIRED_STEPS)


@pytest.fixture
def manager(make_user, store):
    return make_user("cs_manager", store=store, display_name="陈经理")


def done_order(supervisor, tech, customer, *, kind="repair", steps=()):
    order = wo.workorder_intake(
        by=supervisor, source="hotline", kind=kind, description="漏水", customer=customer,
        now=at(2026, 3, 9, 9),
    ).order  # fmt: skip
    order = wo.workorder_dispatch(
        by=supervisor, order=order, technician=tech, now=at(2026, 3, 9, 9)
    )
    order = wo.workorder_contact(by=tech.user, order=order, now=at(2026, 3, 9, 10))
    order = wo.workorder_arrive(by=tech.user, order=order, now=at(2026, 3, 10, 9))
    return wo.workorder_complete(
        by=tech.user, order=order, findings="", work_done="修好", steps_done=list(steps),
        now=at(2026, 3, 10, 10),
    )  # fmt: skip


def sign(order, tech):
    return wo.workorder_sign(
        by=tech.user, order=order, signer_name="张伟", signature=PNG, now=at(2026, 3, 10, 11)
    )


def test_without_step_rules_an_organisation_is_not_held_up_at_signing(supervisor, tech, customer):
    order = done_order(supervisor, tech, customer)
    assert sign(order, tech).status == states.CONFIRMED


def test_the_customer_cannot_sign_until_the_required_steps_are_ticked(
    manager, supervisor, tech, customer
):
    services.step_rules_install_defaults(by=manager)
    order = done_order(supervisor, tech, customer, steps=["confirm_product", "do_work"])
    with pytest.raises(ValidationFailed) as exc:
        sign(order, tech)
    message = exc.value.fields["steps_done"][0]
    assert str(services.STEP_LABELS["clean_up"]) in message
    assert str(services.STEP_LABELS["do_work"]) not in message
    assert "customer_check" in exc.value.fields
    assert ServiceReport.all_objects.get(order=order).signed_at is None
    order.refresh_from_db()
    assert order.status == states.DONE


def test_ticking_the_steps_and_the_customers_check_lets_the_customer_sign_and_freezes_the_check(
    manager, supervisor, tech, customer
):
    services.step_rules_install_defaults(by=manager)
    order = done_order(supervisor, tech, customer)
    services.visit_steps_tick(by=tech.user, order=order, steps=ALL_BEFORE_SIGNING)
    services.customer_check_record(by=tech.user, order=order, satisfied=True, note="不漏了")
    assert selectors.visit_steps(user=tech.user, order_id=order.pk)["missing"] == []
    order = sign(order, tech)
    assert order.status == states.CONFIRMED
    check = CustomerCheck.all_objects.get(order=order)
    assert check.satisfied and check.signed_at is not None
    with pytest.raises(Conflict):
        services.customer_check_record(by=tech.user, order=order, satisfied=False)


def test_the_steps_of_a_kind_of_work_replace_the_general_ones(manager, supervisor, tech, customer):
    services.step_rules_install_defaults(by=manager)
    services.step_rule_set(by=manager, work_kind="maintenance", step="do_work", required=True)
    order = done_order(supervisor, tech, customer, kind="maintenance", steps=["do_work"])
    assert sign(order, tech).status == states.CONFIRMED


def test_an_unknown_step_is_refused_by_the_rules(manager):
    with pytest.raises(ValidationFailed) as exc:
        services.step_rule_set(by=manager, work_kind="", step="dance", required=True)
    assert "step" in exc.value.fields


def test_a_step_cannot_be_ticked_before_the_report_exists(supervisor, tech, customer):
    order = wo.workorder_intake(
        by=supervisor, source="hotline", kind="repair", description="x", customer=customer
    ).order
    with pytest.raises(InvalidTransition):
        services.visit_steps_tick(by=supervisor, order=order, steps=["do_work"])


def test_the_report_counts_the_steps_each_technician_skipped(manager, supervisor, tech, customer):
    order = done_order(supervisor, tech, customer, steps=["do_work"])
    sign(order, tech)
    rows = selectors.steps_skipped_report(user=manager, month=dt.date(2026, 3, 1))
    assert len(rows) == 1
    row = rows[0]
    assert row["technician"] == tech and row["reports"] == 1
    assert row["skipped"] == 10  # eleven steps of seed 000, one ticked
