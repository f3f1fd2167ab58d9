"""Every write of the staff app, plus `can_work` and `staff_for_user` for other apps.

Other apps call:
    can_work(*, staff, kind, on_date) -> WorkCheck(ok, reason, code)
    staff_for_user(user) -> ServiceStaff | None

The services are split by use case; every public name is re-exported here."""

from .common import (  # noqa: F401
    settings_for,
)
from .fees import (  # noqa: F401
    charge_raise,
    deposit_refund,
    payment_record,
)
from .fines import (  # noqa: F401
    fine_create,
)
from .onboarding import (  # noqa: F401
    application_complete_step,
    document_add,
    document_counts,
    permit_issue,
    staff_create,
    staff_update,
    step_problems,
)
from .permits import (  # noqa: F401
    permit_reinstate,
    permit_renew,
    permit_revoke,
    permit_suspend,
    staff_leave,
)
from .training import (  # noqa: F401
    assessment_record,
    attendance_record,
    training_session_create,
)
from .work import (  # noqa: F401
    WorkCheck,
    can_work,
    current_permit,
    staff_for_user,
)

__all__ = [
    "WorkCheck",
    "can_work",
    "staff_for_user",
    "current_permit",
    "settings_for",
    "staff_create",
    "staff_update",
    "staff_leave",
    "document_add",
    "application_complete_step",
    "permit_issue",
    "permit_renew",
    "permit_suspend",
    "permit_reinstate",
    "permit_revoke",
    "charge_raise",
    "payment_record",
    "deposit_refund",
    "fine_create",
    "training_session_create",
    "attendance_record",
    "assessment_record",
    "step_problems",
]
