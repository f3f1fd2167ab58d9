"""Every write to customers and their archives. Each function is one audited transaction.

Who may write: the customer editors (`roles.CUSTOMER_EDITORS`, docs/roles.md) and merchant
admins, for the customers they can see (`selectors.customer_visible_qs`); technicians and other field roles may not. A customer is
found by phone first: a number that already belongs to a customer of the organisation never
makes a second record (409 `DuplicateError` with `extra={"existing_id": pk}`).
"""

from __future__ import annotations

from ..defaults import DEFAULT_FAULTS, fault_categories_ensure_defaults
from .archive import (
    customer_complete_archive,
)
from .cases import (
    service_case_for,
    service_case_join,
)
from .common import (
    EDITOR_ROLES,
)
from .products import (
    customer_record_owned_product,
    warranty_until,
)
from .records import (
    archive_due_at,
    customer_add_address,
    customer_add_phone,
    customer_create,
    customer_update,
)

__all__ = [
    "DEFAULT_FAULTS",
    "fault_categories_ensure_defaults",
    "service_case_for",
    "service_case_join",
    "EDITOR_ROLES",
    "archive_due_at",
    "customer_add_address",
    "customer_add_phone",
    "customer_complete_archive",
    "customer_create",
    "customer_record_owned_product",
    "customer_update",
    "warranty_until",
]
