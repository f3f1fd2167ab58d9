"""What the sales services share: roles, the contract's allowed state moves, locking and
money parsing."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

from django.utils import timezone
from django.utils.translation import gettext as _

from shouhou.catalog import inputs
from shouhou.core.errors import (
    InvalidTransition,
    NotFoundError,
    PermissionDeniedError,
)
from shouhou.org import roles as r

from .. import selectors
from ..models import Contract

WRITER_ROLES = tuple(sorted(r.OFFICE_ROLES | {r.MERCHANT_ADMIN}))


S = Contract.Status


# Which action is allowed from which status (anything else raises InvalidTransition).
ALLOWED_FROM = {
    "record_payment": {S.DRAFT, S.CONFIRMED, S.DELIVERED},
    "change_delivery": {S.DRAFT, S.CONFIRMED},
    "mark_delivered": {S.CONFIRMED},
    "cancel": {S.DRAFT, S.CONFIRMED},
}


def _require_writer(by, roles=WRITER_ROLES) -> int:
    r.require_role(by, *roles)
    if not getattr(by, "organisation_id", None):
        raise PermissionDeniedError(
            _("Only a member of an organisation can do this."), code="no_organisation"
        )
    if selectors.merchant_limited(by) and not by.merchant_id:
        raise PermissionDeniedError(
            _("A merchant administrator needs a merchant on their account."), code="no_merchant"
        )
    return by.organisation_id


def _today() -> dt.date:
    return timezone.localdate()


def _lock_visible(by, contract) -> Contract:
    """The contract locked for update; one the user may not see is not found."""
    pk = contract.pk if isinstance(contract, Contract) else inputs.as_id(contract)
    row = (
        selectors.contract_visible_qs(user=by).select_for_update().filter(pk=pk).first()
        if pk
        else None
    )
    if row is None:
        raise NotFoundError()
    return row


def _check_status(contract: Contract, action: str) -> None:
    if contract.status not in ALLOWED_FROM[action]:
        raise InvalidTransition(
            _("Not possible for a contract that is %(status)s.")
            % {"status": contract.get_status_display()}
        )


def _yuan(amount: Decimal) -> str:
    return f"¥{amount:,.2f}"
