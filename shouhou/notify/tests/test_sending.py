"""notify_send queues once per key; the job sends, retries with back-off, respects quiet hours
and opt-out; staff send a failed message again."""

import datetime as dt

import pytest

from shouhou.core.errors import InvalidTransition, NotFoundError, PermissionDeniedError
from shouhou.core.models import AuditEvent
from shouhou.notify import backends, jobs, services
from shouhou.notify.models import Message, MessageTemplate, NotifySettings

from .conftest import at, make_customer

pytestmark = pytest.mark.django_db
DAY = at(2026, 3, 9, 10)  # a Monday, 10:00 Beijing time


def send(org, customer, key="wo:1:received", now=DAY, **kw):
    kw.setdefault(
        "context",
        {"name": "张先生", "order_number": "WX-1", "store": "一号店", "link": "https://x/p/1"},
    )
    return services.notify_send(
        organisation=org, event="order_received", key=key, customer=customer, now=now, **kw
    )


def test_the_message_is_written_from_the_seeded_chinese_template_and_sent_by_the_job(org, customer):
    msg = send(org, customer)
    assert msg.status == Message.Status.PENDING and msg.channel == "sms"
    assert msg.recipient == customer.mobile
    assert msg.body.startswith("【一号店】张先生您好，您的服务单WX-1已受理")
    assert (
        MessageTemplate.all_objects.filter(
            organisation=org, event="order_received", channel="sms"
        ).count()
        == 1
    )
    assert jobs.send_due(DAY) == {"sent": 1, "retry": 0, "failed": 0, "skipped": 0}
    msg.refresh_from_db()
    assert msg.status == Message.Status.SENT and msg.sent_at == DAY and msg.attempts == 1
    assert [m.pk for m in backends.outbox] == [msg.pk]


def test_an_edited_template_is_the_organisations_own(org, other_org, customer):
    tpl = services.template_for(org.pk, "order_received", "sms")
    tpl.body = "您好{name}，单号{order_number}{unknown}"
    tpl.save()  # as the admin saves it: the cached copy is dropped
    assert send(org, customer).body == "您好张先生，单号WX-1"
    other = make_customer(other_org)
    assert send(other_org, other, key="x").body.startswith("【一号店】")


def test_the_same_event_twice_is_one_message(org, customer):
    first = send(org, customer)
    second = send(org, customer)
    assert first.pk == second.pk
    jobs.send_due(DAY)
    jobs.send_due(DAY + dt.timedelta(minutes=5))
    assert Message.all_objects.count() == 1 and len(backends.outbox) == 1


def test_the_key_is_unique_in_the_database(org, customer):
    from django.db import IntegrityError, transaction

    msg = send(org, customer)
    with pytest.raises(IntegrityError), transaction.atomic():
        Message.all_objects.create(
            organisation=org,
            event=msg.event,
            channel=msg.channel,
            key=msg.key,
            recipient="x",
            body="x",
        )


def test_a_failing_backend_is_retried_with_exponential_back_off_then_fails(org, customer, settings):
    settings.SHOUHOU_NOTIFY_BACKENDS = {"sms": "shouhou.notify.tests.test_sending.Broken"}
    msg = send(org, customer)
    now = DAY
    waits = []
    for _ in range(4):
        jobs.send_due(now)
        msg.refresh_from_db()
        assert msg.status == Message.Status.PENDING and "gateway down" in msg.last_error
        waits.append(msg.next_attempt_at - now)
        assert jobs.send_due(now + dt.timedelta(seconds=30))["retry"] == 0  # not due yet
        now = msg.next_attempt_at
    assert waits == [dt.timedelta(minutes=m) for m in (2, 4, 8, 16)]
    jobs.send_due(now)
    msg.refresh_from_db()
    assert msg.status == Message.Status.FAILED and msg.attempts == 5
    assert AuditEvent.objects.filter(
        action="shouhou.message.failed", object_id=str(msg.pk)
    ).exists()


def test_an_error_that_cannot_get_better_fails_at_once(org, customer, settings):
    settings.SHOUHOU_NOTIFY_BACKENDS = {"sms": "shouhou.notify.backends.AliyunSmsBackend"}
    settings.SHOUHOU_ALIYUN_SMS = {"sign_name": "建材城"}  # no template code
    msg = send(org, customer)
    jobs.send_due(DAY)
    msg.refresh_from_db()
    assert msg.status == Message.Status.FAILED and "template code" in msg.last_error


def test_quiet_hours_hold_the_message_until_morning(org, customer):
    late = at(2026, 3, 9, 22, 30)
    msg = send(org, customer, now=late)
    assert msg.next_attempt_at == at(2026, 3, 10, 8, 0)
    assert jobs.send_due(late + dt.timedelta(hours=1))["sent"] == 0
    assert jobs.send_due(at(2026, 3, 10, 8, 0))["sent"] == 1


def test_quiet_hours_are_the_organisations_setting(org, customer):
    s = NotifySettings.for_org(org)
    s.quiet_start, s.quiet_end = dt.time(12, 0), dt.time(14, 0)
    s.save()
    msg = send(org, customer, now=at(2026, 3, 9, 12, 30))
    assert msg.next_attempt_at == at(2026, 3, 9, 14, 0)
    assert send(org, customer, key="k2", now=at(2026, 3, 9, 22, 30)).next_attempt_at == at(
        2026, 3, 9, 22, 30
    )


def test_a_message_due_when_quiet_hours_begin_waits(org, customer):
    msg = send(org, customer, now=at(2026, 3, 9, 20, 59))
    jobs.send_due(at(2026, 3, 9, 21, 5))
    msg.refresh_from_db()
    assert msg.status == Message.Status.PENDING and msg.next_attempt_at == at(2026, 3, 10, 8)
    assert msg.attempts == 0


def test_an_opted_out_customer_gets_nothing(org, customer, make_user):
    clerk = make_user("clerk")
    services.customer_contact_set(by=clerk, customer=customer, opted_out=True)
    msg = send(org, customer)
    assert msg.status == Message.Status.SKIPPED and msg.last_error == "opted out"
    jobs.send_due(DAY)
    assert backends.outbox == []


def test_opting_out_after_queueing_stops_the_message(org, customer):
    msg = send(org, customer)
    services.customer_opt_out(customer=customer)
    jobs.send_due(DAY)
    msg.refresh_from_db()
    assert msg.status == Message.Status.SKIPPED and backends.outbox == []


def test_wechat_is_chosen_when_the_customer_linked_an_account(org, customer, make_user):
    services.customer_contact_set(by=make_user("clerk"), customer=customer, wechat_openid="oAbc")
    msg = send(org, customer)
    assert msg.channel == "wechat" and msg.recipient == "oAbc"


def test_no_address_on_the_channel_is_logged_as_not_sent(org, customer):
    msg = send(org, customer, channel="email")
    assert msg.status == Message.Status.SKIPPED and "no email" in msg.last_error


def test_staff_send_a_failed_message_again(org, customer, make_user, outsider, settings):
    settings.SHOUHOU_NOTIFY_BACKENDS = {"sms": "shouhou.notify.tests.test_sending.Broken"}
    s = NotifySettings.for_org(org)
    s.max_attempts = 1
    s.save()
    msg = send(org, customer)
    jobs.send_due(DAY)
    msg.refresh_from_db()
    assert msg.status == Message.Status.FAILED
    clerk = make_user("clerk")
    with pytest.raises(NotFoundError):
        services.message_retry(by=outsider, message=msg)
    with pytest.raises(PermissionDeniedError):
        services.message_retry(by=make_user("technician"), message=msg)
    services.message_retry(by=clerk, message=msg, now=DAY)
    msg.refresh_from_db()
    assert msg.status == Message.Status.PENDING and msg.attempts == 0
    with pytest.raises(InvalidTransition):
        services.message_retry(by=clerk, message=msg)
    settings.SHOUHOU_NOTIFY_BACKENDS = {}
    assert jobs.send_due(DAY)["sent"] == 1


def test_another_organisations_customer_is_refused(org, other_org):
    with pytest.raises(NotFoundError):
        send(org, make_customer(other_org))


class Broken:
    def send(self, message):
        raise backends.SendError("gateway down")
