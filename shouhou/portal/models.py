"""The self-service page's own rows: its settings and the photos a customer sends."""

from __future__ import annotations

from django.core.validators import MinValueValidator
from django.db import models
from django.utils.translation import gettext_lazy as _

from shouhou.core.models import OrgScopedModel, OrgSettings


class PortalSettings(OrgSettings):
    organisation = models.OneToOneField(
        "org.Organisation",
        on_delete=models.CASCADE,
        related_name="portal_settings",
        verbose_name=_("organisation"),
    )
    link_days = models.PositiveSmallIntegerField(
        _("self-service link valid for (days)"),
        default=30,
        help_text=_("A link sent to a customer opens their order for this many days."),
    )
    lookups_per_hour = models.PositiveSmallIntegerField(
        _("order look-ups per hour"),
        default=5,
        help_text=_("Wrong order number / phone digits allowed per address and per order."),
    )
    requests_per_hour = models.PositiveSmallIntegerField(_("service requests per hour"), default=5)
    max_photos = models.PositiveSmallIntegerField(_("photos per request"), default=4)
    # Confirming or moving the appointment on the page (issue 24.1c): the technician plans the
    # next day on the working day before, so a later change goes through the hotline.
    customer_moves_max = models.PositiveSmallIntegerField(
        _("moves of an appointment by the customer"),
        default=2,
        help_text=_("After this many moves on the page the customer calls the hotline."),
    )
    move_until_working_days_before = models.PositiveSmallIntegerField(
        _("moves allowed until (working days before the appointment)"),
        default=1,
        help_text=_(
            "1: until the end of the working day before the appointment's day; 0: until the day."
        ),
    )
    move_working_days_ahead = models.PositiveSmallIntegerField(
        _("new times offered (working days ahead)"),
        default=10,
        validators=[MinValueValidator(1)],
        help_text=_("Slots from the next working day on, in office hours, for this many days."),
    )

    class Meta:
        verbose_name = _("self-service settings")
        verbose_name_plural = _("self-service settings")

    def __str__(self) -> str:
        return str(_("Self-service settings"))


class AppointmentMove(OrgScopedModel):
    """The customer moved the appointment on the self-service page: counted against
    `customer_moves_max`, and the history of who moved it where."""

    order = models.ForeignKey(
        "workorders.WorkOrder",
        on_delete=models.CASCADE,
        related_name="portal_moves",
        verbose_name=_("work order"),
    )
    from_at = models.DateTimeField(_("was"))
    to_at = models.DateTimeField(_("moved to"))
    reason = models.CharField(_("reason"), max_length=200, blank=True)
    at = models.DateTimeField(_("time"))

    class Meta:
        verbose_name = _("appointment moved by the customer")
        verbose_name_plural = _("appointments moved by customers")
        ordering = ["at", "id"]
        indexes = [models.Index(fields=["order", "at"])]

    def __str__(self) -> str:
        return f"{self.order_id} {self.from_at:%Y-%m-%d %H:%M} → {self.to_at:%Y-%m-%d %H:%M}"


class RequestPhoto(OrgScopedModel):
    """A photo the customer sent with a service request (shown to staff with the order)."""

    order = models.ForeignKey(
        "workorders.WorkOrder",
        on_delete=models.CASCADE,
        related_name="portal_photos",
        verbose_name=_("work order"),
    )
    image = models.ImageField(_("photo"), upload_to="portal/%Y/%m/")

    class Meta:
        verbose_name = _("customer photo")
        verbose_name_plural = _("customer photos")

    def __str__(self) -> str:
        return self.image.name


class IntakeMail(OrgScopedModel):
    """One e-mail to the service address, read once (its Message-ID is unique): a new order,
    a reply joined to the order its subject names, or kept for the desk (unknown sender)."""

    class Outcome(models.TextChoices):
        CREATED = "created", _("New order")
        JOINED = "joined", _("Joined an open order")
        UNMATCHED = "unmatched", _("Sender not a known customer")

    message_id = models.CharField(_("message id"), max_length=255)
    sender = models.CharField(_("from"), max_length=254)
    subject = models.CharField(_("subject"), max_length=255, blank=True)
    body = models.TextField(_("text"), blank=True)
    received_at = models.DateTimeField(_("received at"))
    outcome = models.CharField(_("outcome"), max_length=10, choices=Outcome.choices)
    order = models.ForeignKey(
        "workorders.WorkOrder",
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("work order"),
    )

    class Meta:
        verbose_name = _("service e-mail")
        verbose_name_plural = _("service e-mails")
        constraints = [
            models.UniqueConstraint(fields=["organisation", "message_id"], name="portal_mail_once")
        ]

    def __str__(self) -> str:
        return f"{self.sender}: {self.subject}"


class MailAttachment(OrgScopedModel):
    mail = models.ForeignKey(
        IntakeMail, on_delete=models.CASCADE, related_name="attachments", verbose_name=_("e-mail")
    )
    file = models.FileField(_("file"), upload_to="portal/mail/%Y/%m/")
    content_type = models.CharField(_("type"), max_length=100, blank=True)

    class Meta:
        verbose_name = _("e-mail attachment")
        verbose_name_plural = _("e-mail attachments")

    def __str__(self) -> str:
        return self.file.name
