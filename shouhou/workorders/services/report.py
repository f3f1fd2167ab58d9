"""The service report: work done, parts, fee, photos, old parts, the customer's signature, the fee
handed in.
"""

from __future__ import annotations

import base64
import binascii
import io
import uuid
from decimal import Decimal

from django.core.files.base import ContentFile
from django.db import transaction
from django.utils.translation import gettext as _

from shouhou.core.audit import audit_record, snapshot
from shouhou.core.errors import (
    Conflict,
    InvalidTransition,
    PermissionDeniedError,
    ValidationFailed,
)
from shouhou.core.money import to_money
from shouhou.org import roles as r

from .. import signals, states
from ..models import (
    ReportPart,
    ReportPhoto,
    ServiceReport,
    WorkOrder,
)
from .common import _lock, _now, _reply_fields, _require_actor, _same_org, _transition

MAX_SIGNATURE_BYTES = 300_000


def workorder_complete(
    *,
    by,
    order,
    findings: str,
    work_done: str,
    parts: list[dict] | None = None,
    fee=Decimal("0.00"),
    fee_approval: str = "",
    steps_done: list[str] | None = None,
    now=None,
) -> WorkOrder:
    """The work is done; the service report is written (the customer signs afterwards)."""
    now = _now(now)
    _require_actor(by, order)
    with transaction.atomic():
        order = _lock(order)
        states.check("complete", order.status)
        signals.workorder_completing.publish(
            sender=WorkOrder, order=order, fee=fee, parts=parts, steps_done=steps_done, by=by
        )
        _report_write(
            order,
            by=by,
            findings=findings,
            work_done=work_done,
            parts=parts,
            fee=fee,
            fee_approval=fee_approval,
            steps_done=steps_done,
        )
        order = _transition(
            order,
            "complete",
            by=by,
            now=now,
            updates={"completed_at": now, "needs_revisit": False, **_reply_fields(order, now)},
        )
        # The call after the service (within N working days), unless the order asks for none.
        signals.workorder_completed.publish(sender=WorkOrder, order=order, completed_at=now, by=by)
        return order


def _report_write(order, *, by, findings, work_done, parts, fee, fee_approval, steps_done):
    errors: dict = {}
    if not (work_done or "").strip():
        errors["work_done"] = [_("Say what was done.")]
    try:
        fee = to_money(fee if fee not in (None, "") else "0")
        if fee < 0:
            raise ValueError(_("The amount cannot be negative."))
    except ValueError as exc:
        errors["fee"] = [str(exc)]
        fee = Decimal("0")
    fee_approval = (fee_approval or "").strip()
    if fee > 0 and not fee_approval:
        errors["fee_approval"] = [
            _("No fee may be charged except approved paid service: give the approval.")
        ]
    from ..checklist import STEP_CODES

    steps = list(dict.fromkeys(steps_done or []))
    if any(s not in STEP_CODES for s in steps):
        errors["steps_done"] = [_("Unknown service step.")]
    clean_parts = []
    for i, p in enumerate(parts or []):
        name = str(p.get("name", "")).strip()
        reason = str(p.get("reason", "")).strip()
        try:
            qty = int(p.get("quantity", 0))
        except (TypeError, ValueError):
            qty = 0
        if not name or qty <= 0 or not reason:
            errors[f"parts.{i}"] = [_("Each part needs a name, a quantity above 0 and a reason.")]
        clean_parts.append((name, qty, reason, bool(p.get("return_old", True))))
    if errors:
        raise ValidationFailed(fields=errors)
    report, _created = ServiceReport.objects.get_or_create(
        order=order, defaults={"organisation_id": order.organisation_id, "created_by": by}
    )
    if report.is_signed:
        raise Conflict(_("The report was signed and cannot be changed."), code="report_signed")
    report.findings, report.work_done = findings or "", work_done
    report.fee, report.fee_approval, report.steps_done = fee, fee_approval, steps
    report.save()
    # Old parts the warehouse has already received stay on record; the rest is replaced.
    report.parts.filter(old_returned_at__isnull=True).delete()
    ReportPart.objects.bulk_create(
        [
            ReportPart(
                organisation_id=order.organisation_id,
                report=report,
                name=n,
                quantity=q,
                reason=rsn,
                return_old=ret,
            )
            for n, q, rsn, ret in clean_parts
        ]
    )
    audit_record(
        actor=by, action="shouhou.service_report.written", obj=report, after=snapshot(report)
    )
    return report


def service_report_update(*, by, order, **fields) -> ServiceReport:
    """Correct the report before the customer signs it."""
    _require_actor(by, order)
    with transaction.atomic():
        order = _lock(order)
        if order.status not in (states.ON_SITE, states.DONE):
            raise InvalidTransition(_("The report can be written on site or after the work."))
        return _report_write(order, by=by, **fields)


PHOTO_FORMATS = {"JPEG": ("jpg", "image/jpeg"), "PNG": ("png", "image/png"),
                 "WEBP": ("webp", "image/webp")}  # fmt: skip


MAX_PHOTO_BYTES = 10 * 1024 * 1024


MAX_PHOTOS_PER_REPORT = 20


PHOTO_STATES = {states.ON_SITE, states.WAITING_PARTS, states.DONE}


def _check_photo(image) -> ContentFile:
    """The upload as a JPEG, PNG or WebP picture of at most MAX_PHOTO_BYTES, under a name of
    our own (the customer's file name is never used as a path)."""
    from PIL import Image, UnidentifiedImageError

    if image is None or not getattr(image, "size", None):
        raise ValidationFailed(fields={"image": [_("Choose a photo.")]})
    if image.size > MAX_PHOTO_BYTES:
        raise ValidationFailed(
            fields={
                "image": [
                    _("The photo is larger than %(mb)s MB.") % {"mb": MAX_PHOTO_BYTES // 2**20}
                ]
            }
        )
    image.seek(0)
    data = image.read(MAX_PHOTO_BYTES + 1)
    not_a_picture = ValidationFailed(
        fields={"image": [_("Only JPEG, PNG or WebP pictures can be uploaded.")]}
    )
    if len(data) > MAX_PHOTO_BYTES:
        raise not_a_picture
    try:
        with Image.open(io.BytesIO(data)) as im:
            fmt = im.format
            im.verify()
    except (UnidentifiedImageError, Image.DecompressionBombError, OSError, SyntaxError,
            ValueError) as exc:  # fmt: skip
        raise not_a_picture from exc
    if fmt not in PHOTO_FORMATS:
        raise not_a_picture
    return ContentFile(data, name=f"{uuid.uuid4().hex}.{PHOTO_FORMATS[fmt][0]}")


def service_report_add_photo(*, by, order, image, caption: str = "", now=None) -> ReportPhoto:
    """A photo of the work, taken on site or after it, before the customer signs."""
    _require_actor(by, order)
    caption = (caption or "").strip()
    if len(caption) > 100:
        raise ValidationFailed(fields={"caption": [_("At most 100 characters.")]})
    content = _check_photo(image)
    with transaction.atomic():
        order = _lock(order)
        if order.status not in PHOTO_STATES:
            raise InvalidTransition(
                _("Photos are added on site or after the work, before the customer signs."),
                code="photo_not_now",
            )
        report = ServiceReport.objects.filter(order=order).first()
        if report is None:
            report = ServiceReport.objects.create(
                organisation_id=order.organisation_id, order=order, created_by=by
            )
        if report.is_signed:
            raise Conflict(_("The report was signed and cannot be changed."), code="report_signed")
        if report.photos.count() >= MAX_PHOTOS_PER_REPORT:
            raise ValidationFailed(
                fields={
                    "image": [_("At most %(n)s photos per report.") % {"n": MAX_PHOTOS_PER_REPORT}]
                },
                code="too_many_photos",
            )
        photo = ReportPhoto(
            organisation_id=order.organisation_id,
            report=report,
            caption=caption,
            uploaded_by=by if getattr(by, "is_authenticated", False) else None,
        )
        photo.image.save(content.name or "photo", content, save=False)
        try:
            photo.save(force_insert=True)
            audit_record(
                actor=by,
                action="shouhou.service_report.photo_added",
                obj=report,
                after={"photo": photo.image.name, "caption": caption},
            )
        except Exception:
            photo.image.delete(save=False)
            raise
        return photo


# Old parts (旧件) ------------------------------------------------------------------------------
OLD_PART_ROLES = {r.WAREHOUSE_KEEPER}


ORDER_FINISHED = {states.DONE, states.CONFIRMED, states.CLOSED}


def report_part_receive_old(
    *,
    by,
    part: ReportPart,
    quantity: int | None = None,
    condition: str = "",
    note: str = "",
    now=None,
) -> ReportPart:
    """The warehouse keeper received the packed old part the technician brought back."""
    now = _now(now)
    _same_org(by, part)
    r.require_role(by, *OLD_PART_ROLES)
    note = (note or "").strip()
    errors: dict = {}
    try:
        quantity = part.quantity if quantity in (None, "") else int(quantity)
    except (TypeError, ValueError):
        quantity = 0
    if not 1 <= quantity <= part.quantity:
        errors["quantity"] = [
            _("Between 1 and %(n)s (the quantity replaced).") % {"n": part.quantity}
        ]
    elif quantity < part.quantity and not note:
        errors["note"] = [_("Say why fewer old parts came back than were replaced.")]
    if condition and condition not in ReportPart.OldCondition.values:
        errors["condition"] = [_("Unknown condition.")]
    if errors:
        raise ValidationFailed(fields=errors)
    with transaction.atomic():
        part = ReportPart.objects.select_related("report__order").get(pk=part.pk)
        order = part.report.order
        if not part.return_old:
            raise InvalidTransition(
                _("This part was not to be returned."), code="not_to_be_returned"
            )
        if order.status not in ORDER_FINISHED or order.completed_at is None:
            raise InvalidTransition(
                _("The work on this order is not finished yet."), code="not_finished"
            )
        n = ReportPart.objects.filter(pk=part.pk, old_returned_at__isnull=True).update(
            old_returned_at=now,
            old_received_by=by,
            old_returned_quantity=quantity,
            old_condition=condition,
            old_return_note=note,
        )
        if n == 0:
            raise Conflict(_("This old part was already received."), code="already_received")
        part.refresh_from_db()
        audit_record(
            actor=by,
            action="shouhou.report_part.old_received",
            obj=order,
            after={
                "part": part.name,
                "quantity": quantity,
                "condition": condition,
                "received_at": now,
            },
            note=note,
        )
        return part


def _check_signature(data_url: str) -> str:
    prefix = "data:image/png;base64,"
    if not data_url or not data_url.startswith(prefix):
        raise ValidationFailed(fields={"signature": [_("Draw the signature.")]})
    try:
        raw = base64.b64decode(data_url[len(prefix) :], validate=True)
    except (binascii.Error, ValueError) as exc:
        raise ValidationFailed(
            fields={"signature": [_("The signature is not a picture.")]}
        ) from exc
    if not raw.startswith(b"\x89PNG\r\n\x1a\n"):
        raise ValidationFailed(fields={"signature": [_("The signature is not a picture.")]})
    if len(raw) > MAX_SIGNATURE_BYTES:
        raise ValidationFailed(fields={"signature": [_("The signature picture is too large.")]})
    return data_url


def workorder_sign(
    *,
    by,
    order,
    signer_name: str,
    signature: str = "",
    via: str = ServiceReport.SignedVia.DRAWN,
    now=None,
) -> WorkOrder:
    """The customer confirms the finished work. Only after completion, only once, never changed.

    `via="link"`: the customer confirmed through the signed progress link (`by` is None; the
    view has checked the link); otherwise the drawn signature is a PNG data URL.
    """
    now = _now(now)
    if via == ServiceReport.SignedVia.DRAWN:
        _require_actor(by, order)
        signature = _check_signature(signature)
    elif by is not None:
        raise PermissionDeniedError()
    signer_name = (signer_name or "").strip()
    if not signer_name:
        raise ValidationFailed(fields={"signer_name": [_("Who signs?")]})
    with transaction.atomic():
        order = _lock(order)
        report = ServiceReport.objects.filter(order=order).first()
        if report is not None and report.is_signed:
            raise Conflict(
                _("The customer has already signed; a signature cannot be changed."),
                code="already_signed",
            )
        states.check("sign", order.status)
        if report is None:
            raise InvalidTransition(_("There is no service report to sign."), code="no_report")
        signals.workorder_signing.publish(sender=WorkOrder, order=order, report=report, by=by)
        n = ServiceReport.objects.filter(pk=report.pk, signed_at__isnull=True).update(
            signature=signature, signer_name=signer_name, signed_at=now, signed_via=via
        )
        if n == 0:
            raise Conflict(
                _("The customer has already signed; a signature cannot be changed."),
                code="already_signed",
            )
        report.refresh_from_db()
        audit_record(
            actor=by,
            action="shouhou.service_report.signed",
            obj=report,
            after={"signer_name": signer_name, "signed_at": now, "signed_via": via},
        )
        order = _transition(order, "sign", by=by, now=now, updates={"confirmed_at": now})
        signals.workorder_signed.publish(sender=WorkOrder, order=order, report=report, by=by)
        return order


def service_fee_hand_in(*, by, order, now=None) -> ServiceReport:
    """Finance received the approved paid-service fee."""
    now = _now(now)
    _same_org(by, order)
    r.require_role(by, r.FINANCE)
    with transaction.atomic():
        report = ServiceReport.objects.filter(order=order).first()
        if report is None or report.fee <= 0:
            raise InvalidTransition(_("No fee was charged on this order."), code="no_fee")
        n = ServiceReport.objects.filter(pk=report.pk, fee_handed_in_at__isnull=True).update(
            fee_handed_in_at=now
        )
        if n == 0:
            raise Conflict(_("The fee was already handed in."), code="already_handed_in")
        report.refresh_from_db()
        audit_record(actor=by, action="shouhou.service_report.fee_handed_in", obj=report)
        return report
