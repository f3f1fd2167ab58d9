from django.contrib import admin
from simple_history.admin import SimpleHistoryAdmin

from shouhou.core.admin import FrozenAdminMixin

from .models import Delivery, DeliveryIssue, DeliverySettings, DeliveryTask, WorkshopRequest


@admin.register(DeliverySettings)
class DeliverySettingsAdmin(SimpleHistoryAdmin):
    list_display = (
        "organisation",
        "reconfirm_lead_days",
        "storage_limit_months",
        "workshop_due_working_days",
        "crew_confirm_lead_days",
        "callback_offsets",
    )


class WorkshopRequestInline(admin.TabularInline):
    model = WorkshopRequest
    extra = 0
    fields = ("description", "due_on", "status", "returned_count", "inspect_note")
    readonly_fields = fields
    can_delete = False

    def has_add_permission(self, request, obj=None):
        return False


@admin.register(Delivery)
class DeliveryAdmin(FrozenAdminMixin, admin.ModelAdmin):
    def frozen(self, obj) -> bool:
        # The delivery receipt: signed by the customer on delivery.
        return bool(obj.signature) or obj.delivered_at is not None

    list_display = ("contract", "customer", "scheduled_date", "status", "crew", "vehicle")
    list_filter = ("status", "organisation", "scheduled_date")
    search_fields = ("contract__number", "customer__name", "address", "vehicle")
    date_hierarchy = "scheduled_date"
    raw_id_fields = ("contract", "customer", "crew", "created_by")
    # State changes go through the services (guarded transitions, audit).
    readonly_fields = ("status", "signature", "collected_amount", "payment_posted", "checklist")
    inlines = [WorkshopRequestInline]


@admin.register(WorkshopRequest)
class WorkshopRequestAdmin(admin.ModelAdmin):
    list_display = ("delivery", "description", "due_on", "status", "returned_count")
    list_filter = ("status", "organisation")
    search_fields = ("description", "delivery__contract__number")
    raw_id_fields = ("delivery", "created_by")


@admin.register(DeliveryIssue)
class DeliveryIssueAdmin(admin.ModelAdmin):
    list_display = ("delivery", "description", "responsible", "created_at")
    list_filter = ("responsible", "organisation")
    search_fields = ("description", "delivery__contract__number")
    raw_id_fields = ("delivery", "recorded_by")


@admin.register(DeliveryTask)
class DeliveryTaskAdmin(admin.ModelAdmin):
    list_display = ("kind", "delivery", "role", "assigned_to", "due_on", "status")
    list_filter = ("kind", "status", "organisation")
    search_fields = ("key", "delivery__contract__number")
    raw_id_fields = ("delivery", "assigned_to")
