"""Service staff (售后人员), onboarding, work permits (上岗证), fees, fines and training.

The staff app owns and extends this module; other apps reference `staff.ServiceStaff` and call
`shouhou.staff.services.can_work(...)` / `staff_for_user(...)`.
"""

from __future__ import annotations

from decimal import Decimal

from django.conf import settings
from django.core.validators import FileExtensionValidator, MaxValueValidator, MinValueValidator
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _
from simple_history.models import HistoricalRecords

from shouhou.core.models import OrgScopedModel, OrgSettings, TimeStampedModel
from shouhou.core.money import MoneyField, non_negative, positive

from . import flows
from .idnumbers import mask_id_number

UPLOAD_EXTENSIONS = ["jpg", "jpeg", "png", "gif", "webp", "pdf"]


class WorkKind(models.TextChoices):
    """Kinds of service work a person may do; a permit lists the kinds it allows."""

    WAREHOUSE = "warehouse", _("Warehouse keeper")
    DELIVERY = "delivery", _("Delivery")
    INSTALLATION = "installation", _("Installation")
    REPAIR = "repair", _("Repair")


class StaffSettings(OrgSettings):
    """Per-organisation numbers for staff: fees, fine deadline, suspension rule, permit validity."""

    organisation = models.OneToOneField(
        "org.Organisation",
        on_delete=models.CASCADE,
        related_name="staff_settings",
        verbose_name=_("organisation"),
    )
    management_fee = MoneyField(
        _("management fee per month"), default=Decimal("100.00"), validators=[non_negative]
    )
    deposit = MoneyField(_("deposit"), default=Decimal("500.00"), validators=[non_negative])
    uniform_fee = MoneyField(
        _("uniform fee (at cost)"), default=Decimal("80.00"), validators=[non_negative]
    )
    badge_fee = MoneyField(_("badge fee"), default=Decimal("20.00"), validators=[non_negative])
    fine_due_hours = models.PositiveSmallIntegerField(
        _("fine due within (hours)"),
        default=24,
        validators=[MinValueValidator(1)],
        help_text=_("A fine must be paid to finance within this many hours."),
    )
    suspend_on_overdue_fine = models.BooleanField(
        _("overdue fine suspends the permit"),
        default=True,
        help_text=_("With this on, a job suspends the permit of anyone with an overdue fine."),
    )
    permit_validity_months = models.PositiveSmallIntegerField(
        _("permit valid for (months)"), default=12, validators=[MinValueValidator(1)]
    )
    assessment_pass_mark = models.PositiveSmallIntegerField(
        _("assessment pass mark"), default=60, validators=[MaxValueValidator(100)]
    )
    permit_prefix = models.CharField(_("permit number prefix"), max_length=10, default="SG")
    permit_expiry_warning_days = models.PositiveSmallIntegerField(
        _("warn of permits expiring within (days)"),
        default=30,
        validators=[MinValueValidator(1)],
        help_text=_(
            "The reports and the dashboard list permits that expire within this many days."
        ),
    )
    history = HistoricalRecords()

    class Meta:
        verbose_name = _("staff settings")
        verbose_name_plural = _("staff settings")

    def __str__(self):
        return str(self.organisation)


class ServiceStaff(OrgScopedModel):
    class Employer(models.TextChoices):
        MERCHANT = "merchant", _("Merchant's own staff")
        MOBILE = "mobile", _("Mobile / freelance staff")
        STORE = "store", _("Store's own staff")

    class Status(models.TextChoices):
        APPLICANT = "applicant", _("Onboarding")
        ACTIVE = "active", _("Working")
        LEFT = "left", _("Left")

    user = models.OneToOneField(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="service_staff",
        verbose_name=_("login account"),
    )
    name = models.CharField(_("name"), max_length=50)
    mobile = models.CharField(_("mobile"), max_length=20)
    kinds = models.JSONField(
        _("kinds of work"), default=list, help_text=_("Codes from WorkKind; several allowed.")
    )
    employer = models.CharField(_("employer"), max_length=20, choices=Employer.choices)
    merchant = models.ForeignKey(
        "org.Merchant",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="staff",
        verbose_name=_("merchant"),
    )
    store = models.ForeignKey(
        "org.Store",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="staff",
        verbose_name=_("store"),
    )
    id_number = models.CharField(_("ID number"), max_length=18, blank=True)
    skills = models.TextField(
        _("skills and certificates"), blank=True, help_text=_("Trades, titles and certificates.")
    )
    status = models.CharField(
        _("status"), max_length=20, choices=Status.choices, default=Status.APPLICANT
    )
    joined_on = models.DateField(_("working since"), null=True, blank=True)
    left_on = models.DateField(_("left on"), null=True, blank=True)
    note = models.TextField(_("note"), blank=True)

    class Meta:
        verbose_name = _("service staff member")
        verbose_name_plural = _("service staff")
        ordering = ["name"]
        constraints = [
            models.UniqueConstraint(
                fields=["organisation", "id_number"],
                condition=~Q(id_number=""),
                name="staff_id_number_unique_per_org",
            )
        ]
        indexes = [models.Index(fields=["organisation", "status"])]

    def __str__(self):
        return self.name

    @property
    def masked_id_number(self) -> str:
        return mask_id_number(self.id_number)

    def kind_labels(self) -> list[str]:
        return [str(WorkKind(k).label) for k in self.kinds if k in WorkKind.values]


class StaffDocument(OrgScopedModel):
    """A document handed in: a scan or photo, or a note that the original was seen."""

    class Kind(models.TextChoices):
        INTRO_LETTER = flows.Doc.INTRO_LETTER, _("Merchant's introduction letter")
        PHOTO = flows.Doc.PHOTO, _("Colour photo")
        ID_CARD = flows.Doc.ID_CARD, _("ID card")
        DIPLOMA = flows.Doc.DIPLOMA, _("Diploma")
        TITLE_CERT = flows.Doc.TITLE_CERT, _("Professional title certificate")
        SKILL_CERT = flows.Doc.SKILL_CERT, _("Skill certificate")
        OTHER = "other", _("Other")

    staff = models.ForeignKey(
        ServiceStaff, on_delete=models.CASCADE, related_name="documents", verbose_name=_("staff")
    )
    kind = models.CharField(_("kind"), max_length=20, choices=Kind.choices)
    file = models.FileField(
        _("file"),
        upload_to="staff/documents/%Y/%m/",
        blank=True,
        validators=[FileExtensionValidator(UPLOAD_EXTENSIONS)],
    )
    note = models.CharField(_("note"), max_length=200, blank=True)
    received_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("received by"),
    )

    class Meta:
        verbose_name = _("staff document")
        verbose_name_plural = _("staff documents")
        ordering = ["staff", "kind", "id"]

    def __str__(self):
        return f"{self.staff} · {self.get_kind_display()}"

    @property
    def is_image(self) -> bool:
        return bool(self.file) and self.file.name.lower().rsplit(".", 1)[-1] in {
            "jpg",
            "jpeg",
            "png",
            "gif",
            "webp",
        }


class OnboardingApplication(OrgScopedModel):
    class Flow(models.TextChoices):
        MERCHANT = flows.MERCHANT_FLOW, _("Own staff (merchant or store)")
        MOBILE = flows.MOBILE_FLOW, _("Mobile staff")

    class Status(models.TextChoices):
        OPEN = "open", _("In progress")
        COMPLETED = "completed", _("Completed")
        CANCELLED = "cancelled", _("Cancelled")

    staff = models.ForeignKey(
        ServiceStaff,
        on_delete=models.CASCADE,
        related_name="applications",
        verbose_name=_("staff"),
    )
    flow = models.CharField(_("flow"), max_length=20, choices=Flow.choices)
    step = models.CharField(_("waiting at"), max_length=20, choices=flows.STEP_CHOICES)
    step_since = models.DateTimeField(_("waiting since"))
    status = models.CharField(
        _("status"), max_length=20, choices=Status.choices, default=Status.OPEN
    )
    completed_at = models.DateTimeField(_("completed at"), null=True, blank=True)

    class Meta:
        verbose_name = _("onboarding application")
        verbose_name_plural = _("onboarding applications")
        ordering = ["step_since"]
        constraints = [
            models.UniqueConstraint(
                fields=["staff"],
                condition=Q(status="open"),
                name="staff_one_open_application",
            )
        ]
        indexes = [models.Index(fields=["organisation", "status", "step"])]

    def __str__(self):
        return f"{self.staff} · {self.get_flow_display()}"

    @property
    def current_step(self) -> flows.Step | None:
        return flows.get_step(self.flow, self.step)


class OnboardingStep(OrgScopedModel):
    """One completed step of an application: who did it and when."""

    application = models.ForeignKey(
        OnboardingApplication,
        on_delete=models.CASCADE,
        related_name="done_steps",
        verbose_name=_("application"),
    )
    step = models.CharField(_("step"), max_length=20, choices=flows.STEP_CHOICES)
    entered_at = models.DateTimeField(_("waiting since"))
    done_at = models.DateTimeField(_("done at"))
    done_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        null=True,
        related_name="+",
        verbose_name=_("done by"),
    )
    note = models.CharField(_("note"), max_length=200, blank=True)

    class Meta:
        verbose_name = _("onboarding step")
        verbose_name_plural = _("onboarding steps")
        ordering = ["application", "done_at", "id"]
        constraints = [
            models.UniqueConstraint(fields=["application", "step"], name="onboarding_step_once")
        ]

    def __str__(self):
        return f"{self.application} · {self.get_step_display()}"


class WorkPermit(OrgScopedModel):
    class Status(models.TextChoices):
        VALID = "valid", _("Valid")
        SUSPENDED = "suspended", _("Suspended")
        REVOKED = "revoked", _("Revoked")
        EXPIRED = "expired", _("Expired")

    class SuspendReason(models.TextChoices):
        FINE_OVERDUE = "fine_overdue", _("fine overdue and unpaid")
        CONDUCT = "conduct", _("breach of the conduct rules")
        OTHER = "other", _("other reason")

    number = models.CharField(_("permit number"), max_length=30)
    staff = models.ForeignKey(
        ServiceStaff, on_delete=models.PROTECT, related_name="permits", verbose_name=_("holder")
    )
    kinds = models.JSONField(_("kinds of work allowed"), default=list)
    issued_on = models.DateField(_("issued on"))
    valid_until = models.DateField(_("valid until"))
    status = models.CharField(
        _("status"), max_length=20, choices=Status.choices, default=Status.VALID
    )
    suspend_reason = models.CharField(
        _("suspension reason"), max_length=20, choices=SuspendReason.choices, blank=True
    )
    status_note = models.CharField(_("status note"), max_length=200, blank=True)
    status_changed_at = models.DateTimeField(_("status changed at"), null=True, blank=True)
    issued_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        null=True,
        related_name="+",
        verbose_name=_("issued by"),
    )
    application = models.ForeignKey(
        OnboardingApplication,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="permits",
        verbose_name=_("application"),
    )

    class Meta:
        verbose_name = _("work permit")
        verbose_name_plural = _("work permits")
        ordering = ["-issued_on", "-id"]
        constraints = [
            models.UniqueConstraint(
                fields=["organisation", "number"], name="permit_number_unique_per_org"
            ),
            models.UniqueConstraint(
                fields=["staff"],
                condition=Q(status__in=["valid", "suspended"]),
                name="permit_one_current_per_staff",
            ),
            models.CheckConstraint(
                condition=Q(valid_until__gte=models.F("issued_on")),
                name="permit_valid_after_issue",
            ),
        ]
        indexes = [
            models.Index(fields=["status", "valid_until"]),
            models.Index(fields=["organisation", "status", "valid_until"]),
        ]

    def __str__(self):
        return self.number

    def kind_labels(self) -> list[str]:
        return [str(WorkKind(k).label) for k in self.kinds if k in WorkKind.values]


class FeeCharge(OrgScopedModel):
    """Money a staff member owes finance. Management fees recur monthly (one per month)."""

    class Kind(models.TextChoices):
        MANAGEMENT = "management", _("Management fee")
        DEPOSIT = "deposit", _("Deposit")
        UNIFORM = "uniform", _("Uniform fee")
        BADGE = "badge", _("Badge fee")
        OTHER = "other", _("Other fee")

    staff = models.ForeignKey(
        ServiceStaff, on_delete=models.PROTECT, related_name="charges", verbose_name=_("staff")
    )
    kind = models.CharField(_("kind"), max_length=20, choices=Kind.choices)
    amount = MoneyField(_("amount"), validators=[positive])
    period = models.DateField(
        _("month"), null=True, blank=True, help_text=_("First day of the month charged.")
    )
    description = models.CharField(_("description"), max_length=200, blank=True)
    application = models.ForeignKey(
        OnboardingApplication,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="charges",
        verbose_name=_("application"),
    )
    raised_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("raised by"),
    )
    paid_at = models.DateTimeField(_("paid at"), null=True, blank=True)

    class Meta:
        verbose_name = _("fee charge")
        verbose_name_plural = _("fee charges")
        ordering = ["-created_at", "-id"]
        constraints = [
            models.UniqueConstraint(
                fields=["staff", "kind", "period"],
                condition=Q(kind="management"),
                name="charge_one_management_fee_per_month",
            ),
            models.CheckConstraint(condition=Q(amount__gt=0), name="charge_amount_positive"),
            models.CheckConstraint(
                condition=~Q(kind="management") | Q(period__isnull=False),
                name="charge_management_has_period",
            ),
        ]
        indexes = [models.Index(fields=["organisation", "paid_at"])]

    def __str__(self):
        label = self.get_kind_display()
        if self.period:
            return f"{label} {self.period:%Y-%m}"
        return str(label)

    @property
    def is_paid(self) -> bool:
        return self.paid_at is not None


class Fine(OrgScopedModel):
    """A fine for a violation; due to finance within `StaffSettings.fine_due_hours`."""

    class Category(models.TextChoices):
        LATE = "late", _("Late or missed appointment")
        LANGUAGE = "language", _("Forbidden phrase or rude language")
        UNIFORM = "uniform", _("No uniform, badge or tools")
        CHARGING = "charging", _("Charging the customer without approval")
        CONDUCT = "conduct", _("Conduct in the customer's home")
        OTHER = "other", _("Other violation")

    class Status(models.TextChoices):
        UNPAID = "unpaid", _("Unpaid")
        PAID = "paid", _("Paid")

    staff = models.ForeignKey(
        ServiceStaff, on_delete=models.PROTECT, related_name="fines", verbose_name=_("staff")
    )
    category = models.CharField(_("category"), max_length=20, choices=Category.choices)
    description = models.TextField(_("description"))
    amount = MoneyField(_("amount"), validators=[positive])
    reported_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        null=True,
        related_name="+",
        verbose_name=_("reported by"),
    )
    occurred_at = models.DateTimeField(_("occurred at"))
    due_at = models.DateTimeField(_("due at"))
    evidence = models.FileField(
        _("evidence"),
        upload_to="staff/evidence/%Y/%m/",
        blank=True,
        validators=[FileExtensionValidator(UPLOAD_EXTENSIONS)],
    )
    evidence_note = models.CharField(_("evidence note"), max_length=200, blank=True)
    status = models.CharField(
        _("status"), max_length=20, choices=Status.choices, default=Status.UNPAID
    )
    paid_at = models.DateTimeField(_("paid at"), null=True, blank=True)

    class Meta:
        verbose_name = _("fine")
        verbose_name_plural = _("fines")
        ordering = ["-occurred_at", "-id"]
        constraints = [
            models.CheckConstraint(condition=Q(amount__gt=0), name="fine_amount_positive")
        ]
        indexes = [models.Index(fields=["status", "due_at"])]

    def __str__(self):
        return f"{self.staff} · {self.get_category_display()} · {self.amount}"


class Payment(OrgScopedModel):
    """Money received by finance for one charge or one fine, with its receipt number."""

    staff = models.ForeignKey(
        ServiceStaff, on_delete=models.PROTECT, related_name="payments", verbose_name=_("staff")
    )
    charge = models.OneToOneField(
        FeeCharge,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="payment",
        verbose_name=_("charge"),
    )
    fine = models.OneToOneField(
        Fine,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="payment",
        verbose_name=_("fine"),
    )
    amount = MoneyField(_("amount"), validators=[positive])
    receipt_no = models.CharField(_("receipt number"), max_length=40)
    paid_at = models.DateTimeField(_("paid at"))
    received_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        null=True,
        related_name="+",
        verbose_name=_("received by"),
    )

    class Meta:
        verbose_name = _("payment")
        verbose_name_plural = _("payments")
        ordering = ["-paid_at", "-id"]
        constraints = [
            models.UniqueConstraint(
                fields=["organisation", "receipt_no"], name="payment_receipt_unique_per_org"
            ),
            models.CheckConstraint(condition=Q(amount__gt=0), name="payment_amount_positive"),
            models.CheckConstraint(
                condition=(Q(charge__isnull=False) & Q(fine__isnull=True))
                | (Q(charge__isnull=True) & Q(fine__isnull=False)),
                name="payment_for_charge_or_fine",
            ),
        ]

    def __str__(self):
        return self.receipt_no


class DepositRefund(OrgScopedModel):
    """The deposit paid back when a staff member leaves."""

    charge = models.OneToOneField(
        FeeCharge, on_delete=models.PROTECT, related_name="refund", verbose_name=_("deposit")
    )
    staff = models.ForeignKey(
        ServiceStaff, on_delete=models.PROTECT, related_name="refunds", verbose_name=_("staff")
    )
    amount = MoneyField(_("amount"), validators=[positive])
    voucher_no = models.CharField(_("voucher number"), max_length=40)
    refunded_at = models.DateTimeField(_("refunded at"))
    refunded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        null=True,
        related_name="+",
        verbose_name=_("refunded by"),
    )

    class Meta:
        verbose_name = _("deposit refund")
        verbose_name_plural = _("deposit refunds")
        ordering = ["-refunded_at"]
        constraints = [
            models.UniqueConstraint(
                fields=["organisation", "voucher_no"], name="refund_voucher_unique_per_org"
            )
        ]

    def __str__(self):
        return self.voucher_no


class ConductRule(TimeStampedModel):
    """Reference content from seed 000 §三: service steps, forbidden phrases and what to say."""

    class Section(models.TextChoices):
        SERVICE_STEPS = "steps", _("Service steps")
        SPECIAL_CASES = "special", _("Special situations")
        LANGUAGE = "language", _("Language: what not to say and what to say instead")
        PREPARATION = "preparation", _("Before the visit")
        DURING = "during", _("During the service")
        AFTER = "after", _("After the service")

    section = models.CharField(_("section"), max_length=20, choices=Section.choices)
    position = models.PositiveSmallIntegerField(_("position"), default=0)
    text = models.TextField(
        _("text"), help_text=_("The rule, or for language rules the phrase not to use.")
    )
    instead = models.TextField(
        _("say instead"), blank=True, help_text=_("For a forbidden phrase: what to say instead.")
    )
    is_active = models.BooleanField(_("active"), default=True)

    class Meta:
        verbose_name = _("conduct rule")
        verbose_name_plural = _("conduct rules")
        ordering = ["section", "position", "id"]

    def __str__(self):
        return self.text[:60]


class TrainingSession(OrgScopedModel):
    class Kind(models.TextChoices):
        PRE_JOB = "pre_job", _("Pre-job training")
        PRODUCT = "product", _("Product knowledge")
        SKILLS = "skills", _("Service skills")
        CONDUCT = "conduct", _("Conduct and service standards")

    class RunBy(models.TextChoices):
        COMPANY = "company", _("Company")
        MERCHANT = "merchant", _("Merchant")

    title = models.CharField(_("title"), max_length=100)
    kind = models.CharField(_("kind"), max_length=20, choices=Kind.choices)
    run_by = models.CharField(_("run by"), max_length=20, choices=RunBy.choices)
    merchant = models.ForeignKey(
        "org.Merchant",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("merchant"),
    )
    starts_at = models.DateTimeField(_("starts at"))
    hours = models.DecimalField(_("hours"), max_digits=4, decimal_places=1, default=Decimal("2.0"))
    location = models.CharField(_("location"), max_length=100, blank=True)
    trainer = models.CharField(_("trainer"), max_length=50, blank=True)
    topics = models.TextField(_("topics"), blank=True)
    conduct_rules = models.ManyToManyField(
        ConductRule, blank=True, related_name="sessions", verbose_name=_("conduct rules taught")
    )
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        null=True,
        related_name="+",
        verbose_name=_("created by"),
    )

    class Meta:
        verbose_name = _("training session")
        verbose_name_plural = _("training sessions")
        ordering = ["-starts_at"]

    def __str__(self):
        return f"{self.title} {self.starts_at:%Y-%m-%d}"


class Attendance(OrgScopedModel):
    session = models.ForeignKey(
        TrainingSession,
        on_delete=models.CASCADE,
        related_name="attendances",
        verbose_name=_("session"),
    )
    staff = models.ForeignKey(
        ServiceStaff, on_delete=models.CASCADE, related_name="attendances", verbose_name=_("staff")
    )
    present = models.BooleanField(_("present"), default=True)
    note = models.CharField(_("note"), max_length=200, blank=True)

    class Meta:
        verbose_name = _("attendance")
        verbose_name_plural = _("attendances")
        ordering = ["session", "staff"]
        constraints = [models.UniqueConstraint(fields=["session", "staff"], name="attendance_once")]

    def __str__(self):
        return f"{self.session} · {self.staff}"


class Assessment(OrgScopedModel):
    class Kind(models.TextChoices):
        PRE_JOB = "pre_job", _("Pre-job assessment")
        PERIODIC = "periodic", _("Periodic assessment")

    staff = models.ForeignKey(
        ServiceStaff, on_delete=models.CASCADE, related_name="assessments", verbose_name=_("staff")
    )
    session = models.ForeignKey(
        TrainingSession,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="assessments",
        verbose_name=_("session"),
    )
    kind = models.CharField(_("kind"), max_length=20, choices=Kind.choices)
    assessed_on = models.DateField(_("assessed on"))
    score = models.PositiveSmallIntegerField(
        _("score"), validators=[MinValueValidator(0), MaxValueValidator(100)]
    )
    passed = models.BooleanField(_("passed"))
    assessor = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        null=True,
        related_name="+",
        verbose_name=_("assessor"),
    )
    note = models.CharField(_("note"), max_length=200, blank=True)

    class Meta:
        verbose_name = _("assessment")
        verbose_name_plural = _("assessments")
        ordering = ["-assessed_on", "-id"]
        constraints = [
            models.CheckConstraint(condition=Q(score__lte=100), name="assessment_score_max_100")
        ]

    def __str__(self):
        return f"{self.staff} · {self.get_kind_display()} · {self.score}"
