"""Demo dealers (after sales and complaints): in the market (jiancai), the furniture store
(jiaju) and the brand service centre, two dealers each with a dealer's login, warranty cards
back on time, back late, overdue and still due, the service log, repair records in every step
(one written off and deducted from the dealer's account), stocking plans and spot checks, and a
supplier claim in each status. Idempotent: rows are found again by their number or text."""

from __future__ import annotations

import datetime as dt
import logging

from django.contrib.auth.models import Group
from django.test.utils import override_settings
from django.utils import timezone

from shouhou.catalog.models import Product, Supplier
from shouhou.core.errors import DomainError
from shouhou.org import roles as r
from shouhou.org.demo import DEMO_PASSWORD
from shouhou.org.models import Dealer, User

from . import access, claims, services
from .models import (
    DealerMember,
    DealerSettings,
    LedgerEntry,
    RepairRecord,
    ServiceTask,
    SpotCheck,
    StockingPlan,
    SupplierClaim,
    WarrantyCard,
)

log = logging.getLogger(__name__)

DEALERS = {
    "jiancai": [
        ("郑州二七区恒洁卫浴经销商", "郑州", "冯经理", "13903711001"),
        ("开封宏达建材经销商", "开封", "许经理", "13903711002"),
    ],
    "jiaju": [
        ("北京通州美家经销商", "北京通州", "高经理", "13910011001"),
        ("廊坊家居经销商", "廊坊", "曹经理", "13910011002"),
    ],
    "brand": [
        ("洁雅卫浴石家庄经销商", "河北", "马经理", "13831100001"),
        ("洁雅卫浴保定经销商", "河北", "白经理", "13831100002"),
    ],
}
# username, display name, org code, dealer index
DEALER_USERS = [
    ("dealer1", "冯经理", "jiancai", 0),
    ("jj_dealer", "高经理", "jiaju", 0),
    ("br_dealer", "马经理", "brand", 0),
]
# Office users some organisations lack in the org demo (the roles the dealer flow needs).
HELPERS = [
    ("jj_finance", "许会计", "jiaju", [r.FINANCE]),
    ("jj_desk", "冯售后", "jiaju", [r.SERVICE_DESK, r.WORKSHOP_SUPERVISOR, r.SALES]),
    ("br_finance", "白会计", "brand", [r.FINANCE]),
    ("br_desk", "顾售后", "brand", [r.SERVICE_DESK, r.WORKSHOP_SUPERVISOR, r.SALES]),
]
CUSTOMERS = [
    ("王芳", "13812340001"),
    ("李强", "13812340002"),
    ("刘洋", "13812340003"),
    ("陈静", "13812340004"),
]


def _user(username, display, organisation, roles):
    user, created = User.objects.get_or_create(
        username=username, defaults={"display_name": display, "organisation": organisation}
    )
    if created:
        user.set_password(DEMO_PASSWORD)
        user.save()
    user.groups.add(*[Group.objects.get_or_create(name=c)[0] for c in roles])
    return user


def _with(users, organisation, *roles):
    for u in users.values():
        if (
            u.organisation_id == organisation.pk
            and r.has_role(u, *roles)
            and not u.is_superuser
            and not DealerMember.all_objects.filter(user=u).exists()
        ):
            return u
    return None


def _try(label, fn, **kw):
    try:
        return fn(**kw)
    except DomainError as exc:
        log.warning("demo %s skipped: %s", label, exc)
        return None


def seed(ctx) -> None:
    users = getattr(ctx, "users", None) or {}
    ctx.dealers = {}
    for code, organisation in (getattr(ctx, "orgs", None) or {}).items():
        DealerSettings.objects.get_or_create(organisation=organisation)
        dealers = []
        for name, region, contact, phone in DEALERS.get(code, []):
            d, _c = Dealer.all_objects.get_or_create(
                organisation=organisation,
                name=name,
                defaults={"region": region, "contact_name": contact, "phone": phone},
            )
            dealers.append(d)
        ctx.dealers[code] = dealers
        for username, display, org_code, roles in HELPERS:
            if org_code == code:
                users[username] = _user(username, display, organisation, roles)
        for username, display, org_code, idx in DEALER_USERS:
            if org_code == code and dealers:
                u = _user(username, display, organisation, [r.DEALER])
                DealerMember.all_objects.get_or_create(
                    user=u, defaults={"organisation": organisation, "dealer": dealers[idx]}
                )
                users[username] = u
        if len(dealers) < 2:
            continue
        _seed_org(ctx, code, organisation, dealers, users)


def _seed_org(ctx, code, organisation, dealers, users):
    office = _with(users, organisation, *access.OFFICE)
    technical = _with(users, organisation, *access.TECHNICAL)
    finance = _with(users, organisation, *access.FINANCE)
    desk = _with(users, organisation, *access.CLAIMS)
    checker = _with(users, organisation, *access.SPOT_CHECKERS)
    if None in (office, technical, finance, desk, checker):
        log.warning("demo dealers: %s lacks an office role, skipped", code)
        return
    today = timezone.localdate()
    product = Product.all_objects.filter(organisation=organisation).order_by("id").first()
    if product is None:
        return
    contracts = [
        c
        for c in (getattr(ctx, "contracts", None) or {}).get(code, [])
        if c.delivered_on and not WarrantyCard.all_objects.filter(contract=c).exists()
    ]
    old = [c for c in contracts if (today - c.delivered_on).days >= 40]
    recent = [c for c in contracts if (today - c.delivered_on).days <= 10]
    prefix = code[:2].upper()
    # Cards: (number, dealer, contract pool, sold days ago, received days after the sale)
    plan = [
        (f"{prefix}-HK-0001", 0, old, 60, 12),  # on time
        (f"{prefix}-HK-0002", 0, old, 55, 26),  # back late: not recognised
        (f"{prefix}-HK-0003", 0, old, 45, None),  # never back: overdue
        (f"{prefix}-HK-0004", 1, recent, 5, None),  # still due
        (f"{prefix}-HK-0005", 1, old, 50, 20),  # back on the 20th day
    ]
    cards = {}
    for i, (number, di, pool, days, back_after) in enumerate(plan):
        card = WarrantyCard.all_objects.filter(organisation=organisation, number=number).first()
        if card is None:
            contract = pool.pop(0) if pool else None
            sold_on = contract.delivered_on if contract else today - dt.timedelta(days=days)
            name, phone = CUSTOMERS[i % len(CUSTOMERS)]
            card = _try(
                "card",
                services.card_register,
                by=office,
                dealer=dealers[di],
                number=number,
                product=contract.lines.first().product if contract else product,
                contract=contract,
                serial=f"SN{organisation.pk:02d}{i:04d}",
                customer_name=contract.customer.name if contract else name,
                customer_phone=(
                    contract.customer.mobile if contract and contract.customer.mobile else phone
                ),
                customer_address=contract.delivery_address if contract else "",
                sold_on=sold_on,
            )
            if card is None:
                continue
            if back_after is not None:
                on = min(card.sold_on + dt.timedelta(days=back_after), today)
                _try("card receipt", services.card_receive, by=office, card=card, received_on=on)
                card.refresh_from_db()
        cards[number] = card
    d0, d1 = dealers
    # Service log
    if not ServiceTask.all_objects.filter(organisation=organisation, dealer=d0).exists():
        now = timezone.now()
        t1 = services.task_forward(
            by=office,
            dealer=d0,
            channel="call",
            customer_name="王芳",
            customer_phone="13812340001",
            problem="热水器不加热，客户来电要求上门",
            now=now - dt.timedelta(days=3),
        )
        services.task_arrange(
            by=office,
            task=t1,
            arrangement="次日上午上门检修",
            customer_told=True,
            now=t1.received_at + dt.timedelta(hours=1),
        )
        services.task_close(by=office, task=t1, outcome="更换加热管，已修复")
        services.task_forward(
            by=office,
            dealer=d0,
            channel="letter",
            customer_name="李强",
            customer_phone="13812340002",
            problem="来信反映龙头滴水",
            now=now - dt.timedelta(days=1),
        )
        services.task_log(
            by=office,
            dealer=d1,
            channel="visit",
            customer_name="刘洋",
            customer_phone="13812340003",
            problem="门店来访：花洒漏水",
        )
    # Repair records in every step
    if not RepairRecord.all_objects.filter(organisation=organisation).exists():
        card = cards.get(f"{prefix}-HK-0001")

        def record(dealer, fault, parts, **kw):
            return services.repair_record_create(
                by=office,
                dealer=dealer,
                customer_name="王芳",
                fault=fault,
                work_done="检修并更换损坏件",
                repaired_on=today - dt.timedelta(days=6),
                signed_by_customer="王芳",
                labour_hours="2",
                travel_km="15",
                parts=parts,
                **kw,
            )

        heater = [
            {"name": "加热管", "quantity": 1, "unit_price": "85.00"},
            {"name": "密封圈", "quantity": 2, "unit_price": "6.50"},
        ]
        done = record(d0, "加热管烧坏", heater, card=card)
        done = services.repair_record_receive(by=office, record=done, old_parts_back=True)
        parts = list(done.parts.order_by("id"))
        services.repair_record_appraise(
            by=technical,
            record=done,
            appraisals={parts[0].pk: "scrap", parts[1].pk: "usable"},
            note="加热管内部击穿，属质量问题",
        )
        services.repair_record_approve(by=finance, record=done)
        services.ledger_post(
            by=finance,
            dealer=d0,
            kind="charge",
            amount="12800.00",
            on=today.replace(day=1),
            description="本月发货 20 台热水器",
        )
        services.ledger_post(
            by=finance,
            dealer=d0,
            kind="payment",
            amount="8000.00",
            on=today.replace(day=1),
            description="经销商回款",
        )
        notice = services.writeoff_issue(by=finance, dealer=d0)
        services.writeoff_confirm(by=finance, notice=notice)
        waiting = record(
            d0, "温控器失灵", [{"name": "温控器", "quantity": 1, "unit_price": "45.00"}]
        )
        services.repair_record_receive(by=office, record=waiting, old_parts_back=True)
        p = waiting.parts.first()
        services.repair_record_appraise(by=technical, record=waiting, appraisals={p.pk: "scrap"})
        refused = record(d1, "阀芯漏水", [{"name": "阀芯", "quantity": 1, "unit_price": "30.00"}])
        services.repair_record_receive(by=office, record=refused, old_parts_back=False)
        record(d1, "花洒堵塞", [])
        LedgerEntry.all_objects.get_or_create(
            organisation=organisation,
            dealer=d1,
            kind="charge",
            description="首批进货",
            defaults={"on": today.replace(day=1), "amount": "6400.00", "created_by": finance},
        )
    # Obligations: d0 has its plan and a spot check; d1 has neither (listed as missing)
    conf = DealerSettings.for_org(organisation)
    season = next(
        (s for y in (today.year, today.year + 1) for s in conf.season_dates(y) if s > today), None
    )
    if (
        season
        and not StockingPlan.all_objects.filter(organisation=organisation, dealer=d0).exists()
    ):
        services.stocking_plan_record(
            by=office,
            dealer=d0,
            season_start=season,
            items="加热管 20 支；温控器 10 个；密封圈 100 个",
        )
    if not SpotCheck.all_objects.filter(organisation=organisation, dealer=d0).exists():
        services.spot_check_record(
            by=checker,
            dealer=d0,
            checked_on=today - dt.timedelta(days=10),
            records_checked=6,
            findings="抽查 6 份三包维修记录，1 份缺用户签字，已要求补签",
        )
    _seed_claims(organisation, desk)


def _seed_claims(organisation, desk):
    supplier = Supplier.all_objects.filter(organisation=organisation).order_by("id").first()
    if supplier is None:
        supplier, _c = Supplier.all_objects.get_or_create(
            organisation=organisation, name="演示供应商"
        )
    steps = ["draft", "sent", "acknowledged", "settled_full", "settled_part", "rejected"]
    with override_settings(EMAIL_BACKEND="django.core.mail.backends.locmem.EmailBackend"):
        for i, step in enumerate(steps):
            marker = f"演示索赔 {i + 1}：{supplier.name} 热水器 SN-{organisation.pk:02d}{i:03d}"
            if SupplierClaim.all_objects.filter(
                organisation=organisation, products=marker
            ).exists():
                continue
            claim = claims.claim_create(
                by=desk,
                supplier=supplier,
                products=marker,
                fault="内胆渗漏",
                evidence="检测报告、现场照片、旧件鉴定结论：焊缝缺陷",
                email_to="service@supplier.example.com",
                items=[
                    {"kind": "goods", "amount": "1280.00", "description": "为用户换新整机"},
                    {"kind": "labour", "amount": "120.00", "description": "拆装工时"},
                    {"kind": "freight", "amount": "60.00", "description": "旧机返厂运费"},
                    {"kind": "compensation", "amount": "200.00", "description": "用户补偿"},
                ],
                now=timezone.now() - dt.timedelta(days=20 * (len(steps) - i)),
            )
            if step == "draft":
                continue
            sent_at = timezone.now() - dt.timedelta(days=15 * (len(steps) - i))
            claim = claims.claim_send(by=desk, claim=claim, now=sent_at)
            if step == "sent":
                continue
            if step == "rejected":
                claims.claim_reject(by=desk, claim=claim, note="供应商认为系安装不当所致，拒赔")
                continue
            claim = claims.claim_acknowledge(by=desk, claim=claim, name="供应商售后部")
            if step == "settled_full":
                claims.claim_settle(by=desk, claim=claim, amount="1660.00", note="全额冲抵货款")
            elif step == "settled_part":
                claims.claim_settle(
                    by=desk, claim=claim, amount="1280.00", note="只认整机，运费工时不认"
                )
