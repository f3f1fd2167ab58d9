"""Brands, suppliers and the category tree."""

from __future__ import annotations

from django.db import transaction
from django.utils.translation import gettext_lazy as _

from shouhou.core.audit import audit_record, snapshot
from shouhou.org import roles as r

from .. import inputs
from ..models import Brand, Category, Supplier
from ..selectors import category_with_descendants
from .common import EDITOR_ROLES, UNSET, _fail, _locked, _organisation_id, _save_unique


def _require_editor(by) -> int:
    r.require_role(by, *EDITOR_ROLES)
    return _organisation_id(by)


def _name_taken(model, org_id: int, name: str, exclude_pk=None, **extra) -> bool:
    qs = model.objects.filter(organisation_id=org_id, name=name, **extra)
    if exclude_pk is not None:
        qs = qs.exclude(pk=exclude_pk)
    return qs.exists()


@transaction.atomic
def brand_create(*, by, name: str) -> Brand:
    org_id = _require_editor(by)
    errors: dict = {}
    name = inputs.text(name, "name", errors, max_length=100, required=True)
    if name and not errors and _name_taken(Brand, org_id, name):
        inputs.add(errors, "name", _("A brand with this name already exists."))
    _fail(errors)
    brand = Brand(organisation_id=org_id, name=name)
    _save_unique(brand)
    audit_record(actor=by, action="shouhou.brand.created", obj=brand, after=snapshot(brand))
    return brand


@transaction.atomic
def brand_update(*, by, brand: Brand, name=UNSET) -> Brand:
    org_id = _require_editor(by)
    brand = _locked(Brand, brand, org_id)
    before = snapshot(brand)
    errors: dict = {}
    if name is not UNSET:
        name = inputs.text(name, "name", errors, max_length=100, required=True)
        if name and not errors and _name_taken(Brand, org_id, name, exclude_pk=brand.pk):
            inputs.add(errors, "name", _("A brand with this name already exists."))
        brand.name = name
    _fail(errors)
    _save_unique(brand)
    audit_record(
        actor=by, action="shouhou.brand.updated", obj=brand, before=before, after=snapshot(brand)
    )
    return brand


def _supplier_fields(errors, *, name, contact_name, phone, address) -> dict:
    out = {}
    if name is not UNSET:
        out["name"] = inputs.text(name, "name", errors, max_length=100, required=True)
    if contact_name is not UNSET:
        out["contact_name"] = inputs.text(contact_name, "contact_name", errors, max_length=50)
    if phone is not UNSET:
        out["phone"] = inputs.text(phone, "phone", errors, max_length=30)
    if address is not UNSET:
        out["address"] = inputs.text(address, "address", errors, max_length=200)
    return out


@transaction.atomic
def supplier_create(
    *, by, name: str, contact_name: str = "", phone: str = "", address: str = ""
) -> Supplier:
    org_id = _require_editor(by)
    errors: dict = {}
    values = _supplier_fields(
        errors, name=name, contact_name=contact_name, phone=phone, address=address
    )
    if values["name"] and "name" not in errors and _name_taken(Supplier, org_id, values["name"]):
        inputs.add(errors, "name", _("A supplier with this name already exists."))
    _fail(errors)
    supplier = Supplier(organisation_id=org_id, **values)
    _save_unique(supplier)
    audit_record(
        actor=by, action="shouhou.supplier.created", obj=supplier, after=snapshot(supplier)
    )
    return supplier


@transaction.atomic
def supplier_update(
    *, by, supplier: Supplier, name=UNSET, contact_name=UNSET, phone=UNSET, address=UNSET
) -> Supplier:
    org_id = _require_editor(by)
    supplier = _locked(Supplier, supplier, org_id)
    before = snapshot(supplier)
    errors: dict = {}
    values = _supplier_fields(
        errors, name=name, contact_name=contact_name, phone=phone, address=address
    )
    if (
        values.get("name")
        and "name" not in errors
        and _name_taken(Supplier, org_id, values["name"], exclude_pk=supplier.pk)
    ):
        inputs.add(errors, "name", _("A supplier with this name already exists."))
    _fail(errors)
    for k, v in values.items():
        setattr(supplier, k, v)
    _save_unique(supplier)
    audit_record(
        actor=by,
        action="shouhou.supplier.updated",
        obj=supplier,
        before=before,
        after=snapshot(supplier),
    )
    return supplier


@transaction.atomic
def category_create(*, by, name: str, parent: Category | int | None = None) -> Category:
    org_id = _require_editor(by)
    errors: dict = {}
    name = inputs.text(name, "name", errors, max_length=100, required=True)
    parent = inputs.ref(Category, parent, "parent", errors, organisation_id=org_id)
    if name and not errors and _name_taken(Category, org_id, name, parent=parent):
        inputs.add(errors, "name", _("A category with this name already exists here."))
    _fail(errors)
    category = Category(organisation_id=org_id, name=name, parent=parent)
    _save_unique(category)
    audit_record(
        actor=by, action="shouhou.category.created", obj=category, after=snapshot(category)
    )
    return category


@transaction.atomic
def category_update(*, by, category: Category, name=UNSET, parent=UNSET) -> Category:
    org_id = _require_editor(by)
    category = _locked(Category, category, org_id)
    before = snapshot(category)
    errors: dict = {}
    if name is not UNSET:
        category.name = inputs.text(name, "name", errors, max_length=100, required=True)
    if parent is not UNSET:
        new_parent = inputs.ref(Category, parent, "parent", errors, organisation_id=org_id)
        if new_parent is not None and new_parent.pk in category_with_descendants(category):
            inputs.add(errors, "parent", _("A category cannot be placed under itself."))
        else:
            category.parent = new_parent
    if not errors and _name_taken(
        Category, org_id, category.name, exclude_pk=category.pk, parent=category.parent
    ):
        inputs.add(errors, "name", _("A category with this name already exists here."))
    _fail(errors)
    _save_unique(category)
    audit_record(
        actor=by,
        action="shouhou.category.updated",
        obj=category,
        before=before,
        after=snapshot(category),
    )
    return category
