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
    item_claim as item_claim,
)
from .claims import (
    reminder_done as reminder_done,
)
from .common import (
    ALLOWED_FROM as ALLOWED_FROM,
)
from .common import (
    CLOSED as CLOSED,
)
from .common import (
    DESK_ROLES as DESK_ROLES,
)
from .common import (
    EDITABLE as EDITABLE,
)
from .common import (
    MOVE_ROLES as MOVE_ROLES,
)
from .common import (
    OPEN as OPEN,
)
from .common import (
    READ_ROLES as READ_ROLES,
)
from .common import (
    VALUABLE_ROLES as VALUABLE_ROLES,
)
from .common import (
    S as S,
)
from .common import (
    _amount as _amount,
)
from .common import (
    _at_store as _at_store,
)
from .common import (
    _check as _check,
)
from .common import (
    _choice as _choice,
)
from .common import (
    _lock as _lock,
)
from .common import (
    _move as _move,
)
from .common import (
    _now as _now,
)
from .common import (
    _org_id as _org_id,
)
from .common import (
    _phone as _phone,
)
from .common import (
    _raise as _raise,
)
from .common import (
    _require as _require,
)
from .common import (
    _store as _store,
)
from .common import (
    _text as _text,
)
from .daylists import (
    GUARD_ROLES as GUARD_ROLES,
)
from .daylists import (
    _unlisted as _unlisted,
)
from .daylists import (
    day_list_create as day_list_create,
)
from .daylists import (
    day_list_receive as day_list_receive,
)
from .daylists import (
    item_move_to_desk as item_move_to_desk,
)
from .daylists import (
    items_move_to_desk as items_move_to_desk,
)
from .disposal import (
    ARCHIVE_ROLES as ARCHIVE_ROLES,
)
from .disposal import (
    CS_SIGN_ROLES as CS_SIGN_ROLES,
)
from .disposal import (
    DISPOSE_ROLES as DISPOSE_ROLES,
)
from .disposal import (
    LP_SIGN_ROLES as LP_SIGN_ROLES,
)
from .disposal import (
    SIDES as SIDES,
)
from .disposal import (
    item_archive as item_archive,
)
from .disposal import (
    item_dispose as item_dispose,
)
from .disposal import (
    item_sign_disposal as item_sign_disposal,
)
from .identity import (
    _ID_CHECK as _ID_CHECK,
)
from .identity import (
    _ID_WEIGHTS as _ID_WEIGHTS,
)
from .identity import (
    mask_id as mask_id,
)
from .identity import (
    resident_id_valid as resident_id_valid,
)
from .items import (
    KEEPER_ROLES as KEEPER_ROLES,
)
from .items import (
    MAX_PHOTO_BYTES as MAX_PHOTO_BYTES,
)
from .items import (
    MAX_PHOTOS as MAX_PHOTOS,
)
from .items import (
    PHOTO_FORMATS as PHOTO_FORMATS,
)
from .items import (
    PHOTO_TYPES as PHOTO_TYPES,
)
from .items import (
    _id_number as _id_number,
)
from .items import (
    _item_fields as _item_fields,
)
from .items import (
    _new_number as _new_number,
)
from .items import (
    due_dates as due_dates,
)
from .items import (
    item_add_photo as item_add_photo,
)
from .items import (
    item_announce as item_announce,
)
from .items import (
    item_check_valuable as item_check_valuable,
)
from .items import (
    item_keep_valuable as item_keep_valuable,
)
from .items import (
    item_register as item_register,
)
from .items import (
    item_update as item_update,
)
from .items import (
    photo_content as photo_content,
)
from .items import (
    settings_for as settings_for,
)
