"""Rosters (排班), leave, appointment windows, service areas, store visits.

An order's appointment window is a side table (`Appointment`, one-to-one with the work order):
the work-order app keeps only the agreed time; the window, its history and the day's
confirmation calls live here.
"""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from shouhou.core.models import OrgScopedModel, OrgSettings


class RosterSettings(OrgSettings):
    """The roster's numbers, per organisation (seed 001 for the 24-hour limit is in the
    work-order policies; seed 002 for the 100 km band)."""

    organisation = models.OneToOneField(
        "org.Organisation", on_delete=models.CASCADE, related_name="roster_settings"
    )
    shift_start = models.TimeField(_("a working shift starts at"), default=dt.time(8, 0))
    shift_end = models.TimeField(_("a working shift ends at"), default=dt.time(18, 0))
    board_first_hour = models.PositiveSmallIntegerField(_("board: first hour"), default=8)
    board_last_hour = models.PositiveSmallIntegerField(_("board: last hour"), default=20)
    appointment_minutes = models.PositiveSmallIntegerField(
        _("length of an appointment (minutes)"), default=120
    )
    daily_capacity = models.PositiveSmallIntegerField(
        _("appointments per technician per day before a warning"), default=6
    )
    weekly_capacity = models.PositiveSmallIntegerField(
        _("appointments per technician per week before a warning"), default=30
    )
    require_roster = models.BooleanField(
        _("refuse technicians with no shift entered"),
        default=False,
        help_text=_("Off: a day with no shift entered counts as a working day."),
    )
    area_radius_km = models.DecimalField(
        _("default service radius (km)"), max_digits=6, decimal_places=1, default=Decimal("100")
    )
    ical_days_back = models.PositiveSmallIntegerField(_("calendar feed: days back"), default=14)
    ical_days_ahead = models.PositiveSmallIntegerField(_("calendar feed: days ahead"), default=60)

    class Meta:
        verbose_name = _("roster settings")
        verbose_name_plural = _("roster settings")


class Shift(OrgScopedModel):
    class Kind(models.TextChoices):
        WORKING = "working", _("Working")
        OFF = "off", _("Day off")
        LEAVE = "leave", _("On leave")
        ON_CALL = "on_call", _("On call")

    staff = models.ForeignKey(
        "staff.ServiceStaff",
        on_delete=models.CASCADE,
        related_name="shifts",
        verbose_name=_("staff"),
    )
    date = models.DateField(_("date"))
    kind = models.CharField(_("shift"), max_length=10, choices=Kind.choices)
    starts = models.TimeField(_("from"), null=True, blank=True)
    ends = models.TimeField(_("to"), null=True, blank=True)
    note = models.CharField(_("note"), max_length=200, blank=True)
    by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )

    class Meta:
        verbose_name = _("shift")
        verbose_name_plural = _("shifts")
        ordering = ["date", "staff_id"]
        constraints = [
            models.UniqueConstraint(fields=["staff", "date"], name="roster_one_shift_per_day")
        ]
        indexes = [models.Index(fields=["organisation", "date"])]

    def __str__(self):
        return f"{self.staff} {self.date} {self.get_kind_display()}"


class LeaveRequest(OrgScopedModel):
    class Status(models.TextChoices):
        PENDING = "pending", _("Waiting for approval")
        APPROVED = "approved", _("Approved")
        REJECTED = "rejected", _("Rejected")
        CANCELLED = "cancelled", _("Withdrawn")

    staff = models.ForeignKey(
        "staff.ServiceStaff",
        on_delete=models.CASCADE,
        related_name="leave_requests",
        verbose_name=_("staff"),
    )
    first_day = models.DateField(_("first day"))
    last_day = models.DateField(_("last day"))
    reason = models.CharField(_("reason"), max_length=200)
    status = models.CharField(
        _("status"), max_length=10, choices=Status.choices, default=Status.PENDING
    )
    requested_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+"
    )
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    decided_at = models.DateTimeField(_("decided at"), null=True, blank=True)
    decision_note = models.CharField(_("decision note"), max_length=200, blank=True)

    class Meta:
        verbose_name = _("leave request")
        verbose_name_plural = _("leave requests")
        ordering = ["-first_day", "-id"]
        indexes = [models.Index(fields=["organisation", "status", "first_day"])]
        constraints = [
            models.CheckConstraint(
                condition=Q(last_day__gte=models.F("first_day")), name="roster_leave_order"
            )
        ]

    def __str__(self):
        return f"{self.staff} {self.first_day}–{self.last_day}"


class Appointment(OrgScopedModel):
    """The window agreed with the customer (or planned on the board) for one work order."""

    class Status(models.TextChoices):
        PLANNED = "planned", _("Planned on the board")
        AGREED = "agreed", _("Agreed with the customer")
        CONFIRMED = "confirmed", _("Confirmed on the day")
        VOIDED = "voided", _("No longer stands")

    order = models.OneToOneField(
        "workorders.WorkOrder",
        on_delete=models.CASCADE,
        related_name="roster_appointment",
        verbose_name=_("work order"),
    )
    starts_at = models.DateTimeField(_("from"))
    ends_at = models.DateTimeField(_("to"))
    status = models.CharField(_("status"), max_length=10, choices=Status.choices)
    confirmed_at = models.DateTimeField(_("confirmed at"), null=True, blank=True)
    # The customer's own "yes, that suits me" on the self-service page (the day's call before
    # leaving still confirms the window: `confirmed_at`). A move clears it.
    customer_confirmed_at = models.DateTimeField(
        _("confirmed by the customer at"), null=True, blank=True
    )
    changes = models.PositiveIntegerField(_("times rescheduled"), default=0)

    class Meta:
        verbose_name = _("appointment")
        verbose_name_plural = _("appointments")
        ordering = ["starts_at"]
        indexes = [models.Index(fields=["organisation", "starts_at"])]
        constraints = [
            models.CheckConstraint(
                condition=Q(ends_at__gt=models.F("starts_at")), name="roster_window_order"
            )
        ]

    def __str__(self):
        return f"{self.order} {self.starts_at:%Y-%m-%d %H:%M}"

    @property
    def active(self) -> bool:
        return self.status != self.Status.VOIDED


class AppointmentChange(OrgScopedModel):
    """The history of a window: booked, rescheduled (with the reason), voided."""

    class Kind(models.TextChoices):
        PLANNED = "planned", _("Planned on the board")
        AGREED = "agreed", _("Agreed with the customer")
        RESCHEDULED = "rescheduled", _("Rescheduled")
        VOIDED = "voided", _("Voided")

    appointment = models.ForeignKey(Appointment, on_delete=models.CASCADE, related_name="history")
    kind = models.CharField(_("change"), max_length=12, choices=Kind.choices)
    starts_at = models.DateTimeField(_("from"))
    ends_at = models.DateTimeField(_("to"))
    previous_starts_at = models.DateTimeField(_("was"), null=True, blank=True)
    reason = models.CharField(_("reason"), max_length=200, blank=True)
    at = models.DateTimeField(_("time"))
    by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )

    class Meta:
        verbose_name = _("appointment change")
        verbose_name_plural = _("appointment changes")
        ordering = ["at", "id"]


class ConfirmationCall(OrgScopedModel):
    """The call on the day before leaving (seed 000 四.7)."""

    appointment = models.ForeignKey(Appointment, on_delete=models.CASCADE, related_name="calls")
    at = models.DateTimeField(_("time"))
    reached = models.BooleanField(_("customer reached"))
    note = models.CharField(_("note"), max_length=200, blank=True)
    by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )

    class Meta:
        verbose_name = _("confirmation call")
        verbose_name_plural = _("confirmation calls")
        ordering = ["at", "id"]


class ServiceArea(OrgScopedModel):
    """A store's area: districts it serves and a radius around the store (seed 002: 100 km)."""

    store = models.ForeignKey(
        "org.Store", on_delete=models.CASCADE, related_name="service_areas", verbose_name=_("store")
    )
    name = models.CharField(_("name"), max_length=60)
    districts = models.JSONField(_("districts"), default=list, blank=True)
    radius_km = models.DecimalField(_("radius (km)"), max_digits=6, decimal_places=1)
    technicians = models.ManyToManyField(
        "staff.ServiceStaff", through="AreaMember", related_name="service_areas", blank=True
    )
    is_active = models.BooleanField(_("active"), default=True)

    class Meta:
        verbose_name = _("service area")
        verbose_name_plural = _("service areas")
        ordering = ["store_id", "name"]
        constraints = [
            models.UniqueConstraint(fields=["store", "name"], name="roster_area_name_per_store")
        ]

    def __str__(self):
        return self.name

    def covers(self, *, district: str, distance_km) -> bool:
        if district and district in self.districts:
            return True
        return distance_km is not None and Decimal(distance_km) <= self.radius_km


class AreaMember(OrgScopedModel):
    area = models.ForeignKey(ServiceArea, on_delete=models.CASCADE, related_name="members")
    staff = models.ForeignKey(
        "staff.ServiceStaff", on_delete=models.CASCADE, related_name="area_memberships"
    )

    class Meta:
        verbose_name = _("area technician")
        verbose_name_plural = _("area technicians")
        constraints = [
            models.UniqueConstraint(fields=["area", "staff"], name="roster_area_member_once")
        ]


class StoreVisit(OrgScopedModel):
    """The weekly visit of a technician to a store they serve (seed 001: 每周内应到所负责每个
    店面检修、学习一次)."""

    staff = models.ForeignKey(
        "staff.ServiceStaff",
        on_delete=models.CASCADE,
        related_name="store_visits",
        verbose_name=_("staff"),
    )
    store = models.ForeignKey(
        "org.Store",
        on_delete=models.CASCADE,
        related_name="technician_visits",
        verbose_name=_("store"),
    )
    week = models.DateField(_("week (Monday)"))
    planned_on = models.DateField(_("planned on"))
    done_at = models.DateTimeField(_("done at"), null=True, blank=True)
    done_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    note = models.CharField(_("note"), max_length=200, blank=True)

    class Meta:
        verbose_name = _("store visit")
        verbose_name_plural = _("store visits")
        ordering = ["week", "planned_on", "staff_id"]
        constraints = [
            models.UniqueConstraint(
                fields=["staff", "store", "week"], name="roster_one_visit_per_week"
            )
        ]
        indexes = [models.Index(fields=["organisation", "week"])]

    def __str__(self):
        return f"{self.staff} → {self.store} ({self.week})"
