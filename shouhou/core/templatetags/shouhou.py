from typing import Any

from django import template
from django.db import models

from shouhou.core.audit import audit_events_for
from shouhou.core.phones import mask_phone

register = template.Library()


@register.inclusion_tag("core/_timeline.html")
def timeline(obj: models.Model, *related: models.Model | None) -> dict[str, Any]:
    """`{% timeline order %}`: the audited events of an object (and related ones), newest first."""
    events = audit_events_for(obj, related=[r for r in related if r is not None])
    for e in events:
        before, after = e.before or {}, e.after or {}
        e.changes = (
            [(k, before.get(k), after.get(k)) for k in after if before.get(k) != after.get(k)]
            if e.before is not None
            else []
        )
    return {"events": events}


@register.filter
def masked(number: str | None) -> str:
    return mask_phone(number or "")


@register.filter
def yuan(value: Any) -> str:
    """¥1,234.50"""
    if value is None or value == "":
        return ""
    return f"¥{value:,.2f}"
