from django.contrib import admin
from simple_history.admin import SimpleHistoryAdmin

from .models import (
    Customer,
    CustomerAddress,
    CustomerPhone,
    CustomerSettings,
    FaultCategory,
    OwnedProduct,
    ServiceCase,
)


class CustomerPhoneInline(admin.TabularInline):
    model = CustomerPhone
    extra = 0
    fields = ("number", "label", "organisation")


class CustomerAddressInline(admin.TabularInline):
    model = CustomerAddress
    extra = 0
    fields = ("label", "province", "city", "district", "detail", "is_default", "organisation")


class OwnedProductInline(admin.TabularInline):
    model = OwnedProduct
    extra = 0
    fields = (
        "product",
        "model",
        "description",
        "quantity",
        "purchased_on",
        "installed_on",
        "warranty_until",
        "serial_no",
        "organisation",
    )
    raw_id_fields = ("product", "model", "contract_line")


@admin.register(Customer)
class CustomerAdmin(admin.ModelAdmin):
    """Back-office view. Everyday registration goes through the pages (validated services)."""

    list_display = (
        "name",
        "mobile",
        "organisation",
        "store",
        "merchant",
        "is_member",
        "archive_completed_at",
        "created_at",
    )
    list_filter = ("organisation", "store", "is_member", "name_is_full", "gender")
    search_fields = ("name", "mobile", "member_no", "phones__number", "addresses__detail")
    list_select_related = ("organisation", "store", "merchant")
    raw_id_fields = ("store", "merchant", "created_by")
    readonly_fields = ("created_at", "updated_at")
    date_hierarchy = "created_at"
    inlines = [CustomerPhoneInline, CustomerAddressInline, OwnedProductInline]


@admin.register(CustomerPhone)
class CustomerPhoneAdmin(admin.ModelAdmin):
    list_display = ("number", "label", "customer", "organisation")
    list_filter = ("organisation",)
    search_fields = ("number", "customer__name")
    raw_id_fields = ("customer",)


@admin.register(CustomerAddress)
class CustomerAddressAdmin(admin.ModelAdmin):
    list_display = ("customer", "province", "city", "district", "detail", "is_default")
    list_filter = ("organisation", "city", "district")
    search_fields = ("detail", "district", "customer__name")
    raw_id_fields = ("customer",)


@admin.register(OwnedProduct)
class OwnedProductAdmin(admin.ModelAdmin):
    list_display = ("__str__", "customer", "quantity", "purchased_on", "warranty_until")
    list_filter = ("organisation",)
    search_fields = ("description", "serial_no", "customer__name", "customer__mobile")
    raw_id_fields = ("customer", "product", "model", "contract_line")
    date_hierarchy = "purchased_on"


@admin.register(CustomerSettings)
class CustomerSettingsAdmin(SimpleHistoryAdmin):
    list_display = ("organisation", "case_window_days")


@admin.register(FaultCategory)
class FaultCategoryAdmin(admin.ModelAdmin):
    list_display = ("name", "code", "tier", "order", "is_active", "organisation")
    list_filter = ("organisation", "is_active", "tier")
    search_fields = ("name", "code")


@admin.register(ServiceCase)
class ServiceCaseAdmin(admin.ModelAdmin):
    list_display = (
        "id",
        "customer",
        "product",
        "fault",
        "first_kind",
        "opened_at",
        "last_at",
        "repeat_count",
        "organisation",
    )
    list_filter = ("organisation", "fault")
    search_fields = ("customer__name", "customer__mobile", "owned_product__serial_no")
    list_select_related = ("customer", "product", "fault", "organisation")
    raw_id_fields = ("customer", "product", "owned_product")
    date_hierarchy = "opened_at"
