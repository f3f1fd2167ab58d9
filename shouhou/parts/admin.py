"""Admin for the parts master data. Ledger rows and signed documents (moves, receipts, issued
requisitions, write-offs, old parts, approved batches and counts) are read-only here: they
change through the services only, so the books and the audit trail stay in step."""

from django.contrib import admin
from simple_history.admin import SimpleHistoryAdmin

from .models import (
    Alert,
    ApprovalBand,
    DisposalBatch,
    Location,
    Move,
    OldPart,
    Part,
    PartsSettings,
    PostageWriteOff,
    Quote,
    QuoteLine,
    Receipt,
    ReceiptLine,
    Requisition,
    RequisitionLine,
    Stock,
    StockCount,
    StockCountLine,
    WriteOff,
)


@admin.register(PartsSettings)
class PartsSettingsAdmin(SimpleHistoryAdmin):
    list_display = ("organisation", "old_part_return_days", "labour_rate", "travel_flat",
                    "travel_per_km", "quote_needed_for_fee", "updated_at")  # fmt: skip


@admin.register(ApprovalBand)
class ApprovalBandAdmin(SimpleHistoryAdmin):
    list_display = ("order", "min_value", "max_value", "role", "organisation")
    list_filter = ("organisation",)


@admin.register(Part)
class PartAdmin(admin.ModelAdmin):
    list_display = ("code", "name", "specification", "kind", "cost_price", "sale_price",
                    "reorder_level", "is_active", "organisation")  # fmt: skip
    list_filter = ("organisation", "kind", "is_active")
    search_fields = ("code", "name", "specification")
    filter_horizontal = ("products", "models_fitted")


@admin.register(Location)
class LocationAdmin(admin.ModelAdmin):
    list_display = (
        "code",
        "name",
        "kind",
        "store",
        "dealer",
        "holder",
        "is_active",
        "organisation",
    )
    list_filter = ("organisation", "kind")
    search_fields = ("code", "name")


class ReadOnlyAdmin(admin.ModelAdmin):
    """Rows written by the services only: viewable, never added, changed or deleted here."""

    def has_add_permission(self, request, obj=None):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False


class ReadOnlyInline(admin.TabularInline):
    extra = 0
    can_delete = False

    def has_add_permission(self, request, obj=None):
        return False

    def has_change_permission(self, request, obj=None):
        return False


class ReceiptLineInline(ReadOnlyInline):
    model = ReceiptLine


class RequisitionLineInline(ReadOnlyInline):
    model = RequisitionLine


class StockCountLineInline(ReadOnlyInline):
    model = StockCountLine


class QuoteLineInline(ReadOnlyInline):
    model = QuoteLine


@admin.register(Alert)
class AlertAdmin(ReadOnlyAdmin):
    list_display = ("raised_on", "kind", "text", "organisation")
    list_filter = ("organisation", "kind")


@admin.register(Stock)
class StockAdmin(admin.ModelAdmin):
    list_display = ("location", "part", "quantity", "average_cost", "reorder_level")
    list_filter = ("organisation", "location__kind")
    search_fields = ("part__code", "part__name")
    fields = ("location", "part", "quantity", "average_cost", "reorder_level")
    readonly_fields = ("location", "part", "quantity", "average_cost")

    def has_add_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False


@admin.register(Move)
class MoveAdmin(ReadOnlyAdmin):
    list_display = ("at", "kind", "part", "from_location", "to_location", "quantity", "unit_cost",
                    "by", "document", "document_id")  # fmt: skip
    list_filter = ("organisation", "kind")
    search_fields = ("part__code", "note")


@admin.register(Receipt)
class ReceiptAdmin(ReadOnlyAdmin):
    inlines = [ReceiptLineInline]
    list_display = ("number", "received_at", "location", "supplier", "received_by")
    search_fields = ("number", "supplier")


@admin.register(Requisition)
class RequisitionAdmin(ReadOnlyAdmin):
    inlines = [RequisitionLineInline]
    list_display = ("number", "work_order", "technician", "status", "total_value", "approver_role")
    list_filter = ("organisation", "status")
    search_fields = ("number",)


@admin.register(WriteOff)
class WriteOffAdmin(ReadOnlyAdmin):
    list_display = ("at", "line", "quantity", "value", "report", "by")


@admin.register(OldPart)
class OldPartAdmin(ReadOnlyAdmin):
    list_display = ("returned_at", "part", "quantity", "serial", "work_order", "status", "verdict")
    list_filter = ("organisation", "status", "verdict")


@admin.register(DisposalBatch)
class DisposalBatchAdmin(ReadOnlyAdmin):
    list_display = ("month", "status", "method", "approved_by", "approved_at")


@admin.register(StockCount)
class StockCountAdmin(ReadOnlyAdmin):
    inlines = [StockCountLineInline]
    list_display = ("counted_at", "location", "status", "counted_by", "approved_by")


@admin.register(Quote)
class QuoteAdmin(ReadOnlyAdmin):
    inlines = [QuoteLineInline]
    list_display = ("work_order", "status", "total", "accepted_by_name", "accepted_at",
                    "changed_total")  # fmt: skip


@admin.register(PostageWriteOff)
class PostageWriteOffAdmin(ReadOnlyAdmin):
    list_display = ("handled_at", "carrier", "waybill", "amount", "handler", "status",
                    "approved_by")  # fmt: skip
