"""The organisation's callback settings, edited by the customer-service manager."""

from __future__ import annotations

from django.db import transaction
from django.utils.translation import gettext as _

from shouhou.core.audit import audit_record, snapshot
from shouhou.core.errors import (
    NotFoundError,
    ValidationFailed,
)
from shouhou.org import roles as r

from ..models import CallbackSettings
from .common import settings_for

SETTINGS_ROLES = (r.CS_MANAGER,)

SETTINGS_FIELDS = [
    "after_service_enabled",
    "after_service_working_days",
    "coverage_working_days",
    "coverage_target_pct",
    "greeting_holidays",
    "greeting_lead_days",
    "birthday_greetings",
    "greeting_members_only",
    "max_attempts",
    "feedback_link_days",
    "satisfied_from",
]

_LIMITS = {
    # field: (lowest, highest)
    "after_service_working_days": (0, 30),
    "coverage_working_days": (1, 30),
    "coverage_target_pct": (0, 100),
    "greeting_lead_days": (0, 30),
    "max_attempts": (1, 20),
    "feedback_link_days": (1, 90),
    "satisfied_from": (1, 5),
}


def _as_int(value, field, errors) -> int | None:
    if isinstance(value, bool):
        value = None
    try:
        return int(str(value).strip())
    except (TypeError, ValueError):
        errors.setdefault(field, []).append(_("Enter a whole number."))
        return None


def _as_bool(value) -> bool:
    if isinstance(value, str):
        return value.strip().lower() in ("1", "true", "on", "yes")
    return bool(value)


@transaction.atomic
def callback_settings_update(*, by, organisation=None, **values) -> CallbackSettings:
    """Change the organisation's callback settings (manager); fields left out keep their value."""
    r.require_role(by, *SETTINGS_ROLES)
    org_id = getattr(organisation, "pk", organisation) or by.organisation_id
    if not org_id or (by.organisation_id and by.organisation_id != org_id):
        raise NotFoundError()
    unknown = set(values) - set(SETTINGS_FIELDS)
    if unknown:
        raise ValidationFailed(fields={k: [_("Unknown setting.")] for k in sorted(unknown)})
    cfg = CallbackSettings.objects.select_for_update().get(pk=settings_for(org_id).pk)
    before = snapshot(cfg, SETTINGS_FIELDS)
    errors: dict = {}
    clean: dict = {}
    for field, value in values.items():
        if field in _LIMITS:
            n = _as_int(value, field, errors)
            lo, hi = _LIMITS[field]
            if n is not None and not lo <= n <= hi:
                errors.setdefault(field, []).append(
                    _("Enter a number from %(lo)d to %(hi)d.") % {"lo": lo, "hi": hi}
                )
            clean[field] = n
        elif field == "greeting_holidays":
            names = [n.strip() for n in str(value or "").replace("，", ",").split(",") if n.strip()]
            text = ",".join(dict.fromkeys(names))
            if len(text) > 200:
                errors.setdefault(field, []).append(_("At most 200 characters."))
            if any(len(n) > 50 for n in names):
                errors.setdefault(field, []).append(_("A holiday name is at most 50 characters."))
            clean[field] = text
        else:
            clean[field] = _as_bool(value)
    if errors:
        raise ValidationFailed(fields=errors)
    for field, value in clean.items():
        setattr(cfg, field, value)
    cfg.save()
    audit_record(
        actor=by,
        action="shouhou.callback_settings.updated",
        obj=cfg,
        before=before,
        after=snapshot(cfg, SETTINGS_FIELDS),
    )
    return cfg
