"""REST API of maintenance plans, visits, service steps and duty checklists (`/api/v1/maintenance/…`)."""

from __future__ import annotations

from rest_framework import serializers, status, viewsets
from rest_framework.decorators import action
from rest_framework.permissions import IsAuthenticated
from rest_framework.response import Response

from shouhou.core.api import IntegerIn
from shouhou.core.errors import ValidationFailed
from shouhou.core.pagination import KeysetPagination
from shouhou.customers.models import Customer
from shouhou.org.models import Department
from shouhou.staff.models import ServiceStaff
from shouhou.workorders.models import WorkOrder

from . import selectors, services
from .models import Asset, DutyItem, Plan, Visit


class VisitOut(serializers.ModelSerializer):
    class Meta:
        model = Visit
        fields = ["id", "plan", "due_on", "status", "order", "ordered_at", "done_on",
                  "skipped_reason", "issue_error"]  # fmt: skip


class PlanOut(serializers.ModelSerializer):
    asset_name = serializers.CharField(source="asset.name")
    serial_no = serializers.CharField(source="asset.serial_no")
    customer = IntegerIn(source="asset.customer_id")

    class Meta:
        model = Plan
        fields = ["id", "asset", "asset_name", "serial_no", "customer", "kind", "status", "tasks",
                  "interval_months", "fixed_dates", "starts_on", "ends_on", "next_due_on",
                  "lead_working_days", "team", "technician", "fee", "renewed_from"]  # fmt: skip


def _org_obj(model, pk, field, user):
    return selectors.org_object(user=user, model=model, pk=pk, field=field)


class PlanIn(serializers.Serializer):
    customer = IntegerIn()
    name = serializers.CharField(max_length=120)
    kind = serializers.ChoiceField(choices=Asset.Kind.choices, default=Asset.Kind.PRODUCT)
    serial_no = serializers.CharField(max_length=60, required=False, allow_blank=True, default="")
    location = serializers.CharField(max_length=200, required=False, allow_blank=True, default="")
    installed_on = serializers.DateField(required=False, allow_null=True)
    accepted_on = serializers.DateField(required=False, allow_null=True)
    warranty_until = serializers.DateField(required=False, allow_null=True)
    tasks = serializers.ListField(child=serializers.CharField(max_length=200))
    interval_months = IntegerIn(required=False, allow_null=True)
    fixed_dates = serializers.ListField(child=serializers.CharField(), required=False, default=list)
    ends_on = serializers.DateField(required=False, allow_null=True)
    team = IntegerIn(required=False, allow_null=True)
    technician = IntegerIn(required=False, allow_null=True)
    lead_working_days = IntegerIn(required=False, allow_null=True)


class SkipIn(serializers.Serializer):
    reason = serializers.CharField(max_length=200)


class RescheduleIn(serializers.Serializer):
    due_on = serializers.DateField()


class RenewIn(serializers.Serializer):
    ends_on = serializers.DateField()
    fee = serializers.DecimalField(max_digits=10, decimal_places=2)
    interval_months = IntegerIn(required=False, allow_null=True)


def _valid(cls, data) -> dict:
    s = cls(data=data)
    if not s.is_valid():
        raise ValidationFailed(fields={k: [str(m) for m in v] for k, v in s.errors.items()})
    return s.validated_data


class PlanViewSet(viewsets.GenericViewSet):
    permission_classes = [IsAuthenticated]
    pagination_class = KeysetPagination
    serializer_class = PlanOut

    def get_queryset(self):
        return selectors.plan_list(user=self.request.user, status=self.request.GET.get("status"))

    def list(self, request):
        qs = self.get_queryset().order_by("id")
        page = self.paginate_queryset(qs)
        return self.get_paginated_response(PlanOut(page, many=True).data)

    def retrieve(self, request, pk=None):
        return Response(PlanOut(selectors.plan_get(user=request.user, pk=pk)).data)

    def create(self, request):
        data = _valid(PlanIn, request.data)
        user = request.user
        customer = _org_obj(Customer, data["customer"], "customer", user)
        plan = services.asset_plan_create(
            by=user,
            asset={
                "customer": customer,
                "name": data["name"],
                "kind": data["kind"],
                "serial_no": data["serial_no"],
                "location": data["location"],
                "installed_on": data.get("installed_on"),
                "accepted_on": data.get("accepted_on"),
                "warranty_until": data.get("warranty_until"),
            },
            plan={
                "tasks": data["tasks"],
                "interval_months": data.get("interval_months"),
                "fixed_dates": data.get("fixed_dates"),
                "ends_on": data.get("ends_on"),
                "team": _org_obj(Department, data.get("team"), "team", user),
                "technician": _org_obj(ServiceStaff, data.get("technician"), "technician", user),
                "lead_working_days": data.get("lead_working_days"),
            },
        )
        return Response(PlanOut(plan).data, status=status.HTTP_201_CREATED)

    @action(detail=True, methods=["post"])
    def renew(self, request, pk=None):
        plan = selectors.plan_get(user=request.user, pk=pk)
        data = _valid(RenewIn, request.data)
        new = services.plan_renew(by=request.user, plan=plan, **data)
        return Response(PlanOut(new).data, status=status.HTTP_201_CREATED)

    @action(detail=True, methods=["get"])
    def visits(self, request, pk=None):
        plan = selectors.plan_get(user=request.user, pk=pk)
        return Response(
            VisitOut(selectors.plan_visits(user=request.user, plan=plan), many=True).data
        )


class VisitViewSet(viewsets.GenericViewSet):
    """Visits of the plans: the list (filter `status`), overdue, skipped, mine; skip and
    reschedule one."""

    permission_classes = [IsAuthenticated]
    pagination_class = KeysetPagination
    serializer_class = VisitOut

    def get_queryset(self):
        return selectors.visit_list(user=self.request.user, status=self.request.GET.get("status"))

    def list(self, request):
        page = self.paginate_queryset(self.get_queryset())
        return self.get_paginated_response(VisitOut(page, many=True).data)

    @action(detail=False, methods=["get"])
    def overdue(self, request):
        return Response(VisitOut(selectors.visits_overdue(user=request.user)[:200], many=True).data)

    @action(detail=False, methods=["get"])
    def skipped(self, request):
        return Response(VisitOut(selectors.visits_skipped(user=request.user)[:200], many=True).data)

    @action(detail=False, methods=["get"])
    def mine(self, request):
        return Response(VisitOut(selectors.my_visits(user=request.user)[:200], many=True).data)

    @action(detail=True, methods=["post"])
    def skip(self, request, pk=None):
        visit = selectors.visit_get(user=request.user, pk=pk)
        data = _valid(SkipIn, request.data)
        return Response(VisitOut(services.visit_skip(by=request.user, visit=visit, **data)).data)

    @action(detail=True, methods=["post"])
    def reschedule(self, request, pk=None):
        visit = selectors.visit_get(user=request.user, pk=pk)
        data = _valid(RescheduleIn, request.data)
        return Response(
            VisitOut(services.visit_reschedule(by=request.user, visit=visit, **data)).data
        )


class StepsIn(serializers.Serializer):
    steps_done = serializers.ListField(child=serializers.CharField(max_length=30))


class CheckIn(serializers.Serializer):
    satisfied = serializers.BooleanField()
    note = serializers.CharField(max_length=500, required=False, allow_blank=True, default="")


class OrderRef(serializers.ModelSerializer):
    class Meta:
        model = WorkOrder
        fields = ["id"]


class VisitStepsViewSet(viewsets.GenericViewSet):
    """The service steps of an order: GET the checklist, POST ticks and the customer's check."""

    permission_classes = [IsAuthenticated]
    serializer_class = OrderRef

    def list(self, request):
        """The organisation's service steps for a kind of work (`work_kind`, default all)."""
        rules = selectors.step_rules(user=request.user, work_kind=request.GET.get("work_kind", ""))
        return Response([{"code": c, "label": label, "required": req} for c, label, req in rules])

    def _out(self, data) -> dict:
        check = data["check"]
        return {
            "order": data["order"].pk,
            "steps": data["steps"],
            "missing": data["missing"],
            "customer_check": None
            if check is None
            else {"satisfied": check.satisfied, "note": check.note, "signed_at": check.signed_at},
        }

    def retrieve(self, request, pk=None):
        return Response(self._out(selectors.visit_steps(user=request.user, order_id=pk)))

    @action(detail=True, methods=["post"])
    def tick(self, request, pk=None):
        data = selectors.visit_steps(user=request.user, order_id=pk)
        body = _valid(StepsIn, request.data)
        services.visit_steps_tick(by=request.user, order=data["order"], steps=body["steps_done"])
        return Response(self._out(selectors.visit_steps(user=request.user, order_id=pk)))

    @action(detail=True, methods=["post"], url_path="customer-check")
    def customer_check(self, request, pk=None):
        data = selectors.visit_steps(user=request.user, order_id=pk)
        body = _valid(CheckIn, request.data)
        services.customer_check_record(by=request.user, order=data["order"], **body)
        return Response(self._out(selectors.visit_steps(user=request.user, order_id=pk)))


class DutyItemOut(serializers.ModelSerializer):
    class Meta:
        model = DutyItem
        fields = ["id", "duty_list", "text", "auto_check", "link", "done_at", "done_by",
                  "by_system", "note"]  # fmt: skip


class TickIn(serializers.Serializer):
    note = serializers.CharField(max_length=300, required=False, allow_blank=True, default="")


class DutyViewSet(viewsets.GenericViewSet):
    permission_classes = [IsAuthenticated]
    serializer_class = DutyItemOut

    def list(self, request):
        """My open checklists' items (each with its list's title, period and start)."""
        out = []
        for dl in selectors.my_duty_lists(user=request.user):
            for row in DutyItemOut(dl.items.all(), many=True).data:
                out.append(
                    {
                        **row,
                        "title": dl.template.title,
                        "period": dl.template.period,
                        "period_start": dl.period_start,
                    }
                )
        return Response(out)

    @action(detail=True, methods=["post"])
    def tick(self, request, pk=None):
        item = selectors.duty_item_get(user=request.user, pk=pk)
        body = _valid(TickIn, request.data)
        return Response(
            DutyItemOut(services.duty_item_tick(by=request.user, item=item, **body)).data
        )

    @action(detail=False, methods=["get"])
    def board(self, request):
        data = selectors.duty_board(user=request.user)
        return Response(
            {
                "today": data["today"],
                "open": {
                    store: {str(p): [i.text for i in items] for p, items in people.items()}
                    for store, people in data["open"].items()
                },
                "rates": data["rates"],
            }
        )


def register(router) -> None:
    router.register("maintenance/plans", PlanViewSet, basename="maintenance-plan")
    router.register("maintenance/visits", VisitViewSet, basename="maintenance-visit")
    router.register("maintenance/steps", VisitStepsViewSet, basename="maintenance-steps")
    router.register("maintenance/duties", DutyViewSet, basename="maintenance-duty")
