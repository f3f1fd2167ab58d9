"""Every write of the front desk: the calls and letters log and its conversions, the language
guidance, the handover book, goods reservations and the returns register at the desk.

Each service is one transaction, checks the role and the organisation, moves state with a
guarded update (0 rows: someone else changed it first, 409) and records an audit event.
"""

from __future__ import annotations

from .common import (
    DESK_ROLES as DESK_ROLES,
)
from .common import (
    _move as _move,
)
from .common import (
    _now as _now,
)
from .common import (
    _require_desk as _require_desk,
)
from .common import (
    _same_org as _same_org,
)
from .contacts import (
    CONVERTIBLE as CONVERTIBLE,
)
from .contacts import (
    _count_repeat as _count_repeat,
)
from .contacts import (
    _first_contact_about as _first_contact_about,
)
from .contacts import (
    _intake as _intake,
)
from .contacts import (
    _is_open_matter as _is_open_matter,
)
from .contacts import (
    _load as _load,
)
from .contacts import (
    _matter_root as _matter_root,
)
from .contacts import (
    _open_case_for as _open_case_for,
)
from .contacts import (
    _source as _source,
)
from .contacts import (
    _warn as _warn,
)
from .contacts import (
    contact_answer as contact_answer,
)
from .contacts import (
    contact_follow_up as contact_follow_up,
)
from .contacts import (
    contact_log as contact_log,
)
from .contacts import (
    contact_to_complaint as contact_to_complaint,
)
from .contacts import (
    contact_to_work_order as contact_to_work_order,
)
from .contacts import (
    settings_for as settings_for,
)
from .handover import (
    MANAGER_ROLES as MANAGER_ROLES,
)
from .handover import (
    handover_hand_over as handover_hand_over,
)
from .handover import (
    handover_open as handover_open,
)
from .handover import (
    handover_sign as handover_sign,
)
from .handover import (
    handover_write as handover_write,
)
from .language import (
    _phrases as _phrases,
)
from .language import (
    language_check as language_check,
)
from .language import (
    language_note as language_note,
)
from .language import (
    phrases_ensure_defaults as phrases_ensure_defaults,
)
from .language import (
    phrases_for as phrases_for,
)
from .reservations import (
    _money as _money,
)
from .reservations import (
    _res as _res,
)
from .reservations import (
    reservation_arrive as reservation_arrive,
)
from .reservations import (
    reservation_cancel as reservation_cancel,
)
from .reservations import (
    reservation_collect as reservation_collect,
)
from .reservations import (
    reservation_create as reservation_create,
)
from .reservations import (
    reservation_tell as reservation_tell,
)
from .returns import (
    desk_return_register as desk_return_register,
)
from .returns import (
    desk_return_send_back as desk_return_send_back,
)
