"""/api/v1/promise-rules/ (read) and /api/v1/promise-decisions/ (decide; list; retrieve)."""

from __future__ import annotations

from django.utils.translation import gettext as _
from drf_spectacular.utils import extend_schema
from rest_framework import mixins, serializers, status, viewsets
from rest_framework.response import Response

from shouhou.catalog.models import Product
from shouhou.core.api import IdempotentCreateMixin, IntegerIn
from shouhou.core.errors import PermissionDeniedError, ValidationFailed
from shouhou.sales.models import ContractLine

from . import rules as R
from . import selectors, services
from .models import Cause, PromiseDecision, PromiseRule


class PromiseRuleOut(serializers.ModelSerializer):
    class Meta:
        model = PromiseRule
        fields = [
            "id",
            "code",
            "order",
            "kind",
            "title",
            "text",
            "is_active",
            "version",
            "category",
            "needs_installation",
            "electronic",
            "single_use",
            "adhesive",
            "window_film",
            "bulb_or_speaker",
            "installed_by",
            "opened",
            "causes",
            "anchor",
            "return_amount",
            "return_unit",
            "exchange_amount",
            "exchange_unit",
            "repair_amount",
            "repair_unit",
            "requires_receipt",
            "requires_packaging",
        ]


class PromiseDecisionOut(serializers.ModelSerializer):
    outcome_display = serializers.CharField(source="get_outcome_display", read_only=True)
    rule_title = serializers.CharField(source="rule.title", default="", read_only=True)

    class Meta:
        model = PromiseDecision
        fields = [
            "id",
            "customer",
            "contract",
            "contract_line",
            "product",
            "facts",
            "wanted",
            "outcome",
            "outcome_display",
            "allowed",
            "rule",
            "rule_code",
            "rule_title",
            "rule_version",
            "explanation",
            "missing_documents",
            "created_at",
        ]


class DecideIn(serializers.Serializer):
    contract_line = IntegerIn(required=False, allow_null=True)
    product = IntegerIn(required=False, allow_null=True)
    sold_on = serializers.DateField(required=False, allow_null=True)
    installed_on = serializers.DateField(required=False, allow_null=True)
    installed_by = serializers.ChoiceField(
        choices=[R.NOT_INSTALLED, R.BY_US, R.BY_OTHERS], required=False, default=R.NOT_INSTALLED
    )
    opened = serializers.BooleanField(required=False, default=True)
    cause = serializers.ChoiceField(choices=Cause.choices, required=False, default=R.QUALITY)
    wanted = serializers.ChoiceField(
        choices=["", *R.GRANTS], required=False, allow_blank=True, default=""
    )
    has_receipt = serializers.BooleanField(required=False, default=True)
    has_packaging = serializers.BooleanField(required=False, default=True)


def _reader(user):
    if not selectors.can_read(user):
        raise PermissionDeniedError()


@extend_schema(tags=["promises"])
class PromiseRuleViewSet(viewsets.GenericViewSet, mixins.ListModelMixin):
    serializer_class = PromiseRuleOut
    queryset = PromiseRule.objects.none()

    def get_queryset(self):
        _reader(self.request.user)
        return selectors.promise_rule_list(user=self.request.user)


class PromiseDecisionBase(viewsets.GenericViewSet):
    serializer_class = PromiseDecisionOut
    queryset = PromiseDecision.objects.none()

    def list(self, request):
        """Decisions of the organisation, newest first."""
        _reader(request.user)
        page = self.paginate_queryset(selectors.promise_decision_list(user=request.user))
        return self.get_paginated_response(PromiseDecisionOut(page, many=True).data)

    def retrieve(self, request, pk=None):
        _reader(request.user)
        return Response(
            PromiseDecisionOut(selectors.promise_decision_get(user=request.user, pk=pk)).data
        )

    @extend_schema(request=DecideIn, responses={201: PromiseDecisionOut})
    def create(self, request):
        """Decide a request by the promise rules: the outcome, the rule and its words."""
        s = DecideIn(data=request.data)
        s.is_valid(raise_exception=True)
        data = dict(s.validated_data)

        org = request.user.organisation_id
        line_id, product_id = data.pop("contract_line", None), data.pop("product", None)
        line = product = None
        if line_id is not None:
            line = ContractLine.objects.filter(pk=line_id, organisation_id=org).first()
            if line is None:
                raise ValidationFailed(fields={"contract_line": [_("Not found.")]})
        if product_id is not None:
            product = Product.objects.filter(pk=product_id, organisation_id=org).first()
            if product is None:
                raise ValidationFailed(fields={"product": [_("Not found.")]})
        decision = services.promise_decide(
            by=request.user, contract_line=line, product=product, **data
        )
        return Response(PromiseDecisionOut(decision).data, status=status.HTTP_201_CREATED)


@extend_schema(tags=["promises"])
class PromiseDecisionViewSet(IdempotentCreateMixin, PromiseDecisionBase):
    pass


def register(router):
    """Add this app's viewsets to the /api/v1/ router."""
    router.register("promise-rules", PromiseRuleViewSet, basename="promise-rule")
    router.register("promise-decisions", PromiseDecisionViewSet, basename="promise-decision")
