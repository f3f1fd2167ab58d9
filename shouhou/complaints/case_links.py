"""A complaint, exchange or return joins the service case of the same problem (issue 16.9).

Kept apart from `services` (which calls it once, in `case_register`): the service case itself is
the customers app's (`customers.services.service_case_for`); this module only says which case a
new complaint-app case belongs to, and how a service case reads these records (registered from
`ComplaintsConfig.ready`).
"""

from __future__ import annotations

import datetime as dt

from django.urls import reverse

from shouhou.customers.cases import CaseRecords, record_columns
from shouhou.customers.models import ServiceCase
from shouhou.customers.services import service_case_for, service_case_join

from .models import Case, Kind, Status


def service_case_of(
    *, by, kind: str, customer, product, fault, owned_product, work_order, at: dt.datetime
) -> tuple[ServiceCase | None, object]:
    """(the service case, the fault) of a new complaint-app case.

    A complaint about an order that is part of a case, about the same problem (no other fault
    or product named), joins that case whatever the window: the later record links to the
    earlier. Otherwise the customers app matches by customer, product and fault."""
    source = f"complaint:{kind}"
    if (
        work_order is not None
        and work_order.service_case_id
        and (fault is None or fault.pk == work_order.fault_id)
        and (product is None or product.pk == work_order.product_id)
    ):
        joined = ServiceCase.objects.select_for_update().get(pk=work_order.service_case_id)
        return service_case_join(by=by, case=joined, kind=source, at=at), fault or work_order.fault
    if product is None and work_order is not None:
        product_id = work_order.product_id
    else:
        product_id = product.pk if product is not None else None
    case = service_case_for(
        by=by,
        customer=customer,
        product_id=product_id,
        fault=fault,
        owned_product=owned_product,
        kind=source,
        at=at,
    )
    return case, fault


KIND_LABELS = dict(Kind.choices)
STATUS_LABELS = dict(Status.choices)


def _rows(case_id: int):
    return Case.objects.filter(service_case_id=case_id).annotate(**record_columns(at="created_at"))


RECORDS = CaseRecords(
    source="complaint",
    rows=_rows,
    url=lambda pk: reverse("complaints:detail", args=[pk]),
    kind_label=lambda code: KIND_LABELS.get(code, code),
    status_label=lambda code: STATUS_LABELS.get(code, code),
)
