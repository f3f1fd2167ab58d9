from django.contrib import admin
from simple_history.admin import SimpleHistoryAdmin

from .models import (
    Contact,
    DeskReturn,
    FrontdeskSettings,
    Handover,
    LanguageWarning,
    Phrase,
    Reservation,
    SummarySend,
)


class _Unscoped:
    """The admin sees every organisation (the unscoped manager)."""

    def get_queryset(self, request):
        return self.model.all_objects.all()


@admin.register(FrontdeskSettings)
class FrontdeskSettingsAdmin(SimpleHistoryAdmin):
    list_display = (
        "organisation",
        "follow_up_hours",
        "repeat_window_days",
        "summary_recipient_roles",
        "updated_at",
    )


@admin.register(Contact)
class ContactAdmin(_Unscoped, admin.ModelAdmin):
    list_display = (
        "received_at",
        "channel",
        "kind",
        "status",
        "caller_name",
        "phone",
        "repeat_count",
        "work_order",
        "case",
        "organisation",
    )
    list_filter = ("organisation", "channel", "kind", "status")
    search_fields = ("phone", "caller_name", "subject")
    raw_id_fields = ("customer", "work_order", "case", "parent", "taken_by", "answered_by", "store")
    date_hierarchy = "received_at"


@admin.register(Phrase)
class PhraseAdmin(_Unscoped, admin.ModelAdmin):
    list_display = ("kind", "order", "text", "is_active", "organisation")
    list_filter = ("organisation", "kind", "is_active")


@admin.register(LanguageWarning)
class LanguageWarningAdmin(_Unscoped, admin.ModelAdmin):
    list_display = ("at", "person", "where", "phrases", "organisation")
    list_filter = ("organisation",)
    raw_id_fields = ("person",)


@admin.register(Handover)
class HandoverAdmin(_Unscoped, admin.ModelAdmin):
    list_display = ("day", "shift", "store", "desk", "status", "outgoing", "incoming")
    list_filter = ("organisation", "status", "shift")
    raw_id_fields = ("store", "outgoing", "incoming")


@admin.register(Reservation)
class ReservationAdmin(_Unscoped, admin.ModelAdmin):
    list_display = ("number", "customer", "description", "deposit", "promised_on", "status")
    list_filter = ("organisation", "status")
    search_fields = ("number", "receipt_number", "description")
    raw_id_fields = ("customer", "product", "store", "created_by")


@admin.register(DeskReturn)
class DeskReturnAdmin(_Unscoped, admin.ModelAdmin):
    list_display = ("received_at", "kind", "item", "customer", "stored_at", "status")
    list_filter = ("organisation", "status", "kind")
    raw_id_fields = ("customer", "case", "store", "received_by")


@admin.register(SummarySend)
class SummarySendAdmin(_Unscoped, admin.ModelAdmin):
    list_display = ("kind", "period_start", "recipients", "created_at", "organisation")
    list_filter = ("organisation", "kind")
