from django.contrib import admin
from django.contrib.auth.admin import UserAdmin as BaseUserAdmin
from django.utils.translation import gettext_lazy as _
from simple_history.admin import SimpleHistoryAdmin

from .models import Dealer, Department, Merchant, Organisation, OrganisationSettings, Store, User


class StoreInline(admin.TabularInline):
    model = Store
    extra = 0
    fields = ("name", "code", "hotline", "address", "is_active")


@admin.register(Organisation)
class OrganisationAdmin(admin.ModelAdmin):
    list_display = ("name", "code", "kind", "phone")
    search_fields = ("name", "code")
    list_filter = ("kind",)


@admin.register(OrganisationSettings)
class OrganisationSettingsAdmin(SimpleHistoryAdmin):
    list_display = (
        "organisation",
        "contract_requires_full_name",
        "office_opens",
        "office_closes",
        "calendar_next_year_from_month",
    )


@admin.register(Store)
class StoreAdmin(admin.ModelAdmin):
    list_display = ("name", "code", "organisation", "hotline", "is_active")
    list_filter = ("organisation", "is_active")
    search_fields = ("name", "code", "hotline")


@admin.register(Department)
class DepartmentAdmin(admin.ModelAdmin):
    list_display = ("name", "kind", "store", "organisation")
    list_filter = ("organisation", "kind")


@admin.register(Merchant)
class MerchantAdmin(admin.ModelAdmin):
    list_display = ("name", "booth", "contact_name", "phone", "organisation", "is_active")
    list_filter = ("organisation", "is_active")
    search_fields = ("name", "booth", "contact_name")


@admin.register(Dealer)
class DealerAdmin(admin.ModelAdmin):
    list_display = ("name", "region", "contact_name", "phone", "organisation")
    list_filter = ("organisation",)


@admin.register(User)
class UserAdmin(BaseUserAdmin):
    list_display = ("username", "display_name", "organisation", "store", "merchant", "is_active")
    list_filter = ("organisation", "groups", "is_active", "is_staff")
    search_fields = ("username", "display_name", "mobile")
    fieldsets = (
        *BaseUserAdmin.fieldsets,
        (
            _("Shouhou"),
            {
                "fields": (
                    "display_name",
                    "mobile",
                    "organisation",
                    "store",
                    "department",
                    "merchant",
                )
            },
        ),
    )
