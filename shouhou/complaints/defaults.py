"""Default approval rules (seed 004 §五.5 各岗位权限设置) and complaint causes, as data.

The bands on the total cost (extra compensation plus goods for rework), as the seed says them
(5.3 "额外赔偿及返工时所需商品总值在2000元以内,但需报店长审批"; 5.4 "总费用在2000元以内,总费用在
2000元至5000元,报营运副总审批;总费用在5000元以上,报总经理审批"), with each boundary in the lower
band (see `routing`): up to and including ¥2,000.00 the customer-service manager with the store
manager's approval; over ¥2,000.00 up to and including ¥5,000.00 the store manager, then the VP of
operations; over ¥5,000.00 the store manager, then the general manager. The customer-service
manager's step belongs to the first band only."""

from __future__ import annotations

from decimal import Decimal

from django.utils.translation import gettext_lazy as _

from . import routing

DEFAULT_ROUTES: list[dict] = [
    {
        "order": 10,
        "name": _("Clerk: within the promises, goods not installed"),
        "installed": routing.NO,
        "within_promises": routing.YES,
        "max_amount": Decimal("0.00"),
        "approver_roles": ["clerk"],
    },
    {
        "order": 20,
        "name": _("Department supervisor: installed goods, rework, no extra compensation"),
        "installed": routing.YES,
        "max_amount": Decimal("0.00"),
        "approver_roles": ["cs_supervisor"],
    },
    {
        "order": 30,
        "name": _("CS manager with the store manager's countersignature: up to ¥2,000"),
        "max_amount": Decimal("2000.00"),
        "approver_roles": ["cs_manager", "store_manager"],
    },
    {
        "order": 40,
        "name": _("Store manager, then the VP of operations: over ¥2,000 up to ¥5,000"),
        "min_amount": Decimal("2000.00"),
        "max_amount": Decimal("5000.00"),
        "approver_roles": ["store_manager", "vp_operations"],
    },
    {
        "order": 50,
        "name": _("Store manager, then the general manager: over ¥5,000"),
        "min_amount": Decimal("5000.00"),
        "approver_roles": ["store_manager", "general_manager"],
    },
]

# Who receives the monthly complaint statistics (seed 004 五.6: "这两张表须报店长和各部门主管");
# default of `ComplaintSettings.statistics_recipient_roles`.
DEFAULT_STATISTICS_RECIPIENT_ROLES = [
    "store_manager",
    "cs_supervisor",
    "cs_manager",
    "workshop_supervisor",
]

DEFAULT_CAUSES = [
    ("product_quality", _("Product quality")),
    ("installation", _("Installation workmanship")),
    ("delivery", _("Delivery and transport")),
    ("attitude", _("Service attitude")),
    ("timeliness", _("Late or missed service")),
    ("price", _("Price and charges")),
    ("not_as_described", _("Not as described or promised")),
    ("customer_use", _("Customer's own use")),
    ("other", _("Other")),
]


def default_routes() -> list[routing.Route]:
    return [
        routing.Route(
            name=str(d["name"]),
            approver_roles=tuple(d["approver_roles"]),
            order=d["order"],
            installed=d.get("installed", routing.ANY),
            within_promises=d.get("within_promises", routing.ANY),
            min_amount=d.get("min_amount"),
            max_amount=d.get("max_amount"),
        )
        for d in DEFAULT_ROUTES
    ]
