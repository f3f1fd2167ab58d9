"""Supplier claims (二次索赔, seed 002 §3.8, 范文4; seed 004): a draft when a case is decided as
the supplier's responsibility, items with Decimal amounts, and the steps draft → sent →
acknowledged → settled in full / settled in part / rejected, each attributed and audited.

Sending really sends: an e-mail through Django's mail backend with the claim as an Excel file
attached and a signed link by which the supplier acknowledges it; the message id is kept.
"""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

from django.conf import settings
from django.core import signing
from django.core.mail import EmailMessage
from django.core.mail.message import make_msgid
from django.core.validators import validate_email
from django.db import IntegrityError, transaction
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from shouhou.core.audit import audit_record, snapshot
from shouhou.core.errors import InvalidTransition, NotFoundError, ValidationFailed
from shouhou.core.links import load_customer_link, sign_customer_link
from shouhou.core.middleware import organisation_scope
from shouhou.core.money import to_money

from . import access as A
from . import excel
from .models import ZERO, ClaimItem, SupplierClaim

ST = SupplierClaim.Status
LINK_SALT = "shouhou.dealers.claim_ack"
LINK_MAX_AGE = 60 * 60 * 24 * 90  # a supplier has three months to open the link
OPEN_STATES = (ST.DRAFT, ST.SENT, ST.ACKNOWLEDGED)
TRANSITIONS = {
    ST.DRAFT: {ST.SENT},
    ST.SENT: {ST.ACKNOWLEDGED, ST.REJECTED},
    ST.ACKNOWLEDGED: {ST.SETTLED_FULL, ST.SETTLED_PART, ST.REJECTED},
}


def _load(by, claim) -> SupplierClaim:
    pk = getattr(claim, "pk", claim)
    try:
        pk = int(pk)
    except (TypeError, ValueError):
        raise NotFoundError() from None
    row = (
        SupplierClaim.objects.select_for_update()
        .filter(pk=pk, organisation_id=by.organisation_id)
        .first()
    )
    if row is None:
        raise NotFoundError()
    return row


def _move(claim: SupplierClaim, new: str, *, by, action: str, **fields) -> SupplierClaim:
    """Guarded state change: the row moves only from the state it was read in."""
    if new not in TRANSITIONS.get(claim.status, set()):
        raise InvalidTransition(
            _("A claim that is %(state)s cannot become %(new)s.")
            % {"state": claim.get_status_display(), "new": ST(new).label}
        )
    before = snapshot(claim)
    moved = SupplierClaim.objects.filter(pk=claim.pk, status=claim.status).update(
        status=new, updated_at=timezone.now(), **fields
    )
    if not moved:
        raise InvalidTransition()
    claim.refresh_from_db()
    audit_record(actor=by, action=action, obj=claim, before=before, after=snapshot(claim))
    return claim


def _items(items, errors) -> list[tuple[str, str, Decimal]]:
    rows = []
    for i, item in enumerate(items or []):
        kind = item.get("kind")
        if kind not in ClaimItem.Kind.values:
            errors[f"items.{i}.kind"] = [_("Choose what is claimed.")]
        try:
            amount = to_money(item.get("amount"))
            if amount <= 0:
                raise ValueError(_("The amount must be more than zero."))
        except ValueError as exc:
            errors[f"items.{i}.amount"] = [str(exc)]
            amount = ZERO
        rows.append((kind, (item.get("description") or "").strip()[:200], amount))
    return rows


def _number(organisation_id, now) -> str:
    prefix = f"SP{timezone.localtime(now):%Y%m}-"
    n = SupplierClaim.objects.filter(
        organisation_id=organisation_id, number__startswith=prefix
    ).count()
    while True:
        n += 1
        number = f"{prefix}{n:04d}"
        if not SupplierClaim.objects.filter(
            organisation_id=organisation_id, number=number
        ).exists():
            return number


def claim_create(
    *,
    by,
    supplier,
    products: str = "",
    fault: str = "",
    evidence: str = "",
    email_to: str = "",
    items: list[dict] | None = None,
    case=None,
    now=None,
) -> SupplierClaim:
    """A claim draft typed by a user."""
    A.require(by, A.CLAIMS)
    errors: dict = {}
    if supplier is None:
        errors["supplier"] = [_("Choose the supplier.")]
    elif supplier.organisation_id != by.organisation_id:
        errors["supplier"] = [_("Not found.")]
    if email_to:
        try:
            validate_email(email_to)
        except Exception:
            errors["email_to"] = [_("Not an e-mail address.")]
    rows = _items(items, errors)
    if errors:
        raise ValidationFailed(fields=errors)
    return _create(
        organisation_id=by.organisation_id,
        by=by,
        supplier=supplier,
        case=case,
        products=products,
        fault=fault,
        evidence=evidence,
        email_to=email_to,
        rows=rows,
        now=now,
    )


def _create(*, organisation_id, by, supplier, case, products, fault, evidence, email_to, rows, now):
    now = now or timezone.now()
    with transaction.atomic():
        claim = SupplierClaim.objects.create(
            organisation_id=organisation_id,
            number=_number(organisation_id, now),
            supplier=supplier,
            case=case,
            products=(products or "").strip(),
            fault=(fault or "").strip(),
            evidence=(evidence or "").strip(),
            email_to=(email_to or "").strip(),
            created_by=by if getattr(by, "is_authenticated", False) else None,
        )
        ClaimItem.objects.bulk_create(
            ClaimItem(
                organisation_id=organisation_id,
                claim=claim,
                kind=kind,
                description=desc,
                amount=amount,
            )
            for kind, desc, amount in rows
        )
        audit_record(
            actor=by,
            action="shouhou.supplier_claim.drafted",
            obj=claim,
            after={**snapshot(claim), "items": [[k, d, str(a)] for k, d, a in rows]},
        )
    return claim


def claim_draft_for_case(*, case, by) -> SupplierClaim | None:
    """The draft for a case decided as the supplier's responsibility (once per case).

    Called from the `complaints.responsibility_set` event inside the complaint's transaction;
    the complaints service has checked the user's role already."""
    if case.supplier_id is None:
        return None
    existing = SupplierClaim.objects.filter(case=case).first()
    if existing is not None:
        return existing
    rows = []
    if case.rework_goods and case.rework_goods > 0:
        rows.append((ClaimItem.Kind.GOODS, _("Goods replaced for the customer"), case.rework_goods))
    if case.compensation and case.compensation > 0:
        rows.append(
            (ClaimItem.Kind.COMPENSATION, _("Compensation paid to the customer"), case.compensation)
        )
    product = case.product
    try:
        with transaction.atomic():
            return _create(
                organisation_id=case.organisation_id,
                by=by,
                supplier=case.supplier,
                case=case,
                products=str(product) if product is not None else "",
                fault=case.description,
                evidence=case.findings,
                email_to="",
                rows=rows,
                now=None,
            )
    except IntegrityError:
        return SupplierClaim.objects.filter(case=case).first()


def _require_draft(claim):
    if claim.status != ST.DRAFT:
        raise InvalidTransition(_("Only a draft claim can be changed."))


def claim_update(
    *, by, claim, products=None, fault=None, evidence=None, email_to=None
) -> SupplierClaim:
    A.require(by, A.CLAIMS)
    errors: dict = {}
    if email_to:
        try:
            validate_email(email_to)
        except Exception:
            errors["email_to"] = [_("Not an e-mail address.")]
    if errors:
        raise ValidationFailed(fields=errors)
    with transaction.atomic():
        claim = _load(by, claim)
        _require_draft(claim)
        before = snapshot(claim)
        for name, value in (
            ("products", products),
            ("fault", fault),
            ("evidence", evidence),
            ("email_to", email_to),
        ):
            if value is not None:
                setattr(claim, name, value.strip())
        claim.save()
        audit_record(
            actor=by,
            action="shouhou.supplier_claim.updated",
            obj=claim,
            before=before,
            after=snapshot(claim),
        )
    return claim


def claim_item_add(*, by, claim, kind, amount, description: str = "") -> ClaimItem:
    A.require(by, A.CLAIMS)
    errors: dict = {}
    [(kind, description, value)] = _items(
        [{"kind": kind, "amount": amount, "description": description}], errors
    )
    if errors:
        raise ValidationFailed(fields={k.replace("items.0.", ""): v for k, v in errors.items()})
    with transaction.atomic():
        claim = _load(by, claim)
        _require_draft(claim)
        item = ClaimItem.objects.create(
            organisation_id=claim.organisation_id,
            claim=claim,
            kind=kind,
            description=description,
            amount=value,
        )
        audit_record(
            actor=by, action="shouhou.supplier_claim.item_added", obj=claim, after=snapshot(item)
        )
    return item


def claim_item_remove(*, by, claim, item) -> None:
    A.require(by, A.CLAIMS)
    with transaction.atomic():
        claim = _load(by, claim)
        _require_draft(claim)
        row = ClaimItem.objects.filter(pk=getattr(item, "pk", item), claim=claim).first()
        if row is None:
            raise NotFoundError()
        before = snapshot(row)
        row.delete()
        audit_record(
            actor=by, action="shouhou.supplier_claim.item_removed", obj=claim, before=before
        )


def ack_token(claim: SupplierClaim) -> str:
    return sign_customer_link({"o": claim.organisation_id, "c": claim.pk}, salt=LINK_SALT)


def ack_url(claim: SupplierClaim) -> str:
    base = getattr(settings, "SITE_URL", "").rstrip("/")
    return base + reverse("dealers:claim_ack", kwargs={"token": ack_token(claim)})


def claim_send(*, by, claim, email_to: str | None = None, now=None) -> SupplierClaim:
    """E-mail the claim to the supplier with the claim as Excel and the acknowledgement link."""
    A.require(by, A.CLAIMS)
    now = now or timezone.now()
    with transaction.atomic():
        claim = _load(by, claim)
        address = (email_to or claim.email_to or "").strip()
        errors: dict = {}
        try:
            validate_email(address)
        except Exception:
            errors["email_to"] = [_("Give the supplier's e-mail address.")]
        if claim.status == ST.DRAFT and not claim.items.exists():
            errors["items"] = [_("A claim needs at least one item with its amount.")]
        if errors:
            raise ValidationFailed(fields=errors)
        message_id = make_msgid(domain="shouhou.local")
        claim = _move(
            claim,
            ST.SENT,
            by=by,
            action="shouhou.supplier_claim.sent",
            email_to=address,
            sent_at=now,
            sent_by=by,
            message_id=message_id,
        )
        subject = _("Claim %(number)s from %(org)s") % {
            "number": claim.number,
            "org": claim.organisation.name,
        }
        body = _(
            "Dear %(supplier)s,\n\nplease find attached our claim %(number)s for your faulty "
            "product, %(total)s yuan in total. Please acknowledge it here:\n%(link)s\n\n%(org)s"
        ) % {
            "supplier": claim.supplier.name,
            "number": claim.number,
            "total": claim.claimed_total,
            "link": ack_url(claim),
            "org": claim.organisation.name,
        }
        email = EmailMessage(
            subject=subject,
            body=body,
            from_email=settings.DEFAULT_FROM_EMAIL,
            to=[address],
            headers={"Message-ID": message_id},
        )
        email.attach(
            f"{claim.number}.xlsx",
            excel.claim_workbook(claim),
            "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
        )
        email.send(fail_silently=False)  # an error rolls the "sent" state back
    return claim


def claim_acknowledge(*, by, claim, name: str = "", now=None) -> SupplierClaim:
    """A user records the supplier's acknowledgement (a phone call, a stamped letter)."""
    A.require(by, A.CLAIMS)
    now = now or timezone.now()
    with transaction.atomic():
        claim = _load(by, claim)
        return _move(
            claim,
            ST.ACKNOWLEDGED,
            by=by,
            action="shouhou.supplier_claim.acknowledged",
            acknowledged_at=now,
            acknowledged_by=by,
            acknowledged_name=(name or "").strip()[:100],
        )


def claim_from_link(token: str) -> tuple[int, int]:
    """(organisation id, claim id) a supplier's signed link names; NotFoundError if forged or
    older than `LINK_MAX_AGE`."""
    try:
        data = load_customer_link(str(token or ""), salt=LINK_SALT, max_age=LINK_MAX_AGE)
        return int(data["o"]), int(data["c"])
    except (signing.BadSignature, KeyError, TypeError, ValueError):
        raise NotFoundError() from None


def claim_for_link(token: str) -> SupplierClaim:
    """The claim of a signed link, read inside its organisation's scope."""
    org_id, claim_id = claim_from_link(token)
    with organisation_scope(org_id):
        claim = (
            SupplierClaim.objects.select_related("supplier", "organisation")
            .prefetch_related("items")
            .filter(pk=claim_id, organisation_id=org_id)
            .first()
        )
        if claim is None:
            raise NotFoundError()
    return claim


def claim_acknowledge_by_link(*, token: str, name: str, now=None) -> SupplierClaim:
    """The supplier opened the signed link and acknowledged the claim (once: a second visit
    changes nothing)."""
    org_id, claim_id = claim_from_link(token)
    name = (name or "").strip()
    if not name:
        raise ValidationFailed(fields={"name": [_("Give your name.")]})
    now = now or timezone.now()
    with organisation_scope(org_id), transaction.atomic():
        claim = (
            SupplierClaim.objects.select_for_update()
            .filter(pk=claim_id, organisation_id=org_id)
            .first()
        )
        if claim is None:
            raise NotFoundError()
        if claim.status == ST.ACKNOWLEDGED:
            return claim
        return _move(
            claim,
            ST.ACKNOWLEDGED,
            by=None,
            action="shouhou.supplier_claim.acknowledged_by_link",
            acknowledged_at=now,
            acknowledged_name=name[:100],
        )


def claim_settle(
    *, by, claim, amount, settled_on: dt.date | None = None, note: str = "", now=None
) -> SupplierClaim:
    """The supplier paid (or credited) `amount`: in full when it is the claimed total, in part
    when less. Nothing paid is a rejection (`claim_reject`)."""
    A.require(by, A.CLAIMS)
    now = now or timezone.now()
    settled_on = settled_on or timezone.localtime(now).date()
    errors: dict = {}
    try:
        value = to_money(amount)
    except ValueError as exc:
        errors["amount"] = [str(exc)]
        value = ZERO
    if not errors and value <= 0:
        errors["amount"] = [_("Nothing recovered: reject the claim instead.")]
    if settled_on > timezone.localtime(now).date():
        errors["settled_on"] = [_("This day is in the future.")]
    if errors:
        raise ValidationFailed(fields=errors)
    with transaction.atomic():
        claim = _load(by, claim)
        total = claim.claimed_total
        if value > total:
            raise ValidationFailed(
                fields={"amount": [_("More than the claimed %(total)s yuan.") % {"total": total}]}
            )
        new = ST.SETTLED_FULL if value == total else ST.SETTLED_PART
        return _move(
            claim,
            new,
            by=by,
            action=f"shouhou.supplier_claim.{new}",
            settled_at=now,
            settled_by=by,
            settled_on=settled_on,
            settled_amount=value,
            settlement_note=(note or "").strip(),
        )


def claim_reject(*, by, claim, note: str, now=None) -> SupplierClaim:
    """The supplier refused the claim; nothing is recovered."""
    A.require(by, A.CLAIMS)
    if not (note or "").strip():
        raise ValidationFailed(fields={"note": [_("Say why the supplier refused.")]})
    now = now or timezone.now()
    with transaction.atomic():
        claim = _load(by, claim)
        return _move(
            claim,
            ST.REJECTED,
            by=by,
            action="shouhou.supplier_claim.rejected",
            settled_at=now,
            settled_by=by,
            settled_on=timezone.localtime(now).date(),
            settled_amount=ZERO,
            settlement_note=note.strip(),
        )
