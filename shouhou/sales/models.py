"""Sales contracts (销售合同清单): lines, payment, balance due (尾款), delivery date and address."""

from decimal import Decimal

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _
from simple_history.models import HistoricalRecords

from shouhou.core.models import OrgScopedModel, OrgSettings


class SalesSettings(OrgSettings):
    """Per-organisation settings of sales contracts, editable in the admin with history."""

    organisation = models.OneToOneField(
        "org.Organisation",
        on_delete=models.CASCADE,
        related_name="sales_settings",
        verbose_name=_("organisation"),
    )
    contract_number_prefix = models.CharField(
        _("contract number prefix"),
        max_length=10,
        default="HT",
        help_text=_("Contract numbers read <prefix><year>-<sequence>, e.g. HT2026-000123."),
    )
    delivery_soon_days = models.PositiveSmallIntegerField(
        _("deliveries soon (days)"),
        default=7,
        help_text=_("The dashboard lists deliveries due within this many days."),
    )
    history = HistoricalRecords()

    class Meta:
        verbose_name = _("sales settings")
        verbose_name_plural = _("sales settings")

    def __str__(self):
        return str(self.organisation)


class ContractNumberSequence(OrgScopedModel):
    """The last contract number given out per organisation and year (row-locked when used)."""

    year = models.PositiveSmallIntegerField(_("year"))
    last = models.PositiveIntegerField(_("last number"), default=0)

    class Meta:
        verbose_name = _("contract number sequence")
        verbose_name_plural = _("contract number sequences")
        constraints = [
            models.UniqueConstraint(
                fields=["organisation", "year"], name="contract_sequence_unique_per_year"
            )
        ]

    def __str__(self):
        return f"{self.year}: {self.last}"


class PaymentMethod(models.TextChoices):
    CASH = "cash", _("Cash")
    CARD = "card", _("Bank card")
    WECHAT = "wechat", _("WeChat Pay")
    ALIPAY = "alipay", _("Alipay")
    TRANSFER = "transfer", _("Bank transfer")
    OTHER = "other", _("Other")


class Contract(OrgScopedModel):
    class Status(models.TextChoices):
        DRAFT = "draft", _("Draft")
        CONFIRMED = "confirmed", _("Confirmed")
        DELIVERED = "delivered", _("Delivered")
        CANCELLED = "cancelled", _("Cancelled")

    number = models.CharField(_("contract number"), max_length=40)
    customer = models.ForeignKey(
        "customers.Customer",
        on_delete=models.PROTECT,
        related_name="contracts",
        verbose_name=_("customer"),
    )
    store = models.ForeignKey(
        "org.Store", on_delete=models.PROTECT, related_name="contracts", verbose_name=_("store")
    )
    merchant = models.ForeignKey(
        "org.Merchant",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="contracts",
        verbose_name=_("merchant"),
    )
    salesperson = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("salesperson"),
    )
    status = models.CharField(
        _("status"), max_length=20, choices=Status.choices, default=Status.CONFIRMED
    )
    signed_on = models.DateField(_("signed on"))
    delivery_date = models.DateField(_("agreed delivery date"), null=True, blank=True)
    delivery_district = models.CharField(_("delivery district"), max_length=30, blank=True)
    delivery_address = models.CharField(_("delivery address"), max_length=200, blank=True)
    total = models.DecimalField(
        _("total"), max_digits=12, decimal_places=2, default=Decimal("0.00")
    )
    paid = models.DecimalField(_("paid"), max_digits=12, decimal_places=2, default=Decimal("0.00"))
    payment_method = models.CharField(
        _("payment method"), max_length=30, choices=PaymentMethod.choices, blank=True
    )
    notes = models.TextField(_("notes"), blank=True)
    delivered_on = models.DateField(_("delivered on"), null=True, blank=True)
    cancelled_at = models.DateTimeField(_("cancelled at"), null=True, blank=True)
    cancel_reason = models.CharField(_("reason for cancelling"), max_length=200, blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("created by"),
    )

    class Meta:
        verbose_name = _("sales contract")
        verbose_name_plural = _("sales contracts")
        ordering = ["-signed_on", "-id"]
        indexes = [
            models.Index(fields=["organisation", "delivery_date"], name="contract_delivery_idx"),
            models.Index(fields=["organisation", "signed_on"], name="contract_signed_idx"),
        ]
        constraints = [
            models.UniqueConstraint(
                fields=["organisation", "number"], name="contract_number_unique_per_org"
            ),
            models.CheckConstraint(condition=models.Q(paid__gte=0), name="contract_paid_gte_0"),
            models.CheckConstraint(
                condition=models.Q(paid__lte=models.F("total")), name="contract_paid_lte_total"
            ),
        ]

    def __str__(self):
        return self.number

    @property
    def balance_due(self) -> Decimal:
        return self.total - self.paid


class ContractLine(OrgScopedModel):
    contract = models.ForeignKey(
        Contract, on_delete=models.CASCADE, related_name="lines", verbose_name=_("contract")
    )
    product = models.ForeignKey(
        "catalog.Product", on_delete=models.PROTECT, related_name="+", verbose_name=_("product")
    )
    model = models.ForeignKey(
        "catalog.ProductModel",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("model"),
    )
    quantity = models.PositiveIntegerField(_("quantity"))
    unit_price = models.DecimalField(_("unit price"), max_digits=12, decimal_places=2)
    line_total = models.DecimalField(_("line total"), max_digits=12, decimal_places=2)

    class Meta:
        verbose_name = _("contract line")
        verbose_name_plural = _("contract lines")
        ordering = ["id"]
        constraints = [
            models.CheckConstraint(condition=models.Q(quantity__gt=0), name="line_quantity_gt_0"),
            models.CheckConstraint(condition=models.Q(unit_price__gte=0), name="line_price_gte_0"),
        ]

    def __str__(self):
        return f"{self.product} × {self.quantity}"


class ContractPayment(OrgScopedModel):
    """One payment towards a contract (deposit, balance on delivery); `Contract.paid` is their sum."""

    contract = models.ForeignKey(
        Contract, on_delete=models.CASCADE, related_name="payments", verbose_name=_("contract")
    )
    amount = models.DecimalField(_("amount"), max_digits=12, decimal_places=2)
    method = models.CharField(_("payment method"), max_length=30, choices=PaymentMethod.choices)
    receipt_no = models.CharField(_("receipt number"), max_length=60, blank=True)
    received_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("received by"),
    )

    class Meta:
        verbose_name = _("contract payment")
        verbose_name_plural = _("contract payments")
        ordering = ["created_at", "id"]
        constraints = [
            models.CheckConstraint(condition=models.Q(amount__gt=0), name="payment_amount_gt_0"),
        ]

    def __str__(self):
        return f"{self.contract} ¥{self.amount}"
