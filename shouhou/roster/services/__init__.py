"""Every write of the roster: shifts, leave, appointment windows, the board's dispatch, areas,
store visits. Each service is one transaction, checks role and organisation, and audits."""

from __future__ import annotations

from .appointments import (
    appointment_confirm,
    appointment_customer_confirm,
    appointment_reschedule,
    window_record,
    window_void,
)
from .areas import (
    area_save,
    store_visit_done,
    store_visits_plan,
)
from .common import (
    current_time,
)
from .dispatch import (
    Booking,
    board_dispatch,
)
from .leave import (
    leave_approve,
    leave_reject,
    leave_request,
)
from .shifts import (
    parse_pattern,
    shift_copy_last_week,
    shift_pattern_apply,
    shift_week_set,
)

__all__ = [
    "Booking",
    "appointment_confirm",
    "appointment_customer_confirm",
    "appointment_reschedule",
    "area_save",
    "board_dispatch",
    "current_time",
    "leave_approve",
    "leave_reject",
    "leave_request",
    "parse_pattern",
    "shift_copy_last_week",
    "shift_pattern_apply",
    "shift_week_set",
    "store_visit_done",
    "store_visits_plan",
    "window_record",
    "window_void",
]
