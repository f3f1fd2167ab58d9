"""Demo spare parts (after workorders): a store keeper per organisation, the central store, a
station per store and a dealer store, a parts catalogue for the demo brands (sanitary ware and
water heaters in the market and the brand centre, furniture hardware in the furniture store)
fitted to the catalogue's products, receipts, requisitions in every state on the demo orders,
written-off parts, old parts (returned, appraised, disposed of), a stock count and a paid-repair
quote. Idempotent: an organisation that has a receipt already is left as it is."""

from __future__ import annotations

import datetime as dt
import logging
from decimal import Decimal

from django.contrib.auth.models import Group
from django.db import transaction
from django.utils import timezone

from shouhou.catalog.models import Product
from shouhou.core.errors import DomainError
from shouhou.customers.models import Customer
from shouhou.org import roles as r
from shouhou.org.demo import DEMO_PASSWORD
from shouhou.org.models import Dealer, Store, User
from shouhou.staff.models import ServiceStaff
from shouhou.workorders import services as wo
from shouhou.workorders import states
from shouhou.workorders.models import ReportPart, WorkOrder

from . import bands, services
from .models import ApprovalBand, Location, Part, PartsSettings, Receipt, RequisitionLine

log = logging.getLogger(__name__)
PNG = (
    "data:image/png;base64,iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR42mNk"
    "YPhfDwAChwGA60e6kgAAAABJRU5ErkJggg=="
)

# code, name, specification, unit, kind, cost, sale, reorder level, fits products named with
SANITARY = [
    ("YJ-JSF-01", "进水阀", "G1/2 防虹吸", "个", "wear", "28.00", "45.00", 10, ["座便器"]),
    ("YJ-PSF-02", "排水阀", "双档 3/6L", "个", "wear", "36.00", "60.00", 8, ["座便器"]),
    (
        "YJ-ZB-101",
        "智能座便器主板",
        "220V 控制板 V3",
        "块",
        "warranty",
        "260.00",
        "420.00",
        3,
        ["智能"],
    ),
    ("YJ-JRQ-11", "加热座圈", "智能盖板用", "个", "warranty", "180.00", "298.00", 2, ["智能"]),
    ("YJ-PZ-12", "喷嘴组件", "自洁式", "套", "warranty", "65.00", "110.00", 4, ["智能"]),
    ("YJ-HJ-03", "盖板缓降器", "阻尼 φ8", "对", "wear", "12.00", "25.00", 10, ["座便器"]),
    ("AL-FX-35", "陶瓷阀芯", "35mm 冷热", "个", "wear", "22.00", "40.00", 10, ["龙头"]),
    ("AL-RG-15", "花洒软管", "1.5m 不锈钢", "根", "wear", "18.00", "35.00", 10, ["花洒", "淋浴"]),
    ("AL-HL-04", "淋浴房滑轮", "φ25 轴承", "套", "wear", "30.00", "55.00", 6, ["淋浴房"]),
    ("YJ-AMB-20", "按摩泵", "550W", "台", "warranty", "420.00", "680.00", 1, ["浴缸"]),
    ("HW-MB-01", "镁棒", "电热水器 φ22×300", "根", "wear", "25.00", "48.00", 8, ["热水器"]),
    ("HW-WK-02", "温控器", "电热水器 75℃", "个", "warranty", "40.00", "75.00", 5, ["热水器"]),
    ("HW-DHZ-03", "点火针", "燃气热水器", "个", "wear", "15.00", "30.00", 6, ["燃气"]),
    ("HG-QD-12", "LED驱动电源", "12W 恒流", "个", "wear", "16.00", "32.00", 10, ["LED"]),
]
FURNITURE = [
    ("HY-LJ-01", "沙发连接件", "金属 插片式", "套", "wear", "8.00", "18.00", 20, ["沙发"]),
    ("HY-HG-45", "抽屉滑轨", "三节 450mm", "副", "wear", "22.00", "45.00", 10, ["床", "柜"]),
    ("HY-JL-02", "柜门铰链", "阻尼 全盖", "个", "wear", "6.00", "15.00", 30, ["衣柜"]),
    ("HY-PG-15", "床板排骨架", "1.5m 樟子松", "套", "warranty", "160.00", "260.00", 2, ["床"]),
    ("HY-HL-08", "推拉门滑轮", "静音 上下轮", "套", "wear", "26.00", "50.00", 8, ["推拉门"]),
    ("MX-BB-18", "床垫包边", "1.8m 针织面料", "条", "wear", "40.00", "80.00", 4, ["床垫"]),
    ("HY-HM-60", "沙发坐垫海绵", "高回弹 60×60", "块", "warranty", "55.00", "98.00", 6, ["沙发"]),
    ("HY-YB-12", "岩板修补胶", "12ml 透明", "支", "wear", "18.00", "36.00", 10, ["餐桌"]),
    ("HG-QD-24", "吸顶灯驱动", "24W 恒流", "个", "wear", "20.00", "38.00", 6, ["吸顶灯"]),
]
CATALOGUE = {"jiancai": SANITARY, "jiaju": FURNITURE, "brand": SANITARY}

KEEPERS = {
    "jiancai": [("cangku", "刘仓管", [r.WAREHOUSE_KEEPER])],
    "jiaju": [
        ("jj_cangku", "马仓管", [r.WAREHOUSE_KEEPER]),
        ("jj_jishu", "杜技术", [r.WORKSHOP_SUPERVISOR]),
    ],  # fmt: skip
    "brand": [
        ("br_cangku", "何仓管", [r.WAREHOUSE_KEEPER]),
        ("br_jishu", "罗技术", [r.WORKSHOP_SUPERVISOR, r.STORE_MANAGER]),
    ],  # fmt: skip
}


def _user(org, username, display, roles):
    user, created = User.objects.get_or_create(
        username=username, defaults={"display_name": display, "organisation": org}
    )
    if created:
        user.set_password(DEMO_PASSWORD)
        user.save()
    for code in roles:
        user.groups.add(Group.objects.get_or_create(name=code)[0])
    user.__dict__.pop("_role_codes", None)
    return user


def _first(org, *roles):
    for u in User.objects.filter(organisation=org, is_active=True).order_by("id"):
        if r.has_role(u, *roles) and not u.is_superuser:
            return u
    return None


def seed(ctx) -> None:
    for code, org in (getattr(ctx, "orgs", None) or {}).items():
        PartsSettings.for_org(org)
        if Receipt.all_objects.filter(organisation=org).exists():
            continue
        try:
            with transaction.atomic():
                _seed_org(ctx, code, org)
        except DomainError as exc:  # pragma: no cover - a demo gap is logged, not fatal
            log.warning("parts demo for %s stopped: %s %s", code, exc, exc.fields)


def _seed_org(ctx, code, org) -> None:
    now = timezone.now()
    users = [_user(org, *row) for row in KEEPERS.get(code, [])]
    keeper = users[0]
    approver = _first(org, r.WORKSHOP_SUPERVISOR)
    manager = _first(org, r.STORE_MANAGER, r.GENERAL_MANAGER)
    for i, (lo, hi, role) in enumerate(bands.DEFAULT_BANDS):
        ApprovalBand.all_objects.get_or_create(organisation=org, order=i + 1,
                                               defaults={"min_value": lo, "max_value": hi,
                                                         "role": role})  # fmt: skip
    central = Location.all_objects.get_or_create(
        organisation=org, code="central", defaults={"name": "中心备件库", "kind": "central"}
    )[0]
    stations = []
    for store in Store.all_objects.filter(organisation=org).order_by("id"):
        stations.append(Location.all_objects.get_or_create(
            organisation=org, code=f"st-{store.code}",
            defaults={"name": f"{store.name}服务站备件库", "kind": "station", "store": store},
        )[0])  # fmt: skip
    dealer = Dealer.all_objects.filter(organisation=org).first()
    if dealer is not None:
        Location.all_objects.get_or_create(
            organisation=org, code=f"dl-{dealer.pk}",
            defaults={"name": f"{dealer.name}寄存库", "kind": "dealer", "dealer": dealer},
        )  # fmt: skip
    products = list(Product.all_objects.filter(organisation=org))
    parts = []
    for pc, name, spec, unit, kind, cost, sale, level, fits in CATALOGUE.get(code, []):
        part, _c = Part.all_objects.get_or_create(
            organisation=org, code=pc,
            defaults={"name": name, "specification": spec, "unit": unit, "kind": kind,
                      "cost_price": Decimal(cost), "sale_price": Decimal(sale),
                      "reorder_level": level},
        )  # fmt: skip
        part.products.set([p for p in products if any(f in p.name for f in fits)])
        parts.append(part)
    # Two deliveries from the maker at different prices (the moving average shows), one
    # reimbursed purchase by a technician (§3.7.3), stock sent to the stations' own ledgers.
    services.receipt_create(
        by=keeper, location=central, supplier="厂家华北仓 / 送货人 孙师傅",
        delivery_note="FH-2026-0311",
        lines=[{"part": p.pk, "quantity": p.reorder_level * 2 + 2, "unit_cost": p.cost_price}
               for p in parts],
        now=now - dt.timedelta(days=60),
    )  # fmt: skip
    services.receipt_create(
        by=keeper, location=central, supplier="厂家华北仓 / 送货人 孙师傅",
        delivery_note="FH-2026-0402",
        lines=[{"part": p.pk, "quantity": 4, "unit_cost": p.cost_price * Decimal("1.08")}
               for p in parts[:4]],
        now=now - dt.timedelta(days=6),
    )  # fmt: skip
    services.receipt_create(
        by=keeper, location=central, supplier="维修员自购（已报销）",
        expense_ref="BX-0417", lines=[{"part": parts[-1].pk, "quantity": 2}],
        now=now - dt.timedelta(days=3),
    )  # fmt: skip
    for st in stations:
        for p in parts[:3]:
            services.transfer_create(by=keeper, part=p, src=central, dst=st, quantity=3,
                                     note="发往服务站单独建帐", now=now - dt.timedelta(days=5))  # fmt: skip
    sup = _first(org, *services.SUPERVISOR_ROLES)
    post = services.postage_record(by=keeper, carrier="顺丰速运", waybill=f"SF{org.pk:03d}7781203",
                                   amount="18.00", description="寄往服务站：加热座圈1个",
                                   now=now - dt.timedelta(days=4))  # fmt: skip
    if sup is not None and sup.pk != keeper.pk:
        services.postage_approve(by=sup, postage=post)
    services.postage_record(by=keeper, carrier="中通快递", waybill=f"ZT{org.pk:03d}5510932",
                            amount="12.00", description="寄往经销商：进水阀2个")  # fmt: skip
    # Low stock: one part drawn down below its level at the central store.
    services.reorder_level_set(by=keeper, part=parts[2], location=central, level=40)

    orders = list(
        WorkOrder.all_objects.filter(organisation=org, technician__user__isnull=False)
        .select_related("technician__user")
        .order_by("id")
    )
    by_status: dict[str, list] = {}
    for o in orders:
        by_status.setdefault(o.status, []).append(o)

    def req(order, lines, text):
        return services.requisition_create(
            by=order.technician.user, work_order=order, location=central,
            lines=[{"part": p.pk, "quantity": q} for p, q in lines], proposal=text,
        )  # fmt: skip

    approve_by = approver or manager
    open_orders = by_status.get(states.ON_SITE, []) + by_status.get(states.WAITING_PARTS, [])
    if open_orders:
        o = open_orders[0]
        req(o, [(parts[0], 1), (parts[5], 1)], "进水阀老化漏水，更换进水阀与缓降器")  # submitted
        if approve_by:
            r2 = req(o, [(parts[2], 1)], "主板受潮，建议更换主板")
            services.requisition_approve(by=approve_by, requisition=r2, note="同意")
            r3 = req(o, [(parts[1], 1), (parts[7], 2)], "排水阀密封件老化，顺带更换软管")
            services.requisition_approve(by=approve_by, requisition=r3)
            services.requisition_issue(by=keeper, requisition=r3)  # with the technician
            services.requisition_line_return(by=keeper, line=r3.lines.order_by("id").last(),
                                             quantity=1, note="多领一根，退回")  # fmt: skip
        quote = services.quote_create(by=o.technician.user, work_order=o,
                                      lines=[{"part": parts[0].pk, "quantity": 1}],
                                      labour_hours="1", travel_km=15)  # fmt: skip
        services.quote_accept(by=o.technician.user, quote=quote, customer_name="顾客本人")
    # Two services walked through here (the demo's own orders rarely have a technician with a
    # login): one signed with its old parts back (written off, appraised, in the month's
    # disposal batch), one completed days ago whose old part is overdue.
    desk = _first(org, r.SERVICE_DESK, r.CLERK, r.CS_SUPERVISOR)
    staff = next(
        (
            st
            for st in ServiceStaff.all_objects.filter(
                organisation=org, user__isnull=False, status="active"
            ).order_by("id")
            if "repair" in (st.kinds or [])
        ),
        None,
    )
    customer = Customer.all_objects.filter(organisation=org).order_by("id").first()
    supervisor = _first(org, r.WORKSHOP_SUPERVISOR)
    if not (approve_by and desk and staff and customer):
        return _stock_count(keeper, manager, central, parts)
    signed_at = now - dt.timedelta(hours=5)
    o = _walk(desk, staff, customer, signed_at, "智能马桶加热座圈不热，进水阀渗水")
    r4 = req(o, [(parts[0], 1), (parts[3], 1)], "更换进水阀与加热座圈")
    services.requisition_approve(by=approve_by, requisition=r4, now=signed_at)
    services.requisition_issue(by=keeper, requisition=r4, now=signed_at)
    lines = list(r4.lines.order_by("id"))
    wo.workorder_complete(
        by=staff.user, order=o, findings="进水阀老化、座圈加热丝断", work_done="更换进水阀与加热座圈",
        parts=[{"name": parts[0].name, "quantity": 1, "reason": "老化渗水"},
               {"name": parts[3].name, "quantity": 1, "reason": "加热丝断"}],
        now=signed_at + dt.timedelta(hours=1),
    )  # fmt: skip
    o = wo.workorder_sign(by=staff.user, order=o, signer_name=customer.name, signature=PNG,
                          now=signed_at + dt.timedelta(hours=1, minutes=5))  # fmt: skip
    rps = list(ReportPart.all_objects.filter(report__order=o).order_by("id"))
    old1 = services.old_part_register(by=keeper, line=lines[0], serial="JSF-88213",
                                      report_part=rps[0].pk, now=signed_at + dt.timedelta(hours=2))  # fmt: skip
    old2 = services.old_part_register(by=keeper, line=lines[1], serial="JRQ-55102",
                                      report_part=rps[1].pk, now=signed_at + dt.timedelta(hours=2))  # fmt: skip
    if supervisor is not None:
        services.old_part_appraise(by=supervisor, old_part=old1, verdict="warranty_fault",
                                   condition="scrap", note="阀体开裂",
                                   now=signed_at + dt.timedelta(hours=3))  # fmt: skip
        services.old_part_appraise(by=supervisor, old_part=old2, verdict="no_fault",
                                   condition="usable", note="检测正常，可再利用",
                                   now=signed_at + dt.timedelta(hours=3))  # fmt: skip
        month = timezone.localdate(now).replace(day=1)
        services.disposal_batch_collect(by=keeper, month=month)
    late = now - dt.timedelta(hours=4)
    o2 = _walk(desk, staff, customer, late, "排水阀失灵，冲水不止")
    r5 = req(o2, [(parts[1], 1)], "排水阀失灵，更换")
    services.requisition_approve(by=approve_by, requisition=r5, now=late)
    services.requisition_issue(by=keeper, requisition=r5, now=late)
    wo.workorder_complete(
        by=staff.user, order=o2, findings="排水阀密封圈老化", work_done="更换排水阀",
        parts=[{"name": parts[1].name, "quantity": 1, "reason": "密封圈老化"}],
        now=late + dt.timedelta(hours=1),
    )  # fmt: skip
    # shown as if the service had been done last week: its old part is overdue
    RequisitionLine.all_objects.filter(requisition=r5).update(
        old_part_due_on=timezone.localdate(now) - dt.timedelta(days=2)
    )
    return _stock_count(keeper, manager, central, parts)


def _walk(desk, staff, customer, when, text):
    """An order from the hotline to the technician on site."""
    order = wo.workorder_intake(by=desk, customer=customer, source="hotline", kind="repair",
                                description=text, now=when).order  # fmt: skip
    order = wo.workorder_dispatch(by=desk, order=order, technician=staff, now=when)
    order = wo.workorder_contact(by=staff.user, order=order, now=when)
    order = wo.workorder_appoint(by=staff.user, order=order, appointment_at=when, now=when)
    return wo.workorder_arrive(by=staff.user, order=order, now=when)


def _stock_count(keeper, manager, central, parts):
    if manager is not None and manager.pk != keeper.pk:
        services.stock_count_create(
            by=keeper, location=central, note="月末盘点",
            lines=[{"part": parts[4].pk, "counted": parts[4].reorder_level * 2 + 1},
                   {"part": parts[8].pk, "counted": parts[8].reorder_level * 2 + 2}],
        )  # fmt: skip
