"""The security guards' day lists, received by the desk, and moving items to the desk."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable
from typing import TYPE_CHECKING

from django.db import transaction
from django.db.models import Max, QuerySet
from django.utils import timezone
from django.utils.translation import gettext as _

from shouhou.core.audit import audit_record
from shouhou.core.errors import (
    InvalidTransition,
    NotFoundError,
    ValidationFailed,
)
from shouhou.org import roles as r

from ..models import (
    EndOfDayList,
    LostItem,
    LostItemReminder,
)
from .common import DESK_ROLES, MOVE_ROLES, S, _at_store, _lock, _move, _now, _require, _store

if TYPE_CHECKING:
    from shouhou.org.models import User

GUARD_ROLES = (r.SECURITY, r.SECURITY_HEAD)


def _unlisted(org_id: int, store_id: int, day: dt.date) -> QuerySet[LostItem]:
    return LostItem.objects.filter(
        organisation_id=org_id,
        store_id=store_id,
        day_list__isnull=True,
        found_on__lte=day,
        status__in=(S.AT_DESK, S.VALUABLE_KEPT),
    )


def day_list_create(
    *,
    by: User,
    store: object = None,
    day: dt.date | None = None,
    now: dt.datetime | None = None,
) -> EndOfDayList:
    """After closing: the day's items not yet on a list go on the 顾客遗留物品清单, which the
    desk clerk signs. A valuable must be with the head of security first."""
    org_id = _require(by, *DESK_ROLES)
    now = _now(now)
    day = day or timezone.localdate(now)
    with transaction.atomic():
        store_row = _store(by, store)
        rows = list(_unlisted(org_id, store_row.pk, day).select_for_update().order_by("found_at"))
        if not rows:
            raise ValidationFailed(
                _("No item of the day is waiting for a list."), code="nothing_to_list"
            )
        loose = [i.number for i in rows if i.is_valuable and i.status != S.VALUABLE_KEPT]
        if loose:
            raise ValidationFailed(
                _("Valuables go to the head of security before the list: %(numbers)s.")
                % {"numbers": "、".join(loose)},
                code="valuable_not_kept",
            )
        seq = (
            EndOfDayList.objects.filter(organisation_id=org_id, store=store_row, day=day).aggregate(
                m=Max("seq")
            )["m"]
            or 0
        ) + 1
        day_list = EndOfDayList.objects.create(
            organisation_id=org_id,
            store=store_row,
            day=day,
            seq=seq,
            item_count=len(rows),
            clerk_signed_by=by,
            clerk_signed_at=now,
        )
        LostItem.objects.filter(pk__in=[i.pk for i in rows]).update(
            day_list=day_list, updated_at=now
        )
        audit_record(
            actor=by,
            action="shouhou.lost_item_list.clerk_signed",
            obj=day_list,
            after={"items": [i.number for i in rows], "item_count": len(rows)},
        )
        LostItemReminder.objects.filter(
            organisation_id=org_id, store=store_row, kind=LostItemReminder.Kind.NOT_LISTED,
            day__lte=day, done_at__isnull=True,
        ).update(done_at=now)  # fmt: skip
        return day_list


def day_list_receive(
    *, by: User, day_list: EndOfDayList | int, now: dt.datetime | None = None
) -> EndOfDayList:
    """The security guard signs for the list's items; they are stored with security."""
    org_id = _require(by, *GUARD_ROLES)
    now = _now(now)
    with transaction.atomic():
        pk = day_list if isinstance(day_list, int) else day_list.pk
        row = EndOfDayList.objects.select_for_update().filter(organisation_id=org_id, pk=pk).first()
        if row is None:
            raise NotFoundError()
        if row.guard_signed_at:
            raise InvalidTransition(_("Security has signed for this list already."))
        if row.clerk_signed_by_id == by.pk:
            raise ValidationFailed(
                _("The guard who receives the items cannot be the clerk who listed them."),
                code="same_signer",
            )
        row.guard_signed_by, row.guard_signed_at = by, now
        row.save(update_fields=["guard_signed_by", "guard_signed_at", "updated_at"])
        items = list(row.items.filter(status=S.AT_DESK))
        LostItem.objects.filter(pk__in=[i.pk for i in items], status=S.AT_DESK).update(
            status=S.OVERNIGHT, updated_at=now
        )
        audit_record(
            actor=by, action="shouhou.lost_item_list.guard_signed", obj=row,
            after={"guard_signed_at": now},
        )  # fmt: skip
        for i in items:
            audit_record(
                actor=by,
                action="shouhou.lost_item.stored_with_security",
                obj=i,
                before={"status": S.AT_DESK},
                after={"status": S.OVERNIGHT, "day_list": row.pk},
            )
        return row


def item_move_to_desk(
    *, by: User, item: LostItem | int, now: dt.datetime | None = None
) -> LostItem:
    """The early shift took the item back to the service desk for claiming (三.3)."""
    _require(by, *MOVE_ROLES)
    with transaction.atomic():
        item = _lock(by, item)
        _at_store(by, item.store_id)
        now = _now(now)
        item = _move(item, "move", S.BACK_AT_DESK, by=by, now=now, moved_by=by, moved_at=now)
        if not LostItem.objects.filter(
            store_id=item.store_id, status=S.OVERNIGHT, day_list__day__lt=timezone.localdate(now)
        ).exists():
            LostItemReminder.objects.filter(
                store_id=item.store_id, kind=LostItemReminder.Kind.NOT_MOVED,
                done_at__isnull=True,
            ).update(done_at=now)  # fmt: skip
        return item


def items_move_to_desk(
    *, by: User, items: Iterable[LostItem | int], now: dt.datetime | None = None
) -> list[LostItem]:
    """Several at once (the morning's tick list); all or nothing."""
    with transaction.atomic():
        return [item_move_to_desk(by=by, item=i, now=now) for i in items]
