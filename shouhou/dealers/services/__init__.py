"""Writes of the dealers app: warranty cards, service tasks, repair records, appraisal,
write-off notices, the dealer's account, stocking plans and spot checks (seed 002 范文2 二, 四).

Every function is one transaction, checks the role and the organisation, and writes an audit
event with the state before and after. Supplier claims are in `claims.py`.
"""

from __future__ import annotations

from .accounts import (
    ledger_post,
    writeoff_confirm,
    writeoff_issue,
)
from .cards import (
    card_receive,
    card_refusal,
    card_register,
    late_card_check,
)
from .checks import (
    spot_check_record,
    stocking_plan_record,
)
from .common import (
    S,
    settings_for,
)
from .repairs import (
    repair_record_appraise,
    repair_record_approve,
    repair_record_create,
    repair_record_receive,
    repair_record_refuse,
)
from .tasks import (
    task_arrange,
    task_close,
    task_forward,
    task_log,
)

__all__ = [
    "S",
    "card_receive",
    "card_refusal",
    "card_register",
    "late_card_check",
    "ledger_post",
    "repair_record_appraise",
    "repair_record_approve",
    "repair_record_create",
    "repair_record_receive",
    "repair_record_refuse",
    "settings_for",
    "spot_check_record",
    "stocking_plan_record",
    "task_arrange",
    "task_close",
    "task_forward",
    "task_log",
    "writeoff_confirm",
    "writeoff_issue",
]
