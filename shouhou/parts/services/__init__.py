"""Every write of the parts cycle. Each function is one transaction, checks role and
organisation, records an audit event and posts its stock changes through `_post`, which keeps
`Stock.quantity` in step with the `Move` ledger and never lets it go below zero: the quantity is
taken with a conditional UPDATE (`quantity >= n`) on the locked stock row, so of twenty
technicians drawing the last part at once one wins and the others get a Conflict naming it.
"""

from __future__ import annotations

from .common import (
    CENT as CENT,
)
from .common import (
    MANAGER_ROLES as MANAGER_ROLES,
)
from .common import (
    STORE_ROLES as STORE_ROLES,
)
from .common import (
    SUPERVISOR_ROLES as SUPERVISOR_ROLES,
)
from .common import (
    _get as _get,
)
from .common import (
    _int as _int,
)
from .common import (
    _now as _now,
)
from .common import (
    _number as _number,
)
from .common import (
    _post as _post,
)
from .common import (
    _same_org as _same_org,
)
from .common import (
    _stock_row as _stock_row,
)
from .common import (
    settings_for as settings_for,
)
from .counts import (
    stock_count_create as stock_count_create,
)
from .counts import (
    stock_count_decide as stock_count_decide,
)
from .old_parts import (
    APPRAISE_ROLES as APPRAISE_ROLES,
)
from .old_parts import (
    _write_off as _write_off,
)
from .old_parts import (
    disposal_batch_approve as disposal_batch_approve,
)
from .old_parts import (
    disposal_batch_collect as disposal_batch_collect,
)
from .old_parts import (
    disposal_batch_submit as disposal_batch_submit,
)
from .old_parts import (
    old_part_appraise as old_part_appraise,
)
from .old_parts import (
    old_part_register as old_part_register,
)
from .old_parts import (
    write_off_for_signed_report as write_off_for_signed_report,
)
from .postage import (
    POSTAGE_ROLES as POSTAGE_ROLES,
)
from .postage import (
    postage_approve as postage_approve,
)
from .postage import (
    postage_record as postage_record,
)
from .quotes import (
    QUOTE_ROLES as QUOTE_ROLES,
)
from .quotes import (
    check_fee_against_quote as check_fee_against_quote,
)
from .quotes import (
    quote_accept as quote_accept,
)
from .quotes import (
    quote_change_approve as quote_change_approve,
)
from .quotes import (
    quote_create as quote_create,
)
from .quotes import (
    quote_decline as quote_decline,
)
from .requisitions import (
    REQUEST_ROLES as REQUEST_ROLES,
)
from .requisitions import (
    _bands as _bands,
)
from .requisitions import (
    _lock_req as _lock_req,
)
from .requisitions import (
    _maybe_settle as _maybe_settle,
)
from .requisitions import (
    _req_transition as _req_transition,
)
from .requisitions import (
    _roles as _roles,
)
from .requisitions import (
    lines_set_old_part_due as lines_set_old_part_due,
)
from .requisitions import (
    requisition_approve as requisition_approve,
)
from .requisitions import (
    requisition_cancel as requisition_cancel,
)
from .requisitions import (
    requisition_create as requisition_create,
)
from .requisitions import (
    requisition_issue as requisition_issue,
)
from .requisitions import (
    requisition_line_return as requisition_line_return,
)
from .requisitions import (
    requisition_reject as requisition_reject,
)
from .stock import (
    MASTER_ROLES as MASTER_ROLES,
)
from .stock import (
    _lines as _lines,
)
from .stock import (
    _part_fields as _part_fields,
)
from .stock import (
    _set_fits as _set_fits,
)
from .stock import (
    _special_location as _special_location,
)
from .stock import (
    location_create as location_create,
)
from .stock import (
    part_create as part_create,
)
from .stock import (
    part_update as part_update,
)
from .stock import (
    receipt_create as receipt_create,
)
from .stock import (
    reorder_level_set as reorder_level_set,
)
from .stock import (
    technician_location as technician_location,
)
from .stock import (
    transfer_create as transfer_create,
)
