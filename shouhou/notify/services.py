"""One way to tell a customer something: `notify_send` writes the message (once per key and
channel), the periodic job `jobs.send_due` hands it to the channel's backend, retrying with
exponential back-off, outside quiet hours, never to a customer who opted out.

`notify_send` runs in the caller's transaction: a message about a change stands or falls with
the change, and nothing leaves the building before the job picks it up after the commit.
"""

from __future__ import annotations

import datetime as dt
import string

from django.core.exceptions import ValidationError
from django.core.validators import validate_email
from django.db import IntegrityError, connection, transaction
from django.db.models import Count, Max
from django.utils import timezone
from django.utils.translation import gettext as _

from shouhou.core.audit import audit_record
from shouhou.core.errors import InvalidTransition, NotFoundError, ValidationFailed
from shouhou.core.orgcache import OrgCache
from shouhou.org import roles as r

from . import backends
from .defaults import default_template
from .models import Channel, CustomerContact, Event, Message, MessageTemplate, NotifySettings

MANAGE_ROLES = r.OFFICE_ROLES
settings_for = NotifySettings.for_org


def _now(now=None) -> dt.datetime:
    return now or timezone.now()


class _Blank(dict):
    def __missing__(self, key):
        return ""


def render(text: str, context: dict) -> str:
    """`{placeholder}` text with the context's values; an unknown placeholder is blank, a
    malformed one is left as written."""
    values = _Blank({k: "" if v is None else str(v) for k, v in (context or {}).items()})
    try:
        return string.Formatter().vformat(text, (), values)
    except (ValueError, IndexError, AttributeError):
        return text


def _templates(organisation_id: int) -> dict[tuple[str, str], MessageTemplate]:
    """Every template of the organisation; the missing ones are written from the seeded
    defaults first, all at once (so no message ever has to create one and reload)."""
    rows = MessageTemplate.objects.filter(organisation_id=organisation_id)
    have = {(t.event, t.channel): t for t in rows}
    missing = [
        MessageTemplate(
            organisation_id=organisation_id,
            event=event,
            channel=channel,
            **default_template(event, channel),
        )
        for event in Event.values
        for channel in Channel.values
        if (event, channel) not in have
    ]
    if not missing:
        return have
    # A template written at the same moment by another request is kept as it is.
    MessageTemplate.objects.bulk_create(missing, ignore_conflicts=True)
    return {(t.event, t.channel): t for t in rows.all()}


def _templates_version(organisation_id: int) -> object:
    return tuple(
        MessageTemplate.objects.filter(organisation_id=organisation_id)
        .aggregate(n=Count("id"), at=Max("updated_at"))
        .values()
    )


# Every message reads its template: a few rows per organisation, kept per process (core's
# OrgCache: a save here drops the copy, another process's edit is seen within seconds).
_template_cache: OrgCache[dict[tuple[str, str], MessageTemplate]] = OrgCache(
    "notify.templates", load=_templates, fingerprint=_templates_version
)
_template_cache.invalidate_on(MessageTemplate)


def template_for(organisation_id: int, event: str, channel: str) -> MessageTemplate:
    """The organisation's template, created from the seeded default on first use."""
    tpl = _template_cache.get(organisation_id).get((event, channel))
    if tpl is not None:
        return tpl
    try:
        with transaction.atomic():
            return MessageTemplate.objects.create(
                organisation_id=organisation_id,
                event=event,
                channel=channel,
                **default_template(event, channel),
            )
    except IntegrityError:
        return MessageTemplate.objects.get(
            organisation_id=organisation_id, event=event, channel=channel
        )


def contact_for(customer) -> CustomerContact | None:
    if customer is None:
        return None
    return CustomerContact.objects.filter(customer_id=customer.pk).first()


def in_quiet_hours(settings: NotifySettings, at: dt.datetime) -> bool:
    t = timezone.localtime(at).time()
    start, end = settings.quiet_start, settings.quiet_end
    if start == end:
        return False
    if start < end:
        return start <= t < end
    return t >= start or t < end  # across midnight (21:00–08:00)


def quiet_hours_end(settings: NotifySettings, at: dt.datetime) -> dt.datetime:
    """The first moment after `at` outside the quiet hours (`at` itself when outside)."""
    if not in_quiet_hours(settings, at):
        return at
    local = timezone.localtime(at)
    end = local.replace(
        hour=settings.quiet_end.hour, minute=settings.quiet_end.minute, second=0, microsecond=0
    )
    if end <= local:
        end += dt.timedelta(days=1)
    return end


def _choose(*, settings, channel, recipient, customer, contact) -> tuple[str, str]:
    if channel is None:
        if contact is not None and contact.wechat_openid:
            channel = Channel.WECHAT
        else:
            channel = settings.default_channel
    if channel not in Channel.values:
        raise ValidationFailed(fields={"channel": [_("Unknown channel.")]})
    if not recipient:
        if channel == Channel.SMS:
            recipient = getattr(customer, "mobile", "") or ""
        elif channel == Channel.WECHAT:
            recipient = getattr(contact, "wechat_openid", "") or ""
        elif channel == Channel.EMAIL:
            recipient = getattr(contact, "email", "") or ""
    return channel, recipient


def notify_send(
    *,
    organisation,
    event: str,
    key: str,
    context: dict | None = None,
    channel: str | None = None,
    recipient: str = "",
    customer=None,
    now: dt.datetime | None = None,
) -> Message:
    """Queue one message about `event` (a second call with the same key and channel returns
    the first message and sends nothing). Without `channel`: WeChat when the customer linked
    an account, else the organisation's default channel. An opted-out customer, or one
    without an address on the channel, gets a message logged as not sent."""
    now = _now(now)
    org_id = getattr(organisation, "pk", organisation)
    if event not in Event.values:
        raise ValidationFailed(fields={"event": [_("Unknown event.")]})
    if not key:
        raise ValidationFailed(fields={"key": [_("An idempotency key is required.")]})
    if customer is not None and customer.organisation_id != org_id:
        raise NotFoundError()
    settings = settings_for(org_id)
    contact = contact_for(customer)
    channel, recipient = _choose(
        settings=settings, channel=channel, recipient=recipient, customer=customer, contact=contact
    )
    existing = Message.objects.filter(organisation_id=org_id, key=key, channel=channel).first()
    if existing is not None:
        return existing
    tpl = template_for(org_id, event, channel)
    context = {k: "" if v is None else str(v) for k, v in (context or {}).items()}
    status, error = Message.Status.PENDING, ""
    if contact is not None and contact.opted_out:
        status, error = Message.Status.SKIPPED, "opted out"
    elif not tpl.is_active:
        status, error = Message.Status.SKIPPED, "template inactive"
    elif not recipient:
        status, error = Message.Status.SKIPPED, f"no {channel} address"
    message = Message(
        organisation_id=org_id,
        event=event,
        channel=channel,
        key=key[:150],
        customer=customer,
        recipient=recipient or "-",
        subject=render(tpl.subject, context)[:200],
        body=render(tpl.body, context),
        params=context,
        provider_code=tpl.provider_code,
        status=status,
        last_error=error,
        next_attempt_at=quiet_hours_end(settings, now)
        if status == Message.Status.PENDING
        else None,
    )
    # The message row is the log of what was queued, why and when (no audit row of its own).
    # Inside a transaction the insert gets a savepoint (a duplicate must not break the caller's
    # transaction); after a commit (the usual case: on-commit subscribers) a plain insert.
    try:
        if connection.in_atomic_block:
            with transaction.atomic():
                message.save(force_insert=True)
        else:
            message.save(force_insert=True)
    except IntegrityError:  # the same key at the same moment
        return Message.objects.get(organisation_id=org_id, key=key[:150], channel=channel)
    return message


def _backoff(settings: NotifySettings, attempts: int) -> dt.timedelta:
    return dt.timedelta(minutes=settings.retry_base_minutes * 2 ** max(0, attempts - 1))


def message_deliver(message: Message, *, now: dt.datetime | None = None) -> Message:
    """Send one claimed message (status SENDING) through its channel's backend and record the
    outcome: sent; waiting again after the back-off; failed after the last attempt or an error
    that cannot get better. Runs in the job, one message per transaction."""
    now = _now(now)
    settings = settings_for(message.organisation_id)
    contact = contact_for(message.customer) if message.customer_id else None
    updates: dict = {}
    if contact is not None and contact.opted_out:
        updates = {"status": Message.Status.SKIPPED, "last_error": "opted out"}
    elif in_quiet_hours(settings, now):
        updates = {
            "status": Message.Status.PENDING,
            "next_attempt_at": quiet_hours_end(settings, now),
        }
    else:
        attempts = message.attempts + 1
        try:
            provider_id = backends.backend_for(message.channel).send(message)
        except backends.SendError as exc:
            if exc.retryable and attempts < settings.max_attempts:
                updates = {
                    "status": Message.Status.PENDING,
                    "attempts": attempts,
                    "last_error": str(exc)[:2000],
                    "next_attempt_at": quiet_hours_end(
                        settings, now + _backoff(settings, attempts)
                    ),
                }
            else:
                updates = {
                    "status": Message.Status.FAILED,
                    "attempts": attempts,
                    "last_error": str(exc)[:2000],
                    "next_attempt_at": None,
                }
        else:
            updates = {
                "status": Message.Status.SENT,
                "attempts": attempts,
                "sent_at": now,
                "provider_id": str(provider_id or "")[:100],
                "next_attempt_at": None,
                "last_error": "",
            }
    with transaction.atomic():
        Message.objects.filter(pk=message.pk, status=Message.Status.SENDING).update(**updates)
        for name, value in updates.items():
            setattr(message, name, value)
        if updates["status"] != Message.Status.PENDING or "attempts" in updates:
            audit_record(
                actor=None,
                action=f"shouhou.message.{updates['status']}",
                obj=message,
                before={"status": Message.Status.SENDING},
                after={"status": updates["status"], "attempts": message.attempts},
                note=message.last_error,
            )
    return message


def message_retry(*, by, message: Message, now=None) -> Message:
    """Staff send a failed message again (from the failures page): its attempts start over."""
    now = _now(now)
    r.require_role(by, *MANAGE_ROLES)
    if message.organisation_id != by.organisation_id:
        raise NotFoundError()
    with transaction.atomic():
        done = Message.objects.filter(pk=message.pk, status=Message.Status.FAILED).update(
            status=Message.Status.PENDING, attempts=0, next_attempt_at=now
        )
        if not done:
            raise InvalidTransition(_("Only a failed message can be sent again."))
        message.refresh_from_db()
        audit_record(
            actor=by,
            action="shouhou.message.retried",
            obj=message,
            before={"status": Message.Status.FAILED},
            after={"status": Message.Status.PENDING},
        )
    return message


def customer_contact_set(
    *, by, customer, email=None, wechat_openid=None, opted_out=None, now=None
) -> CustomerContact:
    """Staff record a customer's e-mail, WeChat account, or wish to get no messages."""
    now = _now(now)
    r.require_role(by, *MANAGE_ROLES)
    if customer.organisation_id != by.organisation_id:
        raise NotFoundError()
    return _contact_write(
        by, customer, email=email, wechat_openid=wechat_openid, opted_out=opted_out, now=now
    )


def customer_opt_out(*, customer, opted_out: bool = True, now=None) -> CustomerContact:
    """The customer's own choice (the self-service page's link scoped to their order)."""
    return _contact_write(None, customer, opted_out=opted_out, now=_now(now))


def _contact_write(by, customer, *, email=None, wechat_openid=None, opted_out=None, now):
    if email:
        try:
            validate_email(email)
        except ValidationError as exc:
            raise ValidationFailed(fields={"email": [_("Enter a valid e-mail address.")]}) from exc
    with transaction.atomic():
        contact, _created = CustomerContact.objects.select_for_update().get_or_create(
            customer=customer, defaults={"organisation_id": customer.organisation_id}
        )
        before = {
            "email": contact.email,
            "wechat_openid": contact.wechat_openid,
            "opted_out": contact.opted_out,
        }
        if email is not None:
            contact.email = email.strip()
        if wechat_openid is not None:
            contact.wechat_openid = wechat_openid.strip()
        if opted_out is not None and opted_out != contact.opted_out:
            contact.opted_out = opted_out
            contact.opted_out_at = now if opted_out else None
        contact.save()
        after = {
            "email": contact.email,
            "wechat_openid": contact.wechat_openid,
            "opted_out": contact.opted_out,
        }
        if after != before:
            audit_record(
                actor=by,
                action="shouhou.customer_contact.changed",
                obj=contact,
                before=before,
                after=after,
            )
    return contact
