"""Writes for stores and merchants of an organisation: administration and store managers.

Each write is one audited transaction.
"""

from __future__ import annotations

from django.db import IntegrityError, transaction

from shouhou.core.audit import audit_record, snapshot
from shouhou.core.errors import DuplicateError, NotFoundError, PermissionDeniedError

from . import roles as r
from .models import Merchant, Store

ADMIN_ROLES = (r.ADMINISTRATION, r.STORE_MANAGER)


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


# --- writes (services) --------------------------------------------------------------------


@transaction.atomic
def store_create(
    *, by, name: str, code: str, hotline: str = "", address: str = "", is_active: bool = True
) -> Store:
    r.require_role(by, *ADMIN_ROLES)
    org_id = _org_id(by)
    if Store.objects.filter(organisation_id=org_id, code=code).exists():
        raise _duplicate("code")
    store = Store(
        organisation_id=org_id,
        name=name,
        code=code,
        hotline=hotline,
        address=address,
        is_active=is_active,
    )
    _save(store, "code")
    audit_record(actor=by, action="shouhou.store.created", obj=store, after=snapshot(store))
    return store


@transaction.atomic
def store_update(*, by, store: Store, **changes) -> Store:
    r.require_role(by, *ADMIN_ROLES)
    org_id = _org_id(by)
    store = Store.objects.select_for_update().filter(organisation_id=org_id, pk=store.pk).first()
    if store is None:
        raise NotFoundError()
    if (
        "code" in changes
        and Store.objects.filter(organisation_id=org_id, code=changes["code"])
        .exclude(pk=store.pk)
        .exists()
    ):
        raise _duplicate("code")
    before = snapshot(store)
    for k, v in changes.items():
        setattr(store, k, v)
    _save(store, "code")
    audit_record(
        actor=by, action="shouhou.store.updated", obj=store, before=before, after=snapshot(store)
    )
    return store


@transaction.atomic
def merchant_create(
    *,
    by,
    name: str,
    booth: str = "",
    contact_name: str = "",
    phone: str = "",
    is_active: bool = True,
) -> Merchant:
    r.require_role(by, *ADMIN_ROLES)
    org_id = _org_id(by)
    if Merchant.objects.filter(organisation_id=org_id, name=name).exists():
        raise _duplicate("name")
    merchant = Merchant(
        organisation_id=org_id,
        name=name,
        booth=booth,
        contact_name=contact_name,
        phone=phone,
        is_active=is_active,
    )
    _save(merchant, "name")
    audit_record(
        actor=by, action="shouhou.merchant.created", obj=merchant, after=snapshot(merchant)
    )
    return merchant


@transaction.atomic
def merchant_update(*, by, merchant: Merchant, **changes) -> Merchant:
    r.require_role(by, *ADMIN_ROLES)
    org_id = _org_id(by)
    merchant = (
        Merchant.objects.select_for_update().filter(organisation_id=org_id, pk=merchant.pk).first()
    )
    if merchant is None:
        raise NotFoundError()
    if (
        "name" in changes
        and Merchant.objects.filter(organisation_id=org_id, name=changes["name"])
        .exclude(pk=merchant.pk)
        .exists()
    ):
        raise _duplicate("name")
    before = snapshot(merchant)
    for k, v in changes.items():
        setattr(merchant, k, v)
    _save(merchant, "name")
    audit_record(
        actor=by,
        action="shouhou.merchant.updated",
        obj=merchant,
        before=before,
        after=snapshot(merchant),
    )
    return merchant
