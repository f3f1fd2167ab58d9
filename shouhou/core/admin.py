from typing import TYPE_CHECKING, Any

from django.contrib import admin
from django.http import HttpRequest

from .models import AuditEvent, JobMark, JobRun, SavedFilter

if TYPE_CHECKING:
    _Base = admin.ModelAdmin
else:
    _Base = object


def _no(request: Any, obj: Any = None) -> bool:
    return False


class FrozenAdminMixin(_Base):  # type: ignore[type-arg]
    """Signed documents are frozen in the admin too (issue 16, item 6): when `frozen(obj)`, the
    object's change page shows every field read-only, it cannot be deleted (neither from its
    page nor by the "delete selected" action, nor by deleting a parent whose cascade would take
    it: Django asks `has_delete_permission(obj)` for every object it would delete), and its
    inlines add, change and delete nothing. Corrections are new, linked records made through
    the services."""

    def frozen(self, obj: Any) -> bool:
        raise NotImplementedError

    def get_readonly_fields(self, request: Any, obj: Any = None) -> Any:
        if obj is not None and self.frozen(obj):
            opts = self.model._meta
            return [f.name for f in (*opts.fields, *opts.many_to_many)]
        return super().get_readonly_fields(request, obj)

    def has_change_permission(self, request: Any, obj: Any = None) -> bool:
        # A view-only page (no Save buttons) for a frozen object.
        if obj is not None and self.frozen(obj):
            return False
        return super().has_change_permission(request, obj)

    def has_delete_permission(self, request: Any, obj: Any = None) -> bool:
        if obj is not None and self.frozen(obj):
            return False
        return super().has_delete_permission(request, obj)

    def get_inline_instances(self, request: Any, obj: Any = None) -> Any:
        inlines = super().get_inline_instances(request, obj)
        if obj is not None and self.frozen(obj):
            for inline in inlines:
                inline.has_add_permission = _no  # type: ignore[method-assign]
                inline.has_change_permission = _no  # type: ignore[method-assign]
                inline.has_delete_permission = _no  # type: ignore[method-assign]
        return inlines


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


@admin.register(JobMark)
class JobMarkAdmin(admin.ModelAdmin):  # type: ignore[type-arg]
    """How far the incremental jobs have got (read-only; deleting a mark makes the next run a
    full recheck, which is safe)."""

    list_display = ("name", "high_water", "full_at", "updated_at")
    readonly_fields = ("name", "high_water", "full_at", "updated_at")

    def has_add_permission(self, request: HttpRequest) -> bool:
        return False


@admin.register(SavedFilter)
class SavedFilterAdmin(admin.ModelAdmin):  # type: ignore[type-arg]
    list_display = ("name", "list_key", "user", "organisation", "updated_at")
    list_filter = ("organisation", "list_key")
    search_fields = ("name", "user__username", "query")
    raw_id_fields = ("user",)

    def get_queryset(self, request: HttpRequest) -> Any:
        return SavedFilter.all_objects.select_related("user", "organisation")
