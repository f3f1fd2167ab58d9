from django.contrib import admin

from .models import (
    Appointment,
    AppointmentChange,
    AreaMember,
    ConfirmationCall,
    LeaveRequest,
    RosterSettings,
    ServiceArea,
    Shift,
    StoreVisit,
)


@admin.register(RosterSettings)
class RosterSettingsAdmin(admin.ModelAdmin):
    list_display = ("organisation", "shift_start", "shift_end", "appointment_minutes")


@admin.register(Shift)
class ShiftAdmin(admin.ModelAdmin):
    list_display = ("date", "staff", "kind", "starts", "ends", "organisation")
    list_filter = ("organisation", "kind")
    date_hierarchy = "date"
    raw_id_fields = ("staff", "by")

    def get_queryset(self, request):
        return Shift.all_objects.select_related("staff", "organisation")


@admin.register(LeaveRequest)
class LeaveRequestAdmin(admin.ModelAdmin):
    list_display = ("staff", "first_day", "last_day", "status", "organisation")
    list_filter = ("organisation", "status")
    raw_id_fields = ("staff", "requested_by", "decided_by")

    def get_queryset(self, request):
        return LeaveRequest.all_objects.select_related("staff", "organisation")


class ChangeInline(admin.TabularInline):
    model = AppointmentChange
    extra = 0
    can_delete = False
    readonly_fields = ("kind", "starts_at", "ends_at", "previous_starts_at", "reason", "at", "by")


@admin.register(Appointment)
class AppointmentAdmin(admin.ModelAdmin):
    list_display = ("order", "starts_at", "ends_at", "status", "changes", "organisation")
    list_filter = ("organisation", "status")
    raw_id_fields = ("order",)
    inlines = [ChangeInline]

    def get_queryset(self, request):
        return Appointment.all_objects.select_related("order", "organisation")


@admin.register(ConfirmationCall)
class ConfirmationCallAdmin(admin.ModelAdmin):
    list_display = ("appointment", "at", "reached", "organisation")
    raw_id_fields = ("appointment", "by")

    def get_queryset(self, request):
        return ConfirmationCall.all_objects.select_related("appointment", "organisation")


class MemberInline(admin.TabularInline):
    model = AreaMember
    extra = 0
    raw_id_fields = ("staff",)


@admin.register(ServiceArea)
class ServiceAreaAdmin(admin.ModelAdmin):
    list_display = ("name", "store", "radius_km", "is_active", "organisation")
    list_filter = ("organisation", "is_active")
    inlines = [MemberInline]

    def get_queryset(self, request):
        return ServiceArea.all_objects.select_related("store", "organisation")


@admin.register(StoreVisit)
class StoreVisitAdmin(admin.ModelAdmin):
    list_display = ("week", "staff", "store", "planned_on", "done_at", "organisation")
    list_filter = ("organisation", "week")
    raw_id_fields = ("staff", "store", "done_by")

    def get_queryset(self, request):
        return StoreVisit.all_objects.select_related("staff", "store", "organisation")
