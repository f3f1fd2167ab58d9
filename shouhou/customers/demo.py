"""Demo customers for `manage.py seed_demo`: 240 believable customers in 郑州, 北京 and 天津.

Deterministic (a seeded random generator) and idempotent: a customer is found by organisation
and mobile before one is created, so running the seed again adds nothing.
"""

from __future__ import annotations

import datetime as dt
import random

from django.utils import timezone

from shouhou.core.phones import normalise_phone

from . import selectors, services
from .models import Customer, CustomerAddress, CustomerPhone

SURNAMES = (
    "王李张刘陈杨黄赵吴周徐孙马朱胡郭何高林罗郑梁谢宋唐许韩冯邓曹彭曾肖田董袁潘于蒋蔡余杜叶程"
    "苏魏吕丁任沈姚卢姜崔钟谭陆汪范金石廖贾夏韦付方白邹孟熊秦邱江尹薛闫段雷侯龙史陶黎贺顾毛郝"
    "龚邵万钱严武戴莫孔向汤"
)
COMPOUND = ("欧阳", "司马", "诸葛", "上官")


def _words(text: str) -> tuple[str, ...]:
    return tuple(text.split())


GIVEN_MALE = _words(
    "伟 强 磊 军 洋 勇 杰 涛 明 超 刚 平 辉 鹏 华 飞 鑫 波 斌 宇 浩 凯 健 俊 帆 旭 宁 龙 建国 建华 "
    "志强 志明 国强 文博 子轩 浩然 宇航 俊杰 晓东 海涛 振华 永刚 德明 立新 家豪 明辉 博文"
)
GIVEN_FEMALE = _words(
    "芳 娜 敏 静 丽 艳 娟 霞 婷 雪 慧 莹 倩 琳 晶 燕 红 玲 丹 萍 洁 颖 秀英 桂英 玉兰 欣怡 梓涵 "
    "雨萱 思琪 佳怡 晓燕 秀兰 丽娟 海燕 春梅 雅琴 淑华 美玲 诗涵"
)
MINORITY = ("阿依古丽·买买提", "热依拉·吐尔逊", "努尔兰·哈力克", "古丽娜尔·艾山")
HONORIFIC = ("李先生", "王女士", "张阿姨", "刘师傅", "陈小姐")

MOBILE_PREFIXES = _words(
    "139 138 137 136 135 134 150 151 152 157 158 159 182 183 187 188 130 131 132 155 156 185 "
    "186 133 153 180 181 189 177 199 166 176"
)

# city code -> (province, city, landline area code, first digits of landlines, districts->roads)
CITIES = {
    "zhengzhou": (
        "河南省",
        "郑州市",
        "0371",
        "56",
        {
            "金水区": ("花园路", "文化路", "农业路", "经三路", "纬五路", "东风路", "丰产路"),
            "二七区": ("大学路", "航海中路", "嵩山南路", "长江路"),
            "中原区": ("建设西路", "中原中路", "桐柏路", "棉纺路"),
            "管城回族区": ("紫荆山路", "商都路", "城东路", "航海东路"),
            "惠济区": ("天河路", "开元路", "长兴路"),
            "中牟县": ("商都大道", "官渡大道"),
        },
    ),
    "beijing": (
        "北京市",
        "北京市",
        "010",
        "68",
        {
            "朝阳区": ("建国路", "朝阳北路", "望京街", "东三环中路"),
            "海淀区": ("中关村大街", "学院路", "西三环北路", "万泉河路"),
            "丰台区": ("丰台北路", "南三环西路", "马家堡东路"),
            "通州区": ("新华大街", "梨园北街"),
            "昌平区": ("回龙观西大街", "北清路"),
            "东城区": ("东直门内大街", "和平里东街"),
            "西城区": ("西直门南大街", "广安门外大街"),
        },
    ),
    "tianjin": (
        "天津市",
        "天津市",
        "022",
        "2",
        {
            "河西区": ("友谊路", "围堤道", "解放南路", "黑牛城道"),
            "和平区": ("南京路", "成都道", "营口道"),
            "南开区": ("鞍山西道", "黄河道", "红旗路"),
            "河东区": ("津塘路", "十一经路", "卫国道"),
            "河北区": ("中山路", "金纬路", "狮子林大街"),
            "西青区": ("中北大道", "杨柳青镇新华道"),
        },
    ),
}
ESTATES = (
    "阳光花园",
    "锦绣家园",
    "金色港湾",
    "翠竹苑",
    "幸福小区",
    "百合公寓",
    "森林半岛",
    "世纪城",
    "和谐家园",
    "丽景湾",
    "东方名苑",
    "书香门第",
    "枫林小区",
    "春天花园",
    "御景湾",
    "滨河花园",
)
PREFERENCES = (
    "喜欢简约现代风格",
    "工作日晚上7点后方便联系",
    "对甲醛敏感，偏好环保板材",
    "家有老人，送货安装请提前电话",
    "偏好白色系卫浴",
    "周末在家，周六上午最好",
    "注重售后响应速度",
    "喜欢实木家具",
    "有宠物，安装时请关好门",
)

# organisation code -> (city, how many customers)
PLAN = {"jiancai": ("zhengzhou", 110), "jiaju": ("beijing", 70), "brand": ("tianjin", 60)}


def _mobile(rng: random.Random, used: set[str]) -> str:
    while True:
        raw = rng.choice(MOBILE_PREFIXES) + f"{rng.randrange(10**8):08d}"
        if raw in used:
            continue
        try:
            number = normalise_phone(raw, mobile_only=True)
        except ValueError:
            continue
        used.add(number)
        return number


def _landline(rng: random.Random, area: str, starts: str, used: set[str]) -> str:
    while True:
        raw = f"{area}{rng.choice(starts)}{rng.randrange(10**7):07d}"
        try:
            number = normalise_phone(raw)
        except ValueError:
            continue
        if number not in used:
            used.add(number)
            return number


def _name(rng: random.Random, i: int) -> tuple[str, str, bool]:
    """(name, gender, is a surname with an honorific)"""
    if i % 37 == 5:
        return MINORITY[(i // 37) % len(MINORITY)], "f" if i % 2 else "m", False
    if i % 29 == 7:
        name = HONORIFIC[(i // 29) % len(HONORIFIC)]
        return name, "m" if name.endswith(("先生", "师傅")) else "f", True
    surname = rng.choice(COMPOUND) if i % 41 == 3 else rng.choice(SURNAMES)
    if rng.random() < 0.5:
        return surname + rng.choice(GIVEN_MALE), "m", False
    return surname + rng.choice(GIVEN_FEMALE), "f", False


def _address(rng: random.Random, city: str) -> tuple[str, str, str, str]:
    province, city_name, _area, _starts, districts = CITIES[city]
    district = rng.choice(sorted(districts))
    road = rng.choice(districts[district])
    detail = (
        f"{road}{rng.randint(1, 300)}号{rng.choice(ESTATES)}{rng.randint(1, 30)}号楼"
        f"{rng.randint(1, 4)}单元{rng.randint(1, 28)}{rng.randint(1, 4):02d}室"
    )
    return province, city_name, district, detail


def _creator(ctx, organisation):
    for user in (getattr(ctx, "users", None) or {}).values():
        if user.organisation_id == organisation.pk and selectors.is_office(user):
            return user
    return None


def _create_direct(organisation, now, **data) -> Customer:
    """Without an office user in the demo cast: the same rows as the service, unaudited."""
    address = {k: data.pop(k) for k in ("province", "city", "district", "address_detail")}
    others = data.pop("other_phones")
    data.pop("allow_honorific")
    name_is_full = data.pop("name_is_full")
    customer = Customer.objects.create(
        organisation=organisation,
        name_is_full=name_is_full,
        archive_due_at=services.archive_due_at(now, organisation),
        **data,
    )
    CustomerAddress.objects.create(
        organisation=organisation,
        customer=customer,
        province=address["province"],
        city=address["city"],
        district=address["district"],
        detail=address["address_detail"],
        is_default=True,
    )
    for number in others:
        CustomerPhone.objects.create(organisation=organisation, customer=customer, number=number)
    return customer


def seed(ctx) -> None:
    today = getattr(ctx, "today", None) or timezone.localdate()
    now = timezone.now()
    ctx.customers = {}
    stores = list((getattr(ctx, "stores", None) or {}).values())
    merchants = list(getattr(ctx, "merchants", None) or [])
    for code, (city, count) in PLAN.items():
        organisation = (getattr(ctx, "orgs", None) or {}).get(code)
        if organisation is None:
            continue
        rng = random.Random(f"shouhou-demo-customers-{code}")  # noqa: S311 - demo data
        used: set[str] = set()
        org_stores = [s for s in stores if s.organisation_id == organisation.pk]
        org_merchants = [m for m in merchants if m.organisation_id == organisation.pk]
        by = _creator(ctx, organisation)
        _province, _city, area, starts, _districts = CITIES[city]
        customers = []
        for i in range(count):
            mobile = _mobile(rng, used)
            name, gender, honorific = _name(rng, i)
            province, city_name, district, detail = _address(rng, city)
            others = [_landline(rng, area, starts, used)] if rng.random() < 0.2 else []
            if rng.random() < 0.1:
                others.append(_mobile(rng, used))
            days_ago = rng.randint(0, 400)
            completed = days_ago > 5 and rng.random() < 0.7
            # Every random draw happens before the "already there?" test, so a second run
            # walks the same sequence and finds the same customers.
            created = now - dt.timedelta(days=days_ago, minutes=rng.randint(0, 600))
            completed_at = created + dt.timedelta(days=1, hours=rng.randint(0, 8))
            birthday = today.replace(year=today.year - rng.randint(25, 70), day=1) - dt.timedelta(
                days=rng.randint(0, 360)
            )
            preferences = rng.choice(PREFERENCES)
            is_member = rng.random() < 0.35
            data = {
                "name": name,
                "mobile": mobile,
                "province": province,
                "city": city_name,
                "district": district,
                "address_detail": detail,
                "store": org_stores[i % len(org_stores)] if org_stores else None,
                "merchant": (
                    org_merchants[i % len(org_merchants)]
                    if org_merchants and rng.random() < 0.6
                    else None
                ),
                "gender": gender,
                "is_member": is_member,
                "member_no": f"VIP{organisation.pk:02d}{i:05d}" if is_member else "",
                "other_phones": others,
                "allow_honorific": honorific,
            }
            existing = Customer.objects.filter(organisation=organisation, mobile=mobile).first()
            if existing is not None:
                customers.append(existing)
                continue
            if by is not None:
                customer = services.customer_create(by=by, **data)
            else:
                customer = _create_direct(
                    organisation, now, name_is_full=not honorific, created_by=None, **data
                )
            updates = {
                "created_at": created,
                "archive_due_at": services.archive_due_at(created, organisation),
            }
            if completed:
                updates.update(
                    archive_completed_at=completed_at, birthday=birthday, preferences=preferences
                )
            Customer.objects.filter(pk=customer.pk).update(**updates)
            customer.refresh_from_db()
            customers.append(customer)
        ctx.customers[code] = customers
