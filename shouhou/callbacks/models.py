"""Callbacks (回访, seed 003 第五步, seed 004 §六.2, seed 001; DOMAIN.md §6).

* `CallbackSettings`: the organisation's schedule and rules (after a service, greetings,
  attempts, the self-feedback link, what counts as satisfied). The schedule after a delivery
  stays with the delivery settings (`DeliverySettings.callback_offsets`), the one after an
  appointment with the work-order settings; the settings page shows all three.
* `CallbackTask`: one call to make (or greeting to send), with the day it may start
  (`available_on`) and the day it is due (`due_on`). Created once per `source_key`.
* `CallbackAttempt`: each try to reach the customer; after `max_attempts` unanswered tries the
  task may be closed as unreachable.
* `Question`: the organisation's questionnaire; `CallbackRecord` + `CallbackAnswer`: what was
  asked and answered (回访记录表), with satisfaction 1–5 and the outcomes that act.
"""

import re

from django.conf import settings
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.utils.translation import gettext_lazy as _
from django.utils.translation import ngettext, pgettext_lazy
from simple_history.models import HistoricalRecords

from shouhou.core.models import OrgScopedModel, OrgSettings


class CallbackSettings(OrgSettings):
    """Per-organisation callback rules; every number is a default the organisation may change."""

    organisation = models.OneToOneField(
        "org.Organisation",
        on_delete=models.CASCADE,
        related_name="callback_settings",
        verbose_name=_("organisation"),
    )
    after_service_enabled = models.BooleanField(_("call back after a service"), default=True)
    after_service_working_days = models.PositiveSmallIntegerField(
        _("after a service: due within (working days)"),
        default=3,
        help_text=_("A completed service is called back within this many working days."),
    )
    coverage_working_days = models.PositiveSmallIntegerField(
        _("coverage window (working days)"),
        default=3,
        help_text=_(
            "A service or delivery counts as called back in time when a callback record exists "
            "within this many working days (target 100%)."
        ),
    )
    coverage_target_pct = models.PositiveSmallIntegerField(
        _("coverage target (%)"),
        default=100,
        validators=[MinValueValidator(0), MaxValueValidator(100)],
        help_text=_("Seed 004: every member is called back (100 per cent)."),
    )
    greeting_holidays = models.CharField(
        _("holiday greetings"),
        max_length=200,
        default="春节,中秋节,国庆节",
        blank=True,
        help_text=_(
            "Comma-separated holiday names as the working-day calendar writes them; the "
            "greeting is due on the holiday's first day."
        ),
    )
    greeting_lead_days = models.PositiveSmallIntegerField(
        _("greetings may start (days before)"), default=3
    )
    birthday_greetings = models.BooleanField(_("birthday greetings"), default=True)
    greeting_members_only = models.BooleanField(
        _("greet members only"),
        default=True,
        help_text=_("Greetings go to members; otherwise to every customer with a mobile number."),
    )
    max_attempts = models.PositiveSmallIntegerField(
        _("attempts before unreachable"),
        default=3,
        validators=[MinValueValidator(1)],
        help_text=_("A task may be closed as unreachable after this many unanswered calls."),
    )
    feedback_link_days = models.PositiveSmallIntegerField(
        _("self-feedback link valid (days)"), default=7, validators=[MinValueValidator(1)]
    )
    satisfied_from = models.PositiveSmallIntegerField(
        _("satisfied from (score)"),
        default=4,
        validators=[MinValueValidator(1), MaxValueValidator(5)],
        help_text=_("A satisfaction of at least this (1–5) counts as satisfied."),
    )
    history = HistoricalRecords()

    class Meta:
        verbose_name = _("callback settings")
        verbose_name_plural = _("callback settings")

    def __str__(self):
        return str(self.organisation)

    def holiday_names(self) -> list[str]:
        return [
            n.strip() for n in self.greeting_holidays.replace("，", ",").split(",") if n.strip()
        ]


class CallbackTask(OrgScopedModel):
    class Kind(models.TextChoices):
        AFTER_APPOINTMENT = "after_appointment", _("After the appointment")
        AFTER_SERVICE = "after_service", pgettext_lazy("callback kind", "After the service")
        AFTER_DELIVERY = "after_delivery", _("After the delivery")
        HOLIDAY_GREETING = "holiday_greeting", _("Holiday greeting")
        BIRTHDAY_GREETING = "birthday_greeting", _("Birthday greeting")

    class Status(models.TextChoices):
        OPEN = "open", pgettext_lazy("callback status", "Open")
        DONE = "done", _("Done")
        UNREACHABLE = "unreachable", _("Unreachable")
        CANCELLED = "cancelled", _("Cancelled")
        SKIPPED = "skipped", _("Skipped")

    customer = models.ForeignKey(
        "customers.Customer",
        on_delete=models.PROTECT,
        related_name="callback_tasks",
        verbose_name=_("customer"),
    )
    work_order = models.ForeignKey(
        "workorders.WorkOrder",
        on_delete=models.CASCADE,
        null=True,
        blank=True,
        related_name="callback_tasks",
        verbose_name=_("work order"),
    )
    delivery = models.ForeignKey(
        "delivery.Delivery",
        on_delete=models.CASCADE,
        null=True,
        blank=True,
        related_name="callback_tasks",
        verbose_name=_("delivery"),
    )
    kind = models.CharField(_("kind"), max_length=30, choices=Kind.choices)
    occasion = models.CharField(
        _("occasion"), max_length=60, blank=True, help_text=_("e.g. 3d, 1m, 春节, birthday")
    )
    available_on = models.DateField(
        _("call from"), null=True, blank=True, help_text=_("Empty: the due day.")
    )
    due_on = models.DateField(_("due on"), db_index=True)
    status = models.CharField(
        _("status"), max_length=20, choices=Status.choices, default=Status.OPEN
    )
    assigned_to = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("assigned to"),
    )
    attempts = models.PositiveSmallIntegerField(_("unanswered attempts"), default=0)
    last_attempt_at = models.DateTimeField(_("last attempt"), null=True, blank=True)
    reschedule_count = models.PositiveSmallIntegerField(_("times rescheduled"), default=0)
    closed_at = models.DateTimeField(_("closed at"), null=True, blank=True)
    closed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("closed by"),
    )
    source_key = models.CharField(
        _("source"),
        max_length=100,
        help_text=_("What created this task; creating it twice does nothing."),
    )
    note = models.TextField(_("note"), blank=True)

    class Meta:
        verbose_name = _("callback task")
        verbose_name_plural = _("callback tasks")
        ordering = ["due_on", "id"]
        constraints = [
            models.UniqueConstraint(
                fields=["organisation", "source_key"], name="callback_source_unique_per_org"
            )
        ]
        indexes = [
            models.Index(fields=["organisation", "status", "due_on"]),
            models.Index(fields=["organisation", "assigned_to", "status", "due_on"]),
        ]

    def __str__(self):
        return f"{self.get_kind_display()} {self.due_on}"

    @property
    def call_from(self):
        return self.available_on or self.due_on

    @property
    def occasion_label(self) -> str:
        """The occasion in words: "3d" -> within 3 working days, "1m" -> 1 month after; a
        holiday's name as it is; nothing for a birthday (the kind says it)."""
        m = re.fullmatch(r"(\d{1,3})([dm])", self.occasion or "")
        if m is None:
            return "" if self.occasion == "birthday" else self.occasion
        n = int(m.group(1))
        if m.group(2) == "d":
            return ngettext("within %(n)d working day", "within %(n)d working days", n) % {"n": n}
        return ngettext("%(n)d month after", "%(n)d months after", n) % {"n": n}


class CallbackAttempt(OrgScopedModel):
    """One try to reach the customer for a task."""

    class Result(models.TextChoices):
        NO_ANSWER = "no_answer", _("No answer")
        BUSY = "busy", _("Busy / hung up")
        SWITCHED_OFF = "switched_off", _("Switched off")
        WRONG_NUMBER = "wrong_number", _("Wrong number")
        CALL_LATER = "call_later", _("Asked to be called later")

    task = models.ForeignKey(
        CallbackTask, on_delete=models.CASCADE, related_name="attempt_rows", verbose_name=_("task")
    )
    at = models.DateTimeField(_("time"))
    result = models.CharField(_("result"), max_length=20, choices=Result.choices)
    note = models.TextField(_("note"), blank=True)
    by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        related_name="+",
        verbose_name=_("by"),
    )

    class Meta:
        verbose_name = _("callback attempt")
        verbose_name_plural = _("callback attempts")
        ordering = ["task", "at", "id"]

    def __str__(self):
        return f"{self.task_id} {self.get_result_display()}"


class Question(OrgScopedModel):
    """One question of the organisation's callback questionnaire."""

    class AnswerType(models.TextChoices):
        SCORE = "score", _("Score 1–5")
        YES_NO = "yes_no", _("Yes / no")
        TEXT = "text", _("Free text")

    code = models.SlugField(_("code"), max_length=40)
    text = models.CharField(_("question"), max_length=200)
    answer_type = models.CharField(
        _("answer type"), max_length=10, choices=AnswerType.choices, default=AnswerType.TEXT
    )
    kinds = models.JSONField(
        _("asked on"),
        default=list,
        blank=True,
        help_text=_("Task kinds this question is asked on; empty: every kind except greetings."),
    )
    required = models.BooleanField(_("required"), default=False)
    order = models.PositiveSmallIntegerField(
        pgettext_lazy("position in a list", "order"), default=100
    )
    is_active = models.BooleanField(_("active"), default=True)
    history = HistoricalRecords()

    class Meta:
        verbose_name = _("callback question")
        verbose_name_plural = _("callback questionnaire")
        ordering = ["order", "id"]
        constraints = [
            models.UniqueConstraint(
                fields=["organisation", "code"], name="callback_question_code_unique_per_org"
            )
        ]

    def __str__(self):
        return self.text


class CallbackRecord(OrgScopedModel):
    """What a callback found (回访记录表): who called whom, when, the answers and the outcomes.

    The technician, store and product are copied from the order (or delivery) when the record
    is written, so satisfaction statistics and the technician's monthly score read one table.
    """

    class Channel(models.TextChoices):
        PHONE = "phone", _("Phone call")
        SELF_FEEDBACK = "self_feedback", _("Customer's own feedback (link)")
        SMS = "sms", _("SMS")
        WECHAT = "wechat", _("WeChat")

    task = models.OneToOneField(
        CallbackTask,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="record",
        verbose_name=_("task"),
    )
    customer = models.ForeignKey(
        "customers.Customer",
        on_delete=models.PROTECT,
        related_name="callback_records",
        verbose_name=_("customer"),
    )
    work_order = models.ForeignKey(
        "workorders.WorkOrder",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="callback_records",
        verbose_name=_("work order"),
    )
    delivery = models.ForeignKey(
        "delivery.Delivery",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="callback_records",
        verbose_name=_("delivery"),
    )
    technician = models.ForeignKey(
        "staff.ServiceStaff",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="callback_records",
        verbose_name=_("technician"),
    )
    store = models.ForeignKey(
        "org.Store",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("store"),
    )
    product_model = models.ForeignKey(
        "catalog.ProductModel",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("model"),
    )
    channel = models.CharField(
        _("channel"), max_length=20, choices=Channel.choices, default=Channel.PHONE
    )
    called_at = models.DateTimeField(_("time"), db_index=True)
    caller = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("caller"),
        help_text=_("Empty for the customer's own feedback."),
    )
    satisfaction = models.PositiveSmallIntegerField(
        _("satisfaction (1–5)"),
        null=True,
        blank=True,
        validators=[MinValueValidator(1), MaxValueValidator(5)],
    )
    technician_came = models.BooleanField(_("technician came as agreed"), null=True, blank=True)
    on_time = models.BooleanField(_("technician on time"), null=True, blank=True)
    problem_solved = models.BooleanField(_("problem solved"), null=True, blank=True)
    comment = models.TextField(_("what the customer said"), blank=True)
    outcome_no_show = models.BooleanField(_("technician did not come (no-show)"), default=False)
    outcome_second_visit = models.BooleanField(_("needs a second visit"), default=False)
    outcome_complaint = models.BooleanField(_("complaint"), default=False)
    second_visit_order = models.ForeignKey(
        "workorders.WorkOrder",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("second-visit order"),
    )
    complaint_case = models.ForeignKey(
        "complaints.Case",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("complaint case"),
    )
    archive_updates = models.JSONField(_("archive updates"), default=dict, blank=True)

    class Meta:
        verbose_name = _("callback record")
        verbose_name_plural = _("callback records")
        ordering = ["-called_at", "-id"]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(satisfaction__isnull=True)
                | models.Q(satisfaction__gte=1, satisfaction__lte=5),
                name="callback_satisfaction_1_to_5",
            )
        ]
        indexes = [
            models.Index(fields=["organisation", "called_at"]),
            models.Index(fields=["organisation", "technician", "called_at"]),
            # Coverage: "a record on this order / delivery by the deadline".
            models.Index(fields=["work_order", "called_at"]),
            models.Index(fields=["delivery", "called_at"]),
        ]

    def __str__(self):
        return f"{self.customer} {self.called_at:%Y-%m-%d}"

    @property
    def is_satisfied(self):
        """None when no score was given; the threshold is `CallbackSettings.satisfied_from`."""
        return self.satisfied_at(CallbackSettings.for_org(self.organisation_id).satisfied_from)

    def satisfied_at(self, satisfied_from: int) -> bool | None:
        """`is_satisfied` with the threshold already read (lists read it once, not per row)."""
        if self.satisfaction is None:
            return None
        return self.satisfaction >= satisfied_from


class CallbackAnswer(OrgScopedModel):
    """One answer; the question's text is copied so a later edit of the questionnaire does not
    change what was asked."""

    record = models.ForeignKey(
        CallbackRecord, on_delete=models.CASCADE, related_name="answers", verbose_name=_("record")
    )
    question = models.ForeignKey(
        Question,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("question"),
    )
    question_text = models.CharField(_("question"), max_length=200)
    answer = models.TextField(_("answer"), blank=True)
    score = models.PositiveSmallIntegerField(_("score"), null=True, blank=True)

    class Meta:
        verbose_name = _("callback answer")
        verbose_name_plural = _("callback answers")
        ordering = ["record", "id"]

    def __str__(self):
        return self.question_text
