"""Customers and their archives (客户档案): phones, addresses, products owned, and the service
cases that join the records about one problem of one of their products."""

from django.conf import settings
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from simple_history.models import HistoricalRecords

from shouhou.core.models import OrgScopedModel, OrgSettings


class Customer(OrgScopedModel):
    class Gender(models.TextChoices):
        UNKNOWN = "", _("Unknown")
        MALE = "m", _("Male")
        FEMALE = "f", _("Female")

    name = models.CharField(_("name"), max_length=50)
    name_is_full = models.BooleanField(
        _("full name known"),
        default=True,
        help_text=_("False when only a surname with an honorific (李先生) was given."),
    )
    gender = models.CharField(_("gender"), max_length=1, choices=Gender.choices, blank=True)
    mobile = models.CharField(
        _("mobile"), max_length=20, db_index=True, help_text=_("11-digit mainland mobile number.")
    )
    birthday = models.DateField(_("birthday"), null=True, blank=True)
    preferences = models.TextField(_("preferences"), blank=True)
    is_member = models.BooleanField(_("member"), default=False)
    member_no = models.CharField(_("member number"), max_length=30, blank=True)
    store = models.ForeignKey(
        "org.Store",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="customers",
        verbose_name=_("store"),
    )
    merchant = models.ForeignKey(
        "org.Merchant",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="customers",
        verbose_name=_("merchant"),
        help_text=_("The merchant that registered this customer."),
    )
    notes = models.TextField(_("notes"), blank=True)
    archive_completed_at = models.DateTimeField(_("archive completed at"), null=True, blank=True)
    archive_due_at = models.DateTimeField(
        _("archive due at"),
        null=True,
        blank=True,
        db_index=True,
        help_text=_(
            "When the archive should be complete: the organisation's archive days "
            "after the customer was registered, counted in working days."
        ),
    )
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("created by"),
    )

    class Meta:
        verbose_name = _("customer")
        verbose_name_plural = _("customers")
        ordering = ["-created_at", "-id"]
        constraints = [
            # One customer per mobile in an organisation: a second call finds the first.
            models.UniqueConstraint(
                fields=["organisation", "mobile"], name="customer_mobile_unique_per_org"
            ),
        ]

    def __str__(self):
        return self.name

    @property
    def default_address(self):
        # Uses the prefetched addresses when a selector loaded them.
        addresses = list(self.addresses.all())
        return next((a for a in addresses if a.is_default), addresses[0] if addresses else None)

    @property
    def archive_is_complete(self) -> bool:
        return self.archive_completed_at is not None

    @property
    def archive_overdue(self) -> bool:
        """Not completed and past its due time (DOMAIN.md §2: within N days of the first contact)."""
        return (
            self.archive_completed_at is None
            and self.archive_due_at is not None
            and self.archive_due_at < timezone.now()
        )


class CustomerPhone(OrgScopedModel):
    """Other numbers a customer can be reached on (landline, a relative's mobile)."""

    customer = models.ForeignKey(
        Customer, on_delete=models.CASCADE, related_name="phones", verbose_name=_("customer")
    )
    number = models.CharField(_("number"), max_length=20, db_index=True)
    label = models.CharField(_("label"), max_length=30, blank=True)

    class Meta:
        verbose_name = _("customer phone")
        verbose_name_plural = _("customer phones")
        constraints = [
            models.UniqueConstraint(fields=["customer", "number"], name="customer_phone_unique"),
            # A number belongs to one customer of an organisation (a second call finds the first).
            models.UniqueConstraint(
                fields=["organisation", "number"], name="customer_phone_unique_per_org"
            ),
        ]

    def __str__(self):
        return self.number


class CustomerAddress(OrgScopedModel):
    customer = models.ForeignKey(
        Customer, on_delete=models.CASCADE, related_name="addresses", verbose_name=_("customer")
    )
    label = models.CharField(_("label"), max_length=30, blank=True)
    province = models.CharField(_("province"), max_length=30, blank=True)
    city = models.CharField(_("city"), max_length=30, blank=True)
    district = models.CharField(_("district"), max_length=30)
    detail = models.CharField(_("street and number"), max_length=200)
    is_default = models.BooleanField(_("default"), default=True)

    class Meta:
        verbose_name = _("customer address")
        verbose_name_plural = _("customer addresses")
        ordering = ["-is_default", "id"]

    def __str__(self):
        return f"{self.province}{self.city}{self.district}{self.detail}"


class OwnedProduct(OrgScopedModel):
    """A product the customer owns: from a contract line, or entered on a callback or repair."""

    customer = models.ForeignKey(
        Customer, on_delete=models.CASCADE, related_name="products", verbose_name=_("customer")
    )
    product = models.ForeignKey(
        "catalog.Product",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("product"),
    )
    model = models.ForeignKey(
        "catalog.ProductModel",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("model"),
    )
    description = models.CharField(_("description"), max_length=200, blank=True)
    quantity = models.PositiveIntegerField(_("quantity"), default=1)
    contract_line = models.ForeignKey(
        "sales.ContractLine",
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("contract line"),
    )
    purchased_on = models.DateField(_("purchased on"), null=True, blank=True)
    installed_on = models.DateField(_("installed on"), null=True, blank=True)
    warranty_until = models.DateField(_("warranty until"), null=True, blank=True)
    serial_no = models.CharField(_("serial number"), max_length=60, blank=True)

    class Meta:
        verbose_name = _("product owned")
        verbose_name_plural = _("products owned")
        ordering = ["-purchased_on", "-id"]
        indexes = [
            # The header's search by serial number (issue 22.1).
            models.Index(
                fields=["organisation", "serial_no"],
                name="owned_serial",
                condition=~models.Q(serial_no=""),
            )
        ]
        constraints = [
            # Recording a contract line twice (a retried contract save) keeps one row.
            models.UniqueConstraint(
                fields=["contract_line"],
                condition=models.Q(contract_line__isnull=False),
                name="owned_product_one_per_contract_line",
            )
        ]

    def __str__(self):
        return self.description or str(self.model or self.product or "")


class CustomerSettings(OrgSettings):
    """Per-organisation numbers of the customers app."""

    organisation = models.OneToOneField(
        "org.Organisation",
        on_delete=models.CASCADE,
        related_name="customer_settings",
        verbose_name=_("organisation"),
    )
    case_window_days = models.PositiveSmallIntegerField(
        _("same problem within (days)"),
        default=30,
        help_text=_(
            "A repair request, complaint or return about the same fault of the same product of "
            "the same customer joins the earlier one's case when it comes within this many "
            "calendar days of the case's latest record (0: never join)."
        ),
    )
    history = HistoricalRecords()

    class Meta:
        verbose_name = _("customer settings")
        verbose_name_plural = _("customer settings")

    def __str__(self):
        return str(self.organisation)


class FaultTier(models.TextChoices):
    """The group of faults a response tier is chosen by (seed 002 3.2.2 / 3.2.3: body faults
    are answered by distance, chassis and engine faults reported to marketing in writing).
    Blank: the fault names no tier (the ordinary policy)."""

    BODY = "body", _("Body fault (车身故障)")
    CHASSIS_ENGINE = "chassis_engine", _("Chassis or engine fault (底盘发动机故障)")
    OTHER = "other", _("Other fault")


class FaultCategory(OrgScopedModel):
    """What is wrong with a product (故障类别), as the desk classifies it at intake: the key that
    tells one problem of a product from another, and (its `tier`) the response tier's fault
    group, so the desk picks the fault once."""

    code = models.SlugField(_("code"), max_length=40)
    name = models.CharField(_("name"), max_length=100)
    tier = models.CharField(
        _("response tier group"),
        max_length=20,
        choices=FaultTier.choices,
        blank=True,
        help_text=_("Chooses the response tier of an order with this fault (seed 002)."),
    )
    order = models.PositiveSmallIntegerField(_("order"), default=100)
    is_active = models.BooleanField(_("active"), default=True)

    class Meta:
        verbose_name = _("fault category")
        verbose_name_plural = _("fault categories")
        ordering = ["order", "name"]
        constraints = [
            models.UniqueConstraint(fields=["organisation", "code"], name="fault_code_unique")
        ]

    def __str__(self):
        return self.name


class ServiceCase(OrgScopedModel):
    """One problem (一个问题一个案): the same fault of the same product of one customer. Every
    work order, complaint, exchange or return about it points here, so the history is read in
    one place and the problem is counted once (`repeat_count`: the records after the first)."""

    customer = models.ForeignKey(
        Customer,
        on_delete=models.PROTECT,
        related_name="service_cases",
        verbose_name=_("customer"),
        db_index=False,  # svc_case_match (customer, product, fault, last_at) serves it
    )
    product = models.ForeignKey(
        "catalog.Product", on_delete=models.PROTECT, related_name="+", verbose_name=_("product")
    )
    owned_product = models.ForeignKey(
        OwnedProduct,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="service_cases",
        verbose_name=_("product owned"),
        help_text=_("The customer's unit (its serial number), once a record names it."),
    )
    fault = models.ForeignKey(
        FaultCategory, on_delete=models.PROTECT, related_name="+", verbose_name=_("fault")
    )
    first_kind = models.CharField(_("first record"), max_length=30)
    opened_at = models.DateTimeField(_("opened at"))
    last_at = models.DateTimeField(_("latest record at"))
    repeat_count = models.PositiveIntegerField(
        _("repeats"), default=0, help_text=_("Records about the problem after the first.")
    )

    class Meta:
        verbose_name = _("service case")
        verbose_name_plural = _("service cases")
        ordering = ["-last_at", "-id"]
        indexes = [
            models.Index(fields=["customer", "product", "fault", "last_at"], name="svc_case_match"),
        ]

    def __str__(self):
        return f"#{self.pk} {self.fault}"
