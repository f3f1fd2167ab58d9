"""Organisations, their stores, departments, merchants and dealers, and the people who log in."""

import datetime as dt

from django.contrib.auth.models import AbstractUser
from django.contrib.auth.models import UserManager as DjangoUserManager
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.utils.translation import gettext_lazy as _
from simple_history.models import HistoricalRecords

from shouhou.core.models import OrgScopedModel, OrgSettings, TimeStampedModel


class Organisation(TimeStampedModel):
    class Kind(models.TextChoices):
        MARKET = "market", _("Building-materials market")
        STORE_CHAIN = "store_chain", _("Retail store / chain")
        BRAND_CENTRE = "brand_centre", _("Brand service centre")
        FURNITURE = "furniture", _("Furniture store")
        DEALER_NETWORK = "dealer_network", _("Dealer network")

    name = models.CharField(_("name"), max_length=100, unique=True)
    code = models.SlugField(_("code"), max_length=30, unique=True)
    kind = models.CharField(_("kind"), max_length=20, choices=Kind.choices)
    phone = models.CharField(_("phone"), max_length=30, blank=True)
    address = models.CharField(_("address"), max_length=200, blank=True)

    class Meta:
        verbose_name = _("organisation")
        verbose_name_plural = _("organisations")
        ordering = ["name"]

    def __str__(self):
        return self.name


class OrganisationSettings(OrgSettings):
    """Per-organisation configuration of the foundation. Other apps keep their own settings."""

    organisation = models.OneToOneField(
        Organisation,
        on_delete=models.CASCADE,
        related_name="settings",
        verbose_name=_("organisation"),
    )
    contract_requires_full_name = models.BooleanField(
        _("sales contracts need the customer's full name"),
        default=True,
        help_text=_(
            "A surname with an honorific (李先生) is accepted for a hotline request; "
            "with this on, a sales contract needs the full name."
        ),
    )
    office_opens = models.TimeField(_("office opens"), default=dt.time(9, 0))
    office_closes = models.TimeField(_("office closes"), default=dt.time(18, 0))
    archive_within_days = models.PositiveSmallIntegerField(
        _("customer archive due within (days)"),
        default=2,
        help_text=_("A customer archive is created within this many days of the first contact."),
    )
    calendar_next_year_from_month = models.PositiveSmallIntegerField(
        _("next year's holiday schedule needed from (month)"),
        default=11,
        validators=[MinValueValidator(1), MaxValueValidator(12)],
        help_text=_(
            "From this month on, deadlines may reach into next year, so the pages warn the "
            "administrators while next year's official holiday schedule is not entered."
        ),
    )
    history = HistoricalRecords()

    class Meta:
        verbose_name = _("organisation settings")
        verbose_name_plural = _("organisation settings")

    def __str__(self):
        return str(self.organisation)


class Store(OrgScopedModel):
    """A store (门店) or a service station (服务站) of the organisation: both have a public hotline
    answered at their service desk, opening hours and their own service areas (roster)."""

    class Kind(models.TextChoices):
        STORE = "store", _("Store")
        STATION = "station", _("Service station")

    name = models.CharField(_("name"), max_length=100)
    code = models.SlugField(_("code"), max_length=30)
    kind = models.CharField(_("kind"), max_length=10, choices=Kind.choices, default=Kind.STORE)
    hotline = models.CharField(
        _("hotline"),
        max_length=30,
        blank=True,
        help_text=_("Each store has its own service hotline."),
    )
    address = models.CharField(_("address"), max_length=200, blank=True)
    # The hotline's service-time promise (seed 004 六.1.1: 热线接到服务台,有服务时间承诺). Empty:
    # the organisation's office hours (OrganisationSettings), which the working-day calendar uses.
    opens_at = models.TimeField(_("opens at"), null=True, blank=True)
    closes_at = models.TimeField(_("closes at"), null=True, blank=True)
    is_active = models.BooleanField(_("active"), default=True)

    class Meta:
        verbose_name = _("store")
        verbose_name_plural = _("stores")
        ordering = ["name"]
        constraints = [
            models.UniqueConstraint(
                fields=["organisation", "code"], name="store_code_unique_per_org"
            )
        ]

    def __str__(self):
        return self.name


class Department(OrgScopedModel):
    class Kind(models.TextChoices):
        CUSTOMER_SERVICE = "customer_service", _("Customer service")
        AFTER_SALES = "after_sales", _("After-sales service")
        CALL_CENTRE = "call_centre", _("Call centre")
        WORKSHOP = "workshop", _("Workshop")
        LOGISTICS = "logistics", _("Logistics and delivery")
        FINANCE = "finance", _("Finance")
        SECURITY = "security", _("Security")
        ADMINISTRATION = "administration", _("Administration")
        TECHNICAL = "technical", _("Technical department")
        SALES = "sales", _("Sales")
        OTHER = "other", _("Other")

    store = models.ForeignKey(
        Store,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="departments",
        verbose_name=_("store"),
    )
    name = models.CharField(_("name"), max_length=100)
    kind = models.CharField(_("kind"), max_length=30, choices=Kind.choices)
    phone = models.CharField(
        _("phone"),
        max_length=30,
        blank=True,
        help_text=_("The department's own line (an extension of the store's hotline, a landline)."),
    )

    class Meta:
        verbose_name = _("department")
        verbose_name_plural = _("departments")
        ordering = ["name"]

    def __str__(self):
        return self.name


class Merchant(OrgScopedModel):
    """A merchant renting a booth in a market; its admin sees only its own staff and orders."""

    name = models.CharField(_("name"), max_length=100)
    store = models.ForeignKey(
        Store,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",  # read as merchant_list(...).filter(store=...), never store.merchants
        verbose_name=_("store"),
        help_text=_("The store (market hall) the booth is in."),
    )
    booth = models.CharField(_("booth"), max_length=50, blank=True)
    contact_name = models.CharField(_("contact person"), max_length=50, blank=True)
    phone = models.CharField(_("phone"), max_length=30, blank=True)
    is_active = models.BooleanField(_("active"), default=True)

    class Meta:
        verbose_name = _("merchant")
        verbose_name_plural = _("merchants")
        ordering = ["name"]
        constraints = [
            models.UniqueConstraint(
                fields=["organisation", "name"], name="merchant_name_unique_per_org"
            )
        ]

    def __str__(self):
        return self.name


class Dealer(OrgScopedModel):
    name = models.CharField(_("name"), max_length=100)
    region = models.CharField(_("region"), max_length=100, blank=True)
    contact_name = models.CharField(_("contact person"), max_length=50, blank=True)
    phone = models.CharField(_("phone"), max_length=30, blank=True)
    is_active = models.BooleanField(_("active"), default=True)

    class Meta:
        verbose_name = _("dealer")
        verbose_name_plural = _("dealers")
        ordering = ["name"]

    def __str__(self):
        return self.name


class UserManager(DjangoUserManager):
    """Loads a user with their organisation and store: every request reads both (one query
    instead of three when the session's user is loaded)."""

    def get_queryset(self):
        return super().get_queryset().select_related("organisation", "store")


class User(AbstractUser):
    """A person who logs in. Roles are Django groups named by the codes in `org.roles`."""

    objects = UserManager()

    organisation = models.ForeignKey(
        Organisation,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="users",
        verbose_name=_("organisation"),
    )
    store = models.ForeignKey(
        Store,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="users",
        verbose_name=_("store"),
    )
    department = models.ForeignKey(
        Department,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="users",
        verbose_name=_("department"),
    )
    merchant = models.ForeignKey(
        Merchant,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="users",
        verbose_name=_("merchant"),
        help_text=_("Set for a merchant's administrator."),
    )
    display_name = models.CharField(_("display name"), max_length=50, blank=True)
    mobile = models.CharField(_("mobile"), max_length=20, blank=True)

    class Meta:
        verbose_name = _("user")
        verbose_name_plural = _("users")

    def __str__(self):
        return self.display_name or self.get_full_name() or self.username
