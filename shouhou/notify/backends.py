"""Where a message goes: one backend per channel, named in settings.

    SHOUHOU_NOTIFY_BACKENDS = {
        "sms": "shouhou.notify.backends.AliyunSmsBackend",
        "wechat": "shouhou.notify.backends.WeChatTemplateBackend",
        "email": "shouhou.notify.backends.EmailBackend",
    }

The default for every channel is `ConsoleBackend` (the message is written to the log and to the
console), as in development and the demo. A backend's `send(message)` returns the provider's
message id or raises `SendError`; `retryable=False` says trying again cannot help (no template
code configured, the number refused), and the message fails at once.
"""

from __future__ import annotations

import json
import logging
import sys
import urllib.parse
import urllib.request
from typing import Protocol

from django.conf import settings
from django.core.cache import cache
from django.core.mail import EmailMessage
from django.utils.module_loading import import_string

log = logging.getLogger("shouhou.notify")

DEFAULT_BACKEND = "shouhou.notify.backends.ConsoleBackend"


class SendError(Exception):
    def __init__(self, message: str, *, retryable: bool = True) -> None:
        super().__init__(message)
        self.retryable = retryable


class Backend(Protocol):
    def send(self, message) -> str: ...


def backend_for(channel: str) -> Backend:
    paths = getattr(settings, "SHOUHOU_NOTIFY_BACKENDS", {}) or {}
    return import_string(paths.get(channel, DEFAULT_BACKEND))()


class ConsoleBackend:
    """Writes the message to the `shouhou.notify` log and to standard output."""

    stream = None

    def send(self, message) -> str:
        text = f"[{message.channel} → {message.recipient}] {message.body}"
        log.info("message %s: %s", message.pk, text)
        stream = self.stream or sys.stdout
        stream.write(text + "\n")
        return f"console-{message.pk}"


outbox: list = []


class LocmemBackend:
    """Keeps the messages in `backends.outbox` (tests)."""

    def send(self, message) -> str:
        outbox.append(message)
        return f"locmem-{message.pk}"


class EmailBackend:
    """Django's e-mail (EMAIL_BACKEND, DEFAULT_FROM_EMAIL)."""

    def send(self, message) -> str:
        try:
            EmailMessage(
                subject=message.subject or message.get_event_display(),
                body=message.body,
                to=[message.recipient],
            ).send(fail_silently=False)
        except (OSError, ValueError) as exc:
            raise SendError(f"e-mail: {exc}") from exc
        return ""


# --- SMS: Aliyun (阿里云短信) behind a small interface ---------------------------------------
class SmsProvider(Protocol):
    def send(self, *, phone: str, sign_name: str, template_code: str, params: dict) -> str: ...


class AliyunSmsProvider:
    """Aliyun's Dysms API through its SDK (`pip install alibabacloud_dysmsapi20170525`, an
    optional extra imported only when a message is really sent)."""

    def __init__(self, *, access_key_id: str, access_key_secret: str, endpoint: str) -> None:
        try:
            from alibabacloud_dysmsapi20170525.client import Client
            from alibabacloud_tea_openapi import models as open_api_models
        except ImportError as exc:  # the extra is not installed
            raise SendError(
                "the Aliyun SMS SDK is not installed (alibabacloud_dysmsapi20170525)",
                retryable=False,
            ) from exc
        config = open_api_models.Config(
            access_key_id=access_key_id, access_key_secret=access_key_secret, endpoint=endpoint
        )
        self.client = Client(config)

    def send(self, *, phone: str, sign_name: str, template_code: str, params: dict) -> str:
        from alibabacloud_dysmsapi20170525 import models as sms_models

        request = sms_models.SendSmsRequest(
            phone_numbers=phone,
            sign_name=sign_name,
            template_code=template_code,
            template_param=json.dumps(params, ensure_ascii=False),
        )
        try:
            body = self.client.send_sms(request).body
        except Exception as exc:  # the SDK raises its own errors for network and API faults
            raise SendError(f"aliyun: {exc}") from exc
        if body.code != "OK":
            # Throttling is worth another try; a refused number or template is not.
            raise SendError(f"aliyun {body.code}: {body.message}", retryable="Limit" in body.code)
        return body.biz_id or ""


def _sms_settings() -> dict:
    return getattr(settings, "SHOUHOU_ALIYUN_SMS", {}) or {}


class AliyunSmsBackend:
    """SHOUHOU_ALIYUN_SMS = {"access_key_id", "access_key_secret", "sign_name",
    "template_codes": {event: "SMS_123"}, "endpoint" (dysmsapi.aliyuncs.com),
    "provider" (dotted path of another SmsProvider, e.g. a fake in tests)}."""

    def provider(self, conf: dict) -> SmsProvider:
        if conf.get("provider"):
            return import_string(conf["provider"])()
        return AliyunSmsProvider(
            access_key_id=conf.get("access_key_id", ""),
            access_key_secret=conf.get("access_key_secret", ""),
            endpoint=conf.get("endpoint", "dysmsapi.aliyuncs.com"),
        )

    def send(self, message) -> str:
        conf = _sms_settings()
        code = message.provider_code or (conf.get("template_codes") or {}).get(message.event)
        if not code:
            raise SendError(f"no SMS template code for {message.event}", retryable=False)
        if not conf.get("sign_name"):
            raise SendError("no SMS signature (sign_name) configured", retryable=False)
        params = {k: str(v)[:35] for k, v in (message.params or {}).items()}  # Aliyun's limit
        return self.provider(conf).send(
            phone=message.recipient,
            sign_name=conf["sign_name"],
            template_code=code,
            params=params,
        )


# --- WeChat service account template messages -----------------------------------------------
WECHAT_API = "https://api.weixin.qq.com/cgi-bin"
TOKEN_EXPIRED = {40001, 40014, 42001}


def _http_json(url: str, data: dict | None = None, timeout: float = 10) -> dict:
    """GET (data None) or POST JSON; the parsed answer. Tests replace this function."""
    body = None
    headers = {}
    if data is not None:
        body = json.dumps(data, ensure_ascii=False).encode()
        headers["Content-Type"] = "application/json; charset=utf-8"
    if not url.startswith("https://"):
        raise SendError("wechat: only https URLs", retryable=False)
    req = urllib.request.Request(url, data=body, headers=headers)  # noqa: S310 (https only)
    try:
        with urllib.request.urlopen(req, timeout=timeout) as resp:  # noqa: S310 (fixed https host)
            return json.loads(resp.read().decode())
    except (OSError, ValueError) as exc:
        raise SendError(f"wechat http: {exc}") from exc


def _wechat_settings() -> dict:
    return getattr(settings, "SHOUHOU_WECHAT", {}) or {}


def _token_key(app_id: str) -> str:
    return f"shouhou:notify:wechat-token:{app_id}"


def wechat_access_token(*, refresh: bool = False) -> str:
    """The service account's access token, cached in Django's cache (shared by the workers)
    until five minutes before WeChat says it expires; `refresh` fetches a new one."""
    conf = _wechat_settings()
    app_id, secret = conf.get("app_id", ""), conf.get("app_secret", "")
    if not app_id or not secret:
        raise SendError("no WeChat app_id/app_secret configured", retryable=False)
    key = _token_key(app_id)
    if not refresh:
        token = cache.get(key)
        if token:
            return token
    query = urllib.parse.urlencode(
        {"grant_type": "client_credential", "appid": app_id, "secret": secret}
    )
    answer = _http_json(f"{WECHAT_API}/token?{query}")
    token = answer.get("access_token")
    if not token:
        raise SendError(f"wechat token {answer.get('errcode')}: {answer.get('errmsg')}")
    cache.set(key, token, max(60, int(answer.get("expires_in", 7200)) - 300))
    return token


class WeChatTemplateBackend:
    """SHOUHOU_WECHAT = {"app_id", "app_secret", "template_ids": {event: id}}. The message's
    parameters become the template's data; its `link` is the page the message opens."""

    def send(self, message) -> str:
        conf = _wechat_settings()
        template_id = message.provider_code or (conf.get("template_ids") or {}).get(message.event)
        if not template_id:
            raise SendError(f"no WeChat template id for {message.event}", retryable=False)
        params = dict(message.params or {})
        payload = {
            "touser": message.recipient,
            "template_id": template_id,
            "data": {k: {"value": str(v)} for k, v in params.items() if k != "link"},
        }
        if params.get("link"):
            payload["url"] = params["link"]
        for refresh in (False, True):
            token = wechat_access_token(refresh=refresh)
            answer = _http_json(f"{WECHAT_API}/message/template/send?access_token={token}", payload)
            code = int(answer.get("errcode", 0) or 0)
            if code == 0:
                return str(answer.get("msgid", ""))
            if code not in TOKEN_EXPIRED:
                # 43004: the customer does not follow the account; retrying cannot help.
                raise SendError(
                    f"wechat {code}: {answer.get('errmsg')}", retryable=code in (-1, 45009)
                )
        raise SendError("wechat: the access token was refused twice")
