"""Service requests and work orders (报修 / 派工单), their SLA configuration and service reports."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

from django.conf import settings
from django.db import models
from django.db.models import Case, F, Q, Value, When
from django.db.models.functions import Coalesce, Least, NullIf
from django.utils.translation import gettext_lazy as _
from simple_history.models import HistoricalRecords

from shouhou.core.models import OrgScopedModel, OrgSettings
from shouhou.core.money import non_negative
from shouhou.customers.models import FaultTier  # the order keeps its fault's tier group

from . import deadlines as dl
from . import states


class Kind(models.TextChoices):
    INSTALLATION = "installation", _("Installation")
    REPAIR = "repair", _("Repair")
    MAINTENANCE = "maintenance", _("Maintenance")
    DELIVERY = "delivery", _("Delivery")
    INSPECTION = "inspection", _("Inspection")
    CONSULTATION = "consultation", _("Consultation")
    RETURN = "return", _("Return")
    EXCHANGE = "exchange", _("Exchange")
    COMPLAINT = "complaint", _("Complaint")


class Source(models.TextChoices):
    HOTLINE = "hotline", _("Hotline")
    WALK_IN = "walk_in", _("Walk-in")
    SELF_SERVICE = "self_service", _("Customer's own request (QR code)")
    DEALER = "dealer", _("Dealer")
    CALLBACK = "callback", _("Found by a callback")
    TECHNICIAN = "technician", _("Received directly by a technician")


def default_work_kinds() -> dict:
    """Which permit kind (staff.WorkKind) a technician needs for each kind of order."""
    return {
        "installation": "installation",
        "repair": "repair",
        "maintenance": "repair",
        "inspection": "repair",
        "delivery": "delivery",
        "return": "delivery",
        "exchange": "delivery",
        "consultation": "repair",
        "complaint": "repair",
    }


class Route(models.TextChoices):
    """How the request has to be handled, beyond the ordinary way (seed 002). Blank: ordinary."""

    PARTNER = "partner", _("A partner manufacturer must be involved (需与配套厂家联系)")
    MARKETING = "marketing", _("Reported to the marketing department (written contact)")
    PROJECT = "project", _("Project maintenance (工程维护)")
    THREE_GUARANTEE = "three_guarantee", _("Three-guarantee service (三包)")


def default_escalation_roles() -> list:
    """Who hears of an order past a response-tier limit (not arranged, no written contact)."""
    return ["cs_supervisor", "cs_manager"]


class WorkOrderSettings(OrgSettings):
    """Per-organisation numbers of the work-order rules (defaults from seed 001)."""

    organisation = models.OneToOneField(
        "org.Organisation",
        on_delete=models.CASCADE,
        related_name="workorder_settings",
        verbose_name=_("organisation"),
    )
    callback_after_appointment_days = models.PositiveSmallIntegerField(
        _("callback after the appointment date (working days)"), default=1
    )
    unreachable_report_after_days = models.PositiveSmallIntegerField(
        _("report an unreachable customer after (working days)"), default=2
    )
    no_news_after_days = models.PositiveSmallIntegerField(
        _("orders without news after (working days)"), default=2
    )
    self_report_late_after_days = models.PositiveSmallIntegerField(
        _("a directly received job is late when reported after (days)"),
        default=0,
        help_text=_("0: it must be reported on the day it was received."),
    )
    self_report_no_bonus_after_days = models.PositiveSmallIntegerField(
        _("no callback and no bonus when reported later than (days)"), default=2
    )
    missed_service_deduction = models.DecimalField(
        _("deduction for a missed service"),
        max_digits=12,
        decimal_places=2,
        default=Decimal("50.00"),
        validators=[non_negative],
    )
    public_requests_per_hour = models.PositiveSmallIntegerField(
        _("public requests per hour from one address"), default=5
    )
    progress_link_days = models.PositiveSmallIntegerField(
        _("customer progress link valid for (days)"), default=180
    )
    loan_return_working_days = models.PositiveSmallIntegerField(
        _("a loan unit is overdue when not back (working days after the order was fixed)"),
        default=2,
    )
    due_soon_working_hours = models.PositiveSmallIntegerField(
        _("an order is due soon within (working hours)"),
        default=4,
        help_text=_("The lists mark an order whose next time limit is this close."),
    )
    escalate_to_roles = models.JSONField(
        _("orders past a response-tier limit are reported to (roles)"),
        default=default_escalation_roles,
        help_text=_("Role codes, e.g. cs_supervisor, cs_manager, general_manager."),
    )
    work_kinds = models.JSONField(
        _("permit kind needed per order kind"),
        default=default_work_kinds,
        help_text=_("Order kind → staff work kind (installation, repair, delivery, warehouse)."),
    )
    history = HistoricalRecords()

    class Meta:
        verbose_name = _("work-order settings")
        verbose_name_plural = _("work-order settings")

    def __str__(self):
        return str(self.organisation)


class SlaPolicy(OrgScopedModel):
    """A set of time limits; the most specific matching policy applies to an order."""

    name = models.CharField(_("name"), max_length=100)
    code = models.SlugField(_("code"), max_length=40)
    description = models.TextField(_("description"), blank=True)
    customer = models.ForeignKey(
        "customers.Customer",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("customer"),
    )
    category = models.ForeignKey(
        "catalog.Category",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("product category"),
    )
    store = models.ForeignKey(
        "org.Store",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("store"),
    )
    for_emergency = models.BooleanField(_("only for emergencies"), default=False)
    min_distance_km = models.DecimalField(
        _("only beyond this distance (km)"), max_digits=7, decimal_places=1, null=True, blank=True
    )
    # The response tiers of seed 002: the service radius's inner band, the fault category and
    # the route select a tier as the fields above select a policy.
    max_distance_km = models.DecimalField(
        _("only within this distance (km)"),
        max_digits=7,
        decimal_places=1,
        null=True,
        blank=True,
        help_text=_(
            "The service radius: an order at this distance or closer matches, and so does an "
            "order whose distance is not known (taken as within the radius)."
        ),
    )
    fault_category = models.CharField(
        _("only for this fault category"),
        max_length=20,
        choices=FaultTier.choices,
        blank=True,
    )
    route = models.CharField(
        _("only for this route"), max_length=20, choices=Route.choices, blank=True
    )
    loan_unit_if_late = models.BooleanField(
        _("lend an equivalent unit if not fixed in time"), default=False
    )
    priority = models.SmallIntegerField(_("priority"), default=0)
    is_active = models.BooleanField(_("active"), default=True)
    history = HistoricalRecords()

    class Meta:
        verbose_name = _("SLA policy")
        verbose_name_plural = _("SLA policies")
        ordering = ["name"]
        constraints = [
            models.UniqueConstraint(fields=["organisation", "code"], name="sla_code_unique_per_org")
        ]

    def __str__(self):
        return self.name


class SlaTarget(OrgScopedModel):
    class Target(models.TextChoices):
        CONTACT = dl.CONTACT, _("Contact the customer")
        ONSITE = dl.ONSITE, _("On site")
        REPLY = dl.REPLY, _("Reply to the call centre")
        FIXED = dl.FIXED, _("Fixed")
        ARRANGE = dl.ARRANGE, _("Arranged (dispatched)")
        WRITTEN = dl.WRITTEN, _("Written contact")

    class Unit(models.TextChoices):
        WORKING_DAYS = dl.WORKING_DAYS, _("working days")
        WORKING_HOURS = dl.WORKING_HOURS, _("working hours")
        WORKING_MINUTES = dl.WORKING_MINUTES, _("working minutes")
        HOURS = dl.HOURS, _("hours")
        MINUTES = dl.MINUTES, _("minutes")

    class Anchor(models.TextChoices):
        RECEIVED = dl.ANCHOR_RECEIVED, _("from the request")
        DISPATCHED = dl.ANCHOR_DISPATCHED, _("from the dispatch")

    policy = models.ForeignKey(
        SlaPolicy, on_delete=models.CASCADE, related_name="targets", verbose_name=_("policy")
    )
    target = models.CharField(_("target"), max_length=20, choices=Target.choices)
    amount = models.DecimalField(_("amount"), max_digits=7, decimal_places=2)
    unit = models.CharField(_("unit"), max_length=20, choices=Unit.choices)
    anchor = models.CharField(
        _("counted"), max_length=20, choices=Anchor.choices, default=Anchor.DISPATCHED
    )
    history = HistoricalRecords()

    class Meta:
        verbose_name = _("SLA target")
        verbose_name_plural = _("SLA targets")
        ordering = ["policy", "target"]
        constraints = [
            models.UniqueConstraint(fields=["policy", "target"], name="sla_target_unique"),
            models.CheckConstraint(condition=Q(amount__gt=0), name="sla_target_amount_gt_0"),
        ]

    def __str__(self):
        return f"{self.get_target_display()} {self.amount} {self.get_unit_display()}"

    def spec(self) -> dl.TargetSpec:
        return dl.TargetSpec(self.target, self.amount, self.unit, self.anchor)


# What each sweep rule looks at (`jobs.py` adds "not flagged yet" and "due before now").
# Sorted tuples so the SQL of the index conditions and of the sweep's queries is identical.
SWEEP_ASSIGNED = tuple(sorted(states.ASSIGNED_STATES))
SWEEP_UNRESOLVED = tuple(sorted(states.UNRESOLVED_STATES))
SWEEP_NO_CALLBACK = tuple(sorted({states.NOT_HOME, states.CANCELLED}))
SWEEP_SCOPES = {
    "arrange": Q(
        dispatched_at__isnull=True, arrange_due_at__isnull=False, status__in=SWEEP_UNRESOLVED
    ),
    "reply": Q(replied_at__isnull=True, reply_due_at__isnull=False, status__in=SWEEP_ASSIGNED),
    "contact": Q(
        contacted_at__isnull=True, contact_due_at__isnull=False, status__in=SWEEP_ASSIGNED
    ),
    "onsite": Q(arrived_at__isnull=True, onsite_due_at__isnull=False, status__in=SWEEP_ASSIGNED),
    "fixed": Q(completed_at__isnull=True, fixed_due_at__isnull=False, status__in=SWEEP_UNRESOLVED),
    "unreachable": Q(
        unreachable_report_due_at__isnull=False,
        unreachable_since__isnull=False,
        unreachable_reason="",
        status__in=SWEEP_ASSIGNED,
    ),
    # Few rows, one per appointment: here the flag may be in the condition (else every order
    # that ever had an appointment would stay in the index).
    "callback": Q(callback_created=False, callback_due_on__isnull=False, no_callback=False)
    & ~Q(status__in=SWEEP_NO_CALLBACK),
}
SWEEP_INDEXES = [
    ("wo_sweep_arrange", "arrange_due_at", SWEEP_SCOPES["arrange"]),
    ("wo_sweep_reply", "reply_due_at", SWEEP_SCOPES["reply"]),
    ("wo_sweep_contact", "contact_due_at", SWEEP_SCOPES["contact"]),
    ("wo_sweep_onsite", "onsite_due_at", SWEEP_SCOPES["onsite"]),
    ("wo_sweep_fixed", "fixed_due_at", SWEEP_SCOPES["fixed"]),
    ("wo_sweep_unreachable", "unreachable_report_due_at", SWEEP_SCOPES["unreachable"]),
    ("wo_sweep_callback", "callback_due_on", SWEEP_SCOPES["callback"]),
]

# The order's next due time (`next_due_at`): the earliest time limit still open while the order
# is not resolved. A limit is open until its event happens (contacted, replied, on site, work
# done; the unreachable customer's report until the reason is written). SQLite's multi-argument
# MIN (Django's `Least`) is NULL when any argument is, so every open limit is COALESCEd to a far
# moment and that moment is NULLed again: one expression, the same result on both databases.
DUE_NEVER = dt.datetime(9999, 12, 31, tzinfo=dt.UTC)
OPEN_LIMITS = (
    ("arrange_due_at", Q(dispatched_at__isnull=True)),
    ("contact_due_at", Q(contacted_at__isnull=True)),
    ("reply_due_at", Q(replied_at__isnull=True)),
    ("onsite_due_at", Q(arrived_at__isnull=True)),
    ("fixed_due_at", Q(completed_at__isnull=True)),
    (
        "unreachable_report_due_at",
        Q(unreachable_since__isnull=False, unreachable_reason=""),
    ),
)


def _next_due_expression() -> Case:
    never = Value(DUE_NEVER, output_field=models.DateTimeField())
    limits = [
        Coalesce(Case(When(still_open, then=F(due))), never) for due, still_open in OPEN_LIMITS
    ]
    return Case(
        When(
            status__in=SWEEP_UNRESOLVED,
            then=NullIf(Least(*limits), never),
        ),
        default=None,
        output_field=models.DateTimeField(),
    )


class WorkOrder(OrgScopedModel):
    # Foreign keys without an index of their own (issue 15, "a lean row"): no query reads
    # orders by them, PostgreSQL's index statistics showed no scans in the benchmarks, and
    # each index costs every insert. The organisation is the first column of the composite
    # indexes below; dealer, model, contract, policy and author are only ever shown.
    organisation = models.ForeignKey(
        "org.Organisation",
        on_delete=models.PROTECT,
        related_name="+",
        verbose_name=_("organisation"),
        db_index=False,
    )
    number = models.CharField(_("number"), max_length=30, blank=True)
    kind = models.CharField(_("kind"), max_length=20, choices=Kind.choices)
    source = models.CharField(_("source"), max_length=20, choices=Source.choices)
    status = models.CharField(
        _("status"), max_length=20, choices=states.STATUS_CHOICES, default=states.NEW
    )
    customer = models.ForeignKey(
        "customers.Customer",
        on_delete=models.PROTECT,
        related_name="work_orders",
        verbose_name=_("customer"),
        db_index=False,  # wo_customer_status (customer, status) serves it
    )
    contact_phone = models.CharField(_("contact phone"), max_length=30, blank=True)
    district = models.CharField(_("district"), max_length=30, blank=True)
    address = models.CharField(_("address"), max_length=200, blank=True)
    store = models.ForeignKey(
        "org.Store",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("store"),
    )
    merchant = models.ForeignKey(
        "org.Merchant",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("merchant"),
    )
    dealer = models.ForeignKey(
        "org.Dealer",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("dealer"),
        db_index=False,
    )
    product = models.ForeignKey(
        "catalog.Product",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("product"),
    )
    product_model = models.ForeignKey(
        "catalog.ProductModel",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("model"),
        db_index=False,
    )
    contract = models.ForeignKey(
        "sales.Contract",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("contract"),
        db_index=False,
    )
    description = models.TextField(_("problem"), blank=True)
    # One problem, one case (issue 16.9): what is wrong, and the case that joins every record
    # about the same fault of the same product of the customer (work orders, complaints…).
    fault = models.ForeignKey(
        "customers.FaultCategory",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("fault"),
        db_index=False,  # only shown
    )
    service_case = models.ForeignKey(
        "customers.ServiceCase",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("service case"),
        db_index=False,  # wo_service_case (partial: most orders have none) serves it
    )
    is_emergency = models.BooleanField(_("emergency"), default=False)
    distance_km = models.DecimalField(
        _("distance (km)"), max_digits=7, decimal_places=1, null=True, blank=True
    )

    policy = models.ForeignKey(
        SlaPolicy,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("SLA policy"),
        db_index=False,
    )
    policy_reason = models.CharField(_("why this policy"), max_length=200, blank=True)
    fault_category = models.CharField(
        _("fault category"), max_length=20, choices=FaultTier.choices, blank=True
    )
    route = models.CharField(_("route"), max_length=20, choices=Route.choices, blank=True)

    technician = models.ForeignKey(
        "staff.ServiceStaff",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="work_orders",
        verbose_name=_("technician"),
        db_index=False,  # wo_tech_status (technician, status) serves it
    )
    dispatch_seq = models.PositiveIntegerField(_("dispatch number"), default=0)
    received_at = models.DateTimeField(_("received at"))
    reported_at = models.DateTimeField(_("reported at"), null=True, blank=True)
    dispatched_at = models.DateTimeField(_("dispatched at"), null=True, blank=True)

    contact_due_at = models.DateTimeField(_("contact due"), null=True, blank=True)
    onsite_due_at = models.DateTimeField(_("on site due"), null=True, blank=True)
    reply_due_at = models.DateTimeField(_("reply due"), null=True, blank=True)
    fixed_due_at = models.DateTimeField(_("fix due"), null=True, blank=True)
    arrange_due_at = models.DateTimeField(_("to be arranged by"), null=True, blank=True)

    contacted_at = models.DateTimeField(_("contacted at"), null=True, blank=True)
    replied_at = models.DateTimeField(_("first reply at"), null=True, blank=True)
    arrived_at = models.DateTimeField(_("arrived at"), null=True, blank=True)
    completed_at = models.DateTimeField(_("completed at"), null=True, blank=True)
    confirmed_at = models.DateTimeField(_("confirmed at"), null=True, blank=True)
    closed_at = models.DateTimeField(_("closed at"), null=True, blank=True)
    last_news_at = models.DateTimeField(_("last news at"), null=True, blank=True)

    appointment_at = models.DateTimeField(_("appointment"), null=True, blank=True)
    appointment_seq = models.PositiveIntegerField(default=0)
    callback_due_on = models.DateField(_("call-centre callback on"), null=True, blank=True)
    callback_created = models.BooleanField(default=False)

    unreachable_since = models.DateTimeField(_("unreachable since"), null=True, blank=True)
    unreachable_report_due_at = models.DateTimeField(
        _("unreachable report due"), null=True, blank=True
    )
    unreachable_reason = models.TextField(_("why the customer is unreachable"), blank=True)
    unreachable_overdue = models.BooleanField(_("unreachable report overdue"), default=False)
    not_home_note = models.TextField(_("note left for the customer"), blank=True)

    is_reissued = models.BooleanField(_("re-issued (重发)"), default=False)
    reissue_count = models.PositiveSmallIntegerField(_("times re-issued"), default=0)
    reissued_at = models.DateTimeField(_("re-issued at"), null=True, blank=True)
    needs_revisit = models.BooleanField(_("needs another visit"), default=False)

    contact_overdue = models.BooleanField(_("contact overdue"), default=False)
    onsite_overdue = models.BooleanField(_("on site overdue"), default=False)
    fixed_overdue = models.BooleanField(_("fix overdue"), default=False)
    arrange_overdue = models.BooleanField(_("not arranged in time"), default=False)
    reply_missed = models.BooleanField(_("no reply in time"), default=False)
    missed_service = models.BooleanField(_("missed service (遗漏服务)"), default=False)
    no_callback = models.BooleanField(_("no callback"), default=False)
    no_bonus = models.BooleanField(_("no bonus"), default=False)
    next_due_at = models.GeneratedField(
        expression=_next_due_expression(),
        output_field=models.DateTimeField(null=True, blank=True),
        db_persist=True,
        # Not `null=True` on the field itself (the output field is nullable): Django's SQLite
        # backend then rebuilds the table, as SQLite cannot ADD a stored generated column.
        verbose_name=_("next due"),
    )

    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("created by"),
        db_index=False,
    )

    class Meta:
        verbose_name = _("work order")
        verbose_name_plural = _("work orders")
        ordering = ["-is_reissued", "-received_at", "-id"]
        indexes = [
            models.Index(fields=["organisation", "status"], name="wo_org_status"),
            models.Index(fields=["customer", "status"], name="wo_customer_status"),
            models.Index(fields=["technician", "status"], name="wo_tech_status"),
            models.Index(
                fields=["service_case", "received_at"],
                condition=Q(service_case__isnull=False),
                name="wo_service_case",
            ),
            # The lists' order (re-issued first, then newest) for keyset pages, for the whole
            # organisation and for one technician's queue.
            models.Index(
                fields=["organisation", "-is_reissued", "-received_at", "-id"],
                name="wo_list_default",
            ),
            models.Index(
                fields=["technician", "-is_reissued", "-received_at", "-id"],
                name="wo_list_technician",
            ),
            # The lists sorted by the next due time (and the due filters' ranges): only orders
            # with a limit still open are in it.
            models.Index(
                fields=["organisation", "next_due_at", "id"],
                condition=Q(next_due_at__isnull=False),
                name="wo_list_due",
            ),
            # One partial index per sweep rule, ordered (due, id) for the sweep's keyset batches.
            # The conditions leave out the flags the sweep sets, so setting a flag changes no
            # indexed column and PostgreSQL can update the row in place (HOT, see fillfactor in
            # migration 0002); rows leave an index when the event happens or the order ends.
            *[
                models.Index(fields=[due, "id"], condition=condition, name=name)
                for name, due, condition in SWEEP_INDEXES
            ],
        ]
        constraints = [
            models.UniqueConstraint(
                fields=["organisation", "number"],
                condition=~Q(number=""),
                name="wo_number_unique_per_org",
            ),
        ]

    def __str__(self):
        return self.number or f"#{self.pk}"

    @property
    def category(self) -> str:
        return states.category(self.status)

    @property
    def status_label(self):
        return states.STATUS_LABELS.get(self.status, self.status)


class WorkOrderCounter(models.Model):
    """The last order number given per organisation and year: an intake takes the next one
    under a row lock, so the order is inserted once, already carrying its number."""

    organisation = models.ForeignKey(
        "org.Organisation",
        on_delete=models.CASCADE,
        related_name="+",
        verbose_name=_("organisation"),
    )
    year = models.PositiveSmallIntegerField(_("year"))
    value = models.PositiveIntegerField(_("last number"), default=0)

    class Meta:
        verbose_name = _("work-order number counter")
        verbose_name_plural = _("work-order number counters")
        constraints = [
            models.UniqueConstraint(fields=["organisation", "year"], name="wo_counter_unique_year")
        ]

    def __str__(self):
        return f"{self.organisation_id} {self.year}: {self.value}"


class StatusChange(OrgScopedModel):
    """The order's state history; deadlines are recomputed from it (never a running counter)."""

    order = models.ForeignKey(
        WorkOrder, on_delete=models.CASCADE, related_name="status_changes", verbose_name=_("order")
    )
    from_status = models.CharField(_("from"), max_length=20, blank=True)
    to_status = models.CharField(_("to"), max_length=20)
    at = models.DateTimeField(_("time"))
    by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("by"),
    )

    class Meta:
        verbose_name = _("status change")
        verbose_name_plural = _("status changes")
        ordering = ["at", "id"]
        indexes = [models.Index(fields=["order", "at"])]

    def __str__(self):
        return f"{self.order} {self.from_status}→{self.to_status}"


class Call(OrgScopedModel):
    """Each request about an order: the first one and every later call joined to it."""

    order = models.ForeignKey(
        WorkOrder, on_delete=models.CASCADE, related_name="calls", verbose_name=_("order")
    )
    source = models.CharField(_("source"), max_length=20, choices=Source.choices)
    at = models.DateTimeField(_("time"))
    description = models.TextField(_("what the customer said"), blank=True)
    joined = models.BooleanField(_("joined to an open order"), default=False)
    by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("taken by"),
    )

    class Meta:
        verbose_name = _("call")
        verbose_name_plural = _("calls")
        ordering = ["at", "id"]

    def __str__(self):
        return f"{self.order} {self.at:%Y-%m-%d %H:%M}"


class ContactAttempt(OrgScopedModel):
    order = models.ForeignKey(
        WorkOrder,
        on_delete=models.CASCADE,
        related_name="contact_attempts",
        verbose_name=_("order"),
    )
    at = models.DateTimeField(_("time"))
    reached = models.BooleanField(_("reached"))
    note = models.TextField(_("note"), blank=True)
    by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("by"),
    )

    class Meta:
        verbose_name = _("contact attempt")
        verbose_name_plural = _("contact attempts")
        ordering = ["at", "id"]

    def __str__(self):
        return f"{self.order} {self.at:%Y-%m-%d %H:%M}"


class MissedService(OrgScopedModel):
    """A missed service (遗漏服务): the record of a deduction for the technician."""

    class Reason(models.TextChoices):
        NO_REPLY = "no_reply", _("No reply within the time limit")
        NO_SHOW = "no_show", _("Did not come at the agreed time")
        LATE_SELF_REPORT = "late_self_report", _("Directly received job reported late")

    order = models.ForeignKey(
        WorkOrder,
        on_delete=models.CASCADE,
        related_name="missed_services",
        verbose_name=_("order"),
        db_index=False,  # the unique constraint (order, reason, cycle) serves it
    )
    technician = models.ForeignKey(
        "staff.ServiceStaff",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("technician"),
    )
    reason = models.CharField(_("reason"), max_length=20, choices=Reason.choices)
    cycle = models.PositiveIntegerField(_("dispatch number"))
    detected_at = models.DateTimeField(_("detected at"))
    deduction = models.DecimalField(
        _("deduction"), max_digits=12, decimal_places=2, default=Decimal("0.00")
    )
    no_bonus = models.BooleanField(_("no bonus for this job"), default=False)
    note = models.TextField(_("note"), blank=True)

    class Meta:
        verbose_name = _("missed service")
        verbose_name_plural = _("missed services")
        ordering = ["-detected_at", "-id"]
        constraints = [
            # The sweep can run twice: one record per order, reason and dispatch.
            models.UniqueConstraint(fields=["order", "reason", "cycle"], name="missed_once"),
        ]
        indexes = [models.Index(fields=["organisation", "detected_at"])]

    def __str__(self):
        return f"{self.order} {self.get_reason_display()}"


class ServiceReport(OrgScopedModel):
    """The service report (服务报告). The customer signs after completion; then it is frozen."""

    class SignedVia(models.TextChoices):
        DRAWN = "drawn", _("Drawn on the technician's phone")
        LINK = "link", _("Confirmed through the signed link")

    order = models.OneToOneField(
        WorkOrder, on_delete=models.CASCADE, related_name="report", verbose_name=_("order")
    )
    findings = models.TextField(_("findings"), blank=True)
    work_done = models.TextField(_("work done"), blank=True)
    steps_done = models.JSONField(_("service steps done"), default=list, blank=True)
    fee = models.DecimalField(
        _("fee charged"),
        max_digits=12,
        decimal_places=2,
        default=Decimal("0.00"),
        validators=[non_negative],
    )
    fee_approval = models.CharField(
        _("paid-service approval"),
        max_length=100,
        blank=True,
        help_text=_("No fee may be charged except approved paid service."),
    )
    fee_handed_in_at = models.DateTimeField(_("fee handed in at"), null=True, blank=True)
    signature = models.TextField(_("signature (PNG data URL)"), blank=True)
    signer_name = models.CharField(_("signed by"), max_length=50, blank=True)
    signed_at = models.DateTimeField(_("signed at"), null=True, blank=True)
    signed_via = models.CharField(
        _("signed via"), max_length=10, choices=SignedVia.choices, blank=True
    )
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("written by"),
    )

    class Meta:
        verbose_name = _("service report")
        verbose_name_plural = _("service reports")
        constraints = [
            models.CheckConstraint(
                condition=Q(fee=0) | ~Q(fee_approval=""), name="report_fee_needs_approval"
            ),
        ]

    def __str__(self):
        return str(self.order)

    @property
    def is_signed(self) -> bool:
        return self.signed_at is not None


class ReportPart(OrgScopedModel):
    """A part replaced on the job. The old part (旧件) is packed and brought back; the warehouse
    keeper records its receipt (seed 002: parts are written off against the signed report and
    the returned old part)."""

    class OldCondition(models.TextChoices):
        USABLE = "usable", _("Usable (可利用旧件)")
        SCRAP = "scrap", _("Scrap (废件)")

    report = models.ForeignKey(
        ServiceReport, on_delete=models.CASCADE, related_name="parts", verbose_name=_("report")
    )
    name = models.CharField(_("part"), max_length=100)
    quantity = models.PositiveIntegerField(_("quantity"))
    reason = models.CharField(_("reason"), max_length=200)
    return_old = models.BooleanField(_("old part to be returned"), default=True)
    old_returned_at = models.DateTimeField(_("old part returned at"), null=True, blank=True)
    old_received_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("old part received by"),
    )
    old_returned_quantity = models.PositiveIntegerField(
        _("old parts received"), null=True, blank=True
    )
    old_condition = models.CharField(
        _("condition of the old part"), max_length=10, choices=OldCondition.choices, blank=True
    )
    old_return_note = models.TextField(_("note on the returned part"), blank=True)

    class Meta:
        verbose_name = _("replaced part")
        verbose_name_plural = _("replaced parts")
        ordering = ["id"]
        constraints = [
            models.CheckConstraint(condition=Q(quantity__gt=0), name="report_part_qty_gt_0"),
            models.CheckConstraint(
                condition=Q(old_returned_quantity__isnull=True)
                | Q(old_returned_quantity__lte=F("quantity")),
                name="report_part_returned_le_qty",
            ),
        ]
        indexes = [
            # The warehouse's list of old parts still to come back.
            models.Index(
                fields=["organisation", "id"],
                condition=Q(return_old=True, old_returned_at__isnull=True),
                name="part_old_outstanding",
            )
        ]

    def __str__(self):
        return f"{self.name} × {self.quantity}"


class ReportPhoto(OrgScopedModel):
    report = models.ForeignKey(
        ServiceReport, on_delete=models.CASCADE, related_name="photos", verbose_name=_("report")
    )
    image = models.FileField(_("photo"), upload_to="workorders/photos/%Y/%m/")
    caption = models.CharField(_("caption"), max_length=100, blank=True)
    uploaded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("uploaded by"),
    )

    class Meta:
        verbose_name = _("photo")
        verbose_name_plural = _("photos")
        ordering = ["id"]

    def __str__(self):
        return self.caption or self.image.name


class PublicRequest(OrgScopedModel):
    """A request sent by the customer through the public form (QR code), before it is an order.

    A known phone number becomes an order at once; an unknown one waits for the service desk to
    register the customer (a clerk turns it into an order with the hotline intake).
    """

    class Status(models.TextChoices):
        PENDING = "pending", _("Waiting for the service desk")
        ACCEPTED = "accepted", _("Accepted as a work order")
        REJECTED = "rejected", _("Rejected")

    store = models.ForeignKey(
        "org.Store", on_delete=models.PROTECT, related_name="+", verbose_name=_("store")
    )
    name = models.CharField(_("name"), max_length=50)
    mobile = models.CharField(_("mobile"), max_length=20)
    district = models.CharField(_("district"), max_length=30, blank=True)
    address_detail = models.CharField(_("address"), max_length=200, blank=True)
    kind = models.CharField(_("kind"), max_length=20, choices=Kind.choices)
    description = models.TextField(_("problem"))
    ip = models.GenericIPAddressField(_("IP address"), null=True, blank=True)
    status = models.CharField(
        _("status"), max_length=20, choices=Status.choices, default=Status.PENDING
    )
    order = models.ForeignKey(
        WorkOrder,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="public_requests",
        verbose_name=_("work order"),
    )
    handled_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("handled by"),
    )
    handled_at = models.DateTimeField(_("handled at"), null=True, blank=True)
    reject_reason = models.TextField(_("why it was rejected"), blank=True)

    class Meta:
        verbose_name = _("customer's request")
        verbose_name_plural = _("customers' requests")
        ordering = ["-created_at", "-id"]
        indexes = [models.Index(fields=["organisation", "status"])]

    def __str__(self):
        return f"{self.name} {self.created_at:%Y-%m-%d %H:%M}" if self.created_at else self.name


class LoanUnit(OrgScopedModel):
    """A unit lent to the customer while theirs is not fixed (备用机, seed 002 工程方案: "若在4小时内
    仍未能有效解决，乙方须免费提供同档次的设备予甲方临时使用"): which unit, when and by whom it was lent,
    the deposit if any, when it came back. An order cannot be closed while its unit is out."""

    order = models.ForeignKey(
        WorkOrder, on_delete=models.PROTECT, related_name="loan_units", verbose_name=_("work order")
    )
    unit = models.CharField(_("unit lent (model, serial number)"), max_length=200)
    lent_at = models.DateTimeField(_("lent at"))
    lent_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        related_name="+",
        verbose_name=_("lent by"),
    )
    deposit = models.DecimalField(
        _("deposit"),
        max_digits=12,
        decimal_places=2,
        default=Decimal("0.00"),
        validators=[non_negative],
    )
    deposit_receipt_no = models.CharField(_("deposit receipt number"), max_length=40, blank=True)
    note = models.CharField(_("note"), max_length=500, blank=True)
    returned_at = models.DateTimeField(_("returned at"), null=True, blank=True)
    returned_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("taken back by"),
    )
    deposit_refunded = models.BooleanField(_("deposit refunded"), default=False)

    class Meta:
        verbose_name = _("loan unit")
        verbose_name_plural = _("loan units")
        ordering = ["-lent_at", "-id"]
        constraints = [
            # One unit out per order at a time (a double-clicked "lend" makes one loan).
            models.UniqueConstraint(
                fields=["order"], condition=Q(returned_at__isnull=True), name="one_loan_out"
            )
        ]
        indexes = [
            models.Index(
                fields=["organisation", "lent_at"],
                condition=Q(returned_at__isnull=True),
                name="loan_out",
            )
        ]

    @property
    def is_out(self) -> bool:
        return self.returned_at is None

    def __str__(self) -> str:
        return f"{self.unit} → {self.order_id}"


class WrittenContact(OrgScopedModel):
    """A written contact (seed 002 3.2.3: "服务组应在12小时内以文字形式联系处理,联系结果应存档并及时向用户
    反馈"): a chassis or engine fault reported to the marketing department is answered in writing
    by its due time; the text and the result are kept (archived) and the customer is told the
    result (fed back). Written once: a recorded text is never edited, a correction is a note
    of the feedback. Made at intake when the order's tier has a written-contact target."""

    order = models.OneToOneField(
        WorkOrder,
        on_delete=models.CASCADE,
        related_name="written_contact",
        verbose_name=_("work order"),
    )
    due_at = models.DateTimeField(_("written contact due"))
    written_at = models.DateTimeField(_("written at"), null=True, blank=True)
    channel = models.CharField(
        _("sent by (letter, fax, e-mail, message)"), max_length=40, blank=True
    )
    text = models.TextField(_("what was written"), blank=True)
    result = models.TextField(_("result of the contact"), blank=True)
    written_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("written by"),
    )
    fed_back_at = models.DateTimeField(_("result told to the customer at"), null=True, blank=True)
    feedback = models.TextField(_("what the customer was told"), blank=True)
    fed_back_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("told by"),
    )
    overdue = models.BooleanField(_("not written in time"), default=False)

    class Meta:
        verbose_name = _("written contact")
        verbose_name_plural = _("written contacts")
        ordering = ["due_at", "id"]
        indexes = [
            # The sweep's rows: not written yet, by due time (the flag is left out of the
            # condition, as on the orders' sweep indexes).
            models.Index(
                fields=["due_at", "id"],
                condition=Q(written_at__isnull=True),
                name="wo_written_due",
            )
        ]

    def __str__(self) -> str:
        return f"{self.order_id} {self.due_at:%Y-%m-%d %H:%M}"

    @property
    def written_in_time(self) -> bool | None:
        if self.written_at is None:
            return None
        return self.written_at <= self.due_at

    @property
    def archived(self) -> bool:
        """Written and the result told to the customer: the record is complete and kept."""
        return self.written_at is not None and self.fed_back_at is not None
