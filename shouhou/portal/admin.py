from django.contrib import admin

from .models import AppointmentMove, IntakeMail, MailAttachment, PortalSettings, RequestPhoto


@admin.register(PortalSettings)
class PortalSettingsAdmin(admin.ModelAdmin):
    list_display = ["organisation", "link_days", "lookups_per_hour", "requests_per_hour"]


@admin.register(AppointmentMove)
class AppointmentMoveAdmin(admin.ModelAdmin):
    """The customers' own moves: history, so read-only."""

    list_display = ["at", "organisation", "order", "from_at", "to_at", "reason"]
    list_filter = ["organisation"]
    raw_id_fields = ["order"]

    def get_queryset(self, request):
        return AppointmentMove.all_objects.select_related("order", "organisation")

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False


@admin.register(RequestPhoto)
class RequestPhotoAdmin(admin.ModelAdmin):
    list_display = ["created_at", "organisation", "order", "image"]
    raw_id_fields = ["order"]

    def get_queryset(self, request):
        return RequestPhoto.all_objects.all()


class MailAttachmentInline(admin.TabularInline):
    model = MailAttachment
    extra = 0


@admin.register(IntakeMail)
class IntakeMailAdmin(admin.ModelAdmin):
    list_display = ["received_at", "organisation", "sender", "subject", "outcome", "order"]
    list_filter = ["outcome", "organisation"]
    search_fields = ["sender", "subject", "message_id"]
    raw_id_fields = ["order"]
    inlines = [MailAttachmentInline]

    def get_queryset(self, request):
        return IntakeMail.all_objects.all()
