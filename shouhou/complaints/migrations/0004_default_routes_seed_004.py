"""Bring the default approval routes of existing organisations in line with seed 004 五.5.

Before: the bands over ¥2,000 put the customer-service manager in front of the store manager
(cs_manager → store_manager → vp_operations / general_manager). The seed (5.4 店长权限: "总费用在
2000元至5000元,报营运副总审批;总费用在5000元以上,报总经理审批") gives those bands to the store
manager with the VP of operations, or with the general manager; the customer-service manager's
step (5.3) belongs to the band up to ¥2,000 only.

Only rows an organisation has not edited change: a row is the old default when every field
(order, name in English or Chinese as it was written, kinds, conditions, amounts, approvers,
active) is what `complaints_ensure_defaults` wrote. Each change is recorded in the row's history.
"""

from decimal import Decimal

from django.db import migrations
from django.utils import timezone

REASON = "seed 004 五.5: default approval routes"

OLD = {
    40: {
        "names": {"VP of operations: over ¥2,000 up to ¥5,000", "营运副总:2000元以上至5000元"},
        "min_amount": Decimal("2000.00"),
        "max_amount": Decimal("5000.00"),
        "approver_roles": ["cs_manager", "store_manager", "vp_operations"],
    },
    50: {
        "names": {"General manager: over ¥5,000", "总经理:5000元以上"},
        "min_amount": Decimal("5000.00"),
        "max_amount": None,
        "approver_roles": ["cs_manager", "store_manager", "general_manager"],
    },
}

NEW = {
    40: {
        "names": {
            "VP of operations: over ¥2,000 up to ¥5,000": (
                "Store manager, then the VP of operations: over ¥2,000 up to ¥5,000"
            ),
            "营运副总:2000元以上至5000元": "店长、营运副总审批:2000元以上至5000元",
        },
        "approver_roles": ["store_manager", "vp_operations"],
    },
    50: {
        "names": {
            "General manager: over ¥5,000": "Store manager, then the general manager: over ¥5,000",
            "总经理:5000元以上": "店长、总经理审批:5000元以上",
        },
        "approver_roles": ["store_manager", "general_manager"],
    },
}


def _is(row, order, spec, names) -> bool:
    return (
        row.order == order
        and row.name in names
        and not row.kinds
        and row.installed == "any"
        and row.within_promises == "any"
        and row.min_amount == spec["min_amount"]
        and row.max_amount == spec["max_amount"]
        and list(row.approver_roles or []) == spec["approver_roles"]
        and row.is_active
    )


def _historise(History, row) -> None:
    fields = {
        f.attname: getattr(row, f.attname)
        for f in row._meta.concrete_fields
        if f.attname not in ("id",)
    }
    History._default_manager.create(
        id=row.pk,
        history_date=timezone.now(),
        history_type="~",
        history_change_reason=REASON,
        history_user=None,
        **fields,
    )


def _apply(apps, forward: bool) -> None:
    Rule = apps.get_model("complaints", "ApprovalRule")
    History = apps.get_model("complaints", "HistoricalApprovalRule")
    now = timezone.now()
    for order in (40, 50):
        old, new = OLD[order], NEW[order]
        if forward:
            match_spec, match_names = old, old["names"]
            roles, rename = new["approver_roles"], new["names"]
        else:
            match_spec = {**old, "approver_roles": new["approver_roles"]}
            match_names = set(new["names"].values())
            roles = old["approver_roles"]
            rename = {v: k for k, v in new["names"].items()}
        for row in Rule._base_manager.filter(order=order):
            if not _is(row, order, match_spec, match_names):
                continue  # edited by the organisation: left as it is
            row.approver_roles = list(roles)
            row.name = rename[row.name]
            row.updated_at = now
            row.save(update_fields=["approver_roles", "name", "updated_at"])
            _historise(History, row)


def forwards(apps, schema_editor):
    _apply(apps, forward=True)


def backwards(apps, schema_editor):
    _apply(apps, forward=False)


class Migration(migrations.Migration):
    dependencies = [("complaints", "0003_complaint_settings")]

    operations = [migrations.RunPython(forwards, backwards)]
