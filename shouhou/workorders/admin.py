from django.contrib import admin
from simple_history.admin import SimpleHistoryAdmin

from shouhou.core.admin import FrozenAdminMixin

from .models import (
    Call,
    ContactAttempt,
    LoanUnit,
    MissedService,
    PublicRequest,
    ReportPart,
    ReportPhoto,
    ServiceReport,
    SlaPolicy,
    SlaTarget,
    StatusChange,
    WorkOrder,
    WorkOrderCounter,
    WorkOrderSettings,
    WrittenContact,
)


@admin.register(WorkOrderSettings)
class WorkOrderSettingsAdmin(SimpleHistoryAdmin):
    list_display = ["organisation", "callback_after_appointment_days", "missed_service_deduction"]


class SlaTargetInline(admin.TabularInline):
    model = SlaTarget
    extra = 0


@admin.register(SlaPolicy)
class SlaPolicyAdmin(SimpleHistoryAdmin):
    list_display = [
        "name",
        "code",
        "organisation",
        "customer",
        "category",
        "store",
        "fault_category",
        "route",
        "for_emergency",
        "min_distance_km",
        "max_distance_km",
        "is_active",
    ]
    list_filter = ["organisation", "is_active", "for_emergency", "fault_category", "route"]
    search_fields = ["name", "code"]
    raw_id_fields = ["customer", "category", "store"]
    inlines = [SlaTargetInline]

    def save_formset(self, request, form, formset, change):
        for obj in formset.save(commit=False):
            obj.organisation_id = form.instance.organisation_id
            obj.save()
        for obj in formset.deleted_objects:
            obj.delete()


@admin.register(SlaTarget)
class SlaTargetAdmin(SimpleHistoryAdmin):
    list_display = ["policy", "target", "amount", "unit", "anchor"]
    list_filter = ["target", "unit"]


class StatusChangeInline(admin.TabularInline):
    model = StatusChange
    extra = 0
    readonly_fields = ["from_status", "to_status", "at", "by"]
    can_delete = False


@admin.register(WorkOrder)
class WorkOrderAdmin(admin.ModelAdmin):
    list_display = [
        "number",
        "organisation",
        "kind",
        "source",
        "status",
        "customer",
        "technician",
        "received_at",
        "is_reissued",
        "missed_service",
    ]
    list_filter = ["organisation", "status", "kind", "source", "is_reissued", "missed_service"]
    search_fields = ["number", "customer__name", "customer__mobile", "contact_phone"]
    raw_id_fields = [
        "customer",
        "store",
        "merchant",
        "dealer",
        "product",
        "product_model",
        "contract",
        "technician",
        "policy",
        "created_by",
    ]
    date_hierarchy = "received_at"
    inlines = [StatusChangeInline]


@admin.register(MissedService)
class MissedServiceAdmin(admin.ModelAdmin):
    list_display = ["order", "reason", "technician", "detected_at", "deduction", "no_bonus"]
    list_filter = ["reason", "organisation"]
    raw_id_fields = ["order", "technician"]


class ReportPartInline(admin.TabularInline):
    model = ReportPart
    extra = 0
    raw_id_fields = ["old_received_by"]


class ReportPhotoInline(admin.TabularInline):
    model = ReportPhoto
    extra = 0
    raw_id_fields = ["uploaded_by"]


@admin.register(ReportPart)
class ReportPartAdmin(FrozenAdminMixin, admin.ModelAdmin):
    def frozen(self, obj) -> bool:
        return obj.report.signed_at is not None

    list_display = [
        "name",
        "quantity",
        "report",
        "return_old",
        "old_returned_at",
        "old_returned_quantity",
        "old_condition",
    ]
    list_filter = ["return_old", "old_condition", "organisation"]
    search_fields = ["name", "report__order__number"]
    raw_id_fields = ["report", "old_received_by"]


@admin.register(ReportPhoto)
class ReportPhotoAdmin(FrozenAdminMixin, admin.ModelAdmin):
    def frozen(self, obj) -> bool:
        return obj.report.signed_at is not None

    list_display = ["report", "caption", "image", "uploaded_by", "created_at"]
    list_filter = ["organisation"]
    search_fields = ["caption", "report__order__number"]
    raw_id_fields = ["report", "uploaded_by"]


@admin.register(ServiceReport)
class ServiceReportAdmin(FrozenAdminMixin, admin.ModelAdmin):
    list_display = ["order", "fee", "signed_at", "signer_name", "signed_via"]
    raw_id_fields = ["order", "created_by"]
    inlines = [ReportPartInline, ReportPhotoInline]
    readonly_fields = ["signature", "signer_name", "signed_at", "signed_via"]

    def frozen(self, obj) -> bool:
        # A report signed by the customer is frozen, with its parts and photos.
        return obj.signed_at is not None


@admin.register(Call)
class CallAdmin(admin.ModelAdmin):
    list_display = ["order", "source", "at", "joined"]
    raw_id_fields = ["order", "by"]


@admin.register(ContactAttempt)
class ContactAttemptAdmin(admin.ModelAdmin):
    list_display = ["order", "at", "reached"]
    raw_id_fields = ["order", "by"]


@admin.register(PublicRequest)
class PublicRequestAdmin(admin.ModelAdmin):
    list_display = ["name", "mobile", "store", "kind", "status", "created_at", "handled_at"]
    list_filter = ["status", "organisation"]
    raw_id_fields = ["order", "handled_by", "store"]


@admin.register(WorkOrderCounter)
class WorkOrderCounterAdmin(admin.ModelAdmin):
    list_display = ("organisation", "year", "value")
    list_filter = ("year",)


@admin.register(LoanUnit)
class LoanUnitAdmin(admin.ModelAdmin):
    """Read-only: units are lent and taken back on the order's page (audited there)."""

    list_display = ("unit", "order", "lent_at", "deposit", "returned_at")
    list_filter = ("returned_at",)
    search_fields = ("unit", "order__number", "deposit_receipt_no")
    readonly_fields = [f.name for f in LoanUnit._meta.fields]

    def has_add_permission(self, request):
        return False

    def has_delete_permission(self, request, obj=None):
        return False


@admin.register(WrittenContact)
class WrittenContactAdmin(FrozenAdminMixin, admin.ModelAdmin):
    """Written contacts (seed 002 3.2.3) are recorded through the services (audited); once
    written the record is archived: view only."""

    list_display = ("order", "due_at", "written_at", "fed_back_at", "overdue")
    list_filter = ("overdue", "organisation")
    search_fields = ("order__number", "text", "result")
    raw_id_fields = ("order", "written_by", "fed_back_by")

    def frozen(self, obj) -> bool:
        return obj.written_at is not None

    def has_add_permission(self, request):
        return False
