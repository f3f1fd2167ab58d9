"""The service desk's own day (seeds 004, 002 §3.5, 000 三): the calls and letters log
(来电来函处理记录), the language guidance (语言规范), the shift handover book (交接班本), goods
reservations (商品预定), the returns and exchanges register at the desk and the summaries sent."""

from decimal import Decimal

from django.conf import settings
from django.core.validators import MinValueValidator
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy
from simple_history.models import HistoricalRecords

from shouhou.core.models import OrgScopedModel, OrgSettings


def default_summary_roles() -> list:
    return ["cs_manager"]


class FrontdeskSettings(OrgSettings):
    """Per-organisation numbers of the front desk."""

    organisation = models.OneToOneField(
        "org.Organisation",
        on_delete=models.CASCADE,
        related_name="frontdesk_settings",
        verbose_name=_("organisation"),
    )
    follow_up_hours = models.DecimalField(
        _("follow-up answer within (working hours)"),
        max_digits=5,
        decimal_places=1,
        default=Decimal("4.0"),
        validators=[MinValueValidator(Decimal("0.5"))],
        help_text=_("A contact not answered at once is answered within this many working hours."),
    )
    repeat_window_days = models.PositiveSmallIntegerField(
        _("an open matter is offered for joining for (days)"),
        default=30,
        help_text=_("Open contacts of the same caller younger than this are offered for joining."),
    )
    lookup_recent_contacts = models.PositiveSmallIntegerField(
        _("last contacts shown by the caller lookup"), default=5
    )
    summary_recipient_roles = models.JSONField(
        _("summaries go to"),
        default=default_summary_roles,
        help_text=_("Role codes whose members receive the daily and weekly summaries by e-mail."),
    )
    summary_extra_emails = models.TextField(
        _("summaries also go to"),
        blank=True,
        help_text=_("Further e-mail addresses, one per line."),
    )
    history = HistoricalRecords()

    class Meta:
        verbose_name = _("front desk settings")
        verbose_name_plural = _("front desk settings")

    def __str__(self):
        return str(self.organisation)


class Channel(models.TextChoices):
    HOTLINE = "hotline", _("Hotline")
    WALK_IN = "walk_in", _("Walk-in")
    LETTER = "letter", _("Letter")
    EMAIL = "email", _("E-mail")
    WECHAT = "wechat", _("WeChat")


class ContactKind(models.TextChoices):
    CONSULTATION = "consultation", _("Consultation")
    PRAISE = "praise", _("Praise")
    SUGGESTION = "suggestion", _("Suggestion")
    COMPLAINT = "complaint", pgettext_lazy("contact", "Complaint")
    SERVICE_REQUEST = "service_request", _("Service request")
    CALLBACK_REPLY = "callback_reply", _("Callback reply")


class ContactStatus(models.TextChoices):
    OPEN = "open", pgettext_lazy("contact", "Not answered yet")
    FOLLOW_UP = "follow_up", _("Being followed up")
    ANSWERED = "answered", _("Answered")


class Contact(OrgScopedModel):
    """One call, visit, letter, e-mail or message (来电来函), in the order it came in."""

    received_at = models.DateTimeField(_("received at"), db_index=True)
    channel = models.CharField(_("channel"), max_length=20, choices=Channel.choices)
    kind = models.CharField(_("kind"), max_length=20, choices=ContactKind.choices)
    status = models.CharField(
        _("status"), max_length=20, choices=ContactStatus.choices, default=ContactStatus.OPEN
    )
    store = models.ForeignKey(
        "org.Store",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("store"),
    )
    hotline = models.CharField(_("hotline dialled"), max_length=30, blank=True)
    caller_name = models.CharField(_("caller"), max_length=50, blank=True)
    phone = models.CharField(_("phone"), max_length=20, blank=True, db_index=True)
    customer = models.ForeignKey(
        "customers.Customer",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("customer"),
    )
    subject = models.TextField(_("what the caller says"))
    answer = models.TextField(_("answer"), blank=True)
    answered_at = models.DateTimeField(_("answered at"), null=True, blank=True)
    follow_up_note = models.TextField(_("what is being found out"), blank=True)
    follow_up_due_at = models.DateTimeField(
        _("answer due by"), null=True, blank=True, db_index=True
    )
    reply_channel = models.CharField(
        _("reply by"), max_length=20, choices=Channel.choices, blank=True
    )
    reply_reference = models.CharField(_("reply archive number"), max_length=50, blank=True)
    parent = models.ForeignKey(
        "self",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="repeats",
        verbose_name=_("joins the contact"),
    )
    repeat_count = models.PositiveIntegerField(_("repeat contacts"), default=0)
    work_order = models.ForeignKey(
        "workorders.WorkOrder",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("work order"),
    )
    case = models.ForeignKey(
        "complaints.Case",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("complaint"),
    )
    joined_existing = models.BooleanField(_("joined an open matter"), default=False)
    language_warnings = models.JSONField(_("language warnings"), default=list, blank=True)
    # Not stored: what the language check found in the text just saved (set by the services).
    language_result: dict[str, list[str]]
    taken_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        related_name="+",
        verbose_name=_("taken by"),
    )
    answered_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("answered by"),
    )

    class Meta:
        verbose_name = _("contact")
        verbose_name_plural = _("calls and letters")
        ordering = ["-received_at", "-id"]
        indexes = [
            models.Index(fields=["organisation", "received_at", "id"]),
            models.Index(fields=["organisation", "status", "follow_up_due_at"]),
        ]

    def __str__(self):
        return f"{self.get_channel_display()} {self.caller_name or self.phone}"

    @property
    def is_overdue(self) -> bool:
        return (
            self.status == ContactStatus.FOLLOW_UP
            and self.follow_up_due_at is not None
            and self.follow_up_due_at < timezone.now()
        )


class PhraseKind(models.TextChoices):
    FORBIDDEN = "forbidden", _("Must not be said")
    PREFERRED = "preferred", _("Say instead")


class Phrase(OrgScopedModel):
    """A phrase of the language guidance (seed 000 三.1 / 三.2). `*` stands for any words."""

    kind = models.CharField(_("kind"), max_length=20, choices=PhraseKind.choices)
    text = models.CharField(_("phrase"), max_length=100)
    order = models.PositiveSmallIntegerField(_("order"), default=100)
    is_active = models.BooleanField(_("active"), default=True)

    class Meta:
        verbose_name = _("phrase")
        verbose_name_plural = _("language guidance")
        ordering = ["kind", "order", "id"]
        constraints = [
            models.UniqueConstraint(
                fields=["organisation", "kind", "text"], name="frontdesk_phrase_unique"
            )
        ]

    def __str__(self):
        return self.text


class LanguageWarning(OrgScopedModel):
    """A text someone saved with a forbidden phrase in it (counted per person per month)."""

    person = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        related_name="+",
        verbose_name=_("person"),
    )
    at = models.DateTimeField(_("time"), db_index=True)
    where = models.CharField(_("where"), max_length=60)
    object_id = models.PositiveBigIntegerField(_("record"), null=True, blank=True)
    phrases = models.JSONField(_("phrases found"), default=list)
    excerpt = models.CharField(_("text"), max_length=200, blank=True)

    class Meta:
        verbose_name = _("language warning")
        verbose_name_plural = _("language warnings")
        ordering = ["-at", "-id"]
        indexes = [models.Index(fields=["organisation", "at", "person"])]

    def __str__(self):
        return f"{self.person} {self.at:%Y-%m-%d}"


class Shift(models.TextChoices):
    EARLY = "early", _("Early shift")
    LATE = "late", _("Late shift")


class HandoverStatus(models.TextChoices):
    OPEN = "open", pgettext_lazy("handover", "Being written")
    HANDED_OVER = "handed_over", _("Handed over")
    SIGNED = "signed", _("Read and signed")


class Handover(OrgScopedModel):
    """A page of the handover book (交接班本): one per store, desk, day and shift."""

    store = models.ForeignKey(
        "org.Store", on_delete=models.PROTECT, related_name="+", verbose_name=_("store")
    )
    desk = models.CharField(_("desk"), max_length=40, default="服务台")
    day = models.DateField(_("day"))
    shift = models.CharField(_("shift"), max_length=10, choices=Shift.choices)
    status = models.CharField(
        _("status"), max_length=20, choices=HandoverStatus.choices, default=HandoverStatus.OPEN
    )
    outgoing = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        related_name="+",
        verbose_name=_("outgoing clerk"),
    )
    notes = models.TextField(_("handover notes"), blank=True)
    # Not stored: what the language check found in the notes just saved (set by the services).
    language_result: dict[str, list[str]]
    carry_over = models.JSONField(_("carried over"), default=list, blank=True)
    handed_over_at = models.DateTimeField(_("handed over at"), null=True, blank=True)
    incoming = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("incoming clerk"),
    )
    signed_at = models.DateTimeField(_("read and signed at"), null=True, blank=True)
    morning_meeting = models.TextField(_("morning meeting record"), blank=True)
    manager_note = models.TextField(_("manager's daily note"), blank=True)

    class Meta:
        verbose_name = _("handover")
        verbose_name_plural = _("handover book")
        ordering = ["-day", "-shift", "-id"]
        constraints = [
            models.UniqueConstraint(
                fields=["organisation", "store", "desk", "day", "shift"],
                name="frontdesk_handover_unique",
            )
        ]

    def __str__(self):
        return f"{self.store} {self.desk} {self.day} {self.get_shift_display()}"


class ReservationStatus(models.TextChoices):
    ORDERED = "ordered", _("Ordered")
    ARRIVED = "arrived", _("Arrived")
    TOLD = "told", _("Customer told")
    COLLECTED = "collected", _("Collected")
    CANCELLED = "cancelled", pgettext_lazy("reservation", "Cancelled")


class Reservation(OrgScopedModel):
    """A customer's goods reservation at the desk (商品预定)."""

    number = models.CharField(_("number"), max_length=30, blank=True, db_index=True)
    status = models.CharField(
        _("status"),
        max_length=20,
        choices=ReservationStatus.choices,
        default=ReservationStatus.ORDERED,
    )
    store = models.ForeignKey(
        "org.Store", on_delete=models.PROTECT, related_name="+", verbose_name=_("store")
    )
    customer = models.ForeignKey(
        "customers.Customer",
        on_delete=models.PROTECT,
        related_name="+",
        verbose_name=_("customer"),
    )
    product = models.ForeignKey(
        "catalog.Product",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("product"),
    )
    description = models.CharField(_("goods"), max_length=200, blank=True)
    quantity = models.PositiveIntegerField(_("quantity"), default=1)
    deposit = models.DecimalField(_("deposit"), max_digits=12, decimal_places=2, default=0)
    receipt_number = models.CharField(_("deposit receipt number"), max_length=50, blank=True)
    promised_on = models.DateField(_("promised for"))
    arrived_at = models.DateTimeField(_("arrived at"), null=True, blank=True)
    told_at = models.DateTimeField(_("customer told at"), null=True, blank=True)
    collected_at = models.DateTimeField(_("collected at"), null=True, blank=True)
    cancelled_at = models.DateTimeField(_("cancelled at"), null=True, blank=True)
    cancel_reason = models.CharField(_("reason for cancelling"), max_length=200, blank=True)
    refund = models.DecimalField(
        _("deposit refunded"), max_digits=12, decimal_places=2, null=True, blank=True
    )
    refund_receipt = models.CharField(_("refund receipt number"), max_length=50, blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        related_name="+",
        verbose_name=_("taken by"),
    )

    class Meta:
        verbose_name = _("goods reservation")
        verbose_name_plural = _("goods reservations")
        ordering = ["-created_at", "-id"]
        indexes = [models.Index(fields=["organisation", "status", "promised_on"])]

    def __str__(self):
        return self.number or str(self.pk)

    @property
    def goods(self) -> str:
        return self.description or (str(self.product) if self.product_id else "")

    @property
    def is_overdue(self) -> bool:
        return self.status == ReservationStatus.ORDERED and self.promised_on < timezone.localdate()


class ReturnStatus(models.TextChoices):
    HELD = "held", _("Held at the desk")
    RETURNED = "returned", _("Gone back")


class ReturnedTo(models.TextChoices):
    MERCHANT = "merchant", _("Merchant")
    SUPPLIER = "supplier", _("Supplier")


class DeskReturn(OrgScopedModel):
    """Goods taken back at the desk (退换货登记), followed until the merchant or supplier has them."""

    class Kind(models.TextChoices):
        RETURN = "return", pgettext_lazy("desk return", "Return")
        EXCHANGE = "exchange", pgettext_lazy("desk return", "Exchange")

    kind = models.CharField(_("kind"), max_length=10, choices=Kind.choices)
    status = models.CharField(
        _("status"), max_length=10, choices=ReturnStatus.choices, default=ReturnStatus.HELD
    )
    store = models.ForeignKey(
        "org.Store", on_delete=models.PROTECT, related_name="+", verbose_name=_("store")
    )
    item = models.CharField(_("goods"), max_length=200)
    customer = models.ForeignKey(
        "customers.Customer",
        on_delete=models.PROTECT,
        related_name="+",
        verbose_name=_("from the customer"),
    )
    reason = models.TextField(_("reason"))
    condition = models.CharField(_("condition"), max_length=200)
    stored_at = models.CharField(_("where stored"), max_length=100)
    case = models.ForeignKey(
        "complaints.Case",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("return or exchange case"),
    )
    received_at = models.DateTimeField(_("taken back at"))
    received_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        related_name="+",
        verbose_name=_("taken back by"),
    )
    returned_to = models.CharField(
        _("gone back to"), max_length=10, choices=ReturnedTo.choices, blank=True
    )
    returned_to_name = models.CharField(_("taken by (name)"), max_length=100, blank=True)
    returned_at = models.DateTimeField(_("gone back at"), null=True, blank=True)

    class Meta:
        verbose_name = _("goods taken back")
        verbose_name_plural = _("returns and exchanges register")
        ordering = ["-received_at", "-id"]
        indexes = [models.Index(fields=["organisation", "status", "received_at"])]

    def __str__(self):
        return self.item


class SummarySend(OrgScopedModel):
    """A summary sent: once per organisation, kind and period (the job claims the row first)."""

    class Kind(models.TextChoices):
        DAILY = "daily", _("Daily desk summary")
        WEEKLY = "weekly", _("Weekly complaint summary")

    kind = models.CharField(_("kind"), max_length=10, choices=Kind.choices)
    period_start = models.DateField(_("period from"))
    recipients = models.PositiveIntegerField(_("recipients"), default=0)

    class Meta:
        verbose_name = _("summary sent")
        verbose_name_plural = _("summaries sent")
        constraints = [
            models.UniqueConstraint(
                fields=["organisation", "kind", "period_start"], name="frontdesk_summary_once"
            )
        ]

    def __str__(self):
        return f"{self.get_kind_display()} {self.period_start}"
