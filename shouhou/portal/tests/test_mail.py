"""E-mail intake through a fake IMAP mailbox: a known customer's mail is an order with its
attachment; a reply naming the order joins it; an unknown sender is kept; nothing twice."""

from email.message import EmailMessage

import pytest

from shouhou.notify.models import CustomerContact
from shouhou.portal import jobs
from shouhou.portal.models import IntakeMail, MailAttachment
from shouhou.workorders.models import Call, WorkOrder
from shouhou.workorders.tests.factories import at, make_customer

pytestmark = pytest.mark.django_db
NOW = at(2026, 3, 9, 10)


class FakeImap:
    def __init__(self, mails):
        self.mails = {str(i + 1).encode(): m for i, m in enumerate(mails)}
        self.seen = set()
        self.logged_out = False

    def select(self, folder):
        return "OK", [b"1"]

    def search(self, charset, criterion):
        assert criterion == "UNSEEN"
        return "OK", [b" ".join(k for k in self.mails if k not in self.seen)]

    def fetch(self, num, what):
        return "OK", [(b"1 (RFC822 {100}", self.mails[num]), b")"]

    def store(self, num, op, flag):
        assert flag == "\\Seen"
        self.seen.add(num)

    def logout(self):
        self.logged_out = True


def mail(sender, subject, body, msgid, attachment=None):
    m = EmailMessage()
    m["From"] = f"张伟 <{sender}>"
    m["To"] = "service@example.cn"
    m["Subject"] = subject
    m["Message-ID"] = msgid
    m.set_content(body)
    if attachment:
        m.add_attachment(attachment, maintype="image", subtype="jpeg", filename="leak.jpg")
    return m.as_bytes()


@pytest.fixture
def mailbox(settings, org, tmp_path):
    settings.MEDIA_ROOT = tmp_path
    settings.SHOUHOU_MAIL_INTAKE = {org.code: {"host": "imap.test", "user": "u", "password": "p"}}


@pytest.fixture
def customer(org, store):
    c = make_customer(org, store=store)
    CustomerContact.all_objects.create(organisation=org, customer=c, email="zw@example.cn")
    return c


def test_a_customers_mail_is_an_order_with_its_attachment_and_a_reply_joins_it(mailbox, customer):
    box = FakeImap(
        [mail("ZW@example.cn", "热水器不出热水", "昨天开始不出热水", "<m1@x>", b"\xff\xd8jpeg")]
    )
    assert jobs.poll_mail(NOW, connect=lambda conf: box) == {"read": 1, "stored": 1, "errors": 0}
    order = WorkOrder.all_objects.get(customer=customer)
    assert order.source == "self_service" and "不出热水" in order.description
    first = IntakeMail.all_objects.get()
    assert first.outcome == "created" and first.order == order and box.seen == {b"1"}
    assert MailAttachment.all_objects.get().mail == first

    reply = mail(
        "zw@example.cn", f"Re: [{order.number}] 热水器不出热水", "还是不行\n> 昨天开始", "<m2@x>"
    )
    jobs.poll_mail(NOW, connect=lambda conf: FakeImap([reply]))
    second = IntakeMail.all_objects.get(message_id="<m2@x>")
    assert second.outcome == "joined" and second.order == order and second.body == "还是不行"
    assert WorkOrder.all_objects.filter(customer=customer).count() == 1
    assert Call.all_objects.filter(order=order, joined=True).count() == 1


def test_the_same_mail_twice_is_read_once(mailbox, customer):
    raw = mail("zw@example.cn", "漏水", "厨房漏水", "<m1@x>")
    jobs.poll_mail(NOW, connect=lambda conf: FakeImap([raw]))
    jobs.poll_mail(NOW, connect=lambda conf: FakeImap([raw]))
    assert IntakeMail.all_objects.count() == 1 and WorkOrder.all_objects.count() == 1


def test_an_unknown_sender_is_kept_for_the_desk(mailbox, customer):
    jobs.poll_mail(NOW, connect=lambda conf: FakeImap([mail("x@y.cn", "咨询", "你好", "<m3@x>")]))
    kept = IntakeMail.all_objects.get()
    assert kept.outcome == "unmatched" and kept.order is None
    assert WorkOrder.all_objects.count() == 0


def test_a_reply_naming_another_customers_order_does_not_join_it(
    mailbox, customer, org, store, make_user
):
    from shouhou.workorders.services import workorder_intake

    desk = make_user("service_desk", store=store)
    other = make_customer(org, store=store, name="李娜")
    theirs = workorder_intake(
        by=desk, source="hotline", kind="installation", customer=other, description="安装", now=NOW
    ).order
    raw = mail("zw@example.cn", f"Re: [{theirs.number}]", "看看这个单", "<m4@x>")
    jobs.poll_mail(NOW, connect=lambda conf: FakeImap([raw]))
    stored = IntakeMail.all_objects.get()
    assert stored.order.customer == customer and stored.order != theirs
