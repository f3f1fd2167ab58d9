"""Recording and reading audit events. Every service calls `audit_record` inside its transaction."""

from __future__ import annotations

import datetime as dt
from contextlib import contextmanager
from contextvars import ContextVar
from decimal import Decimal
from typing import Any

from django.contrib.contenttypes.models import ContentType
from django.db import models
from django.db.models.fields.files import FieldFile

from .models import AuditEvent

_pending: ContextVar[list | None] = ContextVar("shouhou_audit_pending", default=None)


@contextmanager
def audit_batch():
    """Write the events recorded inside the block in one INSERT when it ends without an error
    (a service that records several events, such as an intake registering a customer and an
    order). Use it inside the service's transaction; nested batches join the outer one."""
    if _pending.get() is not None:
        yield
        return
    token = _pending.set([])
    try:
        yield
        events = _pending.get()
        if events:
            AuditEvent.objects.bulk_create(events)
    finally:
        _pending.reset(token)


def _jsonable(value: Any) -> Any:
    if isinstance(value, Decimal):
        return str(value)
    if isinstance(value, dt.datetime | dt.date | dt.time):
        return value.isoformat()
    if isinstance(value, models.Model):
        return value.pk
    if isinstance(value, FieldFile):
        return value.name or None
    if isinstance(value, dict):
        return {k: _jsonable(v) for k, v in value.items()}
    if isinstance(value, list | tuple | set):
        return [_jsonable(v) for v in value]
    return value


def snapshot(obj: models.Model, fields: list[str] | None = None) -> dict[str, Any]:
    """The concrete field values of `obj`, JSON-ready, for before/after in an audit event.

    Generated columns are left out: the database derives them from the fields that are kept,
    and an instance holds their value only once reloaded (no stale or deferred read)."""
    names = fields or [
        f.attname
        for f in obj._meta.concrete_fields
        if f.attname not in ("created_at", "updated_at") and not f.generated
    ]
    return {n: _jsonable(getattr(obj, n)) for n in names}


def diff(before: dict[str, Any], after: dict[str, Any]) -> tuple[dict[str, Any], dict[str, Any]]:
    changed = [k for k in after if before.get(k) != after.get(k)]
    return {k: before.get(k) for k in changed}, {k: after.get(k) for k in changed}


def audit_record(
    *,
    actor: Any,
    action: str,
    obj: models.Model,
    before: dict[str, Any] | None = None,
    after: dict[str, Any] | None = None,
    note: str = "",
) -> AuditEvent:
    """Append one event. `action` is a dotted code such as `shouhou.customer.created`."""
    organisation_id = getattr(obj, "organisation_id", None)
    if organisation_id is None and obj._meta.model_name == "organisation":
        organisation_id = obj.pk
    event = AuditEvent(
        organisation_id=organisation_id,
        actor=actor if getattr(actor, "is_authenticated", False) else None,
        action=action,
        content_type=ContentType.objects.get_for_model(obj, for_concrete_model=False),
        object_id=str(obj.pk),
        object_repr=str(obj)[:200],
        before=_jsonable(before) if before is not None else None,
        after=_jsonable(after) if after is not None else None,
        note=note,
    )
    pending = _pending.get()
    if pending is not None:
        pending.append(event)
    else:
        event.save(force_insert=True)
    return event


def audit_events_for(
    obj: models.Model, *, related: list[models.Model] | None = None
) -> list[AuditEvent]:
    """The timeline of one object (and optionally of related objects), newest first."""
    targets = [obj, *(related or [])]
    q = models.Q()
    for t in targets:
        q |= models.Q(content_type=ContentType.objects.get_for_model(t), object_id=str(t.pk))
    return list(AuditEvent.objects.filter(q).select_related("actor").order_by("-at", "-id"))
