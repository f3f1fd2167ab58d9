from django.contrib import admin
from simple_history.admin import SimpleHistoryAdmin

from .models import PackagingPromise, PromiseDecision, PromiseRule


@admin.register(PromiseRule)
class PromiseRuleAdmin(SimpleHistoryAdmin):
    list_display = ("order", "code", "title", "kind", "is_active", "version", "organisation")
    list_filter = ("organisation", "kind", "is_active")
    search_fields = ("code", "title", "text")
    readonly_fields = ("version",)


@admin.register(PackagingPromise)
class PackagingPromiseAdmin(SimpleHistoryAdmin):
    list_display = (
        "product",
        "return_amount",
        "return_unit",
        "exchange_amount",
        "exchange_unit",
        "repair_amount",
        "repair_unit",
        "organisation",
    )
    list_filter = ("organisation",)
    search_fields = ("product__name", "note")
    raw_id_fields = ("product",)


@admin.register(PromiseDecision)
class PromiseDecisionAdmin(admin.ModelAdmin):
    list_display = (
        "created_at",
        "product",
        "outcome",
        "rule_code",
        "rule_version",
        "decided_by",
        "organisation",
    )
    list_filter = ("organisation", "outcome", "rule_code")
    search_fields = ("product__name", "contract__number", "customer__name")
    raw_id_fields = ("customer", "contract", "contract_line", "product", "rule", "decided_by")

    def has_change_permission(self, request, obj=None):
        return False
