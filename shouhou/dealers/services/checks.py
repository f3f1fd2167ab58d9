"""The brand's checks of a dealer: stocking plans and spot checks."""

from __future__ import annotations

import datetime as dt
from typing import TYPE_CHECKING

from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from shouhou.core.audit import audit_record, snapshot
from shouhou.core.errors import (
    DuplicateError,
    ValidationFailed,
)
from shouhou.org import roles as r

from .. import access as A
from ..models import (
    SpotCheck,
    StockingPlan,
)
from .common import _text

if TYPE_CHECKING:
    from shouhou.org.models import Dealer, User


def stocking_plan_record(
    *,
    by: User,
    dealer: Dealer | int,
    season_start: dt.date | None,
    items: str,
    submitted_on: dt.date | None = None,
) -> StockingPlan:
    """The dealer's parts stocking plan for a season (due `stocking_plan_days` before it, 二.7)."""
    dealer = A.dealer_get(by, dealer)
    A.require_dealer_or(by, dealer, A.OFFICE)
    org_id = r.require_organisation(by)
    submitted_on = submitted_on or timezone.localdate()
    errors: dict[str, list[str]] = {}
    items = _text(items, "items", errors, _("List the parts and quantities."))
    if season_start is None:
        errors["season_start"] = [_("Give the day the season starts.")]
    if errors:
        raise ValidationFailed(fields=errors)
    assert season_start is not None  # refused above
    try:
        with transaction.atomic():
            plan = StockingPlan.objects.create(
                organisation_id=org_id,
                dealer=dealer,
                season_start=season_start,
                submitted_on=submitted_on,
                items=items,
                created_by=by,
            )
            audit_record(
                actor=by, action="shouhou.stocking_plan.recorded", obj=plan, after=snapshot(plan)
            )
    except IntegrityError:
        raise DuplicateError(
            fields={"season_start": [_("This season's plan is recorded already.")]}
        ) from None
    return plan


def spot_check_record(
    *,
    by: User,
    dealer: Dealer | int,
    checked_on: dt.date | None,
    records_checked: int | str | None,
    findings: str,
) -> SpotCheck:
    """The sales representative's spot check of the dealer's repair records (四.5)."""
    dealer = A.dealer_get(by, dealer)
    A.require(by, A.SPOT_CHECKERS)
    org_id = r.require_organisation(by)
    errors: dict[str, list[str]] = {}
    findings = _text(findings, "findings", errors, _("Write down the findings."))
    if checked_on is None:
        errors["checked_on"] = [_("Give the day of the check.")]
    elif checked_on > timezone.localdate():
        errors["checked_on"] = [_("This day is in the future.")]
    try:
        n = int(records_checked or 0)
        if n < 0:
            raise ValueError
    except (TypeError, ValueError):
        errors["records_checked"] = [_("A whole number, zero or more.")]
        n = 0
    if errors:
        raise ValidationFailed(fields=errors)
    assert checked_on is not None  # refused above
    with transaction.atomic():
        check = SpotCheck.objects.create(
            organisation_id=org_id,
            dealer=dealer,
            checked_on=checked_on,
            checked_by=by,
            records_checked=n,
            findings=findings,
        )
        audit_record(
            actor=by, action="shouhou.spot_check.recorded", obj=check, after=snapshot(check)
        )
    return check
