"""Every write of the lost-property routine (seed 004 三; 2.2.4, 2.3.3). Each function is one
audited transaction; a state change is a guarded update from the state that was read (0 rows:
someone else changed it first, InvalidTransition). Signatures are the logged-in person with the
right role, recorded with the time.

Roles: the desk (客服员, service desk, supervisors, duty manager) registers, announces, lists,
takes items back and archives; a security guard receives the end-of-day list; the customer-
service supervisor or the duty manager checks a valuable and signs its release; the head of
security keeps valuables; the customer-service supervisor and the loss-prevention supervisor —
two different people — sign a disposal; administration records how it was disposed of.
"""

from __future__ import annotations

import datetime as dt
import io
import re
import uuid
from decimal import Decimal

from django.core.files.base import ContentFile
from django.db import IntegrityError, transaction
from django.db.models import Max
from django.utils import timezone
from django.utils.translation import gettext as _

from shouhou.core.audit import audit_record, diff, snapshot
from shouhou.core.dates import add_months
from shouhou.core.errors import (
    InvalidTransition,
    NotFoundError,
    PermissionDeniedError,
    ValidationFailed,
)
from shouhou.core.money import to_money
from shouhou.core.phones import normalise_phone
from shouhou.org import roles as r
from shouhou.org.models import Store
from shouhou.workdays.services import add_working_days

from .models import (
    Category,
    DisposalMethod,
    EndOfDayList,
    FinderKind,
    IdType,
    LostFoundSettings,
    LostItem,
    LostItemPhoto,
    LostItemReminder,
)

S = LostItem.Status
DESK_ROLES = (r.CLERK, r.SERVICE_DESK, r.CS_SUPERVISOR, r.CS_MANAGER, r.DUTY_MANAGER)
VALUABLE_ROLES = (r.CS_SUPERVISOR, r.DUTY_MANAGER)
GUARD_ROLES = (r.SECURITY, r.SECURITY_HEAD)
KEEPER_ROLES = (r.SECURITY_HEAD,)
MOVE_ROLES = (*DESK_ROLES, r.SECURITY, r.SECURITY_HEAD)
ARCHIVE_ROLES = (r.CLERK, r.SERVICE_DESK, r.CS_SUPERVISOR)
CS_SIGN_ROLES = (r.CS_SUPERVISOR,)
LP_SIGN_ROLES = (r.LP_SUPERVISOR,)
DISPOSE_ROLES = (r.ADMINISTRATION,)
READ_ROLES = (
    *MOVE_ROLES,
    r.LP_SUPERVISOR,
    r.ADMINISTRATION,
    r.STORE_MANAGER,
    r.VP_OPERATIONS,
    r.GENERAL_MANAGER,
)
OPEN = (S.AT_DESK, S.OVERNIGHT, S.BACK_AT_DESK, S.ARCHIVE_DUE, S.ARCHIVED, S.VALUABLE_KEPT,
        S.DISPOSAL_DUE)  # fmt: skip
CLOSED = (S.DISPOSED, S.CLAIMED)
EDITABLE = tuple(s for s in OPEN if s != S.DISPOSAL_DUE)
# Which action is allowed from which state (anything else raises InvalidTransition).
ALLOWED_FROM = {
    "edit": set(EDITABLE),
    "announce": {S.AT_DESK, S.BACK_AT_DESK},
    "photo": set(EDITABLE),
    "check_valuable": {S.AT_DESK, S.OVERNIGHT, S.BACK_AT_DESK},
    "keep": {S.AT_DESK, S.OVERNIGHT, S.BACK_AT_DESK, S.ARCHIVE_DUE, S.ARCHIVED},
    "move": {S.OVERNIGHT},
    "archive": {S.ARCHIVE_DUE},
    "sign_disposal": {S.DISPOSAL_DUE},
    "dispose": {S.DISPOSAL_DUE},
    "claim": set(OPEN),
}
SIDES = {"cs": CS_SIGN_ROLES, "lp": LP_SIGN_ROLES}

settings_for = LostFoundSettings.for_org


# --- helpers --------------------------------------------------------------------------------


def _now(now=None) -> dt.datetime:
    return now or timezone.now()


def _org_id(by) -> int:
    org_id = getattr(by, "organisation_id", None)
    if not org_id:
        raise PermissionDeniedError(
            _("Only a member of an organisation can do this."), code="no_organisation"
        )
    return org_id


def _require(by, *roles) -> int:
    r.require_role(by, *roles)
    return _org_id(by)


def _at_store(by, store_id: int) -> None:
    """A person attached to a store acts on that store's items only."""
    if getattr(by, "store_id", None) and by.store_id != store_id:
        raise PermissionDeniedError(
            _("This item belongs to another store's service desk."), code="other_store"
        )


def _store(by, store) -> Store:
    pk = getattr(store, "pk", store) or getattr(by, "store_id", None)
    try:
        pk = int(pk)
    except (TypeError, ValueError):
        pk = 0
    row = Store.objects.filter(organisation_id=_org_id(by), pk=pk, is_active=True).first()
    if row is None:
        raise ValidationFailed(fields={"store": [_("Choose the store whose desk has the item.")]})
    _at_store(by, row.pk)
    return row


def _lock(by, item) -> LostItem:
    pk = getattr(item, "pk", item)
    try:
        pk = int(pk)
    except (TypeError, ValueError):
        raise NotFoundError() from None
    row = (
        LostItem.objects.select_for_update()
        .filter(organisation_id=getattr(by, "organisation_id", None), pk=pk)
        .first()
    )
    if row is None:
        raise NotFoundError()
    return row


def _check(item: LostItem, action: str) -> None:
    if item.status not in ALLOWED_FROM[action]:
        if item.status in CLOSED:
            raise InvalidTransition(
                _("This item is %(status)s; its record is closed.")
                % {"status": item.get_status_display()},
                code="item_closed",
            )
        raise InvalidTransition(
            _("Not possible for an item that is %(status)s.")
            % {"status": item.get_status_display()}
        )


def _move(item: LostItem, action: str, new_status: str | None, *, by, now, **values) -> LostItem:
    """Guarded update from the state we read, audited with the states before and after."""
    _check(item, action)
    before = snapshot(item)
    values["updated_at"] = now
    if new_status:
        values["status"] = new_status
    if not LostItem.objects.filter(pk=item.pk, status=item.status).update(**values):
        raise InvalidTransition(_("The item changed meanwhile; please reload."))
    item.refresh_from_db()
    old, new = diff(before, snapshot(item))
    audit_record(actor=by, action=f"shouhou.lost_item.{action}", obj=item, before=old, after=new)
    return item


def _text(value, field, errors, *, max_length, required=True) -> str:
    text = (value or "").strip() if isinstance(value, str) or value is None else str(value)
    if required and not text:
        errors.setdefault(field, []).append(_("This field is required."))
    elif len(text) > max_length:
        errors.setdefault(field, []).append(_("At most %(n)s characters.") % {"n": max_length})
    return text


def _choice(value, field, choices, errors) -> str:
    if value not in choices.values:
        errors.setdefault(field, []).append(_("Choose one of the options."))
        return ""
    return value


def _amount(value, field, errors) -> Decimal | None:
    if value in (None, ""):
        return None
    try:
        amount = to_money(value)
    except ValueError as exc:
        errors.setdefault(field, []).append(str(exc))
        return None
    if amount < 0:
        errors.setdefault(field, []).append(_("The amount cannot be negative."))
        return None
    return amount


def _phone(value, field, errors, *, required) -> str:
    if not (value or "").strip():
        if required:
            errors.setdefault(field, []).append(_("A phone number is required."))
        return ""
    try:
        return normalise_phone(value)
    except ValueError as exc:
        errors.setdefault(field, []).append(str(exc))
        return ""


def _raise(errors: dict) -> None:
    if errors:
        raise ValidationFailed(_("Some fields are not valid."), fields=errors)


def due_dates(found_on: dt.date, organisation) -> tuple[dt.date, dt.date]:
    """(to security on, disposal due on): calendar days unless the organisation counts working
    days (then the archive period is working days and the disposal day a working day)."""
    cfg = settings_for(organisation)
    disposal = add_months(found_on, cfg.disposal_after_months)
    if cfg.count_working_days:
        return (
            add_working_days(found_on, cfg.archive_after_days, organisation),
            add_working_days(disposal, 0, organisation),
        )
    return found_on + dt.timedelta(days=cfg.archive_after_days), disposal


def _new_number(org_id: int, day: dt.date) -> str:
    prefix = f"LF{day:%Y%m%d}-"
    last = (
        LostItem.objects.filter(organisation_id=org_id, number__startswith=prefix)
        .order_by("-number")
        .values_list("number", flat=True)
        .first()
    )
    n = int(last.rsplit("-", 1)[1]) + 1 if last else 1
    return f"{prefix}{n:03d}"


# Resident ID numbers (GB 11643): 17 digits and a check character.
_ID_WEIGHTS = (7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2)
_ID_CHECK = "10X98765432"


def resident_id_valid(number: str) -> bool:
    if not re.fullmatch(r"\d{17}[\dX]", number):
        return False
    total = sum(int(d) * w for d, w in zip(number[:17], _ID_WEIGHTS, strict=True))
    return _ID_CHECK[total % 11] == number[17]


def mask_id(number: str) -> str:
    """Only a masked copy is stored: the first 3 and last 4 characters of a long number."""
    if len(number) >= 10:
        return number[:3] + "*" * (len(number) - 7) + number[-4:]
    return "*" * max(len(number) - 2, 0) + number[-2:]


def _id_number(id_type: str, raw, errors) -> str:
    number = re.sub(r"\s", "", str(raw or "")).upper()
    if not number:
        errors.setdefault("id_number", []).append(_("The ID number is required."))
        return ""
    if id_type == IdType.RESIDENT_ID and not resident_id_valid(number):
        errors.setdefault("id_number", []).append(
            _("This is not a valid resident ID number (18 characters, checked).")
        )
        return ""
    if not re.fullmatch(r"[0-9A-Z()\-]{5,30}", number):
        errors.setdefault("id_number", []).append(_("This is not a valid document number."))
        return ""
    return mask_id(number)


# --- registering ----------------------------------------------------------------------------


def _item_fields(data: dict, errors: dict, *, now, partial: bool) -> dict:
    out = {}
    if not partial or "category" in data:
        out["category"] = _choice(data.get("category"), "category", Category, errors)
    if not partial or "description" in data:
        out["description"] = _text(data.get("description"), "description", errors, max_length=2000)
    if not partial or "found_place" in data:
        out["found_place"] = _text(data.get("found_place"), "found_place", errors, max_length=100)
    if not partial or "finder_kind" in data:
        out["finder_kind"] = _choice(data.get("finder_kind"), "finder_kind", FinderKind, errors)
    if not partial or "finder_name" in data:
        out["finder_name"] = _text(data.get("finder_name"), "finder_name", errors, max_length=50)
    if not partial or "finder_phone" in data:
        out["finder_phone"] = _phone(
            data.get("finder_phone"), "finder_phone", errors, required=False
        )
    if not partial or "estimated_value" in data:
        out["estimated_value"] = _amount(data.get("estimated_value"), "estimated_value", errors)
    if not partial or "found_at" in data:
        found_at = data.get("found_at") or (None if partial else now)
        if isinstance(found_at, str):
            from django.utils.dateparse import parse_datetime

            parsed = parse_datetime(found_at)
            found_at = parsed
        if not isinstance(found_at, dt.datetime):
            errors.setdefault("found_at", []).append(_("Enter the date and time it was found."))
        else:
            if timezone.is_naive(found_at):
                found_at = timezone.make_aware(found_at)
            if found_at > now + dt.timedelta(minutes=5):
                errors.setdefault("found_at", []).append(_("This time is in the future."))
            out["found_at"] = found_at
            out["found_on"] = timezone.localdate(found_at)
    return out


def item_register(
    *,
    by,
    store=None,
    category,
    description,
    found_place,
    finder_kind,
    finder_name,
    found_at=None,
    finder_phone: str = "",
    is_valuable: bool = False,
    estimated_value=None,
    announcement: str = "",
    now=None,
) -> LostItem:
    """Register an item handed in (2.2.4); with an announcement text it was announced now."""
    org_id = _require(by, *DESK_ROLES)
    now = _now(now)
    errors: dict = {}
    try:
        store_row = _store(by, store)
    except ValidationFailed as exc:
        errors.update(exc.fields)
        store_row = None
    fields = _item_fields(
        {
            "category": category,
            "description": description,
            "found_place": found_place,
            "finder_kind": finder_kind,
            "finder_name": finder_name,
            "finder_phone": finder_phone,
            "estimated_value": estimated_value,
            "found_at": found_at,
        },
        errors,
        now=now,
        partial=False,
    )
    announcement = _text(announcement, "announcement", errors, max_length=300, required=False)
    _raise(errors)
    archive_on, disposal_on = due_dates(fields["found_on"], org_id)
    for _attempt in range(5):
        try:
            with transaction.atomic():
                item = LostItem.objects.create(
                    organisation_id=org_id,
                    store=store_row,
                    number=_new_number(org_id, fields["found_on"]),
                    received_by=by,
                    is_valuable=bool(is_valuable),
                    announcement=announcement,
                    announced_at=now if announcement else None,
                    archive_due_on=archive_on,
                    disposal_due_on=disposal_on,
                    **fields,
                )
                audit_record(
                    actor=by,
                    action="shouhou.lost_item.registered",
                    obj=item,
                    after={"status": item.status, **snapshot(item)},
                )
                return item
        except IntegrityError:
            continue  # the same number taken at the same moment: take the next one
    raise InvalidTransition(_("Please try again."))


def item_update(*, by, item, now=None, **data) -> LostItem:
    """Correct what was registered; a claimed or disposed item cannot be edited."""
    _require(by, *DESK_ROLES)
    now = _now(now)
    with transaction.atomic():
        item = _lock(by, item)
        _at_store(by, item.store_id)
        _check(item, "edit")
        errors: dict = {}
        fields = _item_fields(data, errors, now=now, partial=True)
        if "is_valuable" in data:
            fields["is_valuable"] = bool(data["is_valuable"])
            if item.is_valuable and not fields["is_valuable"] and item.status == S.VALUABLE_KEPT:
                errors.setdefault("is_valuable", []).append(
                    _("The head of security keeps this valuable; it stays a valuable.")
                )
        _raise(errors)
        if "found_on" in fields and fields["found_on"] != item.found_on:
            fields["archive_due_on"], fields["disposal_due_on"] = due_dates(
                fields["found_on"], item.organisation_id
            )
        before = snapshot(item)
        for k, v in fields.items():
            setattr(item, k, v)
        if fields.get("is_valuable") is False:
            item.valuable_checked_by, item.valuable_checked_at = None, None
        item.save()
        old, new = diff(before, snapshot(item))
        if new:
            audit_record(
                actor=by, action="shouhou.lost_item.edited", obj=item, before=old, after=new
            )
        return item


def item_announce(*, by, item, text, now=None) -> LostItem:
    """The desk announced it over the store's PA (广播通知认领)."""
    _require(by, *DESK_ROLES)
    errors: dict = {}
    text = _text(text, "announcement", errors, max_length=300)
    _raise(errors)
    with transaction.atomic():
        item = _lock(by, item)
        _at_store(by, item.store_id)
        now = _now(now)
        return _move(item, "announce", None, by=by, now=now, announced_at=now, announcement=text)


PHOTO_FORMATS = {"JPEG": "jpg", "PNG": "png", "WEBP": "webp"}
PHOTO_TYPES = {"jpg": "image/jpeg", "png": "image/png", "webp": "image/webp"}
MAX_PHOTO_BYTES = 10 * 1024 * 1024
MAX_PHOTOS = 6


def photo_content(image) -> ContentFile:
    from PIL import Image, UnidentifiedImageError

    if image is None or not getattr(image, "size", None):
        raise ValidationFailed(fields={"image": [_("Choose a photo.")]})
    bad = ValidationFailed(
        fields={"image": [_("Only JPEG, PNG or WebP pictures of at most 10 MB.")]}
    )
    if image.size > MAX_PHOTO_BYTES:
        raise bad
    image.seek(0)
    data = image.read(MAX_PHOTO_BYTES + 1)
    try:
        with Image.open(io.BytesIO(data)) as im:
            fmt = im.format
            im.verify()
    except (UnidentifiedImageError, Image.DecompressionBombError, OSError, SyntaxError,
            ValueError) as exc:  # fmt: skip
        raise bad from exc
    if fmt not in PHOTO_FORMATS:
        raise bad
    return ContentFile(data, name=f"{uuid.uuid4().hex}.{PHOTO_FORMATS[fmt]}")


def item_add_photo(*, by, item, image, now=None) -> LostItemPhoto:
    _require(by, *DESK_ROLES)
    content = photo_content(image)
    with transaction.atomic():
        item = _lock(by, item)
        _at_store(by, item.store_id)
        _check(item, "photo")
        if item.photos.count() >= MAX_PHOTOS:
            raise ValidationFailed(
                fields={"image": [_("At most %(n)s photos per item.") % {"n": MAX_PHOTOS}]}
            )
        photo = LostItemPhoto(organisation_id=item.organisation_id, item=item, uploaded_by=by)
        photo.image.save(content.name, content, save=False)
        photo.save()
        audit_record(
            actor=by,
            action="shouhou.lost_item.photo_added",
            obj=item,
            after={"photo": photo.image.name},
        )
        return photo


# --- valuables (三.5) --------------------------------------------------------------------------


def item_check_valuable(*, by, item, now=None) -> LostItem:
    """The customer-service supervisor or the duty manager checks and signs for a valuable."""
    _require(by, *VALUABLE_ROLES)
    with transaction.atomic():
        item = _lock(by, item)
        if not item.is_valuable:
            raise InvalidTransition(_("Only a valuable needs this signature."))
        if item.valuable_checked_at:
            raise InvalidTransition(_("This valuable is checked and signed already."))
        now = _now(now)
        return _move(
            item,
            "check_valuable",
            None,
            by=by,
            now=now,
            valuable_checked_by=by,
            valuable_checked_at=now,
        )


def item_keep_valuable(*, by, item, now=None) -> LostItem:
    """The head of security takes a checked valuable into keeping."""
    _require(by, *KEEPER_ROLES)
    with transaction.atomic():
        item = _lock(by, item)
        if not item.is_valuable:
            raise InvalidTransition(_("Only a valuable is kept by the head of security."))
        if not item.valuable_checked_at:
            raise InvalidTransition(
                _("The supervisor or the duty manager must check and sign for it first."),
                code="valuable_not_checked",
            )
        now = _now(now)
        return _move(item, "keep", S.VALUABLE_KEPT, by=by, now=now, keeper=by, kept_at=now)


# --- end of day (三.1–2) and next morning (三.3) --------------------------------------------


def _unlisted(org_id: int, store_id: int, day: dt.date):
    return LostItem.objects.filter(
        organisation_id=org_id,
        store_id=store_id,
        day_list__isnull=True,
        found_on__lte=day,
        status__in=(S.AT_DESK, S.VALUABLE_KEPT),
    )


def day_list_create(*, by, store=None, day=None, now=None) -> EndOfDayList:
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


def day_list_receive(*, by, day_list, now=None) -> EndOfDayList:
    """The security guard signs for the list's items; they are stored with security."""
    org_id = _require(by, *GUARD_ROLES)
    now = _now(now)
    with transaction.atomic():
        pk = getattr(day_list, "pk", day_list)
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


def item_move_to_desk(*, by, item, now=None) -> LostItem:
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


def items_move_to_desk(*, by, items, now=None) -> list[LostItem]:
    """Several at once (the morning's tick list); all or nothing."""
    with transaction.atomic():
        return [item_move_to_desk(by=by, item=i, now=now) for i in items]


# --- archive (三.4) and disposal (三.6) ------------------------------------------------------


def item_archive(*, by, item, location: str = "", now=None) -> LostItem:
    """Unclaimed after the archive period: placed with security and archived by the clerk."""
    _require(by, *ARCHIVE_ROLES)
    errors: dict = {}
    location = _text(location, "location", errors, max_length=60)
    _raise(errors)
    with transaction.atomic():
        item = _lock(by, item)
        _at_store(by, item.store_id)
        now = _now(now)
        return _move(
            item,
            "archive",
            S.ARCHIVED,
            by=by,
            now=now,
            archived_by=by,
            archived_at=now,
            archive_location=location,
        )


def item_sign_disposal(*, by, item, side: str, now=None) -> LostItem:
    """One of the two disposal signatures: `side` "cs" (customer-service supervisor) or "lp"
    (loss-prevention supervisor). The same person cannot give both."""
    if side not in SIDES:
        raise ValidationFailed(fields={"side": [_("Choose one of the options.")]})
    _require(by, *SIDES[side])
    with transaction.atomic():
        item = _lock(by, item)
        other = item.lp_signed_by_id if side == "cs" else item.cs_signed_by_id
        mine = item.cs_signed_at if side == "cs" else item.lp_signed_at
        _check(item, "sign_disposal")
        if mine:
            raise InvalidTransition(_("This signature is given already."), code="signed_already")
        if other == by.pk:
            raise ValidationFailed(
                _("The two disposal signatures must come from two different people."),
                code="same_signer",
            )
        now = _now(now)
        values = (
            {"cs_signed_by": by, "cs_signed_at": now}
            if side == "cs"
            else {"lp_signed_by": by, "lp_signed_at": now}
        )
        return _move(item, "sign_disposal", None, by=by, now=now, **values)


def item_dispose(*, by, item, method, proceeds=None, note: str = "", now=None) -> LostItem:
    """Administration records how the item was disposed of, once both have signed."""
    _require(by, *DISPOSE_ROLES)
    errors: dict = {}
    method = _choice(method, "method", DisposalMethod, errors)
    note = _text(note, "note", errors, max_length=200, required=False)
    amount = _amount(proceeds, "proceeds", errors)
    if method == DisposalMethod.SOLD and amount is None and "proceeds" not in errors:
        errors.setdefault("proceeds", []).append(_("Record what the sale brought in."))
    if method and method != DisposalMethod.SOLD and amount is not None:
        errors.setdefault("proceeds", []).append(_("Proceeds are recorded for a sale only."))
    _raise(errors)
    with transaction.atomic():
        item = _lock(by, item)
        _check(item, "dispose")
        if not (item.cs_signed_at and item.lp_signed_at):
            raise InvalidTransition(
                _(
                    "Both the customer-service supervisor and the loss-prevention supervisor "
                    "must sign first."
                ),
                code="signatures_missing",
            )
        now = _now(now)
        return _move(
            item,
            "dispose",
            S.DISPOSED,
            by=by,
            now=now,
            disposed_by=by,
            disposed_at=now,
            disposal_method=method,
            disposal_proceeds=amount,
            disposal_note=note,
        )


# --- claim ------------------------------------------------------------------------------------


def item_claim(
    *,
    by,
    item,
    claimant_name,
    claimant_phone,
    id_type,
    id_number,
    claim_description,
    description_matches: bool,
    signature,
    now=None,
) -> LostItem:
    """The owner claims the item at the desk of the store that holds it: a matching description,
    an identity check (the number is stored masked), a valid phone and the owner's signature.
    A valuable is released by the customer-service supervisor or the duty manager, whose
    signature this is. The record closes wherever the item was."""
    _require(by, *DESK_ROLES)
    errors: dict = {}
    name = _text(claimant_name, "claimant_name", errors, max_length=50)
    phone = _phone(claimant_phone, "claimant_phone", errors, required=True)
    id_type = _choice(id_type, "id_type", IdType, errors)
    masked = _id_number(id_type, id_number, errors) if id_type else ""
    description = _text(claim_description, "claim_description", errors, max_length=2000)
    signature = _text(signature, "signature", errors, max_length=50)
    if not description_matches:
        errors.setdefault("description_matches", []).append(
            _("The owner's description must match the item before it is handed over.")
        )
    _raise(errors)
    with transaction.atomic():
        item = _lock(by, item)
        if by.store_id != item.store_id:
            raise PermissionDeniedError(
                _("An item is claimed at the service desk of the store that holds it."),
                code="other_store",
            )
        _check(item, "claim")
        values = {}
        if item.is_valuable:
            if not r.has_role(by, *VALUABLE_ROLES):
                raise PermissionDeniedError(
                    _(
                        "A valuable is released with the signature of the customer-service "
                        "supervisor or the duty manager."
                    ),
                    code="release_signature_needed",
                )
            values["release_signed_by"] = by
        now = _now(now)
        return _move(
            item,
            "claim",
            S.CLAIMED,
            by=by,
            now=now,
            claimant_name=name,
            claimant_phone=phone,
            claimant_id_type=id_type,
            claimant_id_masked=masked,
            claim_description=description,
            claimant_signature=signature,
            claim_handled_by=by,
            claimed_at=now,
            claimed_from=item.status,
            **values,
        )


def reminder_done(*, by, reminder, now=None) -> LostItemReminder:
    """The desk or the manager has seen to a reminder."""
    org_id = _require(by, *DESK_ROLES, r.STORE_MANAGER, r.LP_SUPERVISOR, r.ADMINISTRATION)
    with transaction.atomic():
        row = (
            LostItemReminder.objects.select_for_update()
            .filter(organisation_id=org_id, pk=getattr(reminder, "pk", reminder))
            .first()
        )
        if row is None:
            raise NotFoundError()
        if row.done_at:
            return row
        row.done_at = _now(now)
        row.save(update_fields=["done_at", "updated_at"])
        audit_record(
            actor=by, action="shouhou.lost_item_reminder.done", obj=row,
            after={"done_at": row.done_at},
        )  # fmt: skip
        return row
