"""Every write of the complaints app: register a case, inspect on site (a work order), set the
cause and responsibility, submit for approval (routed by the approval rules), sign, carry out,
close, refuse; supplier claims, repair items, penalty notices, notifications."""

from __future__ import annotations

from decimal import Decimal

from django.contrib.auth import get_user_model
from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from shouhou.core.audit import audit_record, snapshot
from shouhou.core.errors import (
    Conflict,
    InvalidTransition,
    NotFoundError,
    PermissionDeniedError,
    ValidationFailed,
)
from shouhou.core.money import to_money
from shouhou.org import roles as r
from shouhou.promises import rules as PR
from shouhou.workorders.services import workorder_intake

from . import case_links, routing, selectors, signals
from . import states as s
from .defaults import DEFAULT_CAUSES, DEFAULT_ROUTES
from .models import (
    ApprovalRule,
    Case,
    ComplaintCause,
    ComplaintSettings,
    Notification,
    PenaltyNotice,
    RepairItem,
    Responsibility,
    Signature,
)

DESK_ROLES = {r.CLERK, r.CS_SUPERVISOR, r.CS_MANAGER, r.CALL_CENTRE, r.SERVICE_DESK}
SUPERVISOR_ROLES = {
    r.CS_SUPERVISOR,
    r.CS_MANAGER,
    r.STORE_MANAGER,
    r.VP_OPERATIONS,
    r.GENERAL_MANAGER,
}

# The outcome a flow needs from the promise decision.
NEEDS_OUTCOME = {s.EXCHANGE: PR.EXCHANGE, s.RETURN: PR.RETURN, s.INSTALLED_EXCHANGE: PR.EXCHANGE}


# --- configuration ------------------------------------------------------------------------


def complaints_ensure_defaults(organisation) -> None:
    """Write the default approval rules and causes for an organisation (idempotent)."""
    try:
        with transaction.atomic():
            if not ApprovalRule.objects.filter(organisation=organisation).exists():
                for d in DEFAULT_ROUTES:
                    ApprovalRule.objects.create(
                        organisation=organisation,
                        order=d["order"],
                        name=str(d["name"]),
                        installed=d.get("installed", routing.ANY),
                        within_promises=d.get("within_promises", routing.ANY),
                        min_amount=d.get("min_amount"),
                        max_amount=d.get("max_amount"),
                        approver_roles=list(d["approver_roles"]),
                    )
            if not ComplaintCause.objects.filter(organisation=organisation).exists():
                for i, (code, name) in enumerate(DEFAULT_CAUSES):
                    ComplaintCause.objects.create(
                        organisation=organisation, code=code, name=str(name), order=(i + 1) * 10
                    )
    except IntegrityError:
        pass


def settings_for(organisation) -> ComplaintSettings:
    org_id = getattr(organisation, "pk", organisation)
    obj, _created = ComplaintSettings.objects.get_or_create(organisation_id=org_id)
    return obj


def steps_user_covers(user, case: Case, *, ranks: dict | None = None) -> int:
    """How many steps of the case's route, from the next one on, the user's signature would cover
    now (0: the user may not sign; also 0 once they have signed this case)."""
    if case.status != s.AWAITING_APPROVAL or not case.current_role:
        return 0
    if ranks is None:
        ranks = selectors.role_ranks(case.organisation_id)
    return routing.steps_covered(
        r.user_roles(user),
        case.route_roles,
        case.current_step,
        ranks=ranks,
        superuser=user.is_superuser,
    )


def routes_for(organisation) -> list[routing.Route]:
    complaints_ensure_defaults(organisation)
    return [
        row.as_route()
        for row in ApprovalRule.objects.filter(organisation=organisation, is_active=True)
    ]


def role_names(roles) -> str:
    return "、".join(str(r.ROLES.get(code, code)) for code in roles)


# --- helpers ------------------------------------------------------------------------------


def _money(value, field: str, errors: dict) -> Decimal:
    if value in (None, ""):
        return Decimal("0.00")
    try:
        amount = to_money(value)
    except ValueError as exc:
        errors[field] = [str(exc)]
        return Decimal("0.00")
    if amount < 0:
        errors[field] = [_("The amount cannot be negative.")]
    return amount


def _load(by, case) -> Case:
    pk = case.pk if isinstance(case, Case) else case
    try:
        pk = int(pk)
    except (TypeError, ValueError):
        raise NotFoundError() from None
    row = Case.objects.filter(pk=pk, organisation_id=by.organisation_id).first()
    if row is None:
        raise NotFoundError()
    return row


def _move(case: Case, new: str, *, by, action: str, **fields) -> Case:
    """A guarded state change: only from the state the case was read in."""
    if not s.allowed(case.kind, case.status, new):
        raise InvalidTransition(
            _("A %(kind)s that is %(status)s cannot become %(new)s.")
            % {
                "kind": case.get_kind_display(),
                "status": case.get_status_display(),
                "new": dict(Case._meta.get_field("status").choices)[new],
            }
        )
    before = snapshot(case)
    n = Case.objects.filter(pk=case.pk, status=case.status).update(
        status=new, updated_at=timezone.now(), **fields
    )
    if n == 0:
        raise InvalidTransition(_("Someone else changed this case just now; reload it."))
    case.refresh_from_db()
    audit_record(actor=by, action=action, obj=case, before=before, after=snapshot(case))
    return case


def _require_editable(case: Case) -> None:
    if case.status not in s.EDITABLE_STATES:
        raise InvalidTransition(
            _("This case is %(status)s; it can no longer be changed.")
            % {"status": case.get_status_display()},
            code="case_decided",
        )


# --- register -----------------------------------------------------------------------------


def case_register(
    *,
    by,
    kind: str,
    customer=None,
    description: str = "",
    contract=None,
    product=None,
    decision=None,
    demand: str = "",
    cause=None,
    store=None,
    work_order=None,
    fault=None,
    owned_product=None,
) -> Case:
    """Register a complaint (顾客投诉登记) or start an exchange / return flow.

    Exchanges and returns need a promise decision that grants them (missing receipt or
    packaging, or a period over: refused, with the rule's words, and nothing is written).
    `work_order`: the customer's order the complaint is about (e.g. found by a callback).
    `fault` (and the customer's `owned_product`): the case joins the service case of the same
    fault of the same product (`case_links.service_case_of`, issue 16.9)."""
    r.require_role(by, *DESK_ROLES)
    org = by.organisation
    errors: dict[str, list] = {}
    if kind not in s.KINDS:
        errors["kind"] = [_("Unknown kind of case.")]
    if decision is not None:
        if decision.organisation_id != org.pk:
            raise NotFoundError()
        customer = customer or decision.customer
        contract = contract or decision.contract
        product = product or decision.product
    for name, obj in (("customer", customer), ("contract", contract), ("product", product)):
        if obj is not None and obj.organisation_id != org.pk:
            errors[name] = [_("Not found.")]
    if customer is None:
        errors["customer"] = [_("Choose the customer.")]
    if contract is not None and customer is not None and contract.customer_id != customer.pk:
        errors["contract"] = [_("This contract is another customer's.")]
    if not (description or "").strip():
        errors["description"] = [_("Say what the customer reports.")]
    if cause is not None and cause.organisation_id != org.pk:
        errors["cause"] = [_("Not found.")]
    if work_order is not None and (
        work_order.organisation_id != org.pk
        or (customer is not None and work_order.customer_id != customer.pk)
    ):
        errors["work_order"] = [_("Not found.")]
    within = False
    installed = bool(product and product.needs_installation)
    if kind in NEEDS_OUTCOME:
        if decision is None:
            errors["decision"] = [_("An exchange or a return needs the promise decision first.")]
        else:
            need = NEEDS_OUTCOME[kind]
            if need not in (decision.allowed or []):
                raise ValidationFailed(
                    _("The service promises do not allow a %(outcome)s here: %(why)s")
                    % {"outcome": PR.outcome_label(need), "why": decision.explanation},
                    code="not_within_promises",
                    fields={"decision": [decision.explanation]},
                )
            within = True
            installed = decision.facts.get("installed_by", PR.NOT_INSTALLED) != PR.NOT_INSTALLED
            if kind == s.INSTALLED_EXCHANGE and not installed:
                errors["kind"] = [_("The product was not installed; use a plain exchange.")]
            if kind == s.EXCHANGE and installed:
                errors["kind"] = [
                    _("The product was installed; use the installed-product exchange.")
                ]
    if errors:
        raise ValidationFailed(fields=errors)
    complaints_ensure_defaults(org)
    with transaction.atomic():
        service_case, fault = case_links.service_case_of(
            by=by,
            kind=kind,
            customer=customer,
            product=product,
            fault=fault,
            owned_product=owned_product,
            work_order=work_order,
            at=timezone.now(),
        )
        case = Case.objects.create(
            organisation=org,
            kind=kind,
            fault=fault,
            service_case=service_case,
            customer=customer,
            contract=contract,
            product=product,
            decision=decision,
            store=store or getattr(by, "store", None) or customer.store,
            description=description.strip(),
            demand=demand,
            cause=cause,
            installed=installed,
            within_promises=within,
            registered_by=by,
            work_order=work_order,
        )
        prefix = {s.COMPLAINT: "TS", s.EXCHANGE: "HH", s.RETURN: "TH", s.INSTALLED_EXCHANGE: "AH"}
        case.number = f"{prefix[kind]}{timezone.localdate():%y%m%d}{case.pk:05d}"
        case.save(update_fields=["number"])
        audit_record(actor=by, action="shouhou.case.registered", obj=case, after=snapshot(case))
    return case


def case_update(*, by, case, description=None, demand=None, cause=None, findings=None) -> Case:
    """Correct what was registered; only before the case is submitted for approval."""
    r.require_role(by, *DESK_ROLES)
    with transaction.atomic():
        case = _load(by, case)
        Case.objects.select_for_update().filter(pk=case.pk).first()
        case.refresh_from_db()
        _require_editable(case)
        before = snapshot(case)
        if description is not None:
            if not description.strip():
                raise ValidationFailed(
                    fields={"description": [_("Say what the customer reports.")]}
                )
            case.description = description.strip()
        if demand is not None:
            case.demand = demand
        if findings is not None:
            case.findings = findings
        if cause is not None:
            if cause.organisation_id != case.organisation_id:
                raise ValidationFailed(fields={"cause": [_("Not found.")]})
            case.cause = cause
        case.save()
        audit_record(
            actor=by, action="shouhou.case.updated", obj=case, before=before, after=snapshot(case)
        )
    return case


def case_set_responsibility(
    *, by, case, responsibility: str, findings: str = "", supplier=None, cause=None
) -> Case:
    """Who is responsible (范文4): supplier → notified now; customer → explained; ours → repair."""
    r.require_role(by, *DESK_ROLES)
    if responsibility not in Responsibility.values or not responsibility:
        raise ValidationFailed(fields={"responsibility": [_("Choose who is responsible.")]})
    with transaction.atomic():
        case = _load(by, case)
        Case.objects.select_for_update().filter(pk=case.pk).first()
        case.refresh_from_db()
        _require_editable(case)
        if responsibility == Responsibility.SUPPLIER:
            supplier = supplier or getattr(case.product, "supplier", None)
            if supplier is None:
                raise ValidationFailed(fields={"supplier": [_("Choose the supplier to notify.")]})
            if supplier.organisation_id != case.organisation_id:
                raise ValidationFailed(fields={"supplier": [_("Not found.")]})
        if responsibility == Responsibility.CUSTOMER and not findings.strip():
            raise ValidationFailed(
                fields={"findings": [_("Write down what was explained to the customer.")]}
            )
        before = snapshot(case)
        case.responsibility = responsibility
        case.findings = findings or case.findings
        if cause is not None:
            case.cause = cause
        if responsibility == Responsibility.SUPPLIER:
            case.supplier = supplier
            case.supplier_notified_at = case.supplier_notified_at or timezone.now()
        case.save()
        audit_record(
            actor=by,
            action="shouhou.case.responsibility_set",
            obj=case,
            before=before,
            after=snapshot(case),
        )
        signals.responsibility_set.publish(
            sender=Case, case=case, responsibility=responsibility, by=by
        )
    return case


def case_add_repair_item(*, by, case, item: str, quantity, unit_cost) -> RepairItem:
    """An item repaired at our cost (our workmanship)."""
    r.require_role(by, *DESK_ROLES)
    errors: dict = {}
    if not (item or "").strip():
        errors["item"] = [_("Name the item.")]
    try:
        qty = Decimal(str(quantity))
        if qty <= 0 or qty != qty.quantize(Decimal("0.01")):
            raise ValueError
    except Exception:
        errors["quantity"] = [_("A quantity above zero, at most two decimals.")]
        qty = Decimal("0")
    cost = _money(unit_cost, "unit_cost", errors)
    if errors:
        raise ValidationFailed(fields=errors)
    with transaction.atomic():
        case = _load(by, case)
        if case.status in s.FINAL_STATES:
            raise InvalidTransition(_("This case is closed."))
        if case.responsibility != Responsibility.WORKMANSHIP:
            raise ValidationFailed(
                _("Repair items at our cost are for cases of our own workmanship.")
            )
        row = RepairItem.objects.create(
            organisation=case.organisation,
            case=case,
            item=item.strip(),
            quantity=qty,
            unit_cost=cost,
            cost=(qty * cost).quantize(Decimal("0.01")),
        )
        audit_record(actor=by, action="shouhou.repair_item.created", obj=row, after=snapshot(row))
    return row


def case_record_supplier_claim(*, by, case, amount) -> Case:
    """Claim the cost back from the supplier (二次索赔)."""
    r.require_role(by, *DESK_ROLES)
    errors: dict = {}
    value = _money(amount, "amount", errors)
    if not errors and value <= 0:
        errors["amount"] = [_("The amount must be more than zero.")]
    if errors:
        raise ValidationFailed(fields=errors)
    with transaction.atomic():
        case = _load(by, case)
        if case.responsibility != Responsibility.SUPPLIER:
            raise ValidationFailed(_("Only a supplier's product can be claimed back."))
        before = snapshot(case)
        case.supplier_claim_amount = value
        case.save(update_fields=["supplier_claim_amount", "updated_at"])
        audit_record(
            actor=by, action="shouhou.case.claimed", obj=case, before=before, after=snapshot(case)
        )
    return case


# --- on-site inspection -------------------------------------------------------------------


def case_start_inspection(*, by, case, description: str = "") -> Case:
    """Send someone on site: a work order of kind "inspection" through the work-order intake."""

    r.require_role(by, *DESK_ROLES)
    with transaction.atomic():
        case = _load(by, case)
        if not s.allowed(case.kind, case.status, s.INSPECTING):
            raise InvalidTransition(
                _("An inspection cannot start while the case is %(status)s.")
                % {"status": case.get_status_display()}
            )
        result = workorder_intake(
            by=by,
            organisation=case.organisation,
            source="walk_in",
            kind="inspection",
            description=description or f"{case.number}: {case.description}",
            customer=case.customer,
            store=case.store,
            product=case.product,
            contract=case.contract,
            fault=case.fault,
            service_case=case.service_case,
        )
        case = _move(
            case,
            s.INSPECTING,
            by=by,
            action="shouhou.case.inspecting",
            inspection_order=result.order,
        )
    return case


# --- approval -----------------------------------------------------------------------------


def case_submit(*, by, case, resolution: str, compensation=None, rework_goods=None) -> Case:
    """Propose the resolution and its cost; the approval rules decide who must sign."""
    r.require_role(by, *DESK_ROLES)
    errors: dict = {}
    comp = _money(compensation, "compensation", errors)
    rework = _money(rework_goods, "rework_goods", errors)
    if not (resolution or "").strip():
        errors["resolution"] = [_("Describe the proposed resolution.")]
    if errors:
        raise ValidationFailed(fields=errors)
    amount = comp + rework
    with transaction.atomic():
        case = _load(by, case)
        if case.kind == s.INSTALLED_EXCHANGE and case.status == s.REGISTERED:
            raise InvalidTransition(
                _("An installed product is inspected on site before the exchange is decided.")
            )
        try:
            chosen = routing.route(
                routing.Case(
                    kind=case.kind,
                    amount=amount,
                    installed=case.installed,
                    within_promises=case.within_promises,
                ),
                routes_for(case.organisation),
            )
        except routing.NoRouteMatches:
            raise ValidationFailed(
                _("No approval rule covers this case; ask an administrator to add one."),
                code="no_approval_rule",
            ) from None
        if not chosen.approver_roles:
            raise ValidationFailed(_("The approval rule names no approver."), code="no_approver")
        case = _move(
            case,
            s.AWAITING_APPROVAL,
            by=by,
            action="shouhou.case.submitted",
            resolution=resolution.strip(),
            compensation=comp,
            rework_goods=rework,
            amount=amount,
            route_name=chosen.name,
            route_roles=list(chosen.approver_roles),
            current_step=0,
            submitted_at=timezone.now(),
        )
        _notify_approvers(case)
    return case


def _notify_approvers(case: Case) -> None:
    role = case.current_role
    if not role:
        return
    User = get_user_model()
    users = User.objects.filter(
        organisation_id=case.organisation_id, is_active=True, groups__name=role
    ).distinct()
    Notification.objects.bulk_create(
        [
            Notification(
                recipient=u,
                title=_("%(number)s waits for your approval") % {"number": case.number},
                body=case.resolution,
                url=f"/complaints/{case.pk}/",
            )
            for u in users
        ]
    )


def case_sign(*, by, case, approve: bool = True, note: str = "") -> Case:
    """Sign the next step of the case's route. Someone below the step's role is refused with the
    name of who must approve; one person signs a case once; a step is signed once.

    A signer ranked above the step's role may sign it (seed 004 五.5: the store manager decides a
    total up to ¥2,000 himself), and the one signature also covers each following step the signer
    may sign (`routing.steps_covered`): one `Signature` row per step covered, all by the signer.
    A refusal covers the current step only and ends the case."""
    with transaction.atomic():
        case = _load(by, case)
        locked = Case.objects.select_for_update().filter(pk=case.pk).first()
        case = locked
        if case.status != s.AWAITING_APPROVAL:
            raise InvalidTransition(
                _("This case is %(status)s; there is nothing to sign.")
                % {"status": case.get_status_display()},
                code="not_awaiting_approval",
            )
        role = case.current_role
        covered = steps_user_covers(by, case)
        if not covered:
            raise PermissionDeniedError(
                _("This case (%(amount)s yuan) needs the approval of: %(role)s (%(rule)s).")
                % {"amount": case.amount, "role": role_names([role]), "rule": case.route_name},
                code="approver_required",
                extra={"required_role": role},
            )
        if Signature.objects.filter(case=case, signed_by=by).exists():
            raise Conflict(
                _("You have already signed this case; the next signature must be someone else's."),
                code="already_signed",
            )
        if not approve and not (note or "").strip():
            raise ValidationFailed(fields={"note": [_("Say why you do not approve.")]})
        if not approve:
            covered = 1  # a refusal ends the case at this step
        steps = range(case.current_step, case.current_step + covered)
        try:
            with transaction.atomic():
                sigs = [
                    Signature.objects.create(
                        organisation=case.organisation,
                        case=case,
                        step=step,
                        role=case.route_roles[step],
                        verdict=(
                            Signature.Verdict.APPROVED if approve else Signature.Verdict.REJECTED
                        ),
                        signed_by=by,
                        note=note,
                    )
                    for step in steps
                ]
        except IntegrityError:
            raise Conflict(_("This step is already signed."), code="already_signed") from None
        for sig in sigs:
            audit_record(actor=by, action="shouhou.case.signed", obj=case, after=snapshot(sig))
        if not approve:
            return _move(
                case,
                s.REFUSED,
                by=by,
                action="shouhou.case.refused",
                refused_reason=note.strip(),
                closed_at=timezone.now(),
            )
        next_step = case.current_step + covered
        if next_step >= len(case.route_roles):
            return _move(
                case,
                s.APPROVED,
                by=by,
                action="shouhou.case.approved",
                current_step=next_step,
                approved_at=timezone.now(),
            )
        n = Case.objects.filter(pk=case.pk, current_step=case.current_step).update(
            current_step=next_step
        )
        if n == 0:
            raise Conflict(_("This step is already signed."), code="already_signed")
        case.refresh_from_db()
        _notify_approvers(case)
        return case


def case_carry_out(*, by, case, note: str = "") -> Case:
    """The goods were exchanged / refunded / the installed product replaced."""
    r.require_role(by, *DESK_ROLES)
    with transaction.atomic():
        case = _load(by, case)
        return _move(
            case,
            s.CARRIED_OUT,
            by=by,
            action="shouhou.case.carried_out",
            carried_out_at=timezone.now(),
        )


def case_close(*, by, case) -> Case:
    """Done: the customer has what was agreed."""
    r.require_role(by, *DESK_ROLES)
    with transaction.atomic():
        case = _load(by, case)
        return _move(case, s.DONE, by=by, action="shouhou.case.done", closed_at=timezone.now())


def case_refuse(*, by, case, reason: str) -> Case:
    """Refuse an unjustified demand, with the reason (supervisors and above)."""
    r.require_role(by, *SUPERVISOR_ROLES)
    if not (reason or "").strip():
        raise ValidationFailed(fields={"reason": [_("Say why the demand is refused.")]})
    with transaction.atomic():
        case = _load(by, case)
        return _move(
            case,
            s.REFUSED,
            by=by,
            action="shouhou.case.refused",
            refused_reason=reason.strip(),
            closed_at=timezone.now(),
        )


# --- penalties and notifications ----------------------------------------------------------


def penalty_issue(*, by, case, person, reason: str, amount=None) -> PenaltyNotice:
    """A penalty notice (处罚单) for the member of staff at fault."""
    r.require_role(by, *SUPERVISOR_ROLES)
    errors: dict = {}
    value = _money(amount, "amount", errors)
    if not (reason or "").strip():
        errors["reason"] = [_("Say what the person did wrong.")]
    if person is None or person.organisation_id != by.organisation_id:
        errors["person"] = [_("Not found.")]
    if errors:
        raise ValidationFailed(fields=errors)
    with transaction.atomic():
        case = _load(by, case)
        row = PenaltyNotice.objects.create(
            organisation=case.organisation,
            case=case,
            person=person,
            reason=reason.strip(),
            amount=value,
            issued_by=by,
        )
        audit_record(actor=by, action="shouhou.penalty.issued", obj=row, after=snapshot(row))
    return row


def notification_mark_read(*, by, notification) -> Notification:
    pk = getattr(notification, "pk", notification)
    row = Notification.objects.filter(pk=pk, recipient=by).first()
    if row is None:
        raise NotFoundError()
    Notification.objects.filter(pk=row.pk, read_at__isnull=True).update(read_at=timezone.now())
    row.refresh_from_db()
    return row
