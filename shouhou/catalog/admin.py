from django.contrib import admin
from simple_history.admin import SimpleHistoryAdmin

from .models import Brand, CatalogSettings, Category, Product, ProductModel, Supplier


@admin.register(CatalogSettings)
class CatalogSettingsAdmin(SimpleHistoryAdmin):
    list_display = ("organisation", "default_warranty_months")


@admin.register(Brand)
class BrandAdmin(admin.ModelAdmin):
    list_display = ("name", "organisation")
    list_filter = ("organisation",)
    search_fields = ("name",)


@admin.register(Supplier)
class SupplierAdmin(admin.ModelAdmin):
    list_display = ("name", "contact_name", "phone", "organisation")
    list_filter = ("organisation",)
    search_fields = ("name", "contact_name", "phone")


@admin.register(Category)
class CategoryAdmin(admin.ModelAdmin):
    list_display = ("__str__", "parent", "organisation")
    list_filter = ("organisation",)
    search_fields = ("name",)


class ProductModelInline(admin.TabularInline):
    model = ProductModel
    extra = 0
    fields = ("code", "name", "list_price", "warranty_months", "is_active")


@admin.register(Product)
class ProductAdmin(admin.ModelAdmin):
    list_display = (
        "name",
        "brand",
        "category",
        "merchant",
        "needs_installation",
        "warranty_months",
        "is_active",
        "organisation",
    )
    list_filter = (
        "organisation",
        "is_active",
        "needs_installation",
        "is_electronic",
        "is_bulb_or_speaker",
        "is_window_film",
        "is_adhesive",
        "is_single_use",
    )
    search_fields = ("name", "brand__name", "models__code")
    list_select_related = ("brand", "category", "merchant", "organisation")
    inlines = [ProductModelInline]

    def save_formset(self, request, form, formset, change):
        # New models take the product's organisation.
        for obj in formset.save(commit=False):
            obj.organisation_id = form.instance.organisation_id
            obj.save()
        for obj in formset.deleted_objects:
            obj.delete()
        formset.save_m2m()


@admin.register(ProductModel)
class ProductModelAdmin(admin.ModelAdmin):
    list_display = ("code", "product", "list_price", "warranty_months", "is_active", "organisation")
    list_filter = ("organisation", "is_active")
    search_fields = ("code", "name", "product__name")
    list_select_related = ("product", "organisation")
