"""PIPL (个人信息保护法) requests: a customer's personal data exported (everything held about
them) and anonymised on request.

Everything held about a customer is found generically: the customer row, then every row of any
app whose foreign key points at the customer (phones, addresses, products, contracts, work
orders, callbacks, complaints, deliveries ...), and the audit events about the customer. So an app
added later is in the export without this module knowing it (customers imports no higher app).

Anonymising replaces the name, the phones, the addresses, the birthday, the notes and the
preferences of the customer, and every name/phone/address-like text of the rows pointing at
the customer (copies on orders, deliveries, contracts), with placeholders; the rows themselves
(orders, their amounts, statuses and dates: the statistics) are kept. The customer's audit
events lose their recorded values. It is irreversible, for a manager role only, needs the
confirmation word, and leaves one audit event (without the old values).
"""

from __future__ import annotations

import json
import re
from typing import Any

from django.contrib.contenttypes.models import ContentType
from django.core.serializers.json import DjangoJSONEncoder
from django.db import models, transaction
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from shouhou.core.audit import audit_record
from shouhou.core.errors import Conflict, NotFoundError, ValidationFailed
from shouhou.core.exports import new_workbook, safe_title, workbook_bytes, write_row
from shouhou.core.models import AuditEvent
from shouhou.org import roles as r

from .models import Customer

CONFIRM_WORD = "ANONYMISE"
ANONYMOUS_NAME = "已匿名"
# Text columns that hold a person's name, phone or address (copies on other apps' rows).
PERSONAL_FIELD = re.compile(
    r"(^|_)(name|full_name|contact|phone|mobile|tel|address|detail|street|signer_name|"
    r"signature|id_number|birthday|email|wechat)($|_)"
)
KEEP_FIELDS = {"product_name", "model_name", "store_name", "brand_name"}


def _require_manager(by, customer) -> None:
    r.require_role(by, *r.MANAGER_ROLES)
    if by.organisation_id is not None and by.organisation_id != customer.organisation_id:
        raise NotFoundError(_("Customer not found."))


def _rows(qs) -> list[dict]:
    out = []
    for obj in qs:
        row = {}
        for f in obj._meta.concrete_fields:
            value = getattr(obj, f.attname)
            if isinstance(f, models.FileField):
                value = value.name if value else ""
            row[f.attname] = value
        out.append(row)
    return json.loads(json.dumps(out, cls=DjangoJSONEncoder))


def _related(customer):
    """(label, queryset) for every reverse relation to the customer."""
    for rel in Customer._meta.related_objects:
        if not (rel.one_to_many or rel.one_to_one):
            continue
        model = rel.related_model
        qs = model._default_manager.filter(**{rel.field.name: customer}).order_by("pk")
        yield f"{model._meta.label_lower}.{rel.field.name}", qs


def _audit(customer):
    ct = ContentType.objects.get_for_model(Customer)
    return AuditEvent.objects.filter(content_type=ct, object_id=str(customer.pk)).order_by("pk")


def customer_personal_data(*, by, customer: Customer) -> dict:
    """Everything held about the customer, by section (JSON-ready); the export is audited."""
    _require_manager(by, customer)
    data: dict[str, Any] = {"customer": _rows([customer])[0]}
    for label, qs in _related(customer):
        rows = _rows(qs)
        if rows:
            data[label] = rows
    data["audit"] = [
        {"at": e["at"], "action": e["action"], "before": e["before"], "after": e["after"]}
        for e in _rows(_audit(customer))
    ]
    audit_record(actor=by, action="shouhou.customer.personal_data_exported", obj=customer)
    return data


def personal_data_xlsx(data: dict) -> bytes:
    """One sheet per section of `customer_personal_data`, through the core export helper."""

    wb = new_workbook()
    wb.remove(wb.active)
    for section, rows in data.items():
        rows = [rows] if isinstance(rows, dict) else rows
        ws = wb.create_sheet(safe_title(section))
        columns = sorted({k for row in rows for k in row})
        write_row(ws, columns, bold=True)
        for row in rows:
            write_row(
                ws,
                [
                    json.dumps(v, ensure_ascii=False) if isinstance(v, dict | list) else v
                    for v in (row.get(c) for c in columns)
                ],
            )
    return workbook_bytes(wb)


def _placeholder(field, pk: int):
    if isinstance(field, models.DateField | models.DateTimeField):
        return None if field.null else field.get_default()
    text = f"anon-{pk}"
    if field.max_length:
        text = text[: field.max_length]
    return text if not field.blank else ""


@transaction.atomic
def customer_anonymise(*, by, customer: Customer, confirm: str, now=None) -> Customer:
    """Replace the customer's personal data by placeholders, irreversibly (see the module)."""
    _require_manager(by, customer)
    if (confirm or "").strip() != CONFIRM_WORD:
        raise ValidationFailed(
            fields={"confirm": [_("Type %(word)s to confirm.") % {"word": CONFIRM_WORD}]}
        )
    customer = Customer.objects.select_for_update().get(pk=customer.pk)
    if customer.name == ANONYMOUS_NAME and customer.mobile.startswith("anon"):
        raise Conflict(_("This customer was already anonymised."), code="already_anonymised")
    now = now or timezone.now()
    pk = customer.pk
    counts: dict[str, int] = {}
    for label, qs in _related(customer):
        model = qs.model
        if model._meta.label_lower == "customers.customerphone":
            counts[label] = qs.count()
            qs.delete()  # the numbers themselves; the customer keeps a placeholder mobile
            continue
        changes = {
            f.attname: _placeholder(f, pk)
            for f in model._meta.concrete_fields
            if (
                isinstance(f, models.CharField | models.TextField)
                or (type(f) is models.DateField and "birthday" in f.name)
            )
            and not f.choices
            and not f.primary_key
            and f.name not in KEEP_FIELDS
            and PERSONAL_FIELD.search(f.name)
            and f.name not in ("number", "source_key")
        }
        if changes:
            counts[label] = qs.update(**changes)
    for f in Customer._meta.concrete_fields:
        if f.name in ("name",):
            customer.name = ANONYMOUS_NAME
        elif f.name == "mobile":
            customer.mobile = f"anon{pk}"[: f.max_length]
        elif f.name in ("birthday",):
            customer.birthday = None
        elif f.name in ("preferences", "notes", "member_no", "gender") or (
            isinstance(f, models.CharField | models.TextField)
            and PERSONAL_FIELD.search(f.name)
            and f.name not in ("name", "mobile")
        ):
            setattr(customer, f.attname, "" if f.blank else _placeholder(f, pk))
    customer.save()
    _audit(customer).update(before=None, after=None)
    audit_record(
        actor=by,
        action="shouhou.customer.anonymised",
        obj=customer,
        after={"anonymised_at": now.isoformat(), "rows": counts},
    )
    return customer
