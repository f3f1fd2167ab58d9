"""/api/v1/callback-tasks/: the call list and every task the caller may see (filters: mine,
unassigned, assigned_to, status, kind, overdue, due range, callable today), one task with its
attempts and context, and one POST per action (take, assign, attempt — send an Idempotency-Key,
it creates a row —, reschedule, close-unreachable, skip, cancel); /api/v1/callback-tasks/assign/
reassigns many at once; /api/v1/callback-settings/ GET (office roles) and PUT/PATCH (manager).
Thin: the services check every rule, the selectors limit every read."""

from __future__ import annotations

from django.urls import path
from django.utils import timezone
from drf_spectacular.utils import extend_schema
from rest_framework import serializers, status, viewsets
from rest_framework.decorators import action
from rest_framework.response import Response
from rest_framework.views import APIView

from shouhou.core.api import IntegerIn
from shouhou.core.errors import PermissionDeniedError
from shouhou.core.idempotency import run_idempotent
from shouhou.core.listing import (
    ShapedSerializer,
    SummaryListMixin,
    TruncatedText,
    shape_parameters,
)
from shouhou.core.pagination import KeysetPagination
from shouhou.core.phones import mask_phone
from shouhou.org import roles as r

from . import selectors, services
from .models import CallbackAttempt, CallbackSettings, CallbackTask

# Output -----------------------------------------------------------------------------------


class CallbackAttemptOut(serializers.ModelSerializer):
    result_display = serializers.CharField(source="get_result_display", read_only=True)
    by_name = serializers.CharField(source="by.__str__", read_only=True)

    class Meta:
        model = CallbackAttempt
        fields = ["id", "task", "at", "result", "result_display", "note", "by", "by_name"]


class CallbackTaskOut(serializers.ModelSerializer):
    kind_display = serializers.CharField(source="get_kind_display", read_only=True)
    status_display = serializers.CharField(source="get_status_display", read_only=True)
    customer_name = serializers.CharField(source="customer.name", read_only=True)
    customer_mobile = serializers.SerializerMethodField()
    work_order_number = serializers.CharField(
        source="work_order.number", default="", read_only=True
    )
    reissued = serializers.BooleanField(source="work_order.is_reissued", default=False)
    assigned_to_name = serializers.SerializerMethodField()
    call_from = serializers.DateField(read_only=True)
    overdue = serializers.SerializerMethodField()

    class Meta:
        model = CallbackTask
        fields = [
            "id",
            "kind",
            "kind_display",
            "occasion",
            "status",
            "status_display",
            "customer",
            "customer_name",
            "customer_mobile",
            "work_order",
            "work_order_number",
            "reissued",
            "delivery",
            "available_on",
            "call_from",
            "due_on",
            "overdue",
            "assigned_to",
            "assigned_to_name",
            "attempts",
            "last_attempt_at",
            "reschedule_count",
            "closed_at",
            "closed_by",
            "note",
            "source_key",
        ]

    def get_customer_mobile(self, obj) -> str:
        # The call centre dials the number; other office roles see it masked.
        user = self.context.get("user")
        if user is not None and (services.is_agent(user) or services.is_supervisor(user)):
            return obj.customer.mobile
        return mask_phone(obj.customer.mobile)

    def get_assigned_to_name(self, obj) -> str:
        return str(obj.assigned_to) if obj.assigned_to_id else ""

    def get_overdue(self, obj) -> bool:
        return obj.status == CallbackTask.Status.OPEN and obj.due_on < timezone.localdate()


class CallbackTaskDetailOut(CallbackTaskOut):
    attempt_rows = CallbackAttemptOut(many=True, read_only=True)
    attempts_needed = serializers.SerializerMethodField()
    record = serializers.SerializerMethodField()

    class Meta(CallbackTaskOut.Meta):
        fields = [*CallbackTaskOut.Meta.fields, "attempts_needed", "attempt_rows", "record"]

    def get_attempts_needed(self, obj) -> int:
        return services.attempts_still_needed(obj)

    def get_record(self, obj) -> int | None:
        record = selectors.task_record(obj)
        return record.pk if record else None


class CallbackTaskListOut(ShapedSerializer, CallbackTaskOut):
    """A list row: the note cut (the detail and `?expand=note` have it all)."""

    expandable = {"note": lambda: serializers.CharField()}
    note = TruncatedText()

    class Meta(CallbackTaskOut.Meta):
        fields = [f for f in CallbackTaskOut.Meta.fields if f not in ("source_key", "closed_by")]


# The rows a task's list row shows: their `updated_at` (or their name) is in the list's ETag.
_TASK_RELATED = ("customer", "work_order", "assigned_to")


class CallbackSettingsOut(serializers.ModelSerializer):
    class Meta:
        model = CallbackSettings
        fields = ["organisation", *services.SETTINGS_FIELDS, "updated_at"]


# Input (types only; the services report every problem with its field) --------------------


class TaskFilter(serializers.Serializer):
    mine = serializers.BooleanField(required=False, default=False)
    unassigned = serializers.BooleanField(required=False, default=False)
    assigned_to = IntegerIn(required=False)
    status = serializers.ChoiceField(choices=CallbackTask.Status.choices, required=False)
    kind = serializers.ChoiceField(choices=CallbackTask.Kind.choices, required=False)
    overdue = serializers.BooleanField(required=False, allow_null=True, default=None)
    due_from = serializers.DateField(required=False)
    due_to = serializers.DateField(required=False)
    callable_today = serializers.BooleanField(required=False, default=False)
    work_order = IntegerIn(required=False, min_value=1)
    delivery = IntegerIn(required=False, min_value=1)


class CallListFilter(serializers.Serializer):
    unassigned = serializers.BooleanField(required=False, default=False)
    agent = IntegerIn(required=False)


class AssignIn(serializers.Serializer):
    agent = IntegerIn(required=False, allow_null=True)


class BulkAssignIn(AssignIn):
    tasks = serializers.ListField(child=IntegerIn(), required=False, max_length=1000)


class AttemptIn(serializers.Serializer):
    result = serializers.CharField(required=False, allow_blank=True)
    note = serializers.CharField(required=False, allow_blank=True)


class RescheduleIn(serializers.Serializer):
    due_on = serializers.CharField(required=False, allow_blank=True, allow_null=True)
    reason = serializers.CharField(required=False, allow_blank=True)


class CallbackNoteIn(serializers.Serializer):
    note = serializers.CharField(required=False, allow_blank=True)


class CallbackReasonIn(serializers.Serializer):
    reason = serializers.CharField(required=False, allow_blank=True)


class SettingsIn(serializers.Serializer):
    after_service_enabled = serializers.BooleanField(required=False)
    after_service_working_days = IntegerIn(required=False)
    coverage_working_days = IntegerIn(required=False)
    coverage_target_pct = IntegerIn(required=False)
    greeting_holidays = serializers.CharField(required=False, allow_blank=True)
    greeting_lead_days = IntegerIn(required=False)
    birthday_greetings = serializers.BooleanField(required=False)
    greeting_members_only = serializers.BooleanField(required=False)
    max_attempts = IntegerIn(required=False)
    feedback_link_days = IntegerIn(required=False)
    satisfied_from = IntegerIn(required=False)


def _valid(serializer_class, data) -> dict:
    s = serializer_class(data=data)
    s.is_valid(raise_exception=True)
    return dict(s.validated_data)


# Viewsets ---------------------------------------------------------------------------------


@extend_schema(tags=["callbacks"])
class CallbackTaskViewSet(SummaryListMixin, viewsets.GenericViewSet):
    pagination_class = KeysetPagination
    queryset = CallbackTask.objects.none()
    serializer_class = CallbackTaskOut

    def get_serializer_context(self):
        return {**super().get_serializer_context(), "user": self.request.user}

    def _out(self, task, code=status.HTTP_200_OK):
        t = selectors.task_get(user=self.request.user, pk=getattr(task, "pk", task))
        return Response(CallbackTaskDetailOut(t, context=self.get_serializer_context()).data, code)

    def _get(self, pk) -> CallbackTask:
        return selectors.task_get(user=self.request.user, pk=pk)

    list_related = _TASK_RELATED

    @extend_schema(
        parameters=[TaskFilter, *shape_parameters(CallbackTaskListOut)],
        responses=CallbackTaskListOut(many=True),
    )
    def list(self, request):
        """Tasks the caller may see: overdue first, then due today, then later."""
        params = _valid(TaskFilter, request.query_params)
        qs = selectors.task_list(user=request.user, **params)
        return self.list_response(qs, CallbackTaskListOut, context=self.get_serializer_context())

    @extend_schema(
        parameters=[CallListFilter, *shape_parameters(CallbackTaskListOut)],
        responses=CallbackTaskListOut(many=True),
    )
    @action(detail=False, methods=["get"], url_path="call-list")
    def call_list(self, request):
        """The caller's list for today (or the unassigned pool; a supervisor: an agent's)."""
        params = _valid(CallListFilter, request.query_params)
        qs = selectors.call_list(
            user=request.user, unassigned=params["unassigned"], agent=params.get("agent")
        )
        return self.list_response(qs, CallbackTaskListOut, context=self.get_serializer_context())

    @extend_schema(responses=CallbackTaskDetailOut)
    def retrieve(self, request, pk=None):
        return self._out(self._get(pk))

    @extend_schema(request=None, responses=CallbackTaskDetailOut)
    @action(detail=True, methods=["post"])
    def take(self, request, pk=None):
        """An agent takes an unassigned task for their own list."""
        t = services.callback_task_assign(by=request.user, task=self._get(pk), agent=request.user)
        return self._out(t)

    @extend_schema(request=AssignIn, responses=CallbackTaskDetailOut)
    @action(detail=True, methods=["post"])
    def assign(self, request, pk=None):
        """A supervisor assigns or reassigns the task (agent null: back to the pool)."""
        data = _valid(AssignIn, request.data)
        t = services.callback_task_assign(
            by=request.user, task=self._get(pk), agent=data.get("agent")
        )
        return self._out(t)

    @extend_schema(
        request=BulkAssignIn, responses={200: dict}, operation_id="v1_callback_tasks_assign_many"
    )
    @action(detail=False, methods=["post"], url_path="assign")
    def assign_many(self, request):
        """A supervisor reassigns many open tasks at once."""
        data = _valid(BulkAssignIn, request.data)
        n = services.callback_tasks_assign(
            by=request.user, tasks=data.get("tasks") or [], agent=data.get("agent")
        )
        return Response({"changed": n})

    @extend_schema(request=AttemptIn, responses={201: CallbackAttemptOut})
    @action(detail=True, methods=["post"])
    def attempt(self, request, pk=None):
        """Log a try that did not reach the customer (send an Idempotency-Key)."""
        data = _valid(AttemptIn, request.data)
        task = self._get(pk)

        def act():
            a = services.callback_task_attempt(
                by=request.user, task=task, result=data.get("result", ""), note=data.get("note", "")
            )
            return status.HTTP_201_CREATED, CallbackAttemptOut(a).data

        code, body, replayed = run_idempotent(
            user=request.user,
            scope=f"api:{request.path}",
            key=request.headers.get("Idempotency-Key"),
            action=act,
        )
        response = Response(body, status=code)
        if replayed:
            response["Idempotent-Replayed"] = "true"
        return response

    @extend_schema(request=RescheduleIn, responses=CallbackTaskDetailOut)
    @action(detail=True, methods=["post"])
    def reschedule(self, request, pk=None):
        data = _valid(RescheduleIn, request.data)
        t = services.callback_task_reschedule(
            by=request.user,
            task=self._get(pk),
            due_on=data.get("due_on"),
            reason=data.get("reason", ""),
        )
        return self._out(t)

    @extend_schema(request=CallbackNoteIn, responses=CallbackTaskDetailOut)
    @action(detail=True, methods=["post"], url_path="close-unreachable")
    def close_unreachable(self, request, pk=None):
        """Allowed after the configured number of unanswered attempts (409 before)."""
        data = _valid(CallbackNoteIn, request.data)
        t = services.callback_task_close_unreachable(
            by=request.user, task=self._get(pk), note=data.get("note", "")
        )
        return self._out(t)

    @extend_schema(request=CallbackReasonIn, responses=CallbackTaskDetailOut)
    @action(detail=True, methods=["post"])
    def skip(self, request, pk=None):
        data = _valid(CallbackReasonIn, request.data)
        t = services.callback_task_skip(
            by=request.user, task=self._get(pk), reason=data.get("reason", "")
        )
        return self._out(t)

    @extend_schema(request=CallbackReasonIn, responses=CallbackTaskDetailOut)
    @action(detail=True, methods=["post"])
    def cancel(self, request, pk=None):
        data = _valid(CallbackReasonIn, request.data)
        t = services.callback_task_cancel(
            by=request.user, task=self._get(pk), reason=data.get("reason", "")
        )
        return self._out(t)


@extend_schema(tags=["callbacks"])
class CallbackSettingsView(APIView):
    """The organisation's callback settings: read by office roles, changed by the manager."""

    serializer_class = CallbackSettingsOut

    @extend_schema(responses=CallbackSettingsOut)
    def get(self, request):
        if not selectors.can_read(request.user):
            raise PermissionDeniedError()
        return Response(
            CallbackSettingsOut(services.settings_for(request.user.organisation_id)).data
        )

    @extend_schema(request=SettingsIn, responses=CallbackSettingsOut)
    def put(self, request):
        r.require_role(request.user, *services.SETTINGS_ROLES)
        data = _valid(SettingsIn, request.data)
        cfg = services.callback_settings_update(by=request.user, **data)
        return Response(CallbackSettingsOut(cfg).data)

    @extend_schema(request=SettingsIn, responses=CallbackSettingsOut)
    def patch(self, request):
        return self.put(request)


def register(router):
    """Add this app's viewsets to the /api/v1/ router."""
    router.register("callback-tasks", CallbackTaskViewSet, basename="callback-task")
    # records and feedback (api_records.py)
    from . import api_records

    api_records.register(router)
    # coverage (api_metrics.py)
    from . import api_metrics

    api_metrics.register(router)


extra_urls = [
    path("callback-settings/", CallbackSettingsView.as_view(), name="callback-settings"),
    # records and feedback (api_records.py)
    # coverage (api_metrics.py)
]
