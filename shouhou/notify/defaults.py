"""The seeded templates (Chinese, the customers' language): copied into an organisation's own
`MessageTemplate` rows the first time an event is sent, then edited there."""

from __future__ import annotations

from .models import Channel, Event

E = Event
_SMS = {
    E.ORDER_RECEIVED: "【{store}】{name}您好，您的服务单{order_number}已受理，我们会尽快与您联系。进度查询：{link}",
    E.APPOINTMENT_SET: "【{store}】{name}您好，服务单{order_number}已预约在{appointment}上门，如需改期请点击：{link}",
    E.TECHNICIAN_ON_WAY: "【{store}】{name}您好，服务单{order_number}已安排{technician}师傅（{technician_phone}）为您上门服务，师傅会先与您电话联系。进度：{link}",
    E.VISIT_DONE: "【{store}】{name}您好，服务单{order_number}已完成，请为本次服务评分：{link}",
    E.RESERVATION_ARRIVED: "【{store}】{name}您好，您预订的{goods}已到货，欢迎到店查看。",
    E.DELIVERY_SCHEDULED: "【{store}】{name}您好，合同{contract_number}的商品定于{date}送货，请保持电话畅通。",
    E.DELIVERY_RECONFIRM: "【{store}】{name}您好，合同{contract_number}的送货日期{date}临近，请回复确认或联系我们改期。",
    E.DELIVERY_SIGNED: "【{store}】{name}您好，合同{contract_number}的商品已送达签收，感谢您的信任。",
    E.CALLBACK_INVITATION: "【{store}】{name}您好，感谢选择我们的服务，请告诉我们您的意见：{link}",
    E.EVENT_NOTICE: "【{store}】{name}您好，{text}",
}
_SUBJECTS = {
    E.ORDER_RECEIVED: "服务单{order_number}已受理",
    E.APPOINTMENT_SET: "服务单{order_number}已预约",
    E.TECHNICIAN_ON_WAY: "师傅正在路上",
    E.VISIT_DONE: "服务已完成，请评价",
    E.RESERVATION_ARRIVED: "预订商品已到货",
    E.DELIVERY_SCHEDULED: "送货已安排",
    E.DELIVERY_RECONFIRM: "送货日期确认",
    E.DELIVERY_SIGNED: "商品已签收",
    E.CALLBACK_INVITATION: "服务回访",
    E.EVENT_NOTICE: "活动通知",
}


def default_template(event: str, channel: str) -> dict:
    body = _SMS[Event(event)]
    if channel == Channel.EMAIL:
        body = body.replace("【{store}】", "") + "\n\n{store}"
    return {"subject": _SUBJECTS[Event(event)], "body": body}
