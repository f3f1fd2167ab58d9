"""Complaints, returns and exchanges (seed 004): the cases, their signatures, the approval rules
(处理权限) as configuration, causes, repair items at our cost, penalty notices, notifications and
the monthly statistics send log."""

from decimal import Decimal

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import models
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy
from simple_history.models import HistoricalRecords

from shouhou.core.models import OrgScopedModel, TimeStampedModel
from shouhou.org.roles import ROLES

from . import routing
from . import states as s
from .defaults import DEFAULT_STATISTICS_RECIPIENT_ROLES


def default_role_ranks() -> dict:
    return dict(routing.DEFAULT_RANK)


def default_statistics_recipient_roles() -> list:
    return list(DEFAULT_STATISTICS_RECIPIENT_ROLES)


class ComplaintSettings(TimeStampedModel):
    """Per-organisation numbers of the complaints app: the order of authority of the approving
    roles (a higher rank signs for a lower one) and who receives the monthly statistics."""

    organisation = models.OneToOneField(
        "org.Organisation",
        on_delete=models.CASCADE,
        related_name="complaint_settings",
        verbose_name=_("organisation"),
    )
    role_ranks = models.JSONField(
        _("ranks of the approving roles"),
        default=default_role_ranks,
        help_text=_(
            'Role code → rank, e.g. {"clerk": 1, "store_manager": 4}. Someone whose role ranks '
            "higher than a step's role may sign that step; a role not listed signs only its own."
        ),
    )
    statistics_recipient_roles = models.JSONField(
        _("monthly statistics go to"),
        default=default_statistics_recipient_roles,
        help_text=_("Role codes whose members receive the monthly complaint statistics."),
    )
    history = HistoricalRecords()

    class Meta:
        verbose_name = _("complaint settings")
        verbose_name_plural = _("complaint settings")

    def __str__(self):
        return str(self.organisation)

    def clean(self):
        super().clean()
        errors = {}
        ranks = self.role_ranks
        if not isinstance(ranks, dict) or not all(
            isinstance(v, int) and not isinstance(v, bool) and v > 0 for v in ranks.values()
        ):
            errors["role_ranks"] = _("A mapping of role codes to whole numbers above zero.")
        elif unknown := sorted(set(ranks) - set(ROLES)):
            errors["role_ranks"] = _("Unknown role codes: %(codes)s") % {
                "codes": ", ".join(unknown)
            }
        roles = self.statistics_recipient_roles
        if not isinstance(roles, list) or not all(isinstance(c, str) for c in roles):
            errors["statistics_recipient_roles"] = _("A list of role codes.")
        elif unknown := sorted(set(roles) - set(ROLES)):
            errors["statistics_recipient_roles"] = _("Unknown role codes: %(codes)s") % {
                "codes": ", ".join(unknown)
            }
        if errors:
            raise ValidationError(errors)


class Kind(models.TextChoices):
    COMPLAINT = s.COMPLAINT, pgettext_lazy("case", "Complaint")
    EXCHANGE = s.EXCHANGE, pgettext_lazy("case", "Exchange")
    RETURN = s.RETURN, pgettext_lazy("case", "Return")
    INSTALLED_EXCHANGE = (
        s.INSTALLED_EXCHANGE,
        pgettext_lazy("case", "Exchange of an installed product"),
    )


class Status(models.TextChoices):
    REGISTERED = s.REGISTERED, pgettext_lazy("case", "Registered")
    INSPECTING = s.INSPECTING, pgettext_lazy("case", "On-site inspection")
    AWAITING_APPROVAL = s.AWAITING_APPROVAL, pgettext_lazy("case", "Awaiting approval")
    APPROVED = s.APPROVED, pgettext_lazy("case", "Approved")
    CARRIED_OUT = s.CARRIED_OUT, pgettext_lazy("case", "Carried out")
    DONE = s.DONE, pgettext_lazy("case", "Done")
    REFUSED = s.REFUSED, pgettext_lazy("case", "Refused")


class Responsibility(models.TextChoices):
    UNDETERMINED = "", _("Not determined yet")
    SUPPLIER = "supplier", _("Supplier's product")
    CUSTOMER = "customer", _("Customer's own cause")
    WORKMANSHIP = "workmanship", _("Our workmanship")


class TriState(models.TextChoices):
    ANY = routing.ANY, _("any")
    YES = routing.YES, _("yes")
    NO = routing.NO, _("no")


class ComplaintCause(OrgScopedModel):
    """A category of complaint cause (顾客投诉因素分类)."""

    code = models.SlugField(_("code"), max_length=40)
    name = models.CharField(_("name"), max_length=100)
    order = models.PositiveSmallIntegerField(_("order"), default=100)
    is_active = models.BooleanField(_("active"), default=True)

    class Meta:
        verbose_name = _("complaint cause")
        verbose_name_plural = _("complaint causes")
        ordering = ["order", "name"]
        constraints = [
            models.UniqueConstraint(fields=["organisation", "code"], name="cause_code_unique")
        ]

    def __str__(self):
        return self.name


class ApprovalRule(OrgScopedModel):
    """Who must sign which case (处理权限). The first active rule by `order` that matches wins."""

    order = models.PositiveSmallIntegerField(_("order"), default=100)
    name = models.CharField(_("name"), max_length=120)
    kinds = models.JSONField(
        _("kinds of case"), default=list, blank=True, help_text=_("Empty: every kind.")
    )
    installed = models.CharField(
        _("installed goods"), max_length=3, choices=TriState.choices, default=routing.ANY
    )
    within_promises = models.CharField(
        _("within the promises"), max_length=3, choices=TriState.choices, default=routing.ANY
    )
    min_amount = models.DecimalField(
        _("amount above (exclusive)"), max_digits=12, decimal_places=2, null=True, blank=True
    )
    max_amount = models.DecimalField(
        _("amount up to (inclusive)"), max_digits=12, decimal_places=2, null=True, blank=True
    )
    approver_roles = models.JSONField(
        _("approvers in order"),
        default=list,
        help_text=_("Role codes that sign in this order; the later ones countersign."),
    )
    is_active = models.BooleanField(_("active"), default=True)
    history = HistoricalRecords()

    class Meta:
        verbose_name = _("approval rule")
        verbose_name_plural = _("approval rules")
        ordering = ["order", "id"]

    def __str__(self):
        return self.name

    def as_route(self) -> routing.Route:
        return routing.Route(
            name=self.name,
            approver_roles=tuple(self.approver_roles or ()),
            order=self.order,
            kinds=tuple(self.kinds or ()),
            installed=self.installed,
            within_promises=self.within_promises,
            min_amount=self.min_amount,
            max_amount=self.max_amount,
            pk=self.pk,
        )


class Case(OrgScopedModel):
    """One complaint, exchange, return or exchange of an installed product."""

    number = models.CharField(_("number"), max_length=30, blank=True, db_index=True)
    kind = models.CharField(_("kind"), max_length=20, choices=Kind.choices)
    status = models.CharField(
        _("status"), max_length=20, choices=Status.choices, default=s.REGISTERED
    )
    customer = models.ForeignKey(
        "customers.Customer", on_delete=models.PROTECT, related_name="+", verbose_name=_("customer")
    )
    contract = models.ForeignKey(
        "sales.Contract",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("contract"),
    )
    product = models.ForeignKey(
        "catalog.Product",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("product"),
    )
    store = models.ForeignKey(
        "org.Store",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("store"),
    )
    decision = models.ForeignKey(
        "promises.PromiseDecision",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("promise decision"),
    )
    work_order = models.ForeignKey(
        "workorders.WorkOrder",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("work order"),
        help_text=_(
            "The order the complaint is about (it counts against that order's technician)."
        ),
    )
    inspection_order = models.ForeignKey(
        "workorders.WorkOrder",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("inspection order"),
    )
    # One problem, one case (issue 16.9): the fault complained about, and the case that joins
    # this complaint, return or exchange to the repairs of the same fault of the same product.
    fault = models.ForeignKey(
        "customers.FaultCategory",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("fault"),
    )
    service_case = models.ForeignKey(
        "customers.ServiceCase",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("service case"),
    )
    description = models.TextField(_("what the customer says"))
    demand = models.CharField(_("customer's demand"), max_length=200, blank=True)
    cause = models.ForeignKey(
        ComplaintCause,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="cases",
        verbose_name=_("cause category"),
    )
    responsibility = models.CharField(
        _("responsibility"), max_length=20, choices=Responsibility.choices, blank=True
    )
    findings = models.TextField(_("findings"), blank=True)
    supplier = models.ForeignKey(
        "catalog.Supplier",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("supplier"),
    )
    supplier_notified_at = models.DateTimeField(_("supplier notified at"), null=True, blank=True)
    supplier_claim_amount = models.DecimalField(
        _("claim back to the supplier"), max_digits=12, decimal_places=2, null=True, blank=True
    )
    installed = models.BooleanField(_("installed goods"), default=False)
    within_promises = models.BooleanField(_("within the promises"), default=False)
    resolution = models.TextField(_("proposed resolution"), blank=True)
    compensation = models.DecimalField(
        _("extra compensation"), max_digits=12, decimal_places=2, default=Decimal("0.00")
    )
    rework_goods = models.DecimalField(
        _("goods for rework"), max_digits=12, decimal_places=2, default=Decimal("0.00")
    )
    amount = models.DecimalField(
        _("total cost"), max_digits=12, decimal_places=2, default=Decimal("0.00")
    )
    route_name = models.CharField(_("approval rule"), max_length=120, blank=True)
    route_roles = models.JSONField(_("approvers in order"), default=list, blank=True)
    current_step = models.PositiveSmallIntegerField(_("next signature"), default=0)
    refused_reason = models.TextField(_("reason for refusing"), blank=True)
    registered_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        null=True,
        related_name="+",
        verbose_name=_("registered by"),
    )
    submitted_at = models.DateTimeField(_("submitted at"), null=True, blank=True)
    approved_at = models.DateTimeField(_("approved at"), null=True, blank=True)
    carried_out_at = models.DateTimeField(_("carried out at"), null=True, blank=True)
    closed_at = models.DateTimeField(_("closed at"), null=True, blank=True)

    class Meta:
        verbose_name = _("case")
        verbose_name_plural = _("cases")
        ordering = ["-created_at", "-id"]
        indexes = [
            models.Index(fields=["organisation", "status"], name="case_status_idx"),
            models.Index(fields=["organisation", "created_at"], name="case_created_idx"),
        ]
        constraints = [
            models.CheckConstraint(condition=models.Q(amount__gte=0), name="case_amount_gte_0"),
            models.CheckConstraint(
                condition=models.Q(compensation__gte=0), name="case_compensation_gte_0"
            ),
            models.CheckConstraint(
                condition=models.Q(rework_goods__gte=0), name="case_rework_gte_0"
            ),
        ]

    def __str__(self):
        return self.number or f"#{self.pk}"

    @property
    def later_roles(self) -> tuple:
        return tuple((self.route_roles or [])[self.current_step + 1 :])

    @property
    def current_role(self) -> str:
        roles = self.route_roles or []
        if self.status == s.AWAITING_APPROVAL and self.current_step < len(roles):
            return roles[self.current_step]
        return ""


class Signature(OrgScopedModel):
    """One approver's signature on a case (step n of its route)."""

    class Verdict(models.TextChoices):
        APPROVED = "approved", _("Approved")
        REJECTED = "rejected", _("Rejected")

    case = models.ForeignKey(
        Case, on_delete=models.CASCADE, related_name="signatures", verbose_name=_("case")
    )
    step = models.PositiveSmallIntegerField(_("step"))
    role = models.CharField(_("role"), max_length=40)
    verdict = models.CharField(_("verdict"), max_length=10, choices=Verdict.choices)
    signed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+", verbose_name=_("by")
    )
    note = models.TextField(_("note"), blank=True)

    class Meta:
        verbose_name = _("signature")
        verbose_name_plural = _("signatures")
        ordering = ["case", "step"]
        constraints = [
            models.UniqueConstraint(fields=["case", "step"], name="signature_one_per_step"),
        ]

    def __str__(self):
        return f"{self.case} #{self.step} {self.role}"

    @property
    def role_label(self) -> str:
        return str(ROLES.get(self.role, self.role))


class RepairItem(OrgScopedModel):
    """An item repaired at our cost when the workmanship was ours (范文4: items, quantity, cost)."""

    case = models.ForeignKey(
        Case, on_delete=models.CASCADE, related_name="repair_items", verbose_name=_("case")
    )
    item = models.CharField(_("item"), max_length=100)
    quantity = models.DecimalField(_("quantity"), max_digits=10, decimal_places=2)
    unit_cost = models.DecimalField(_("unit cost"), max_digits=12, decimal_places=2)
    cost = models.DecimalField(_("cost"), max_digits=12, decimal_places=2)

    class Meta:
        verbose_name = _("repair item")
        verbose_name_plural = _("repair items")
        ordering = ["id"]

    def __str__(self):
        return f"{self.item} × {self.quantity}"


class PenaltyNotice(OrgScopedModel):
    """A penalty notice (处罚单) for a member of staff at fault."""

    case = models.ForeignKey(
        Case, on_delete=models.PROTECT, related_name="penalties", verbose_name=_("case")
    )
    person = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        related_name="+",
        verbose_name=_("person"),
    )
    reason = models.TextField(_("reason"))
    amount = models.DecimalField(
        _("amount"), max_digits=12, decimal_places=2, default=Decimal("0.00")
    )
    issued_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        related_name="+",
        verbose_name=_("issued by"),
    )

    class Meta:
        verbose_name = _("penalty notice")
        verbose_name_plural = _("penalty notices")
        ordering = ["-created_at"]

    def __str__(self):
        return f"{self.case} {self.person}"


class Notification(models.Model):
    """An in-app message to one user (the monthly statistics, approvals waiting)."""

    recipient = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.CASCADE,
        related_name="+",
        verbose_name=_("recipient"),
    )
    title = models.CharField(_("title"), max_length=200)
    body = models.TextField(_("body"), blank=True)
    url = models.CharField(_("link"), max_length=300, blank=True)
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)
    read_at = models.DateTimeField(_("read at"), null=True, blank=True)

    class Meta:
        verbose_name = _("notification")
        verbose_name_plural = _("notifications")
        ordering = ["-created_at", "-id"]
        indexes = [models.Index(fields=["recipient", "read_at"], name="notification_unread_idx")]

    def __str__(self):
        return self.title


class MonthlyStatisticsSend(OrgScopedModel):
    """One send of a month's statistics per organisation (the job's idempotency row)."""

    month = models.DateField(_("month"))
    recipients = models.PositiveIntegerField(_("recipients"), default=0)

    class Meta:
        verbose_name = _("monthly statistics sent")
        verbose_name_plural = _("monthly statistics sent")
        constraints = [
            models.UniqueConstraint(
                fields=["organisation", "month"], name="statistics_send_once_per_month"
            )
        ]

    def __str__(self):
        return f"{self.organisation} {self.month:%Y-%m}"
