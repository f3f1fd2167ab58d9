"""Every write on work orders: intake, dispatch, the technician's steps, re-issue, the report.

Each service runs in one transaction, checks the role and the organisation, checks the state
machine (`states.check`), changes the state with a guarded update (`filter(status=OLD)`; 0 rows
means someone else changed it first: 409), records the state history the deadlines are computed
from, and writes an audit event.
"""

from __future__ import annotations

import base64
import binascii
import datetime as dt
import io
import uuid
from dataclasses import dataclass
from decimal import Decimal

from django.core.files.base import ContentFile
from django.db import IntegrityError, connection, transaction
from django.db.models import F, Q
from django.utils import timezone
from django.utils.translation import gettext as _

from shouhou.core.audit import audit_batch, audit_record, snapshot
from shouhou.core.errors import (
    Conflict,
    DomainError,
    DuplicateError,
    InvalidTransition,
    NotFoundError,
    PermissionDeniedError,
    ValidationFailed,
)
from shouhou.core.idempotency import service_atomic
from shouhou.core.money import to_money
from shouhou.customers.models import Customer
from shouhou.customers.selectors import customer_find_by_phone, is_office
from shouhou.customers.services import customer_create
from shouhou.org import roles as r
from shouhou.staff.services import can_work, staff_for_user
from shouhou.workdays.services import calendar_for

from . import config, signals, states
from . import deadlines as dl
from .models import (
    Call,
    ContactAttempt,
    Kind,
    MissedService,
    PublicRequest,
    ReportPart,
    ReportPhoto,
    ServiceReport,
    Source,
    StatusChange,
    WorkOrder,
    WorkOrderCounter,
)

# Who may do what ------------------------------------------------------------------------------
INTAKE_ROLES = r.OFFICE_ROLES | {r.MERCHANT_ADMIN}
DESK_ROLES = {
    r.CLERK,
    r.CS_SUPERVISOR,
    r.CS_MANAGER,
    r.SERVICE_DESK,
    r.CALL_CENTRE,
    r.STORE_MANAGER,
    r.VP_OPERATIONS,
    r.GENERAL_MANAGER,
}
DISPATCH_ROLES = DESK_ROLES | {r.MERCHANT_ADMIN}
REISSUE_ROLES = {r.CALL_CENTRE, r.CS_SUPERVISOR, r.CS_MANAGER, r.SERVICE_DESK, r.CLERK}
TECH_ROLES = {r.TECHNICIAN, r.DELIVERY_CREW}

MAX_SIGNATURE_BYTES = 300_000
ASSIGNMENT_RESET = {
    "contacted_at": None,
    "replied_at": None,
    "arrived_at": None,
    "appointment_at": None,
    "callback_due_on": None,
    "callback_created": False,
    "unreachable_since": None,
    "unreachable_report_due_at": None,
    "unreachable_overdue": False,
    "contact_overdue": False,
    "onsite_overdue": False,
    "reply_missed": False,
}


def _now(now=None) -> dt.datetime:
    return now or timezone.now()


def calendar(organisation):
    return calendar_for(organisation)


def _same_org(by, obj) -> None:
    if by is None or by.is_superuser and not by.organisation_id:
        return
    if getattr(obj, "organisation_id", None) != by.organisation_id:
        raise NotFoundError()


def _staff_for(user):
    if user is None or not user.is_authenticated:
        return None

    return staff_for_user(user)


def _require_desk(by, order, roles=DISPATCH_ROLES) -> None:
    _same_org(by, order)
    r.require_role(by, *roles)
    if (
        not by.is_superuser
        and by.merchant_id
        and not r.has_role(by, *(roles - {r.MERCHANT_ADMIN}))
        and order.merchant_id != by.merchant_id
    ):
        raise NotFoundError()


def _require_actor(by, order) -> None:
    """The order's technician, or the desk recording what the technician phoned in."""
    _same_org(by, order)
    if r.has_role(by, *DESK_ROLES):
        return
    if r.has_role(by, *TECH_ROLES):
        staff = _staff_for(by)
        if staff is not None and order.technician_id == staff.pk:
            return
        raise NotFoundError()
    raise PermissionDeniedError(_("Only the order's technician or the service desk can do this."))


def _lock(order: WorkOrder) -> WorkOrder:
    """Reload the order inside the transaction, locked (a no-op lock on SQLite)."""
    return WorkOrder.objects.select_for_update().get(pk=order.pk)


# Deadlines ------------------------------------------------------------------------------------
def _history(order: WorkOrder) -> list[tuple[dt.datetime, str]]:
    return list(StatusChange.objects.filter(order=order).values_list("at", "to_status"))


def compute_due_times(order: WorkOrder, *, dispatched_at=None, cal=None, history=None) -> dict:
    """Due times of the order's targets from its policy and its state history (read from the
    database unless given as (time, status entered) pairs)."""
    cal = cal or calendar(order.organisation_id)
    specs = config.policy_specs(order.organisation_id, order.policy_id)
    anchors = dl.Anchors(
        received_at=order.received_at, dispatched_at=dispatched_at or order.dispatched_at
    )
    if history is None:
        history = _history(order)
    due = dl.due_times(cal, specs, anchors, dl.pauses_from_history(history))
    return {
        "contact_due_at": due[dl.CONTACT],
        "onsite_due_at": due[dl.ONSITE],
        "reply_due_at": due[dl.REPLY],
        "fixed_due_at": due[dl.FIXED],
    }


def workorder_recompute_due(order: WorkOrder) -> WorkOrder:
    """Recompute and store the due times (after a pause ends or the policy changes)."""
    fields = compute_due_times(order)
    WorkOrder.objects.filter(pk=order.pk).update(**fields)
    for k, v in fields.items():
        setattr(order, k, v)
    return order


# The one function that changes an order's state -----------------------------------------------
def _transition(
    order: WorkOrder,
    action: str,
    *,
    by,
    now: dt.datetime,
    updates: dict | None = None,
    note: str = "",
    audit_action: str | None = None,
) -> WorkOrder:
    status = order.status
    target = states.target_of(action, status)
    before = snapshot(order)
    updates = dict(updates or {})
    n = WorkOrder.objects.filter(pk=order.pk, status=status).update(
        status=target, updated_at=now, **updates
    )
    if n == 0:
        raise InvalidTransition(
            _("Someone else changed this order at the same time; reload it and try again."),
            code="concurrent_update",
        )
    if target != status:
        StatusChange.objects.create(
            organisation_id=order.organisation_id,
            order_id=order.pk,
            from_status=status,
            to_status=target,
            at=now,
            by=by if getattr(by, "is_authenticated", False) else None,
        )
    order.refresh_from_db()
    if states.category(status) != states.category(target):
        workorder_recompute_due(order)
    audit_record(
        actor=by,
        action=audit_action or f"shouhou.workorder.{action}",
        obj=order,
        before=before,
        after=snapshot(order),
        note=note,
    )
    signals.workorder_transitioned.publish(
        sender=WorkOrder, order=order, action=action, from_status=status, to_status=target, by=by
    )
    return order


def _news(now) -> dict:
    """Fields that record the technician's reply (any news counts as the reply)."""
    return {"last_news_at": now}


def _reply_fields(order, now) -> dict:
    out = _news(now)
    if order.replied_at is None:
        out["replied_at"] = now
    return out


# Intake ---------------------------------------------------------------------------------------
def _next_number(org_id: int, received_at: dt.datetime) -> str:
    """The next order number of the organisation's year (WO + yymmdd + the year's counter).

    One statement: the counter row is incremented and read back, and stays locked until the
    intake commits (as `select_for_update` would lock it), so two intakes never get the same
    number. The first order of a year creates the row.
    """
    local = timezone.localtime(received_at)
    table = connection.ops.quote_name(WorkOrderCounter._meta.db_table)
    for _attempt in range(2):
        with connection.cursor() as cur:
            cur.execute(
                f"UPDATE {table} SET value = value + 1 "  # noqa: S608 - a model's table name
                "WHERE organisation_id = %s AND year = %s RETURNING value",
                [org_id, local.year],
            )
            row = cur.fetchone()
        if row is not None:
            return f"WO{local:%y%m%d}{row[0]:06d}"
        try:
            with transaction.atomic():
                WorkOrderCounter.objects.create(organisation_id=org_id, year=local.year, value=0)
        except IntegrityError:
            pass  # another intake created it first: take the next number from it
    raise Conflict(_("Could not give the order a number; try again."), code="numbering")


@dataclass
class IntakeResult:
    order: WorkOrder
    joined: bool


def _find_or_create_customer(*, by, organisation, customer_data: dict, store, merchant, source):
    """(The customer with this phone, False), or (a new one, True), validated by the customers
    app.

    Only the office and merchant admins register customers; the public form and a technician
    reporting a job of their own find known customers only (`customer_unknown` otherwise).
    """
    from shouhou.core.phones import normalise_phone

    data = dict(customer_data or {})
    mobile = (data.get("mobile") or "").strip()
    if not mobile:
        raise ValidationFailed(fields={"mobile": [_("A phone number is required.")]})
    can_register = by is not None and r.has_role(by, *INTAKE_ROLES)
    if can_register:
        try:
            # One query: the customer, locked, with the default address the order copies.
            existing = customer_find_by_phone(user=by, phone=mobile, for_intake=True)
        except ValidationFailed as exc:
            raise ValidationFailed(fields={"mobile": exc.fields.get("phone", [])}) from exc
    else:
        try:
            norm = normalise_phone(mobile)
        except ValueError as exc:
            raise ValidationFailed(fields={"mobile": [str(exc)]}) from exc
        existing = (
            Customer.objects.select_for_update()
            .filter(organisation=organisation, mobile=norm)
            .first()
        )
    if existing is not None:
        existing.intake_locked = True
        return existing, False
    if not can_register:
        raise ValidationFailed(
            _("This phone number is not a known customer; the service desk registers it."),
            fields={"mobile": [_("Not a known customer.")]},
            code="customer_unknown",
        )
    try:
        created = customer_create(
            by=by,
            name=data.get("name", ""),
            mobile=mobile,
            district=data.get("district", ""),
            address_detail=data.get("address_detail", ""),
            province=data.get("province", ""),
            city=data.get("city", ""),
            store=store,
            merchant=merchant,
            allow_honorific=source in (Source.HOTLINE, Source.CALLBACK),
            # An office user's lookup above searched the whole organisation already.
            phones_checked=is_office(by),
        )
    except DuplicateError as exc:
        # Known under a number this user cannot see (e.g. another merchant's customer).
        existing_id = exc.extra.get("existing_id")
        if not existing_id:
            raise
        return Customer.objects.get(pk=existing_id, organisation=organisation), False
    return created, True


def _open_order_for(*, customer, product, contract, kind):
    qs = WorkOrder.objects.filter(
        organisation_id=customer.organisation_id,
        customer=customer,
        status__in=states.UNRESOLVED_STATES,
    )
    if contract is not None:
        qs = qs.filter(contract=contract)
        if product is not None:
            qs = qs.filter(Q(product=product) | Q(product__isnull=True))
    elif product is not None:
        qs = qs.filter(product=product)
    else:
        qs = qs.filter(product__isnull=True, contract__isnull=True, kind=kind)
    return qs.order_by("received_at", "id").first()


def workorder_intake(
    *,
    by,
    organisation=None,
    source: str,
    kind: str,
    description: str = "",
    customer=None,
    customer_data: dict | None = None,
    store=None,
    merchant=None,
    dealer=None,
    product=None,
    product_model=None,
    contract=None,
    is_emergency: bool = False,
    distance_km=None,
    received_at: dt.datetime | None = None,
    technician=None,
    now: dt.datetime | None = None,
) -> IntakeResult:
    """Take a service request. A second request about the same open problem joins that order.

    `by` None is the public (QR code) form: `organisation` and `store` say where it came from.
    `source="technician"`: a job the technician got directly, reported now; `received_at` is when
    they got it (reported later than the same day: missed service; much later: no callback and
    no bonus).
    """
    now = _now(now)
    organisation = organisation or getattr(by, "organisation", None)
    if organisation is None:
        raise ValidationFailed(_("No organisation for this request."))
    if source not in Source.values:
        raise ValidationFailed(fields={"source": [_("Unknown source.")]})
    if kind not in Kind.values:
        raise ValidationFailed(fields={"kind": [_("Unknown kind of service.")]})
    if by is None:
        technician = None
        if source != Source.SELF_SERVICE:
            raise PermissionDeniedError()
    elif source == Source.TECHNICIAN:
        if technician is not None and r.has_role(by, *DESK_ROLES):
            pass  # the desk records what the technician phoned in
        else:
            r.require_role(by, *TECH_ROLES)
            technician = _staff_for(by)
            if technician is None:
                raise PermissionDeniedError(
                    _("Your login is not linked to a service staff record."), code="not_staff"
                )
    else:
        technician = None
        r.require_role(by, *INTAKE_ROLES)
    if by is not None and by.organisation_id and by.organisation_id != organisation.pk:
        raise NotFoundError()
    if (
        by is not None
        and by.merchant_id
        and not r.has_role(by, *(INTAKE_ROLES - {r.MERCHANT_ADMIN}))
    ):
        merchant = by.merchant
    for name, obj in (
        ("customer", customer),
        ("store", store),
        ("merchant", merchant),
        ("dealer", dealer),
        ("product", product),
        ("product_model", product_model),
        ("contract", contract),
    ):
        if obj is not None and obj.organisation_id != organisation.pk:
            raise ValidationFailed(fields={name: [_("Not found.")]})
    if product_model is not None and product is None:
        product = product_model.product
    if distance_km is not None:
        distance_km = Decimal(str(distance_km))
        if distance_km < 0:
            raise ValidationFailed(fields={"distance_km": [_("Cannot be negative.")]})
    received_at = received_at or now
    if received_at > now + dt.timedelta(minutes=5):
        raise ValidationFailed(fields={"received_at": [_("Cannot be in the future.")]})

    # The configuration comes from the per-organisation cache (its first load writes the
    # defaults, outside the intake's transaction).
    cfg = config.org_config(organisation)
    settings = cfg.settings if technician is not None else None
    with service_atomic(), audit_batch():
        new_customer = False
        if customer is None:
            customer, new_customer = _find_or_create_customer(
                by=by,
                organisation=organisation,
                customer_data=customer_data or {},
                store=store,
                merchant=merchant,
                source=source,
            )
        if contract is not None and contract.customer_id != customer.pk:
            raise ValidationFailed(fields={"contract": [_("This contract is another customer's.")]})
        existing = None
        if not new_customer:  # a customer created in this transaction has no order yet
            # One intake at a time per customer, so two calls cannot both open an order (the
            # lookup by phone has taken the lock already).
            if not getattr(customer, "intake_locked", False):
                type(customer).objects.select_for_update().filter(pk=customer.pk).first()
            existing = _open_order_for(
                customer=customer, product=product, contract=contract, kind=kind
            )
        if existing is not None:
            return IntakeResult(
                _join(existing, by=by, source=source, description=description, now=now), True
            )

        policy = config.choose_policy(
            organisation=organisation,
            customer=customer,
            product=product,
            store=store,
            is_emergency=is_emergency,
            distance_km=distance_km,
            ensure=False,
        )
        if hasattr(customer, "intake_address"):  # read with the customer (one query)
            district, address = customer.intake_district or "", customer.intake_address or ""
        else:
            default = customer.default_address if hasattr(customer, "addresses") else None
            district, address = getattr(default, "district", "") or "", str(default or "")
        order = WorkOrder(
            organisation=organisation,
            kind=kind,
            source=source,
            status=states.NEW,
            customer=customer,
            contact_phone=customer.mobile,
            district=district,
            address=address,
            store_id=store.pk if store is not None else customer.store_id,
            merchant_id=merchant.pk
            if merchant is not None
            else (contract.merchant_id if contract is not None else customer.merchant_id),
            dealer=dealer,
            product=product,
            product_model=product_model,
            contract=contract,
            description=description,
            is_emergency=is_emergency,
            distance_km=distance_km,
            policy=policy,
            received_at=received_at,
            reported_at=now,
            created_by=by if getattr(by, "is_authenticated", False) else None,
        )
        # The history is the NEW state at `received_at` (written below): no pause yet.
        for name, value in compute_due_times(order, history=[(received_at, states.NEW)]).items():
            setattr(order, name, value)
        order.number = _next_number(organisation.pk, received_at)
        order.save(force_insert=True)
        StatusChange.objects.create(
            organisation=organisation,
            order=order,
            from_status="",
            to_status=states.NEW,
            at=received_at,
            by=order.created_by,
        )
        Call.objects.create(
            organisation=organisation,
            order=order,
            source=source,
            at=now,
            description=description,
            by=order.created_by,
        )
        audit_record(actor=by, action="shouhou.workorder.created", obj=order, after=snapshot(order))
        if technician is not None:
            order = _dispatch(order, technician, by=by, now=received_at, settings=settings)
            order = _self_report_rules(order, settings=settings, by=by, now=now)
        return IntakeResult(order, False)


def _join(order: WorkOrder, *, by, source, description, now) -> WorkOrder:
    order = _lock(order)
    Call.objects.create(
        organisation_id=order.organisation_id,
        order=order,
        source=source,
        at=now,
        description=description,
        joined=True,
        by=by if getattr(by, "is_authenticated", False) else None,
    )
    if order.status == states.NOT_HOME:
        # The customer who was not at home asked again: the same technician goes again.
        return _transition(order, "reask", by=by, now=now, note=description)
    audit_record(
        actor=by,
        action="shouhou.workorder.joined",
        obj=order,
        note=description or _("The customer called again about the same problem."),
    )
    return order


def _self_report_rules(order, *, settings, by, now) -> WorkOrder:
    received = timezone.localtime(order.received_at).date()
    reported = timezone.localtime(now).date()
    days_late = (reported - received).days - settings.self_report_late_after_days
    if days_late <= 0:
        return order
    no_bonus = (reported - received).days > settings.self_report_no_bonus_after_days
    MissedService.objects.get_or_create(
        order=order,
        reason=MissedService.Reason.LATE_SELF_REPORT,
        cycle=order.dispatch_seq,
        defaults={
            "organisation_id": order.organisation_id,
            "technician_id": order.technician_id,
            "detected_at": now,
            "deduction": settings.missed_service_deduction,
            "no_bonus": no_bonus,
        },
    )
    updates = {"missed_service": True}
    if no_bonus:
        updates.update(no_bonus=True, no_callback=True)
    WorkOrder.objects.filter(pk=order.pk).update(**updates)
    order.refresh_from_db()
    audit_record(
        actor=by,
        action="shouhou.workorder.reported_late",
        obj=order,
        after=updates,
        note=_("Reported %(days)s day(s) after the job was received.")
        % {"days": (reported - received).days},
    )
    return order


# Dispatch -------------------------------------------------------------------------------------
def _check_permit(order, technician, *, settings, on_date) -> None:
    if technician.organisation_id != order.organisation_id:
        raise ValidationFailed(fields={"technician": [_("Not found.")]})
    needed = config.permit_kind(settings, order.kind)
    if not needed:
        raise ValidationFailed(
            _("No permit kind is configured for this kind of order."),
            fields={"technician": [_("No permit kind is configured for this kind of order.")]},
            code="no_permit_kind",
        )
    check = can_work(staff=technician, kind=needed, on_date=on_date)
    if not check.ok:
        raise ValidationFailed(
            check.reason,
            fields={"technician": [check.reason]},
            code=getattr(check, "code", None) or "permit_invalid",
        )


def _dispatch(order, technician, *, by, now, settings, action="dispatch", extra=None) -> WorkOrder:
    _check_permit(order, technician, settings=settings, on_date=timezone.localtime(now).date())
    states.check(action, order.status)
    signals.workorder_dispatching.publish(
        sender=WorkOrder, order=order, technician=technician, at=now, by=by
    )
    due = compute_due_times(order, dispatched_at=now)
    updates = {
        "technician_id": technician.pk,
        "dispatched_at": now,
        "dispatch_seq": F("dispatch_seq") + 1,
        **ASSIGNMENT_RESET,
        **due,
        **(extra or {}),
    }
    return _transition(order, action, by=by, now=now, updates=updates)


def workorder_dispatch(*, by, order: WorkOrder, technician, now=None) -> WorkOrder:
    """Give a new order to a technician whose permit allows this kind of work.

    Two clerks dispatching the same order at once: exactly one wins, the other gets 409.
    """
    now = _now(now)
    _require_desk(by, order)
    _merchant_staff_only(by, technician)
    settings = config.ensure_defaults(order.organisation_id)
    with transaction.atomic():
        return _dispatch(order, technician, by=by, now=now, settings=settings)


def workorder_reassign(*, by, order: WorkOrder, technician, note: str = "", now=None) -> WorkOrder:
    now = _now(now)
    _require_desk(by, order)
    _merchant_staff_only(by, technician)
    settings = config.ensure_defaults(order.organisation_id)
    with transaction.atomic():
        order = _lock(order)
        return _dispatch(order, technician, by=by, now=now, settings=settings, action="reassign")


def _merchant_staff_only(by, technician) -> None:
    if (
        by.merchant_id
        and not by.is_superuser
        and not r.has_role(by, *(DISPATCH_ROLES - {r.MERCHANT_ADMIN}))
        and technician.merchant_id != by.merchant_id
    ):
        raise ValidationFailed(fields={"technician": [_("Not found.")]})


# The technician's steps -----------------------------------------------------------------------
def workorder_contact(*, by, order, note: str = "", now=None) -> WorkOrder:
    """The technician reached the customer."""
    now = _now(now)
    _require_actor(by, order)
    with transaction.atomic():
        order = _lock(order)
        states.check("contact", order.status)
        ContactAttempt.objects.create(
            organisation_id=order.organisation_id,
            order=order,
            at=now,
            reached=True,
            note=note,
            by=by,
        )
        return _transition(
            order,
            "contact",
            by=by,
            now=now,
            note=note,
            updates={
                "contacted_at": order.contacted_at or now,
                "unreachable_since": None,
                "unreachable_report_due_at": None,
                **_reply_fields(order, now),
            },
        )


def workorder_unreachable(*, by, order, note: str = "", now=None) -> WorkOrder:
    """A call that did not reach the customer. After N consecutive working days the technician
    must report why (`workorder_report_unreachable`)."""
    now = _now(now)
    _require_actor(by, order)
    settings = config.ensure_defaults(order.organisation_id)
    with transaction.atomic():
        order = _lock(order)
        states.check("unreachable", order.status)
        ContactAttempt.objects.create(
            organisation_id=order.organisation_id,
            order=order,
            at=now,
            reached=False,
            note=note,
            by=by,
        )
        updates = _reply_fields(order, now)
        if order.unreachable_since is None:
            updates["unreachable_since"] = now
            updates["unreachable_report_due_at"] = calendar(order.organisation_id).add_working_days(
                now, settings.unreachable_report_after_days
            )
        return _transition(order, "unreachable", by=by, now=now, updates=updates, note=note)


def workorder_report_unreachable(*, by, order, reason: str, now=None) -> WorkOrder:
    now = _now(now)
    _require_actor(by, order)
    reason = (reason or "").strip()
    if not reason:
        raise ValidationFailed(fields={"reason": [_("Say why the customer cannot be reached.")]})
    with transaction.atomic():
        order = _lock(order)
        if order.unreachable_since is None:
            raise InvalidTransition(
                _("No failed call is recorded for this order."), code="not_unreachable"
            )
        return _transition(
            order,
            "report_unreachable",
            by=by,
            now=now,
            updates={"unreachable_reason": reason, **_reply_fields(order, now)},
            note=reason,
        )


def workorder_appoint(*, by, order, appointment_at: dt.datetime, now=None) -> WorkOrder:
    """The appointment is made and reported; the call centre calls back one working day after."""
    now = _now(now)
    _require_actor(by, order)
    if appointment_at is None or timezone.is_naive(appointment_at):
        raise ValidationFailed(fields={"appointment_at": [_("Give a date and time.")]})
    if timezone.localtime(appointment_at).date() < timezone.localtime(now).date():
        raise ValidationFailed(
            fields={"appointment_at": [_("The appointment cannot be in the past.")]}
        )
    settings = config.ensure_defaults(order.organisation_id)
    with transaction.atomic():
        order = _lock(order)
        states.check("appoint", order.status)
        signals.workorder_appointing.publish(
            sender=WorkOrder, order=order, appointment_at=appointment_at, by=by
        )
        _skip_appointment_callbacks(order, by=by, note=_("The appointment was changed."))
        callback_on = None
        if not order.no_callback:
            callback_on = calendar(order.organisation_id).add_working_days(
                timezone.localtime(appointment_at).date(), settings.callback_after_appointment_days
            )
        return _transition(
            order,
            "appoint",
            by=by,
            now=now,
            updates={
                "appointment_at": appointment_at,
                "appointment_seq": F("appointment_seq") + 1,
                "callback_due_on": callback_on,
                "callback_created": False,
                "contacted_at": order.contacted_at or now,
                "unreachable_since": None,
                "unreachable_report_due_at": None,
                **_reply_fields(order, now),
            },
        )


def _skip_appointment_callbacks(order, *, by, note) -> None:
    signals.workorder_appointment_voided.publish(
        sender=WorkOrder, order=order, note=str(note), by=by
    )


def workorder_postpone(*, by, order, note: str, now=None) -> WorkOrder:
    """The customer asked for a later date: the clock stops until an appointment is made."""
    now = _now(now)
    _require_actor(by, order)
    with transaction.atomic():
        order = _lock(order)
        return _transition(
            order, "postpone", by=by, now=now, updates=_reply_fields(order, now), note=note
        )


def workorder_arrive(*, by, order, now=None) -> WorkOrder:
    now = _now(now)
    _require_actor(by, order)
    with transaction.atomic():
        order = _lock(order)
        return _transition(
            order,
            "arrive",
            by=by,
            now=now,
            updates={
                "arrived_at": order.arrived_at or now,
                "contacted_at": order.contacted_at or now,
                **_reply_fields(order, now),
            },
        )


def workorder_wait_parts(*, by, order, note: str = "", now=None) -> WorkOrder:
    """Cannot finish now (parts needed): another visit is needed; the clock stops meanwhile."""
    now = _now(now)
    _require_actor(by, order)
    with transaction.atomic():
        order = _lock(order)
        return _transition(
            order,
            "wait_parts",
            by=by,
            now=now,
            updates={"needs_revisit": True, **_news(now)},
            note=note,
        )


def workorder_not_home(*, by, order, note: str, now=None) -> WorkOrder:
    """The customer was not at home at the agreed time: a note was left, the customer must ask
    again, and the call centre does not call back the next day."""
    now = _now(now)
    _require_actor(by, order)
    note = (note or "").strip()
    if not note:
        raise ValidationFailed(
            fields={"note": [_("Write what the note left for the customer says.")]}
        )
    with transaction.atomic():
        order = _lock(order)
        states.check("not_home", order.status)
        _skip_appointment_callbacks(order, by=by, note=_("The customer was not at home."))
        return _transition(
            order,
            "not_home",
            by=by,
            now=now,
            updates={
                "not_home_note": note,
                "callback_due_on": None,
                "callback_created": False,
                **_reply_fields(order, now),
            },
            note=note,
        )


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
    from .checklist import STEP_CODES

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
        photo.image.save(content.name, content, save=False)
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


# Customers' own requests ------------------------------------------------------------------------
def public_request_reject(*, by, request: PublicRequest, reason: str, now=None) -> PublicRequest:
    """The service desk turns down a request sent through the public form, saying why (the
    customer sees the reason through their link)."""
    now = _now(now)
    _same_org(by, request)
    r.require_role(by, *DESK_ROLES)
    reason = (reason or "").strip()
    if not reason:
        raise ValidationFailed(fields={"reason": [_("Say why the request is rejected.")]})
    if len(reason) > 500:
        raise ValidationFailed(fields={"reason": [_("At most 500 characters.")]})
    with transaction.atomic():
        n = PublicRequest.objects.filter(pk=request.pk, status=PublicRequest.Status.PENDING).update(
            status=PublicRequest.Status.REJECTED,
            reject_reason=reason,
            handled_by=by,
            handled_at=now,
        )
        if n == 0:
            raise Conflict(_("This request was already handled."), code="already_handled")
        request.refresh_from_db()
        audit_record(
            actor=by,
            action="shouhou.public_request.rejected",
            obj=request,
            before={"status": PublicRequest.Status.PENDING},
            after={"status": PublicRequest.Status.REJECTED},
            note=reason,
        )
        return request


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


def workorder_close(*, by, order, note: str = "", now=None) -> WorkOrder:
    now = _now(now)
    _require_desk(by, order, DESK_ROLES)
    with transaction.atomic():
        order = _lock(order)
        states.check("close", order.status)
        signals.workorder_closing.publish(sender=WorkOrder, order=order, by=by)
        return _transition(order, "close", by=by, now=now, updates={"closed_at": now}, note=note)


def workorder_cancel(*, by, order, reason: str, now=None) -> WorkOrder:
    now = _now(now)
    _require_desk(by, order, DISPATCH_ROLES)
    reason = (reason or "").strip()
    if not reason:
        raise ValidationFailed(fields={"reason": [_("Say why the order is cancelled.")]})
    with transaction.atomic():
        order = _lock(order)
        states.check("cancel", order.status)
        order = _transition(
            order, "cancel", by=by, now=now, updates={"closed_at": now}, note=reason
        )
        # Every open callback of the order goes (after the appointment, after the service...).
        signals.workorder_cancelled.publish(
            sender=WorkOrder, order=order, note=f"{_('The order was cancelled.')} {reason}", by=by
        )
        return order


def workorder_reissue(*, by, order, note: str = "", now=None) -> WorkOrder:
    """The callback found the technician did not come as agreed: missed service, a deduction
    for the technician, and the order goes out again today marked 重发 (first in every list)."""
    now = _now(now)
    _require_desk(by, order, REISSUE_ROLES)
    settings = config.ensure_defaults(order.organisation_id)
    with transaction.atomic():
        order = _lock(order)
        states.check("reissue", order.status)
        if order.technician_id is None:
            raise InvalidTransition(_("This order was never dispatched."), code="not_dispatched")
        MissedService.objects.get_or_create(
            order=order,
            reason=MissedService.Reason.NO_SHOW,
            cycle=order.dispatch_seq,
            defaults={
                "organisation_id": order.organisation_id,
                "technician_id": order.technician_id,
                "detected_at": now,
                "deduction": settings.missed_service_deduction,
                "note": note,
            },
        )
        _skip_appointment_callbacks(order, by=by, note=_("The order was re-issued."))
        technician = order.technician
        return _dispatch(
            order,
            technician,
            by=by,
            now=now,
            settings=settings,
            action="reissue",
            extra={
                "is_reissued": True,
                "reissue_count": F("reissue_count") + 1,
                "reissued_at": now,
                "missed_service": True,
                "completed_at": None,
            },
        )


def workorder_second_visit(*, by, order, description: str = "", now=None) -> IntakeResult:
    """A callback found the problem is not solved (seed 001: 经电话回访获知需再次上门).

    An order still open is marked as needing another visit (the callback is logged as a call
    on it); a finished one (done, confirmed, closed) gets a new repair order from the callback
    for the same customer, product and contract, marked as needing another visit, so the daily
    report lists it. If the customer already has an open order for that product, the intake
    joins it (`joined` True) and that order is marked instead. A cancelled order is refused.
    Returns the order that carries the second visit."""
    now = _now(now)
    _require_desk(by, order, DESK_ROLES)
    description = (description or "").strip() or str(_("Needs another visit"))
    with transaction.atomic():
        order = _lock(order)
        if order.status == states.CANCELLED:
            raise InvalidTransition(_("The order was cancelled."), code="order_cancelled")
        if order.status in states.UNRESOLVED_STATES:
            target, joined = order, True
            Call.objects.create(
                organisation_id=order.organisation_id,
                order=order,
                source=Source.CALLBACK,
                at=now,
                description=description,
                joined=True,
                by=by,
            )
        else:
            result = workorder_intake(
                by=by,
                organisation=order.organisation,
                source=Source.CALLBACK,
                kind=Kind.REPAIR,
                description=f"{order.number}: {description}",
                customer=order.customer,
                store=order.store,
                merchant=order.merchant,
                dealer=order.dealer,
                product=order.product,
                product_model=order.product_model,
                contract=order.contract,
                now=now,
            )
            target, joined = _lock(result.order), result.joined
        before = snapshot(target)
        WorkOrder.objects.filter(pk=target.pk).update(needs_revisit=True, updated_at=now)
        target.refresh_from_db()
        audit_record(
            actor=by,
            action="shouhou.workorder.second_visit",
            obj=target,
            before=before,
            after=snapshot(target),
            note=description if target.pk == order.pk else f"{order.number}: {description}",
        )
        return IntakeResult(target, joined)


def workorder_change_policy(*, by, order, policy, reason: str, now=None) -> WorkOrder:
    now = _now(now)
    _require_desk(by, order, DESK_ROLES)
    reason = (reason or "").strip()
    if not reason:
        raise ValidationFailed(fields={"reason": [_("Say why the policy is changed.")]})
    if policy.organisation_id != order.organisation_id or not policy.is_active:
        raise ValidationFailed(fields={"policy": [_("Not found.")]})
    with transaction.atomic():
        order = _lock(order)
        if order.category == states.RESOLVED:
            raise InvalidTransition(_("The order is finished."))
        before = snapshot(order)
        WorkOrder.objects.filter(pk=order.pk).update(policy=policy, policy_reason=reason)
        order.refresh_from_db()
        workorder_recompute_due(order)
        audit_record(
            actor=by,
            action="shouhou.workorder.policy_changed",
            obj=order,
            before=before,
            after=snapshot(order),
            note=reason,
        )
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


__all__ = [
    n for n in dir() if n.startswith(("workorder_", "service_", "report_part_", "public_request_"))
] + [
    "IntakeResult",
    "DomainError",
]
