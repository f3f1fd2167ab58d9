"""Every write of the parts cycle. Each function is one transaction, checks role and
organisation, records an audit event and posts its stock changes through `_post`, which keeps
`Stock.quantity` in step with the `Move` ledger and never lets it go below zero: the quantity is
taken with a conditional UPDATE (`quantity >= n`) on the locked stock row, so of twenty
technicians drawing the last part at once one wins and the others get a Conflict naming it.
"""

from __future__ import annotations

from .common import (
    CENT,
    MANAGER_ROLES,
    STORE_ROLES,
    SUPERVISOR_ROLES,
    settings_for,
)
from .counts import (
    stock_count_create,
    stock_count_decide,
)
from .old_parts import (
    APPRAISE_ROLES,
    disposal_batch_approve,
    disposal_batch_collect,
    disposal_batch_submit,
    old_part_appraise,
    old_part_register,
    write_off_for_signed_report,
)
from .postage import (
    POSTAGE_ROLES,
    postage_approve,
    postage_record,
)
from .quotes import (
    QUOTE_ROLES,
    check_fee_against_quote,
    quote_accept,
    quote_change_approve,
    quote_create,
    quote_decline,
)
from .requisitions import (
    REQUEST_ROLES,
    lines_set_old_part_due,
    requisition_approve,
    requisition_cancel,
    requisition_create,
    requisition_issue,
    requisition_line_return,
    requisition_reject,
)
from .stock import (
    MASTER_ROLES,
    location_create,
    part_create,
    part_update,
    receipt_create,
    reorder_level_set,
    technician_location,
    transfer_create,
)

__all__ = [
    "APPRAISE_ROLES",
    "CENT",
    "MANAGER_ROLES",
    "MASTER_ROLES",
    "POSTAGE_ROLES",
    "QUOTE_ROLES",
    "REQUEST_ROLES",
    "STORE_ROLES",
    "SUPERVISOR_ROLES",
    "check_fee_against_quote",
    "disposal_batch_approve",
    "disposal_batch_collect",
    "disposal_batch_submit",
    "lines_set_old_part_due",
    "location_create",
    "old_part_appraise",
    "old_part_register",
    "part_create",
    "part_update",
    "postage_approve",
    "postage_record",
    "quote_accept",
    "quote_change_approve",
    "quote_create",
    "quote_decline",
    "receipt_create",
    "reorder_level_set",
    "requisition_approve",
    "requisition_cancel",
    "requisition_create",
    "requisition_issue",
    "requisition_line_return",
    "requisition_reject",
    "settings_for",
    "stock_count_create",
    "stock_count_decide",
    "technician_location",
    "transfer_create",
    "write_off_for_signed_report",
]
