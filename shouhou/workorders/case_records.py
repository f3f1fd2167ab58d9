"""How a service case reads its work orders (registered with the customers app's case registry
from `WorkordersConfig.ready`; issue 16.9)."""

from __future__ import annotations

from django.urls import reverse

from shouhou.customers.cases import CaseRecords, record_columns

from . import states
from .models import Kind, WorkOrder

STATUS_LABELS = dict(states.STATUS_CHOICES)
KIND_LABELS = dict(Kind.choices)


def _rows(case_id: int):
    return WorkOrder.objects.filter(service_case_id=case_id).annotate(
        **record_columns(at="received_at")
    )


RECORDS = CaseRecords(
    source="work_order",
    rows=_rows,
    url=lambda pk: reverse("workorders:detail", args=[pk]),
    kind_label=lambda code: KIND_LABELS.get(code, code),
    status_label=lambda code: STATUS_LABELS.get(code, code),
)
