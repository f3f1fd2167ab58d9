"""The working-day calendar of an organisation: one row per covered year, one per exception day.

A year with a `WorkCalendar` row is *covered*: its holidays (including those on a weekend, with
their names) and make-up working days (调休) are the `WorkCalendarDay` rows; every other day of
a covered year follows Monday-Friday. A year without a row falls back to Monday-Friday, and the
pages say so (`selectors.calendar_warnings`). Write through `services`, never directly.
"""

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import models
from django.utils.translation import gettext_lazy as _
from simple_history.models import HistoricalRecords

from shouhou.core.models import OrgScopedModel


class WorkCalendar(OrgScopedModel):
    class Source(models.TextChoices):
        PACKAGE = "package", _("Official schedule (chinesecalendar package)")
        MANUAL = "manual", _("Entered by an administrator")

    year = models.PositiveSmallIntegerField(_("year"))
    source = models.CharField(_("source"), max_length=10, choices=Source.choices)
    note = models.TextField(_("note"), blank=True)
    entered_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("entered by"),
    )
    history = HistoricalRecords()

    class Meta:
        verbose_name = _("working-day calendar year")
        verbose_name_plural = _("working-day calendar years")
        ordering = ["organisation", "-year"]
        constraints = [
            models.UniqueConstraint(
                fields=["organisation", "year"], name="workcalendar_year_unique_per_org"
            )
        ]

    def __str__(self) -> str:
        return _("Calendar %(year)s") % {"year": self.year}


class WorkCalendarDay(OrgScopedModel):
    """An exception to Monday-Friday: a holiday (not working) or a make-up working day."""

    calendar = models.ForeignKey(
        WorkCalendar, on_delete=models.CASCADE, related_name="days", verbose_name=_("calendar")
    )
    date = models.DateField(_("date"))
    is_working = models.BooleanField(
        _("working day"),
        help_text=_("On: a make-up working day (调休上班). Off: a holiday."),
    )
    name = models.CharField(
        _("name"), max_length=50, blank=True, help_text=_("For example 春节, 国庆节, 调休上班.")
    )

    class Meta:
        verbose_name = _("calendar day")
        verbose_name_plural = _("calendar days")
        ordering = ["date"]
        constraints = [
            models.UniqueConstraint(
                fields=["organisation", "date"], name="workcalendarday_date_unique_per_org"
            )
        ]

    def __str__(self) -> str:
        return f"{self.date:%Y-%m-%d} {self.name}"

    def clean(self) -> None:
        super().clean()
        if self.calendar_id and self.date:
            if self.date.year != self.calendar.year:
                raise ValidationError(
                    {
                        "date": _("The date must be in the calendar's year %(year)s.")
                        % {"year": self.calendar.year}
                    }
                )
            if self.organisation_id and self.organisation_id != self.calendar.organisation_id:
                raise ValidationError(
                    {"organisation": _("The day must belong to the calendar's organisation.")}
                )
