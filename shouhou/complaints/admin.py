from django.contrib import admin
from simple_history.admin import SimpleHistoryAdmin

from shouhou.core.admin import FrozenAdminMixin

from .models import (
    ApprovalRule,
    Case,
    ComplaintCause,
    ComplaintSettings,
    MonthlyStatisticsSend,
    Notification,
    PenaltyNotice,
    RepairItem,
    Signature,
)


@admin.register(ApprovalRule)
class ApprovalRuleAdmin(SimpleHistoryAdmin):
    list_display = (
        "order",
        "name",
        "kinds",
        "installed",
        "within_promises",
        "min_amount",
        "max_amount",
        "approver_roles",
        "is_active",
        "organisation",
    )
    list_filter = ("organisation", "is_active")
    search_fields = ("name",)


@admin.register(ComplaintSettings)
class ComplaintSettingsAdmin(SimpleHistoryAdmin):
    list_display = ("organisation", "role_ranks", "statistics_recipient_roles", "updated_at")
    search_fields = ("organisation__name",)


@admin.register(ComplaintCause)
class ComplaintCauseAdmin(admin.ModelAdmin):
    list_display = ("order", "code", "name", "is_active", "organisation")
    list_filter = ("organisation", "is_active")
    search_fields = ("code", "name")


class SignatureInline(admin.TabularInline):
    model = Signature
    extra = 0
    readonly_fields = ("step", "role", "verdict", "signed_by", "note", "created_at")
    can_delete = False

    def has_add_permission(self, request, obj=None):
        return False  # signatures are given through the approval flow, never typed in

    def has_change_permission(self, request, obj=None):
        return False


@admin.register(Case)
class CaseAdmin(FrozenAdminMixin, admin.ModelAdmin):
    def frozen(self, obj) -> bool:
        # Once an approver signed, the case and its signatures change only through the services.
        return obj.signatures.exists()

    list_display = (
        "number",
        "kind",
        "status",
        "customer",
        "product",
        "amount",
        "cause",
        "responsibility",
        "created_at",
        "organisation",
    )
    list_filter = ("organisation", "kind", "status", "responsibility", "cause")
    search_fields = ("number", "customer__name", "customer__mobile", "description")
    raw_id_fields = (
        "customer",
        "contract",
        "product",
        "store",
        "decision",
        "work_order",
        "inspection_order",
        "supplier",
        "registered_by",
        "cause",
    )
    inlines = [SignatureInline]


@admin.register(Signature)
class SignatureAdmin(FrozenAdminMixin, admin.ModelAdmin):
    def frozen(self, obj) -> bool:
        return True  # a signature is never edited or deleted

    def has_add_permission(self, request):
        return False  # signatures are given through the approval flow

    list_display = ("case", "step", "role", "verdict", "signed_by", "created_at")
    list_filter = ("organisation", "verdict", "role")
    search_fields = ("case__number",)
    raw_id_fields = ("case", "signed_by")


@admin.register(RepairItem)
class RepairItemAdmin(admin.ModelAdmin):
    list_display = ("case", "item", "quantity", "unit_cost", "cost")
    list_filter = ("organisation",)
    search_fields = ("case__number", "item")
    raw_id_fields = ("case",)


@admin.register(PenaltyNotice)
class PenaltyNoticeAdmin(admin.ModelAdmin):
    list_display = ("case", "person", "amount", "issued_by", "created_at")
    list_filter = ("organisation",)
    search_fields = ("case__number", "reason")
    raw_id_fields = ("case", "person", "issued_by")


@admin.register(Notification)
class NotificationAdmin(admin.ModelAdmin):
    list_display = ("recipient", "title", "created_at", "read_at")
    list_filter = ("read_at",)
    search_fields = ("title", "recipient__username")
    raw_id_fields = ("recipient",)


@admin.register(MonthlyStatisticsSend)
class MonthlyStatisticsSendAdmin(admin.ModelAdmin):
    list_display = ("organisation", "month", "recipients", "created_at")
    list_filter = ("organisation",)
