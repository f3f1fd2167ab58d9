"""A customer's record: created (one owner per phone, a race answered as a duplicate),
updated, and further phones and addresses added."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable

from django.db import IntegrityError, transaction
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext as _

from shouhou.core.audit import audit_record, diff, snapshot
from shouhou.core.errors import (
    DuplicateError,
    ValidationFailed,
)
from shouhou.org.models import OrganisationSettings
from shouhou.workdays.services import add_working_days

from .. import selectors
from ..models import Customer, CustomerAddress, CustomerPhone
from ..validation import split_phone_list, validate_customer_fields, validate_other_phone
from .common import (
    _check_gender,
    _customer_snapshot,
    _lock,
    _require_editor,
    _require_visible,
    _today,
)


def _archive_days(organisation) -> int:
    return OrganisationSettings.for_org(organisation).archive_within_days


def archive_due_at(start: dt.datetime, organisation) -> dt.datetime:
    """When a customer archive registered at `start` should be complete (working days)."""

    return add_working_days(start, _archive_days(organisation), organisation)


def _display_name(by, customer: Customer) -> str:
    """The name as the acting user may see it: masked for a customer outside their view."""
    if selectors.customer_visible_qs(user=by).filter(pk=customer.pk).exists():
        return customer.name
    return customer.name[:1] + "*" * max(len(customer.name) - 1, 1)


def _find_owner(organisation_id, numbers: Iterable[str], *, exclude_pk=None) -> Customer | None:
    numbers = [n for n in numbers if n]
    if not numbers:
        return None
    qs = Customer.objects.filter(organisation_id=organisation_id).filter(
        Q(mobile__in=numbers) | Q(phones__number__in=numbers)
    )
    if exclude_pk is not None:
        qs = qs.exclude(pk=exclude_pk)
    return qs.order_by("pk").first()


def _duplicate(by, existing: Customer, number: str, field: str) -> DuplicateError:
    message = _(
        "The number %(number)s already belongs to customer %(name)s (no. %(id)s): "
        "open that customer instead of registering a new one."
    ) % {"number": number, "name": _display_name(by, existing), "id": existing.pk}
    return DuplicateError(message, fields={field: [message]}, extra={"existing_id": existing.pk})


def _check_phones_free(by, *, mobile: str | None, others: list[str], exclude_pk=None) -> None:
    """Raise DuplicateError if one of the numbers already belongs to another customer."""
    for field, numbers in (("mobile", [mobile] if mobile else []), ("other_phones", others)):
        for number in numbers:
            existing = _find_owner(by.organisation_id, [number], exclude_pk=exclude_pk)
            if existing is not None:
                raise _duplicate(by, existing, number, field)


def _check_store_and_merchant(by, store, merchant, errors: dict) -> None:
    if store is not None and store.organisation_id != by.organisation_id:
        errors["store"] = [_("This store is not part of your organisation.")]
    if merchant is not None and merchant.organisation_id != by.organisation_id:
        errors["merchant"] = [_("This merchant is not part of your organisation.")]


def customer_create(
    *,
    by,
    name: str,
    mobile: str,
    district: str,
    address_detail: str,
    province: str = "",
    city: str = "",
    store=None,
    merchant=None,
    gender: str = "",
    birthday: dt.date | None = None,
    is_member: bool = False,
    member_no: str = "",
    preferences: str = "",
    notes: str = "",
    other_phones: Iterable[str] = (),
    allow_honorific: bool = False,
    address_label: str = "",
    phones_checked: bool = False,
    in_intake: bool = False,
) -> Customer:
    """Register a customer with their address and phones.

    `in_intake=True`: called by the work-order intake for a technician's self-reported job,
    whose role the intake has checked.

    The phones are looked up first: a number that already belongs to a customer of the
    organisation raises DuplicateError (409, `existing_id`). Otherwise every field is checked
    and all problems are raised at once as ValidationFailed (400) with field names. A merchant
    admin's customer belongs to their merchant; the store defaults to the user's store.
    """
    _require_editor(by, in_intake=in_intake)
    clean, errors = validate_customer_fields(
        name=name,
        mobile=mobile,
        district=district,
        address_detail=address_detail,
        other_phones=split_phone_list(other_phones),
        birthday=birthday,
        member_no=member_no,
        allow_honorific=allow_honorific,
        today=_today(),
        check=(
            "name",
            "mobile",
            "district",
            "address_detail",
            "other_phones",
            "birthday",
            "member_no",
        ),
    )
    # Found by phone first: a known number means an existing customer, whatever else was typed.
    # (`phones_checked`: the caller has just looked these numbers up in the whole organisation;
    # the unique constraints still refuse a number registered in the meantime.)
    if not phones_checked:
        _check_phones_free(by, mobile=clean.get("mobile"), others=clean.get("other_phones", []))
    store, merchant = _new_customer_owner(by, store, merchant)
    gender = _check_gender(gender, errors)
    _check_store_and_merchant(by, store, merchant, errors)
    province, city = _region(province, city, errors)
    if errors:
        raise ValidationFailed(fields=errors)
    try:
        with transaction.atomic():
            customer, address = _insert(
                by,
                clean,
                gender=gender,
                is_member=is_member,
                preferences=preferences,
                notes=notes,
                store=store,
                merchant=merchant,
                address_label=address_label,
                province=province,
                city=city,
            )
            _audit_created(by, customer, address, clean["other_phones"])
    except IntegrityError:
        # Someone registered the same number a moment ago: answer as for any duplicate.
        _check_phones_free(by, mobile=clean["mobile"], others=clean["other_phones"])
        raise
    return customer


def _insert(
    by,
    clean: dict,
    *,
    gender,
    is_member,
    preferences,
    notes,
    store,
    merchant,
    address_label,
    province,
    city,
) -> tuple[Customer, CustomerAddress]:
    """The customer row, its default address and its other phones."""
    customer = Customer.objects.create(
        organisation_id=by.organisation_id,
        name=clean["name"],
        name_is_full=clean["name_is_full"],
        mobile=clean["mobile"],
        gender=gender,
        birthday=clean["birthday"],
        is_member=bool(is_member or clean["member_no"]),
        member_no=clean["member_no"],
        preferences=(preferences or "").strip(),
        notes=(notes or "").strip(),
        store=store,
        merchant=merchant,
        created_by=by,
        archive_due_at=archive_due_at(timezone.now(), by.organisation),
    )
    address = CustomerAddress.objects.create(
        organisation_id=by.organisation_id,
        customer=customer,
        label=address_label,
        province=province,
        city=city,
        district=clean["district"],
        detail=clean["address_detail"],
        is_default=True,
    )
    for number in clean["other_phones"]:
        CustomerPhone.objects.create(
            organisation_id=by.organisation_id, customer=customer, number=number
        )
    return customer, address


def _new_customer_owner(by, store, merchant) -> tuple:
    """A merchant admin's customer belongs to their merchant; the store defaults to the user's."""
    if selectors.is_merchant_admin(by):
        merchant = by.merchant
    if store is None:
        store = getattr(by, "store", None)
    return store, merchant


def _region(province: str, city: str, errors: dict) -> tuple[str, str]:
    province, city = (province or "").strip(), (city or "").strip()
    for field, value in (("province", province), ("city", city)):
        if len(value) > 30:
            errors[field] = [_("At most 30 characters.")]
    return province, city


def _audit_created(by, customer: Customer, address: CustomerAddress, phones: list[str]) -> None:
    # The snapshot of what was just written (as `_customer_snapshot` would read it).
    after = snapshot(customer)
    after["address"] = str(address)
    after["other_phones"] = sorted(phones)
    customer.intake_district, customer.intake_address = address.district, str(address)
    audit_record(actor=by, action="shouhou.customer.created", obj=customer, after=after)


_UPDATABLE = {
    "name",
    "mobile",
    "gender",
    "birthday",
    "is_member",
    "member_no",
    "preferences",
    "notes",
    "store",
    "merchant",
    "province",
    "city",
    "district",
    "address_detail",
    "allow_honorific",
}


def customer_update(*, by, customer: Customer, **changes) -> Customer:
    """Change a customer's facts; address fields change the default address.

    Accepts: name (with allow_honorific), mobile, gender, birthday, is_member, member_no,
    preferences, notes, store, merchant (office roles only), province, city, district,
    address_detail. A mobile that belongs to another customer raises DuplicateError.
    """
    unknown = set(changes) - _UPDATABLE
    if unknown:
        raise TypeError(f"customer_update() got unexpected fields: {sorted(unknown)}")
    _require_editor(by)
    _require_visible(by, customer)
    allow_honorific = bool(changes.pop("allow_honorific", False))
    with transaction.atomic():
        customer = _lock(customer)
        address = customer.addresses.order_by("-is_default", "id").first()
        before = _customer_snapshot(customer)
        if "name" in changes and (changes["name"] or "").strip() == customer.name:
            # Saving the form again with an unchanged (maybe honorific-only) name is no change.
            changes.pop("name")
        check = [k for k in ("name", "mobile", "birthday", "member_no") if k in changes]
        address_changed = "district" in changes or "address_detail" in changes
        if address_changed:
            check += ["district", "address_detail"]
        clean, errors = validate_customer_fields(
            name=changes.get("name"),
            mobile=changes.get("mobile"),
            district=changes.get("district", address.district if address else ""),
            address_detail=changes.get("address_detail", address.detail if address else ""),
            birthday=changes.get("birthday"),
            member_no=changes.get("member_no"),
            allow_honorific=allow_honorific,
            today=_today(),
            check=tuple(check),
        )
        if clean.get("mobile"):
            _check_phones_free(by, mobile=clean["mobile"], others=[], exclude_pk=customer.pk)
        if "gender" in changes:
            customer.gender = _check_gender(changes["gender"], errors)
        store = changes.get("store", customer.store)
        merchant = changes.get("merchant", customer.merchant)
        moved = "merchant" in changes and merchant != customer.merchant
        if moved and selectors.is_merchant_admin(by):
            errors["merchant"] = [_("A merchant administrator cannot move a customer.")]
        _check_store_and_merchant(by, store, merchant, errors)
        for field in ("province", "city"):
            if field in changes and len((changes[field] or "").strip()) > 30:
                errors[field] = [_("At most 30 characters.")]
        if errors:
            raise ValidationFailed(fields=errors)

        if "name" in clean and clean["name"] != customer.name:
            customer.name, customer.name_is_full = clean["name"], clean["name_is_full"]
        if "mobile" in clean:
            customer.mobile = clean["mobile"]
        if "birthday" in clean:
            customer.birthday = clean["birthday"]
        if "member_no" in clean:
            customer.member_no = clean["member_no"]
            if clean["member_no"]:
                customer.is_member = True
        if "is_member" in changes:
            customer.is_member = bool(changes["is_member"]) or bool(customer.member_no)
        for field in ("preferences", "notes"):
            if field in changes:
                setattr(customer, field, (changes[field] or "").strip())
        customer.store, customer.merchant = store, merchant
        try:
            with transaction.atomic():
                customer.save()
        except IntegrityError:
            _check_phones_free(by, mobile=customer.mobile, others=[], exclude_pk=customer.pk)
            raise
        if address_changed or "province" in changes or "city" in changes:
            if address is None:
                address = CustomerAddress(
                    organisation_id=customer.organisation_id, customer=customer, is_default=True
                )
            if address_changed:
                address.district, address.detail = clean["district"], clean["address_detail"]
            for field in ("province", "city"):
                if field in changes:
                    setattr(address, field, (changes[field] or "").strip())
            address.save()
        after = _customer_snapshot(customer)
        old, new = diff(before, after)
        if new:
            audit_record(
                actor=by, action="shouhou.customer.updated", obj=customer, before=old, after=new
            )
    return customer


def customer_add_phone(*, by, customer: Customer, number: str, label: str = "") -> CustomerPhone:
    """Add another number (a landline, a relative's mobile). One number, one customer."""
    _require_editor(by)
    _require_visible(by, customer)
    try:
        clean = validate_other_phone(number)
    except ValueError as exc:
        raise ValidationFailed(fields={"number": [str(exc)]}) from exc
    label = (label or "").strip()
    if len(label) > 30:
        raise ValidationFailed(fields={"label": [_("At most 30 characters.")]})
    with transaction.atomic():
        customer = _lock(customer)
        if clean == customer.mobile or customer.phones.filter(number=clean).exists():
            raise ValidationFailed(
                fields={"number": [_("This customer already has this number.")]},
                code="already_listed",
            )
        existing = _find_owner(customer.organisation_id, [clean], exclude_pk=customer.pk)
        if existing is not None:
            raise _duplicate(by, existing, clean, "number")
        try:
            with transaction.atomic():
                phone = CustomerPhone.objects.create(
                    organisation_id=customer.organisation_id,
                    customer=customer,
                    number=clean,
                    label=label,
                )
        except IntegrityError:
            existing = _find_owner(customer.organisation_id, [clean], exclude_pk=customer.pk)
            if existing is not None:
                raise _duplicate(by, existing, clean, "number") from None
            raise
        audit_record(
            actor=by,
            action="shouhou.customer.phone_added",
            obj=customer,
            after={"number": clean, "label": label},
        )
    return phone


def customer_add_address(
    *,
    by,
    customer: Customer,
    district: str,
    detail: str,
    province: str = "",
    city: str = "",
    label: str = "",
    make_default: bool = False,
) -> CustomerAddress:
    """Add an address (a second home, a new flat); optionally make it the default one."""
    _require_editor(by)
    _require_visible(by, customer)
    clean, errors = validate_customer_fields(
        district=district, address_detail=detail, today=_today(), check=("district",)
    )
    if "address_detail" in errors:
        errors["detail"] = errors.pop("address_detail")
    province, city, label = (province or "").strip(), (city or "").strip(), (label or "").strip()
    for field, value in (("province", province), ("city", city), ("label", label)):
        if len(value) > 30:
            errors[field] = [_("At most 30 characters.")]
    if errors:
        raise ValidationFailed(fields=errors)
    with transaction.atomic():
        customer = _lock(customer)
        has_default = customer.addresses.filter(is_default=True).exists()
        if make_default and has_default:
            customer.addresses.filter(is_default=True).update(is_default=False)
        address = CustomerAddress.objects.create(
            organisation_id=customer.organisation_id,
            customer=customer,
            label=label,
            province=province,
            city=city,
            district=clean["district"],
            detail=clean["address_detail"],
            is_default=make_default or not has_default,
        )
        audit_record(
            actor=by,
            action="shouhou.customer.address_added",
            obj=customer,
            after={"address": str(address), "default": address.is_default},
        )
    return address
