"""Sales contracts (销售合同清单): lines, payment, balance due (尾款), delivery date and address."""

from decimal import Decimal

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from shouhou.core.models import OrgScopedModel


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
    payment_method = models.CharField(_("payment method"), max_length=30, blank=True)
    notes = models.TextField(_("notes"), blank=True)
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
