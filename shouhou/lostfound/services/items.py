"""Registering a found item: its fields, number, photos, announcement and the valuables check."""

from __future__ import annotations

import datetime as dt
import io
import re
import uuid
from decimal import Decimal
from typing import TYPE_CHECKING, Any, TypedDict

from django.core.files import File
from django.core.files.base import ContentFile
from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.dateparse import parse_datetime
from django.utils.translation import gettext as _

from shouhou.core.audit import audit_record, diff, snapshot
from shouhou.core.dates import add_months
from shouhou.core.errors import (
    InvalidTransition,
    ValidationFailed,
)
from shouhou.org import roles as r
from shouhou.workdays.services import add_working_days

from ..models import (
    Category,
    FinderKind,
    IdType,
    LostFoundSettings,
    LostItem,
    LostItemPhoto,
)
from .common import (
    DESK_ROLES,
    VALUABLE_ROLES,
    S,
    _amount,
    _at_store,
    _check,
    _choice,
    _lock,
    _move,
    _now,
    _phone,
    _raise,
    _require,
    _store,
    _text,
)
from .identity import mask_id, resident_id_valid

if TYPE_CHECKING:
    from shouhou.org.models import Organisation, User

KEEPER_ROLES = (r.SECURITY_HEAD,)


class ItemFields(TypedDict, total=False):
    """The checked fields of an item, as written to it."""

    category: str
    description: str
    found_place: str
    finder_kind: str
    finder_name: str
    finder_phone: str
    estimated_value: Decimal | None
    found_at: dt.datetime
    found_on: dt.date
    is_valuable: bool
    archive_due_on: dt.date
    disposal_due_on: dt.date


settings_for = LostFoundSettings.for_org


def due_dates(found_on: dt.date, organisation: Organisation | int) -> tuple[dt.date, dt.date]:
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


def _id_number(id_type: str, raw: object, errors: dict[str, list[str]]) -> str:
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


def _item_fields(
    data: dict[str, Any], errors: dict[str, list[str]], *, now: dt.datetime, partial: bool
) -> ItemFields:
    out: ItemFields = {}
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
    by: User,
    store: object = None,
    category: object,
    description: object,
    found_place: object,
    finder_kind: object,
    finder_name: object,
    found_at: dt.datetime | str | None = None,
    finder_phone: str = "",
    is_valuable: bool = False,
    estimated_value: object = None,
    announcement: object = "",
    now: dt.datetime | None = None,
) -> LostItem:
    """Register an item handed in (2.2.4); with an announcement text it was announced now."""
    org_id = _require(by, *DESK_ROLES)
    now = _now(now)
    errors: dict[str, list[str]] = {}
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
    text = _text(announcement, "announcement", errors, max_length=300, required=False)
    _raise(errors)
    assert store_row is not None  # refused above
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
                    announcement=text,
                    announced_at=now if text else None,
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


def item_update(
    *, by: User, item: LostItem | int, now: dt.datetime | None = None, **data: Any
) -> LostItem:
    """Correct what was registered; a claimed or disposed item cannot be edited."""
    _require(by, *DESK_ROLES)
    now = _now(now)
    with transaction.atomic():
        row = _lock(by, item)
        _at_store(by, row.store_id)
        _check(row, "edit")
        errors: dict[str, list[str]] = {}
        fields = _item_fields(data, errors, now=now, partial=True)
        if "is_valuable" in data:
            fields["is_valuable"] = bool(data["is_valuable"])
            if row.is_valuable and not fields["is_valuable"] and row.status == S.VALUABLE_KEPT:
                errors.setdefault("is_valuable", []).append(
                    _("The head of security keeps this valuable; it stays a valuable.")
                )
        _raise(errors)
        if "found_on" in fields and fields["found_on"] != row.found_on:
            fields["archive_due_on"], fields["disposal_due_on"] = due_dates(
                fields["found_on"], row.organisation_id
            )
        before = snapshot(row)
        for k, v in fields.items():
            setattr(row, k, v)
        if fields.get("is_valuable") is False:
            row.valuable_checked_by, row.valuable_checked_at = None, None
        row.save()
        old, new = diff(before, snapshot(row))
        if new:
            audit_record(
                actor=by, action="shouhou.lost_item.edited", obj=row, before=old, after=new
            )
        return row


def item_announce(
    *, by: User, item: LostItem | int, text: object, now: dt.datetime | None = None
) -> LostItem:
    """The desk announced it over the store's PA (广播通知认领)."""
    _require(by, *DESK_ROLES)
    errors: dict[str, list[str]] = {}
    announcement = _text(text, "announcement", errors, max_length=300)
    _raise(errors)
    with transaction.atomic():
        row = _lock(by, item)
        _at_store(by, row.store_id)
        now = _now(now)
        return _move(
            row, "announce", None, by=by, now=now, announced_at=now, announcement=announcement
        )


PHOTO_FORMATS = {"JPEG": "jpg", "PNG": "png", "WEBP": "webp"}


PHOTO_TYPES = {"jpg": "image/jpeg", "png": "image/png", "webp": "image/webp"}


MAX_PHOTO_BYTES = 10 * 1024 * 1024


MAX_PHOTOS = 6


def photo_content(image: File[bytes] | None) -> ContentFile[bytes]:
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


def item_add_photo(
    *, by: User, item: LostItem | int, image: File[bytes] | None, now: dt.datetime | None = None
) -> LostItemPhoto:
    _require(by, *DESK_ROLES)
    content = photo_content(image)
    with transaction.atomic():
        row = _lock(by, item)
        _at_store(by, row.store_id)
        _check(row, "photo")
        if row.photos.count() >= MAX_PHOTOS:
            raise ValidationFailed(
                fields={"image": [_("At most %(n)s photos per item.") % {"n": MAX_PHOTOS}]}
            )
        photo = LostItemPhoto(organisation_id=row.organisation_id, item=row, uploaded_by=by)
        photo.image.save(content.name or "", content, save=False)
        photo.save()
        audit_record(
            actor=by,
            action="shouhou.lost_item.photo_added",
            obj=row,
            after={"photo": photo.image.name},
        )
        return photo


def item_check_valuable(
    *, by: User, item: LostItem | int, now: dt.datetime | None = None
) -> LostItem:
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


def item_keep_valuable(
    *, by: User, item: LostItem | int, now: dt.datetime | None = None
) -> LostItem:
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
