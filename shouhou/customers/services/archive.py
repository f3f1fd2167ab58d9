"""Completing a customer's archive on a callback (DOMAIN.md §2): what was learnt is saved and
the archive marked complete."""

from __future__ import annotations

import datetime as dt

from django.db import transaction
from django.utils import timezone

from shouhou.core.audit import audit_record, diff
from shouhou.core.errors import (
    ValidationFailed,
)

from ..models import Customer
from ..validation import validate_customer_fields
from .common import (
    _check_gender,
    _customer_snapshot,
    _lock,
    _require_editor,
    _require_visible,
    _today,
)


def customer_complete_archive(
    *,
    by,
    customer: Customer,
    birthday: dt.date | None = None,
    preferences: str | None = None,
    gender: str | None = None,
    full_name: str | None = None,
    is_member: bool | None = None,
    member_no: str | None = None,
    notes: str | None = None,
) -> Customer:
    """Complete the archive on a callback (DOMAIN.md §2): what was learnt is saved, and the
    archive is marked complete (the first completion time is kept). Arguments left None are
    not changed; `full_name` replaces a surname-with-honorific name."""
    _require_editor(by)
    _require_visible(by, customer)
    clean, errors = validate_customer_fields(
        name=full_name,
        birthday=birthday,
        member_no=member_no,
        allow_honorific=False,
        today=_today(),
        check=tuple(
            k
            for k, v in (("name", full_name), ("birthday", birthday), ("member_no", member_no))
            if v not in (None, "")
        ),
    )
    if full_name not in (None, "") and "name" in errors:
        errors["full_name"] = errors.pop("name")
    if gender is not None:
        gender = _check_gender(gender, errors)
    if errors:
        raise ValidationFailed(fields=errors)
    with transaction.atomic():
        customer = _lock(customer)
        before = _customer_snapshot(customer)
        if "name" in clean:
            customer.name, customer.name_is_full = clean["name"], True
        if "birthday" in clean:
            customer.birthday = clean["birthday"]
        if preferences is not None:
            customer.preferences = preferences.strip()
        if gender is not None:
            customer.gender = gender
        if "member_no" in clean:
            customer.member_no = clean["member_no"]
            customer.is_member = customer.is_member or bool(clean["member_no"])
        if is_member is not None:
            customer.is_member = bool(is_member) or bool(customer.member_no)
        if notes is not None:
            customer.notes = notes.strip()
        if customer.archive_completed_at is None:
            customer.archive_completed_at = timezone.now()
        customer.save()
        old, new = diff(before, _customer_snapshot(customer))
        audit_record(
            actor=by,
            action="shouhou.customer.archive_completed",
            obj=customer,
            before=old,
            after=new,
        )
    return customer
