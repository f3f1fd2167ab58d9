"""After the decision: carrying it out, closing the case, or refusing it."""

from __future__ import annotations

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from shouhou.core.errors import ValidationFailed
from shouhou.org import roles as r

from .. import states as s
from ..models import Case
from .common import DESK_ROLES, SUPERVISOR_ROLES, _load, _move


def case_carry_out(*, by, case, note: str = "") -> Case:
    """The goods were exchanged / refunded / the installed product replaced."""
    r.require_role(by, *DESK_ROLES)
    with transaction.atomic():
        case = _load(by, case)
        return _move(
            case,
            s.CARRIED_OUT,
            by=by,
            action="shouhou.case.carried_out",
            carried_out_at=timezone.now(),
        )


def case_close(*, by, case) -> Case:
    """Done: the customer has what was agreed."""
    r.require_role(by, *DESK_ROLES)
    with transaction.atomic():
        case = _load(by, case)
        return _move(case, s.DONE, by=by, action="shouhou.case.done", closed_at=timezone.now())


def case_refuse(*, by, case, reason: str) -> Case:
    """Refuse an unjustified demand, with the reason (supervisors and above)."""
    r.require_role(by, *SUPERVISOR_ROLES)
    if not (reason or "").strip():
        raise ValidationFailed(fields={"reason": [_("Say why the demand is refused.")]})
    with transaction.atomic():
        case = _load(by, case)
        return _move(
            case,
            s.REFUSED,
            by=by,
            action="shouhou.case.refused",
            refused_reason=reason.strip(),
            closed_at=timezone.now(),
        )
