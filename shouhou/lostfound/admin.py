from django.contrib import admin
from simple_history.admin import SimpleHistoryAdmin

from .models import EndOfDayList, LostFoundSettings, LostItem, LostItemPhoto, LostItemReminder


@admin.register(LostFoundSettings)
class LostFoundSettingsAdmin(SimpleHistoryAdmin):
    list_display = (
        "organisation",
        "archive_after_days",
        "disposal_after_months",
        "count_working_days",
        "desk_closes_at",
        "move_back_by",
    )


class PhotoInline(admin.TabularInline):
    model = LostItemPhoto
    extra = 0
    fields = ("image", "uploaded_by")
    readonly_fields = fields
    can_delete = False

    def has_add_permission(self, request, obj=None):
        return False


@admin.register(LostItem)
class LostItemAdmin(admin.ModelAdmin):
    list_display = ("number", "store", "category", "status", "is_valuable", "found_at")
    list_filter = ("status", "category", "is_valuable", "organisation", "store")
    search_fields = ("number", "description", "found_place")
    date_hierarchy = "found_at"
    inlines = [PhotoInline]

    def get_readonly_fields(self, request, obj=None):
        # States and signatures change through the services only (guarded, audited), and a
        # claimed or disposed record is not edited at all.
        return [f.name for f in self.model._meta.fields]

    def has_add_permission(self, request):
        return False


@admin.register(EndOfDayList)
class EndOfDayListAdmin(admin.ModelAdmin):
    list_display = ("day", "seq", "store", "item_count", "clerk_signed_by", "guard_signed_by")
    list_filter = ("organisation", "store", "day")

    def get_readonly_fields(self, request, obj=None):
        return [f.name for f in self.model._meta.fields]

    def has_add_permission(self, request):
        return False


@admin.register(LostItemReminder)
class LostItemReminderAdmin(admin.ModelAdmin):
    list_display = ("day", "kind", "store", "item_count", "done_at")
    list_filter = ("kind", "organisation", "store")
