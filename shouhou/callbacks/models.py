"""Callback tasks for the call centre (回访). Minimal for now; the callbacks issue extends it."""

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from shouhou.core.models import OrgScopedModel


class CallbackTask(OrgScopedModel):
    class Kind(models.TextChoices):
        AFTER_APPOINTMENT = "after_appointment", _("After the appointment")
        AFTER_DELIVERY = "after_delivery", _("After the delivery")
        # after_service and greetings come with the callbacks issue.

    class Status(models.TextChoices):
        OPEN = "open", _("Open")
        DONE = "done", _("Done")
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
    kind = models.CharField(_("kind"), max_length=30, choices=Kind.choices)
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
        indexes = [models.Index(fields=["organisation", "status", "due_on"])]

    def __str__(self):
        return f"{self.get_kind_display()} {self.due_on}"
