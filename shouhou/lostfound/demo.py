"""Demo lost property in the market (jiancai) and the furniture store (jiaju): the people of the
routine (loss-prevention supervisor, head of security, duty manager, administration where the
org demo has none) and items in every state, walked through the services at past moments so
every signature, list and audit event is real. Idempotent: an organisation with items is
skipped. Sets `ctx.lost_items`: organisation code -> list of LostItem."""

from __future__ import annotations

import datetime as dt
import io
import logging

from django.contrib.auth.models import Group
from django.core.files.base import ContentFile
from django.utils import timezone

from shouhou.core.errors import DomainError
from shouhou.org import roles as r
from shouhou.org.demo import DEMO_PASSWORD
from shouhou.org.models import User

from . import jobs, services
from .models import Category, DisposalMethod, FinderKind, IdType, LostFoundSettings, LostItem

log = logging.getLogger(__name__)

# username, display name, roles, org code, store code
PEOPLE = [
    ("lpsup", "韩防损", [r.LP_SUPERVISOR], "jiancai", "jc-main"),
    ("sechead", "杨保安主管", [r.SECURITY_HEAD], "jiancai", "jc-main"),
    ("dutymgr", "朱值班经理", [r.DUTY_MANAGER], "jiancai", "jc-main"),
    ("jj_guard", "秦保安", [r.SECURITY, r.SECURITY_HEAD], "jiaju", "jj-main"),
    ("jj_lp", "许防损", [r.LP_SUPERVISOR], "jiaju", "jj-main"),
    ("jj_admin", "何行政", [r.ADMINISTRATION], "jiaju", "jj-main"),
]
# who does what, per organisation
CAST = {
    "jiancai": {
        "desk": "clerk",
        "supervisor": "supervisor",
        "guard": "security",
        "keeper": "sechead",
        "lp": "lpsup",
        "admin": "manager",
    },
    "jiaju": {
        "desk": "jj_clerk",
        "supervisor": "jj_clerk",
        "guard": "jj_guard",
        "keeper": "jj_guard",
        "lp": "jj_lp",
        "admin": "jj_admin",
    },
}
THINGS = [
    (Category.UMBRELLA, "黑色折叠伞，木质手柄", "一楼卫浴展区 A-101 门口"),
    (Category.WALLET, "棕色男士钱包，内有少量现金和会员卡", "二楼洗手间洗手台"),
    (Category.PHONE, "白色华为手机，蓝色手机壳", "三楼家具区沙发试坐区"),
    (Category.KEYS, "一串钥匙（3把），挂小熊钥匙扣", "东门收银台"),
    (Category.BAG, "灰色双肩包，内有笔记本和水杯", "停车场电梯口"),
    (Category.CHILDREN, "儿童蓝色水壶", "二楼儿童游乐区"),
    (Category.CLOTHING, "米色女士围巾", "一楼服务台旁休息椅"),
    (Category.JEWELLERY, "金色手链一条", "三楼灯具区过道"),
    (Category.DOCUMENTS, "身份证一张（姓名已遮挡）", "一楼咨询台"),
    (Category.SHOPPING, "购物袋，内有灯泡两盒", "B区瓷砖展厅入口"),
]


def _people(ctx) -> None:
    users = getattr(ctx, "users", None)
    if users is None:
        ctx.users = users = {}
    for username, display, roles, org_code, store_code in PEOPLE:
        org = (getattr(ctx, "orgs", None) or {}).get(org_code)
        if org is None:
            continue
        user, created = User.objects.get_or_create(
            username=username,
            defaults={
                "display_name": display,
                "organisation": org,
                "store": (getattr(ctx, "stores", None) or {}).get(store_code),
            },
        )
        if created:
            user.set_password(DEMO_PASSWORD)
            user.save()
        user.groups.add(*[Group.objects.get_or_create(name=c)[0] for c in roles])
        user._role_codes = None
        users[username] = user


def _at(day: dt.date, hour: int, minute: int = 0) -> dt.datetime:
    return timezone.make_aware(dt.datetime.combine(day, dt.time(hour, minute)))


def seed(ctx) -> None:
    _people(ctx)
    ctx.lost_items = {}
    today = getattr(ctx, "today", None) or timezone.localdate()
    for code, cast in CAST.items():
        org = (getattr(ctx, "orgs", None) or {}).get(code)
        if org is None:
            continue
        LostFoundSettings.objects.get_or_create(organisation=org)
        existing = list(LostItem.objects.filter(organisation=org))
        if existing:
            ctx.lost_items[code] = existing
            continue
        who = {role: ctx.users.get(name) for role, name in cast.items()}
        if any(u is None for u in who.values()):
            continue
        for u in who.values():
            u._role_codes = None
        try:
            ctx.lost_items[code] = _walk(org, who, today)
        except DomainError as exc:  # a demo never stops the seed
            log.warning("lostfound demo for %s stopped: %s %s", code, exc.message, exc.fields)


def _walk(org, who, today) -> list[LostItem]:
    desk = who["desk"]
    made: list[LostItem] = []
    n = iter(range(100))

    def register(days_ago, hour, valuable=False, value=None, finder=FinderKind.CUSTOMER):
        k = next(n)
        category, description, place = THINGS[k % len(THINGS)]
        day = today - dt.timedelta(days=days_ago)
        item = services.item_register(
            by=desk,
            category=Category.JEWELLERY if valuable else category,
            description=description if not valuable else "金色手链一条，带小吊坠",
            found_place=place,
            found_at=_at(day, hour),
            finder_kind=finder,
            finder_name="保洁员刘阿姨" if finder == FinderKind.STAFF else "热心顾客",
            is_valuable=valuable,
            estimated_value=value,
            announcement=f"顾客朋友请注意，有顾客在{place}遗失物品，请失主到一楼服务台认领。",
            now=_at(day, hour, 10),
        )
        made.append(item)
        return item

    def close_day(days_ago):
        day = today - dt.timedelta(days=days_ago)
        try:
            lst = services.day_list_create(by=desk, day=day, now=_at(day, 21, 10))
        except DomainError:
            return
        services.day_list_receive(by=who["guard"], day_list=lst, now=_at(day, 21, 20))

    def morning(days_ago, items):
        day = today - dt.timedelta(days=days_ago)
        for i in items:
            services.item_move_to_desk(by=desk, item=i, now=_at(day, 9, 5))

    def claim(item, when, by=None):
        return services.item_claim(
            by=by or desk,
            item=item,
            claimant_name="王女士",
            claimant_phone="13812345678",
            id_type=IdType.RESIDENT_ID,
            id_number="11010519491231002X",
            claim_description=item.description,
            description_matches=True,
            signature="王女士",
            now=when,
        )

    # Forty days ago: four items; all unclaimed past the archive period.
    old = [register(40, 10), register(40, 14), register(40, 16, finder=FinderKind.STAFF)]
    old_valuable = register(40, 17, valuable=True, value="1800.00")
    services.item_check_valuable(
        by=who["supervisor"], item=old_valuable, now=_at(today - dt.timedelta(days=40), 17, 30)
    )
    services.item_keep_valuable(
        by=who["keeper"], item=old_valuable, now=_at(today - dt.timedelta(days=40), 18, 0)
    )
    close_day(40)
    morning(39, old)
    jobs.daily_for(org.pk, _at(today - dt.timedelta(days=37), 0, 30))
    for i in old:
        services.item_archive(
            by=desk, item=i, location="保安部储物柜 3号", now=_at(today - dt.timedelta(days=37), 10)
        )
    claim(old[2], _at(today - dt.timedelta(days=20), 15))  # claimed from the archive
    # Ten days ago: archived with security a week ago, not due for disposal yet.
    ten = register(10, 13)
    close_day(10)
    morning(9, [ten])
    jobs.daily_for(org.pk, _at(today - dt.timedelta(days=7), 0, 30))
    services.item_archive(
        by=desk, item=ten, location="保安部储物柜 5号", now=_at(today - dt.timedelta(days=7), 10)
    )
    # Four days ago (to go to security today) and two days ago (at the desk for claiming).
    four = register(4, 11)
    close_day(4)
    morning(3, [four])
    two = register(2, 15)
    two_claimed = register(2, 16)
    close_day(2)
    morning(1, [two, two_claimed])
    claim(two_claimed, _at(today - dt.timedelta(days=1), 14))
    # Yesterday: on the list and stored with security overnight (to move this morning); a
    # valuable kept by the head of security.
    register(1, 12)
    register(1, 18, finder=FinderKind.STAFF)
    valuable = register(1, 13, valuable=True, value="3500.00")
    services.item_check_valuable(
        by=who["supervisor"], item=valuable, now=_at(today - dt.timedelta(days=1), 13, 30)
    )
    services.item_keep_valuable(
        by=who["keeper"], item=valuable, now=_at(today - dt.timedelta(days=1), 14)
    )
    close_day(1)
    # Today (early hours, so never "in the future"): at the desk, not on a list yet; one
    # valuable still waiting for the supervisor's check; one claimed at once.
    register(0, 0)
    register(0, 0, valuable=True, value="2600.00")
    quick = register(0, 0)
    claim(quick, _at(today, 0, 40))
    # The daily job today: the four-day-old item is due to go to security; the forty-day-old
    # ones are due for disposal (reported to the manager).
    jobs.daily_for(org.pk, _at(today, 0, 50))
    due = [i for i in old if i.pk != old[2].pk]
    services.item_sign_disposal(by=who["supervisor"], item=due[0], side="cs", now=_at(today, 0, 55))
    services.item_sign_disposal(by=who["supervisor"], item=due[1], side="cs", now=_at(today, 0, 55))
    services.item_sign_disposal(by=who["lp"], item=due[1], side="lp", now=_at(today, 0, 56))
    services.item_dispose(
        by=who["admin"], item=due[1], method=DisposalMethod.SOLD, proceeds="20.00",
        note="并入行政部月度处置", now=_at(today, 0, 58),
    )  # fmt: skip
    services.item_add_photo(
        by=desk, item=two, image=_photo(), now=_at(today - dt.timedelta(days=2), 15, 20)
    )
    return list(LostItem.objects.filter(organisation=org))


def _photo():
    """A small grey picture standing in for the desk's photo of the item."""
    from PIL import Image

    buf = io.BytesIO()
    Image.new("RGB", (64, 48), (150, 150, 150)).save(buf, format="PNG")
    return ContentFile(buf.getvalue(), name="photo.png")
