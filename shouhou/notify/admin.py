from django.contrib import admin

from .models import CustomerContact, Message, MessageTemplate, NotifySettings


@admin.register(NotifySettings)
class NotifySettingsAdmin(admin.ModelAdmin):
    list_display = ["organisation", "default_channel", "quiet_start", "quiet_end", "max_attempts"]


@admin.register(MessageTemplate)
class MessageTemplateAdmin(admin.ModelAdmin):
    list_display = ["organisation", "event", "channel", "is_active", "provider_code"]
    list_filter = ["organisation", "event", "channel", "is_active"]

    def get_queryset(self, request):
        return MessageTemplate.all_objects.all()


@admin.register(CustomerContact)
class CustomerContactAdmin(admin.ModelAdmin):
    list_display = ["organisation", "customer", "email", "wechat_openid", "opted_out"]
    raw_id_fields = ["customer"]

    def get_queryset(self, request):
        return CustomerContact.all_objects.all()


@admin.register(Message)
class MessageAdmin(admin.ModelAdmin):
    list_display = [
        "created_at",
        "organisation",
        "event",
        "channel",
        "recipient",
        "status",
        "attempts",
    ]
    list_filter = ["status", "channel", "event", "organisation"]
    search_fields = ["recipient", "key", "body"]
    raw_id_fields = ["customer"]
    readonly_fields = ["key", "attempts", "sent_at", "provider_id", "last_error"]

    def get_queryset(self, request):
        return Message.all_objects.all()
