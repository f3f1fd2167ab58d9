"""Recurring work: maintenance plans and their visits, the service steps of a visit, duty
checklists per role.

Deadlines are stored on the row (`next_due_on`, `due_on`) so the jobs are index scans; every
generated row has a unique key so a rerun of a job creates nothing twice.
"""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from shouhou.core.models import OrgScopedModel, OrgSettings


class MaintenanceSettings(OrgSettings):
    """The business numbers of maintenance plans (seed 002 工程回访及保修 / 工程方案)."""

    organisation = models.OneToOneField(
        "org.Organisation",
        on_delete=models.CASCADE,
        related_name="maintenance_settings",
        verbose_name=_("organisation"),
    )
    lead_working_days = models.PositiveSmallIntegerField(
        _("issue the order this many working days ahead"),
        default=5,
        help_text=_("提前派单: the work order of a visit is created this many working days early."),
    )
    interval_months = models.PositiveSmallIntegerField(
        _("default interval in months"),
        default=6,
        help_text=_("At least two follow-up visits a year during the warranty."),
    )
    warranty_months = models.PositiveSmallIntegerField(
        _("default warranty in months"), default=24, help_text=_("Two years of free service.")
    )
    overdue_after_working_days = models.PositiveSmallIntegerField(
        _("a visit is overdue this many working days after its due date"), default=0
    )
    orders_per_run = models.PositiveIntegerField(
        _("work orders issued per job run at most"), default=500
    )

    class Meta:
        verbose_name = _("maintenance settings")
        verbose_name_plural = _("maintenance settings")


class Asset(OrgScopedModel):
    """An installed product or a project site that is maintained (回访维修卡)."""

    class Kind(models.TextChoices):
        PRODUCT = "product", _("Installed product")
        PROJECT = "project", _("Project site")

    kind = models.CharField(_("kind"), max_length=20, choices=Kind.choices, default=Kind.PRODUCT)
    name = models.CharField(_("name"), max_length=120)
    customer = models.ForeignKey(
        "customers.Customer",
        on_delete=models.PROTECT,
        related_name="+",
        verbose_name=_("customer"),
    )
    owned_product = models.ForeignKey(
        "customers.OwnedProduct",
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("product owned"),
    )
    product = models.ForeignKey(
        "catalog.Product",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("product"),
    )
    contract = models.ForeignKey(
        "sales.Contract",
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("contract"),
    )
    store = models.ForeignKey(
        "org.Store",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("store"),
    )
    serial_no = models.CharField(_("serial number"), max_length=60, blank=True)
    location = models.CharField(_("location"), max_length=200, blank=True)
    installed_on = models.DateField(_("installed on"), null=True, blank=True)
    accepted_on = models.DateField(_("accepted on"), null=True, blank=True)
    warranty_until = models.DateField(_("warranty until"), null=True, blank=True)

    class Meta:
        verbose_name = _("maintained asset")
        verbose_name_plural = _("maintained assets")
        ordering = ["name", "id"]
        constraints = [
            models.UniqueConstraint(
                fields=["organisation", "serial_no"],
                condition=~Q(serial_no=""),
                name="maintenance_asset_serial_unique_per_org",
            )
        ]

    def __str__(self):
        return f"{self.name} {self.serial_no}".strip()


class Plan(OrgScopedModel):
    class Kind(models.TextChoices):
        WARRANTY = "warranty", _("Free service during the warranty")
        PAID = "paid", _("Paid maintenance contract")

    class Status(models.TextChoices):
        ACTIVE = "active", pgettext_lazy("plan status", "Active")
        ENDED = "ended", pgettext_lazy("plan status", "Ended")
        RENEWED = "renewed", _("Renewed")
        CANCELLED = "cancelled", pgettext_lazy("plan status", "Cancelled")

    asset = models.ForeignKey(
        Asset, on_delete=models.PROTECT, related_name="plans", verbose_name=_("asset")
    )
    kind = models.CharField(_("kind"), max_length=20, choices=Kind.choices, default=Kind.WARRANTY)
    status = models.CharField(
        _("status"), max_length=20, choices=Status.choices, default=Status.ACTIVE
    )
    tasks = models.JSONField(
        _("maintenance tasks"), default=list, help_text=_("The checklist of each visit.")
    )
    interval_months = models.PositiveSmallIntegerField(_("every N months"), null=True, blank=True)
    fixed_dates = models.JSONField(
        _("fixed dates"),
        default=list,
        blank=True,
        help_text=_("ISO dates, instead of an interval."),
    )
    starts_on = models.DateField(_("starts on"))
    ends_on = models.DateField(_("ends on"), help_text=_("The warranty or contract end."))
    next_due_on = models.DateField(_("next visit due"), null=True, blank=True)
    lead_working_days = models.PositiveSmallIntegerField(
        _("issue the order N working days ahead"),
        null=True,
        blank=True,
        help_text=_("Empty: the organisation's setting."),
    )
    team = models.ForeignKey(
        "org.Department",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("team"),
    )
    technician = models.ForeignKey(
        "staff.ServiceStaff",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("technician"),
    )
    owner = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        related_name="+",
        verbose_name=_("responsible"),
        help_text=_("The service manager in whose name the orders are issued."),
    )
    fee = models.DecimalField(_("contract fee"), max_digits=10, decimal_places=2, default=0)
    renewed_from = models.OneToOneField(
        "self",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="renewal",
        verbose_name=_("renewal of"),
    )
    note = models.TextField(_("note"), blank=True)

    class Meta:
        verbose_name = _("maintenance plan")
        verbose_name_plural = _("maintenance plans")
        ordering = ["next_due_on", "id"]
        indexes = [models.Index(fields=["organisation", "status", "next_due_on"])]
        constraints = [
            models.CheckConstraint(
                condition=Q(ends_on__gte=models.F("starts_on")), name="maintenance_plan_ends_after"
            )
        ]

    def __str__(self):
        return f"{self.asset} #{self.pk}"


class Visit(OrgScopedModel):
    """One visit of a plan; the job writes it (once per plan and due date) and issues its order."""

    class Status(models.TextChoices):
        PLANNED = "planned", _("Planned")
        ORDERED = "ordered", _("Order issued")
        DONE = "done", pgettext_lazy("visit status", "Done")
        SKIPPED = "skipped", pgettext_lazy("visit status", "Skipped")

    plan = models.ForeignKey(Plan, on_delete=models.CASCADE, related_name="visits")
    due_on = models.DateField(_("due on"))
    status = models.CharField(
        _("status"), max_length=20, choices=Status.choices, default=Status.PLANNED
    )
    order = models.OneToOneField(
        "workorders.WorkOrder",
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="maintenance_visit",
        verbose_name=_("work order"),
    )
    ordered_at = models.DateTimeField(_("order issued at"), null=True, blank=True)
    issue_error = models.CharField(_("why no order"), max_length=200, blank=True)
    done_on = models.DateField(_("visited on"), null=True, blank=True)
    skipped_reason = models.CharField(_("why skipped"), max_length=200, blank=True)

    class Meta:
        verbose_name = _("maintenance visit")
        verbose_name_plural = _("maintenance visits")
        ordering = ["due_on", "id"]
        constraints = [
            models.UniqueConstraint(fields=["plan", "due_on"], name="maintenance_visit_once")
        ]
        indexes = [models.Index(fields=["organisation", "status", "due_on"])]

    def __str__(self):
        return f"{self.plan} {self.due_on}"


class ServiceStepRule(OrgScopedModel):
    """Which of the service steps (seed 000 服务步骤) apply to a kind of work, and which are
    required before the customer signs. `work_kind` empty: every kind without its own rules."""

    work_kind = models.CharField(_("kind of work"), max_length=20, blank=True)
    step = models.CharField(_("step"), max_length=30)
    required = models.BooleanField(_("required before signing"), default=True)
    position = models.PositiveSmallIntegerField(_("position"), default=0)

    class Meta:
        verbose_name = _("service step rule")
        verbose_name_plural = _("service step rules")
        ordering = ["work_kind", "position", "id"]
        constraints = [
            models.UniqueConstraint(
                fields=["organisation", "work_kind", "step"], name="maintenance_step_rule_once"
            )
        ]

    def __str__(self):
        return f"{self.work_kind or '*'}: {self.step}"


class CustomerCheck(OrgScopedModel):
    """The customer's own check of the result (顾客检查), kept with the signature."""

    order = models.OneToOneField(
        "workorders.WorkOrder", on_delete=models.CASCADE, related_name="customer_check"
    )
    satisfied = models.BooleanField(_("the customer is satisfied with the result"))
    note = models.TextField(_("what the customer said"), blank=True)
    checked_at = models.DateTimeField(_("checked at"))
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    signed_at = models.DateTimeField(_("signed at"), null=True, blank=True)

    class Meta:
        verbose_name = _("customer's check")
        verbose_name_plural = _("customer's checks")

    def __str__(self):
        return str(self.order_id)


class DutyTemplate(OrgScopedModel):
    """A checklist of a role for a period (seed 004 每日/每周/每月工作要求)."""

    class Period(models.TextChoices):
        DAILY = "daily", _("Daily")
        WEEKLY = "weekly", _("Weekly")
        MONTHLY = "monthly", _("Monthly")

    role = models.CharField(_("role"), max_length=40)
    period = models.CharField(_("period"), max_length=10, choices=Period.choices)
    title = models.CharField(_("title"), max_length=120)
    store = models.ForeignKey(
        "org.Store",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("store"),
        help_text=_("Empty: every store."),
    )
    is_active = models.BooleanField(_("active"), default=True)

    class Meta:
        verbose_name = _("duty checklist template")
        verbose_name_plural = _("duty checklist templates")
        ordering = ["role", "period", "id"]
        constraints = [
            models.UniqueConstraint(
                fields=["organisation", "role", "period", "title"], name="maintenance_duty_tpl_once"
            )
        ]

    def __str__(self):
        return self.title


class DutyTemplateItem(OrgScopedModel):
    template = models.ForeignKey(DutyTemplate, on_delete=models.CASCADE, related_name="items")
    text = models.CharField(_("duty"), max_length=200)
    section = models.CharField(_("section"), max_length=40, blank=True)
    auto_check = models.CharField(
        _("checked by the system"),
        max_length=60,
        blank=True,
        help_text=_("Key of a registered automatic check."),
    )
    link = models.CharField(_("page where it is done"), max_length=200, blank=True)
    position = models.PositiveSmallIntegerField(_("position"), default=0)

    class Meta:
        verbose_name = _("duty")
        verbose_name_plural = _("duties")
        ordering = ["template", "position", "id"]

    def __str__(self):
        return self.text


class DutyList(OrgScopedModel):
    """One person's checklist for one day, week or month at one store."""

    template = models.ForeignKey(DutyTemplate, on_delete=models.CASCADE, related_name="lists")
    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+")
    store = models.ForeignKey(
        "org.Store", on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    period_start = models.DateField(_("period starts"))
    period_end = models.DateField(_("period ends"))

    class Meta:
        verbose_name = _("duty checklist")
        verbose_name_plural = _("duty checklists")
        ordering = ["-period_start", "id"]
        constraints = [
            models.UniqueConstraint(
                fields=["template", "user", "period_start"], name="maintenance_duty_list_once"
            )
        ]
        indexes = [models.Index(fields=["organisation", "period_start"])]

    def __str__(self):
        return f"{self.template} {self.period_start}"


class DutyItem(OrgScopedModel):
    duty_list = models.ForeignKey(DutyList, on_delete=models.CASCADE, related_name="items")
    template_item = models.ForeignKey(DutyTemplateItem, on_delete=models.CASCADE, related_name="+")
    text = models.CharField(_("duty"), max_length=200)
    auto_check = models.CharField(max_length=60, blank=True)
    link = models.CharField(max_length=200, blank=True)
    position = models.PositiveSmallIntegerField(default=0)
    done_at = models.DateTimeField(_("done at"), null=True, blank=True)
    done_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("done by"),
    )
    by_system = models.BooleanField(_("checked by the system"), default=False)
    note = models.CharField(_("note"), max_length=300, blank=True)
    photo = models.ImageField(_("photo"), upload_to="duties/%Y/%m/", blank=True)

    class Meta:
        verbose_name = _("duty item")
        verbose_name_plural = _("duty items")
        ordering = ["duty_list", "position", "id"]
        constraints = [
            models.UniqueConstraint(
                fields=["duty_list", "template_item"], name="maintenance_duty_item_once"
            )
        ]

    def __str__(self):
        return self.text
