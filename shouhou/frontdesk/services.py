"""Every write of the front desk: the calls and letters log and its conversions, the language
guidance, the handover book, goods reservations and the returns register at the desk.

Each service is one transaction, checks the role and the organisation, moves state with a
guarded update (0 rows: someone else changed it first, 409) and records an audit event.
"""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

from django.db import IntegrityError, transaction
from django.db.models import F
from django.utils import timezone
from django.utils.translation import gettext as _

from shouhou.complaints import states as cs
from shouhou.complaints.models import Case
from shouhou.complaints.services import case_register
from shouhou.core.audit import audit_record, snapshot
from shouhou.core.errors import (
    InvalidTransition,
    NotFoundError,
    PermissionDeniedError,
    ValidationFailed,
)
from shouhou.core.money import to_money
from shouhou.core.phones import normalise_phone
from shouhou.customers.selectors import customer_find_by_phone
from shouhou.org import roles as r
from shouhou.workdays.services import add_working_hours
from shouhou.workorders import states as ws
from shouhou.workorders.models import Kind as WorkKind
from shouhou.workorders.models import Source
from shouhou.workorders.services import workorder_intake

from . import carryover, language
from .defaults import FORBIDDEN, PREFERRED
from .models import (
    Channel,
    Contact,
    ContactKind,
    ContactStatus,
    DeskReturn,
    FrontdeskSettings,
    Handover,
    HandoverStatus,
    LanguageWarning,
    Phrase,
    PhraseKind,
    Reservation,
    ReservationStatus,
    ReturnedTo,
    ReturnStatus,
    Shift,
)
from .signals import reservation_arrived

DESK_ROLES = {
    r.CLERK,
    r.CS_SUPERVISOR,
    r.CS_MANAGER,
    r.CALL_CENTRE,
    r.SERVICE_DESK,
    r.STORE_MANAGER,
}
MANAGER_ROLES = {r.CS_SUPERVISOR, r.CS_MANAGER, r.STORE_MANAGER, r.VP_OPERATIONS, r.GENERAL_MANAGER}

CONVERTIBLE = {ContactKind.SERVICE_REQUEST, ContactKind.COMPLAINT}


def _now(now=None) -> dt.datetime:
    return now or timezone.now()


def settings_for(organisation) -> FrontdeskSettings:
    return FrontdeskSettings.for_org(organisation)


def _require_desk(by) -> None:
    r.require_role(by, *DESK_ROLES)
    if not getattr(by, "organisation_id", None):
        raise PermissionDeniedError()


def _same_org(by, obj, field: str | None = None) -> None:
    if obj is not None and obj.organisation_id != by.organisation_id:
        if field:
            raise ValidationFailed(fields={field: [_("Not found.")]})
        raise NotFoundError()


def _move(model, obj, *, frm, to, by, action, **fields):
    """Guarded state change: `frm` the allowed states, `to` the new one."""
    if obj.status not in frm:
        raise InvalidTransition(
            _("Not possible while it is “%(state)s”.") % {"state": obj.get_status_display()}
        )
    before = snapshot(obj)
    n = model.objects.filter(pk=obj.pk, status=obj.status).update(status=to, **fields)
    if n == 0:
        raise InvalidTransition(_("Someone else changed it first; reload the page."))
    obj.refresh_from_db()
    audit_record(
        actor=by,
        action=action,
        obj=obj,
        before={"status": before["status"]},
        after={"status": to, **snapshot(obj, list(fields))},
    )
    return obj


# Language guidance ---------------------------------------------------------------------------


def phrases_ensure_defaults(organisation) -> None:
    """Copy the seed's phrases into the organisation once (editable afterwards)."""
    if Phrase.objects.filter(organisation=organisation).exists():
        return
    Phrase.objects.bulk_create(
        [
            Phrase(organisation=organisation, kind=kind, text=text, order=i * 10)
            for kind, texts in (
                (PhraseKind.FORBIDDEN, FORBIDDEN),
                (PhraseKind.PREFERRED, PREFERRED),
            )
            for i, text in enumerate(texts, start=1)
        ],
        ignore_conflicts=True,
    )


def _phrases(organisation_id, kind) -> list[str]:
    return list(
        Phrase.objects.filter(organisation_id=organisation_id, kind=kind, is_active=True)
        .order_by("order", "id")
        .values_list("text", flat=True)
    )


def phrases_for(organisation) -> dict:
    """The organisation's guidance: `{"forbidden": [...], "preferred": [...]}`."""
    phrases_ensure_defaults(organisation)
    org_id = getattr(organisation, "pk", organisation)
    return {
        "forbidden": _phrases(org_id, PhraseKind.FORBIDDEN),
        "preferred": _phrases(org_id, PhraseKind.PREFERRED),
    }


def language_check(*, organisation, text: str) -> dict:
    """`{"forbidden": [phrases found], "preferred": [what to say instead]}` (empty when clean)."""
    phrases_ensure_defaults(organisation)
    org_id = getattr(organisation, "pk", organisation)
    found = language.find_phrases(text, _phrases(org_id, PhraseKind.FORBIDDEN))
    if not found:
        return {"forbidden": [], "preferred": []}
    return {"forbidden": found, "preferred": _phrases(org_id, PhraseKind.PREFERRED)}


def language_note(*, by, where: str, obj, text: str, now=None) -> dict:
    """Check a text someone saves; a forbidden phrase is a warning (the text is saved), counted
    for the person and month. Returns what `language_check` returns."""
    result = language_check(organisation=by.organisation, text=text)
    if result["forbidden"]:
        LanguageWarning.objects.create(
            organisation_id=by.organisation_id,
            person=by,
            at=_now(now),
            where=where,
            object_id=getattr(obj, "pk", None),
            phrases=result["forbidden"],
            excerpt=(text or "")[:200],
        )
    return result


# Calls and letters ---------------------------------------------------------------------------


def _matter_root(contact: Contact) -> Contact:
    return contact.parent if contact.parent_id else contact


def _count_repeat(*, new: Contact, root: Contact | None) -> None:
    """`new` joined an open matter: link it to the matter's first contact and count it there."""
    new.joined_existing = True
    if root is not None and root.pk != new.pk:
        new.parent = root
        Contact.objects.filter(pk=root.pk).update(repeat_count=F("repeat_count") + 1)


def _first_contact_about(**link) -> Contact | None:
    return Contact.objects.filter(**link).order_by("received_at", "id").first()


def contact_log(
    *,
    by,
    channel: str,
    kind: str,
    subject: str,
    phone: str = "",
    caller_name: str = "",
    customer=None,
    store=None,
    hotline: str = "",
    answer: str = "",
    joins: Contact | None = None,
    convert: bool = False,
    work_kind: str = WorkKind.REPAIR,
    district: str = "",
    address_detail: str = "",
    received_at: dt.datetime | None = None,
    now=None,
) -> Contact:
    """Log a contact in time order (§3.5.1). With `answer` it is answered at once (§3.5.2);
    `joins`: the open contact this one is about again (counted there); `convert`: a service
    request becomes a work order, a complaint a complaint case, in the same step."""
    _require_desk(by)
    now = _now(now)
    errors: dict[str, list] = {}
    if channel not in Channel.values:
        errors["channel"] = [_("Unknown channel.")]
    if kind not in ContactKind.values:
        errors["kind"] = [_("Unknown kind of contact.")]
    if not (subject or "").strip():
        errors["subject"] = [_("Write down what the caller says.")]
    number = ""
    if (phone or "").strip():
        try:
            number = normalise_phone(phone)
        except ValueError as exc:
            errors["phone"] = [str(exc)]
    received_at = received_at or now
    if received_at > now + dt.timedelta(minutes=5):
        errors["received_at"] = [_("Cannot be in the future.")]
    _same_org(by, customer, "customer")
    _same_org(by, store, "store")
    if joins is not None:
        _same_org(by, joins, "joins")
        if not _is_open_matter(joins):
            errors["joins"] = [_("That matter is closed; log a new contact.")]
    if convert and kind not in CONVERTIBLE:
        errors["convert"] = [_("Only a service request or a complaint becomes an order or a case.")]
    if errors:
        raise ValidationFailed(fields=errors)
    store = store or getattr(by, "store", None)
    if customer is None and number:
        customer = customer_find_by_phone(user=by, phone=number)
    if not hotline and channel == Channel.HOTLINE and store is not None:
        hotline = store.hotline
    answer = (answer or "").strip()
    with transaction.atomic():
        contact = Contact(
            organisation_id=by.organisation_id,
            received_at=received_at,
            channel=channel,
            kind=kind,
            store=store,
            hotline=hotline,
            caller_name=(caller_name or (customer.name if customer else "")).strip(),
            phone=number or (customer.mobile if customer else ""),
            customer=customer,
            subject=subject.strip(),
            taken_by=by,
        )
        if joins is not None:
            root = _matter_root(joins)
            contact.work_order_id = root.work_order_id
            contact.case_id = root.case_id
            contact.customer = contact.customer or root.customer
            _count_repeat(new=contact, root=root)
        if answer:
            contact.status = ContactStatus.ANSWERED
            contact.answer = answer
            contact.answered_at = now
            contact.answered_by = by
        contact.save(force_insert=True)
        audit_record(
            actor=by, action="shouhou.contact.logged", obj=contact, after=snapshot(contact)
        )
        if answer:
            _warn(by, contact, "contact.answer", answer, now)
        if joins is not None and contact.work_order_id:
            # The order hears about the repeat too (its calls list counts it).
            order = contact.work_order
            _intake(by, contact, work_kind=order.kind, now=now, like=order)
        if convert and not (contact.work_order_id or contact.case_id):
            # (A contact that joined a matter is linked to its order or case already.)
            result = getattr(contact, "language_result", None)
            if kind == ContactKind.SERVICE_REQUEST:
                contact = contact_to_work_order(
                    by=by,
                    contact=contact,
                    work_kind=work_kind,
                    district=district,
                    address_detail=address_detail,
                    now=now,
                )
            else:
                contact = contact_to_complaint(by=by, contact=contact, now=now)
            if result is not None:
                contact.language_result = result
    return contact


def _warn(by, contact, where, text, now) -> None:
    result = language_note(by=by, where=where, obj=contact, text=text, now=now)
    if result["forbidden"]:
        contact.language_warnings = [*contact.language_warnings, *result["forbidden"]]
        Contact.objects.filter(pk=contact.pk).update(language_warnings=contact.language_warnings)
    contact.language_result = result


def _is_open_matter(contact: Contact) -> bool:
    root = _matter_root(contact)
    if root.work_order_id:
        return root.work_order.status in ws.UNRESOLVED_STATES
    if root.case_id:
        return root.case.status in cs.OPEN_STATES
    return root.status != ContactStatus.ANSWERED


def _load(contact) -> Contact:
    return Contact.objects.select_for_update().get(pk=contact.pk)


def contact_answer(
    *,
    by,
    contact: Contact,
    answer: str,
    reply_channel: str = "",
    reply_reference: str = "",
    now=None,
) -> Contact:
    """The clear answer or the reply (复电 / 复函, §3.5.4), recorded and archived with the contact."""
    _require_desk(by)
    _same_org(by, contact)
    now = _now(now)
    errors = {}
    if not (answer or "").strip():
        errors["answer"] = [_("Write down the answer given.")]
    if reply_channel and reply_channel not in Channel.values:
        errors["reply_channel"] = [_("Unknown channel.")]
    if errors:
        raise ValidationFailed(fields=errors)
    with transaction.atomic():
        contact = _move(
            Contact,
            _load(contact),
            frm={ContactStatus.OPEN, ContactStatus.FOLLOW_UP},
            to=ContactStatus.ANSWERED,
            by=by,
            action="shouhou.contact.answered",
            answer=answer.strip(),
            answered_at=now,
            answered_by=by,
            reply_channel=reply_channel,
            reply_reference=reply_reference.strip(),
        )
        _warn(by, contact, "contact.answer", answer, now)
    return contact


def contact_follow_up(*, by, contact: Contact, note: str, now=None) -> Contact:
    """Not clear at once (§3.5.3): find out, and answer by the due time on the working-hours
    calendar (`FrontdeskSettings.follow_up_hours`)."""
    _require_desk(by)
    _same_org(by, contact)
    now = _now(now)
    if not (note or "").strip():
        raise ValidationFailed(fields={"note": [_("Say what is being found out.")]})
    hours = settings_for(by.organisation_id).follow_up_hours
    due = add_working_hours(now, float(hours), by.organisation_id)
    with transaction.atomic():
        contact = _move(
            Contact,
            _load(contact),
            frm={ContactStatus.OPEN},
            to=ContactStatus.FOLLOW_UP,
            by=by,
            action="shouhou.contact.follow_up",
            follow_up_note=note.strip(),
            follow_up_due_at=due,
        )
        _warn(by, contact, "contact.follow_up", note, now)
    return contact


def _source(channel: str) -> str:
    # Work orders know the hotline and the walk-in; a letter, an e-mail or a WeChat message
    # reaches the desk like a call.
    return Source.WALK_IN if channel == Channel.WALK_IN else Source.HOTLINE


def _intake(by, contact, *, work_kind, now, like=None, district="", address_detail=""):
    data = None
    if contact.customer_id is None and like is None:
        if not contact.phone:
            raise ValidationFailed(
                fields={"phone": [_("A work order needs the caller's phone number.")]}
            )
        data = {
            "name": contact.caller_name,
            "mobile": contact.phone,
            "district": district,
            "address_detail": address_detail,
        }
    try:
        return workorder_intake(
            by=by,
            source=_source(contact.channel),
            kind=work_kind,
            description=contact.subject,
            customer=like.customer if like is not None else contact.customer,
            customer_data=data,
            product=like.product if like is not None else None,
            contract=like.contract if like is not None else None,
            store=contact.store,
            received_at=min(contact.received_at, now),
            now=now,
        )
    except ValidationFailed as exc:
        fields = dict(exc.fields)
        if "mobile" in fields:
            fields["phone"] = fields.pop("mobile")
        if "name" in fields:
            fields["caller_name"] = fields.pop("name")
        raise ValidationFailed(exc.message, code=exc.code, fields=fields) from exc


def contact_to_work_order(
    *,
    by,
    contact: Contact,
    work_kind: str = WorkKind.REPAIR,
    district: str = "",
    address_detail: str = "",
    now=None,
) -> Contact:
    """A service request becomes a work order (through the work-order intake); a second request
    about an open order joins that order and is counted on both. A caller who is not a customer
    yet is registered by the intake (`district`, `address_detail`: their address)."""
    _require_desk(by)
    _same_org(by, contact)
    now = _now(now)
    if work_kind not in WorkKind.values:
        raise ValidationFailed(fields={"work_kind": [_("Unknown kind of service.")]})
    with transaction.atomic():
        contact = _load(contact)
        if contact.kind != ContactKind.SERVICE_REQUEST:
            raise ValidationFailed(fields={"kind": [_("Only a service request becomes an order.")]})
        if contact.work_order_id or contact.case_id:
            raise InvalidTransition(_("This contact is linked already."))
        result = _intake(
            by,
            contact,
            work_kind=work_kind,
            now=now,
            district=district,
            address_detail=address_detail,
        )
        order = result.order
        root = _first_contact_about(work_order=order) if result.joined else None
        contact.work_order = order
        contact.customer = order.customer
        if result.joined:
            _count_repeat(new=contact, root=root)
        if contact.status != ContactStatus.ANSWERED:
            contact.status = ContactStatus.ANSWERED
            contact.answered_at = now
            contact.answered_by = by
            contact.answer = contact.answer or (
                _("Joined work order %(n)s; the service team has been told again.")
                if result.joined
                else _("Registered as work order %(n)s; the service team will contact you.")
            ) % {"n": order.number}
        contact.save()
        audit_record(
            actor=by,
            action="shouhou.contact.joined_order" if result.joined else "shouhou.contact.to_order",
            obj=contact,
            after={"work_order": order.number, "joined": result.joined},
        )
    return contact


def _open_case_for(customer) -> Case | None:
    return (
        Case.objects.filter(customer=customer, kind=cs.COMPLAINT, status__in=cs.OPEN_STATES)
        .order_by("created_at", "id")
        .first()
    )


def contact_to_complaint(*, by, contact: Contact, now=None) -> Contact:
    """A complaint becomes a complaint case (顾客投诉登记); a second complaint of the same
    customer while one is open joins it and is counted."""
    _require_desk(by)
    _same_org(by, contact)
    now = _now(now)
    with transaction.atomic():
        contact = _load(contact)
        if contact.kind != ContactKind.COMPLAINT:
            raise ValidationFailed(fields={"kind": [_("Only a complaint becomes a case.")]})
        if contact.work_order_id or contact.case_id:
            raise InvalidTransition(_("This contact is linked already."))
        if contact.customer_id is None:
            raise ValidationFailed(
                _("Register the customer first (the complaint register needs a customer)."),
                fields={"phone": [_("No customer with this phone number.")]},
            )
        case = _open_case_for(contact.customer)
        joined = case is not None
        if case is None:
            case = case_register(
                by=by,
                kind=cs.COMPLAINT,
                customer=contact.customer,
                description=contact.subject,
                store=contact.store,
            )
            joined = False
        else:
            _count_repeat(new=contact, root=_first_contact_about(case=case))
        contact.case = case
        contact.save()
        audit_record(
            actor=by,
            action="shouhou.contact.joined_case" if joined else "shouhou.contact.to_case",
            obj=contact,
            after={"case": case.number, "joined": joined},
        )
    return contact


# Handover book -------------------------------------------------------------------------------


def handover_open(*, by, store, day: dt.date, shift: str, desk: str = "服务台") -> Handover:
    """The page of the handover book for this store, desk, day and shift (the existing one when
    it is there already: a double submit makes one page)."""
    _require_desk(by)
    if store is None:
        raise ValidationFailed(fields={"store": [_("Choose the store.")]})
    _same_org(by, store, "store")
    if shift not in Shift.values:
        raise ValidationFailed(fields={"shift": [_("Unknown shift.")]})
    desk = (desk or "").strip() or "服务台"
    key = {"organisation_id": by.organisation_id, "store": store, "desk": desk, "day": day}
    existing = Handover.objects.filter(**key, shift=shift).first()
    if existing is not None:
        return existing
    try:
        with transaction.atomic():
            page = Handover.objects.create(**key, shift=shift, outgoing=by)
            audit_record(actor=by, action="shouhou.handover.opened", obj=page, after=snapshot(page))
    except IntegrityError:
        return Handover.objects.get(**key, shift=shift)
    return page


def handover_write(
    *, by, handover: Handover, notes=None, morning_meeting=None, manager_note=None, now=None
) -> Handover:
    """The outgoing clerk's notes (while the page is open), the morning meeting record, and the
    manager's daily note (managers only)."""
    if manager_note is not None:
        r.require_role(by, *MANAGER_ROLES)
    else:
        _require_desk(by)
    _same_org(by, handover)
    now = _now(now)
    with transaction.atomic():
        page = Handover.objects.select_for_update().get(pk=handover.pk)
        before = snapshot(page, ["notes", "morning_meeting", "manager_note"])
        if notes is not None:
            if page.status != HandoverStatus.OPEN:
                raise InvalidTransition(_("The page is handed over; its notes are final."))
            if page.outgoing_id != by.pk:
                raise PermissionDeniedError(_("Only the outgoing clerk writes the notes."))
            page.notes = notes.strip()
        if morning_meeting is not None:
            page.morning_meeting = morning_meeting.strip()
        if manager_note is not None:
            page.manager_note = manager_note.strip()
        page.save()
        audit_record(
            actor=by,
            action="shouhou.handover.written",
            obj=page,
            before=before,
            after=snapshot(page, ["notes", "morning_meeting", "manager_note"]),
        )
        text = "\n".join(t for t in (notes, morning_meeting, manager_note) if t)
        page.language_result = language_note(by=by, where="handover", obj=page, text=text, now=now)
    return page


def handover_hand_over(*, by, handover: Handover, now=None) -> Handover:
    """The outgoing clerk hands over: what is open is carried over and frozen on the page."""
    _require_desk(by)
    _same_org(by, handover)
    now = _now(now)
    if handover.outgoing_id != by.pk:
        raise PermissionDeniedError(_("Only the outgoing clerk hands the page over."))
    items = carryover.collect(organisation=by.organisation, store=handover.store, now=now)
    with transaction.atomic():
        return _move(
            Handover,
            Handover.objects.select_for_update().get(pk=handover.pk),
            frm={HandoverStatus.OPEN},
            to=HandoverStatus.HANDED_OVER,
            by=by,
            action="shouhou.handover.handed_over",
            carry_over=items,
            handed_over_at=now,
        )


def handover_sign(*, by, handover: Handover, now=None) -> Handover:
    """The incoming clerk has read the page and signs it (2.1.2)."""
    _require_desk(by)
    _same_org(by, handover)
    if handover.outgoing_id == by.pk:
        raise PermissionDeniedError(_("The incoming clerk signs, not the one handing over."))
    with transaction.atomic():
        return _move(
            Handover,
            Handover.objects.select_for_update().get(pk=handover.pk),
            frm={HandoverStatus.HANDED_OVER},
            to=HandoverStatus.SIGNED,
            by=by,
            action="shouhou.handover.signed",
            incoming=by,
            signed_at=_now(now),
        )


# Reservations --------------------------------------------------------------------------------


def _money(value, field, errors) -> Decimal:
    try:
        d = to_money(value if value not in (None, "") else "0")
    except ValueError as exc:
        errors[field] = [str(exc)]
        return Decimal("0")
    if d < 0:
        errors[field] = [_("Cannot be negative.")]
    return d


def reservation_create(
    *,
    by,
    customer,
    promised_on: dt.date,
    product=None,
    description: str = "",
    quantity: int = 1,
    deposit="0",
    receipt_number: str = "",
    store=None,
    now=None,
) -> Reservation:
    """A goods reservation at the desk (2.2.2): a deposit needs its receipt number."""
    _require_desk(by)
    now = _now(now)
    errors: dict[str, list] = {}
    if customer is None:
        errors["customer"] = [_("Choose the customer.")]
    _same_org(by, customer, "customer")
    _same_org(by, product, "product")
    store = store or getattr(by, "store", None) or getattr(customer, "store", None)
    if store is None:
        errors["store"] = [_("Choose the store.")]
    _same_org(by, store, "store")
    if product is None and not (description or "").strip():
        errors["description"] = [_("Name the product or describe the goods.")]
    if not isinstance(quantity, int) or quantity < 1:
        errors["quantity"] = [_("At least one.")]
    amount = _money(deposit, "deposit", errors)
    if amount > 0 and not (receipt_number or "").strip():
        errors["receipt_number"] = [_("A deposit needs its receipt number.")]
    if promised_on is None:
        errors["promised_on"] = [_("Say when the goods are promised.")]
    elif promised_on < timezone.localtime(now).date():
        errors["promised_on"] = [_("Cannot be in the past.")]
    if errors:
        raise ValidationFailed(fields=errors)
    with transaction.atomic():
        res = Reservation.objects.create(
            organisation_id=by.organisation_id,
            store=store,
            customer=customer,
            product=product,
            description=(description or "").strip(),
            quantity=quantity,
            deposit=amount,
            receipt_number=(receipt_number or "").strip(),
            promised_on=promised_on,
            created_by=by,
        )
        res.number = f"YD{timezone.localtime(now):%y%m%d}{res.pk:05d}"
        res.save(update_fields=["number"])
        audit_record(actor=by, action="shouhou.reservation.created", obj=res, after=snapshot(res))
    return res


def _res(by, reservation) -> Reservation:
    _require_desk(by)
    _same_org(by, reservation)
    return Reservation.objects.select_for_update().get(pk=reservation.pk)


def reservation_arrive(*, by, reservation: Reservation, now=None) -> Reservation:
    """The goods are in: the customer is to be told (event `frontdesk.reservation_arrived`)."""
    with transaction.atomic():
        res = _move(
            Reservation,
            _res(by, reservation),
            frm={ReservationStatus.ORDERED},
            to=ReservationStatus.ARRIVED,
            by=by,
            action="shouhou.reservation.arrived",
            arrived_at=_now(now),
        )
        reservation_arrived.publish(sender=Reservation, reservation=res, by=by)
    return res


def reservation_tell(*, by, reservation: Reservation, now=None) -> Reservation:
    with transaction.atomic():
        return _move(
            Reservation,
            _res(by, reservation),
            frm={ReservationStatus.ARRIVED},
            to=ReservationStatus.TOLD,
            by=by,
            action="shouhou.reservation.told",
            told_at=_now(now),
        )


def reservation_collect(*, by, reservation: Reservation, now=None) -> Reservation:
    with transaction.atomic():
        return _move(
            Reservation,
            _res(by, reservation),
            frm={ReservationStatus.ARRIVED, ReservationStatus.TOLD},
            to=ReservationStatus.COLLECTED,
            by=by,
            action="shouhou.reservation.collected",
            collected_at=_now(now),
        )


def reservation_cancel(
    *, by, reservation: Reservation, reason: str, refund=None, refund_receipt: str = "", now=None
) -> Reservation:
    """Cancelled: the deposit goes back (the whole deposit unless said otherwise), with the
    refund's receipt number."""
    errors: dict[str, list] = {}
    if not (reason or "").strip():
        errors["reason"] = [_("Say why it is cancelled.")]
    with transaction.atomic():
        res = _res(by, reservation)
        amount = res.deposit if refund in (None, "") else _money(refund, "refund", errors)
        if amount > res.deposit:
            errors["refund"] = [_("At most the deposit paid.")]
        if amount > 0 and not (refund_receipt or "").strip():
            errors["refund_receipt"] = [_("A refund needs its receipt number.")]
        if errors:
            raise ValidationFailed(fields=errors)
        return _move(
            Reservation,
            res,
            frm={ReservationStatus.ORDERED, ReservationStatus.ARRIVED, ReservationStatus.TOLD},
            to=ReservationStatus.CANCELLED,
            by=by,
            action="shouhou.reservation.cancelled",
            cancelled_at=_now(now),
            cancel_reason=reason.strip(),
            refund=amount,
            refund_receipt=(refund_receipt or "").strip(),
        )


# Returns and exchanges register --------------------------------------------------------------


def desk_return_register(
    *,
    by,
    kind: str,
    customer,
    item: str,
    reason: str,
    condition: str,
    stored_at: str,
    case=None,
    store=None,
    now=None,
) -> DeskReturn:
    """Goods taken back at the desk: what, from whom, why, in what condition, where stored."""
    _require_desk(by)
    now = _now(now)
    errors: dict[str, list] = {}
    if kind not in DeskReturn.Kind.values:
        errors["kind"] = [_("Unknown kind.")]
    if customer is None:
        errors["customer"] = [_("Choose the customer.")]
    _same_org(by, customer, "customer")
    for name, value in (
        ("item", item),
        ("reason", reason),
        ("condition", condition),
        ("stored_at", stored_at),
    ):
        if not (value or "").strip():
            errors[name] = [_("This field is required.")]
    if case is not None:
        _same_org(by, case, "case")
        if customer is not None and case.customer_id != customer.pk:
            errors["case"] = [_("This case is another customer's.")]
    store = store or getattr(by, "store", None) or getattr(customer, "store", None)
    if store is None:
        errors["store"] = [_("Choose the store.")]
    if errors:
        raise ValidationFailed(fields=errors)
    with transaction.atomic():
        row = DeskReturn.objects.create(
            organisation_id=by.organisation_id,
            kind=kind,
            store=store,
            customer=customer,
            item=item.strip(),
            reason=reason.strip(),
            condition=condition.strip(),
            stored_at=stored_at.strip(),
            case=case,
            received_at=now,
            received_by=by,
        )
        audit_record(
            actor=by, action="shouhou.desk_return.registered", obj=row, after=snapshot(row)
        )
    return row


def desk_return_send_back(
    *, by, item: DeskReturn, returned_to: str, returned_to_name: str, now=None
) -> DeskReturn:
    """The merchant collected the goods, or they went back to the supplier (1.1.8)."""
    _require_desk(by)
    _same_org(by, item)
    errors = {}
    if returned_to not in ReturnedTo.values:
        errors["returned_to"] = [_("Merchant or supplier.")]
    if not (returned_to_name or "").strip():
        errors["returned_to_name"] = [_("Who took the goods?")]
    if errors:
        raise ValidationFailed(fields=errors)
    with transaction.atomic():
        return _move(
            DeskReturn,
            DeskReturn.objects.select_for_update().get(pk=item.pk),
            frm={ReturnStatus.HELD},
            to=ReturnStatus.RETURNED,
            by=by,
            action="shouhou.desk_return.returned",
            returned_to=returned_to,
            returned_to_name=returned_to_name.strip(),
            returned_at=_now(now),
        )
