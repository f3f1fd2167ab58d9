"""The data migration that moves existing organisations to the seed's default routes, leaving the
routes an organisation edited as they are."""

import importlib
from decimal import Decimal

import pytest
from django.apps import apps

from shouhou.complaints import services
from shouhou.complaints.models import ApprovalRule

pytestmark = pytest.mark.django_db

migration = importlib.import_module("shouhou.complaints.migrations.0004_default_routes_seed_004")


def old_defaults(org, *, zh=False):
    """The rows `complaints_ensure_defaults` wrote before the change, for bands 2 and 3."""
    rows = {
        40: ("营运副总:2000元以上至5000元" if zh else "VP of operations: over ¥2,000 up to ¥5,000",
             Decimal("2000.00"), Decimal("5000.00"), "vp_operations"),
        50: ("总经理:5000元以上" if zh else "General manager: over ¥5,000",
             Decimal("5000.00"), None, "general_manager"),
    }  # fmt: skip
    return {
        order: ApprovalRule.objects.create(
            organisation=org,
            order=order,
            name=name,
            min_amount=low,
            max_amount=high,
            approver_roles=["cs_manager", "store_manager", last],
        )
        for order, (name, low, high, last) in rows.items()
    }


def test_unedited_default_routes_become_the_seeds_and_keep_their_history(org):
    rows = old_defaults(org, zh=True)
    migration.forwards(apps, None)
    r40, r50 = (ApprovalRule.objects.get(pk=rows[o].pk) for o in (40, 50))
    assert r40.approver_roles == ["store_manager", "vp_operations"]
    assert r40.name == "店长、营运副总审批:2000元以上至5000元"
    assert r50.approver_roles == ["store_manager", "general_manager"]
    assert (r40.min_amount, r40.max_amount) == (Decimal("2000.00"), Decimal("5000.00"))
    latest = r40.history.order_by("-history_id").first()
    assert latest.history_type == "~" and latest.history_change_reason == migration.REASON
    assert latest.approver_roles == ["store_manager", "vp_operations"]


def test_a_route_the_organisation_edited_is_left_alone(org, other_org):
    rows = old_defaults(org)
    ApprovalRule.objects.filter(pk=rows[40].pk).update(max_amount=Decimal("8000.00"))
    untouched = old_defaults(other_org)
    ApprovalRule.objects.filter(pk=rows[50].pk).update(name="大额:总经理")
    migration.forwards(apps, None)
    r40, r50 = (ApprovalRule.objects.get(pk=rows[o].pk) for o in (40, 50))
    assert r40.approver_roles == ["cs_manager", "store_manager", "vp_operations"]
    assert r50.approver_roles == ["cs_manager", "store_manager", "general_manager"]
    assert ApprovalRule.objects.get(pk=untouched[50].pk).approver_roles == [
        "store_manager",
        "general_manager",
    ]
    assert ApprovalRule.objects.get(pk=untouched[40].pk).name == (
        "Store manager, then the VP of operations: over ¥2,000 up to ¥5,000"
    )


def test_the_migration_runs_twice_and_backwards(org):
    rows = old_defaults(org)
    migration.forwards(apps, None)
    migration.forwards(apps, None)
    assert ApprovalRule.objects.get(pk=rows[40].pk).approver_roles == [
        "store_manager",
        "vp_operations",
    ]
    migration.backwards(apps, None)
    r40 = ApprovalRule.objects.get(pk=rows[40].pk)
    assert r40.approver_roles == ["cs_manager", "store_manager", "vp_operations"]
    assert r40.name == "VP of operations: over ¥2,000 up to ¥5,000"


def test_a_new_organisation_gets_the_new_defaults_which_the_migration_leaves_as_they_are(org):
    services.complaints_ensure_defaults(org)
    before = list(ApprovalRule.objects.filter(organisation=org).values_list("approver_roles"))
    migration.forwards(apps, None)
    after = list(ApprovalRule.objects.filter(organisation=org).values_list("approver_roles"))
    assert before == after
    assert ["store_manager", "general_manager"] in [roles for (roles,) in after]
