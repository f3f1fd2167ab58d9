"""Reads of the lost-property routine, limited to the caller's organisation (and, for the
desk's own lists, to a store). `items_to_move` and `items_unlisted_today` are what the front
desk's shift handover shows."""

from __future__ import annotations

import datetime as dt

from django.db.models import Q, QuerySet
from django.utils import timezone
from django.utils.translation import gettext as _

from shouhou.core.errors import NotFoundError
from shouhou.core.middleware import organisation_scope
from shouhou.org import roles as r
from shouhou.org.models import Organisation, Store

from . import services
from .models import EndOfDayList, LostItem, LostItemPhoto, LostItemReminder

S = LostItem.Status


def can_read(user) -> bool:
    return bool(getattr(user, "organisation_id", None)) and r.has_role(user, *services.READ_ROLES)


def _base(user) -> QuerySet[LostItem]:
    if not can_read(user):
        return LostItem.objects.none()
    return LostItem.objects.filter(organisation_id=user.organisation_id).select_related(
        "store", "received_by", "day_list"
    )


def stores_for(user) -> QuerySet[Store]:
    qs = Store.objects.filter(
        organisation_id=getattr(user, "organisation_id", None), is_active=True
    )
    if getattr(user, "store_id", None):
        qs = qs.filter(pk=user.store_id)
    return qs.order_by("name")


def store_for(user, store_id=None) -> Store | None:
    """The store whose desk the page shows: the user's own, else the one asked for, else the
    organisation's first."""
    stores = stores_for(user)
    if store_id:
        try:
            return stores.filter(pk=int(store_id)).first()
        except (TypeError, ValueError):
            return None
    return stores.first()


def item_list(
    *, user, status: str | None = None, store=None, found_on=None, q: str = ""
) -> QuerySet[LostItem]:
    qs = _base(user)
    if status == "open":
        qs = qs.filter(status__in=services.OPEN)
    elif status:
        qs = qs.filter(status=status)
    if store:
        qs = qs.filter(store_id=getattr(store, "pk", store))
    if found_on:
        qs = qs.filter(found_on=found_on)
    if q:
        qs = qs.filter(
            Q(number__icontains=q) | Q(description__icontains=q) | Q(found_place__icontains=q)
        )
    return qs.order_by("-found_at", "-id")


def item_get(*, user, pk) -> LostItem:
    try:
        pk = int(pk)
    except (TypeError, ValueError):
        raise NotFoundError() from None
    item = _base(user).filter(pk=pk).first()
    if item is None:
        raise NotFoundError()
    return item


def photo_get(*, user, pk):
    if not can_read(user):
        raise NotFoundError()
    photo = LostItemPhoto.objects.filter(organisation_id=user.organisation_id, pk=pk).first()
    if photo is None:
        raise NotFoundError()
    return photo


def day_list_list(*, user, store=None) -> QuerySet[EndOfDayList]:
    if not can_read(user):
        return EndOfDayList.objects.none()
    qs = EndOfDayList.objects.filter(organisation_id=user.organisation_id).select_related(
        "store", "clerk_signed_by", "guard_signed_by"
    )
    if store:
        qs = qs.filter(store_id=getattr(store, "pk", store))
    return qs.order_by("-day", "-seq", "-id")


def day_list_get(*, user, pk) -> EndOfDayList:
    row = day_list_list(user=user).filter(pk=pk).first()
    if row is None:
        raise NotFoundError()
    return row


# --- for the front desk's shift handover ------------------------------------------------------


def items_to_move(*, store, on_date: dt.date) -> QuerySet[LostItem]:
    """Items stored with security overnight from a list of an earlier day, not yet taken back
    to the desk on `on_date` (三.3)."""
    return LostItem.objects.filter(
        store_id=getattr(store, "pk", store), status=S.OVERNIGHT, day_list__day__lt=on_date
    ).order_by("found_at", "id")


def items_unlisted_today(*, store, on_date: dt.date) -> QuerySet[LostItem]:
    """Items of `on_date` (or earlier) at the desk and on no end-of-day list yet."""
    return LostItem.objects.filter(
        store_id=getattr(store, "pk", store),
        day_list__isnull=True,
        found_on__lte=on_date,
        status__in=(S.AT_DESK, S.VALUABLE_KEPT),
    ).order_by("found_at", "id")


def moves_late(*, store, now=None) -> bool:
    """After the organisation's hour, yesterday's items still not at the desk are late."""
    now = now or timezone.now()
    cfg = services.settings_for(getattr(store, "organisation_id", None))
    local = timezone.localtime(now)
    return local.time() >= cfg.move_back_by


# --- the supervisors' and security's lists ------------------------------------------------


def valuables_to_check(*, user) -> QuerySet[LostItem]:
    return _base(user).filter(
        is_valuable=True, valuable_checked_at__isnull=True, status__in=services.OPEN
    )


def valuables_to_keep(*, user) -> QuerySet[LostItem]:
    return _base(user).filter(
        is_valuable=True,
        valuable_checked_at__isnull=False,
        status__in=(S.AT_DESK, S.OVERNIGHT, S.BACK_AT_DESK, S.ARCHIVE_DUE, S.ARCHIVED),
    )


def disposal_batch(*, user) -> QuerySet[LostItem]:
    return _base(user).filter(status=S.DISPOSAL_DUE).order_by("disposal_due_on", "id")


def security_holds(*, user) -> QuerySet[LostItem]:
    return (
        _base(user)
        .filter(
            status__in=(S.OVERNIGHT, S.ARCHIVE_DUE, S.ARCHIVED, S.VALUABLE_KEPT, S.DISPOSAL_DUE)
        )
        .order_by("status", "found_at")
    )


def lists_to_receive(*, user) -> QuerySet[EndOfDayList]:
    return day_list_list(user=user).filter(guard_signed_at__isnull=True)


def reminders_open(*, user, store=None) -> QuerySet[LostItemReminder]:
    if not can_read(user):
        return LostItemReminder.objects.none()
    qs = LostItemReminder.objects.filter(
        organisation_id=user.organisation_id, done_at__isnull=True
    ).select_related("store")
    if store:
        qs = qs.filter(store_id=getattr(store, "pk", store))
    return qs.order_by("-day", "kind", "id")


# --- public -----------------------------------------------------------------------------------


def public_found_items(*, org_code: str, store_code: str) -> tuple[Store, list[dict]]:
    """The public page's store (by the organisation's and the store's codes) and its found
    items; the organisation named by the code is the scope of everything read."""
    org = Organisation.objects.filter(code=org_code).first()
    with organisation_scope(org):
        store = Store.objects.filter(code=store_code, is_active=True).first() if org else None
        if store is None:
            raise NotFoundError()
        return store, public_items(store=store)


def public_items(*, store) -> list[dict]:
    """What a customer may see: category, day found and place — nothing about any person."""
    rows = LostItem.objects.filter(store=store, status__in=services.OPEN).order_by("-found_on")
    labels = dict(LostItem._meta.get_field("category").choices)
    return [
        {"category": labels.get(c, c), "found_on": d, "found_place": p}
        for c, d, p in rows.values_list("category", "found_on", "found_place")[:200]
    ]


def dashboard_cards(*, user) -> list[dict]:
    from django.urls import reverse

    if not can_read(user):
        return []
    today = timezone.localdate()
    cards = []
    if r.has_role(user, *services.DESK_ROLES):
        store = store_for(user)
        if store is not None:
            unlisted = items_unlisted_today(store=store, on_date=today).count()
            to_move = items_to_move(store=store, on_date=today).count()
            cards.append(
                {
                    "label": _("Lost items to move to the desk"),
                    "value": to_move,
                    "url": reverse("lostfound:desk"),
                    "alert": bool(to_move) and moves_late(store=store),
                }
            )
            cards.append(
                {
                    "label": _("Lost items not on a list"),
                    "value": unlisted,
                    "url": reverse("lostfound:list_new"),
                    "alert": False,
                }
            )
    if r.has_role(user, *services.VALUABLE_ROLES, *services.LP_SIGN_ROLES, r.ADMINISTRATION,
                  r.STORE_MANAGER):  # fmt: skip
        due = disposal_batch(user=user).count() + valuables_to_check(user=user).count()
        cards.append(
            {
                "label": _("Lost-property signatures due"),
                "value": due,
                "url": reverse("lostfound:supervisor"),
                "alert": bool(due),
            }
        )
    return cards
