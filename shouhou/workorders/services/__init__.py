"""Every write on work orders: intake, dispatch, the technician's steps, re-issue, the report.

Each service runs in one transaction, checks the role and the organisation, checks the state
machine (`states.check`), changes the state with a guarded update (`filter(status=OLD)`; 0 rows
means someone else changed it first: 409), records the state history the deadlines are computed
from, and writes an audit event.

The services are split by use case; every public name is re-exported here."""

from shouhou.core.errors import DomainError  # noqa: F401

from .close import (  # noqa: F401
    workorder_cancel,
    workorder_change_policy,
    workorder_close,
    workorder_reissue,
    workorder_second_visit,
)
from .common import (  # noqa: F401
    ASSIGNMENT_RESET,
    DESK_ROLES,
    DISPATCH_ROLES,
    INTAKE_ROLES,
    REISSUE_ROLES,
    TECH_ROLES,
    calendar,
    compute_due_times,
    workorder_recompute_due,
)
from .dispatch import (  # noqa: F401
    BULK_MAX,
    BulkAssignResult,
    workorder_bulk_assign,
    workorder_dispatch,
    workorder_reassign,
)
from .intake import (  # noqa: F401
    IntakeResult,
    public_request_reject,
    workorder_intake,
)
from .loans import (  # noqa: F401
    check_no_loan_out,
    loan_unit_lend,
    loan_unit_return,
)
from .policies import (  # noqa: F401
    sla_policy_update,
    sla_target_set,
)
from .report import (  # noqa: F401
    MAX_PHOTO_BYTES,
    MAX_PHOTOS_PER_REPORT,
    MAX_SIGNATURE_BYTES,
    OLD_PART_ROLES,
    ORDER_FINISHED,
    PHOTO_FORMATS,
    PHOTO_STATES,
    report_part_receive_old,
    service_fee_hand_in,
    service_report_add_photo,
    service_report_update,
    workorder_complete,
    workorder_sign,
)
from .visit import (  # noqa: F401
    workorder_appoint,
    workorder_arrive,
    workorder_contact,
    workorder_customer_reschedule,
    workorder_not_home,
    workorder_postpone,
    workorder_report_unreachable,
    workorder_unreachable,
    workorder_wait_parts,
)
from .written import (  # noqa: F401
    written_contact_feed_back,
    written_contact_record,
)

__all__ = [
    n
    for n in dir()
    if n.startswith(
        (
            "workorder_",
            "service_",
            "report_part_",
            "public_request_",
            "loan_unit_",
            "written_contact_",
            "sla_",
        )
    )
] + ["IntakeResult", "DomainError"]
