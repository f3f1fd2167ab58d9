from django.contrib import admin
from simple_history.admin import SimpleHistoryAdmin

from .models import (
    Assessment,
    Attendance,
    ConductRule,
    DepositRefund,
    FeeCharge,
    Fine,
    OnboardingApplication,
    OnboardingStep,
    Payment,
    ServiceStaff,
    StaffDocument,
    StaffSettings,
    TrainingSession,
    WorkPermit,
)


class OrgAdmin(admin.ModelAdmin):
    """Admin pages read across organisations on purpose (site operators)."""

    def get_queryset(self, request):
        return self.model.all_objects.all()


class DocumentInline(admin.TabularInline):
    model = StaffDocument
    extra = 0
    fields = ("kind", "file", "note", "received_by")
    raw_id_fields = ("received_by",)


@admin.register(StaffSettings)
class StaffSettingsAdmin(SimpleHistoryAdmin):
    list_display = (
        "organisation",
        "management_fee",
        "deposit",
        "uniform_fee",
        "badge_fee",
        "fine_due_hours",
        "suspend_on_overdue_fine",
        "permit_validity_months",
        "permit_expiry_warning_days",
    )


@admin.register(ServiceStaff)
class ServiceStaffAdmin(OrgAdmin):
    list_display = ("name", "employer", "merchant", "store", "status", "mobile", "organisation")
    list_filter = ("organisation", "employer", "status")
    search_fields = ("name", "mobile", "id_number")
    raw_id_fields = ("user",)
    inlines = [DocumentInline]


@admin.register(StaffDocument)
class StaffDocumentAdmin(OrgAdmin):
    list_display = ("staff", "kind", "note", "created_at")
    list_filter = ("kind",)
    search_fields = ("staff__name",)


class StepInline(admin.TabularInline):
    model = OnboardingStep
    extra = 0
    readonly_fields = ("step", "entered_at", "done_at", "done_by", "note")


@admin.register(OnboardingApplication)
class OnboardingApplicationAdmin(OrgAdmin):
    list_display = ("staff", "flow", "step", "step_since", "status", "organisation")
    list_filter = ("organisation", "flow", "step", "status")
    search_fields = ("staff__name",)
    inlines = [StepInline]


@admin.register(OnboardingStep)
class OnboardingStepAdmin(OrgAdmin):
    list_display = ("application", "step", "done_at", "done_by")
    list_filter = ("step",)


@admin.register(WorkPermit)
class WorkPermitAdmin(OrgAdmin):
    list_display = ("number", "staff", "status", "issued_on", "valid_until", "organisation")
    list_filter = ("organisation", "status")
    search_fields = ("number", "staff__name")
    date_hierarchy = "valid_until"


@admin.register(FeeCharge)
class FeeChargeAdmin(OrgAdmin):
    list_display = ("staff", "kind", "amount", "period", "paid_at", "organisation")
    list_filter = ("organisation", "kind")
    search_fields = ("staff__name",)


@admin.register(Payment)
class PaymentAdmin(OrgAdmin):
    list_display = ("receipt_no", "staff", "amount", "charge", "fine", "paid_at")
    list_filter = ("organisation",)
    search_fields = ("receipt_no", "staff__name")


@admin.register(DepositRefund)
class DepositRefundAdmin(OrgAdmin):
    list_display = ("voucher_no", "staff", "amount", "refunded_at")
    search_fields = ("voucher_no", "staff__name")


@admin.register(Fine)
class FineAdmin(OrgAdmin):
    list_display = ("staff", "category", "amount", "status", "due_at", "organisation")
    list_filter = ("organisation", "category", "status")
    search_fields = ("staff__name", "description")


@admin.register(ConductRule)
class ConductRuleAdmin(admin.ModelAdmin):
    list_display = ("section", "position", "text", "instead", "is_active")
    list_filter = ("section", "is_active")
    search_fields = ("text", "instead")
    list_editable = ("position", "is_active")


class AttendanceInline(admin.TabularInline):
    model = Attendance
    extra = 0
    raw_id_fields = ("staff",)
    exclude = ("organisation",)


@admin.register(TrainingSession)
class TrainingSessionAdmin(OrgAdmin):
    list_display = ("title", "kind", "run_by", "merchant", "starts_at", "organisation")
    list_filter = ("organisation", "kind", "run_by")
    search_fields = ("title", "trainer")
    inlines = [AttendanceInline]


@admin.register(Attendance)
class AttendanceAdmin(OrgAdmin):
    list_display = ("session", "staff", "present")
    list_filter = ("present",)


@admin.register(Assessment)
class AssessmentAdmin(OrgAdmin):
    list_display = ("staff", "kind", "score", "passed", "assessed_on")
    list_filter = ("kind", "passed")
    search_fields = ("staff__name",)
