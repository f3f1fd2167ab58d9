from django.contrib import admin

from .models import CallbackTask


@admin.register(CallbackTask)
class CallbackTaskAdmin(admin.ModelAdmin):
    list_display = ["id", "organisation", "kind", "due_on", "status", "customer", "work_order"]
    list_filter = ["kind", "status", "organisation"]
    search_fields = ["source_key", "customer__name", "customer__mobile"]
    raw_id_fields = ["customer", "work_order", "assigned_to"]
    date_hierarchy = "due_on"
