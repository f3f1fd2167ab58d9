"""Brands, suppliers, categories, products and models, with what later rules read from them."""

from django.db import models
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy
from simple_history.models import HistoricalRecords

from shouhou.core.models import OrgScopedModel, OrgSettings


class CatalogSettings(OrgSettings):
    """Per-organisation defaults of the catalogue (warranty terms), editable in the admin."""

    organisation = models.OneToOneField(
        "org.Organisation",
        on_delete=models.CASCADE,
        related_name="catalog_settings",
        verbose_name=_("organisation"),
    )
    default_warranty_months = models.PositiveSmallIntegerField(
        _("default warranty (months)"),
        default=12,
        help_text=_("Warranty of a new product when none is given."),
    )
    history = HistoricalRecords()

    class Meta:
        verbose_name = _("catalogue settings")
        verbose_name_plural = _("catalogue settings")

    def __str__(self):
        return str(self.organisation)


class Brand(OrgScopedModel):
    name = models.CharField(pgettext_lazy("catalog", "name"), max_length=100)

    class Meta:
        verbose_name = _("brand")
        verbose_name_plural = _("brands")
        ordering = ["name"]
        constraints = [
            models.UniqueConstraint(
                fields=["organisation", "name"], name="brand_name_unique_per_org"
            )
        ]

    def __str__(self):
        return self.name


class Supplier(OrgScopedModel):
    name = models.CharField(pgettext_lazy("catalog", "name"), max_length=100)
    contact_name = models.CharField(_("contact person"), max_length=50, blank=True)
    phone = models.CharField(_("phone"), max_length=30, blank=True)
    address = models.CharField(_("address"), max_length=200, blank=True)

    class Meta:
        verbose_name = _("supplier")
        verbose_name_plural = _("suppliers")
        ordering = ["name"]
        constraints = [
            models.UniqueConstraint(
                fields=["organisation", "name"], name="supplier_name_unique_per_org"
            )
        ]

    def __str__(self):
        return self.name


class Category(OrgScopedModel):
    name = models.CharField(pgettext_lazy("catalog", "name"), max_length=100)
    parent = models.ForeignKey(
        "self",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="children",
        verbose_name=_("parent"),
    )

    class Meta:
        verbose_name = _("category")
        verbose_name_plural = _("categories")
        ordering = ["name"]
        constraints = [
            models.UniqueConstraint(
                fields=["organisation", "parent", "name"], name="category_name_unique_per_parent"
            )
        ]

    def __str__(self):
        return f"{self.parent} / {self.name}" if self.parent_id else self.name


class Product(OrgScopedModel):
    """A product line. Flags describe what the service-promise rules need to know.

    In a building-materials market each merchant (booth) sells its own lines: `merchant` is set
    for those, and that merchant's administrator maintains them. Products without a merchant are
    the organisation's own catalogue, maintained by the office and the warehouse keeper.
    """

    name = models.CharField(pgettext_lazy("catalog", "name"), max_length=100)
    brand = models.ForeignKey(
        Brand,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="products",
        verbose_name=_("brand"),
    )
    supplier = models.ForeignKey(
        Supplier,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="products",
        verbose_name=_("supplier"),
    )
    category = models.ForeignKey(
        Category,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="products",
        verbose_name=_("category"),
    )
    merchant = models.ForeignKey(
        "org.Merchant",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="products",
        verbose_name=_("merchant"),
        help_text=_("The merchant that sells this product; empty for the organisation's own."),
    )
    needs_installation = models.BooleanField(_("needs installation"), default=False)
    is_electronic = models.BooleanField(_("electronic"), default=False)
    is_single_use = models.BooleanField(_("single-use"), default=False)
    is_adhesive = models.BooleanField(_("adhesive"), default=False)
    is_window_film = models.BooleanField(_("window film"), default=False)
    is_bulb_or_speaker = models.BooleanField(_("bulb or speaker"), default=False)
    warranty_months = models.PositiveSmallIntegerField(
        _("warranty (months)"),
        default=12,
        help_text=_("Default warranty; a model may override it."),
    )
    packaging_promise = models.TextField(
        _("packaging promise"),
        blank=True,
        help_text=_("What the packaging promises beyond the store's rules (it wins)."),
    )
    is_active = models.BooleanField(_("active"), default=True)

    class Meta:
        verbose_name = _("product")
        verbose_name_plural = _("products")
        ordering = ["name"]

    def __str__(self):
        return f"{self.brand} {self.name}" if self.brand_id else self.name


class ProductModel(OrgScopedModel):
    product = models.ForeignKey(
        Product, on_delete=models.PROTECT, related_name="models", verbose_name=_("product")
    )
    code = models.CharField(_("model number"), max_length=60)
    name = models.CharField(pgettext_lazy("catalog", "name"), max_length=100, blank=True)
    list_price = models.DecimalField(
        _("list price"), max_digits=12, decimal_places=2, null=True, blank=True
    )
    warranty_months = models.PositiveSmallIntegerField(
        _("warranty (months)"),
        null=True,
        blank=True,
        help_text=_("Empty: the product's warranty applies."),
    )
    is_active = models.BooleanField(_("active"), default=True)

    class Meta:
        verbose_name = _("product model")
        verbose_name_plural = _("product models")
        ordering = ["product__name", "code"]
        constraints = [
            models.UniqueConstraint(
                fields=["product", "code"], name="model_code_unique_per_product"
            )
        ]

    def __str__(self):
        return f"{self.product.name} {self.code}"

    @property
    def effective_warranty_months(self) -> int:
        return (
            self.warranty_months
            if self.warranty_months is not None
            else self.product.warranty_months
        )
