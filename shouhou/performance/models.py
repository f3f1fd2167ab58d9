"""Technician performance (考核, seed 001; seed 002 §3.2; DOMAIN.md §8).

Configuration per organisation (every number a default the organisation may change):

* `ScoringSettings`: the weight of each of the five rates (default 20/10/20/30/20 %), the score
  of a rate above every tier (default 0), the department targets (service on time ≥ 90 %,
  satisfaction ≥ 85 %, service-caused complaints < 3 %) and when the job closes a month.
* `ScoreTier`: per rate, the tiers "above `lower` % up to and including `upper` % scores
  `score`" (default ≤ 2 % → 5, ≤ 4 % → 4, ≤ 8 % → 3, complaints ≤ 6 % → 3). Replaced as a whole
  set by `services.scoring_settings_update`, which refuses gaps and overlaps.
* `BonusStep`: the bonus table: a month's total score of at least `min_score` gives the bonus
  base `amount` (the highest step reached applies).

The month (`MonthClose`) is open until it is closed (by the job after its last day, or by a
manager); closing freezes the figures in `MonthOrder` (one row per order counted, with the facts
behind each rate) and `TechnicianMonth` (one row per technician, with rates, scores, total and
bonus base). Re-opening (a manager, with a reason) deletes the frozen rows; `MonthEvent` keeps
every close and re-open. `Exclusion`: a complaint (malicious, product quality) or a dissatisfied
callback (product quality) a manager takes out of the technician's figures before the close.
"""

from decimal import Decimal

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _
from simple_history.models import HistoricalRecords

from shouhou.core.models import OrgScopedModel, OrgSettings
from shouhou.core.money import MoneyField, non_negative


class Rate(models.TextChoices):
    """The five rates of seed 001's table, in its order."""

    NOT_CONTACTED = "not_contacted", _("Not contacted within 1 working day")
    NOT_ON_TIME = "not_on_time", _("Not on time")
    NOT_SATISFIED = "not_satisfied", _("Customer not satisfied")
    COMPLAINT = "complaint", _("Customer complaint")
    MISSED = "missed", _("Missed service")


RATES = tuple(Rate.values)

# What each rate counts (shown on the pages; the SQL is in figures.py). Each rate is that count
# divided by the technician's base orders of the month.
BASE_HELP = _(
    "Base orders: the technician's orders visited in the month — the visit is the arrival on "
    "site, else the completion, in Beijing time, so a visit on the last day at 23:59 counts in "
    "that month — not cancelled, and not a directly received job reported too late (no bonus)."
)
RATE_HELP = {
    Rate.NOT_CONTACTED: _(
        "Never contacted, or contacted after the contact deadline (1 working day after the "
        "dispatch, on the working-day calendar), or marked contact overdue."
    ),
    Rate.NOT_ON_TIME: _(
        "Arrived after the on-site deadline, or marked on-site overdue, or a callback said the "
        "technician was late or did not come as agreed."
    ),
    Rate.NOT_SATISFIED: _(
        "A callback scored satisfaction below the organisation's “satisfied from” score "
        "(callback settings, default 4 of 5), unless a manager excluded it (product quality)."
    ),
    Rate.COMPLAINT: _(
        "A complaint registered on the order, unless a manager excluded it (malicious, or "
        "caused by product quality)."
    ),
    Rate.MISSED: _(
        "A missed service (遗漏服务) of this technician is recorded on the order: no reply "
        "within the time limit, did not come at the agreed time, or a directly received job "
        "reported late."
    ),
}

# Seed 001's table: weights and tiers (above lower, up to and including upper → score).
DEFAULT_WEIGHTS = {
    Rate.NOT_CONTACTED: Decimal("20"),
    Rate.NOT_ON_TIME: Decimal("10"),
    Rate.NOT_SATISFIED: Decimal("20"),
    Rate.COMPLAINT: Decimal("30"),
    Rate.MISSED: Decimal("20"),
}
_STANDARD_TIERS = [("0", "2", "5"), ("2", "4", "4"), ("4", "8", "3")]
DEFAULT_TIERS = {
    rate: [
        tuple(Decimal(x) for x in t)
        for t in (
            [("0", "2", "5"), ("2", "4", "4"), ("4", "6", "3")]
            if rate == Rate.COMPLAINT
            else _STANDARD_TIERS
        )
    ]
    for rate in RATES
}
# The seed names no amounts: a starting table each organisation replaces with its own.
DEFAULT_BONUS_STEPS = [
    (Decimal("4.50"), Decimal("1000.00")),
    (Decimal("4.00"), Decimal("800.00")),
    (Decimal("3.50"), Decimal("600.00")),
    (Decimal("3.00"), Decimal("400.00")),
    (Decimal("0.00"), Decimal("0.00")),
]

PERCENT = [MinValueValidator(Decimal("0")), MaxValueValidator(Decimal("100"))]


def _pct(verbose, default):
    return models.DecimalField(
        verbose, max_digits=5, decimal_places=2, default=Decimal(default), validators=PERCENT
    )


class ScoringSettings(OrgSettings):
    """Per-organisation weights, the score below every tier, department targets, month close."""

    organisation = models.OneToOneField(
        "org.Organisation",
        on_delete=models.CASCADE,
        related_name="scoring_settings",
        verbose_name=_("organisation"),
    )
    weight_not_contacted = _pct(_("weight: not contacted within 1 working day (%)"), "20")
    weight_not_on_time = _pct(_("weight: not on time (%)"), "10")
    weight_not_satisfied = _pct(_("weight: customer not satisfied (%)"), "20")
    weight_complaint = _pct(_("weight: customer complaint (%)"), "30")
    weight_missed = _pct(_("weight: missed service (%)"), "20")
    below_score = models.DecimalField(
        _("score above every tier"),
        max_digits=5,
        decimal_places=2,
        default=Decimal("0"),
        validators=[MinValueValidator(Decimal("0"))],
        help_text=_("A rate worse than the last tier scores this (seed 001 leaves it open)."),
    )
    target_on_time = _pct(_("target: service on time at least (%)"), "90")
    target_satisfaction = _pct(_("target: satisfaction at least (%)"), "85")
    target_service_complaints = _pct(_("target: service-caused complaints below (%)"), "3")
    close_after_working_days = models.PositiveSmallIntegerField(
        _("the job closes a month after (working days)"),
        default=0,
        help_text=_(
            "0: on the first run after the month's last day (seed 001). More leaves time for "
            "the callbacks of the last days' visits."
        ),
    )
    trend_months = models.PositiveSmallIntegerField(
        _("months in the trend"), default=6, validators=[MinValueValidator(1)]
    )
    history = HistoricalRecords()

    class Meta:
        verbose_name = _("scoring settings")
        verbose_name_plural = _("scoring settings")

    def __str__(self):
        return str(self.organisation)

    def weights(self) -> dict:
        return {rate: getattr(self, f"weight_{rate}") for rate in RATES}

    def clean(self):
        total = sum((w or Decimal("0")) for w in self.weights().values())
        if total != Decimal("100"):
            raise ValidationError(
                {
                    "weight_complaint": _(
                        "The weights add up to %(total)s %%; they must add up to 100 %%."
                    )
                    % {"total": total}
                }
            )


class ScoreTier(OrgScopedModel):
    """Above `lower` % (the first tier starts at 0 % and includes it) up to and including
    `upper` % → `score`."""

    rate = models.CharField(_("rate"), max_length=20, choices=Rate.choices)
    lower = models.DecimalField(_("above (%)"), max_digits=5, decimal_places=2, validators=PERCENT)
    upper = models.DecimalField(
        _("up to and including (%)"), max_digits=5, decimal_places=2, validators=PERCENT
    )
    score = models.DecimalField(
        _("score"), max_digits=5, decimal_places=2, validators=[MinValueValidator(Decimal("0"))]
    )
    history = HistoricalRecords()

    class Meta:
        verbose_name = _("score tier")
        verbose_name_plural = _("score tiers")
        ordering = ["rate", "lower"]
        constraints = [
            models.UniqueConstraint(
                fields=["organisation", "rate", "lower"], name="perf_tier_unique_start"
            ),
            models.CheckConstraint(
                condition=Q(upper__gt=models.F("lower")), name="perf_tier_upper_gt_lower"
            ),
        ]

    def __str__(self):
        return f"{self.get_rate_display()} ({self.lower}, {self.upper}] → {self.score}"


class BonusStep(OrgScopedModel):
    """A total score of at least `min_score` gives this month's bonus base (计算基数)."""

    min_score = models.DecimalField(
        _("total score from"),
        max_digits=5,
        decimal_places=2,
        validators=[MinValueValidator(Decimal("0"))],
    )
    amount = MoneyField(_("bonus base"), validators=[non_negative])
    history = HistoricalRecords()

    class Meta:
        verbose_name = _("bonus table step")
        verbose_name_plural = _("bonus table")
        ordering = ["-min_score"]
        constraints = [
            models.UniqueConstraint(
                fields=["organisation", "min_score"], name="perf_bonus_unique_score"
            ),
        ]

    def __str__(self):
        return f"≥ {self.min_score} → ¥{self.amount}"


class MonthClose(OrgScopedModel):
    """The state of one organisation's month. No row: open (never closed)."""

    class Status(models.TextChoices):
        OPEN = "open", _("Open")
        CLOSED = "closed", _("Closed")

    month = models.DateField(_("month"), help_text=_("The first day of the month."))
    status = models.CharField(
        _("status"), max_length=10, choices=Status.choices, default=Status.OPEN
    )
    closed_at = models.DateTimeField(_("closed at"), null=True, blank=True)
    closed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("closed by"),
        help_text=_("Empty: closed by the month-end job."),
    )
    reopened_at = models.DateTimeField(_("last re-opened at"), null=True, blank=True)
    reopened_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("last re-opened by"),
    )
    reopen_count = models.PositiveSmallIntegerField(_("times re-opened"), default=0)
    scheme = models.JSONField(
        _("scoring used"),
        default=dict,
        blank=True,
        help_text=_("Weights, tiers, bonus table and satisfaction threshold at the close."),
    )

    class Meta:
        verbose_name = _("month close")
        verbose_name_plural = _("month closes")
        ordering = ["-month"]
        constraints = [
            models.UniqueConstraint(fields=["organisation", "month"], name="perf_month_once"),
        ]

    def __str__(self):
        return f"{self.month:%Y-%m} {self.get_status_display()}"

    @property
    def is_closed(self) -> bool:
        return self.status == self.Status.CLOSED


class MonthEvent(OrgScopedModel):
    """Each close and re-open of a month: who, when, why, and what the frozen figures were."""

    class Action(models.TextChoices):
        CLOSED = "closed", _("Closed")
        REOPENED = "reopened", _("Re-opened")

    month_close = models.ForeignKey(
        MonthClose, on_delete=models.CASCADE, related_name="events", verbose_name=_("month")
    )
    action = models.CharField(_("action"), max_length=10, choices=Action.choices)
    at = models.DateTimeField(_("time"))
    by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("by"),
        help_text=_("Empty: the month-end job."),
    )
    reason = models.TextField(_("reason"), blank=True)
    technicians = models.PositiveIntegerField(_("technicians"), default=0)
    orders = models.PositiveIntegerField(_("orders"), default=0)
    figures = models.JSONField(
        _("frozen figures"),
        default=list,
        blank=True,
        help_text=_("On re-open: [technician id, total score, bonus base] as they were frozen."),
    )

    class Meta:
        verbose_name = _("month close event")
        verbose_name_plural = _("month close events")
        ordering = ["-at", "-id"]

    def __str__(self):
        return f"{self.month_close} {self.get_action_display()} {self.at:%Y-%m-%d %H:%M}"


def _flag(verbose):
    return models.BooleanField(verbose, default=False)


class MonthOrder(OrgScopedModel):
    """A closed month's order, frozen with the facts behind each rate (the drill-down).

    A closed month writes one row per order (80,000 for 2,000 technicians) in one INSERT ...
    SELECT: the references carry no database constraint (each would be checked row by row at
    commit, tripling the close) and the organisation has no index of its own (the composite
    indexes start with it). The rows are written only from the orders they point to.
    """

    organisation = models.ForeignKey(
        "org.Organisation",
        on_delete=models.DO_NOTHING,
        related_name="+",
        verbose_name=_("organisation"),
        db_index=False,
        db_constraint=False,
    )
    month = models.DateField(_("month"))
    order = models.ForeignKey(
        "workorders.WorkOrder",
        on_delete=models.DO_NOTHING,
        related_name="+",
        verbose_name=_("work order"),
        db_index=False,  # the unique (organisation, month, order) serves it
        db_constraint=False,
    )
    technician = models.ForeignKey(
        "staff.ServiceStaff",
        on_delete=models.DO_NOTHING,
        related_name="+",
        verbose_name=_("technician"),
        db_index=False,  # perf_monthorder_tech (organisation, month, technician)
        db_constraint=False,
    )
    store = models.ForeignKey(
        "org.Store",
        on_delete=models.DO_NOTHING,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("store"),
        db_index=False,
        db_constraint=False,
    )
    visit_at = models.DateTimeField(_("visit"))
    in_base = models.BooleanField(
        _("counts for the technician"),
        default=True,
        help_text=_("No: a directly received job reported too late (no bonus)."),
    )
    not_contacted = _flag(_("not contacted within 1 working day"))
    not_on_time = _flag(_("not on time"))
    rated = _flag(_("satisfaction given"))
    not_satisfied = _flag(_("not satisfied"))
    complaint = _flag(_("complaint"))
    service_complaint = _flag(_("complaint caused by the service"))
    missed = _flag(_("missed service"))

    class Meta:
        verbose_name = _("order of a closed month")
        verbose_name_plural = _("orders of closed months")
        ordering = ["month", "technician", "visit_at"]
        constraints = [
            models.UniqueConstraint(
                fields=["organisation", "month", "order"], name="perf_monthorder_once"
            ),
        ]
        indexes = [
            models.Index(
                fields=["organisation", "month", "technician"], name="perf_monthorder_tech"
            ),
        ]

    def __str__(self):
        return f"{self.month:%Y-%m} {self.order_id}"


class TechnicianMonth(OrgScopedModel):
    """A closed month's figures of one technician, frozen at the close (the bonus sheet)."""

    month_close = models.ForeignKey(
        MonthClose, on_delete=models.PROTECT, related_name="rows", verbose_name=_("month")
    )
    month = models.DateField(_("month"))
    technician = models.ForeignKey(
        "staff.ServiceStaff",
        on_delete=models.PROTECT,
        related_name="+",
        verbose_name=_("technician"),
    )
    technician_name = models.CharField(_("name"), max_length=50)
    permit_number = models.CharField(_("permit number"), max_length=30, blank=True)
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
    base = models.PositiveIntegerField(_("base orders"))
    rated = models.PositiveIntegerField(_("orders with a satisfaction score"), default=0)
    not_contacted = models.PositiveIntegerField(_("not contacted within 1 working day"))
    not_on_time = models.PositiveIntegerField(_("not on time"))
    not_satisfied = models.PositiveIntegerField(_("not satisfied"))
    complaint = models.PositiveIntegerField(_("complaints"))
    missed = models.PositiveIntegerField(_("missed services"))
    rate_not_contacted = models.DecimalField(_("rate (%)"), max_digits=7, decimal_places=4)
    rate_not_on_time = models.DecimalField(_("rate (%)"), max_digits=7, decimal_places=4)
    rate_not_satisfied = models.DecimalField(_("rate (%)"), max_digits=7, decimal_places=4)
    rate_complaint = models.DecimalField(_("rate (%)"), max_digits=7, decimal_places=4)
    rate_missed = models.DecimalField(_("rate (%)"), max_digits=7, decimal_places=4)
    score_not_contacted = models.DecimalField(_("score"), max_digits=5, decimal_places=2)
    score_not_on_time = models.DecimalField(_("score"), max_digits=5, decimal_places=2)
    score_not_satisfied = models.DecimalField(_("score"), max_digits=5, decimal_places=2)
    score_complaint = models.DecimalField(_("score"), max_digits=5, decimal_places=2)
    score_missed = models.DecimalField(_("score"), max_digits=5, decimal_places=2)
    total = models.DecimalField(_("total score"), max_digits=6, decimal_places=2)
    bonus_base = MoneyField(_("bonus base"))

    class Meta:
        verbose_name = _("technician's closed month")
        verbose_name_plural = _("technicians' closed months")
        ordering = ["month", "-total", "technician_name"]
        constraints = [
            models.UniqueConstraint(
                fields=["organisation", "month", "technician"], name="perf_techmonth_once"
            ),
        ]

    def __str__(self):
        return f"{self.month:%Y-%m} {self.technician_name} {self.total}"


class Exclusion(OrgScopedModel):
    """A complaint or a dissatisfied callback a manager took out of the figures (seed 001:
    malicious complaints and dissatisfaction caused by product quality go to the manager)."""

    class Kind(models.TextChoices):
        COMPLAINT = "complaint", _("Complaint")
        DISSATISFACTION = "dissatisfaction", _("Dissatisfied callback")

    class Category(models.TextChoices):
        MALICIOUS = "malicious", _("Malicious complaint")
        PRODUCT_QUALITY = "product_quality", _("Caused by product quality")
        OTHER = "other", _("Other (see the reason)")

    kind = models.CharField(_("kind"), max_length=20, choices=Kind.choices)
    case = models.ForeignKey(
        "complaints.Case",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("complaint"),
    )
    callback = models.ForeignKey(
        "callbacks.CallbackRecord",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("callback record"),
    )
    work_order = models.ForeignKey(
        "workorders.WorkOrder",
        on_delete=models.PROTECT,
        related_name="+",
        verbose_name=_("work order"),
    )
    technician = models.ForeignKey(
        "staff.ServiceStaff",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("technician"),
    )
    month = models.DateField(_("month"))
    category = models.CharField(_("why"), max_length=20, choices=Category.choices)
    reason = models.TextField(_("reason"))
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        related_name="+",
        verbose_name=_("excluded by"),
    )
    revoked_at = models.DateTimeField(_("revoked at"), null=True, blank=True)
    revoked_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("revoked by"),
    )
    revoke_reason = models.TextField(_("why it was revoked"), blank=True)

    class Meta:
        verbose_name = _("exclusion")
        verbose_name_plural = _("exclusions")
        ordering = ["-created_at", "-id"]
        constraints = [
            models.UniqueConstraint(
                fields=["case"],
                condition=Q(revoked_at__isnull=True, case__isnull=False),
                name="perf_exclusion_case_once",
            ),
            models.UniqueConstraint(
                fields=["callback"],
                condition=Q(revoked_at__isnull=True, callback__isnull=False),
                name="perf_exclusion_callback_once",
            ),
            models.CheckConstraint(
                condition=Q(kind="complaint", case__isnull=False, callback__isnull=True)
                | Q(kind="dissatisfaction", case__isnull=True, callback__isnull=False),
                name="perf_exclusion_one_target",
            ),
            models.CheckConstraint(condition=~Q(reason=""), name="perf_exclusion_reason"),
        ]
        indexes = [models.Index(fields=["organisation", "month"])]

    def __str__(self):
        target = self.case if self.kind == self.Kind.COMPLAINT else self.callback_id
        return f"{self.get_kind_display()} {target}"

    @property
    def is_active(self) -> bool:
        return self.revoked_at is None
