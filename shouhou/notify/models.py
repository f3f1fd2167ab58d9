"""Messages to customers: templates per event and channel, the message log, opt-out."""

from __future__ import annotations

import datetime as dt

from django.db import models
from django.utils.translation import gettext_lazy as _

from shouhou.core.models import OrgScopedModel, OrgSettings


class Channel(models.TextChoices):
    SMS = "sms", _("SMS")
    WECHAT = "wechat", _("WeChat")
    EMAIL = "email", _("E-mail")


class Event(models.TextChoices):
    ORDER_RECEIVED = "order_received", _("Order received")
    APPOINTMENT_SET = "appointment_set", _("Appointment set")
    TECHNICIAN_ON_WAY = "technician_on_way", _("Technician on the way")
    VISIT_DONE = "visit_done", _("Visit done (feedback link)")
    RESERVATION_ARRIVED = "reservation_arrived", _("Reserved goods arrived")
    DELIVERY_SCHEDULED = "delivery_scheduled", _("Delivery scheduled")
    DELIVERY_RECONFIRM = "delivery_reconfirm", _("Delivery reconfirmation")
    DELIVERY_SIGNED = "delivery_signed", _("Delivery signed")
    CALLBACK_INVITATION = "callback_invitation", _("Callback invitation")
    EVENT_NOTICE = "event_notice", _("Event notice")


class NotifySettings(OrgSettings):
    """Per-organisation sending rules; every number is a default the organisation may change."""

    organisation = models.OneToOneField(
        "org.Organisation",
        on_delete=models.CASCADE,
        related_name="notify_settings",
        verbose_name=_("organisation"),
    )
    default_channel = models.CharField(
        _("default channel"),
        max_length=10,
        choices=Channel.choices,
        default=Channel.SMS,
        help_text=_("Used when the customer has no WeChat account linked."),
    )
    quiet_start = models.TimeField(
        _("quiet hours start"),
        default=dt.time(21, 0),
        help_text=_("No message is sent from this time (Beijing time)..."),
    )
    quiet_end = models.TimeField(
        _("quiet hours end"), default=dt.time(8, 0), help_text=_("...until this time.")
    )
    max_attempts = models.PositiveSmallIntegerField(_("attempts before a message fails"), default=5)
    retry_base_minutes = models.PositiveSmallIntegerField(
        _("first retry after (minutes)"),
        default=2,
        help_text=_("Each further retry waits twice as long."),
    )
    batch_size = models.PositiveSmallIntegerField(_("messages per job run"), default=200)

    class Meta:
        verbose_name = _("message settings")
        verbose_name_plural = _("message settings")

    def __str__(self) -> str:
        return str(_("Message settings"))


class MessageTemplate(OrgScopedModel):
    """What one event says on one channel. `body` uses {placeholders} of the event's context;
    `provider_code` is the SMS template code or WeChat template id when the provider needs it
    (else the project setting's code is used)."""

    event = models.CharField(_("event"), max_length=30, choices=Event.choices)
    channel = models.CharField(_("channel"), max_length=10, choices=Channel.choices)
    subject = models.CharField(_("subject"), max_length=150, blank=True)
    body = models.TextField(_("text"))
    provider_code = models.CharField(_("provider template code"), max_length=80, blank=True)
    is_active = models.BooleanField(_("active"), default=True)

    class Meta:
        verbose_name = _("message template")
        verbose_name_plural = _("message templates")
        constraints = [
            models.UniqueConstraint(
                fields=["organisation", "event", "channel"], name="notify_template_unique"
            )
        ]

    def __str__(self) -> str:
        return f"{self.get_event_display()} · {self.get_channel_display()}"


class CustomerContact(OrgScopedModel):
    """How a customer is reached besides the phone, and whether they want messages at all."""

    customer = models.OneToOneField(
        "customers.Customer",
        on_delete=models.CASCADE,
        related_name="notify_contact",
        verbose_name=_("customer"),
    )
    email = models.EmailField(_("e-mail"), blank=True)
    wechat_openid = models.CharField(_("WeChat openid"), max_length=64, blank=True)
    opted_out = models.BooleanField(_("no messages"), default=False)
    opted_out_at = models.DateTimeField(_("opted out at"), null=True, blank=True)

    class Meta:
        verbose_name = _("customer contact")
        verbose_name_plural = _("customer contacts")

    def __str__(self) -> str:
        return str(self.customer)


class Message(OrgScopedModel):
    class Status(models.TextChoices):
        PENDING = "pending", _("Waiting")
        SENDING = "sending", _("Sending")
        SENT = "sent", _("Sent")
        FAILED = "failed", _("Failed")
        SKIPPED = "skipped", _("Not sent")

    event = models.CharField(_("event"), max_length=30, choices=Event.choices)
    channel = models.CharField(_("channel"), max_length=10, choices=Channel.choices)
    key = models.CharField(_("idempotency key"), max_length=150)
    customer = models.ForeignKey(
        "customers.Customer",
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("customer"),
    )
    recipient = models.CharField(_("recipient"), max_length=254)
    subject = models.CharField(_("subject"), max_length=200, blank=True)
    body = models.TextField(_("text"))
    params = models.JSONField(_("parameters"), default=dict, blank=True)
    provider_code = models.CharField(_("provider template code"), max_length=80, blank=True)
    status = models.CharField(
        _("status"), max_length=10, choices=Status.choices, default=Status.PENDING
    )
    attempts = models.PositiveSmallIntegerField(_("attempts"), default=0)
    next_attempt_at = models.DateTimeField(_("next attempt at"), null=True, blank=True)
    sent_at = models.DateTimeField(_("sent at"), null=True, blank=True)
    provider_id = models.CharField(_("provider message id"), max_length=100, blank=True)
    last_error = models.TextField(_("last error"), blank=True)

    class Meta:
        verbose_name = _("message")
        verbose_name_plural = _("messages")
        constraints = [
            models.UniqueConstraint(
                fields=["organisation", "key", "channel"], name="notify_message_once_per_key"
            )
        ]
        indexes = [models.Index(fields=["status", "next_attempt_at"], name="notify_due_idx")]

    def __str__(self) -> str:
        return f"{self.get_event_display()} → {self.recipient}"
