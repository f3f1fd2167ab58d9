from django.contrib import admin

from .models import AuditEvent, JobRun


@admin.register(AuditEvent)
class AuditEventAdmin(admin.ModelAdmin):
    """Read-only: the audit log is append-only."""

    list_display = ("at", "organisation", "actor", "action", "object_repr")
    list_filter = ("organisation", "action")
    search_fields = ("object_repr", "action", "object_id")
    date_hierarchy = "at"

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False

    def get_queryset(self, request):
        return AuditEvent.all_objects.select_related("actor", "organisation")


@admin.register(JobRun)
class JobRunAdmin(admin.ModelAdmin):
    list_display = ("name", "started_at", "finished_at", "ok")
    list_filter = ("name", "ok")
    readonly_fields = ("name", "started_at", "finished_at", "ok", "result", "error")
