"""Every write of the lost-property routine (seed 004 三; 2.2.4, 2.3.3). Each function is one
audited transaction; a state change is a guarded update from the state that was read (0 rows:
someone else changed it first, InvalidTransition). Signatures are the logged-in person with the
right role, recorded with the time.

Roles: the desk (客服员, service desk, supervisors, duty manager) registers, announces, lists,
takes items back and archives; a security guard receives the end-of-day list; the customer-
service supervisor or the duty manager checks a valuable and signs its release; the head of
security keeps valuables; the customer-service supervisor and the loss-prevention supervisor —
two different people — sign a disposal; administration records how it was disposed of.
"""

from __future__ import annotations

from .claims import (
    item_claim,
    reminder_done,
)
from .common import (
    ALLOWED_FROM,
    CLOSED,
    DESK_ROLES,
    EDITABLE,
    MOVE_ROLES,
    OPEN,
    READ_ROLES,
    VALUABLE_ROLES,
    S,
)
from .daylists import (
    GUARD_ROLES,
    day_list_create,
    day_list_receive,
    item_move_to_desk,
    items_move_to_desk,
)
from .disposal import (
    ARCHIVE_ROLES,
    CS_SIGN_ROLES,
    DISPOSE_ROLES,
    LP_SIGN_ROLES,
    SIDES,
    item_archive,
    item_dispose,
    item_sign_disposal,
)
from .identity import (
    mask_id,
    resident_id_valid,
)
from .items import (
    KEEPER_ROLES,
    MAX_PHOTO_BYTES,
    MAX_PHOTOS,
    PHOTO_FORMATS,
    PHOTO_TYPES,
    due_dates,
    item_add_photo,
    item_announce,
    item_check_valuable,
    item_keep_valuable,
    item_register,
    item_update,
    photo_content,
    settings_for,
)

__all__ = [
    "ALLOWED_FROM",
    "ARCHIVE_ROLES",
    "CLOSED",
    "CS_SIGN_ROLES",
    "DESK_ROLES",
    "DISPOSE_ROLES",
    "EDITABLE",
    "GUARD_ROLES",
    "KEEPER_ROLES",
    "LP_SIGN_ROLES",
    "MAX_PHOTOS",
    "MAX_PHOTO_BYTES",
    "MOVE_ROLES",
    "OPEN",
    "PHOTO_FORMATS",
    "PHOTO_TYPES",
    "READ_ROLES",
    "S",
    "SIDES",
    "VALUABLE_ROLES",
    "day_list_create",
    "day_list_receive",
    "due_dates",
    "item_add_photo",
    "item_announce",
    "item_archive",
    "item_check_valuable",
    "item_claim",
    "item_dispose",
    "item_keep_valuable",
    "item_move_to_desk",
    "item_register",
    "item_sign_disposal",
    "item_update",
    "items_move_to_desk",
    "mask_id",
    "photo_content",
    "reminder_done",
    "resident_id_valid",
    "settings_for",
]
