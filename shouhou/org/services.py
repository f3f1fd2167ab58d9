"""Writes of the organisation's stores, service stations, departments, merchants and dealers.

Who may change what is the rule of `org.access` (the owners every row, a store manager their
own store, a merchant's or dealer's login its own contact). Each write is one audited
transaction (`shouhou.<entity>.created/updated`, before/after snapshot); an edit that changes
nothing writes nothing.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.db import IntegrityError, models, transaction
from django.utils.translation import gettext_lazy as _

from shouhou.core.audit import audit_record, snapshot
from shouhou.core.errors import (
    DuplicateError,
    NotFoundError,
    PermissionDeniedError,
    ValidationFailed,
)
from shouhou.core.phones import check_phone

from . import access as A
from . import roles as r
from .models import Dealer, Department, Merchant, Store


def _org_id(user) -> int:
    if not getattr(user, "organisation_id", None):
        raise PermissionDeniedError(code="no_organisation")
    return user.organisation_id


def _duplicate(field: str) -> DuplicateError:
    return DuplicateError(fields={field: [DuplicateError.default_message]})


def _save(obj, unique_field: str) -> None:
    try:
        with transaction.atomic():
            obj.save()
    except IntegrityError as exc:
        raise _duplicate(unique_field) from exc


def _locked(model, org_id: int, pk) -> Any:
    obj = model.objects.select_for_update().filter(organisation_id=org_id, pk=pk).first()
    if obj is None:
        raise NotFoundError()
    return obj


def _check_fields(changes: dict, allowed: frozenset[str] | None, known: frozenset[str]) -> None:
    unknown = set(changes) - known
    if unknown:
        raise TypeError(f"unknown fields: {sorted(unknown)}")
    if allowed is None:
        raise PermissionDeniedError(_("You may not change this record."), code="not_owner")
    refused = sorted(set(changes) - allowed)
    if refused:
        raise PermissionDeniedError(
            _("Your role may not change these fields."),
            code="field_not_allowed",
            fields={f: [_("Your role may not change this field.")] for f in refused},
        )


def _required_text(field: str, value) -> str:
    text = (value or "").strip()
    if not text:
        raise ValidationFailed(fields={field: [_("This field is required.")]})
    return text


def _phone(field: str, value) -> str:
    """A hotline or contact number: a mobile, a landline with its area code, or a 400/800
    number (shouhou.core.phones), kept in its canonical form; empty stays empty."""
    text = (value or "").strip()
    return check_phone(field, text) if text else ""


def _choice(field: str, value, choices) -> str:
    if value not in choices.values:
        raise ValidationFailed(fields={field: [_("Not one of the choices.")]})
    return value


def _hours(opens: dt.time | None, closes: dt.time | None) -> None:
    if (opens is None) != (closes is None):
        field = "closes_at" if closes is None else "opens_at"
        raise ValidationFailed(
            fields={field: [_("Give both the opening and the closing time, or neither.")]}
        )
    if opens is not None and closes is not None and not opens < closes:
        raise ValidationFailed(fields={"closes_at": [_("The closing time is after opening.")]})


def _store_of(org_id: int, value) -> Store | None:
    """A store of the organisation named by a row or an id (None stays None)."""
    if value is None:
        return None
    store_id = value.pk if isinstance(value, models.Model) else value
    found = Store.objects.filter(organisation_id=org_id, pk=store_id).first()
    if found is None:
        raise ValidationFailed(fields={"store": [_("No such store.")]})
    return found


def _apply(obj, changes: dict) -> bool:
    changed = False
    for k, v in changes.items():
        if getattr(obj, k) != v:
            setattr(obj, k, v)
            changed = True
    return changed


def _audited_save(by, obj, before: dict, action: str, unique_field: str) -> None:
    _save(obj, unique_field)
    audit_record(actor=by, action=action, obj=obj, before=before, after=snapshot(obj))


# --- stores and service stations --------------------------------------------------------------


def _clean_store(changes: dict) -> dict:
    out = dict(changes)
    if "name" in out:
        out["name"] = _required_text("name", out["name"])
    if "code" in out:
        out["code"] = _required_text("code", out["code"])
    if "kind" in out:
        out["kind"] = _choice("kind", out["kind"], Store.Kind)
    if "hotline" in out:
        out["hotline"] = _phone("hotline", out["hotline"])
    if "address" in out:
        out["address"] = (out["address"] or "").strip()
    return out


@transaction.atomic
def store_create(
    *,
    by,
    name: str,
    code: str,
    kind: str = Store.Kind.STORE,
    hotline: str = "",
    address: str = "",
    opens_at: dt.time | None = None,
    closes_at: dt.time | None = None,
    is_active: bool = True,
) -> Store:
    """A new store or service station: the owners only."""
    r.require_role(by, *A.STORE_EDITORS)
    org_id = _org_id(by)
    data = _clean_store(
        {"name": name, "code": code, "kind": kind, "hotline": hotline, "address": address}
    )
    _hours(opens_at, closes_at)
    if Store.objects.filter(organisation_id=org_id, code=data["code"]).exists():
        raise _duplicate("code")
    store = Store(
        organisation_id=org_id, opens_at=opens_at, closes_at=closes_at, is_active=is_active, **data
    )
    _save(store, "code")
    audit_record(actor=by, action="shouhou.store.created", obj=store, after=snapshot(store))
    return store


@transaction.atomic
def store_update(*, by, store: Store, **changes) -> Store:
    """The owners change every field of every store; a store manager the public facts of their
    own store (`access.STORE_MANAGER_FIELDS`); anyone else's attempt is refused (403)."""
    org_id = _org_id(by)
    store = _locked(Store, org_id, store.pk)
    _check_fields(changes, A.store_fields(by, store), A.STORE_FIELDS)
    changes = _clean_store(changes)
    _hours(changes.get("opens_at", store.opens_at), changes.get("closes_at", store.closes_at))
    if (
        "code" in changes
        and Store.objects.filter(organisation_id=org_id, code=changes["code"])
        .exclude(pk=store.pk)
        .exists()
    ):
        raise _duplicate("code")
    before = snapshot(store)
    if _apply(store, changes):
        _audited_save(by, store, before, "shouhou.store.updated", "code")
    return store


# --- departments ----------------------------------------------------------------------------


@transaction.atomic
def department_update(*, by, department: Department, **changes) -> Department:
    """The customer-service manager and the owners change every department (and move one to
    another store); a store manager names, sorts and numbers the departments of their store."""
    org_id = _org_id(by)
    department = _locked(Department, org_id, department.pk)
    _check_fields(changes, A.department_fields(by, department), A.DEPARTMENT_FIELDS)
    changes = dict(changes)
    if "name" in changes:
        changes["name"] = _required_text("name", changes["name"])
    if "kind" in changes:
        changes["kind"] = _choice("kind", changes["kind"], Department.Kind)
    if "phone" in changes:
        changes["phone"] = _phone("phone", changes["phone"])
    if "store" in changes:
        changes["store"] = _store_of(org_id, changes["store"])
    before = snapshot(department)
    if _apply(department, changes):
        _audited_save(by, department, before, "shouhou.department.updated", "name")
    return department


# --- merchants ------------------------------------------------------------------------------


def _clean_contact(changes: dict) -> dict:
    out = dict(changes)
    if "name" in out:
        out["name"] = _required_text("name", out["name"])
    for f in ("booth", "contact_name", "region"):
        if f in out:
            out[f] = (out[f] or "").strip()
    if "phone" in out:
        out["phone"] = _phone("phone", out["phone"])
    return out


@transaction.atomic
def merchant_create(
    *,
    by,
    name: str,
    store: Store | int | None = None,
    booth: str = "",
    contact_name: str = "",
    phone: str = "",
    is_active: bool = True,
) -> Merchant:
    r.require_role(by, *A.MERCHANT_EDITORS)
    org_id = _org_id(by)
    data = _clean_contact(
        {"name": name, "booth": booth, "contact_name": contact_name, "phone": phone}
    )
    data["store"] = _store_of(org_id, store)
    if Merchant.objects.filter(organisation_id=org_id, name=data["name"]).exists():
        raise _duplicate("name")
    merchant = Merchant(organisation_id=org_id, is_active=is_active, **data)
    _save(merchant, "name")
    audit_record(
        actor=by, action="shouhou.merchant.created", obj=merchant, after=snapshot(merchant)
    )
    return merchant


@transaction.atomic
def merchant_update(*, by, merchant: Merchant, **changes) -> Merchant:
    """The owners and the store manager change every merchant; a merchant's administrator the
    contact person and phone of its own merchant (another merchant is a 404 to it)."""
    org_id = _org_id(by)
    merchant = _locked(Merchant, org_id, merchant.pk)
    if not A.is_office(by) and by.merchant_id != merchant.pk:
        raise NotFoundError()
    _check_fields(changes, A.merchant_fields(by, merchant), A.MERCHANT_FIELDS)
    changes = _clean_contact(changes)
    if "store" in changes:
        changes["store"] = _store_of(org_id, changes["store"])
    if (
        "name" in changes
        and Merchant.objects.filter(organisation_id=org_id, name=changes["name"])
        .exclude(pk=merchant.pk)
        .exists()
    ):
        raise _duplicate("name")
    before = snapshot(merchant)
    if _apply(merchant, changes):
        _audited_save(by, merchant, before, "shouhou.merchant.updated", "name")
    return merchant


# --- dealers --------------------------------------------------------------------------------


@transaction.atomic
def dealer_update(*, by, dealer: Dealer, **changes) -> Dealer:
    """The owners and the customer-service manager change every dealer; a dealer's login the
    contact person and phone of its own dealer (another dealer is a 404 to it)."""
    org_id = _org_id(by)
    dealer = _locked(Dealer, org_id, dealer.pk)
    if A.is_dealer_login(by) and A.own_dealer_id(by) != dealer.pk:
        raise NotFoundError()
    _check_fields(changes, A.dealer_fields(by, dealer), A.DEALER_FIELDS)
    changes = _clean_contact(changes)
    before = snapshot(dealer)
    if _apply(dealer, changes):
        _audited_save(by, dealer, before, "shouhou.dealer.updated", "name")
    return dealer
