from django.contrib import admin

from .models import PortalSettings, RequestPhoto


@admin.register(PortalSettings)
class PortalSettingsAdmin(admin.ModelAdmin):
    list_display = ["organisation", "link_days", "lookups_per_hour", "requests_per_hour"]


@admin.register(RequestPhoto)
class RequestPhotoAdmin(admin.ModelAdmin):
    list_display = ["created_at", "organisation", "order", "image"]
    raw_id_fields = ["order"]

    def get_queryset(self, request):
        return RequestPhoto.all_objects.all()
