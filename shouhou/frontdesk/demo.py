"""A believable day at the service desk in both demo organisations: the morning's calls and
letters (questions, praise, a suggestion, service requests that became work orders, a repeat
call that joined its order, a complaint), a follow-up, reservations in every state, goods taken
back, yesterday's signed handover page and today's page. Idempotent: an organisation with
contacts already is left alone."""

from __future__ import annotations

import datetime as dt
import logging

from django.utils import timezone

from shouhou.core.errors import DomainError
from shouhou.customers.models import Customer
from shouhou.org.models import Store

from . import services
from .models import Contact

log = logging.getLogger(__name__)

PEOPLE = {
    "jiancai": ("clerk", "desk", "manager"),
    "jiaju": ("jj_clerk", "jj_manager", "jj_manager"),
}


def seed(ctx) -> None:
    orgs = getattr(ctx, "orgs", None) or {}
    users = getattr(ctx, "users", None) or {}
    for code, (a, b, m) in PEOPLE.items():
        org = orgs.get(code)
        if org is None or a not in users or b not in users:
            continue
        services.phrases_ensure_defaults(org)
        if Contact.all_objects.filter(organisation=org).exists():
            continue
        try:
            _day(org, users[a], users[b], users.get(m))
        except DomainError as exc:  # demo data must not stop the seeding
            log.warning("frontdesk demo for %s: %s", code, exc)


def _day(org, clerk, other, manager) -> None:
    store = clerk.store or Store.all_objects.filter(organisation=org).first()
    customers = list(Customer.all_objects.filter(organisation=org).order_by("pk")[:8])
    if store is None or len(customers) < 6:
        return
    now = timezone.now()
    t = now - dt.timedelta(hours=5)

    def at(minutes):
        return min(t + dt.timedelta(minutes=minutes), now)

    def contact(kind, subject, customer=None, minutes=0, **kw):
        return services.contact_log(
            by=kw.pop("by", clerk),
            channel=kw.pop("channel", "hotline"),
            kind=kind,
            subject=subject,
            phone=customer.mobile if customer else kw.pop("phone", ""),
            caller_name=kw.pop("caller_name", ""),
            store=store,
            received_at=at(minutes),
            now=at(minutes),
            **kw,
        )

    c0, c1, c2, c3, c4, c5 = customers[:6]
    contact(
        "consultation",
        "请问周末几点开门？",
        c0,
        0,
        answer="周末早上九点到晚上九点营业，欢迎您光临。",
    )
    contact(
        "praise",
        "王师傅安装很仔细，特意打电话表扬。",
        c1,
        12,
        answer="谢谢您的表扬，我们会转达给王师傅。",
    )
    first = contact("service_request", "热水器不出热水，想请师傅上门看看。", c2, 25, convert=True)
    contact(
        "service_request", "热水器的事还没人联系我，再问一下。", c2, 95, convert=True
    )  # the repeat call joins the order
    contact("complaint", "送货师傅迟到两小时，也没提前打电话。", c3, 40, convert=True)
    q = contact("consultation", "订的衣柜能不能改颜色？", c4, 60, channel="wechat")
    services.contact_follow_up(by=clerk, contact=q, note="向商户确认可改颜色及加价", now=at(61))
    contact(
        "suggestion", "建议停车场增加指示牌。", None, 75, channel="letter", caller_name="匿名顾客"
    )
    letter = contact("consultation", "来函询问发票补开。", c5, 80, channel="email")
    services.contact_answer(
        by=clerk,
        contact=letter,
        answer="发票已补开，随函寄出。",
        reply_channel="email",
        reply_reference="FH-" + timezone.localdate().strftime("%Y%m%d") + "-01",
        now=at(120),
    )
    contact("consultation", "沙发的保修期是多久？", c0, 130, channel="walk_in")
    del first

    today = timezone.localdate()
    r1 = services.reservation_create(
        by=clerk,
        customer=c0,
        description="三人真皮沙发 深棕色",
        deposit="500.00",
        receipt_number="SJ-0001",
        promised_on=today + dt.timedelta(days=5),
    )
    r2 = services.reservation_create(
        by=clerk,
        customer=c1,
        description="实木餐桌 1.6米",
        deposit="300.00",
        receipt_number="SJ-0002",
        promised_on=today,
    )
    services.reservation_arrive(by=clerk, reservation=r2)
    r3 = services.reservation_create(
        by=clerk,
        customer=c4,
        description="儿童床 1.2米",
        quantity=1,
        promised_on=today,
    )
    services.reservation_arrive(by=clerk, reservation=r3)
    services.reservation_tell(by=clerk, reservation=r3)
    services.reservation_collect(by=clerk, reservation=r3)
    r4 = services.reservation_create(
        by=clerk,
        customer=c5,
        description="床头柜 两只",
        deposit="100.00",
        receipt_number="SJ-0004",
        promised_on=today,
    )
    services.reservation_cancel(
        by=clerk, reservation=r4, reason="顾客已在别处购买", refund_receipt="TK-0004"
    )
    late = services.reservation_create(
        by=clerk,
        customer=c3,
        description="电视柜 胡桃色",
        deposit="200.00",
        receipt_number="SJ-0005",
        promised_on=today,
    )
    # Promised for three days ago and not in yet: overdue.
    type(late).all_objects.filter(pk=late.pk).update(promised_on=today - dt.timedelta(days=3))
    del r1

    services.desk_return_register(
        by=clerk,
        kind="return",
        customer=c1,
        item="电水壶",
        reason="加热几分钟就跳闸",
        condition="外包装完好，附件齐全",
        stored_at="服务台二号柜",
    )
    back = services.desk_return_register(
        by=clerk,
        kind="exchange",
        customer=c2,
        item="台灯",
        reason="灯罩有裂纹",
        condition="灯罩破损，其余完好",
        stored_at="服务台一号柜",
    )
    services.desk_return_send_back(
        by=clerk, item=back, returned_to="merchant", returned_to_name="商户 刘建国"
    )

    yesterday = services.handover_open(
        by=other, store=store, day=today - dt.timedelta(days=1), shift="late"
    )
    services.handover_write(
        by=other, handover=yesterday, notes="二号柜钥匙在抽屉里；张先生的发票明天补开。"
    )
    services.handover_hand_over(by=other, handover=yesterday)
    services.handover_sign(by=clerk, handover=yesterday)
    page = services.handover_open(by=clerk, store=store, day=today, shift="early")
    services.handover_write(
        by=clerk, handover=page, morning_meeting="今日促销：沙发八折；注意使用文明用语。"
    )
    if manager is not None:
        services.handover_write(
            by=manager, handover=page, manager_note="昨日投诉一起，已安排回访。"
        )
