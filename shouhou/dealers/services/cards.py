"""Warranty cards: registered by the dealer, received by the brand, refused, and late ones found."""

from __future__ import annotations

import datetime as dt
from typing import TYPE_CHECKING

from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from shouhou.core.audit import audit_record, snapshot
from shouhou.core.errors import (
    DuplicateError,
    InvalidTransition,
    ValidationFailed,
)
from shouhou.core.phones import check_phone
from shouhou.org import roles as r

from .. import access as A
from ..models import (
    WarrantyCard,
)
from .common import _own, _text, settings_for

if TYPE_CHECKING:
    from shouhou.catalog.models import Product
    from shouhou.org.models import Dealer, Organisation, User
    from shouhou.sales.models import Contract


def card_register(
    *,
    by: User,
    dealer: Dealer | int,
    number: str,
    product: Product | None,
    customer_name: str,
    customer_phone: str,
    sold_on: dt.date | None,
    customer_address: str = "",
    serial: str = "",
    contract: Contract | None = None,
    today: dt.date | None = None,
) -> WarrantyCard:
    """A dealer's sale with the customer's details; the card is due `card_due_days` calendar
    days after the sale (范文2 二.2)."""
    dealer = A.dealer_get(by, dealer)
    A.require_dealer_or(by, dealer, A.OFFICE)
    org_id = r.require_organisation(by)
    today = today or timezone.localdate()
    errors: dict[str, list[str]] = {}
    number = _text(number, "number", errors, _("Give the card number."), max_length=40)
    customer_name = _text(customer_name, "customer_name", errors, _("Give the customer's name."))
    try:
        customer_phone = check_phone("customer_phone", customer_phone)
    except ValidationFailed as exc:
        errors.update(exc.fields)
    if product is None:
        errors["product"] = [_("Choose the product.")]
    elif product.organisation_id != org_id:
        errors["product"] = [_("Not found.")]
    if sold_on is None:
        errors["sold_on"] = [_("Give the date of the sale.")]
    elif sold_on > today:
        errors["sold_on"] = [_("The sale cannot be in the future.")]
    if contract is not None and contract.organisation_id != org_id:
        errors["contract"] = [_("Not found.")]
    if errors:
        raise ValidationFailed(fields=errors)
    assert product is not None and sold_on is not None  # refused above
    conf = settings_for(org_id)
    try:
        with transaction.atomic():
            card = WarrantyCard.objects.create(
                organisation_id=org_id,
                number=number,
                dealer=dealer,
                contract=contract,
                product=product,
                serial=(serial or "").strip(),
                customer_name=customer_name,
                customer_phone=customer_phone,
                customer_address=(customer_address or "").strip(),
                sold_on=sold_on,
                due_on=sold_on + dt.timedelta(days=conf.card_due_days),
                registered_by=by,
            )
            audit_record(
                actor=by, action="shouhou.warranty_card.registered", obj=card, after=snapshot(card)
            )
    except IntegrityError:
        raise DuplicateError(
            _("This card (or this contract's card) is registered already."),
            fields={"number": [_("This card (or this contract's card) is registered already.")]},
        ) from None
    return card


def card_receive(
    *, by: User, card: WarrantyCard | int, received_on: dt.date | None = None
) -> WarrantyCard:
    """The card reached the company (the sales office records the day it arrived)."""
    A.require(by, A.OFFICE)
    today = timezone.localdate()
    received_on = received_on or today
    with transaction.atomic():
        card = _own(WarrantyCard, by, card)
        if card.received_on is not None:
            raise InvalidTransition(_("This card was received already."))
        if received_on < card.sold_on:
            raise ValidationFailed(
                fields={"received_on": [_("The card cannot arrive before the sale.")]}
            )
        if received_on > today:
            raise ValidationFailed(fields={"received_on": [_("This day is in the future.")]})
        before = snapshot(card)
        card.received_on = received_on
        card.received_by = by
        card.save(update_fields=["received_on", "received_by", "updated_at"])
        audit_record(
            actor=by,
            action="shouhou.warranty_card.received",
            obj=card,
            before=before,
            after=snapshot(card),
            note=_("late") if card.received_on > card.due_on else "",
        )
    return card


def card_refusal(card: WarrantyCard, on: dt.date) -> str | None:
    """Why warranty service on this dealer's sale is not recognised (None: it is)."""
    if card.received_on is not None and card.received_on > card.due_on:
        return _(
            "Card returned late: not recognised — warranty registration card %(number)s was due "
            "by %(due)s and reached us on %(received)s; we repair at the cost of materials and "
            "labour."
        ) % {"number": card.number, "due": card.due_on, "received": card.received_on}
    if card.received_on is None and on > card.due_on:
        return _(
            "Card not returned in time: not recognised — warranty registration card %(number)s "
            "was due by %(due)s; we repair at the cost of materials and labour."
        ) % {"number": card.number, "due": card.due_on}
    return None


def late_card_check(
    *,
    organisation: Organisation | int,
    contract: Contract | None,
    product: Product | None,
    sold_on: dt.date | None,
    on: dt.date,
) -> str | None:
    """Registered with `promises.services.register_warranty_check`."""
    if contract is None:
        return None
    card = WarrantyCard.objects.filter(
        organisation_id=organisation if isinstance(organisation, int) else organisation.pk,
        contract=contract,
    ).first()
    return card_refusal(card, on) if card is not None else None
