"""Demo messages (after work orders, callbacks and deliveries, whose events already queued
their messages through the portal's receivers): every organisation's templates written out so
they can be edited, the queue sent once through the configured backend (the console by
default, so a new user sees the texts in the terminal), and one message that failed, so the
failures page shows what a refused number looks like. Idempotent (keys `demo:`)."""

from __future__ import annotations

from django.utils import timezone
from django_scopes import scope

from . import jobs, services
from .models import Channel, Event, Message


def seed(ctx) -> None:
    from shouhou.customers.models import Customer
    from shouhou.org.models import Organisation

    for org in Organisation.objects.order_by("pk"):
        with scope(organisation=org.pk):
            for event in Event.values:
                for channel in Channel.values:
                    services.template_for(org.pk, event, channel)
            customer = Customer.all_objects.filter(organisation=org).order_by("pk").first()
            if customer is None:
                continue
            services.notify_send(
                organisation=org,
                event=Event.EVENT_NOTICE,
                key="demo:notice:spring",
                customer=customer,
                context={
                    "name": customer.name,
                    "store": org.name,
                    "text": "春季保养周：本周预约上门清洗保养免上门费。",
                },
            )
            if not Message.all_objects.filter(organisation=org, key="demo:failed").exists():
                Message.all_objects.create(
                    organisation=org,
                    event=Event.APPOINTMENT_SET,
                    channel=Channel.SMS,
                    key="demo:failed",
                    customer=customer,
                    recipient="1390000000",
                    body="【演示】预约提醒（号码有误，发送失败）",
                    status=Message.Status.FAILED,
                    attempts=5,
                    last_error="aliyun isv.MOBILE_NUMBER_ILLEGAL: 非法手机号",
                )
    jobs.send_due(timezone.now())
