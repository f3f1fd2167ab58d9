"""Delivery with pre-delivery repair (送货与检修, seed 003; DOMAIN.md §5).

A `Delivery` is one agreed delivery of a sales contract. Before it leaves, the workshop does the
repair/maintenance work of its `WorkshopRequest`s (维修保养需求单); the crew loads against the
contract lines, collects the balance, has the customer sign and fill in the opinion form, then
reports back to customer service. `DeliveryTask`s are the reminders the daily job raises.
"""

from django.conf import settings
from django.core.validators import MinValueValidator
from django.db import models
from django.utils.translation import gettext_lazy as _
from simple_history.models import HistoricalRecords

from shouhou.core.models import OrgScopedModel, OrgSettings


class DeliverySettings(OrgSettings):
    """Per-organisation numbers of the delivery process (DOMAIN.md §5 and §6 defaults)."""

    organisation = models.OneToOneField(
        "org.Organisation",
        on_delete=models.CASCADE,
        related_name="delivery_settings",
        verbose_name=_("organisation"),
    )
    reconfirm_lead_days = models.PositiveSmallIntegerField(
        _("re-confirmation lead (days)"),
        default=14,
        help_text=_(
            "For a delivery further away than this, the supervisor re-confirms the date and "
            "address this many days before (moved back to a working day)."
        ),
    )
    storage_limit_months = models.PositiveSmallIntegerField(
        _("transit storage limit (months)"),
        default=3,
        help_text=_("Goods wait in the transit warehouse at most this long."),
    )
    workshop_due_working_days = models.PositiveSmallIntegerField(
        _("workshop work due (working days before delivery)"), default=2
    )
    crew_confirm_lead_days = models.PositiveSmallIntegerField(
        _("crew confirms with the customer (days before)"),
        default=1,
        validators=[MinValueValidator(1)],
        help_text=_(
            "The crew confirms the delivery with the customer this many days before the "
            "delivery date (seed 003: the day before); the daily job raises the task then."
        ),
    )
    callback_offsets = models.CharField(
        _("callbacks after delivery"),
        max_length=100,
        default="3d,1m,3m,6m",
        help_text=_(
            "Comma-separated: <n>d = n working days after delivery, <n>m = n months after "
            "(moved to the next working day)."
        ),
    )
    history = HistoricalRecords()

    class Meta:
        verbose_name = _("delivery settings")
        verbose_name_plural = _("delivery settings")

    def __str__(self):
        return str(self.organisation)


class Satisfaction(models.IntegerChoices):
    VERY_UNHAPPY = 1, _("Very dissatisfied")
    UNHAPPY = 2, _("Dissatisfied")
    NEUTRAL = 3, _("Neutral")
    HAPPY = 4, _("Satisfied")
    VERY_HAPPY = 5, _("Very satisfied")


class Delivery(OrgScopedModel):
    class Status(models.TextChoices):
        SCHEDULED = "scheduled", _("Scheduled")
        RECONFIRMED = "reconfirmed", _("Re-confirmed")
        WORKSHOP_DONE = "workshop_done", _("Workshop work done")
        LOADED = "loaded", _("Loaded")
        OUT = "out", _("Out for delivery")
        DELIVERED = "delivered", _("Delivered")
        REPORTED = "reported", _("Reported")
        CANCELLED = "cancelled", _("Cancelled")

    contract = models.ForeignKey(
        "sales.Contract",
        on_delete=models.PROTECT,
        related_name="deliveries",
        verbose_name=_("contract"),
    )
    customer = models.ForeignKey(
        "customers.Customer",
        on_delete=models.PROTECT,
        related_name="deliveries",
        verbose_name=_("customer"),
    )
    status = models.CharField(
        _("status"), max_length=20, choices=Status.choices, default=Status.SCHEDULED
    )
    scheduled_date = models.DateField(_("delivery date"))
    district = models.CharField(_("district"), max_length=30, blank=True)
    address = models.CharField(_("delivery address"), max_length=200)
    in_transit_since = models.DateField(_("in the transit warehouse since"))
    storage_limit_on = models.DateField(_("transit storage limit"))
    reconfirm_due_on = models.DateField(_("re-confirm by"), null=True, blank=True)
    reconfirmed_at = models.DateTimeField(_("re-confirmed at"), null=True, blank=True)
    workshop_due_on = models.DateField(_("workshop work due"))
    rescheduled_count = models.PositiveSmallIntegerField(_("times rescheduled"), default=0)
    crew = models.ForeignKey(
        "staff.ServiceStaff",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="deliveries",
        verbose_name=_("crew leader"),
    )
    crew_members = models.CharField(_("other crew members"), max_length=200, blank=True)
    vehicle = models.CharField(_("vehicle"), max_length=40, blank=True)
    customer_confirmed_at = models.DateTimeField(
        _("confirmed with the customer at"), null=True, blank=True
    )
    checklist = models.JSONField(_("loading checklist"), default=dict, blank=True)
    loaded_at = models.DateTimeField(_("loaded at"), null=True, blank=True)
    departed_at = models.DateTimeField(_("departed at"), null=True, blank=True)
    collected_amount = models.DecimalField(
        _("balance collected"), max_digits=12, decimal_places=2, null=True, blank=True
    )
    collected_method = models.CharField(_("payment method"), max_length=30, blank=True)
    receipt_no = models.CharField(_("receipt number"), max_length=60, blank=True)
    collected_at = models.DateTimeField(_("collected at"), null=True, blank=True)
    payment_posted = models.BooleanField(_("payment posted to the contract"), default=False)
    signature = models.TextField(_("signature (PNG data URL)"), blank=True)
    signer_name = models.CharField(_("signed by"), max_length=40, blank=True)
    satisfaction = models.PositiveSmallIntegerField(
        _("satisfaction"), choices=Satisfaction.choices, null=True, blank=True
    )
    comments = models.TextField(_("customer's comments"), blank=True)
    delivered_at = models.DateTimeField(_("delivered at"), null=True, blank=True)
    report_note = models.TextField(_("report to customer service"), blank=True)
    reported_at = models.DateTimeField(_("reported at"), null=True, blank=True)
    cancelled_at = models.DateTimeField(_("cancelled at"), null=True, blank=True)
    cancel_reason = models.CharField(_("reason for cancelling"), max_length=200, blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("scheduled by"),
    )

    class Meta:
        verbose_name = _("delivery")
        verbose_name_plural = _("deliveries")
        ordering = ["scheduled_date", "id"]
        indexes = [
            models.Index(fields=["organisation", "scheduled_date"], name="delivery_date_idx"),
            models.Index(fields=["organisation", "status"], name="delivery_status_idx"),
        ]
        constraints = [
            models.UniqueConstraint(
                fields=["contract"],
                condition=~models.Q(status="cancelled"),
                name="delivery_one_active_per_contract",
            ),
            models.CheckConstraint(
                condition=models.Q(collected_amount__isnull=True)
                | models.Q(collected_amount__gte=0),
                name="delivery_collected_gte_0",
            ),
        ]

    def __str__(self):
        return f"{self.contract} {self.scheduled_date}"

    @property
    def responsible_party(self) -> str:
        """Seed 003: before loading the workshop answers for the goods, after loading the crew."""
        return "crew" if self.loaded_at else "workshop"


class WorkshopRequest(OrgScopedModel):
    """维修保养需求单: repair or maintenance the workshop does before a delivery."""

    class Status(models.TextChoices):
        OPEN = "open", _("Open")
        DONE = "done", _("Done, to inspect")
        ACCEPTED = "accepted", _("Accepted")

    delivery = models.ForeignKey(
        Delivery,
        on_delete=models.CASCADE,
        related_name="workshop_requests",
        verbose_name=_("delivery"),
    )
    description = models.TextField(_("work to do"))
    due_on = models.DateField(_("due on"))
    status = models.CharField(
        _("status"), max_length=20, choices=Status.choices, default=Status.OPEN
    )
    done_at = models.DateTimeField(_("done at"), null=True, blank=True)
    work_note = models.TextField(_("work done"), blank=True)
    returned_count = models.PositiveSmallIntegerField(_("times sent back"), default=0)
    inspect_note = models.TextField(_("inspection note"), blank=True)
    accepted_at = models.DateTimeField(_("accepted at"), null=True, blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("requested by"),
    )

    class Meta:
        verbose_name = _("repair/maintenance request")
        verbose_name_plural = _("repair/maintenance requests")
        ordering = ["due_on", "id"]
        indexes = [models.Index(fields=["organisation", "status", "due_on"], name="wsreq_due_idx")]

    def __str__(self):
        return f"{self.delivery}: {self.description[:30]}"


class DeliveryIssue(OrgScopedModel):
    """A problem with the goods; who answers for it follows from whether they were loaded."""

    class Party(models.TextChoices):
        WORKSHOP = "workshop", _("Workshop")
        CREW = "crew", _("Delivery crew")

    delivery = models.ForeignKey(
        Delivery, on_delete=models.CASCADE, related_name="issues", verbose_name=_("delivery")
    )
    description = models.TextField(_("description"))
    responsible = models.CharField(_("responsible"), max_length=20, choices=Party.choices)
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("recorded by"),
    )

    class Meta:
        verbose_name = _("delivery issue")
        verbose_name_plural = _("delivery issues")
        ordering = ["-created_at", "-id"]

    def __str__(self):
        return self.description[:40]


class DeliveryTask(OrgScopedModel):
    """A reminder raised by scheduling or the daily job; `key` makes raising it idempotent."""

    class Kind(models.TextChoices):
        RECONFIRM = "reconfirm", _("Re-confirm date and address")
        DAY_BEFORE = "day_before", _("Confirm with the customer the day before")
        STORAGE_LIMIT = "storage_limit", _("Transit storage limit passed")
        WORKSHOP_LATE = "workshop_late", _("Workshop work late")

    class Status(models.TextChoices):
        OPEN = "open", _("Open")
        DONE = "done", _("Done")

    delivery = models.ForeignKey(
        Delivery, on_delete=models.CASCADE, related_name="tasks", verbose_name=_("delivery")
    )
    kind = models.CharField(_("kind"), max_length=20, choices=Kind.choices)
    role = models.CharField(_("for role"), max_length=30)
    assigned_to = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("assigned to"),
    )
    due_on = models.DateField(_("due on"))
    status = models.CharField(
        _("status"), max_length=20, choices=Status.choices, default=Status.OPEN
    )
    key = models.CharField(_("key"), max_length=100)
    done_at = models.DateTimeField(_("done at"), null=True, blank=True)

    class Meta:
        verbose_name = _("delivery task")
        verbose_name_plural = _("delivery tasks")
        ordering = ["due_on", "id"]
        constraints = [
            models.UniqueConstraint(
                fields=["organisation", "key"], name="delivery_task_key_unique_per_org"
            )
        ]
        indexes = [models.Index(fields=["organisation", "status", "due_on"], name="dtask_due_idx")]

    def __str__(self):
        return f"{self.get_kind_display()} {self.due_on}"
