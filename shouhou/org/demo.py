"""Demo organisations, stores and service stations (hotlines, opening hours), merchants,
departments (their lines, and who works in them) and one login per role."""

import datetime as dt

from django.contrib.auth.models import Group

from . import roles as r
from .models import Dealer, Department, Merchant, Organisation, OrganisationSettings, Store, User

DEMO_PASSWORD = "demo12345"

ORGS = [
    ("jiancai", "红星建材城", Organisation.Kind.MARKET, "0371-65550000", "郑州市金水区花园路88号"),
    (
        "jiaju",
        "美家家具广场",
        Organisation.Kind.FURNITURE,
        "010-84560000",
        "北京市朝阳区北四环东路66号",
    ),
    (
        "brand",
        "洁雅卫浴华北服务中心",
        Organisation.Kind.BRAND_CENTRE,
        "022-23450000",
        "天津市河西区友谊路30号",
    ),
]
_H = dt.time
# org, code, name, hotline, address, kind, opening hours (None: the office hours)
STORES = [
    (
        "jiancai",
        "jc-main",
        "建材城总店",
        "0371-65551234",
        "郑州市金水区花园路88号",
        "store",
        (_H(8, 30), _H(21, 0)),
    ),
    (
        "jiancai",
        "jc-east",
        "建材城东区店",
        "0371-65559876",
        "郑州市郑东新区商务外环路20号",
        "store",
        (_H(9, 0), _H(20, 30)),
    ),
    (
        "jiaju",
        "jj-main",
        "美家家具旗舰店",
        "010-84561234",
        "北京市朝阳区北四环东路66号",
        "store",
        (_H(9, 30), _H(21, 30)),
    ),
    (
        "brand",
        "br-tj",
        "洁雅天津服务站",
        "4006005678",
        "天津市河西区友谊路30号",
        "station",
        (_H(8, 0), _H(18, 0)),
    ),
]
# name, booth, contact, phone, store (the market hall the booth is in)
MERCHANTS = [
    ("恒洁卫浴专营店", "A-101", "刘建国", "13903710001", "jc-main"),
    ("欧普照明", "A-205", "陈晓燕", "13903710002", "jc-main"),
    ("东鹏瓷砖", "B-012", "赵海涛", "13903710003", "jc-main"),
    ("3M窗膜专营", "B-118", "孙丽", "13903710004", "jc-east"),
    ("全友家居", "C-301", "周明", "13903710005", "jc-east"),
]
# name, kind, whose store (None: the whole organisation), the department's line
DEPARTMENTS = [
    ("客服部", "customer_service", "main", "0371-65551200"),
    ("售后服务部", "after_sales", "main", "0371-65551210"),
    ("呼叫中心", "call_centre", None, "0371-65551220"),
    ("维修车间", "workshop", "main", "0371-65551230"),
    ("物流配送部", "logistics", None, "0371-65551240"),
    ("财务部", "finance", None, "0371-65551250"),
    ("保安部", "security", "main", "0371-65551260"),
    ("行政部", "administration", None, "0371-65551270"),
    ("技术部", "technical", None, "0371-65551280"),
]
# Each organisation's main store and the area code of its department lines.
MAIN_STORE = {"jiancai": "jc-main", "jiaju": "jj-main", "brand": "br-tj"}
AREA_CODE = {"jiancai": "0371-6555", "jiaju": "010-8456", "brand": "022-2345"}
# Who works in which department (the people of the organisation pages).
USER_DEPARTMENT = {
    "manager": "客服部",
    "clerk": "客服部",
    "supervisor": "客服部",
    "callcentre": "呼叫中心",
    "desk": "售后服务部",
    "finance": "财务部",
    "trainer": "行政部",
    "workshop": "维修车间",
    "security": "保安部",
    "jj_clerk": "客服部",
    "jj_manager": "客服部",
    "br_clerk": "呼叫中心",
}
# username, display name, roles, org code, store code, merchant index
USERS = [
    (
        "manager",
        "李经理",
        [r.CS_MANAGER, r.CS_SUPERVISOR, r.ADMINISTRATION],
        "jiancai",
        "jc-main",
        None,
    ),
    ("clerk", "王小红", [r.CLERK], "jiancai", "jc-main", None),
    ("supervisor", "张主管", [r.CS_SUPERVISOR], "jiancai", "jc-main", None),
    ("storemgr", "赵店长", [r.STORE_MANAGER], "jiancai", "jc-main", None),
    ("vp", "钱副总", [r.VP_OPERATIONS], "jiancai", None, None),
    ("gm", "孙总", [r.GENERAL_MANAGER], "jiancai", None, None),
    ("callcentre", "周话务", [r.CALL_CENTRE], "jiancai", "jc-main", None),
    ("desk", "吴前台", [r.SERVICE_DESK], "jiancai", "jc-main", None),
    ("finance", "郑会计", [r.FINANCE], "jiancai", None, None),
    ("trainer", "冯培训", [r.TRAINING_OFFICER], "jiancai", None, None),
    ("workshop", "陈车间", [r.WORKSHOP_SUPERVISOR], "jiancai", "jc-main", None),
    ("security", "褚保安", [r.SECURITY], "jiancai", "jc-main", None),
    ("sales", "卫销售", [r.SALES], "jiancai", "jc-main", None),
    ("merchant1", "刘建国", [r.MERCHANT_ADMIN], "jiancai", None, 0),
    ("merchant2", "陈晓燕", [r.MERCHANT_ADMIN], "jiancai", None, 1),
    ("jj_clerk", "蒋客服", [r.CLERK, r.CS_SUPERVISOR], "jiaju", "jj-main", None),
    ("jj_manager", "沈经理", [r.CS_MANAGER, r.STORE_MANAGER], "jiaju", "jj-main", None),
    ("br_clerk", "韩客服", [r.CLERK, r.CALL_CENTRE], "brand", "br-tj", None),
]


def seed(ctx):
    ctx.orgs, ctx.stores, ctx.users = {}, {}, {}
    for code, name, kind, phone, address in ORGS:
        org, _ = Organisation.objects.get_or_create(
            code=code, defaults={"name": name, "kind": kind, "phone": phone, "address": address}
        )
        OrganisationSettings.objects.get_or_create(organisation=org)
        ctx.orgs[code] = org
    for org_code, code, name, hotline, address, kind, (opens, closes) in STORES:
        store, _ = Store.objects.get_or_create(
            organisation=ctx.orgs[org_code],
            code=code,
            defaults={
                "name": name,
                "hotline": hotline,
                "address": address,
                "kind": kind,
                "opens_at": opens,
                "closes_at": closes,
            },
        )
        ctx.stores[code] = store
    departments = {}
    for org_code, org in ctx.orgs.items():
        for dep_name, dep_kind, where, line in DEPARTMENTS:
            departments[org_code, dep_name], _ = Department.objects.get_or_create(
                organisation=org,
                name=dep_name,
                defaults={
                    "kind": dep_kind,
                    "store": ctx.stores[MAIN_STORE[org_code]] if where else None,
                    "phone": AREA_CODE[org_code] + line[-4:],
                },
            )
    market = ctx.orgs["jiancai"]
    ctx.merchants = []
    for name, booth, contact, phone, store_code in MERCHANTS:
        m, _ = Merchant.objects.get_or_create(
            organisation=market,
            name=name,
            defaults={
                "booth": booth,
                "contact_name": contact,
                "phone": phone,
                "store": ctx.stores[store_code],
            },
        )
        ctx.merchants.append(m)
    Dealer.objects.get_or_create(
        organisation=ctx.orgs["brand"],
        name="洁雅卫浴石家庄经销商",
        defaults={"region": "河北", "contact_name": "马经理", "phone": "13831100001"},
    )
    for username, display, role_codes, org_code, store_code, merchant_idx in USERS:
        user, created = User.objects.get_or_create(
            username=username,
            defaults={
                "display_name": display,
                "organisation": ctx.orgs[org_code],
                "store": ctx.stores.get(store_code),
                "merchant": ctx.merchants[merchant_idx] if merchant_idx is not None else None,
            },
        )
        if created:
            user.set_password(DEMO_PASSWORD)
            user.save()
        dep = departments.get((org_code, USER_DEPARTMENT.get(username, "")))
        if dep is not None and user.department_id is None:
            user.department = dep
            user.save(update_fields=["department"])
        user.groups.add(*[Group.objects.get_or_create(name=c)[0] for c in role_codes])
        ctx.users[username] = user
    admin, created = User.objects.get_or_create(
        username="admin",
        defaults={"display_name": "系统管理员", "is_staff": True, "is_superuser": True},
    )
    if created:
        admin.set_password(DEMO_PASSWORD)
        admin.save()
    ctx.users["admin"] = admin
