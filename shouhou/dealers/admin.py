from django.contrib import admin
from simple_history.admin import SimpleHistoryAdmin

from .models import (
    ClaimItem,
    DealerMember,
    DealerSettings,
    LedgerEntry,
    RepairPart,
    RepairRecord,
    ServiceTask,
    SpotCheck,
    StockingPlan,
    SupplierClaim,
    WarrantyCard,
    WriteOffNotice,
)


class _Org(admin.ModelAdmin):
    list_select_related = True


@admin.register(DealerSettings)
class DealerSettingsAdmin(SimpleHistoryAdmin):
    list_display = [
        "organisation",
        "card_due_days",
        "arrange_within_hours",
        "check_within_hours",
        "labour_rate",
        "travel_rate",
    ]


@admin.register(DealerMember)
class DealerMemberAdmin(_Org):
    list_display = ["user", "dealer", "organisation"]
    raw_id_fields = ["user", "dealer"]


@admin.register(WarrantyCard)
class WarrantyCardAdmin(_Org):
    list_display = ["number", "dealer", "customer_name", "sold_on", "due_on", "received_on"]
    list_filter = ["organisation"]
    search_fields = ["number", "customer_name", "serial"]
    raw_id_fields = ["dealer", "contract", "product", "received_by", "registered_by"]


@admin.register(ServiceTask)
class ServiceTaskAdmin(_Org):
    list_display = [
        "dealer",
        "source",
        "channel",
        "customer_name",
        "received_at",
        "arrange_due_at",
        "arranged_at",
    ]
    list_filter = ["organisation", "source"]
    raw_id_fields = ["dealer", "card", "created_by"]


class RepairPartInline(admin.TabularInline):
    model = RepairPart
    extra = 0


@admin.register(RepairRecord)
class RepairRecordAdmin(_Org):
    list_display = ["number", "dealer", "status", "repaired_on", "return_due_on", "total_cost"]
    list_filter = ["organisation", "status"]
    search_fields = ["number", "customer_name"]
    raw_id_fields = ["dealer", "card", "task", "notice", "created_by"]
    inlines = [RepairPartInline]


@admin.register(WriteOffNotice)
class WriteOffNoticeAdmin(_Org):
    list_display = ["number", "dealer", "amount", "issued_at", "confirmed_at"]
    list_filter = ["organisation"]
    raw_id_fields = ["dealer", "issued_by", "confirmed_by"]


@admin.register(LedgerEntry)
class LedgerEntryAdmin(_Org):
    list_display = ["dealer", "on", "kind", "amount", "description"]
    list_filter = ["organisation", "kind"]
    raw_id_fields = ["dealer", "notice", "created_by"]


@admin.register(StockingPlan)
class StockingPlanAdmin(_Org):
    list_display = ["dealer", "season_start", "submitted_on"]
    raw_id_fields = ["dealer", "created_by"]


@admin.register(SpotCheck)
class SpotCheckAdmin(_Org):
    list_display = ["dealer", "checked_on", "checked_by", "records_checked"]
    raw_id_fields = ["dealer", "checked_by"]


class ClaimItemInline(admin.TabularInline):
    model = ClaimItem
    extra = 0


@admin.register(SupplierClaim)
class SupplierClaimAdmin(_Org):
    list_display = ["number", "supplier", "status", "sent_at", "settled_on", "settled_amount"]
    list_filter = ["organisation", "status"]
    search_fields = ["number"]
    raw_id_fields = ["supplier", "case", "created_by", "sent_by", "acknowledged_by", "settled_by"]
    inlines = [ClaimItemInline]
