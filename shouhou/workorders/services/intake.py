"""Taking an order in: the caller found or created, one problem one order (joining), the number,
the due times, a public request turned down.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from decimal import Decimal

from django.db import IntegrityError, connection, transaction
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext as _

from shouhou.core.audit import audit_batch, audit_record, snapshot
from shouhou.core.errors import (
    Conflict,
    DuplicateError,
    NotFoundError,
    PermissionDeniedError,
    ValidationFailed,
)
from shouhou.core.idempotency import service_atomic
from shouhou.core.phones import normalise_phone
from shouhou.customers.models import Customer
from shouhou.customers.selectors import customer_find_by_phone, is_office
from shouhou.customers.services import customer_create, service_case_for
from shouhou.org import roles as r

from .. import config, signals, states
from ..models import (
    Call,
    FaultTier,
    Kind,
    MissedService,
    PublicRequest,
    Route,
    Source,
    StatusChange,
    WorkOrder,
    WorkOrderCounter,
    WrittenContact,
)
from .common import (
    DESK_ROLES,
    INTAKE_ROLES,
    TECH_ROLES,
    _lock,
    _now,
    _same_org,
    _staff_for,
    _transition,
    compute_due_times,
    written_contact_due,
)
from .dispatch import _dispatch


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
    """(customer, created, locked): the customer with this phone, or a new one validated by the
    customers app; `locked` says whether the row is already locked for this intake.

    The office and merchant admins register customers, and so does a technician reporting a
    job they got directly (through the same validation: a real name, a valid mobile, an
    address); the public form finds known customers only (`customer_unknown` otherwise).
    """
    data = dict(customer_data or {})
    mobile = (data.get("mobile") or "").strip()
    if not mobile:
        raise ValidationFailed(fields={"mobile": [_("A phone number is required.")]})
    office = by is not None and r.has_role(by, *INTAKE_ROLES)
    technician = (
        by is not None
        and source == Source.TECHNICIAN
        and not office
        and r.has_role(by, *TECH_ROLES)
    )
    can_register = office or technician
    if office:
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
        return existing, False, True
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
            in_intake=technician,
        )
    except DuplicateError as exc:
        # Known under a number this user cannot see (e.g. another merchant's customer).
        existing_id = exc.extra.get("existing_id")
        if not existing_id:
            raise
        return Customer.objects.get(pk=existing_id, organisation=organisation), False, False
    return created, True, True


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


def _intake_technician(by, *, source: str, technician):
    """Who may take this order in, and the technician it goes to at once (if any).

    The public form takes self-service requests only; a technician reports a job they got
    directly (it is theirs); the desk may record what a technician phoned in; everyone else
    needs an intake role.
    """
    if by is None:
        if source != Source.SELF_SERVICE:
            raise PermissionDeniedError()
        return None
    if source != Source.TECHNICIAN:
        r.require_role(by, *INTAKE_ROLES)
        return None
    if technician is not None and r.has_role(by, *DESK_ROLES):
        return technician  # the desk records what the technician phoned in
    r.require_role(by, *TECH_ROLES)
    technician = _staff_for(by)
    if technician is None:
        raise PermissionDeniedError(
            _("Your login is not linked to a service staff record."), code="not_staff"
        )
    return technician


def _all_of(organisation, **objects) -> None:
    """Every object named in the request belongs to the order's organisation (a forged id of
    another organisation reads as unknown)."""
    for name, obj in objects.items():
        if obj is not None and obj.organisation_id != organisation.pk:
            raise ValidationFailed(fields={name: [_("Not found.")]})


def _insert_new(order: WorkOrder, *, by, now: dt.datetime) -> None:
    """One INSERT that already carries the number and the due times, then the NEW state at
    `received_at` (no pause yet), the call and the audit entry."""
    received_at = order.received_at
    for name, value in compute_due_times(order, history=[(received_at, states.NEW)]).items():
        setattr(order, name, value)
    order.number = _next_number(order.organisation_id, received_at)
    order.save(force_insert=True)
    StatusChange.objects.create(
        organisation_id=order.organisation_id,
        order=order,
        from_status="",
        to_status=states.NEW,
        at=received_at,
        by=order.created_by,
    )
    Call.objects.create(
        organisation_id=order.organisation_id,
        order=order,
        source=order.source,
        at=now,
        description=order.description,
        by=order.created_by,
    )
    # The tier asks for a written contact (seed 002 3.2.3): its record, with its own due time.
    # No query for the other tiers (the targets come from the cached configuration).
    written_due = written_contact_due(order)
    if written_due is not None:
        WrittenContact.objects.create(
            organisation_id=order.organisation_id, order=order, due_at=written_due
        )
    audit_record(actor=by, action="shouhou.workorder.created", obj=order, after=snapshot(order))


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
    fault_category: str = "",
    route: str = "",
    received_at: dt.datetime | None = None,
    technician=None,
    fault=None,
    owned_product=None,
    service_case=None,
    now: dt.datetime | None = None,
) -> IntakeResult:
    """Take a service request. A second request about the same open problem joins that order.

    `by` None is the public (QR code) form: `organisation` and `store` say where it came from.
    `source="technician"`: a job the technician got directly, reported now; `received_at` is when
    they got it (reported later than the same day: missed service; much later: no callback and
    no bonus).
    `fault` (a `customers.FaultCategory`) with a product (or the customer's `owned_product`):
    the new order opens a service case, or joins the case of an earlier record about the same
    fault of the same product (a repair, a complaint, a return; issue 16.9). `service_case`: the
    case the order belongs to already (a complaint's inspection visit), not counted as a repeat.
    """
    now = _now(now)
    organisation = organisation or getattr(by, "organisation", None)
    if organisation is None:
        raise ValidationFailed(_("No organisation for this request."))
    if source not in Source.values:
        raise ValidationFailed(fields={"source": [_("Unknown source.")]})
    if kind not in Kind.values:
        raise ValidationFailed(fields={"kind": [_("Unknown kind of service.")]})
    technician = _intake_technician(by, source=source, technician=technician)
    if by is not None and by.organisation_id and by.organisation_id != organisation.pk:
        raise NotFoundError()
    if (
        by is not None
        and by.merchant_id
        and not r.has_role(by, *(INTAKE_ROLES - {r.MERCHANT_ADMIN}))
    ):
        merchant = by.merchant  # a merchant's staff take in orders of their own merchant only
    _all_of(
        organisation,
        customer=customer,
        store=store,
        merchant=merchant,
        dealer=dealer,
        product=product,
        product_model=product_model,
        contract=contract,
        fault=fault,
        owned_product=owned_product,
        service_case=service_case,
    )
    fault_category, route = _tier_facts(fault_category, route, fault=fault)
    if product_model is not None and product is None:
        product = product_model.product
    if owned_product is not None and product is None and owned_product.product_id:
        product = owned_product.product
    distance_km = _distance(distance_km)
    received_at = received_at or now
    if received_at > now + dt.timedelta(minutes=5):
        raise ValidationFailed(fields={"received_at": [_("Cannot be in the future.")]})

    # The configuration comes from the per-organisation cache (its first load writes the
    # defaults, outside the intake's transaction).
    cfg = config.org_config(organisation)
    settings = cfg.settings if technician is not None else None
    with service_atomic(), audit_batch():
        customer, existing, new_customer = _intake_customer(
            by=by,
            organisation=organisation,
            customer=customer,
            customer_data=customer_data,
            store=store,
            merchant=merchant,
            source=source,
            product=product,
            contract=contract,
            kind=kind,
        )
        if existing is not None:
            return IntakeResult(
                _join(existing, by=by, source=source, description=description, now=now), True
            )
        case = _service_case(
            by=by,
            customer=customer,
            new_customer=new_customer,
            kind=kind,
            product=product,
            fault=fault,
            owned_product=owned_product,
            service_case=service_case,
            received_at=received_at,
        )
        policy, policy_reason = config.choose_policy_with_reason(
            organisation=organisation,
            customer=customer,
            product=product,
            store=store,
            is_emergency=is_emergency,
            distance_km=distance_km,
            fault_category=fault_category,
            route=route,
        )
        order = _new_order(
            organisation=organisation,
            kind=kind,
            source=source,
            customer=customer,
            store=store,
            merchant=merchant,
            dealer=dealer,
            product=product,
            product_model=product_model,
            contract=contract,
            description=description,
            is_emergency=is_emergency,
            distance_km=distance_km,
            fault_category=fault_category,
            route=route,
            policy=policy,
            policy_reason=policy_reason,
            received_at=received_at,
            now=now,
            by=by,
            fault=fault,
            service_case=case,
        )
        _insert_new(order, by=by, now=now)
        if technician is not None:
            order = _dispatch(order, technician, by=by, now=received_at, settings=settings)
            order = _self_report_rules(order, settings=settings, by=by, now=now)
        signals.workorder_received.publish(sender=WorkOrder, order=order, by=by)
        return IntakeResult(order, False)


def _tier_facts(fault_category, route, *, fault=None) -> tuple[str, str]:
    """The fault group and the route that choose the response tier (blank: not said).

    The desk names the fault once: a `fault` (fault category) brings its tier group. An
    explicit `fault_category` (the API's older field) is taken only when the fault has none,
    and one that contradicts the fault's is refused rather than silently overruled."""
    fault_category, route = (fault_category or "").strip(), (route or "").strip()
    errors = {}
    if fault_category and fault_category not in FaultTier.values:
        errors["fault_category"] = [_("Unknown fault category.")]
    elif fault is not None and fault.tier:
        if fault_category and fault_category != fault.tier:
            errors["fault_category"] = [
                _("The fault %(fault)s belongs to %(tier)s.")
                % {"fault": fault.name, "tier": fault.get_tier_display()}
            ]
        fault_category = fault.tier
    if route and route not in Route.values:
        errors["route"] = [_("Unknown route.")]
    if errors:
        raise ValidationFailed(fields=errors)
    return fault_category, route


def _distance(distance_km) -> Decimal | None:
    if distance_km is None:
        return None
    value = Decimal(str(distance_km))
    if value < 0:
        raise ValidationFailed(fields={"distance_km": [_("Cannot be negative.")]})
    return value


def _intake_customer(
    *, by, organisation, customer, customer_data, store, merchant, source, product, contract, kind
):
    """The customer (found by phone or created), locked so that two intakes for one customer
    cannot both open an order, the open order about the same problem if there is one, and
    whether the customer was registered by this intake."""
    new_customer = locked = False
    if customer is None:
        customer, new_customer, locked = _find_or_create_customer(
            by=by,
            organisation=organisation,
            customer_data=customer_data or {},
            store=store,
            merchant=merchant,
            source=source,
        )
    if contract is not None and contract.customer_id != customer.pk:
        raise ValidationFailed(fields={"contract": [_("This contract is another customer's.")]})
    if new_customer:  # a customer created in this transaction has no order yet
        return customer, None, True
    if not locked:  # the lookup by phone has taken the lock already
        type(customer).objects.select_for_update().filter(pk=customer.pk).first()
    return (
        customer,
        _open_order_for(customer=customer, product=product, contract=contract, kind=kind),
        False,
    )


def _service_case(
    *, by, customer, new_customer, kind, product, fault, owned_product, service_case, received_at
):
    """The service case of the new order: the one given (checked), else the case of an earlier
    record about the same fault of the same product, else a new one (None without a product and
    a fault). The customer is locked already (or new), so two intakes cannot open two cases."""
    if service_case is not None:
        if service_case.customer_id != customer.pk:
            raise ValidationFailed(fields={"service_case": [_("This case is another customer's.")]})
        return service_case
    return service_case_for(
        by=by,
        customer=customer,
        product_id=product.pk if product is not None else None,
        fault=fault,
        owned_product=owned_product,
        kind=f"work_order:{kind}",
        at=received_at,
        locked=True,
        new_customer=new_customer,
    )


def _new_order(
    *, organisation, customer, store, merchant, contract, by, now, **fields
) -> WorkOrder:
    """The new order, unsaved: the customer's phone and address, the store and merchant of the
    request (else of the contract, else of the customer)."""
    if hasattr(customer, "intake_address"):  # read with the customer (one query)
        district, address = customer.intake_district or "", customer.intake_address or ""
    else:
        default = customer.default_address if hasattr(customer, "addresses") else None
        district, address = getattr(default, "district", "") or "", str(default or "")
    if merchant is not None:
        merchant_id = merchant.pk
    else:
        merchant_id = contract.merchant_id if contract is not None else customer.merchant_id
    if store is None and Customer.store.is_cached(customer):
        store = customer.store  # read with the customer: the message names it, no query
    order = WorkOrder(
        organisation=organisation,
        status=states.NEW,
        customer=customer,
        contact_phone=customer.mobile,
        district=district,
        address=address,
        store_id=store.pk if store is not None else customer.store_id,
        merchant_id=merchant_id,
        contract=contract,
        reported_at=now,
        created_by=by if getattr(by, "is_authenticated", False) else None,
        **fields,
    )
    if store is not None:
        order.store = store
    return order


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
