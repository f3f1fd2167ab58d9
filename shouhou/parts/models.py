"""Spare parts (备用件 / 三包件): the catalogue, stores, the stock ledger, receipts, requisitions,
write-offs, old parts, disposal batches, stock counts and paid-repair quotes (seed 002 §3.6–3.8).

The quantity on hand (`Stock.quantity`) is kept in step with the ledger (`Move`) inside the same
transaction by `services._post`; a CHECK constraint keeps it from going below zero whatever the
code does. Money is Decimal yuan; the moving average cost has four decimals.
"""

from __future__ import annotations

from decimal import Decimal

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy
from simple_history.models import HistoricalRecords

from shouhou.core.models import OrgScopedModel, OrgSettings


def _money(verbose, **kw):
    return models.DecimalField(verbose, max_digits=12, decimal_places=2, **kw)


class PartsSettings(OrgSettings):
    """The organisation's numbers for the parts cycle (seed 002 §3.6–3.7, 范文2 二.5)."""

    organisation = models.OneToOneField(
        "org.Organisation",
        on_delete=models.CASCADE,
        related_name="parts_settings",
        verbose_name=_("organisation"),
    )
    old_part_return_days = models.PositiveSmallIntegerField(
        _("working days to return the old part"),
        default=3,
        help_text=_("After the service is completed; later, the old part is overdue."),
    )
    labour_rate = _money(_("labour per hour"), default=Decimal("50.00"))
    travel_flat = _money(_("travel, flat per visit"), default=Decimal("30.00"))
    travel_per_km = _money(_("travel per km beyond the free distance"), default=Decimal("1.50"))
    travel_free_km = models.PositiveSmallIntegerField(_("free distance (km)"), default=10)
    quote_needed_for_fee = models.BooleanField(
        _("a fee needs an accepted quote"),
        default=True,
        help_text=_("No fee may be charged except an accepted paid-repair quote."),
    )
    history = HistoricalRecords()

    class Meta:
        verbose_name = _("spare-parts settings")
        verbose_name_plural = _("spare-parts settings")

    def __str__(self):
        return str(self.organisation)


class ApprovalBand(OrgScopedModel):
    """Who approves a requisition of this total value (cost): `min_value` < total ≤ `max_value`."""

    min_value = _money(_("above (exclusive)"), null=True, blank=True)
    max_value = _money(_("up to (inclusive)"), null=True, blank=True)
    role = models.CharField(_("approver role"), max_length=40)
    order = models.PositiveSmallIntegerField(_("order"), default=100)
    history = HistoricalRecords()

    class Meta:
        verbose_name = _("requisition approval band")
        verbose_name_plural = _("requisition approval bands")
        ordering = ["order", "id"]

    def __str__(self):
        return f"{self.min_value or 0} – {self.max_value or '∞'}: {self.role}"


class Part(OrgScopedModel):
    class Kind(models.TextChoices):
        WARRANTY = "warranty", _("Warranty part (三包件)")
        WEAR = "wear", _("Wear part (易损件)")

    code = models.CharField(_("part code"), max_length=40)
    name = models.CharField(pgettext_lazy("part", "name"), max_length=100)
    specification = models.CharField(_("specification"), max_length=200, blank=True)
    unit = models.CharField(_("unit"), max_length=10, default="个")
    kind = models.CharField(_("kind"), max_length=10, choices=Kind.choices, default=Kind.WARRANTY)
    cost_price = _money(_("cost price"), default=Decimal("0.00"))
    sale_price = _money(_("sale price"), default=Decimal("0.00"))
    reorder_level = models.PositiveIntegerField(
        _("default reorder level"), default=0, help_text=_("Per location it may differ.")
    )
    products = models.ManyToManyField(
        "catalog.Product", blank=True, related_name="+", verbose_name=_("fits products")
    )
    models_fitted = models.ManyToManyField(
        "catalog.ProductModel", blank=True, related_name="+", verbose_name=_("fits models")
    )
    is_active = models.BooleanField(_("active"), default=True)

    class Meta:
        verbose_name = _("spare part")
        verbose_name_plural = _("spare parts")
        ordering = ["code"]
        constraints = [
            models.UniqueConstraint(fields=["organisation", "code"], name="part_code_unique"),
            models.CheckConstraint(
                condition=Q(cost_price__gte=0) & Q(sale_price__gte=0), name="part_prices_gte_0"
            ),
        ]

    def __str__(self):
        return f"{self.code} {self.name}"


class Location(OrgScopedModel):
    """Where parts are kept: the central store, a service station, a dealer, a technician's bag,
    the store of usable old parts and the scrap awaiting disposal (§3.7.5–3.7.6)."""

    class Kind(models.TextChoices):
        CENTRAL = "central", _("Central spare-parts store")
        STATION = "station", _("Service station")
        DEALER = "dealer", _("Dealer")
        TECHNICIAN = "technician", _("With the technician")
        OLD_USABLE = "old_usable", _("Usable old parts")
        OLD_SCRAP = "old_scrap", _("Scrap awaiting disposal")

    code = models.CharField(_("code"), max_length=40)
    name = models.CharField(pgettext_lazy("location", "name"), max_length=100)
    kind = models.CharField(_("kind"), max_length=12, choices=Kind.choices)
    store = models.ForeignKey(
        "org.Store", on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    dealer = models.ForeignKey(
        "org.Dealer", on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    holder = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("technician"),
    )
    is_active = models.BooleanField(_("active"), default=True)

    class Meta:
        verbose_name = _("stock location")
        verbose_name_plural = _("stock locations")
        ordering = ["kind", "code"]
        constraints = [
            models.UniqueConstraint(fields=["organisation", "code"], name="location_code_unique"),
            models.UniqueConstraint(
                fields=["holder"], condition=Q(kind="technician"), name="location_one_per_tech"
            ),
        ]

    def __str__(self):
        return self.name

    @property
    def is_store(self) -> bool:
        return self.kind in (self.Kind.CENTRAL, self.Kind.STATION, self.Kind.DEALER)


class Stock(OrgScopedModel):
    """Quantity on hand of a part at a location, kept in step with the moves."""

    part = models.ForeignKey(Part, on_delete=models.PROTECT, related_name="stock")
    location = models.ForeignKey(Location, on_delete=models.PROTECT, related_name="stock")
    quantity = models.IntegerField(_("on hand"), default=0)
    average_cost = models.DecimalField(
        _("moving average cost"), max_digits=14, decimal_places=4, default=Decimal("0")
    )
    reorder_level = models.PositiveIntegerField(_("reorder level"), null=True, blank=True)

    class Meta:
        verbose_name = _("stock")
        verbose_name_plural = _("stock")
        ordering = ["location", "part"]
        constraints = [
            models.UniqueConstraint(fields=["location", "part"], name="stock_unique_location_part"),
            models.CheckConstraint(condition=Q(quantity__gte=0), name="stock_never_negative"),
        ]

    def __str__(self):
        return f"{self.location} {self.part}: {self.quantity}"


class Move(OrgScopedModel):
    """One ledger line: `quantity` of `part` from one location to another (either may be empty:
    a receipt comes from outside, a write-off or disposal goes out), with who, when and the
    document it came from."""

    class Kind(models.TextChoices):
        RECEIPT = "receipt", _("Receipt")
        ISSUE = "issue", _("Issue to technician")
        RETURN = "return", _("Return to store")
        TRANSFER = "transfer", _("Transfer")
        WRITE_OFF = "write_off", _("Write-off")
        OLD_IN = "old_in", _("Old part booked in")
        DISPOSAL = "disposal", _("Disposal")
        ADJUSTMENT = "adjustment", _("Stock-count adjustment")

    part = models.ForeignKey(Part, on_delete=models.PROTECT, related_name="moves")
    kind = models.CharField(_("kind"), max_length=12, choices=Kind.choices)
    from_location = models.ForeignKey(
        Location, on_delete=models.PROTECT, null=True, blank=True, related_name="moves_out"
    )
    to_location = models.ForeignKey(
        Location, on_delete=models.PROTECT, null=True, blank=True, related_name="moves_in"
    )
    quantity = models.PositiveIntegerField(_("quantity"))
    unit_cost = models.DecimalField(_("unit cost"), max_digits=14, decimal_places=4)
    at = models.DateTimeField(_("time"))
    by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+", verbose_name=_("by")
    )
    document = models.CharField(_("document"), max_length=40)
    document_id = models.PositiveBigIntegerField(_("document id"))
    note = models.CharField(_("note"), max_length=200, blank=True)

    class Meta:
        verbose_name = _("stock move")
        verbose_name_plural = _("stock moves")
        ordering = ["-at", "-id"]
        indexes = [
            models.Index(fields=["organisation", "-at", "-id"], name="move_org_at"),
            models.Index(fields=["part", "-at"], name="move_part_at"),
            models.Index(fields=["document", "document_id"], name="move_document"),
        ]
        constraints = [
            models.CheckConstraint(condition=Q(quantity__gt=0), name="move_qty_gt_0"),
            models.CheckConstraint(
                condition=Q(from_location__isnull=False) | Q(to_location__isnull=False),
                name="move_has_a_location",
            ),
        ]

    def __str__(self):
        return f"{self.get_kind_display()} {self.part} ×{self.quantity}"

    @property
    def value(self) -> Decimal:
        return (self.unit_cost * self.quantity).quantize(Decimal("0.01"))


class Receipt(OrgScopedModel):
    """备用件接收单 (§3.7.2), printed 一式二份; booked into stock when it is written."""

    number = models.CharField(_("number"), max_length=30)
    location = models.ForeignKey(
        Location, on_delete=models.PROTECT, related_name="+", verbose_name=_("into")
    )
    supplier = models.CharField(_("from (supplier or deliverer)"), max_length=100)
    delivery_note = models.CharField(_("delivery note / invoice"), max_length=60, blank=True)
    expense_ref = models.CharField(
        _("reimbursed expense"),
        max_length=60,
        blank=True,
        help_text=_("Parts a technician bought and had reimbursed (§3.7.3)."),
    )
    received_at = models.DateTimeField(_("received at"))
    received_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    note = models.TextField(_("note"), blank=True)

    class Meta:
        verbose_name = _("parts receipt note")
        verbose_name_plural = _("parts receipt notes")
        ordering = ["-received_at", "-id"]
        constraints = [
            models.UniqueConstraint(fields=["organisation", "number"], name="receipt_number_unique")
        ]

    def __str__(self):
        return self.number

    @property
    def total(self) -> Decimal:
        return sum((line.value for line in self.lines.all()), Decimal("0.00"))


class ReceiptLine(OrgScopedModel):
    receipt = models.ForeignKey(Receipt, on_delete=models.CASCADE, related_name="lines")
    part = models.ForeignKey(Part, on_delete=models.PROTECT, related_name="+")
    quantity = models.PositiveIntegerField(_("quantity"))
    unit_cost = _money(_("unit cost"))

    class Meta:
        ordering = ["id"]
        constraints = [models.CheckConstraint(condition=Q(quantity__gt=0), name="rline_qty_gt_0")]

    @property
    def value(self) -> Decimal:
        return (self.unit_cost * self.quantity).quantize(Decimal("0.01"))


class Requisition(OrgScopedModel):
    """备用件领料单 (§3.6.1, §3.7.4): approved by the role of its value band, then issued."""

    class Status(models.TextChoices):
        SUBMITTED = "submitted", _("Awaiting approval")
        APPROVED = "approved", _("Approved")
        REJECTED = "rejected", _("Rejected")
        ISSUED = "issued", _("Issued")
        CANCELLED = "cancelled", _("Cancelled")
        CLOSED = "closed", _("Settled")

    number = models.CharField(_("number"), max_length=30)
    work_order = models.ForeignKey(
        "workorders.WorkOrder",
        on_delete=models.PROTECT,
        related_name="+",
        verbose_name=_("work order"),
    )
    technician = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        related_name="+",
        verbose_name=_("technician"),
    )
    location = models.ForeignKey(
        Location, on_delete=models.PROTECT, related_name="+", verbose_name=_("from store")
    )
    proposal = models.TextField(_("proposed fix"))
    status = models.CharField(
        _("status"), max_length=10, choices=Status.choices, default=Status.SUBMITTED
    )
    total_value = _money(_("total value (cost)"), default=Decimal("0.00"))
    approver_role = models.CharField(_("approver role"), max_length=40)
    approved_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    approved_at = models.DateTimeField(_("approved at"), null=True, blank=True)
    decision_note = models.CharField(_("decision note"), max_length=200, blank=True)
    issued_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    issued_at = models.DateTimeField(_("issued at"), null=True, blank=True)
    cancelled_at = models.DateTimeField(_("cancelled at"), null=True, blank=True)

    class Meta:
        verbose_name = _("parts requisition")
        verbose_name_plural = _("parts requisitions")
        ordering = ["-created_at", "-id"]
        constraints = [
            models.UniqueConstraint(fields=["organisation", "number"], name="req_number_unique")
        ]
        indexes = [models.Index(fields=["organisation", "status", "-id"], name="req_org_status")]

    def __str__(self):
        return self.number


class RequisitionLine(OrgScopedModel):
    requisition = models.ForeignKey(Requisition, on_delete=models.CASCADE, related_name="lines")
    part = models.ForeignKey(Part, on_delete=models.PROTECT, related_name="+")
    quantity = models.PositiveIntegerField(_("quantity"))
    unit_cost = models.DecimalField(_("unit cost"), max_digits=14, decimal_places=4)
    returned = models.PositiveIntegerField(_("returned unused"), default=0)
    written_off = models.PositiveIntegerField(_("written off"), default=0)
    old_part_due_on = models.DateField(_("old part due on"), null=True, blank=True)

    class Meta:
        ordering = ["id"]
        constraints = [
            models.CheckConstraint(condition=Q(quantity__gt=0), name="reqline_qty_gt_0"),
            models.CheckConstraint(
                condition=Q(returned__lte=models.F("quantity") - models.F("written_off")),
                name="reqline_accounted_le_qty",
            ),
        ]

    def __str__(self):
        return f"{self.requisition} {self.part} ×{self.quantity}"

    @property
    def outstanding(self) -> int:
        """Drawn and neither returned nor written off: still with the technician."""
        return self.quantity - self.returned - self.written_off


class OldPart(OrgScopedModel):
    """The register of returned old parts (旧件) and their appraisal (鉴定, 范文2 二.2, 四.4)."""

    class Status(models.TextChoices):
        RETURNED = "returned", _("Awaiting appraisal")
        USABLE = "usable", _("In the usable old-parts store")
        SCRAP = "scrap", _("Scrap awaiting disposal")
        DISPOSED = "disposed", _("Disposed of")

    class Verdict(models.TextChoices):
        WARRANTY_FAULT = "warranty_fault", _("Warranty fault")
        MISUSE = "misuse", _("Misuse")
        NO_FAULT = "no_fault", _("No fault found")

    line = models.OneToOneField(
        RequisitionLine,
        on_delete=models.PROTECT,
        related_name="old_part",
        verbose_name=_("requisition line"),
    )
    report_part = models.OneToOneField(
        "workorders.ReportPart",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("replaced part on the report"),
    )
    work_order = models.ForeignKey(
        "workorders.WorkOrder", on_delete=models.PROTECT, related_name="+"
    )
    part = models.ForeignKey(Part, on_delete=models.PROTECT, related_name="+")
    quantity = models.PositiveIntegerField(_("quantity"))
    serial = models.CharField(_("serial number"), max_length=60, blank=True)
    returned_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    received_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    returned_at = models.DateTimeField(_("returned at"))
    photo = models.FileField(_("photo"), upload_to="parts/old/%Y/%m/", blank=True)
    status = models.CharField(
        _("status"), max_length=10, choices=Status.choices, default=Status.RETURNED
    )
    verdict = models.CharField(_("appraisal"), max_length=16, choices=Verdict.choices, blank=True)
    appraisal_note = models.CharField(_("appraisal note"), max_length=200, blank=True)
    appraised_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    appraised_at = models.DateTimeField(_("appraised at"), null=True, blank=True)
    batch = models.ForeignKey(
        "DisposalBatch",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="items",
        verbose_name=_("disposal batch"),
    )

    class Meta:
        verbose_name = _("old part")
        verbose_name_plural = _("old parts")
        ordering = ["-returned_at", "-id"]
        indexes = [models.Index(fields=["organisation", "status", "-id"], name="oldpart_status")]
        constraints = [models.CheckConstraint(condition=Q(quantity__gt=0), name="old_qty_gt_0")]

    def __str__(self):
        return f"{self.part} ×{self.quantity} ({self.work_order})"


class WriteOff(OrgScopedModel):
    """销帐: a part fitted at the customer leaves the books against the signed service report and
    the returned old part (§3.6.2, §3.7.4). One per requisition line; never without both."""

    line = models.OneToOneField(RequisitionLine, on_delete=models.PROTECT, related_name="write_off")
    report = models.ForeignKey(
        "workorders.ServiceReport", on_delete=models.PROTECT, related_name="+"
    )
    old_part = models.OneToOneField(OldPart, on_delete=models.PROTECT, related_name="write_off")
    quantity = models.PositiveIntegerField(_("quantity"))
    value = _money(_("value"))
    at = models.DateTimeField(_("written off at"))
    by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")

    class Meta:
        verbose_name = _("write-off")
        verbose_name_plural = _("write-offs")
        ordering = ["-at", "-id"]
        constraints = [models.CheckConstraint(condition=Q(quantity__gt=0), name="wo_qty_gt_0")]

    def __str__(self):
        return f"{self.line} {self.at:%Y-%m-%d}"


class DisposalBatch(OrgScopedModel):
    """The month's scrap old parts, disposed of with approval (§3.7.5 每月及时处理)."""

    class Status(models.TextChoices):
        OPEN = "open", pgettext_lazy("batch state", "Open")
        SUBMITTED = "submitted", _("Awaiting approval")
        APPROVED = "approved", _("Approved and disposed of")

    month = models.DateField(_("month"), help_text=_("The first day of the month."))
    status = models.CharField(
        _("status"), max_length=10, choices=Status.choices, default=Status.OPEN
    )
    method = models.CharField(_("disposal method"), max_length=100, blank=True)
    submitted_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    approved_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    approved_at = models.DateTimeField(_("approved at"), null=True, blank=True)

    class Meta:
        verbose_name = _("disposal batch")
        verbose_name_plural = _("disposal batches")
        ordering = ["-month"]
        constraints = [
            models.UniqueConstraint(fields=["organisation", "month"], name="disposal_one_per_month")
        ]

    def __str__(self):
        return f"{self.month:%Y-%m}"


class StockCount(OrgScopedModel):
    """盘点: counted quantities; a difference posts an adjustment once approved (帐物一致)."""

    class Status(models.TextChoices):
        SUBMITTED = "submitted", _("Awaiting approval")
        APPROVED = "approved", _("Approved and adjusted")
        REJECTED = "rejected", _("Rejected")

    location = models.ForeignKey(Location, on_delete=models.PROTECT, related_name="+")
    status = models.CharField(
        _("status"), max_length=10, choices=Status.choices, default=Status.SUBMITTED
    )
    counted_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    counted_at = models.DateTimeField(_("counted at"))
    approved_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    approved_at = models.DateTimeField(_("approved at"), null=True, blank=True)
    note = models.CharField(_("note"), max_length=200, blank=True)

    class Meta:
        verbose_name = _("stock count")
        verbose_name_plural = _("stock counts")
        ordering = ["-counted_at", "-id"]

    def __str__(self):
        return f"{self.location} {self.counted_at:%Y-%m-%d}"


class StockCountLine(OrgScopedModel):
    count = models.ForeignKey(StockCount, on_delete=models.CASCADE, related_name="lines")
    part = models.ForeignKey(Part, on_delete=models.PROTECT, related_name="+")
    booked = models.IntegerField(_("on the books"))
    counted = models.PositiveIntegerField(_("counted"))

    class Meta:
        ordering = ["id"]
        constraints = [
            models.UniqueConstraint(fields=["count", "part"], name="countline_unique_part")
        ]

    @property
    def difference(self) -> int:
        return self.counted - self.booked


class Quote(OrgScopedModel):
    """A paid-repair quote (有偿服务, 范文2 二.5): parts at sale price, labour and travel from the
    organisation's rates; the customer accepts it before the work starts. The fee on the report
    must equal it unless a supervisor approved a changed amount."""

    class Status(models.TextChoices):
        DRAFT = "draft", _("Shown to the customer")
        ACCEPTED = "accepted", _("Accepted by the customer")
        DECLINED = "declined", _("Declined by the customer")

    work_order = models.ForeignKey(
        "workorders.WorkOrder", on_delete=models.PROTECT, related_name="+"
    )
    status = models.CharField(
        _("status"), max_length=10, choices=Status.choices, default=Status.DRAFT
    )
    labour_hours = models.DecimalField(_("labour hours"), max_digits=5, decimal_places=2)
    travel_km = models.PositiveIntegerField(_("travel distance (km)"), default=0)
    parts_total = _money(_("parts"))
    labour = _money(_("labour"))
    travel = _money(_("travel"))
    total = _money(_("total"))
    prepared_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    accepted_by_name = models.CharField(_("accepted by (customer)"), max_length=50, blank=True)
    accepted_at = models.DateTimeField(_("accepted at"), null=True, blank=True)
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    changed_total = _money(_("approved changed fee"), null=True, blank=True)
    change_reason = models.CharField(_("reason for the change"), max_length=200, blank=True)
    change_approved_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    change_approved_at = models.DateTimeField(_("change approved at"), null=True, blank=True)

    class Meta:
        verbose_name = _("paid-repair quote")
        verbose_name_plural = _("paid-repair quotes")
        ordering = ["-id"]
        constraints = [
            models.UniqueConstraint(
                fields=["work_order"], condition=Q(status="accepted"), name="quote_one_accepted"
            ),
            models.CheckConstraint(condition=Q(total__gte=0), name="quote_total_gte_0"),
        ]

    def __str__(self):
        return f"{self.work_order} ¥{self.total}"

    @property
    def agreed_fee(self) -> Decimal:
        return self.changed_total if self.changed_total is not None else self.total


class QuoteLine(OrgScopedModel):
    quote = models.ForeignKey(Quote, on_delete=models.CASCADE, related_name="lines")
    part = models.ForeignKey(Part, on_delete=models.PROTECT, related_name="+")
    quantity = models.PositiveIntegerField(_("quantity"))
    unit_price = _money(_("unit price"))

    class Meta:
        ordering = ["id"]

    @property
    def value(self) -> Decimal:
        return self.unit_price * self.quantity


class Alert(OrgScopedModel):
    """What the daily job found: an overdue old part or a part below its reorder level at a
    location. One open alert per subject; cleared when the cause goes."""

    class Kind(models.TextChoices):
        OLD_PART_OVERDUE = "old_overdue", _("Old part overdue")
        LOW_STOCK = "low_stock", _("Low stock")

    kind = models.CharField(_("kind"), max_length=12, choices=Kind.choices)
    subject = models.CharField(_("subject"), max_length=60)
    text = models.CharField(_("text"), max_length=200)
    raised_on = models.DateField(_("raised on"))

    class Meta:
        verbose_name = _("parts alert")
        verbose_name_plural = _("parts alerts")
        ordering = ["kind", "subject"]
        constraints = [
            models.UniqueConstraint(
                fields=["organisation", "kind", "subject"], name="alert_unique_subject"
            )
        ]

    def __str__(self):
        return self.text


class PostageWriteOff(OrgScopedModel):
    """Postage and freight of warranty parts sent by post, written off with two signatures: the
    handler's (经手人) and a supervisor's (领导) (§3.6.3). The supervisor is not the handler."""

    class Status(models.TextChoices):
        SIGNED_BY_HANDLER = "handler", _("Signed by the handler")
        WRITTEN_OFF = "written_off", _("Written off")

    work_order = models.ForeignKey(
        "workorders.WorkOrder", on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    carrier = models.CharField(_("carrier"), max_length=60)
    waybill = models.CharField(_("waybill number"), max_length=60)
    amount = _money(_("postage and freight"))
    description = models.CharField(_("what was sent"), max_length=200)
    handler = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    handled_at = models.DateTimeField(_("signed by the handler at"))
    status = models.CharField(
        _("status"), max_length=12, choices=Status.choices, default=Status.SIGNED_BY_HANDLER
    )
    approved_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    approved_at = models.DateTimeField(_("signed by the supervisor at"), null=True, blank=True)

    class Meta:
        verbose_name = _("postage write-off")
        verbose_name_plural = _("postage write-offs")
        ordering = ["-handled_at", "-id"]
        constraints = [
            models.UniqueConstraint(
                fields=["organisation", "carrier", "waybill"], name="postage_waybill_unique"
            ),
            models.CheckConstraint(condition=Q(amount__gt=0), name="postage_amount_gt_0"),
            models.CheckConstraint(
                condition=Q(status="handler") | Q(approved_by__isnull=False),
                name="postage_written_off_needs_supervisor",
            ),
        ]

    def __str__(self):
        return f"{self.carrier} {self.waybill} ¥{self.amount}"
