"""The on-site inspection: a work order is opened for the case."""

from __future__ import annotations

from django.db import transaction
from django.utils.translation import gettext as _

from shouhou.core.errors import InvalidTransition
from shouhou.org import roles as r
from shouhou.workorders.services import workorder_intake

from .. import states as s
from ..models import Case
from .common import DESK_ROLES, _load, _move


def case_start_inspection(*, by, case, description: str = "") -> Case:
    """Send someone on site: a work order of kind "inspection" through the work-order intake."""

    r.require_role(by, *DESK_ROLES)
    with transaction.atomic():
        case = _load(by, case)
        if not s.allowed(case.kind, case.status, s.INSPECTING):
            raise InvalidTransition(
                _("An inspection cannot start while the case is %(status)s.")
                % {"status": case.get_status_display()}
            )
        result = workorder_intake(
            by=by,
            organisation=case.organisation,
            source="walk_in",
            kind="inspection",
            description=description or f"{case.number}: {case.description}",
            customer=case.customer,
            store=case.store,
            product=case.product,
            contract=case.contract,
            fault=case.fault,
            service_case=case.service_case,
        )
        case = _move(
            case,
            s.INSPECTING,
            by=by,
            action="shouhou.case.inspecting",
            inspection_order=result.order,
        )
    return case
