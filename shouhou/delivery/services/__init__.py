"""Every write to deliveries (送货与检修, seed 003): schedule, re-confirm, reschedule, workshop
requests and their inspection, crew and vehicle, loading checklist, balance, signature and
opinion form, report to customer service, issues, tasks. Each function is one audited
transaction; status changes are guarded updates (0 rows: someone else changed it first).

Money: the crew records the balance it collected on the delivery (checked against the contract's
balance due); customer service posts it to the contract with `contract_record_payment` when the
crew reports back at base (the sales app lets only office roles record payments).

The services are split by use case; every public name is re-exported here."""

from .common import (  # noqa: F401
    ACTIVE,
    ALLOWED_FROM,
    REPORT_ROLES,
    SCHEDULER_ROLES,
    SUPERVISOR_ROLES,
    WORKSHOP_ROLES,
    S,
    _move,
    callback_due,
    callback_offsets,
    reconfirm_date,
    settings_for,
    workshop_due,
)
from .run import (  # noqa: F401
    MAX_SIGNATURE_BYTES,
    checklist_rows,
    delivery_assign,
    delivery_collect_balance,
    delivery_complete,
    delivery_confirm_with_customer,
    delivery_depart,
    delivery_issue_record,
    delivery_load,
    delivery_report,
    delivery_task_done,
)
from .schedule import (  # noqa: F401
    delivery_cancel,
    delivery_reconfirm,
    delivery_reschedule,
    delivery_schedule,
)
from .workshop import (  # noqa: F401
    delivery_workshop_done,
    workshop_request_create,
    workshop_request_done,
    workshop_request_inspect,
)
