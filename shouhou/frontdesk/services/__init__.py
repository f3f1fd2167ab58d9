"""Every write of the front desk: the calls and letters log and its conversions, the language
guidance, the handover book, goods reservations and the returns register at the desk.

Each service is one transaction, checks the role and the organisation, moves state with a
guarded update (0 rows: someone else changed it first, 409) and records an audit event.
"""

from __future__ import annotations

from .common import (
    DESK_ROLES,
)
from .contacts import (
    CONVERTIBLE,
    contact_answer,
    contact_follow_up,
    contact_log,
    contact_to_complaint,
    contact_to_work_order,
    settings_for,
)
from .handover import (
    MANAGER_ROLES,
    handover_hand_over,
    handover_open,
    handover_sign,
    handover_write,
)
from .language import (
    language_check,
    language_note,
    phrases_ensure_defaults,
    phrases_for,
)
from .reservations import (
    reservation_arrive,
    reservation_cancel,
    reservation_collect,
    reservation_create,
    reservation_tell,
)
from .returns import (
    desk_return_register,
    desk_return_send_back,
)

__all__ = [
    "CONVERTIBLE",
    "DESK_ROLES",
    "MANAGER_ROLES",
    "contact_answer",
    "contact_follow_up",
    "contact_log",
    "contact_to_complaint",
    "contact_to_work_order",
    "desk_return_register",
    "desk_return_send_back",
    "handover_hand_over",
    "handover_open",
    "handover_sign",
    "handover_write",
    "language_check",
    "language_note",
    "phrases_ensure_defaults",
    "phrases_for",
    "reservation_arrive",
    "reservation_cancel",
    "reservation_collect",
    "reservation_create",
    "reservation_tell",
    "settings_for",
]
