"""Demo work orders in every state (called by `manage.py seed_demo`; idempotent by number)."""

from __future__ import annotations

import datetime as dt

from django.utils import timezone

from . import config, states
from .models import MissedService, ServiceReport, StatusChange, WorkOrder

# (state, kind, extra fields, days ago)
PLAN = [
    (states.NEW, "repair", {}, 0),
    (states.DISPATCHED, "installation", {}, 0),
    (states.DISPATCHED, "repair", {"reply_missed": True, "missed_service": True}, 4),
    (states.CONTACTED, "maintenance", {}, 1),
    (states.APPOINTED, "repair", {"needs_revisit": False}, 1),
    (states.ON_SITE, "repair", {"is_emergency": True}, 0),
    (states.WAITING_PARTS, "repair", {"needs_revisit": True}, 2),
    (states.POSTPONED, "installation", {}, 3),
    (states.NOT_HOME, "repair", {"not_home_note": "下午2点到访未遇，已留条请再次致电"}, 2),
    (states.DISPATCHED, "repair", {"is_reissued": True, "reissue_count": 1}, 0),
    (states.DONE, "repair", {}, 1),
    (states.CONFIRMED, "installation", {}, 2),
    (states.CLOSED, "delivery", {}, 5),
    (states.CANCELLED, "consultation", {}, 6),
]

# What each of those orders is about, as a clerk would type it from the call.
DESCRIPTIONS = [
    "热水器使用中突然熄火，显示E1故障码",
    "新购智能马桶，约周末上门安装",
    "马桶水箱一直进水，水费明显增加",
    "燃气热水器年度保养",
    "油烟机开机噪音大，吸力不足",
    "卫生间下水管爆裂漏水，楼下已渗水（紧急）",
    "洗衣机不排水，师傅判断需更换排水泵",
    "淋浴房安装，顾客要求改到下周",
    "空调遥控无反应，室内机指示灯闪烁",
    "净水器漏水，上次维修后复发",
    "水龙头底座松动渗水",
    "浴室柜及镜柜安装",
    "床垫与床架送货上门",
    "咨询热水器以旧换新政策",
]


def _values(x):
    """Flatten ctx attributes: a list, or a dict of org code -> list (or -> one object)."""
    if x is None:
        return []
    items = list(x.values()) if isinstance(x, dict) else list(x)
    flat = []
    for item in items:
        flat.extend(item if isinstance(item, list | tuple) else [item])
    return flat


def seed(ctx):
    customers = _values(getattr(ctx, "customers", None))
    staff = _values(getattr(ctx, "staff", None))
    products = _values(getattr(ctx, "products", None))
    now = timezone.now()
    for org in _values(getattr(ctx, "orgs", None)):
        config.ensure_defaults(org)
        org_customers = [c for c in customers if c.organisation_id == org.pk]
        org_staff = [s for s in staff if s.organisation_id == org.pk]
        techs = sorted(org_staff, key=lambda s: (s.user_id is None, s.pk))
        dispatched = 0
        org_products = [p for p in products if p.organisation_id == org.pk]
        if not org_customers:
            continue
        policy = config.choose_policy(organisation=org)
        for i, (status, kind, extra, days) in enumerate(PLAN):
            number = f"DEMO-{org.code}-{i + 1:02d}"
            if WorkOrder.all_objects.filter(organisation=org, number=number).exists():
                continue
            customer = org_customers[i % len(org_customers)]
            # Staff with a login come first, so tech1… (printed by `make demo`) have jobs.
            tech = techs[dispatched % len(techs)] if techs and status != states.NEW else None
            dispatched += tech is not None
            received = now - dt.timedelta(days=days, hours=2)
            address = customer.default_address
            order = WorkOrder.all_objects.create(
                organisation=org,
                number=number,
                kind=kind,
                source="hotline",
                status=status,
                customer=customer,
                contact_phone=customer.mobile,
                district=getattr(address, "district", "") or "",
                address=str(address) if address else "",
                store=customer.store,
                merchant=customer.merchant,
                # ctx.products holds product models (型号); the order names both.
                product=org_products[i % len(org_products)].product if org_products else None,
                product_model=org_products[i % len(org_products)] if org_products else None,
                description=DESCRIPTIONS[i % len(DESCRIPTIONS)],
                policy=policy,
                technician=tech,
                dispatch_seq=1 if tech else 0,
                received_at=received,
                reported_at=received,
                dispatched_at=received + dt.timedelta(minutes=20) if tech else None,
                replied_at=received + dt.timedelta(hours=2)
                if status not in (states.NEW, states.DISPATCHED)
                else None,
                completed_at=now - dt.timedelta(hours=3)
                if status in (states.DONE, states.CONFIRMED, states.CLOSED)
                else None,
                **extra,
            )
            StatusChange.all_objects.create(
                organisation=org, order=order, from_status="", to_status=states.NEW, at=received
            )
            if status != states.NEW:
                StatusChange.all_objects.create(
                    organisation=org,
                    order=order,
                    from_status=states.NEW,
                    to_status=status,
                    at=received + dt.timedelta(hours=1),
                )
            from .services import workorder_recompute_due

            if tech:
                workorder_recompute_due(order)
            if status in (states.DONE, states.CONFIRMED, states.CLOSED):
                ServiceReport.all_objects.get_or_create(
                    order=order,
                    defaults={
                        "organisation": org,
                        "findings": "进水阀老化",
                        "work_done": "更换进水阀并试水",
                        "signer_name": customer.name if status != states.DONE else "",
                        "signed_at": now - dt.timedelta(hours=2) if status != states.DONE else None,
                        "signed_via": "link" if status != states.DONE else "",
                    },
                )
            if extra.get("missed_service") and tech:
                MissedService.all_objects.get_or_create(
                    order=order,
                    reason=MissedService.Reason.NO_REPLY,
                    cycle=1,
                    defaults={"organisation": org, "technician": tech, "detected_at": now},
                )
