"""Money between the brand and the dealer: finance's write-off notice for approved repair records,
the dealer's confirmation, and the dealer's ledger (goods charged, payments received)."""

from __future__ import annotations

import datetime as dt
from typing import TYPE_CHECKING

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from shouhou.core.audit import audit_record, snapshot
from shouhou.core.errors import (
    InvalidTransition,
    ValidationFailed,
)
from shouhou.org import roles as r

from .. import access as A
from ..models import (
    ZERO,
    LedgerEntry,
    RepairRecord,
    WriteOffNotice,
)
from .common import S, _money, _next_number, _own, _text

if TYPE_CHECKING:
    from shouhou.org.models import Dealer, User


def writeoff_issue(
    *, by: User, dealer: Dealer | int, now: dt.datetime | None = None
) -> WriteOffNotice:
    """Finance issues the notice for every approved record of the dealer not yet on one."""
    dealer = A.dealer_get(by, dealer)
    A.require(by, A.FINANCE)
    org_id = r.require_organisation(by)
    now = now or timezone.now()
    with transaction.atomic():
        records = list(
            RepairRecord.objects.select_for_update().filter(
                organisation_id=org_id,
                dealer=dealer,
                status=S.APPROVED,
                notice__isnull=True,
            )
        )
        if not records:
            raise ValidationFailed(
                _("This dealer has no approved repair record to write off."),
                code="nothing_to_write_off",
            )
        notice = WriteOffNotice.objects.create(
            organisation_id=org_id,
            number=_next_number(WriteOffNotice, org_id, f"HX{timezone.localtime(now):%Y%m}-"),
            dealer=dealer,
            amount=sum((r.total_cost for r in records), ZERO),
            issued_at=now,
            issued_by=by,
        )
        RepairRecord.objects.filter(pk__in=[r.pk for r in records]).update(notice=notice)
        audit_record(
            actor=by,
            action="shouhou.writeoff_notice.issued",
            obj=notice,
            after={**snapshot(notice), "records": [r.number for r in records]},
        )
    return notice


def writeoff_confirm(
    *, by: User, notice: WriteOffNotice | int, now: dt.datetime | None = None
) -> WriteOffNotice:
    """The dealer confirms the notice; the amount is deducted from what the dealer owes (四.6).
    Finance may record a confirmation the dealer gave in writing."""
    now = now or timezone.now()
    with transaction.atomic():
        notice = _own(WriteOffNotice, by, notice)
        A.require_dealer_or(by, notice.dealer, A.FINANCE)
        if notice.confirmed_at is not None:
            raise InvalidTransition(_("This notice is confirmed already."))
        before = snapshot(notice)
        notice.confirmed_at = now
        notice.confirmed_by = by
        notice.save(update_fields=["confirmed_at", "confirmed_by", "updated_at"])
        LedgerEntry.objects.create(
            organisation_id=notice.organisation_id,
            dealer=notice.dealer,
            on=timezone.localtime(now).date(),
            kind=LedgerEntry.Kind.WRITE_OFF,
            amount=-notice.amount,
            description=_("Write-off notice %(number)s") % {"number": notice.number},
            notice=notice,
            created_by=by,
        )
        notice.records.update(status=S.WRITTEN_OFF)
        audit_record(
            actor=by,
            action="shouhou.writeoff_notice.confirmed",
            obj=notice,
            before=before,
            after=snapshot(notice),
        )
    return notice


def ledger_post(
    *,
    by: User,
    dealer: Dealer | int,
    kind: str,
    amount: object,
    on: dt.date | None,
    description: str,
) -> LedgerEntry:
    """Finance books goods charged to the dealer or a payment received."""
    dealer = A.dealer_get(by, dealer)
    A.require(by, A.FINANCE)
    org_id = r.require_organisation(by)
    errors: dict[str, list[str]] = {}
    if kind not in (LedgerEntry.Kind.CHARGE, LedgerEntry.Kind.PAYMENT):
        errors["kind"] = [_("Choose goods charged or payment received.")]
    value = _money(amount, "amount", errors)
    if "amount" not in errors and value <= 0:
        errors["amount"] = [_("The amount must be more than zero.")]
    description = _text(description, "description", errors, _("Describe the entry."))
    if on is None:
        errors["on"] = [_("Give the date.")]
    if errors:
        raise ValidationFailed(fields=errors)
    assert on is not None  # refused above
    with transaction.atomic():
        entry = LedgerEntry.objects.create(
            organisation_id=org_id,
            dealer=dealer,
            on=on,
            kind=kind,
            amount=value if kind == LedgerEntry.Kind.CHARGE else -value,
            description=description,
            created_by=by,
        )
        audit_record(
            actor=by, action="shouhou.dealer_ledger.posted", obj=entry, after=snapshot(entry)
        )
    return entry
