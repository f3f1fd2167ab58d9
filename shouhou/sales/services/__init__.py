"""Every write to sales contracts (销售合同清单): create, payments, delivery changes, delivery,
cancellation. Each function is one audited transaction.

Who may write: office roles (`OFFICE_ROLES`, which include sales) for every contract of their
organisation; a merchant's administrator only for its own merchant (its new contracts always
belong to its merchant); technicians and other field roles never. Marking a contract delivered
is also open to the delivery crew.

Inputs may be model instances or primary keys (an API body, a form): every field is checked and
all errors are raised together in one `ValidationFailed` (line fields as `lines.<i>.<field>`);
rows of another organisation, or ones the user may not use, are reported as unknown.
"""

from __future__ import annotations

from .common import (
    ALLOWED_FROM,
    WRITER_ROLES,
    S,
)
from .contracts import (
    MAX_QUANTITY,
    contract_create,
    next_contract_number,
)
from .delivery import (
    DELIVERY_ROLES,
    contract_cancel,
    contract_change_delivery,
    contract_mark_delivered,
)
from .payments import (
    contract_record_payment,
)

__all__ = [
    "ALLOWED_FROM",
    "DELIVERY_ROLES",
    "MAX_QUANTITY",
    "S",
    "WRITER_ROLES",
    "contract_cancel",
    "contract_change_delivery",
    "contract_create",
    "contract_mark_delivered",
    "contract_record_payment",
    "next_contract_number",
]
