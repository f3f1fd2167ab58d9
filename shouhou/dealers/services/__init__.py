"""Writes of the dealers app: warranty cards, service tasks, repair records, appraisal,
write-off notices, the dealer's account, stocking plans and spot checks (seed 002 范文2 二, 四).

Every function is one transaction, checks the role and the organisation, and writes an audit
event with the state before and after. Supplier claims are in `claims.py`.
"""

from __future__ import annotations

from .cards import (
    card_receive as card_receive,
)
from .cards import (
    card_refusal as card_refusal,
)
from .cards import (
    card_register as card_register,
)
from .cards import (
    late_card_check as late_card_check,
)
from .checks import (
    spot_check_record as spot_check_record,
)
from .checks import (
    stocking_plan_record as stocking_plan_record,
)
from .claims import (
    ledger_post as ledger_post,
)
from .claims import (
    writeoff_confirm as writeoff_confirm,
)
from .claims import (
    writeoff_issue as writeoff_issue,
)
from .common import (
    S as S,
)
from .common import (
    _money as _money,
)
from .common import (
    _next_number as _next_number,
)
from .common import (
    _own as _own,
)
from .common import (
    _text as _text,
)
from .common import (
    settings_for as settings_for,
)
from .repairs import (
    _decimal as _decimal,
)
from .repairs import (
    _refuse as _refuse,
)
from .repairs import (
    repair_record_appraise as repair_record_appraise,
)
from .repairs import (
    repair_record_approve as repair_record_approve,
)
from .repairs import (
    repair_record_create as repair_record_create,
)
from .repairs import (
    repair_record_receive as repair_record_receive,
)
from .repairs import (
    repair_record_refuse as repair_record_refuse,
)
from .tasks import (
    _task_create as _task_create,
)
from .tasks import (
    _task_fields as _task_fields,
)
from .tasks import (
    task_arrange as task_arrange,
)
from .tasks import (
    task_close as task_close,
)
from .tasks import (
    task_forward as task_forward,
)
from .tasks import (
    task_log as task_log,
)
