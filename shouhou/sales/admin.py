from django.contrib import admin
from simple_history.admin import SimpleHistoryAdmin

from .models import Contract, ContractLine, ContractNumberSequence, ContractPayment, SalesSettings


@admin.register(SalesSettings)
class SalesSettingsAdmin(SimpleHistoryAdmin):
    list_display = ("organisation", "contract_number_prefix", "delivery_soon_days")


class ContractLineInline(admin.TabularInline):
    """Lines are the signed contract: shown, not edited (the total and owned products follow)."""

    model = ContractLine
    extra = 0
    fields = ("product", "model", "quantity", "unit_price", "line_total")
    readonly_fields = fields
    can_delete = False

    def has_add_permission(self, request, obj=None):
        return False


class ContractPaymentInline(admin.TabularInline):
    model = ContractPayment
    extra = 0
    fields = ("amount", "method", "receipt_no", "received_by", "created_at")
    readonly_fields = fields
    can_delete = False

    def has_add_permission(self, request, obj=None):
        # Payments change the balance: they are recorded through the contract page or the API.
        return False


@admin.register(Contract)
class ContractAdmin(admin.ModelAdmin):
    list_display = (
        "number",
        "signed_on",
        "customer",
        "store",
        "merchant",
        "total",
        "paid",
        "delivery_date",
        "status",
        "organisation",
    )
    list_filter = ("organisation", "status", "store", "signed_on")
    search_fields = ("number", "customer__name", "customer__mobile", "delivery_address")
    date_hierarchy = "signed_on"
    list_select_related = ("customer", "store", "merchant", "organisation")
    raw_id_fields = ("customer", "salesperson")
    readonly_fields = ("number", "total", "paid", "cancelled_at", "created_by")
    inlines = [ContractLineInline, ContractPaymentInline]

    def has_add_permission(self, request):
        # A contract is signed through the contract page or the API (numbers, totals, audit).
        return False


@admin.register(ContractPayment)
class ContractPaymentAdmin(admin.ModelAdmin):
    list_display = ("contract", "amount", "method", "receipt_no", "received_by", "created_at")
    list_filter = ("organisation", "method")
    search_fields = ("contract__number", "receipt_no")
    readonly_fields = ("contract", "amount", "method", "receipt_no", "received_by")

    def has_add_permission(self, request):
        return False


@admin.register(ContractNumberSequence)
class ContractNumberSequenceAdmin(admin.ModelAdmin):
    list_display = ("organisation", "year", "last")
    list_filter = ("organisation",)
