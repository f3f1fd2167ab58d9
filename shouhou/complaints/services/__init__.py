"""Every write of the complaints app: register a case, inspect on site (a work order), set the
cause and responsibility, submit for approval (routed by the approval rules), sign, carry out,
close, refuse; supplier claims, repair items, penalty notices, notifications.

One module per use case (register, details, inspection, approval, decision, notices) and
`common`; every public name is re-exported here."""

from __future__ import annotations

from .approval import (
    case_sign,
    case_submit,
    role_names,
    routes_for,
    steps_user_covers,
)
from .common import (
    DESK_ROLES,
    SUPERVISOR_ROLES,
    complaints_ensure_defaults,
    settings_for,
)
from .decision import (
    case_carry_out,
    case_close,
    case_refuse,
)
from .details import (
    case_add_repair_item,
    case_record_supplier_claim,
    case_set_responsibility,
    case_update,
)
from .inspection import case_start_inspection
from .notices import (
    notification_mark_read,
    penalty_issue,
)
from .register import (
    NEEDS_OUTCOME,
    case_register,
)

__all__ = [
    "DESK_ROLES",
    "NEEDS_OUTCOME",
    "SUPERVISOR_ROLES",
    "case_add_repair_item",
    "case_carry_out",
    "case_close",
    "case_record_supplier_claim",
    "case_refuse",
    "case_register",
    "case_set_responsibility",
    "case_sign",
    "case_start_inspection",
    "case_submit",
    "case_update",
    "complaints_ensure_defaults",
    "notification_mark_read",
    "penalty_issue",
    "role_names",
    "routes_for",
    "settings_for",
    "steps_user_covers",
]
