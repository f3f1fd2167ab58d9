"""Admin: the settings with history; tiers and the bonus table are shown here but edited on the
settings page (/performance/settings/), which checks the whole set (no gap, no overlap). Frozen
figures, month closes and exclusions are read-only: they change only through the services,
which check the roles and leave an audit event."""

from django.contrib import admin
from simple_history.admin import SimpleHistoryAdmin

from .models import (
    BonusStep,
    Exclusion,
    MonthClose,
    MonthEvent,
    MonthOrder,
    ScoreTier,
    ScoringSettings,
    TechnicianMonth,
)


class ReadOnlyAdmin(admin.ModelAdmin):
    def has_add_permission(self, request, obj=None):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False


@admin.register(ScoringSettings)
class ScoringSettingsAdmin(SimpleHistoryAdmin):
    list_display = [
        "organisation",
        "weight_not_contacted",
        "weight_not_on_time",
        "weight_not_satisfied",
        "weight_complaint",
        "weight_missed",
        "below_score",
        "target_on_time",
        "target_satisfaction",
        "target_service_complaints",
    ]
    search_fields = ["organisation__name"]


@admin.register(ScoreTier)
class ScoreTierAdmin(ReadOnlyAdmin, SimpleHistoryAdmin):
    list_display = ["organisation", "rate", "lower", "upper", "score"]
    list_filter = ["organisation", "rate"]


@admin.register(BonusStep)
class BonusStepAdmin(ReadOnlyAdmin, SimpleHistoryAdmin):
    list_display = ["organisation", "min_score", "amount"]
    list_filter = ["organisation"]


class MonthEventInline(admin.TabularInline):
    model = MonthEvent
    extra = 0
    can_delete = False
    fields = ["action", "at", "by", "reason", "technicians", "orders"]
    readonly_fields = fields

    def has_add_permission(self, request, obj=None):
        return False


@admin.register(MonthClose)
class MonthCloseAdmin(ReadOnlyAdmin):
    list_display = ["organisation", "month", "status", "closed_at", "closed_by", "reopen_count"]
    list_filter = ["organisation", "status"]
    date_hierarchy = "month"
    inlines = [MonthEventInline]


@admin.register(MonthEvent)
class MonthEventAdmin(ReadOnlyAdmin):
    list_display = ["month_close", "action", "at", "by", "technicians", "orders"]
    list_filter = ["action"]


@admin.register(TechnicianMonth)
class TechnicianMonthAdmin(ReadOnlyAdmin):
    list_display = [
        "month",
        "technician_name",
        "permit_number",
        "store",
        "base",
        "total",
        "bonus_base",
    ]
    list_filter = ["organisation", "month"]
    search_fields = ["technician_name", "permit_number"]
    list_select_related = ["store"]


@admin.register(MonthOrder)
class MonthOrderAdmin(ReadOnlyAdmin):
    list_display = [
        "month",
        "order",
        "technician",
        "visit_at",
        "in_base",
        "not_contacted",
        "not_on_time",
        "not_satisfied",
        "complaint",
        "missed",
    ]
    list_filter = ["organisation", "month"]
    list_select_related = ["order", "technician"]
    show_full_result_count = False


@admin.register(Exclusion)
class ExclusionAdmin(ReadOnlyAdmin):
    list_display = [
        "kind",
        "case",
        "callback",
        "work_order",
        "technician",
        "month",
        "category",
        "created_by",
        "created_at",
        "revoked_at",
    ]
    list_filter = ["organisation", "kind", "category", "month"]
    search_fields = ["reason", "case__number", "work_order__number"]
