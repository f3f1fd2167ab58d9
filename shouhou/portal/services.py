"""What a customer does on the self-service page: ask for service for something they bought
(through the hotline's own intake: the same validation and one-problem-one-order joining),
send photos, stop messages."""

from __future__ import annotations

import datetime as dt

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from shouhou.core.audit import audit_record
from shouhou.core.errors import InvalidTransition, ValidationFailed
from shouhou.customers.models import OwnedProduct
from shouhou.notify.services import customer_opt_out
from shouhou.roster.services import appointment_customer_confirm
from shouhou.workorders.models import Kind, Source, WorkOrder
from shouhou.workorders.services import (
    IntakeResult,
    workorder_customer_reschedule,
    workorder_intake,
)

from . import selectors
from .models import AppointmentMove, PortalSettings, RequestPhoto

MAX_PHOTO_BYTES = 8 * 1024 * 1024
PHOTO_FORMATS = {"JPEG", "PNG", "WEBP"}
KINDS = (Kind.REPAIR, Kind.INSTALLATION, Kind.MAINTENANCE)


def _check_photo(f) -> None:
    from PIL import Image, UnidentifiedImageError

    if f.size > MAX_PHOTO_BYTES:
        raise ValidationFailed(fields={"photos": [_("A photo may be at most 8 MB.")]})
    try:
        f.seek(0)
        with Image.open(f) as img:
            fmt = img.format
            img.verify()
    except (UnidentifiedImageError, OSError, SyntaxError) as exc:
        raise ValidationFailed(fields={"photos": [_("This file is not a photo.")]}) from exc
    finally:
        f.seek(0)
    if fmt not in PHOTO_FORMATS:
        raise ValidationFailed(fields={"photos": [_("Send a JPEG, PNG or WebP photo.")]})


def portal_request_submit(
    *,
    order: WorkOrder,
    owned_product=None,
    kind: str = Kind.REPAIR,
    description: str,
    photos=(),
    now: dt.datetime | None = None,
) -> IntakeResult:
    """A service request from the customer of the link's order, for one of their own products;
    a request about a problem already open joins that order (as on the hotline)."""
    now = now or timezone.now()
    errors: dict = {}
    description = (description or "").strip()
    if not description:
        errors["description"] = [_("Tell us what is wrong.")]
    elif len(description) > 1000:
        errors["description"] = [_("At most 1000 characters.")]
    if kind not in KINDS:
        errors["kind"] = [_("Unknown kind of service.")]
    product = None
    if owned_product not in (None, ""):
        pk = getattr(owned_product, "pk", owned_product)
        product = (
            OwnedProduct.objects.select_related("contract_line")
            .filter(customer_id=order.customer_id, pk=pk)
            .first()
            if str(pk).isdigit()
            else None
        )
        if product is None:
            errors["product"] = [_("Choose one of your products.")]
    photos = list(photos or [])
    limit = PortalSettings.for_org(order.organisation_id).max_photos
    if len(photos) > limit:
        errors["photos"] = [_("At most %(n)d photos.") % {"n": limit}]
    if errors:
        raise ValidationFailed(fields=errors)
    for f in photos:
        _check_photo(f)
    contract = None
    if product is not None and product.contract_line_id:
        contract = product.contract_line.contract
    with transaction.atomic():
        result = workorder_intake(
            by=None,
            organisation=order.organisation,
            source=Source.SELF_SERVICE,
            kind=kind,
            description=description,
            customer=order.customer,
            store=order.store,
            product=product.product if product else None,
            product_model=product.model if product else None,
            contract=contract,
            now=now,
        )
        for f in photos:
            photo = RequestPhoto(organisation_id=order.organisation_id, order=result.order)
            photo.image.save(f.name or "photo.jpg", f, save=False)
            photo.save()
            audit_record(
                actor=None,
                action="shouhou.portal.photo_added",
                obj=photo,
                after={"order": result.order.pk, "image": photo.image.name},
            )
    return result


def portal_appointment_confirm(*, order: WorkOrder, now: dt.datetime | None = None):
    """The customer says the agreed time suits them (once is enough)."""
    now = now or timezone.now()
    if selectors.appointment_for(order, now) is None:
        raise InvalidTransition(_("This order has no appointment to confirm."))
    return appointment_customer_confirm(order=order, now=now)


def portal_appointment_move(
    *, order: WorkOrder, starts_at, reason: str = "", now: dt.datetime | None = None
) -> WorkOrder:
    """The customer moves the appointment to one of the offered times, within the page's
    rules (how many moves, until when); the roster refuses a time the technician is away or
    booked. One transaction: the order, its window, the callbacks that follow it and the move
    counted here."""
    now = now or timezone.now()
    view = selectors.appointment_for(order, now)
    if view is None:
        raise InvalidTransition(_("This order has no appointment to move."))
    if not view["can_move"]:
        raise InvalidTransition(view["why_not"])
    if isinstance(starts_at, str):
        try:
            starts_at = dt.datetime.fromisoformat(starts_at)
        except ValueError:
            starts_at = None
    if starts_at is not None and timezone.is_naive(starts_at):
        starts_at = timezone.make_aware(starts_at)
    if starts_at is None or starts_at not in selectors.move_slots(order, now):
        raise ValidationFailed(fields={"starts_at": [_("Choose one of the times offered.")]})
    reason = (reason or "").strip()[:200]
    with transaction.atomic():
        was = view["starts_at"]
        try:
            moved = workorder_customer_reschedule(order=order, appointment_at=starts_at, now=now)
        except ValidationFailed as exc:
            # the roster's reason (leave, another booking) is the staff's business
            raise ValidationFailed(
                fields={"starts_at": [_("That time is no longer free; please choose another.")]}
            ) from exc
        AppointmentMove.objects.create(
            organisation_id=order.organisation_id,
            order=order,
            from_at=was,
            to_at=starts_at,
            reason=reason,
            at=now,
        )
    return moved


def portal_opt_out(*, order: WorkOrder, opted_out: bool = True, now=None):
    """The customer of the link's order wants no more messages (or wants them again)."""
    return customer_opt_out(customer=order.customer, opted_out=opted_out, now=now)
