"""/api/v1/callback-records/: list (filters: date range, channel, satisfaction, technician,
customer, work order, task, outcome), retrieve, create (send an Idempotency-Key; one record per
task), and GET /api/v1/callback-records/feedback-link/?task=<id> (the self-feedback link and the
SMS text to send); /api/v1/callback-questions/: the questionnaire (filter: kind).
Thin: records.py and feedback.py check every rule."""

from __future__ import annotations

from drf_spectacular.utils import extend_schema, extend_schema_field
from rest_framework import serializers, status, viewsets
from rest_framework.decorators import action
from rest_framework.response import Response

from shouhou.core.api import IdempotentCreateMixin, IntegerIn
from shouhou.core.errors import PermissionDeniedError, ValidationFailed
from shouhou.core.listing import (
    ShapedSerializer,
    SummaryListMixin,
    TruncatedText,
    shape_parameters,
)
from shouhou.core.phones import mask_phone
from shouhou.core.textcheck import LanguageWarningsField

from . import feedback, records
from .models import CallbackAnswer, CallbackRecord, CallbackSettings, CallbackTask, Question

# Output -----------------------------------------------------------------------------------


class CallbackAnswerOut(serializers.ModelSerializer):
    code = serializers.CharField(source="question.code", default="", read_only=True)

    class Meta:
        model = CallbackAnswer
        fields = ["id", "question", "code", "question_text", "answer", "score"]


class CallbackRecordOut(serializers.ModelSerializer):
    channel_display = serializers.CharField(source="get_channel_display", read_only=True)
    customer_name = serializers.CharField(source="customer.name", read_only=True)
    customer_mobile = serializers.SerializerMethodField()
    work_order_number = serializers.CharField(
        source="work_order.number", default="", read_only=True
    )
    contract_number = serializers.CharField(
        source="delivery.contract.number", default="", read_only=True
    )
    technician_name = serializers.CharField(source="technician.name", default="", read_only=True)
    caller_name = serializers.SerializerMethodField()
    is_satisfied = serializers.SerializerMethodField()
    second_visit_order_number = serializers.CharField(
        source="second_visit_order.number", default="", read_only=True
    )
    complaint_case_number = serializers.CharField(
        source="complaint_case.number", default="", read_only=True
    )
    language_warnings = LanguageWarningsField()

    class Meta:
        model = CallbackRecord
        fields = [
            "id",
            "task",
            "customer",
            "customer_name",
            "customer_mobile",
            "work_order",
            "work_order_number",
            "delivery",
            "contract_number",
            "technician",
            "technician_name",
            "store",
            "product_model",
            "channel",
            "channel_display",
            "called_at",
            "caller",
            "caller_name",
            "satisfaction",
            "is_satisfied",
            "technician_came",
            "on_time",
            "problem_solved",
            "comment",
            "outcome_no_show",
            "outcome_second_visit",
            "outcome_complaint",
            "second_visit_order",
            "second_visit_order_number",
            "complaint_case",
            "complaint_case_number",
            "archive_updates",
            "language_warnings",
        ]

    def get_customer_mobile(self, obj) -> str:
        user = self.context.get("user")
        if user is not None and records.can_record(user):
            return obj.customer.mobile  # the people who call back dial the number
        return mask_phone(obj.customer.mobile)

    def get_caller_name(self, obj) -> str:
        return str(obj.caller) if obj.caller_id else ""

    @extend_schema_field(serializers.BooleanField(allow_null=True))
    def get_is_satisfied(self, obj):
        # One settings read per organisation for the whole list, not one per row.
        memo = self.__dict__.setdefault(
            "_satisfied_from", dict(self.context.get("satisfied_from", {}))
        )
        if obj.organisation_id not in memo:
            memo[obj.organisation_id] = CallbackSettings.for_org(obj.organisation_id).satisfied_from
        return obj.satisfied_at(memo[obj.organisation_id])


class CallbackRecordListOut(ShapedSerializer, CallbackRecordOut):
    """A list row: the comment cut, no archive updates (the detail and `?expand=` have them)."""

    expandable = {
        "comment": lambda: serializers.CharField(),
        "archive_updates": lambda: serializers.JSONField(),
    }
    comment = TruncatedText()

    class Meta(CallbackRecordOut.Meta):
        fields = [f for f in CallbackRecordOut.Meta.fields if f != "archive_updates"]


class CallbackRecordDetailOut(CallbackRecordOut):
    answers = CallbackAnswerOut(many=True, read_only=True)
    outcomes = serializers.SerializerMethodField()

    class Meta(CallbackRecordOut.Meta):
        fields = [*CallbackRecordOut.Meta.fields, "answers", "outcomes"]

    def get_outcomes(self, obj) -> list[str]:
        return records.outcome_summary(obj)


class QuestionOut(serializers.ModelSerializer):
    answer_type_display = serializers.CharField(source="get_answer_type_display", read_only=True)

    class Meta:
        model = Question
        fields = [
            "id",
            "code",
            "text",
            "answer_type",
            "answer_type_display",
            "kinds",
            "required",
            "order",
            "is_active",
        ]


class FeedbackLinkOut(serializers.Serializer):
    task = IntegerIn()
    url = serializers.CharField()
    expires_at = serializers.DateTimeField()
    sms_text = serializers.CharField()


# Input (types only: the service reports every problem with its field) ----------------------


class ArchiveIn(serializers.Serializer):
    birthday = serializers.CharField(required=False, allow_blank=True, allow_null=True)
    preferences = serializers.CharField(required=False, allow_blank=True, allow_null=True)


class CallbackRecordIn(serializers.Serializer):
    task = IntegerIn(required=False, allow_null=True)
    work_order = IntegerIn(required=False, allow_null=True)
    delivery = IntegerIn(required=False, allow_null=True)
    customer = IntegerIn(required=False, allow_null=True)
    channel = serializers.CharField(required=False, allow_blank=True)
    called_at = serializers.DateTimeField(required=False, allow_null=True)
    answers = serializers.DictField(required=False)
    # Raw on purpose: "abc", 0 or 6 get the service's message on the field.
    satisfaction = serializers.JSONField(required=False, allow_null=True)
    technician_came = serializers.BooleanField(required=False, allow_null=True, default=None)
    on_time = serializers.BooleanField(required=False, allow_null=True, default=None)
    problem_solved = serializers.BooleanField(required=False, allow_null=True, default=None)
    comment = serializers.CharField(required=False, allow_blank=True)
    outcome_no_show = serializers.BooleanField(required=False, default=False)
    outcome_second_visit = serializers.BooleanField(required=False, default=False)
    second_visit_note = serializers.CharField(required=False, allow_blank=True)
    outcome_complaint = serializers.BooleanField(required=False, default=False)
    complaint_text = serializers.CharField(required=False, allow_blank=True)
    archive = ArchiveIn(required=False)


class RecordFilter(serializers.Serializer):
    date_from = serializers.DateField(required=False)
    date_to = serializers.DateField(required=False)
    channel = serializers.ChoiceField(choices=CallbackRecord.Channel.choices, required=False)
    satisfaction = IntegerIn(required=False, min_value=1, max_value=5)
    technician = IntegerIn(required=False)
    customer = IntegerIn(required=False)
    work_order = IntegerIn(required=False)
    task = IntegerIn(required=False)
    outcome = serializers.ChoiceField(
        choices=["no_show", "second_visit", "complaint"], required=False
    )
    q = serializers.CharField(required=False, allow_blank=True)


class FeedbackLinkParams(serializers.Serializer):
    task = IntegerIn()


class QuestionFilter(serializers.Serializer):
    kind = serializers.ChoiceField(choices=CallbackTask.Kind.choices, required=False)


def _valid(serializer_class, data) -> dict:
    s = serializer_class(data=data)
    s.is_valid(raise_exception=True)
    return dict(s.validated_data)


# Viewsets ---------------------------------------------------------------------------------


class CallbackRecordBase(SummaryListMixin, viewsets.GenericViewSet):
    queryset = CallbackRecord.objects.none()
    serializer_class = CallbackRecordOut

    def get_serializer_context(self):
        return {**super().get_serializer_context(), "user": self.request.user}

    # What a record's row shows of other rows: in the list's ETag.
    list_related = (
        "customer",
        "work_order",
        "delivery.contract",
        "technician",
        "caller",
        "second_visit_order",
        "complaint_case",
    )

    @extend_schema(
        parameters=[RecordFilter, *shape_parameters(CallbackRecordListOut)],
        responses=CallbackRecordListOut(many=True),
    )
    def list(self, request):
        """The organisation's callback records, newest first (office roles)."""
        params = _valid(RecordFilter, request.query_params)
        qs = records.record_list(user=request.user, **params)
        # `is_satisfied` reads the organisation's threshold: a new threshold, a new ETag.
        threshold = CallbackSettings.for_org(request.user.organisation_id).satisfied_from
        return self.list_response(
            qs,
            CallbackRecordListOut,
            context={
                **self.get_serializer_context(),
                "satisfied_from": {request.user.organisation_id: threshold},
            },
            extra=str(threshold),
        )

    @extend_schema(responses=CallbackRecordDetailOut)
    def retrieve(self, request, pk=None):
        record = records.record_get(user=request.user, pk=pk)
        return Response(CallbackRecordDetailOut(record, context=self.get_serializer_context()).data)

    @extend_schema(request=CallbackRecordIn, responses={201: CallbackRecordDetailOut})
    def create(self, request):
        """Record a callback (on a task, or on a work order / delivery / customer) and carry out
        its outcomes: no-show → re-issue (重发) with a missed service; second visit; complaint
        case; archive updates. Send an Idempotency-Key."""
        data = _valid(CallbackRecordIn, request.data)
        archive = dict(data.pop("archive", {}) or {})
        try:
            record = records.callback_record_create(by=request.user, archive=archive, **data)
        except ValidationFailed as exc:
            exc.fields = {
                (f"archive.{k}" if k in ("birthday", "preferences") else k): v
                for k, v in exc.fields.items()
            }
            raise
        record = records.record_get(user=request.user, pk=record.pk)
        return Response(
            CallbackRecordDetailOut(record, context=self.get_serializer_context()).data,
            status=status.HTTP_201_CREATED,
        )

    @extend_schema(parameters=[FeedbackLinkParams], responses=FeedbackLinkOut)
    @action(detail=False, methods=["get"], url_path="feedback-link")
    def feedback_link(self, request):
        """The signed self-feedback link of an open task and the SMS text to send (no gateway:
        the agent sends it)."""
        params = _valid(FeedbackLinkParams, request.query_params)
        data = feedback.feedback_link(
            by=request.user, task=params["task"], base_url=request.build_absolute_uri("/")[:-1]
        )
        return Response(
            FeedbackLinkOut(
                {
                    "task": data["task"].pk,
                    "url": data["url"],
                    "expires_at": data["expires_at"],
                    "sms_text": data["sms_text"],
                }
            ).data
        )


@extend_schema(tags=["callbacks"])
class CallbackRecordViewSet(IdempotentCreateMixin, CallbackRecordBase):
    pass


@extend_schema(tags=["callbacks"])
class QuestionViewSet(viewsets.GenericViewSet):
    queryset = Question.objects.none()
    serializer_class = QuestionOut

    @extend_schema(parameters=[QuestionFilter], responses=QuestionOut(many=True))
    def list(self, request):
        """The active questions (for one kind of callback with `kind`)."""
        if not records.can_read(request.user):
            raise PermissionDeniedError()
        params = _valid(QuestionFilter, request.query_params)
        org_id = request.user.organisation_id
        if "kind" in params:
            rows = records.questions_for(org_id, params["kind"])
        else:
            records.ensure_questionnaire(org_id)
            rows = Question.objects.filter(organisation_id=org_id, is_active=True)
        page = self.paginate_queryset(list(rows))
        return self.get_paginated_response(QuestionOut(page, many=True).data)


def register(router):
    router.register("callback-records", CallbackRecordViewSet, basename="callback-record")
    router.register("callback-questions", QuestionViewSet, basename="callback-question")
