"""The calls and letters log: a contact is logged, answered or followed up, and converted into a
work order or a complaint case (a repeat about the same matter is counted, not duplicated)."""

from __future__ import annotations

import datetime as dt
from typing import TYPE_CHECKING

from django.db import transaction
from django.db.models import F
from django.utils.translation import gettext as _

from shouhou.complaints import states as cs
from shouhou.complaints.models import Case
from shouhou.complaints.services import case_register
from shouhou.core.audit import audit_record, snapshot
from shouhou.core.errors import (
    InvalidTransition,
    ValidationFailed,
)
from shouhou.core.phones import normalise_phone
from shouhou.customers.selectors import customer_find_by_phone
from shouhou.workdays.services import add_working_hours
from shouhou.workorders import states as ws
from shouhou.workorders.models import Kind as WorkKind
from shouhou.workorders.models import Source
from shouhou.workorders.services import workorder_intake

from ..models import (
    Channel,
    Contact,
    ContactKind,
    ContactStatus,
    FrontdeskSettings,
)
from .common import _move, _now, _require_desk, _same_org
from .language import language_note

if TYPE_CHECKING:
    from shouhou.customers.models import Customer
    from shouhou.org.models import Organisation, Store, User
    from shouhou.workorders.models import WorkOrder
    from shouhou.workorders.services import IntakeResult

CONVERTIBLE = {ContactKind.SERVICE_REQUEST, ContactKind.COMPLAINT}


def settings_for(organisation: Organisation | int) -> FrontdeskSettings:
    return FrontdeskSettings.for_org(organisation)


def _matter_root(contact: Contact) -> Contact:
    return contact.parent if contact.parent is not None else contact


def _count_repeat(*, new: Contact, root: Contact | None) -> None:
    """`new` joined an open matter: link it to the matter's first contact and count it there."""
    new.joined_existing = True
    if root is not None and root.pk != new.pk:
        new.parent = root
        Contact.objects.filter(pk=root.pk).update(repeat_count=F("repeat_count") + 1)


def _first_contact_about(**link: WorkOrder | Case) -> Contact | None:
    return Contact.objects.filter(**link).order_by("received_at", "id").first()


def contact_log(
    *,
    by: User,
    channel: str,
    kind: str,
    subject: str,
    phone: str = "",
    caller_name: str = "",
    customer: Customer | None = None,
    store: Store | None = None,
    hotline: str = "",
    answer: str = "",
    joins: Contact | None = None,
    convert: bool = False,
    work_kind: str = WorkKind.REPAIR,
    district: str = "",
    address_detail: str = "",
    received_at: dt.datetime | None = None,
    now: dt.datetime | None = None,
) -> Contact:
    """Log a contact in time order (§3.5.1). With `answer` it is answered at once (§3.5.2);
    `joins`: the open contact this one is about again (counted there); `convert`: a service
    request becomes a work order, a complaint a complaint case, in the same step."""
    org_id = _require_desk(by)
    now = _now(now)
    received_at = received_at or now
    number = _check_contact(
        by,
        channel=channel,
        kind=kind,
        subject=subject,
        phone=phone,
        customer=customer,
        store=store,
        joins=joins,
        convert=convert,
        received_at=received_at,
        now=now,
    )
    store = store or getattr(by, "store", None)
    if customer is None and number:
        customer = customer_find_by_phone(user=by, phone=number)
    if not hotline and channel == Channel.HOTLINE and store is not None:
        hotline = store.hotline
    answer = (answer or "").strip()
    with transaction.atomic():
        contact = Contact(
            organisation_id=org_id,
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
            _join_matter(contact, joins)
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
        order = contact.work_order if joins is not None else None
        if order is not None:
            # The order hears about the repeat too (its calls list counts it).
            _intake(by, contact, work_kind=order.kind, now=now, like=order)
        if convert and not (contact.work_order_id or contact.case_id):
            # (A contact that joined a matter is linked to its order or case already.)
            contact = _convert(
                by,
                contact,
                work_kind=work_kind,
                district=district,
                address_detail=address_detail,
                now=now,
            )
    return contact


def _check_contact(
    by: User,
    *,
    channel: str,
    kind: str,
    subject: str,
    phone: str,
    customer: Customer | None,
    store: Store | None,
    joins: Contact | None,
    convert: bool,
    received_at: dt.datetime,
    now: dt.datetime,
) -> str:
    """Every field checked at once (ValidationFailed naming each); the phone number normalised.
    Another organisation's customer, store or contact is not found."""
    errors: dict[str, list[str]] = {}
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
    return number


def _join_matter(contact: Contact, joins: Contact) -> None:
    """The contact is about an open matter again: it takes the matter's order, case and
    customer, and is counted on the matter's first contact."""
    root = _matter_root(joins)
    contact.work_order_id = root.work_order_id
    contact.case_id = root.case_id
    contact.customer = contact.customer or root.customer
    _count_repeat(new=contact, root=root)


def _convert(
    by: User,
    contact: Contact,
    *,
    work_kind: str,
    district: str,
    address_detail: str,
    now: dt.datetime,
) -> Contact:
    """A service request becomes a work order, a complaint a complaint case; the language check
    of the answer stays on the contact returned."""
    result = getattr(contact, "language_result", None)
    if contact.kind == ContactKind.SERVICE_REQUEST:
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


def _warn(by: User, contact: Contact, where: str, text: str, now: dt.datetime) -> None:
    result = language_note(by=by, where=where, obj=contact, text=text, now=now)
    if result["forbidden"]:
        contact.language_warnings = [*contact.language_warnings, *result["forbidden"]]
        Contact.objects.filter(pk=contact.pk).update(language_warnings=contact.language_warnings)
    contact.language_result = result


def _is_open_matter(contact: Contact) -> bool:
    root = _matter_root(contact)
    if root.work_order is not None:
        return root.work_order.status in ws.UNRESOLVED_STATES
    if root.case is not None:
        return root.case.status in cs.OPEN_STATES
    return root.status != ContactStatus.ANSWERED


def _load(contact: Contact) -> Contact:
    return Contact.objects.select_for_update().get(pk=contact.pk)


def contact_answer(
    *,
    by: User,
    contact: Contact,
    answer: str,
    reply_channel: str = "",
    reply_reference: str = "",
    now: dt.datetime | None = None,
) -> Contact:
    """The clear answer or the reply (复电 / 复函, §3.5.4), recorded and archived with the contact."""
    _require_desk(by)
    _same_org(by, contact)
    now = _now(now)
    errors: dict[str, list[str]] = {}
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


def contact_follow_up(
    *, by: User, contact: Contact, note: str, now: dt.datetime | None = None
) -> Contact:
    """Not clear at once (§3.5.3): find out, and answer by the due time on the working-hours
    calendar (`FrontdeskSettings.follow_up_hours`)."""
    org_id = _require_desk(by)
    _same_org(by, contact)
    now = _now(now)
    if not (note or "").strip():
        raise ValidationFailed(fields={"note": [_("Say what is being found out.")]})
    hours = settings_for(org_id).follow_up_hours
    due = add_working_hours(now, float(hours), org_id)
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


def _intake(
    by: User,
    contact: Contact,
    *,
    work_kind: str,
    now: dt.datetime,
    like: WorkOrder | None = None,
    district: str = "",
    address_detail: str = "",
) -> IntakeResult:
    data: dict[str, str] | None = None
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
    by: User,
    contact: Contact,
    work_kind: str = WorkKind.REPAIR,
    district: str = "",
    address_detail: str = "",
    now: dt.datetime | None = None,
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


def _open_case_for(customer: Customer | None) -> Case | None:
    return (
        Case.objects.filter(customer=customer, kind=cs.COMPLAINT, status__in=cs.OPEN_STATES)
        .order_by("created_at", "id")
        .first()
    )


def contact_to_complaint(*, by: User, contact: Contact, now: dt.datetime | None = None) -> Contact:
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
