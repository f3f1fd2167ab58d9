"""Demo catalogues for the three demo organisations (idempotent: get_or_create on natural keys).

- "jiancai", a building-materials market: each merchant (booth) sells its own lines: sanitary
  ware, electrical goods, window film, tile adhesive, single-use household items.
- "jiaju", a furniture store: sofas, beds, wardrobes, dining tables, mattresses.
- "brand", a sanitary-ware brand's service centre: its own brand's range.

The flags are what the service-promise rules read (seed 004): electronics needing installation,
bulbs and speakers, window film, adhesives, single-use goods, goods needing no installation.
Sets `ctx.products`: organisation code -> list of ProductModel.
"""

from __future__ import annotations

from decimal import Decimal

from .models import Brand, CatalogSettings, Category, Product, ProductModel, Supplier

# (category, sub-category, product name, brand, flags, warranty months, packaging promise,
#  [(model code, model name, list price, model warranty or None)])
SANITARY = [
    (
        "卫浴",
        "座便器",
        "连体座便器",
        "雅洁卫浴",
        {"needs_installation": True},
        36,
        "",
        [
            ("YJ-1101", "虹吸式 400坑距", "1899.00", None),
            ("YJ-1102", "虹吸式 305坑距", "1699.00", None),
        ],
    ),
    (
        "卫浴",
        "座便器",
        "智能座便器",
        "雅洁卫浴",
        {"needs_installation": True, "is_electronic": True},
        6,
        "整机保修一年",
        [("YJ-S8", "即热式 遥控款", "4599.00", 12), ("YJ-S6", "储热式", "3299.00", None)],
    ),
    (
        "卫浴",
        "浴缸",
        "亚克力浴缸",
        "雅洁卫浴",
        {"needs_installation": True},
        24,
        "",
        [
            ("YG-1700", "1.7米 独立式", "3680.00", None),
            ("YG-1500", "1.5米 嵌入式", "2580.00", None),
        ],
    ),
    (
        "卫浴",
        "龙头",
        "冷热面盆龙头",
        "澳丽五金",
        {"needs_installation": True},
        60,
        "阀芯五年质保",
        [("AL-201", "单把单孔 铜镀铬", "368.00", None), ("AL-305", "抽拉式", "528.00", None)],
    ),
    (
        "卫浴",
        "淋浴房",
        "钢化玻璃淋浴房",
        "澳丽五金",
        {"needs_installation": True},
        24,
        "",
        [
            ("LY-900", "钻石型 900×900", "2860.00", None),
            ("LY-1200", "一字型 1200", "2280.00", None),
        ],
    ),
    (
        "卫浴",
        "浴室柜",
        "实木浴室柜",
        "雅洁卫浴",
        {"needs_installation": True},
        24,
        "",
        [("YS-800", "800 含镜柜", "2399.00", None), ("YS-1000", "1000 双盆", "3199.00", None)],
    ),
]
ELECTRICAL = [
    (
        "电器",
        "灯具",
        "LED灯泡",
        "华光照明",
        {"needs_installation": True, "is_electronic": True, "is_bulb_or_speaker": True},
        0,
        "",
        [("HG-9W", "9W 暖白 E27", "19.90", None), ("HG-12W", "12W 正白 E27", "25.90", None)],
    ),
    (
        "电器",
        "音响",
        "吸顶背景音箱",
        "声悦音响",
        {"needs_installation": True, "is_electronic": True, "is_bulb_or_speaker": True},
        0,
        "",
        [("SY-C6", "6寸 吸顶", "299.00", None)],
    ),
    (
        "电器",
        "热水器",
        "燃气热水器",
        "恒温电器",
        {"needs_installation": True, "is_electronic": True},
        6,
        "整机包修三年",
        [("HW-13L", "13升 恒温", "2299.00", 36), ("HW-16L", "16升 零冷水", "3599.00", 36)],
    ),
    (
        "电器",
        "热水器",
        "储水式电热水器",
        "恒温电器",
        {"needs_installation": True, "is_electronic": True},
        6,
        "内胆包修八年",
        [("HE-60", "60升", "1599.00", None), ("HE-80", "80升", "1899.00", None)],
    ),
]
FILM_AND_ADHESIVE = [
    (
        "装饰",
        "窗膜",
        "隔热防爆窗膜",
        "晶盾窗膜",
        {"needs_installation": True, "is_window_film": True},
        60,
        "不开裂、不起皮、不脱胶十年",
        [
            ("JD-70", "透光70% 每平方米", "180.00", None),
            ("JD-35", "透光35% 每平方米", "150.00", None),
        ],
    ),
    (
        "辅料",
        "瓷砖胶",
        "瓷砖胶",
        "坚固建材",
        {"is_adhesive": True},
        12,
        "",
        [("JG-C1", "C1 普通型 20kg", "68.00", None), ("JG-C2", "C2 加强型 20kg", "98.00", None)],
    ),
]
SINGLE_USE = [
    (
        "日用",
        "清洁",
        "管道疏通剂",
        "洁净家",
        {"is_single_use": True},
        0,
        "",
        [("JJ-500", "500ml", "29.90", None)],
    ),
    (
        "日用",
        "清洁",
        "除醛喷雾",
        "洁净家",
        {"is_single_use": True},
        0,
        "",
        [("JJ-CQ", "300ml", "49.00", None)],
    ),
]
FURNITURE = [
    (
        "家具",
        "沙发",
        "真皮沙发",
        "华艺家居",
        {},
        36,
        "框架十年保修",
        [("HY-S301", "三人位 头层牛皮", "8999.00", None), ("HY-S3L", "L型 转角", "12800.00", None)],
    ),
    (
        "家具",
        "沙发",
        "布艺沙发",
        "华艺家居",
        {},
        24,
        "",
        [("HY-F201", "两人位 科技布", "3999.00", None)],
    ),
    (
        "家具",
        "床",
        "实木床",
        "华艺家居",
        {"needs_installation": True},
        36,
        "",
        [
            ("HY-B180", "1.8米 白橡木", "6599.00", None),
            ("HY-B150", "1.5米 白橡木", "5599.00", None),
        ],
    ),
    (
        "家具",
        "床",
        "乳胶床垫",
        "梦乡床垫",
        {},
        60,
        "弹簧十年保修",
        [("MX-1820", "1.8×2.0米", "3299.00", 120)],
    ),
    (
        "家具",
        "衣柜",
        "推拉门衣柜",
        "华艺家居",
        {"needs_installation": True},
        24,
        "",
        [("HY-W200", "2米 三门", "7299.00", None), ("HY-W240", "2.4米 四门", "8799.00", None)],
    ),
    (
        "家具",
        "餐桌",
        "岩板餐桌",
        "华艺家居",
        {"needs_installation": True},
        24,
        "",
        [("HY-T140", "1.4米 六人位", "4299.00", None)],
    ),
    (
        "灯饰",
        "灯具",
        "LED吸顶灯",
        "华光照明",
        {"needs_installation": True, "is_electronic": True},
        6,
        "",
        [("HG-X48", "48W 客厅", "399.00", None)],
    ),
]
BRAND_CENTRE = [
    (
        "卫浴",
        "座便器",
        "智能一体座便器",
        "雅洁卫浴",
        {"needs_installation": True, "is_electronic": True},
        6,
        "整机保修两年",
        [("YJ-S9", "旗舰款 自动翻盖", "6999.00", 24), ("YJ-S8", "即热式 遥控款", "4599.00", None)],
    ),
    (
        "卫浴",
        "座便器",
        "分体座便器",
        "雅洁卫浴",
        {"needs_installation": True},
        36,
        "",
        [("YJ-2101", "节水型", "999.00", None)],
    ),
    (
        "卫浴",
        "浴缸",
        "按摩浴缸",
        "雅洁卫浴",
        {"needs_installation": True, "is_electronic": True},
        6,
        "电机保修一年",
        [("YG-M1700", "1.7米 冲浪按摩", "8999.00", 12)],
    ),
    (
        "卫浴",
        "龙头",
        "恒温淋浴花洒",
        "雅洁卫浴",
        {"needs_installation": True},
        60,
        "",
        [("YJ-H501", "恒温 顶喷", "2199.00", None)],
    ),
    (
        "卫浴",
        "淋浴房",
        "整体淋浴房",
        "雅洁卫浴",
        {"needs_installation": True},
        24,
        "",
        [("YJ-L1000", "1000×900 弧扇形", "4599.00", None)],
    ),
    (
        "卫浴",
        "浴室柜",
        "岩板浴室柜",
        "雅洁卫浴",
        {"needs_installation": True},
        24,
        "",
        [("YJ-G900", "900 智能镜柜", "4899.00", None)],
    ),
]

CATALOGS = {
    "jiancai": [
        ("sanitary", SANITARY),
        ("electrical", ELECTRICAL),
        ("film", FILM_AND_ADHESIVE),
        ("daily", SINGLE_USE),
    ],
    "jiaju": [("furniture", FURNITURE)],
    "brand": [("brand", BRAND_CENTRE)],
}
SUPPLIERS = {
    "jiancai": [("佛山雅洁陶瓷有限公司", "陈经理", "0757-82345678", "广东省佛山市南海区")],
    "jiaju": [("东莞华艺家具厂", "刘厂长", "0769-22345678", "广东省东莞市厚街镇")],
    "brand": [("雅洁卫浴华北仓", "赵主管", "010-62345678", "北京市大兴区")],
}


def _category(org, parent_name: str, name: str) -> Category:
    parent, _c = Category.objects.get_or_create(organisation=org, parent=None, name=parent_name)
    category, _c = Category.objects.get_or_create(organisation=org, parent=parent, name=name)
    return category


def seed(ctx) -> None:
    ctx.products = {}
    merchants = [m for m in getattr(ctx, "merchants", []) or [] if m.organisation.code == "jiancai"]
    for code, groups in CATALOGS.items():
        org = ctx.orgs.get(code)
        if org is None:
            continue
        CatalogSettings.objects.get_or_create(organisation=org)
        suppliers = []
        for name, contact, phone, address in SUPPLIERS.get(code, []):
            supplier, _c = Supplier.objects.get_or_create(
                organisation=org,
                name=name,
                defaults={"contact_name": contact, "phone": phone, "address": address},
            )
            suppliers.append(supplier)
        models: list[ProductModel] = []
        for group_no, (_group, rows) in enumerate(groups):
            # In the market each group of lines belongs to one merchant (booth).
            merchant = (
                merchants[group_no % len(merchants)] if code == "jiancai" and merchants else None
            )
            for parent_name, cat_name, name, brand_name, flags, months, promise, model_rows in rows:
                brand, _c = Brand.objects.get_or_create(organisation=org, name=brand_name)
                product, _c = Product.objects.get_or_create(
                    organisation=org,
                    name=name,
                    brand=brand,
                    merchant=merchant,
                    defaults={
                        "category": _category(org, parent_name, cat_name),
                        "supplier": next((s for s in suppliers if brand_name[:2] in s.name), None),
                        "warranty_months": months,
                        "packaging_promise": promise,
                        **flags,
                    },
                )
                for model_code, model_name, price, model_months in model_rows:
                    pm, _c = ProductModel.objects.get_or_create(
                        product=product,
                        code=model_code,
                        defaults={
                            "organisation": org,
                            "name": model_name,
                            "list_price": Decimal(price),
                            "warranty_months": model_months,
                        },
                    )
                    models.append(pm)
        ctx.products[code] = models
