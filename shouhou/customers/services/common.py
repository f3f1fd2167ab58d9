"""What the customer services share: who may edit or see a customer, locking, the archive
clock and the checks of phones, store, merchant and gender."""

from __future__ import annotations

import datetime as dt

from django.utils import timezone
from django.utils.translation import gettext as _

from shouhou.core.audit import snapshot
from shouhou.core.errors import (
    NotFoundError,
    PermissionDeniedError,
)
from shouhou.org.roles import CUSTOMER_EDITORS, MERCHANT_ADMIN, require_role

from .. import selectors
from ..models import Customer

# Who writes customer archives (docs/roles.md): the intake roles (clerks, supervisors, the
# manager, call centre, service desk), sales (a contract starts the archive, seed 002) and a
# merchant admin for its own; finance, administration, the workshop and the managers above the
# customer-service manager read only.
EDITOR_ROLES = tuple(sorted(CUSTOMER_EDITORS | {MERCHANT_ADMIN}))


def _require_editor(by, *, in_intake: bool = False) -> None:
    # A technician reporting a job they got directly registers its new customer through the
    # intake (which has checked their role): the same validation, no editing rights otherwise.
    if not in_intake:
        require_role(by, *EDITOR_ROLES)
    if getattr(by, "organisation_id", None) is None:
        raise PermissionDeniedError(
            _("Only a member of an organisation can register customers."),
            code="no_organisation",
        )


def _require_visible(by, customer: Customer) -> None:
    """A customer the user may not see is answered as "not found" (ids do not leak)."""
    if (
        customer.organisation_id != by.organisation_id
        or not selectors.customer_visible_qs(user=by).filter(pk=customer.pk).exists()
    ):
        raise NotFoundError(_("No such customer."))


def _lock(customer: Customer) -> Customer:
    return Customer.objects.select_for_update().get(pk=customer.pk)


def _check_gender(gender, errors: dict) -> str:
    gender = gender or ""
    if gender not in Customer.Gender.values:
        errors["gender"] = [_("Choose male, female or unknown.")]
    return gender


def _customer_snapshot(customer: Customer) -> dict:
    data = snapshot(customer)
    address = customer.addresses.order_by("-is_default", "id").first()
    data["address"] = str(address) if address else ""
    data["other_phones"] = sorted(customer.phones.values_list("number", flat=True))
    return data


def _today() -> dt.date:
    return timezone.localdate()
