"""REST API of the staff app: thin serializers and viewsets over services and selectors."""

from __future__ import annotations

import datetime as dt

from django.utils import timezone
from django.utils.translation import gettext as _
from drf_spectacular.utils import extend_schema, inline_serializer
from rest_framework import mixins, serializers, status, viewsets
from rest_framework.decorators import action
from rest_framework.parsers import FormParser, JSONParser, MultiPartParser
from rest_framework.response import Response

from shouhou.core.api import IdempotentCreateMixin, IntegerIn
from shouhou.core.errors import NotFoundError, PermissionDeniedError, ValidationFailed
from shouhou.core.phones import mask_phone
from shouhou.org.models import Merchant, Store

from . import selectors, services
from .access import can_see_money, sees_all
from .models import (
    Assessment,
    ConductRule,
    FeeCharge,
    Fine,
    OnboardingApplication,
    Payment,
    ServiceStaff,
    StaffDocument,
    TrainingSession,
    WorkKind,
    WorkPermit,
)

# --- output ---------------------------------------------------------------------------------------


class StaffPermitOut(serializers.ModelSerializer):
    holder = serializers.CharField(source="staff.name", read_only=True)

    class Meta:
        model = WorkPermit
        fields = [
            "id",
            "number",
            "staff",
            "holder",
            "kinds",
            "issued_on",
            "valid_until",
            "status",
            "suspend_reason",
            "status_note",
        ]


class StaffOut(serializers.ModelSerializer):
    id_number = serializers.CharField(source="masked_id_number", read_only=True)
    mobile = serializers.SerializerMethodField()
    permit = serializers.SerializerMethodField()
    onboarding = serializers.SerializerMethodField()

    class Meta:
        model = ServiceStaff
        fields = [
            "id",
            "name",
            "mobile",
            "id_number",
            "kinds",
            "employer",
            "merchant",
            "store",
            "status",
            "skills",
            "joined_on",
            "left_on",
            "user",
            "permit",
            "onboarding",
        ]

    def get_mobile(self, obj) -> str:
        user = self.context["request"].user
        return obj.mobile if sees_all(user) or user.merchant_id else mask_phone(obj.mobile)

    def get_permit(self, obj) -> dict | None:
        permit = services.current_permit(obj)
        return StaffPermitOut(permit).data if permit else None

    def get_onboarding(self, obj) -> dict | None:
        app = selectors.open_application(obj)
        if app is None:
            return None
        since = serializers.DateTimeField().to_representation(app.step_since)
        return {"id": app.pk, "flow": app.flow, "step": app.step, "since": since}


class StaffApplicationOut(serializers.ModelSerializer):
    steps_done = serializers.SerializerMethodField()
    problems = serializers.SerializerMethodField()

    class Meta:
        model = OnboardingApplication
        fields = [
            "id",
            "staff",
            "flow",
            "step",
            "step_since",
            "status",
            "completed_at",
            "steps_done",
            "problems",
        ]

    def get_steps_done(self, obj) -> list[dict]:
        return [
            {"step": s.step, "done_at": s.done_at, "done_by": s.done_by_id, "note": s.note}
            for s in obj.done_steps.all()
        ]

    def get_problems(self, obj) -> list[str]:
        return (
            services.step_problems(obj) if obj.status == OnboardingApplication.Status.OPEN else []
        )


class StaffChargeOut(serializers.ModelSerializer):
    class Meta:
        model = FeeCharge
        fields = [
            "id",
            "staff",
            "kind",
            "amount",
            "period",
            "description",
            "application",
            "paid_at",
            "created_at",
        ]


class StaffPaymentOut(serializers.ModelSerializer):
    class Meta:
        model = Payment
        fields = ["id", "staff", "charge", "fine", "amount", "receipt_no", "paid_at", "received_by"]


class StaffFineOut(serializers.ModelSerializer):
    overdue = serializers.SerializerMethodField()

    class Meta:
        model = Fine
        fields = [
            "id",
            "staff",
            "category",
            "description",
            "amount",
            "reported_by",
            "occurred_at",
            "due_at",
            "status",
            "paid_at",
            "evidence",
            "evidence_note",
            "overdue",
        ]

    def get_overdue(self, obj) -> bool:
        return obj.status == Fine.Status.UNPAID and obj.due_at < timezone.now()


class StaffSessionOut(serializers.ModelSerializer):
    class Meta:
        model = TrainingSession
        fields = [
            "id",
            "title",
            "kind",
            "run_by",
            "merchant",
            "starts_at",
            "hours",
            "location",
            "trainer",
            "topics",
        ]


class StaffAssessmentOut(serializers.ModelSerializer):
    class Meta:
        model = Assessment
        fields = [
            "id",
            "staff",
            "session",
            "kind",
            "assessed_on",
            "score",
            "passed",
            "assessor",
            "note",
        ]


class StaffConductRuleOut(serializers.ModelSerializer):
    class Meta:
        model = ConductRule
        fields = ["id", "section", "position", "text", "instead"]


# --- input ----------------------------------------------------------------------------------------


class StaffIn(serializers.Serializer):
    name = serializers.CharField(max_length=50)
    mobile = serializers.CharField(max_length=20)
    id_number = serializers.CharField(max_length=20)
    kinds = serializers.ListField(
        child=serializers.ChoiceField(choices=WorkKind.choices), allow_empty=False
    )
    employer = serializers.ChoiceField(choices=ServiceStaff.Employer.choices)
    merchant = IntegerIn(required=False, allow_null=True)
    store = IntegerIn(required=False, allow_null=True)
    skills = serializers.CharField(required=False, allow_blank=True, default="")
    note = serializers.CharField(required=False, allow_blank=True, default="")


class StaffPatchIn(serializers.Serializer):
    name = serializers.CharField(max_length=50, required=False)
    mobile = serializers.CharField(max_length=20, required=False)
    kinds = serializers.ListField(
        child=serializers.ChoiceField(choices=WorkKind.choices), required=False
    )
    skills = serializers.CharField(required=False, allow_blank=True)
    note = serializers.CharField(required=False, allow_blank=True)


class StaffDocumentIn(serializers.Serializer):
    kind = serializers.ChoiceField(choices=StaffDocument.Kind.choices)
    file = serializers.FileField(required=False, allow_null=True)
    note = serializers.CharField(required=False, allow_blank=True, default="", max_length=200)


class StaffStepIn(serializers.Serializer):
    step = serializers.CharField(max_length=20)
    note = serializers.CharField(required=False, allow_blank=True, default="", max_length=200)


class StaffSuspendIn(serializers.Serializer):
    reason = serializers.ChoiceField(choices=WorkPermit.SuspendReason.choices)
    note = serializers.CharField(required=False, allow_blank=True, default="", max_length=200)


class StaffNoteIn(serializers.Serializer):
    note = serializers.CharField(required=False, allow_blank=True, default="", max_length=200)


class StaffChargeIn(serializers.Serializer):
    staff = IntegerIn()
    kind = serializers.ChoiceField(choices=FeeCharge.Kind.choices)
    amount = serializers.CharField(max_length=20)
    period = serializers.DateField(required=False, allow_null=True)
    description = serializers.CharField(
        required=False, allow_blank=True, default="", max_length=200
    )


class StaffPaymentIn(serializers.Serializer):
    charge = IntegerIn(required=False, allow_null=True)
    fine = IntegerIn(required=False, allow_null=True)
    amount = serializers.CharField(max_length=20)
    receipt_no = serializers.CharField(max_length=40)


class StaffFineIn(serializers.Serializer):
    staff = IntegerIn()
    category = serializers.ChoiceField(choices=Fine.Category.choices)
    description = serializers.CharField()
    amount = serializers.CharField(max_length=20)
    occurred_at = serializers.DateTimeField(required=False, allow_null=True)
    evidence = serializers.FileField(required=False, allow_null=True)
    evidence_note = serializers.CharField(
        required=False, allow_blank=True, default="", max_length=200
    )


class StaffSessionIn(serializers.Serializer):
    title = serializers.CharField(max_length=100)
    kind = serializers.ChoiceField(choices=TrainingSession.Kind.choices)
    run_by = serializers.ChoiceField(choices=TrainingSession.RunBy.choices, default="company")
    merchant = IntegerIn(required=False, allow_null=True)
    starts_at = serializers.DateTimeField()
    hours = serializers.DecimalField(max_digits=4, decimal_places=1, default="2.0")
    location = serializers.CharField(required=False, allow_blank=True, default="")
    trainer = serializers.CharField(required=False, allow_blank=True, default="")
    topics = serializers.CharField(required=False, allow_blank=True, default="")


class StaffAttendanceIn(serializers.Serializer):
    staff = IntegerIn()
    present = serializers.BooleanField(default=True)
    note = serializers.CharField(required=False, allow_blank=True, default="", max_length=200)


class StaffAssessmentIn(serializers.Serializer):
    staff = IntegerIn()
    kind = serializers.ChoiceField(choices=Assessment.Kind.choices)
    score = IntegerIn(min_value=0, max_value=100)
    session = IntegerIn(required=False, allow_null=True)
    assessed_on = serializers.DateField(required=False, allow_null=True)
    note = serializers.CharField(required=False, allow_blank=True, default="", max_length=200)


def _by_staff(qs, request):
    """`?staff=<id>` narrows a list to one person (ids the user cannot see give nothing)."""
    raw = request.query_params.get("staff")
    if raw:
        if not raw.isdigit():
            raise ValidationFailed(fields={"staff": [_("A staff id.")]})
        qs = qs.filter(staff_id=int(raw))
    return qs


def _fake(view) -> bool:
    """True while drf-spectacular builds the schema (no user, no organisation scope)."""
    return getattr(view, "swagger_fake_view", False)


def _valid(serializer_class, request):
    s = serializer_class(data=request.data)
    s.is_valid(raise_exception=True)
    return s.validated_data


def _lookup(model, pk, field):
    """A related id from the request, looked up inside the user's organisation scope."""
    if pk is None:
        return None
    obj = model.objects.filter(pk=pk).first()
    if obj is None:
        raise ValidationFailed(fields={field: [_("Not found.")]})
    return obj


def _staff_arg(request, pk, field="staff"):
    try:
        return selectors.staff_get(user=request.user, pk=pk)
    except NotFoundError as exc:
        raise ValidationFailed(fields={field: [_("Not found.")]}) from exc


# --- viewsets -------------------------------------------------------------------------------------


class _CreateBase:
    """IdempotentCreateMixin calls super().create(); our viewsets build the answer themselves
    (input serializer -> service -> output serializer) in `perform_create_response`."""

    def create(self, request, *args, **kwargs):
        return self.perform_create_response(request)


class StaffViewSet(
    IdempotentCreateMixin, _CreateBase, mixins.ListModelMixin, viewsets.GenericViewSet
):
    """Service staff. Merchant admins see their own staff only; other ids answer 404."""

    serializer_class = StaffOut
    parser_classes = [JSONParser, MultiPartParser, FormParser]
    filterset_fields = ["status", "employer"]
    search_fields = ["name"]

    def get_queryset(self):
        if _fake(self):
            return ServiceStaff.objects.none()
        return selectors.staff_list(user=self.request.user)

    def get_object(self):
        return selectors.staff_get(user=self.request.user, pk=self.kwargs["pk"])

    def retrieve(self, request, pk=None):
        return Response(StaffOut(self.get_object(), context={"request": request}).data)

    @extend_schema(request=StaffIn, responses={201: StaffOut})
    def create(self, request, *args, **kwargs):
        return super().create(request, *args, **kwargs)

    def perform_create_response(self, request):
        d = _valid(StaffIn, request)
        staff = services.staff_create(
            by=request.user,
            name=d["name"],
            mobile=d["mobile"],
            id_number=d["id_number"],
            kinds=d["kinds"],
            employer=d["employer"],
            merchant=_lookup(Merchant, d.get("merchant"), "merchant"),
            store=_lookup(Store, d.get("store"), "store"),
            skills=d["skills"],
            note=d["note"],
        )
        return Response(
            StaffOut(staff, context={"request": request}).data, status=status.HTTP_201_CREATED
        )

    @extend_schema(request=StaffPatchIn, responses=StaffOut)
    def partial_update(self, request, pk=None):
        staff = self.get_object()
        d = _valid(StaffPatchIn, request)
        staff = services.staff_update(by=request.user, staff=staff, **d)
        return Response(StaffOut(staff, context={"request": request}).data)

    @extend_schema(
        request=StaffDocumentIn,
        responses={201: inline_serializer("StaffDocumentOut", {"id": IntegerIn()})},
    )
    @action(detail=True, methods=["post"])
    def documents(self, request, pk=None):
        staff = self.get_object()
        d = _valid(StaffDocumentIn, request)
        doc = services.document_add(
            by=request.user, staff=staff, kind=d["kind"], file=d.get("file"), note=d["note"]
        )
        return Response({"id": doc.pk, "kind": doc.kind}, status=status.HTTP_201_CREATED)

    @extend_schema(
        parameters=[
            inline_serializer(
                "StaffCanWorkQuery",
                {"kind": serializers.CharField(), "date": serializers.DateField()},
            )
        ],
        responses=inline_serializer(
            "WorkCheck",
            {
                "ok": serializers.BooleanField(),
                "reason": serializers.CharField(),
                "code": serializers.CharField(),
            },
        ),
    )
    @action(detail=True, methods=["get"], url_path="can-work")
    def can_work(self, request, pk=None):
        staff = self.get_object()
        kind = request.query_params.get("kind", "")
        raw_date = request.query_params.get("date")
        try:
            on = dt.date.fromisoformat(raw_date) if raw_date else timezone.localdate()
        except ValueError as exc:
            raise ValidationFailed(fields={"date": [_("A date as YYYY-MM-DD.")]}) from exc
        check = services.can_work(staff=staff, kind=kind, on_date=on)
        return Response({"ok": check.ok, "reason": check.reason, "code": check.code})

    @extend_schema(
        responses=inline_serializer("StaffLedger", {"balance": serializers.DecimalField(12, 2)})
    )
    @action(detail=True, methods=["get"])
    def ledger(self, request, pk=None):
        staff = self.get_object()
        if not can_see_money(request.user, staff):
            raise PermissionDeniedError(
                _("What a staff member owes is for finance, the service desk and managers."),
                code="money_hidden",
            )
        data = selectors.ledger(staff=staff)
        return Response(
            {
                "balance": str(data["balance"]),
                "lines": [
                    {
                        "at": line["at"],
                        "kind": line["kind"],
                        "label": str(line["label"]),
                        "debit": str(line["debit"]),
                        "credit": str(line["credit"]),
                        "balance": str(line["balance"]),
                    }
                    for line in data["lines"]
                ],
            }
        )

    @extend_schema(request=StaffNoteIn, responses=StaffOut)
    @action(detail=True, methods=["post"])
    def leave(self, request, pk=None):
        staff = self.get_object()
        d = _valid(StaffNoteIn, request)
        staff = services.staff_leave(by=request.user, staff=staff, note=d["note"])
        return Response(StaffOut(staff, context={"request": request}).data)


class ApplicationViewSet(viewsets.ReadOnlyModelViewSet):
    serializer_class = StaffApplicationOut
    filterset_fields = ["status", "step", "flow"]

    def get_queryset(self):
        if _fake(self):
            return OnboardingApplication.objects.none()
        return selectors.application_list(user=self.request.user, status="").prefetch_related(
            "done_steps"
        )

    def get_object(self):
        return selectors.application_get(user=self.request.user, pk=self.kwargs["pk"])

    @extend_schema(request=StaffStepIn, responses=StaffApplicationOut)
    @action(detail=True, methods=["post"], url_path="complete-step")
    def complete_step(self, request, pk=None):
        app = self.get_object()
        d = _valid(StaffStepIn, request)
        app = services.application_complete_step(
            by=request.user, application=app, step=d["step"], note=d["note"]
        )
        return Response(StaffApplicationOut(app).data)


class PermitViewSet(viewsets.ReadOnlyModelViewSet):
    serializer_class = StaffPermitOut
    filterset_fields = ["status"]

    def get_queryset(self):
        if _fake(self):
            return WorkPermit.objects.none()
        return _by_staff(selectors.permits_list(user=self.request.user), self.request)

    def get_object(self):
        return selectors.permit_get(user=self.request.user, pk=self.kwargs["pk"])

    @extend_schema(request=StaffSuspendIn, responses=StaffPermitOut)
    @action(detail=True, methods=["post"])
    def suspend(self, request, pk=None):
        d = _valid(StaffSuspendIn, request)
        p = services.permit_suspend(
            by=request.user, permit=self.get_object(), reason=d["reason"], note=d["note"]
        )
        return Response(StaffPermitOut(p).data)

    @extend_schema(request=StaffNoteIn, responses=StaffPermitOut)
    @action(detail=True, methods=["post"])
    def reinstate(self, request, pk=None):
        d = _valid(StaffNoteIn, request)
        p = services.permit_reinstate(by=request.user, permit=self.get_object(), note=d["note"])
        return Response(StaffPermitOut(p).data)

    @extend_schema(request=StaffNoteIn, responses=StaffPermitOut)
    @action(detail=True, methods=["post"])
    def revoke(self, request, pk=None):
        d = _valid(StaffNoteIn, request)
        p = services.permit_revoke(by=request.user, permit=self.get_object(), note=d["note"])
        return Response(StaffPermitOut(p).data)


class ChargeViewSet(
    IdempotentCreateMixin, _CreateBase, mixins.ListModelMixin, viewsets.GenericViewSet
):
    serializer_class = StaffChargeOut
    filterset_fields = ["kind"]

    def get_queryset(self):
        if _fake(self):
            return FeeCharge.objects.none()
        return _by_staff(selectors.charges_list(user=self.request.user), self.request)

    @extend_schema(request=StaffChargeIn, responses={201: StaffChargeOut})
    def create(self, request, *args, **kwargs):
        return super().create(request, *args, **kwargs)

    def perform_create_response(self, request):
        d = _valid(StaffChargeIn, request)
        charge = services.charge_raise(
            by=request.user,
            staff=_staff_arg(request, d["staff"]),
            kind=d["kind"],
            amount=d["amount"],
            period=d.get("period"),
            description=d["description"],
        )
        return Response(StaffChargeOut(charge).data, status=status.HTTP_201_CREATED)


class PaymentViewSet(
    IdempotentCreateMixin, _CreateBase, mixins.ListModelMixin, viewsets.GenericViewSet
):
    serializer_class = StaffPaymentOut

    def get_queryset(self):
        if _fake(self):
            return Payment.objects.none()
        return _by_staff(selectors.payments_list(user=self.request.user), self.request)

    @extend_schema(request=StaffPaymentIn, responses={201: StaffPaymentOut})
    def create(self, request, *args, **kwargs):
        return super().create(request, *args, **kwargs)

    def perform_create_response(self, request):
        d = _valid(StaffPaymentIn, request)
        charge = fine = None
        if d.get("charge") is not None:
            try:
                charge = selectors.charge_get(user=request.user, pk=d["charge"])
            except NotFoundError as exc:
                raise ValidationFailed(fields={"charge": [_("Not found.")]}) from exc
        if d.get("fine") is not None:
            try:
                fine = selectors.fine_get(user=request.user, pk=d["fine"])
            except NotFoundError as exc:
                raise ValidationFailed(fields={"fine": [_("Not found.")]}) from exc
        payment = services.payment_record(
            by=request.user,
            receipt_no=d["receipt_no"],
            amount=d["amount"],
            charge=charge,
            fine=fine,
        )
        return Response(StaffPaymentOut(payment).data, status=status.HTTP_201_CREATED)


class FineViewSet(
    IdempotentCreateMixin,
    _CreateBase,
    mixins.ListModelMixin,
    mixins.RetrieveModelMixin,
    viewsets.GenericViewSet,
):
    serializer_class = StaffFineOut
    parser_classes = [JSONParser, MultiPartParser, FormParser]
    filterset_fields = ["status", "category"]

    def get_queryset(self):
        if _fake(self):
            return Fine.objects.none()
        overdue = self.request.query_params.get("overdue") in ("1", "true")
        return _by_staff(
            selectors.fines_list(user=self.request.user, overdue=overdue), self.request
        )

    def get_object(self):
        return selectors.fine_get(user=self.request.user, pk=self.kwargs["pk"])

    @extend_schema(request=StaffFineIn, responses={201: StaffFineOut})
    def create(self, request, *args, **kwargs):
        return super().create(request, *args, **kwargs)

    def perform_create_response(self, request):
        d = _valid(StaffFineIn, request)
        fine = services.fine_create(
            by=request.user,
            staff=_staff_arg(request, d["staff"]),
            category=d["category"],
            description=d["description"],
            amount=d["amount"],
            occurred_at=d.get("occurred_at"),
            evidence=d.get("evidence"),
            evidence_note=d["evidence_note"],
        )
        return Response(StaffFineOut(fine).data, status=status.HTTP_201_CREATED)


class TrainingSessionViewSet(
    IdempotentCreateMixin,
    _CreateBase,
    mixins.ListModelMixin,
    mixins.RetrieveModelMixin,
    viewsets.GenericViewSet,
):
    serializer_class = StaffSessionOut
    filterset_fields = ["kind", "run_by"]

    def get_queryset(self):
        if _fake(self):
            return TrainingSession.objects.none()
        return selectors.training_sessions_list(user=self.request.user)

    def get_object(self):
        return selectors.training_session_get(user=self.request.user, pk=self.kwargs["pk"])

    @extend_schema(request=StaffSessionIn, responses={201: StaffSessionOut})
    def create(self, request, *args, **kwargs):
        return super().create(request, *args, **kwargs)

    def perform_create_response(self, request):
        d = _valid(StaffSessionIn, request)
        s = services.training_session_create(
            by=request.user,
            title=d["title"],
            kind=d["kind"],
            run_by=d["run_by"],
            merchant=_lookup(Merchant, d.get("merchant"), "merchant"),
            starts_at=d["starts_at"],
            hours=d["hours"],
            location=d["location"],
            trainer=d["trainer"],
            topics=d["topics"],
        )
        return Response(StaffSessionOut(s).data, status=status.HTTP_201_CREATED)

    @extend_schema(
        request=StaffAttendanceIn,
        responses=inline_serializer("StaffAttendanceOut", {"id": IntegerIn()}),
    )
    @action(detail=True, methods=["post"])
    def attendance(self, request, pk=None):
        session = self.get_object()
        d = _valid(StaffAttendanceIn, request)
        att = services.attendance_record(
            by=request.user,
            session=session,
            staff=_staff_arg(request, d["staff"]),
            present=d["present"],
            note=d["note"],
        )
        return Response({"id": att.pk, "staff": att.staff_id, "present": att.present})


class AssessmentViewSet(
    IdempotentCreateMixin, _CreateBase, mixins.ListModelMixin, viewsets.GenericViewSet
):
    serializer_class = StaffAssessmentOut
    filterset_fields = ["kind", "passed"]

    def get_queryset(self):
        if _fake(self):
            return Assessment.objects.none()
        return _by_staff(selectors.assessments_list(user=self.request.user), self.request)

    @extend_schema(request=StaffAssessmentIn, responses={201: StaffAssessmentOut})
    def create(self, request, *args, **kwargs):
        return super().create(request, *args, **kwargs)

    def perform_create_response(self, request):
        d = _valid(StaffAssessmentIn, request)
        session = None
        if d.get("session") is not None:
            try:
                session = selectors.training_session_get(user=request.user, pk=d["session"])
            except NotFoundError as exc:
                raise ValidationFailed(fields={"session": [_("Not found.")]}) from exc
        a = services.assessment_record(
            by=request.user,
            staff=_staff_arg(request, d["staff"]),
            kind=d["kind"],
            score=d["score"],
            session=session,
            assessed_on=d.get("assessed_on"),
            note=d["note"],
        )
        return Response(StaffAssessmentOut(a).data, status=status.HTTP_201_CREATED)


class ConductRuleViewSet(viewsets.ReadOnlyModelViewSet):
    serializer_class = StaffConductRuleOut
    queryset = ConductRule.objects.filter(is_active=True).order_by("position", "id")
    filterset_fields = ["section"]


def register(router):
    """Add this app's viewsets to the /api/v1/ router."""
    router.register("staff", StaffViewSet, basename="staff")
    router.register("staff-applications", ApplicationViewSet, basename="staff-application")
    router.register("staff-permits", PermitViewSet, basename="staff-permit")
    router.register("staff-charges", ChargeViewSet, basename="staff-charge")
    router.register("staff-payments", PaymentViewSet, basename="staff-payment")
    router.register("staff-fines", FineViewSet, basename="staff-fine")
    router.register(
        "staff-training-sessions", TrainingSessionViewSet, basename="staff-training-session"
    )
    router.register("staff-assessments", AssessmentViewSet, basename="staff-assessment")
    router.register("staff-conduct-rules", ConductRuleViewSet, basename="staff-conduct-rule")
