"""Service-promise rules (per organisation, with history), packaging overrides per product, and
every decision with the rule version that made it."""

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _
from simple_history.models import HistoricalRecords

from shouhou.core.models import OrgScopedModel

from . import rules as R


class Kind(models.TextChoices):
    ENTITLEMENT = R.ENTITLEMENT, _("What is allowed")
    EXCLUSION = R.EXCLUSION, _("Exclusion")
    PACKAGING = R.PACKAGING, _("Packaging promise wins")
    DOCUMENTS = R.DOCUMENTS, _("Documents required")


class TriState(models.TextChoices):
    ANY = R.ANY, _("any")
    YES = R.YES, _("yes")
    NO = R.NO, _("no")


class InstalledBy(models.TextChoices):
    ANY = R.ANY, _("any")
    NOT_INSTALLED = R.NOT_INSTALLED, _("not installed")
    US = R.BY_US, _("installed by us")
    OTHERS = R.BY_OTHERS, _("installed by others")


class Unit(models.TextChoices):
    NONE = "", _("not allowed")
    DAYS = R.DAYS, _("days")
    MONTHS = R.MONTHS, _("months")
    YEARS = R.YEARS, _("years")
    UNLIMITED = R.UNLIMITED, _("without limit")
    PRODUCT_WARRANTY = R.PRODUCT_WARRANTY, _("the product's warranty")


class Anchor(models.TextChoices):
    SALE = R.FROM_SALE, _("from the sale")
    INSTALLATION = R.FROM_INSTALLATION, _("from the installation")


class Cause(models.TextChoices):
    QUALITY = R.QUALITY, _("Quality problem")
    NOT_AS_DESCRIBED = R.NOT_AS_DESCRIBED, _("Model or function not as described")
    MISUSE = R.MISUSE, _("Misuse by the customer")
    IMPROPER_STORAGE = R.IMPROPER_STORAGE, _("Improper storage")
    FORCE_MAJEURE = R.FORCE_MAJEURE, _("Force majeure")


class Outcome(models.TextChoices):
    RETURN = R.RETURN, _("Return")
    EXCHANGE = R.EXCHANGE, _("Exchange")
    REPAIR = R.REPAIR, _("Warranty repair")
    PAID_REPAIR = R.PAID_REPAIR, _("Paid repair")
    NOTHING = R.NOTHING, _("Nothing")


def _flag(verbose):
    return models.CharField(verbose, max_length=3, choices=TriState.choices, default=R.ANY)


def _unit(verbose):
    return models.CharField(verbose, max_length=20, choices=Unit.choices, blank=True, default="")


class PromiseRule(OrgScopedModel):
    """One service-promise rule. Lower `order` is looked at first; see `rules.py`."""

    code = models.SlugField(_("code"), max_length=40)
    order = models.PositiveSmallIntegerField(_("order"), default=100)
    kind = models.CharField(_("kind"), max_length=20, choices=Kind.choices, default=R.ENTITLEMENT)
    title = models.CharField(_("title"), max_length=100)
    text = models.TextField(_("words for the customer"))
    is_active = models.BooleanField(_("active"), default=True)
    version = models.PositiveIntegerField(_("version"), default=1, editable=False)
    category = models.ForeignKey(
        "catalog.Category",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("category"),
        help_text=_("Empty: every category."),
    )
    needs_installation = _flag(_("needs installation"))
    electronic = _flag(_("electronic"))
    single_use = _flag(_("single-use"))
    adhesive = _flag(_("adhesive"))
    window_film = _flag(_("window film"))
    bulb_or_speaker = _flag(_("bulb or speaker"))
    installed_by = models.CharField(
        _("installed by"), max_length=20, choices=InstalledBy.choices, default=R.ANY
    )
    opened = _flag(_("opened"))
    causes = models.JSONField(
        _("causes"),
        default=list,
        blank=True,
        help_text=_("Codes of the causes this rule applies to; empty: every cause."),
    )
    anchor = models.CharField(
        _("periods count"), max_length=20, choices=Anchor.choices, default=R.FROM_SALE
    )
    return_amount = models.PositiveIntegerField(_("return within"), null=True, blank=True)
    return_unit = _unit(_("return unit"))
    exchange_amount = models.PositiveIntegerField(_("exchange within"), null=True, blank=True)
    exchange_unit = _unit(_("exchange unit"))
    repair_amount = models.PositiveIntegerField(_("warranty repair within"), null=True, blank=True)
    repair_unit = _unit(_("warranty repair unit"))
    requires_receipt = models.BooleanField(_("requires the receipt"), default=True)
    requires_packaging = models.BooleanField(_("requires the complete packaging"), default=True)
    history = HistoricalRecords()

    class Meta:
        verbose_name = _("promise rule")
        verbose_name_plural = _("promise rules")
        ordering = ["order", "code"]
        constraints = [
            models.UniqueConstraint(
                fields=["organisation", "code"], name="promise_rule_code_unique_per_org"
            )
        ]

    def __str__(self):
        return self.title

    def save(self, *args, **kwargs):
        if self.pk:
            self.version = (
                type(self).all_objects.filter(pk=self.pk).values_list("version", flat=True).first()
                or 0
            ) + 1
        super().save(*args, **kwargs)

    def as_rule(self) -> R.Rule:
        return R.Rule(
            code=self.code,
            title=self.title,
            kind=self.kind,
            order=self.order,
            text=self.text,
            version=self.version,
            pk=self.pk,
            flags={f: getattr(self, f) for f in R.FLAGS},
            category_ids=(self.category_id,) if self.category_id else (),
            installed_by=self.installed_by,
            opened=self.opened,
            causes=tuple(self.causes or ()),
            anchor=self.anchor,
            periods={
                R.RETURN: R.Period(self.return_amount, self.return_unit),
                R.EXCHANGE: R.Period(self.exchange_amount, self.exchange_unit),
                R.REPAIR: R.Period(self.repair_amount, self.repair_unit),
            },
            requires_receipt=self.requires_receipt,
            requires_packaging=self.requires_packaging,
        )


class PackagingPromise(OrgScopedModel):
    """What a product's packaging promises beyond the rules (seed rule 3: it wins)."""

    product = models.ForeignKey(
        "catalog.Product",
        on_delete=models.CASCADE,
        related_name="+",
        verbose_name=_("product"),
    )
    return_amount = models.PositiveIntegerField(_("return within"), null=True, blank=True)
    return_unit = _unit(_("return unit"))
    exchange_amount = models.PositiveIntegerField(_("exchange within"), null=True, blank=True)
    exchange_unit = _unit(_("exchange unit"))
    repair_amount = models.PositiveIntegerField(_("warranty repair within"), null=True, blank=True)
    repair_unit = _unit(_("warranty repair unit"))
    note = models.CharField(_("what the packaging says"), max_length=200, blank=True)
    history = HistoricalRecords()

    class Meta:
        verbose_name = _("packaging promise")
        verbose_name_plural = _("packaging promises")
        constraints = [
            models.UniqueConstraint(fields=["product"], name="packaging_promise_one_per_product")
        ]

    def __str__(self):
        return str(self.product)

    def periods(self) -> dict:
        return {
            R.RETURN: R.Period(self.return_amount, self.return_unit),
            R.EXCHANGE: R.Period(self.exchange_amount, self.exchange_unit),
            R.REPAIR: R.Period(self.repair_amount, self.repair_unit),
        }


class PromiseDecision(OrgScopedModel):
    """One decision, with the facts it was made on and the rule (and its version) that made it."""

    customer = models.ForeignKey(
        "customers.Customer",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("customer"),
    )
    contract = models.ForeignKey(
        "sales.Contract",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("contract"),
    )
    contract_line = models.ForeignKey(
        "sales.ContractLine",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("contract line"),
    )
    product = models.ForeignKey(
        "catalog.Product", on_delete=models.PROTECT, related_name="+", verbose_name=_("product")
    )
    facts = models.JSONField(_("facts"), default=dict)
    wanted = models.CharField(_("asked for"), max_length=20, blank=True)
    outcome = models.CharField(_("outcome"), max_length=20, choices=Outcome.choices)
    allowed = models.JSONField(_("allowed"), default=list)
    rule = models.ForeignKey(
        PromiseRule,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="decisions",
        verbose_name=_("rule"),
    )
    rule_code = models.CharField(_("rule code"), max_length=40)
    rule_version = models.PositiveIntegerField(_("rule version"))
    explanation = models.TextField(_("explanation"))
    missing_documents = models.JSONField(_("missing documents"), default=list, blank=True)
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        null=True,
        related_name="+",
        verbose_name=_("decided by"),
    )

    class Meta:
        verbose_name = _("promise decision")
        verbose_name_plural = _("promise decisions")
        ordering = ["-created_at", "-id"]

    def __str__(self):
        return f"{self.product} → {self.get_outcome_display()} ({self.rule_code})"

    @property
    def allowed_labels(self) -> list:
        labels = dict(Outcome.choices)
        return [labels.get(o, o) for o in self.allowed or []]

    @property
    def missing_labels(self) -> list:
        labels = {"receipt": _("receipt"), "packaging": _("complete packaging")}
        return [labels.get(m, m) for m in self.missing_documents or []]
