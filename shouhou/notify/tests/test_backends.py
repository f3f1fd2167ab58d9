"""The channel backends: Aliyun SMS through its provider interface, WeChat template messages
with the access token cached and refreshed, Django e-mail, the console."""

import io

import pytest
from django.core import mail
from django.core.cache import cache

from shouhou.notify import backends
from shouhou.notify.models import Message

pytestmark = pytest.mark.django_db


def message(org, **kw):
    kw.setdefault("event", "order_received")
    kw.setdefault("channel", "sms")
    kw.setdefault("recipient", "13912345678")
    kw.setdefault("params", {"order_number": "WX-1", "link": "https://x/p/1"})
    return Message.all_objects.create(organisation=org, key="k", body="您好", **kw)


class FakeSms:
    sent: list = []

    def send(self, *, phone, sign_name, template_code, params):
        FakeSms.sent.append((phone, sign_name, template_code, params))
        return "biz-1"


def test_aliyun_sms_sends_the_signature_template_code_and_parameters(org, settings):
    FakeSms.sent = []
    settings.SHOUHOU_ALIYUN_SMS = {
        "sign_name": "测试建材城",
        "template_codes": {"order_received": "SMS_100"},
        "provider": "shouhou.notify.tests.test_backends.FakeSms",
    }
    assert backends.AliyunSmsBackend().send(message(org)) == "biz-1"
    assert FakeSms.sent == [
        ("13912345678", "测试建材城", "SMS_100", {"order_number": "WX-1", "link": "https://x/p/1"})
    ]


def test_aliyun_without_the_sdk_is_a_permanent_error(org, settings):
    settings.SHOUHOU_ALIYUN_SMS = {"sign_name": "x", "template_codes": {"order_received": "S"}}
    try:
        import alibabacloud_dysmsapi20170525  # noqa: F401
    except ImportError:
        with pytest.raises(backends.SendError) as exc:
            backends.AliyunSmsBackend().send(message(org))
        assert exc.value.retryable is False
    else:  # pragma: no cover - the optional extra is installed
        pytest.skip("the Aliyun SDK is installed")


@pytest.fixture
def wechat(settings, monkeypatch):
    cache.clear()
    settings.SHOUHOU_WECHAT = {
        "app_id": "wx1",
        "app_secret": "s",
        "template_ids": {"order_received": "TPL1"},
    }
    calls = []
    answers = []

    def fake(url, data=None, timeout=10):
        calls.append((url, data))
        return answers.pop(0)

    monkeypatch.setattr(backends, "_http_json", fake)
    return calls, answers


def test_wechat_fetches_the_token_once_and_caches_it(org, wechat):
    calls, answers = wechat
    answers += [
        {"access_token": "T1", "expires_in": 7200},
        {"errcode": 0, "msgid": 9},
        {"errcode": 0, "msgid": 10},
    ]
    m = message(org, channel="wechat", recipient="oAbc")
    assert backends.WeChatTemplateBackend().send(m) == "9"
    assert backends.WeChatTemplateBackend().send(m) == "10"
    assert [u.split("?")[0].rsplit("/", 1)[1] for u, _ in calls] == ["token", "send", "send"]
    body = calls[1][1]
    assert body["touser"] == "oAbc" and body["template_id"] == "TPL1"
    assert body["url"] == "https://x/p/1" and body["data"] == {"order_number": {"value": "WX-1"}}
    assert "access_token=T1" in calls[2][0]


def test_an_expired_wechat_token_is_refreshed_and_the_message_sent(org, wechat):
    calls, answers = wechat
    cache.set(backends._token_key("wx1"), "OLD", 600)
    answers += [
        {"errcode": 42001, "errmsg": "expired"},
        {"access_token": "NEW", "expires_in": 7200},
        {"errcode": 0, "msgid": 3},
    ]
    assert backends.WeChatTemplateBackend().send(message(org, channel="wechat")) == "3"
    assert "access_token=NEW" in calls[2][0]
    assert cache.get(backends._token_key("wx1")) == "NEW"


def test_a_customer_who_does_not_follow_the_account_is_a_permanent_error(org, wechat):
    _, answers = wechat
    answers += [{"access_token": "T", "expires_in": 7200}, {"errcode": 43004, "errmsg": "no"}]
    with pytest.raises(backends.SendError) as exc:
        backends.WeChatTemplateBackend().send(message(org, channel="wechat"))
    assert exc.value.retryable is False


def test_email_goes_through_django_mail(org):
    backends.EmailBackend().send(message(org, channel="email", recipient="a@b.cn", subject="主题"))
    assert mail.outbox[0].to == ["a@b.cn"] and mail.outbox[0].subject == "主题"


def test_the_console_backend_writes_the_message(org):
    b = backends.ConsoleBackend()
    b.stream = io.StringIO()
    b.send(message(org))
    assert "13912345678" in b.stream.getvalue() and "您好" in b.stream.getvalue()
