from django.contrib import admin

from .models import (
    Asset,
    CustomerCheck,
    DutyItem,
    DutyList,
    DutyTemplate,
    DutyTemplateItem,
    MaintenanceSettings,
    Plan,
    ServiceStepRule,
    Visit,
)


@admin.register(MaintenanceSettings)
class MaintenanceSettingsAdmin(admin.ModelAdmin):
    list_display = ["organisation", "lead_working_days", "interval_months", "warranty_months"]


@admin.register(Asset)
class AssetAdmin(admin.ModelAdmin):
    list_display = ["name", "serial_no", "customer", "warranty_until", "organisation"]
    search_fields = ["name", "serial_no"]
    raw_id_fields = ["customer", "owned_product", "product", "contract"]

    def get_queryset(self, request):
        return Asset.all_objects.all()


class VisitInline(admin.TabularInline):
    model = Visit
    extra = 0
    raw_id_fields = ["order"]


@admin.register(Plan)
class PlanAdmin(admin.ModelAdmin):
    list_display = ["asset", "kind", "status", "next_due_on", "ends_on", "team", "technician"]
    list_filter = ["status", "kind"]
    raw_id_fields = ["asset", "owner", "technician", "team", "renewed_from"]
    inlines = [VisitInline]

    def get_queryset(self, request):
        return Plan.all_objects.all()


@admin.register(Visit)
class VisitAdmin(admin.ModelAdmin):
    list_display = ["plan", "due_on", "status", "order", "done_on", "issue_error"]
    list_filter = ["status"]
    raw_id_fields = ["plan", "order"]

    def get_queryset(self, request):
        return Visit.all_objects.all()


@admin.register(ServiceStepRule)
class ServiceStepRuleAdmin(admin.ModelAdmin):
    list_display = ["organisation", "work_kind", "step", "required", "position"]
    list_filter = ["work_kind", "required"]

    def get_queryset(self, request):
        return ServiceStepRule.all_objects.all()


@admin.register(CustomerCheck)
class CustomerCheckAdmin(admin.ModelAdmin):
    list_display = ["order", "satisfied", "checked_at", "signed_at"]
    raw_id_fields = ["order", "recorded_by"]

    def get_queryset(self, request):
        return CustomerCheck.all_objects.all()


class DutyTemplateItemInline(admin.TabularInline):
    model = DutyTemplateItem
    extra = 1
    fields = ["position", "section", "text", "auto_check", "link", "organisation"]


@admin.register(DutyTemplate)
class DutyTemplateAdmin(admin.ModelAdmin):
    list_display = ["title", "role", "period", "store", "is_active", "organisation"]
    list_filter = ["period", "role", "is_active"]
    inlines = [DutyTemplateItemInline]

    def get_queryset(self, request):
        return DutyTemplate.all_objects.all()


class DutyItemInline(admin.TabularInline):
    model = DutyItem
    extra = 0
    fields = ["text", "done_at", "done_by", "by_system", "note"]
    readonly_fields = fields


@admin.register(DutyList)
class DutyListAdmin(admin.ModelAdmin):
    list_display = ["template", "user", "store", "period_start", "period_end"]
    list_filter = ["template__period"]
    inlines = [DutyItemInline]

    def get_queryset(self, request):
        return DutyList.all_objects.all()
