"""Default approval rules (seed 004 §五.5 各岗位权限设置) and complaint causes, as data."""

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
        "name": _("VP of operations: over ¥2,000 up to ¥5,000"),
        "min_amount": Decimal("2000.00"),
        "max_amount": Decimal("5000.00"),
        "approver_roles": ["cs_manager", "store_manager", "vp_operations"],
    },
    {
        "order": 50,
        "name": _("General manager: over ¥5,000"),
        "min_amount": Decimal("5000.00"),
        "approver_roles": ["cs_manager", "store_manager", "general_manager"],
    },
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
