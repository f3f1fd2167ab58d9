from django.contrib import admin
from simple_history.admin import SimpleHistoryAdmin

from .models import (
    CallbackAnswer,
    CallbackAttempt,
    CallbackRecord,
    CallbackSettings,
    CallbackTask,
    Question,
)


@admin.register(CallbackSettings)
class CallbackSettingsAdmin(SimpleHistoryAdmin):
    list_display = [
        "organisation",
        "after_service_enabled",
        "after_service_working_days",
        "greeting_holidays",
        "greeting_lead_days",
        "birthday_greetings",
        "max_attempts",
        "satisfied_from",
    ]


class CallbackAttemptInline(admin.TabularInline):
    model = CallbackAttempt
    extra = 0
    fields = ["at", "result", "note", "by"]
    readonly_fields = fields
    can_delete = False

    def has_add_permission(self, request, obj=None):
        return False


@admin.register(CallbackTask)
class CallbackTaskAdmin(admin.ModelAdmin):
    list_display = [
        "id",
        "organisation",
        "kind",
        "occasion",
        "due_on",
        "status",
        "assigned_to",
        "attempts",
        "customer",
        "work_order",
    ]
    list_filter = ["kind", "status", "organisation"]
    search_fields = ["source_key", "customer__name", "customer__mobile"]
    raw_id_fields = ["customer", "work_order", "delivery", "assigned_to", "closed_by"]
    date_hierarchy = "due_on"
    # Status and attempts change through the services (guarded, audited).
    readonly_fields = ["status", "attempts", "last_attempt_at", "closed_at", "closed_by"]
    inlines = [CallbackAttemptInline]


@admin.register(CallbackAttempt)
class CallbackAttemptAdmin(admin.ModelAdmin):
    list_display = ["task", "at", "result", "by", "organisation"]
    list_filter = ["result", "organisation"]
    search_fields = ["note", "task__customer__name", "task__source_key"]
    raw_id_fields = ["task", "by"]
    date_hierarchy = "at"


@admin.register(Question)
class QuestionAdmin(SimpleHistoryAdmin):
    list_display = ["text", "code", "answer_type", "required", "order", "is_active", "organisation"]
    list_filter = ["answer_type", "is_active", "organisation"]
    search_fields = ["text", "code"]
    list_editable = ["order", "is_active"]


class CallbackAnswerInline(admin.TabularInline):
    model = CallbackAnswer
    extra = 0
    fields = ["question", "question_text", "answer", "score"]
    raw_id_fields = ["question"]


@admin.register(CallbackRecord)
class CallbackRecordAdmin(admin.ModelAdmin):
    list_display = [
        "customer",
        "called_at",
        "channel",
        "caller",
        "satisfaction",
        "outcome_no_show",
        "outcome_second_visit",
        "outcome_complaint",
        "organisation",
    ]
    list_filter = [
        "channel",
        "satisfaction",
        "outcome_no_show",
        "outcome_second_visit",
        "outcome_complaint",
        "organisation",
    ]
    search_fields = ["customer__name", "customer__mobile", "comment"]
    raw_id_fields = [
        "task",
        "customer",
        "work_order",
        "delivery",
        "technician",
        "store",
        "product_model",
        "caller",
        "second_visit_order",
        "complaint_case",
    ]
    date_hierarchy = "called_at"
    inlines = [CallbackAnswerInline]


@admin.register(CallbackAnswer)
class CallbackAnswerAdmin(admin.ModelAdmin):
    list_display = ["record", "question_text", "answer", "score", "organisation"]
    search_fields = ["question_text", "answer"]
    raw_id_fields = ["record", "question"]
